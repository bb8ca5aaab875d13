"""SIGKILL of ``hub serve`` under load: no acknowledged webhook lost, none stored or applied twice.

Senders behave as the shops and carriers do: each message is sent until a 2xx acknowledges it,
and a share of them is sent twice more (redelivery) after the acknowledgement. Meanwhile the
drill kills ``hub serve`` with SIGKILL every ``every_acks`` acknowledgements and starts it again
on the same port. At the end it waits for the inbox to apply everything and counts, in the
database itself: acknowledged messages not stored (lost), stored twice (duplicated), orders
missing or twice, and every 5xx the senders saw.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import random
import signal
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import aiohttp
import sqlalchemy as sa

from bench.db import BenchDb
from bench.hubproc import NOOP, hub_env, write_config
from bench.payloads import ORDERS_PATH, ORDERS_SECRET, order_message_parts
from bench.procs import Proc, free_port, python, wait_http
from hub.core.store.db import make_engine
from hub.core.store.tables import inbound_events, orders


@dataclass
class KillFigures:
    backend: str
    events: int
    kills: int = 0
    attempts: int = 0  # requests sent, retries and redeliveries included
    acknowledged: int = 0
    redelivered: int = 0
    refused_5xx: int = 0  # answers of 500 or more other than 503 (503 means "retry", senders do)
    unavailable_503: int = 0
    connection_errors: int = 0
    stored: int = 0
    lost: int = 0
    duplicated: int = 0
    orders: int = 0
    orders_missing: int = 0
    applied_all: bool = False
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _signed(key: bytes, msg_id: str, body: bytes) -> dict[str, str]:
    stamp = str(int(time.time()))
    digest = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    return {"webhook-id": msg_id, "webhook-timestamp": stamp, "content-type": "application/json",
            "webhook-signature": "v1," + base64.b64encode(digest).decode()}


class _Serve:
    """``hub serve`` on a fixed port, killed and started again."""

    def __init__(self, workdir: Path, config: Path, url: str) -> None:
        self.workdir, self.config, self.url = workdir, config, url
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: Proc | None = None
        self.starts = 0

    async def start(self) -> None:
        self.starts += 1
        self.proc = Proc(f"hub serve #{self.starts}", python("-m", "hub", "serve"),
                         self.workdir / "serve.log", env=hub_env(self.config, self.url, self.port))
        await asyncio.to_thread(wait_http, self.base + "/readyz", self.proc, 90)

    def kill(self) -> None:
        if self.proc is not None and self.proc.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.popen.wait(10)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.stop()


async def run_kill_drill(backend: str, workdir: Path, *, events: int = 400, kills: int = 3,
                         concurrency: int = 16, redeliver_share: float = 0.25, settle_s: float = 90.0) -> KillFigures:
    workdir.mkdir(parents=True, exist_ok=True)
    db = await asyncio.to_thread(lambda: BenchDb(backend, workdir).create())
    figures = KillFigures(backend=backend, events=events)
    config = write_config(workdir, [NOOP])
    serve = _Serve(workdir, config, db.url)
    key = base64.b64decode(ORDERS_SECRET.removeprefix("whsec_"))
    prefix, suffix = order_message_parts()
    ids = [f"drill-{backend[:2]}-{n}" for n in range(events)]
    queue: asyncio.Queue[tuple[str, bool]] = asyncio.Queue()
    for msg_id in ids:
        queue.put_nowait((msg_id, False))
    acked: set[str] = set()
    every = max(1, events // (kills + 1))
    restarting = asyncio.Lock()
    # Senders hold their next request while the hub restarts (those in flight at the kill fail and are
    # sent again): else the new process, answering before start() saw it ready, could take every
    # remaining event inside the restart and the next kill would never come.
    up = asyncio.Event()
    up.set()
    started = time.monotonic()

    async def maybe_kill() -> None:
        if figures.kills < kills and len(acked) >= every * (figures.kills + 1) and not restarting.locked():
            async with restarting:
                up.clear()
                figures.kills += 1
                try:
                    serve.kill()
                    await asyncio.sleep(random.uniform(0.05, 0.3))
                    await serve.start()
                finally:
                    up.set()

    async def sender(http: aiohttp.ClientSession) -> None:
        while True:
            try:
                msg_id, redelivery = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            body = prefix + msg_id.encode() + suffix
            while True:
                await up.wait()
                figures.attempts += 1
                try:
                    async with http.post(serve.base + ORDERS_PATH, data=body, headers=_signed(key, msg_id, body)) as r:
                        await r.read()
                        status = r.status
                except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
                    figures.connection_errors += 1
                    await asyncio.sleep(0.05)
                    continue
                if 200 <= status < 300:
                    if redelivery:
                        figures.redelivered += 1
                    else:
                        acked.add(msg_id)
                        figures.acknowledged += 1
                        if random.random() < redeliver_share:
                            queue.put_nowait((msg_id, True))
                    break
                if status == 503 or status == 429:
                    figures.unavailable_503 += status == 503
                    await asyncio.sleep(0.05)
                    continue
                if status >= 500:
                    figures.refused_5xx += 1
                figures.errors.append(f"{msg_id}: {status}")
                break
            await maybe_kill()

    try:
        await serve.start()
        timeout = aiohttp.ClientTimeout(total=15)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while not queue.empty():
                await asyncio.gather(*(sender(http) for _ in range(concurrency)))
        figures.applied_all = await _wait_applied(db.url, settle_s)
        await _count(db.url, acked, figures)
    finally:
        serve.stop()
        figures.seconds = round(time.monotonic() - started, 1)
        await asyncio.to_thread(db.drop)
    return figures


async def _wait_applied(url: str, settle_s: float) -> bool:
    engine = make_engine(url)
    try:
        deadline = time.monotonic() + settle_s
        while time.monotonic() < deadline:
            async with engine.connect() as conn:
                pending = (await conn.execute(sa.select(sa.func.count()).select_from(inbound_events)
                                              .where(inbound_events.c.state == "pending"))).scalar_one()
            if pending == 0:
                return True
            await asyncio.sleep(0.5)
        return False
    finally:
        await engine.dispose()


async def _count(url: str, acked: set[str], figures: KillFigures) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            keys = [r[0] for r in await conn.execute(
                sa.select(inbound_events.c.dedupe_key).where(inbound_events.c.source == "orders"))]
            refs = [r[0] for r in await conn.execute(sa.select(orders.c.ref))]
    finally:
        await engine.dispose()
    figures.stored = len(set(keys))
    figures.duplicated = len(keys) - len(set(keys)) + len(refs) - len(set(refs))
    figures.lost = len(acked - set(keys))
    figures.orders = len(set(refs))
    figures.orders_missing = len(acked - set(refs))
