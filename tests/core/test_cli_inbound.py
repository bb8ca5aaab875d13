"""`hub inbound` as ops use it on a SQLite file: list failed webhooks, retry one or all, discard one."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

LONG_REASON = "InvalidInput: unknown customer C-GHOST " + "x" * 400
# id, source, state, error: what the inbox leaves behind after a bad day
ROWS = [(1, "orders", "failed", LONG_REASON), (2, "orders", "failed", "InvalidInput: unknown customer C-2"),
        (3, "carrier.sandbox", "failed", "ValidationError: events"), (4, "orders", "processed", None),
        (5, "orders", "failed", "InvalidInput: unknown customer C-5")]


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hub", *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def hub_env(tmp_path: Path) -> dict[str, str]:
    """A migrated SQLite file holding the rows above, inserted with plain SQL."""
    (tmp_path / "hub.toml").write_text(f'data_dir = "{tmp_path}"\n[plugins]\nenabled = []\n')
    env = {**os.environ, "HUB_CONFIG": str(tmp_path / "hub.toml")}
    assert run_cli("db", "upgrade", env=env).returncode == 0
    [db] = tmp_path.glob("*.sqlite3")
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO inbound_events (id, source, dedupe_key, headers, body, state, attempts, error, received_at)"
            " VALUES (?, ?, ?, '{}', ?, ?, 1, ?, '2026-03-01 10:00:00.000000')",
            [(i, source, f"msg_{i}", b'{"type": "order.created"}', state, error)
             for i, source, state, error in ROWS])
    env["HUB_DB_FILE"] = str(db)
    return env


def actions(env: dict[str, str]) -> list[tuple[int, str, str]]:
    with sqlite3.connect(env["HUB_DB_FILE"]) as conn:
        return conn.execute("SELECT inbound_id, action, actor FROM inbound_actions ORDER BY id").fetchall()


def test_list_shows_one_line_per_event_newest_first_with_the_reason_cut(hub_env):
    listed = run_cli("inbound", "list", "--state", "failed", "--source", "orders", env=hub_env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["#5", "#2", "#1"]
    assert lines[2].split()[1:5] == ["failed", "orders", "attempts=1", "2026-03-01"]
    assert "unknown customer C-GHOST" in lines[2] and LONG_REASON not in lines[2] and len(lines[2]) < 200
    as_json = json.loads(run_cli("inbound", "list", "--limit", "2", "--json", env=hub_env).stdout)
    assert [(e["id"], e["state"]) for e in as_json] == [(5, "failed"), (4, "processed")]


def test_retry_and_discard_one_event_record_the_actor(hub_env):
    retried = run_cli("inbound", "retry", "1", "--actor", "li", env=hub_env)
    assert retried.returncode == 0 and retried.stdout.split()[:2] == ["#1", "pending"]
    again = run_cli("inbound", "retry", "1", env=hub_env)
    assert again.returncode == 1 and "does not accept event 'retry'" in again.stderr
    discarded = run_cli("inbound", "discard", "2", env=hub_env)
    assert discarded.returncode == 0 and discarded.stdout.split()[:2] == ["#2", "discarded"]
    unknown = run_cli("inbound", "discard", "999", env=hub_env)
    assert unknown.returncode == 1 and "not found" in unknown.stderr
    assert actions(hub_env) == [(1, "retry", "cli:li"), (2, "discard", "cli:ops")]


def test_retry_failed_puts_back_every_failed_event_of_a_source_then_the_rest(hub_env):
    of_orders = run_cli("inbound", "retry", "--failed", "--source", "orders", "--json", env=hub_env)
    assert of_orders.returncode == 0 and json.loads(of_orders.stdout) == {"retried": 3}
    rest = run_cli("inbound", "retry", "--failed", env=hub_env)
    assert rest.returncode == 0 and rest.stdout.strip() == "retried 1 failed inbound events"
    assert run_cli("inbound", "list", "--state", "failed", env=hub_env).stdout == "no stored webhooks\n"
    assert sorted(actions(hub_env)) == [(i, "retry", "cli:ops") for i in (1, 2, 3, 5)]


@pytest.mark.parametrize("args", [["retry"], ["retry", "1", "--failed"], ["discard"], ["discard", "1", "--failed"],
                                  ["list", "--failed"], ["retry", "1", "--actor", "not an actor!"]])
def test_malformed_command_lines_are_refused_before_touching_anything(hub_env, args):
    refused = run_cli("inbound", *args, env=hub_env)
    assert refused.returncode == 2 and refused.stderr.startswith("usage:")
    assert actions(hub_env) == []
