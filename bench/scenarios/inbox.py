"""Scenario inbox: the work behind the acknowledgement. ``inbox_count`` stored ``order.created``
webhooks (the same ~1 KB messages the load sends, as the handler stores them: source
``orders``, headers ``{}``, state ``pending``, the order ref as ordering key) are inserted with
SQL into a migrated database whose customer ``C-BENCH`` exists, then ONE ``hub serve`` (SQLite
FULL, PostgreSQL) or 1 and 2 ``hub worker`` processes (PostgreSQL, no serve) apply them, with
``bench.noop`` enabled so each order makes a ``hub_order_received`` delivery.

The rate is processed events per second from the first poll that saw one processed (every
0.2 s, so interpreter start-up and migrations are not in it) to the poll that saw the last;
the run also waits (within the same time limit) for the deliveries the orders made to be done.
"""
from __future__ import annotations

import time

from bench.context import Run
from bench.db import BenchDb
from bench.hubproc import NOOP, start_serve, start_workers, write_config
from bench.payloads import order_message_parts
from bench.procs import Proc, cpu_seconds

CUSTOMER = "C-BENCH"  # the customer payloads.order_message_parts names (inline, too)
POLL_S = 0.2


class Meter:
    """A count polled over time: when it first moved, when it reached its last value."""

    def __init__(self) -> None:
        self.first: tuple[float, int] | None = None
        self.last: tuple[float, int] | None = None  # the first poll that saw the current value

    def see(self, now: float, value: int) -> None:
        if value > 0 and self.first is None:
            self.first = (now, value)
        if self.last is None or value != self.last[1]:
            self.last = (now, value)

    @property
    def value(self) -> int:
        return self.last[1] if self.last else 0

    def rate(self) -> float | None:
        """Per second from the first poll that saw some to the first that saw the last value;
        0 when none were seen, None when both were the same poll (too few to time at 0.2 s)."""
        if self.first is None:
            return 0.0
        if self.last is None or self.last[0] <= self.first[0]:
            return None
        return round((self.last[1] - self.first[1]) / (self.last[0] - self.first[0]), 1)


def seed(db: BenchDb, count: int, tag: str) -> float:
    """The customer, then ``count`` pending order webhooks; returns the seconds the webhooks took."""
    db.insert_customer(CUSTOMER, "Bench Customer", "B")
    prefix, suffix = order_message_parts()
    return db.insert_order_webhooks(count, tag=tag, prefix=prefix, suffix=suffix)


def counts(db: BenchDb, plugin: str = "bench.noop") -> tuple[int, int, int]:
    """(processed events, failed events, done ``hub_order_received`` deliveries of ``plugin``)."""
    return (int(db.scalar("SELECT count(*) FROM inbound_events WHERE state = 'processed'")),
            int(db.scalar("SELECT count(*) FROM inbound_events WHERE state = 'failed'")),
            int(db.scalar("SELECT count(*) FROM deliveries WHERE plugin = $1 AND hook = 'hub_order_received' "
                          "AND state = 'done'", plugin)))


def watch(db: BenchDb, procs: list[Proc], *, count: int, timeout_s: float) -> dict:
    """Polls until every event is processed or failed and every processed one's no-op delivery is
    done, or ``timeout_s``; the inbox and the no-op deliveries each get their rate."""
    started = time.monotonic()
    cpu_before = sum(cpu_seconds(p.pid) for p in procs)
    inbox, noop = Meter(), Meter()
    inbox_end = noop_end = None
    failed = 0
    while True:
        processed, failed, done = counts(db)
        now = time.monotonic()
        inbox.see(now, processed)
        noop.see(now, done)
        if inbox_end is None and processed + failed >= count:
            inbox_end = now
        if noop_end is None and inbox_end is not None and done >= processed:
            noop_end = now
        if noop_end is not None or now - started > timeout_s:
            break
        if not all(p.alive() for p in procs):
            raise RuntimeError("a hub process exited:\n" + "\n".join(p.tail(10) for p in procs if not p.alive()))
        time.sleep(POLL_S)
    cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu_before
    return {"count": count, "processed": inbox.value, "failed": failed,
            "all_processed": inbox.value >= count,
            "seconds_to_process": round(inbox_end - started, 2) if inbox_end else None,
            "events_per_s": inbox.rate(),
            "overall_per_s": round(inbox.value / ((inbox_end or time.monotonic()) - started), 1),
            "noop_done": noop.value, "noop_all_done": noop_end is not None,
            "seconds_to_noop_done": round(noop_end - started, 2) if noop_end else None,
            "noop_per_s": noop.rate(),
            "time_limit_s": timeout_s, "hub_cpu_s": round(cpu, 2),
            "hub_cpu_us_per_event": round(cpu / inbox.value * 1e6) if inbox.value else None}


def final_state(db: BenchDb) -> dict:
    """What the database holds once the hub stopped: events and deliveries by state, the orders."""
    inbound = {str(k): int(v) for k, v in db.rows("SELECT state, count(*) FROM inbound_events GROUP BY state")}
    deliveries: dict[str, dict[str, int]] = {}
    for plugin, state, n in db.rows("SELECT plugin, state, count(*) FROM deliveries GROUP BY plugin, state"):
        deliveries.setdefault(str(plugin), {})[str(state)] = int(n)
    return {"inbound_states": inbound, "deliveries": deliveries,
            "orders": int(db.scalar("SELECT count(*) FROM orders")),
            "orders_of_customer": int(db.scalar("SELECT count(*) FROM orders WHERE customer_code = $1", CUSTOMER)),
            "customers_named": int(db.scalar("SELECT count(*) FROM customers WHERE code = $1", CUSTOMER))}


def one(run: Run, kind: str, mode: str, workers: int) -> dict:
    sizes = run.sizes
    label = f"{kind}_{mode}" + (f"_{workers}w" if mode == "worker" else "")
    where = run.folder(f"inbox-{label}")
    db = BenchDb(kind, where).create()
    try:
        insert_s = seed(db, sizes.inbox_count, run.tag("ib"))
        config = write_config(where, [NOOP])
        run.say(f"inbox: {sizes.inbox_count:,} stored order webhooks, {label.replace('_', ' ')}")
        if mode == "serve":
            proc, _ = start_serve(where, config, db.url, tag=f"inbox-{label}")
            procs = [proc]
        else:
            procs = start_workers(workers, where, config, db.url, tag=f"inbox-{label}")
        try:
            result = watch(db, procs, count=sizes.inbox_count, timeout_s=sizes.inbox_timeout_s)
        finally:
            for proc in procs:
                proc.stop()
        return {"backend": kind, "mode": mode, "processes": len(procs), "insert_s": round(insert_s, 2),
                **result, **final_state(db)}
    finally:
        db.drop()


def run(run: Run) -> dict:
    out: dict = {}
    for kind, mode, workers in run.sizes.inbox_configs:
        if kind in run.sizes.backends:
            key = f"{kind}_{mode}" + (f"_{workers}w" if mode == "worker" else "")
            out[key] = one(run, kind, mode, workers)
    one_w, two_w = out.get("postgresql_worker_1w"), out.get("postgresql_worker_2w")
    if one_w and two_w and one_w.get("events_per_s") and two_w.get("events_per_s"):
        out["postgresql_worker_scaling_1_to_2"] = round(two_w["events_per_s"] / one_w["events_per_s"], 2)
    return out
