"""Memory under a backlog: RSS of ``hub serve`` (SQLite) while ``memory_pending`` deliveries
are due, sampled as it works on them; the API's handoff list is asked for once meanwhile."""
from __future__ import annotations

import time
import urllib.request

from bench.context import Run
from bench.db import BenchDb
from bench.hubproc import ADMIN_TOKEN, NOOP, start_serve, write_config
from bench.procs import rss_mb
from bench.scenarios.drain import order_payload


def run(run: Run) -> dict:
    sizes = run.sizes
    where = run.folder("memory")
    db = BenchDb("sqlite", where).create()
    try:
        run.say(f"memory: inserting {sizes.memory_pending:,} pending deliveries")
        insert_s = db.insert_pending(sizes.memory_pending, plugin="bench.noop", payload=order_payload(),
                                     tag=run.tag("m"))
        proc, base = start_serve(where, write_config(where, [NOOP]), db.url, tag="memory")
        samples = []
        try:
            run.say(f"memory: sampling RSS of hub serve for {sizes.memory_sample_s} s")
            started = time.monotonic()
            asked = False
            while time.monotonic() - started < sizes.memory_sample_s:
                samples.append(rss_mb(proc.pid)[0])
                if not asked and time.monotonic() - started > sizes.memory_sample_s / 2:
                    request = urllib.request.Request(base + "/api/handoffs?state=pending",
                                                     headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
                    with urllib.request.urlopen(request, timeout=60) as reply:
                        reply.read()
                    asked = True
                time.sleep(0.25)
            peak = rss_mb(proc.pid)[1]
        finally:
            proc.stop()
        return {"pending": sizes.memory_pending, "insert_s": round(insert_s, 1),
                "rss_start_mb": round(samples[0], 1) if samples else None,
                "rss_last_mb": round(samples[-1], 1) if samples else None, "rss_peak_mb": round(peak, 1),
                "left_pending": db.unfinished_deliveries()}
    finally:
        db.drop()
