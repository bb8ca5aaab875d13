"""The benchmark still runs: ``python -m bench run --quick`` starts the real hub, the bare
server, the sink and the load generator for every scenario and writes its JSON. It asserts
what ran and what was stored or delivered, never how fast."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {"ingest", "drain", "inbox", "burst", "hung", "e2e", "growth", "peer", "memory"}


@pytest.mark.slow
def test_quick_benchmark_runs_every_scenario_and_writes_its_json(tmp_path: Path):
    # given the quick sizes and a JSON path of our own
    out = tmp_path / "quick.json"
    # when the benchmark runs
    done = subprocess.run([sys.executable, "-m", "bench", "run", "--quick", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=400, check=False)
    # then it succeeded, printed its table and wrote every scenario without an error
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| scenario | variant |" in done.stdout
    result = json.loads(out.read_text())
    assert set(result["scenarios"]) == SCENARIOS
    assert result["errors"] == {}
    assert not [name for name, value in result["scenarios"].items() if "error" in value]
    s = result["scenarios"]
    # the hub acknowledged signed webhooks on both databases and stored each one it acknowledged
    for server in ("bare", "sqlite", "postgresql"):
        loaded = s["ingest"][server]["loaded"]
        assert loaded["requests"] > 0 and loaded["non_2xx"] == 0 and loaded["socket_errors"] == 0
    for kind in ("sqlite", "postgresql"):
        assert s["ingest"][kind]["stored_events"] >= s["ingest"][kind]["loaded"]["requests"]
    # every drain emptied its outbox, all deliveries done
    drains = [v for v in s["drain"].values() if isinstance(v, dict) and "workers" in v]
    assert drains and all(d["emptied"] and d["states"] == {"done": d["count"]} for d in drains)
    # every stored order webhook was applied by hub serve (SQLite) and by 2 hub workers (PostgreSQL),
    # none failed, each order names the customer, and each order's no-op delivery is done
    inboxes = {key: v for key, v in s["inbox"].items() if isinstance(v, dict) and "mode" in v}
    assert set(inboxes) == {"sqlite_serve", "postgresql_worker_2w"}
    for applied in inboxes.values():
        assert applied["all_processed"] and applied["processed"] == applied["count"] > 0 and applied["failed"] == 0
        assert applied["inbound_states"] == {"processed": applied["count"]}
        assert applied["orders"] == applied["orders_of_customer"] == applied["count"] and applied["customers_named"] == 1
        assert applied["noop_all_done"] and applied["noop_done"] == applied["count"]
    # every burst webhook was acknowledged, stored, applied and handed off, on both databases
    for kind in ("sqlite", "postgresql"):
        burst = s["burst"][kind]
        assert burst["ack"]["ok"] == burst["stored"] == burst["count"] > 0
        assert burst["all_applied"] and burst["all_handed_off"] and burst["failed"] == 0
        assert burst["inbound_states"] == {"processed": burst["count"]}
        assert burst["noop_done"] == burst["orders"] == burst["count"]
    # the hung-plugin scenario measured both variants; without bench.hang everything was applied and handed off
    hung = s["hung"]
    assert {"without_hang", "with_hang", "inbox_ratio", "noop_ratio"} <= set(hung)
    without, with_hang = hung["without_hang"], hung["with_hang"]
    assert without["plugins"] == ["bench.noop"] and with_hang["plugins"] == ["bench.noop", "bench.hang"]
    assert without["all_processed"] and without["failed"] == 0 and without["noop_all_done"]
    assert without["processed"] == without["noop_done"] == without["count"]
    assert with_hang["count"] == without["count"] and with_hang["failed"] == 0
    assert "events_per_s" in with_hang and "noop_per_s" in with_hang
    # every pushed shipment moved and its customer was notified at the sink
    e2e = s["e2e"]["sqlite"]
    assert e2e["in_transit"] == e2e["shipments"] == e2e["notifications"]
    assert e2e["push_to_notification_p99_ms"] is not None
    # history was stored at both sizes, and each size was measured
    growth = s["growth"]["sqlite"]
    sizes = [entry for key, entry in growth.items() if key not in ("change", "note", "scenario_seconds")]
    assert "note" not in growth and len(sizes) == 2
    assert all(entry["complete"] and entry["drain"]["emptied"] for entry in sizes)
    # the hub forwarded every accepted webhook through its outbox; the naive forwarder forwarded too
    assert s["peer"]["hub"]["all_forwarded"] and s["peer"]["forwarder"]["forwarded"] > 0
    assert s["memory"]["rss_peak_mb"] > 0 and result["targets"]
