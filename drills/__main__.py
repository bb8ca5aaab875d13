"""``python -m drills [kill,matrix,storm] [--json FILE]``: the fault drills in full, with figures.

- kill: ``hub serve`` SIGKILLed 10 times under load (3,000 signed order webhooks, a quarter
  redelivered), on SQLite and PostgreSQL: acknowledged, lost, duplicated, 5xx;
- matrix: every case of the bad-input matrix on every route and webhook source, on both
  databases: requests, 5xx, rows changed;
- storm: 1,100 slow connections against ``hub serve`` limited to 1,024 open files.

A worker killed mid-handoff is ``tests/core/test_worker_kill.py``; an ERP down for a long
stretch is ``tests/plugins/erp/test_tryton_hub.py::test_tryton_down_for_a_while…``; both run in
the suite as they are.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

DRILLS = ("kill", "matrix", "storm")
SOURCES = ["orders", "carrier.sandbox", "carrier.dhl", "carrier.kuaidi100", "no.such.source"]


async def _matrix(backend: str, workdir: Path) -> dict[str, Any]:
    from aiohttp.test_utils import TestClient, TestServer

    from hub.app import create_app
    from hub.core.config import HubConfig
    from hub.core.plugins import build_plugin_manager
    from hub.core.service import Hub
    from hub.core.store.db import make_engine

    from bench.db import BenchDb
    from drills.bad_input import run_matrix

    token = "drill-admin-token-0123456789abcdef"
    os.environ["HUB_ADMIN_TOKEN"] = token
    db = await asyncio.to_thread(lambda: BenchDb(backend, workdir).create())
    try:
        config = HubConfig(data_dir=workdir / "data", database_url=db.url)
        hub = Hub(config, build_plugin_manager(config), engine=make_engine(db.url))
        async with TestClient(TestServer(create_app(config, hub=hub, run_background=False))) as client:
            figures = await run_matrix(client, hub.engine, backend=backend, sources=SOURCES,
                                       auth={"Authorization": f"Bearer {token}"})
        await hub.close()
        return figures.as_dict()
    finally:
        await asyncio.to_thread(db.drop)


async def run(names: list[str], workdir: Path) -> dict[str, Any]:
    from drills.kill import run_kill_drill
    from drills.storm import run_storm

    results: dict[str, Any] = {}
    for backend in ("sqlite", "postgresql"):
        if "kill" in names:
            figures = await run_kill_drill(backend, workdir / f"kill-{backend}", events=3000, kills=10, concurrency=32)
            results[f"kill.{backend}"] = figures.as_dict()
        if "matrix" in names:
            results[f"matrix.{backend}"] = await _matrix(backend, workdir / f"matrix-{backend}")
    if "storm" in names:
        results["storm"] = (await run_storm(workdir / "storm")).as_dict()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m drills", description=__doc__.split("\n")[0])
    parser.add_argument("drills", nargs="?", default=",".join(DRILLS), help="comma-separated: " + ", ".join(DRILLS))
    parser.add_argument("--json", type=Path, help="write the figures to this file as well")
    args = parser.parse_args()
    names = [n for n in args.drills.split(",") if n]
    if unknown := set(names) - set(DRILLS):
        parser.error(f"unknown drill(s): {', '.join(sorted(unknown))}")
    results = asyncio.run(run(names, Path(tempfile.mkdtemp(prefix="hub-drills-"))))
    text = json.dumps(results, indent=2, default=str)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    failed = [name for name, r in results.items() if r.get("lost") or r.get("duplicated") or r.get("refused_5xx")
              or r.get("server_errors") or r.get("rows_changed") or r.get("tracebacks")]
    if failed:
        print(f"drills failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
