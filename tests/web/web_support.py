"""Helpers of the HTTP surface tests: the test configuration, signers and authorised calls."""
from __future__ import annotations

import base64
import contextlib
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import orjson

from hub_testing import TESTER_TOKEN

from hub.core.config import HubConfig
from hub.core.runtime import Runtime
from hub.core.service import Hub
from hub.web.signatures import sign
from plugins.carrier.kuaidi100.signing import push_sign

ADMIN_TOKEN = "test-admin-token-0123456789"
ADMIN_AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}  # the bootstrap token: role admin only
AUTH = {"Authorization": f"Bearer {TESTER_TOKEN}"}  # the user "tester", every role (hub_testing.seed_tester)
ORDERS_SECRET = "whsec_" + base64.b64encode(b"orders-secret-for-tests-0123456789").decode()
ORDERS_OLD_SECRET = "whsec_" + base64.b64encode(b"orders-secret-being-rotated-out-01").decode()
SANDBOX_TOKEN = "sandbox-push-token-for-tests"
KUAIDI100_SALT = "kuaidi100-salt-for-tests"
KUAIDI100 = "plugins.carrier.kuaidi100:SPEC"
PLUGINS = {
    "enabled": ["erp.sandbox", "carrier.sandbox", "notify.sandbox", KUAIDI100],
    KUAIDI100: {"key": "k100-key", "salt": KUAIDI100_SALT, "callback_url": "http://127.0.0.1:9/webhooks/k100"},
    "erp.sandbox": {"stock": {"SOFA-3": "5"}, "prices": {"SOFA-3": "4200"}},
    "carrier.sandbox": {"token": SANDBOX_TOKEN},
}


def make_config(data_dir: Path, **webhooks: Any) -> HubConfig:
    return HubConfig(data_dir=data_dir, plugins=PLUGINS,
                     webhooks={"orders_secrets": [ORDERS_SECRET, ORDERS_OLD_SECRET], **webhooks})


def new_order(ref: str = "SO-WEB-1", **extra: Any) -> dict[str, Any]:
    return {"ref": ref, "customer": {"code": "C-WEB", "name": "Web Customer", "grade": "B"},
            "lines": [{"product_code": "SOFA-3", "spec": "3-seat, grey", "qty": 2, "unit_price": "4200"}],
            "contact": {"name": "Li Lei", "phone": "+86 138 0000 0001", "address": "1 Harbour Rd"}, **extra}


def order_message(ref: str = "SO-SHOP-1") -> bytes:
    return orjson.dumps({"type": "order.created", "data": new_order(ref)})


def signed(body: bytes, *, now: float, msg_id: str = "msg_1", secret: str = ORDERS_SECRET,
           offset_s: int = 0) -> dict[str, str]:
    """Standard Webhooks headers as the shop sends them."""
    timestamp = int(now) + offset_s
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, msg_id, timestamp, body), "content-type": "application/json"}


def sandbox_push(number: str = "SBX-1", event_id: str | None = "evt-1") -> bytes:
    push: dict[str, Any] = {"tracking_number": number, "events": [
        {"occurred_at": "2026-03-02T10:00:00+00:00", "state": "in_transit", "description": "Picked up"}]}
    if event_id:
        push["event_id"] = event_id
    return orjson.dumps(push)


def sandbox_headers(token: str = SANDBOX_TOKEN) -> dict[str, str]:
    return {"x-sandbox-token": token, "content-type": "application/json"}


def wall_clock() -> float:
    return time.time()


def kuaidi100_push(number: str = "SF100", salt: str = KUAIDI100_SALT) -> bytes:
    """A Kuaidi100 push form: ``param`` JSON and ``sign = upper(md5(param + salt))``."""
    param = orjson.dumps({"status": "polling", "message": "", "lastResult": {
        "nu": number, "com": "shunfeng", "state": "0", "data": [
            {"time": "2026-03-02 10:00:00", "ftime": "2026-03-02 10:00:00", "context": "已揽收", "status": "揽收"}]}}
    ).decode()
    return urlencode({"param": param, "sign": push_sign(param, salt)}).encode()


FORM = {"content-type": "application/x-www-form-urlencoded"}


