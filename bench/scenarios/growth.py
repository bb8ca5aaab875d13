"""Scenario 4, growth: ingest and drain again with 1 and 10 million rows of finished history
stored (per row: a processed inbound event, its outbox event and a done delivery), to show
the cost does not grow with history. History is loaded with SQL up to a time budget per
backend; what was actually stored is in the result."""
from __future__ import annotations

import time

from bench.context import Run
from bench.db import BenchDb
from bench.scenarios import drain as drain_scenario
from bench.scenarios import ingest as ingest_scenario


def settle(db: BenchDb) -> None:
    """Mark what the ingest run left behind as finished, so the drain measures only its own rows."""
    db.execute("UPDATE inbound_events SET state = 'processed' WHERE state = 'pending'")
    db.execute("UPDATE deliveries SET state = 'done' WHERE state <> 'done'")


def one_backend(run: Run, kind: str) -> dict:
    sizes = run.sizes
    where = run.folder(f"growth-{kind}")
    db = BenchDb(kind, where).create()
    out: dict = {}
    stored = 0
    deadline = time.monotonic() + sizes.growth_load_budget_s
    try:
        for target in sizes.growth_rows:
            run.say(f"growth: loading history on {kind} up to {target:,} rows")
            began = time.monotonic()
            stored += db.insert_history(stored, target - stored, deadline=deadline)
            load_s = time.monotonic() - began
            key = f"{target // 1_000_000}M" if target >= 1_000_000 else str(target)
            entry: dict = {"history_rows": stored, "load_s": round(load_s, 1), "complete": stored >= target}
            entry["ingest"] = ingest_scenario.hub(run, kind, db=db, label=f"-{key}", single=run.sizes.growth_single)
            settle(db)
            folder = run.folder(f"growth-drain-{kind}-{key}")
            run.say(f"growth: drain {sizes.growth_drain} on {kind} with {stored:,} rows stored")
            entry["drain"] = drain_scenario.drain(run, db, folder, plugin="noop", workers=1, count=sizes.growth_drain,
                                                  sink=None, timeout_s=sizes.growth_drain_timeout_s)
            settle(db)
            out[key] = entry
            if stored < target:
                out["note"] = (f"history stopped at {stored:,} rows: loading passed the "
                               f"{sizes.growth_load_budget_s:.0f} s budget on this machine")
                break
        keys = [k for k in out if k != "note"]
        if len(keys) >= 2:
            first, last = out[keys[0]], out[keys[-1]]
            out["change"] = {
                "ingest_rps": _change(first["ingest"]["loaded"]["rps"], last["ingest"]["loaded"]["rps"]),
                "ingest_p99_ms": _change(first["ingest"]["loaded"]["p99_ms"], last["ingest"]["loaded"]["p99_ms"]),
                "drain_per_s": _change(first["drain"]["steady_per_s"], last["drain"]["steady_per_s"])}
    finally:
        db.drop()
    return out


def _change(before: float | None, after: float | None) -> float | None:
    """Relative change from the first history size to the last: +0.05 is 5 % more."""
    if not before or after is None:
        return None
    return round(after / before - 1, 3)


def run(run: Run) -> dict:
    return {kind: one_backend(run, kind) for kind in run.sizes.growth_backends}
