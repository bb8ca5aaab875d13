"""The `hub` command as ops use it: demo, handoffs, db upgrade, worker --once."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from hub.demo import run_demo


async def test_demo_walks_an_order_to_a_closed_claim(tmp_path):
    out = io.StringIO()
    result = await run_demo(out, data_dir=tmp_path)
    text = out.getvalue()
    assert result["order"] == "closed" and result["claim"] == "closed"
    assert result["handoffs"] and all(h["state"] == "done" for h in result["handoffs"])
    for step in ("reviewed", "confirmation_received", "deposit_received", "finance_approved", "booked",
                 "delivered", "opened", "negotiating", "gm_approved", "paid", "closed", "back_order_ready",
                 "line 2 1 → 0, to SO-DEMO-2"):
        assert step in text
    assert "all done: True" in text
    # the after-sales path: a warranty repair four months after the order closed
    assert result["repair"] == "completed"
    repair = [e for e in result["timeline"] if e["entity"] == "return"]
    assert [e["event"] for e in repair][:3] == ["requested", "looked_up", "replied"]
    assert repair[-1]["event"] == "followed_up" and "RT-DEMO-1" in text


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hub", *args], env=env, capture_output=True, text=True, timeout=120)


def test_cli_demo_exits_zero_and_prints_the_timeline():
    done = run_cli("demo", env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert "-- timeline --" in done.stdout and "-- handoffs --" in done.stdout


def test_handoffs_list_retry_discard_from_the_cli(tmp_path: Path):
    support = Path(__file__).resolve().parents[1] / "support"
    plugin = "hub_test_plugins:RECORDER"
    (tmp_path / "hub.toml").write_text(
        f'data_dir = "{tmp_path}"\n[plugins]\nenabled = ["{plugin}"]\n[plugins."{plugin}"]\n'
        f'calls_file = "{tmp_path / "calls.jsonl"}"\nfail_times = 1\nfailure = "permanent"\n'
        f'lifecycle_file = "{tmp_path / "lifecycle.txt"}"\n')
    env = {**os.environ, "HUB_CONFIG": str(tmp_path / "hub.toml"), "PYTHONPATH": str(support)}
    assert run_cli("db", "upgrade", env=env).returncode == 0
    # given an order whose handoff dead-letters
    script = ("import asyncio\nfrom hub.core.config import load_config\nfrom hub.core.plugins import build_plugin_manager\n"
              "from hub.core.service import Hub\nfrom hub.core.domain.inputs import NewCustomer, NewOrder\n"
              "async def main():\n    c = load_config(__import__('pathlib').Path(__import__('os').environ['HUB_CONFIG']))\n"
              "    h = Hub(c, build_plugin_manager(c)); await h.start()\n"
              "    await h.create_customer(NewCustomer(code='C1', name='n', grade='B'))\n"
              "    await h.create_order(NewOrder(ref='SO-1', customer_code='C1', lines=[{'product_code': 'P', 'qty': 1, 'unit_price': 1}]))\n"
              "    await h.close()\nasyncio.run(main())\n")
    assert subprocess.run([sys.executable, "-c", script], env=env, timeout=60).returncode == 0
    assert run_cli("worker", "--once", env=env).returncode == 0
    # the worker runs plugins as hub serve does: started, with the shared HTTP session, then stopped
    stages = [line.split()[0::2] for line in (tmp_path / "lifecycle.txt").read_text().splitlines()]
    assert stages == [["startup", "http=True"], ["shutdown", "http=True"]]
    calls = [json.loads(line) for line in (tmp_path / "calls.jsonl").read_text().splitlines()]
    assert [c["http"] for c in calls] == [True]
    listed = json.loads(run_cli("handoffs", "list", "--state", "dead", "--json", env=env).stdout)
    assert [(h["hook"], h["state"]) for h in listed] == [("hub_order_received", "dead")]
    # when ops retry it, it goes through; a done handoff cannot be discarded
    retried = run_cli("handoffs", "retry", str(listed[0]["id"]), "--actor", "li", env=env)
    assert retried.returncode == 0 and "pending" in retried.stdout
    assert run_cli("worker", "--once", env=env).returncode == 0
    assert "done" in run_cli("handoffs", "list", env=env).stdout
    refused = run_cli("handoffs", "discard", str(listed[0]["id"]), env=env)
    assert refused.returncode == 1 and "does not accept event 'discard'" in refused.stderr


def test_hub_events_lists_what_each_state_accepts_and_the_json_is_the_apis(capsys):
    from hub.cli import main
    from hub.core import catalogue
    assert main(["events", "order"]) == 0
    text = capsys.readouterr().out
    assert "received                     accepts: clarified, reviewed, cancelled, rejected, erp_recorded" in text
    assert "deposit_received" in text and "data: amount, reference" in text
    assert main(["events", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(catalogue.describe(), default=str))
