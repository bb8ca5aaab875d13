"""Schemathesis against ``/api/openapi.json`` on a real server: no 5xx, nothing the document does not say."""
from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks

from hub.app import create_app
from hub.web.openapi import document_bytes

from .web_support import make_config

EXAMPLES_PER_OPERATION = int(os.environ.get("HUB_FUZZ_EXAMPLES", "25"))  # raise it for a long fuzz run
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance,
          checks.negative_data_rejection, checks.ignored_auth]


class ServerThread:
    """The hub (background work included) on a loopback port, in a thread of its own."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.ready = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="hub-under-test", daemon=True)
        self.url = ""

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._start())
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.runner.cleanup())
        self.loop.close()

    async def _start(self) -> None:
        self.runner = web.AppRunner(create_app(make_config(self.data_dir)), access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # noqa: SLF001 - the port the OS picked
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        assert self.ready.wait(30), "the hub did not start"
        return self

    def __exit__(self, *_: Any) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)


@pytest.fixture(scope="module")
def hub_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    data_dir = tmp_path_factory.mktemp("schemathesis")
    with pytest.MonkeyPatch.context() as env:
        env.delenv("HUB_ADMIN_TOKEN", raising=False)  # the hub generates its token like on a fresh install
        with ServerThread(data_dir) as server:
            token = (data_dir / "admin-token").read_text().strip()
            yield server.url, token
    assert os.stat(data_dir / "admin-token").st_mode & 0o077 == 0


def load_schema() -> Any:
    """The document the server serves, read without a server: operations are known at collection."""
    config = schemathesis.Config.from_dict({"generation": {"max-examples": EXAMPLES_PER_OPERATION,
                                                           "database": "none",
                                                           # the token is added to every call below
                                                           "with-security-parameters": False}})
    return schemathesis.openapi.from_dict(orjson.loads(document_bytes()), config=config)


OPERATIONS = [result.ok() for result in load_schema().get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_the_api_keeps_to_its_openapi_document(operation: Any, hub_server: tuple[str, str]) -> None:
    url, token = hub_server
    # valid and invalid requests alike: answered as documented, never with a 5xx
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=cases)
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    def call(case: Any) -> None:
        case.call_and_validate(base_url=url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    call()
