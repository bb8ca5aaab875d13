"""The admin token: every /api/ route needs it; it is generated once, kept private, never shown."""
from __future__ import annotations

import io
import os
import stat
from typing import Any

import pytest
from aiohttp.test_utils import make_mocked_request

from hub.app import create_app
from hub.core.logging import configure
from hub.web.openapi import PATH_PARAM
from hub.web.routes import route_table

from .web_support import ADMIN_TOKEN, make_config

PUBLIC = {"/healthz", "/readyz", "/metrics", "/webhooks/{source}"}


def concrete(path: str) -> str:
    # PATH_PARAM knows one brace level: {id:\d{1,18}} is one parameter, not "{id:\d{1,18}" and a "}".
    return PATH_PARAM.sub(lambda m: {"id": "1", "kind": "order_confirmation"}.get(m.group(1), "X-1"), path)


API_ROUTES = [(r.method, concrete(r.path)) for r in route_table() if r.path not in PUBLIC]


def test_every_route_but_probes_and_webhooks_is_protected():
    assert {r.path for r in route_table() if r.public} == PUBLIC
    assert all(path.startswith("/api/") for _, path in API_ROUTES)


async def test_the_probed_paths_are_the_routes_themselves(app):
    # a probe of a path no route matches would be refused by the token check all the same
    for method, path in API_ROUTES:
        match = await app.router.resolve(make_mocked_request(method, path))
        assert match.http_exception is None, (method, path)


BAD_AUTHORIZATIONS = [None, "Bearer wrong-token", f"Basic {ADMIN_TOKEN}", "Bearer ", f"Bearer {ADMIN_TOKEN}x",
                      "Bearer \xff\xfe", ADMIN_TOKEN]


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
async def test_api_routes_without_the_right_token_are_401(client, method, path):
    for authorization in BAD_AUTHORIZATIONS:
        headers = {"Authorization": authorization} if authorization is not None else {}
        reply = await client.request(method, path, json={}, headers=headers)
        assert reply.status == 401, authorization
        assert reply.headers["WWW-Authenticate"].startswith("Bearer")
        assert (await reply.json())["error"]


async def test_unknown_api_paths_are_401_without_a_token_too(client):
    assert (await client.get("/api/secret-admin")).status == 401


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
async def test_probes_answer_without_a_token(client, path):
    assert (await client.get(path)).status == 200


async def test_without_the_environment_a_token_is_generated_into_a_private_file(
        aiohttp_client: Any, tmp_path, clock, monkeypatch, capsys):
    # given no HUB_ADMIN_TOKEN and logs captured
    monkeypatch.delenv("HUB_ADMIN_TOKEN")
    logs = io.StringIO()
    configure("DEBUG", stream=logs)
    # when the hub starts twice on the same data folder
    client = await aiohttp_client(create_app(make_config(tmp_path), clock=clock, run_background=False))
    path = tmp_path / "admin-token"
    token = path.read_text().strip()
    create_app(make_config(tmp_path), clock=clock, run_background=False)
    # then one token was generated, readable by the owner only, and it opens the API
    assert path.read_text().strip() == token and len(token) >= 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert (await client.get("/api/orders", headers={"Authorization": f"Bearer {token}"})).status == 200
    assert (await client.get("/api/orders", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})).status == 401
    captured = capsys.readouterr()
    assert token not in logs.getvalue() + captured.out + captured.err


async def test_serve_prints_where_the_token_is_never_the_token(tmp_path, monkeypatch, capsys, unused_tcp_port):
    import asyncio
    import signal

    from hub.app import serve
    monkeypatch.delenv("HUB_ADMIN_TOKEN")
    config = make_config(tmp_path).model_copy(update={"port": unused_tcp_port})
    task = asyncio.create_task(serve(config))
    printed = ""
    for _ in range(250):  # until it listens
        await asyncio.sleep(0.02)
        printed += capsys.readouterr().err
        if "admin bearer token" in printed:
            break
    os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C does
    await asyncio.wait_for(task, 10)
    token = (tmp_path / "admin-token").read_text().strip()
    assert f"http://127.0.0.1:{unused_tcp_port}" in printed
    assert str(tmp_path / "admin-token") in printed
    assert token not in printed + capsys.readouterr().err
