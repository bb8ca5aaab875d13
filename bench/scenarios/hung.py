"""Scenario hung: one plugin that never answers must not slow the others. The inbox scenario's
seeding (``hung_count`` stored order webhooks, customer present), then one ``hub serve`` on
SQLite, twice: with ``bench.noop`` alone, and with ``bench.noop`` beside ``bench.hang`` (whose
``hub_order_received`` never returns; ``[dispatch.timeouts] "bench.hang" = 1.0`` and the
circuit breaker settings in the run's hub.toml). Each run measures the inbox rate (events
processed per second) and the no-op drain rate (``bench.noop`` deliveries done per second),
as the inbox scenario does; the ratios with / without are the result."""
from __future__ import annotations

from bench.context import Run
from bench.db import BenchDb
from bench.hubproc import HANG, NOOP, start_serve, write_config
from bench.scenarios.inbox import final_state, seed, watch

CIRCUIT = {"failure_threshold": 5, "cooldown_s": 30}


def variant(run: Run, with_hang: bool) -> dict:
    sizes = run.sizes
    name = "with_hang" if with_hang else "without_hang"
    where = run.folder(f"hung-{name}")
    db = BenchDb("sqlite", where).create()
    try:
        insert_s = seed(db, sizes.hung_count, run.tag("hu"))
        sections = {"dispatch.timeouts": {"bench.hang": sizes.hung_call_timeout_s},
                    "dispatch.circuit": CIRCUIT} if with_hang else {}
        config = write_config(where, [NOOP, HANG] if with_hang else [NOOP], sections=sections)
        run.say(f"hung: {sizes.hung_count:,} stored order webhooks, hub serve on SQLite, "
                f"{'bench.noop + bench.hang' if with_hang else 'bench.noop alone'}")
        proc, _ = start_serve(where, config, db.url, tag=f"hung-{name}")
        try:
            limit = sizes.hung_hang_timeout_s if with_hang and sizes.hung_hang_timeout_s else sizes.hung_timeout_s
            result = watch(db, [proc], count=sizes.hung_count, timeout_s=limit)
        finally:
            # A hub that waits for the hung call at shutdown is killed after the grace.
            proc.stop(grace_s=5.0)
        circuits: list | str = []
        if with_hang:
            try:
                circuits = [{"plugin": p, "state": s, "failures": f}
                            for p, s, f in db.rows("SELECT plugin, state, failures FROM circuits")]
            except Exception as exc:  # noqa: BLE001 - a schema without the table: say so, keep the run
                circuits = f"not read: {type(exc).__name__}: {exc}"[:200]
        return {"plugins": ["bench.noop", "bench.hang"] if with_hang else ["bench.noop"],
                "hub_config": sections, "insert_s": round(insert_s, 2), **result, **final_state(db),
                "circuits": circuits}
    finally:
        db.drop()


def _ratio(with_: float | None, without: float | None) -> float | None:
    return round(with_ / without, 3) if with_ is not None and without else None


def run(run: Run) -> dict:
    out = {"without_hang": variant(run, False), "with_hang": variant(run, True)}
    out["inbox_ratio"] = _ratio(out["with_hang"]["events_per_s"], out["without_hang"]["events_per_s"])
    out["noop_ratio"] = _ratio(out["with_hang"]["noop_per_s"], out["without_hang"]["noop_per_s"])
    return out
