"""The listening socket's guard: slow or too many connections never stop the hub accepting.

aiohttp bounds neither the time a client takes to send a request's head nor how many connections
it holds. With the common limit of 1,024 open files, about 1,100 slow connections were enough to
make ``accept()`` fail in a loop (a traceback per try). So each connection is wrapped:

- a request's head must arrive within ``header_timeout_s`` of its first byte (or of the
  connection's opening), and a request must be answered within ``request_timeout_s`` of its head
  (its body read included) — past either the connection is closed;
- above ``max_connections`` (kept below the process's open-file limit, which start-up raises to
  its hard limit where allowed) a new connection gets a 503 and is closed at once;
- refusals and closings are counted and logged once per ``log_interval_s``, never per connection.

The request middleware tells the guard when a request's head was read and when it was answered
(``request_started`` / ``request_done``): only the server sees the head complete.
"""
from __future__ import annotations

import asyncio
import resource
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from hub.core.logging import get_logger

log = get_logger()

FULL_BODY = b'{"error":"the hub is at its connection limit: retry shortly"}'
FULL_RESPONSE = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
                 b"Connection: close\r\nContent-Length: " + str(len(FULL_BODY)).encode() + b"\r\n\r\n" + FULL_BODY)
FILES_RESERVED = 64  # database, log files, plugin HTTP sessions: never taken by clients


def raise_file_limit() -> int:
    """Raise this process's soft open-file limit to its hard limit; return the soft limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass  # not allowed here: the cap below follows the soft limit
    return soft


def connection_cap(wanted: int, file_limit: int) -> int:
    """At most ``wanted`` clients, and always some files left for the hub itself."""
    if file_limit in (resource.RLIM_INFINITY, -1):
        return wanted
    return max(1, min(wanted, file_limit - FILES_RESERVED))


class _Tally:
    """Counts of one kind of trouble, logged at most once per interval."""

    def __init__(self, event: str, interval_s: float) -> None:
        self.event, self.interval_s = event, interval_s
        self.count, self.total, self.logged_at = 0, 0, float("-inf")

    def add(self, **context: Any) -> None:
        self.count += 1
        self.total += 1
        now = time.monotonic()
        if now - self.logged_at >= self.interval_s:
            log.warning(self.event, since_last_log=self.count, total=self.total, **context)
            self.count, self.logged_at = 0, now


class _Guarded(asyncio.Protocol):
    """One connection: aiohttp's protocol inside, with the times the guard checks."""

    def __init__(self, guard: ConnectionGuard, inner: asyncio.Protocol) -> None:
        self.guard, self.inner = guard, inner
        self.transport: asyncio.Transport | None = None
        self.waiting_since: float | None = time.monotonic()  # for a request's head
        self.answering_since: float | None = None  # head read, answer not yet given

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.guard.open[transport] = self
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self.waiting_since is None and self.answering_since is None:
            self.waiting_since = time.monotonic()  # the first byte of the next request on a kept-alive connection
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        self.guard.open.pop(self.transport, None)
        self.inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()


class _Refused(asyncio.Protocol):
    """A connection over the cap: a 503, our side shut, and closed a moment later. Closing at
    once would make the kernel answer the client's request bytes with a reset, which the client
    may read before the 503."""

    LINGER_S = 0.5

    def connection_made(self, transport: Any) -> None:
        transport.write(FULL_RESPONSE)
        if transport.can_write_eof():
            transport.write_eof()
        self.timer = asyncio.get_running_loop().call_later(self.LINGER_S, transport.close)

    def data_received(self, data: bytes) -> None:
        pass  # the request is not read: the answer is the same whatever it is

    def eof_received(self) -> bool:
        return False  # the client is done too: close now

    def connection_lost(self, exc: Exception | None) -> None:
        self.timer.cancel()


