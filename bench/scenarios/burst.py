"""Scenario burst: ``burst_count`` signed order webhooks sent open loop at ``burst_rate`` per
second (``bench/loadgen.py``) to one ``hub serve`` (SQLite FULL, PostgreSQL) with ``bench.noop``
enabled. Reported: the acknowledgements, then how long after the last send every stored order
was applied (its inbound event processed) and handed off (its ``hub_order_received`` delivery
done), from polling the database every 0.2 s, bounded by ``burst_timeout_s`` after the last
acknowledgement; what was left if the time ran out."""
from __future__ import annotations

import time

from bench import load
from bench.context import Run
from bench.db import BenchDb
from bench.hubproc import NOOP, start_serve, write_config
from bench.payloads import write_order_requests
from bench.scenarios.inbox import CUSTOMER, POLL_S, counts, final_state


def run_one(run: Run, kind: str) -> dict:
    sizes = run.sizes
    where = run.folder(f"burst-{kind}")
    db = BenchDb(kind, where).create()
    try:
        db.insert_customer(CUSTOMER, "Bench Customer", "B")
        config = write_config(where, [NOOP])
        proc, base = start_serve(where, config, db.url, tag=f"burst-{kind}")
        try:
            requests = write_order_requests(where / "burst.jsonl", sizes.burst_count, run.tag("bu"))
            run.say(f"burst: {sizes.burst_count:,} order webhooks at {sizes.burst_rate:,.0f}/s to hub serve on {kind}")
            acks = load.open_load(base, requests, rate=sizes.burst_rate,
                                  timeout_s=sizes.burst_count / sizes.burst_rate + 120)
            last_send = acks.get("last_sent_epoch") or time.time()
            stored = int(db.scalar("SELECT count(*) FROM inbound_events WHERE source = 'orders'"))
            deadline = time.monotonic() + sizes.burst_timeout_s
            applied_at = handed_off_at = None
            while True:
                processed, failed, done = counts(db)
                now = time.time()
                if applied_at is None and processed + failed >= stored:
                    applied_at = now
                if applied_at is not None and done >= processed:
                    handed_off_at = now
                    break
                if time.monotonic() > deadline:
                    break
                if not proc.alive():
                    raise RuntimeError(f"hub serve exited:\n{proc.tail(10)}")
                time.sleep(POLL_S)
        finally:
            proc.stop()
        state = final_state(db)
        unfinished = sum(n for by_state in state["deliveries"].values()
                         for s, n in by_state.items() if s in ("pending", "failed", "running"))
        left = {"pending_events": state["inbound_states"].get("pending", 0),
                "orders_without_delivery": max(0, processed - sum(state["deliveries"].get("bench.noop", {}).values())),
                "unfinished_deliveries": unfinished}
        return {"count": sizes.burst_count, "rate": sizes.burst_rate, "ack": acks, "stored": stored,
                "processed": processed, "failed": failed, "noop_done": done,
                "all_applied": applied_at is not None and failed == 0,
                "all_handed_off": handed_off_at is not None and failed == 0,
                "seconds_to_applied": round(max(0.0, applied_at - last_send), 2) if applied_at else None,
                "seconds_to_handed_off": round(max(0.0, handed_off_at - last_send), 2) if handed_off_at else None,
                "wait_limit_s": sizes.burst_timeout_s,
                "left": left if handed_off_at is None else None, **state}
    finally:
        db.drop()


def run(run: Run) -> dict:
    return {kind: run_one(run, kind) for kind in run.sizes.burst_backends if kind in run.sizes.backends}
