"""Slow and too many connections against the real listening socket: a request's head and its
answer are bounded in time, connections above the cap get a 503 at once, and each kind of trouble
is logged once per interval with a count. The last test is the drill that found it: 1,100 slow
connections against a ``hub serve`` limited to 1,024 open files."""
from __future__ import annotations

import asyncio
import resource
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from structlog.testing import capture_logs

from hub.app import create_app
from drills.storm import run_storm
from hub.web.connections import FILES_RESERVED, connection_cap, raise_file_limit, start_site

from .web_support import make_config


class Listening:
    def __init__(self, port: int, guard: Any) -> None:
        self.port, self.guard = port, guard

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", self.port)

    async def get(self, path: str = "/healthz") -> bytes:
        reader, writer = await self.connect()
        try:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n".encode())
            return await asyncio.wait_for(reader.read(), 5)
        finally:
            writer.close()
            await writer.wait_closed()


@pytest.fixture
async def listening(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Listening]:
    limits = {"max_connections": 50, "header_timeout_s": 0.4, "request_timeout_s": 0.8,
              **getattr(request, "param", {})}
    app = create_app(make_config(tmp_path), run_background=False)
    runner = web.AppRunner(app, access_log=None, keepalive_timeout=5)
    await runner.setup()
    server, guard = await start_site(runner, "127.0.0.1", 0, log_interval_s=30, **limits)
    try:
        yield Listening(server.sockets[0].getsockname()[1], guard)
    finally:
        server.close()
        await guard.stop()
        await runner.cleanup()


async def closed_by_server(reader: asyncio.StreamReader, within: float) -> bool:
    try:
        return await asyncio.wait_for(reader.read(), within) is not None
    except TimeoutError:
        return False


async def test_a_head_sent_too_slowly_or_never_is_cut_off_and_logged_once(listening: Listening) -> None:
    with capture_logs() as logs:
        # given clients that open a connection and send nothing, or half a head
        conns = [await listening.connect() for _ in range(6)]
        for _, writer in conns[3:]:
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: hu")
        # then the hub closes each after the head's time limit
        assert all([await closed_by_server(reader, 3) for reader, _ in conns])
        for _, writer in conns:
            writer.close()
        # and says so once for the six, not once each
        closing = [e for e in logs if e["event"] == "http.slow_connections_closed"]
        assert len(closing) == 1 and closing[0]["phase"] == "head"
    assert listening.guard.timed_out.total == 6
    # while a client that sends its request answers normally
    assert (await listening.get()).startswith(b"HTTP/1.1 200")


async def test_a_body_that_stops_arriving_is_cut_off(listening: Listening) -> None:
    reader, writer = await listening.connect()
    # given a webhook whose head says 1,000 bytes and whose body stops after ten
    writer.write(b"POST /webhooks/orders HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 1000\r\n\r\n{\"type\":\"o")
    started = time.monotonic()
    # then the connection is closed once the request's time limit passes, not held for ever
    assert await closed_by_server(reader, 5)
    assert time.monotonic() - started < 5
    writer.close()
    assert listening.guard.timed_out.total == 1


async def test_a_kept_alive_connection_serves_one_request_after_another(listening: Listening) -> None:
    reader, writer = await listening.connect()
    for _ in range(3):  # each request inside the limits, with pauses between them longer than the head's
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: hub\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert head.startswith(b"HTTP/1.1 200")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
        await reader.readexactly(length)
        await asyncio.sleep(0.6)  # idle between requests is keep-alive's, not the head's limit
    writer.close()
    await writer.wait_closed()
    assert listening.guard.timed_out.total == 0


@pytest.mark.parametrize("listening", [{"max_connections": 5, "header_timeout_s": 5}], indirect=True)
async def test_connections_over_the_cap_get_503_at_once_and_one_log_line(listening: Listening) -> None:
    with capture_logs() as logs:
        # given five idle connections holding the cap
        held = [await listening.connect() for _ in range(5)]
        await asyncio.sleep(0.1)
        # when twenty more arrive, each gets a 503 with Retry-After, at once, and is closed
        answers = [await listening.get() for _ in range(20)]
        assert all(a.startswith(b"HTTP/1.1 503") and b"Retry-After: 1" in a for a in answers)
        refused = [e for e in logs if e["event"] == "http.connections_refused"]
        assert len(refused) == 1 and refused[0]["limit"] == 5
    assert listening.guard.refused.total == 20
    # when the idle ones go, the hub answers again
    for _, writer in held:
        writer.close()
        await writer.wait_closed()
    await asyncio.sleep(0.1)
    assert (await listening.get()).startswith(b"HTTP/1.1 200")


def test_the_cap_stays_below_the_open_file_limit() -> None:
    assert connection_cap(4096, 1024) == 1024 - FILES_RESERVED
    assert connection_cap(100, 1024) == 100
    assert connection_cap(4096, resource.RLIM_INFINITY) == 4096
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert raise_file_limit() >= soft


@pytest.mark.slow
async def test_drill_1100_slow_connections_against_1024_files_leave_the_hub_answering(tmp_path: Path) -> None:
    figures = await run_storm(tmp_path, slow_clients=1100, header_timeout_s=2.0)
    # a client arriving during the storm gets an answer at once (503: full), never a hang
    assert figures.answered_while_full.startswith(("HTTP/1.1 503", "HTTP/1.1 200")), figures
    # once the slow ones are cut off, the hub answers 200 again
    assert figures.answered_after.startswith("HTTP/1.1 200"), figures
    # and the storm is a few counted lines in the log, not a traceback per connection
    assert figures.tracebacks == 0 and 1 <= figures.storm_log_lines <= 6, figures