async def hub_with_plugin(aiohttp_client: Any, config: HubConfig, clock: Any, plugin: object,
                          name: str) -> tuple[Any, Any]:
    """A client and its Hub with one extra in-test plugin registered beside the configured ones;
    the caller closes the Hub (it owns a Hub it passed in)."""
    from hub.app import create_app
    from hub.core.plugins import build_plugin_manager
    from hub.core.service import Hub

    pm = build_plugin_manager(config)
    pm.register(plugin, name=name)
    hub = Hub(config, pm, clock=clock)
    return await aiohttp_client(create_app(config, hub=hub, run_background=False)), hub


SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI).astimezone(UTC)


class EntityApi:
    """The HTTP client of one test, the hub behind it and its background work, for the entities under
    ``/api/{collection}`` (a subclass names it), whose reference is ``default_ref`` unless told."""

    collection = ""
    default_ref = ""

    def __init__(self, http: Any, hub: Hub, data_dir: Path) -> None:
        self.http, self.hub, self.data_dir = http, hub, data_dir
        self.runtime = Runtime(hub, inline_tries=1)

    async def post(self, path: str, body: Any) -> tuple[int, Any]:
        reply = await self.http.post(path, json=body, headers=AUTH)
        return reply.status, await reply.json()

    async def get(self, path: str) -> Any:
        reply = await self.http.get(path, headers=AUTH)
        assert reply.status == 200, await reply.text()
        return await reply.json()

    async def event(self, ref: str, event: str, data: dict[str, Any] | None = None,
                    expect: int = 200) -> dict[str, Any]:
        status, body = await self.post(f"/api/{self.collection}/{ref}/events", {"event": event, "data": data or {}})
        assert status == expect, body
        return body

    async def entity(self, ref: str | None = None) -> dict[str, Any]:
        return await self.get(f"/api/{self.collection}/{self.default_ref if ref is None else ref}")

    async def timers(self, ref: str | None = None) -> dict[str, datetime]:
        """Open timers: rule → when due."""
        return {t["rule"]: datetime.fromisoformat(t["due_at"]) for t in (await self.entity(ref))["open_timers"]}

    async def breaches(self, ref: str | None = None) -> list[str]:
        return [e["data"]["rule"] for e in (await self.entity(ref))["timeline"] if e["event"] == "sla_breached"]

    def letters(self) -> list[dict[str, Any]]:
        folder = self.data_dir / "notify-outbox"
        return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))] if folder.exists() else []

    def attachment(self, letter: dict[str, Any], filename: str) -> bytes:
        """The bytes of a letter's attachment (a PDF): the sandbox saves it beside the letter."""
        return (self.data_dir / "notify-outbox" / letter["attachments"][filename]).read_bytes()


@contextlib.asynccontextmanager
async def pg_app(aiohttp_client: Any, config: HubConfig, clock: Any, schema: str) -> AsyncIterator[tuple[Any, Hub]]:
    """The app on a fresh PostgreSQL schema named ``schema``, and its hub, with the test user seeded."""
    from hub_testing import fresh_pg_schema, seed_tester

    from hub.app import create_app
    from hub.core.plugins import build_plugin_manager

    async with fresh_pg_schema(schema) as engine:
        hub = Hub(config, build_plugin_manager(config), clock=clock, engine=engine)
        client = await aiohttp_client(create_app(config, hub=hub, run_background=False))
        await seed_tester(engine)  # the app's start migrated the schema
        try:
            yield client, hub
        finally:  # the app's writer and plugins stop before the engine and its schema go
            await client.close()
            await hub.close()


@contextlib.asynccontextmanager
async def served(api_class: type[EntityApi], backend: str, schema: str, aiohttp_client: Any, config: HubConfig,
                 clock: Any, data_dir: Path) -> AsyncIterator[Any]:
    """``api_class`` over a hub on the test's SQLite file (``backend`` "sqlite") or on a fresh PostgreSQL
    schema named ``schema``: the API tests of every entity run on both."""
    from hub.app import create_app
    from hub.web import keys

    if backend == "sqlite":
        app = create_app(config, clock=clock, run_background=False)
        yield api_class(await aiohttp_client(app), app[keys.HUB], data_dir)
        return
    async with pg_app(aiohttp_client, config, clock, schema) as (client, hub):
        yield api_class(client, hub, data_dir)


async def user_auth(client: Any, name: str, *roles: str) -> dict[str, str]:
    """A user added by the bootstrap admin through the API, and the header of their first token."""
    reply = await client.post("/api/users", json={"name": name, "roles": list(roles)}, headers=ADMIN_AUTH)
    assert reply.status == 201, await reply.text()
    return {"Authorization": f"Bearer {(await reply.json())['token']['token']}"}
