"""Scenario 1, ingest: signed order webhooks → durable 2xx, on SQLite and PostgreSQL, against
the bare server in the same run. One request in flight first (it also warms the server up),
then ``connections`` in flight."""
from __future__ import annotations

from pathlib import Path

from bench.context import Bare, Run
from bench.db import BenchDb
from bench.hubproc import NOOP, start_serve, write_config


def measure(run: Run, base: str, where: Path, pid: int, single: bool = True) -> dict:
    sizes = run.sizes
    out = {}
    if single:
        out["single"] = run.closed(base, where, connections=1, duration_s=sizes.single_s, pid=pid)
    out["loaded"] = run.closed(base, where, connections=sizes.connections, duration_s=sizes.duration_s, pid=pid)
    return out


def bare(run: Run) -> dict:
    where = run.folder("bare")
    server = Bare(where)
    try:
        run.say("ingest: bare aiohttp server")
        return measure(run, server.base, where, server.proc.pid)
    finally:
        server.stop()


def hub(run: Run, kind: str, plugins: list[str] | None = None, db: BenchDb | None = None,
        label: str = "", single: bool = True) -> dict:
    """``hub serve`` on a fresh database (or ``db``), with the no-op plugin taking the orders."""
    where = run.folder(f"ingest-{kind}{label}")
    own = db is None
    db = db or BenchDb(kind, where).create()
    config = write_config(where, plugins or [NOOP])
    try:
        proc, base = start_serve(where, config, db.url, tag=f"ingest-{kind}{label}")
        try:
            run.say(f"ingest: hub serve on {kind}{label}")
            result = measure(run, base, where, proc.pid, single)
        finally:
            proc.stop()
        result["stored_events"] = int(db.scalar("SELECT count(*) FROM inbound_events WHERE source = 'orders'"))
        return result
    finally:
        if own:
            db.drop()


def ratio(hub_result: dict, bare_result: dict) -> float | None:
    ceiling = bare_result["loaded"]["rps"]
    return round(hub_result["loaded"]["rps"] / ceiling, 3) if ceiling else None


def run(run: Run) -> dict:
    out: dict = {"bare": bare(run)}
    for kind in run.sizes.backends:
        out[kind] = hub(run, kind)
        out[kind]["ratio_to_bare"] = ratio(out[kind], out["bare"])
    return out
