"""Scenario 2, drain: ``drain_count`` due deliveries inserted with SQL, then ``hub worker``
processes claim and run them (no-op plugin, or one POST each to the local sink) until none
is left. Time to empty counts from the workers' start; the steady rate from the first
finished delivery (so interpreter start-up and migrations are not in it)."""
from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from bench.context import Run, Sink
from bench.db import BenchDb
from bench.hubproc import NOOP, SINK, start_workers, write_config
from hub.core.models import CustomerSnapshot, OrderSnapshot, Transition

PLUGINS = {"noop": (NOOP, "bench.noop"), "sink": (SINK, "bench.sink")}


def order_payload() -> dict:
    """What the outbox stores for ``hub_order_received``: the snapshot, the transition, the entity."""
    now = datetime.now(UTC)
    customer = CustomerSnapshot(code="C-BENCH", name="Bench Customer", grade="B")
    order = OrderSnapshot(ref="BENCH-ORDER", state="received", customer=customer, created_at=now,
                          lines=[{"line_no": 1, "product_code": "SOFA-3", "qty": "2", "unit_price": "4200"}])
    transition = Transition(entity="order", ref="BENCH-ORDER", event="received", previous=None,
                            state="received", at=now, actor="webhook")
    return {"order": order.model_dump(mode="json"), "transition": transition.model_dump(mode="json"),
            "_entity": "order", "_ref": "BENCH-ORDER"}


def drain(run: Run, db: BenchDb, where: Path, *, plugin: str, workers: int, count: int,
          sink: Sink | None, timeout_s: float) -> dict:
    """Insert ``count`` due deliveries, start ``workers`` processes, wait for none to be left."""
    enabled, name = PLUGINS[plugin]
    insert_s = db.insert_pending(count, plugin=name, payload=order_payload(), tag=run.tag("d"))
    config = write_config(where, [enabled], sink_url=sink.url if sink else None)
    procs = start_workers(workers, where, config, db.url, tag=f"{plugin}-{workers}")
    started = time.monotonic()
    first = end = None
    left = count
    try:
        while time.monotonic() - started < timeout_s:
            time.sleep(0.1)
            left = db.unfinished_deliveries()
            now = time.monotonic()
            if first is None and left < count:
                first = now
            if left == 0:
                end = now
                break
            if not all(p.alive() for p in procs):
                raise RuntimeError("a worker exited:\n" + "\n".join(p.tail(10) for p in procs if not p.alive()))
    finally:
        for proc in procs:
            proc.stop()
    done = count - left
    states = dict(db.rows("SELECT state, count(*) FROM deliveries GROUP BY state"))
    elapsed = (end or time.monotonic()) - started
    steady = (end or time.monotonic()) - first if first else None
    return {"workers": workers, "plugin": plugin, "count": count, "insert_s": round(insert_s, 2),
            "emptied": end is not None, "seconds_to_empty": round(elapsed, 2) if end else None,
            "finished": done, "deliveries_per_s": round(done / elapsed, 1) if elapsed else 0,
            "steady_per_s": round(done / steady, 1) if steady else None,
            "states": {k: int(v) for k, v in states.items()}}


def run(run: Run) -> dict:
    sizes = run.sizes
    out: dict = {}
    where = run.folder("drain")
    sink = Sink(where) if any(p == "sink" for _, p, _ in sizes.drain_configs) else None
    try:
        for kind, plugin, workers in sizes.drain_configs:
            key = f"{kind}_{plugin}_{workers}w"
            folder = run.folder(f"drain-{key}")
            db = BenchDb(kind, folder).create()
            run.say(f"drain: {sizes.drain_count} deliveries, {key}")
            try:
                out[key] = drain(run, db, folder, plugin=plugin, workers=workers, count=sizes.drain_count,
                                 sink=sink, timeout_s=sizes.drain_timeout_s)
            finally:
                db.drop()
            if sink:
                out[key]["sink_received"] = sink.stats()["count"] if plugin == "sink" else None
                sink.reset()
        for plugin in ("noop", "sink"):
            one, two = out.get(f"postgresql_{plugin}_1w"), out.get(f"postgresql_{plugin}_2w")
            if one and two and one.get("steady_per_s") and two.get("steady_per_s"):
                out[f"postgresql_{plugin}_scaling_1_to_2"] = round(two["steady_per_s"] / one["steady_per_s"], 2)
    finally:
        if sink:
            sink.stop()
    return out
