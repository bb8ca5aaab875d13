"""A worker killed with SIGKILL while it holds a lease loses nothing: another process finishes
the delivery once its lease expires, and the external effect happens exactly once (PostgreSQL)."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from hub_testing import PG_URL, SUPPORT

from hub.core.config import HubConfig
from hub.core.domain.inputs import NewCustomer, NewOrder
from hub.core.plugins import build_plugin_manager
from hub.core.service import Hub
from hub.core.store.db import make_engine
from hub.core.store.tables import deliveries


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:  # the child keeps its own descriptor
        return subprocess.Popen([sys.executable, "-m", "hub", "worker"], env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


async def wait_for(predicate, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await predicate():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("condition not reached in time")


async def test_sigkilled_worker_is_taken_over_exactly_once_in_effect(tmp_path: Path):
    # given a fresh PostgreSQL database and a plugin that hangs on its first call
    name = f"hub_kill_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    plugin = "hub_test_plugins:RECORDER"
    started = tmp_path / "started"
    (tmp_path / "hub.toml").write_text(
        f'lease_seconds = 2\ndata_dir = "{tmp_path / "data"}"\n[plugins]\nenabled = ["{plugin}"]\n'
        f'[plugins."{plugin}"]\ncalls_file = "{tmp_path / "calls.jsonl"}"\n'
        f'effects_file = "{tmp_path / "effects.txt"}"\nblock_first_call_seconds = 600\n'
        f'started_file = "{started}"\n')
    env = {**os.environ, "HUB_CONFIG": str(tmp_path / "hub.toml"), "HUB_DATABASE_URL": url,
           "PYTHONPATH": os.pathsep.join([str(SUPPORT), os.environ.get("PYTHONPATH", "")])}
    config = HubConfig(data_dir=tmp_path / "data", database_url=url,
                       plugins={"enabled": [plugin], plugin: {"calls_file": str(tmp_path / "calls.jsonl")}})
    hub = Hub(config, build_plugin_manager(config))
    workers: list[subprocess.Popen] = []
    try:
        await hub.start()
        await hub.create_customer(NewCustomer(code="C1", name="Zhang", grade="B"))
        await hub.create_order(NewOrder(ref="SO-KILL", customer_code="C1", contact={"phone": "1", "address": "x"},
                                        lines=[{"product_code": "SOFA-3", "spec": "grey", "qty": 1,
                                                "unit_price": "4200"}]))
        # when worker A claims the delivery and is killed mid-call
        workers.append(start_worker(env, tmp_path / "worker-a.log"))

        async def a_started() -> bool:
            return started.exists()
        await wait_for(a_started)
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(10)
        # and worker B starts afterwards
        workers.append(start_worker(env, tmp_path / "worker-b.log"))

        async def done() -> bool:
            async with hub.engine.connect() as conn:
                row = (await conn.execute(sa.select(deliveries.c.state, deliveries.c.attempts))).one()
            return row.state == "done"
        await wait_for(done)
    finally:
        for proc in workers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(20)
        await hub.close()
        async with admin.connect() as conn:
            await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
    # then B finished it: two calls with the same key from two processes, one effect, attempts 2
    calls = [json.loads(line) for line in (tmp_path / "calls.jsonl").read_text().splitlines()]
    assert len(calls) == 2 and calls[0]["key"] == calls[1]["key"]
    assert calls[0]["pid"] != calls[1]["pid"] == workers[1].pid
    assert (tmp_path / "effects.txt").read_text().split() == [calls[0]["key"]]
