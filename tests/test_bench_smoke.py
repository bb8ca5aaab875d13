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
SCENARIOS = {"ingest", "drain", "e2e", "growth", "peer", "memory"}


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