class ConnectionGuard:
    """Wraps an aiohttp ``web.Server`` factory; ``start()`` runs the clock that closes slow ones."""

    def __init__(self, server: Callable[[], asyncio.Protocol], *, max_connections: int, header_timeout_s: float,
                 request_timeout_s: float, log_interval_s: float = 10.0) -> None:
        self.server = server
        self.max_connections = max_connections
        self.header_timeout_s, self.request_timeout_s = header_timeout_s, request_timeout_s
        self.open: dict[Any, _Guarded] = {}
        self.refused = _Tally("http.connections_refused", log_interval_s)
        self.timed_out = _Tally("http.slow_connections_closed", log_interval_s)
        self._watch: asyncio.Task[None] | None = None

    def __call__(self) -> asyncio.Protocol:
        if len(self.open) >= self.max_connections:
            self.refused.add(open=len(self.open), limit=self.max_connections)
            return _Refused()
        return _Guarded(self, self.server())

    def request_started(self, transport: Any) -> None:
        if (conn := self.open.get(transport)) is not None:
            conn.waiting_since, conn.answering_since = None, time.monotonic()

    def request_done(self, transport: Any) -> None:
        if (conn := self.open.get(transport)) is not None:
            conn.answering_since = None  # kept alive: aiohttp's keep-alive timeout governs the idle time

    def sweep(self) -> int:
        """Close the connections past their time; returns how many."""
        now, closed = time.monotonic(), 0
        for transport, conn in list(self.open.items()):
            slow_head = conn.waiting_since is not None and now - conn.waiting_since > self.header_timeout_s
            slow_request = conn.answering_since is not None and now - conn.answering_since > self.request_timeout_s
            if slow_head or slow_request:
                self.open.pop(transport, None)
                transport.close()
                closed += 1
                self.timed_out.add(phase="head" if slow_head else "request", open=len(self.open))
        return closed

    async def _run(self) -> None:
        period = max(0.05, min(self.header_timeout_s, self.request_timeout_s) / 4)
        while True:
            await asyncio.sleep(period)
            self.sweep()

    def start(self) -> None:
        self._watch = asyncio.create_task(self._run(), name="hub.connection_guard")

    async def stop(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)


class GuardSlot:
    """Where the app finds its guard: the app is built (and frozen) before the site listens."""

    guard: ConnectionGuard | None = None


SLOT: web.AppKey[GuardSlot] = web.AppKey("connection_guard", GuardSlot)


@web.middleware
async def mark_requests(request: web.Request, handler: Callable[..., Any]) -> web.StreamResponse:
    """Tells the guard a request's head was read, and when it was answered."""
    slot = request.app.get(SLOT)
    guard = slot.guard if slot is not None else None
    if guard is None or request.transport is None:
        return await handler(request)
    transport = request.transport
    guard.request_started(transport)
    try:
        return await handler(request)
    finally:
        guard.request_done(transport)


class _AcceptStorm:
    """The loop's handler for errors it cannot pass on: ``accept()`` failing (out of files) is
    logged once per interval with a count, not a traceback per try; the rest as before."""

    def __init__(self, interval_s: float) -> None:
        self.tally = _Tally("http.accept_failed", interval_s)

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, OSError) and "accept" in str(context.get("message", "")):
            self.tally.add(error=str(exc)[:200])
            return
        loop.default_exception_handler(context)


async def start_site(runner: web.AppRunner, host: str, port: int, *, max_connections: int,
                     header_timeout_s: float, request_timeout_s: float,
                     log_interval_s: float = 10.0) -> tuple[asyncio.AbstractServer, ConnectionGuard]:
    """Listen on ``host:port`` behind a guard; the runner must be set up (its app gets the guard)."""
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(_AcceptStorm(log_interval_s))
    cap = connection_cap(max_connections, raise_file_limit())
    guard = ConnectionGuard(runner.server, max_connections=cap, header_timeout_s=header_timeout_s,
                            request_timeout_s=request_timeout_s, log_interval_s=log_interval_s)
    if (slot := runner.app.get(SLOT)) is not None:
        slot.guard = guard
    server = await loop.create_server(guard, host, port, reuse_address=True, backlog=128)
    guard.start()
    return server, guard
