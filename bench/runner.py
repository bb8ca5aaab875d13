"""Runs the chosen scenarios in one go, records the machine, writes the JSON, prints the table."""
from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.context import Run
from bench.load import wrk_available
from bench.procs import Proc, python
from bench.scenarios import burst, drain, e2e, growth, hung, inbox, ingest, memory, peer
from bench.sizes import Sizes

SCENARIOS = {"ingest": ingest.run, "drain": drain.run, "inbox": inbox.run, "burst": burst.run, "hung": hung.run,
             "e2e": e2e.run, "growth": growth.run, "peer": peer.run, "memory": memory.run}
RESULTS = Path(__file__).with_name("results")
QUICK_LIMIT_S = 180.0


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                         if line.startswith("MemTotal")))
    import aiohttp
    import sqlalchemy
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(memory_kb / 1024 / 1024, 1),
            "kernel": platform.release(), "python": platform.python_version(), "aiohttp": aiohttp.__version__,
            "sqlalchemy": sqlalchemy.__version__, "load_average_at_start": os.getloadavg()}


def side_by_side(run: Run, result: dict, workdir: Path, keep: bool = False) -> None:
    """A smoke run checks that every scenario works, not how fast: one process per scenario,
    all at once, their JSON merged into ``result``."""
    children = {}
    for name in run.sizes.scenarios:
        argv = python("-m", "bench", "run", "--quick", "--scenarios", name, "--out", str(workdir / f"{name}.json"),
                      "--backends", ",".join(run.sizes.backends), *(["--python-load"] if not run.use_wrk else []),
                      *(["--keep"] if keep else []))
        children[name] = Proc(f"bench {name}", argv, workdir / f"{name}.log")
    deadline = time.monotonic() + QUICK_LIMIT_S
    for name, child in children.items():
        try:
            child.popen.wait(max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.stop()
        part = workdir / f"{name}.json"
        if part.exists():
            data = json.loads(part.read_text())
            result["scenarios"][name] = data["scenarios"][name]
            result["errors"].update(data["errors"])
        else:
            result["scenarios"][name] = {"error": f"no result (exit {child.popen.returncode}): {child.tail(5)}"[:500]}
            result["errors"][name] = child.tail(40)


def run_all(sizes: Sizes, *, out: Path | None, quick: bool, force_python: bool, keep: bool) -> dict:
    use_wrk = wrk_available() and not force_python
    workdir = Path(tempfile.mkdtemp(prefix="hub-bench-"))
    run = Run(sizes=sizes, workdir=workdir, use_wrk=use_wrk)
    result: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"), "quick": quick,
        "load_tool": "wrk" if use_wrk else "python (wrk not found: apt-get install -y wrk)",
        "machine": machine(), "scenarios": {}, "errors": {}}
    run.say(f"work folder {workdir}; load tool {result['load_tool']}")

    def one(name: str) -> None:
        began = time.monotonic()
        try:
            result["scenarios"][name] = SCENARIOS[name](run)
        except Exception as exc:  # noqa: BLE001 - one broken scenario must not lose the others
            run.say(f"{name} failed: {exc}")
            result["errors"][name] = "".join(traceback.format_exception(exc))[-4000:]
            result["scenarios"][name] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
        result["scenarios"][name]["scenario_seconds"] = round(time.monotonic() - began, 1)

    try:
        if quick and len(sizes.scenarios) > 1:
            side_by_side(run, result, workdir, keep)
        else:
            for name in sizes.scenarios:
                one(name)
    finally:
        result["total_seconds"] = round(time.monotonic() - run.started, 1)
        result["machine"]["load_average_at_end"] = os.getloadavg()
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    result["scenarios"] = {name: result["scenarios"][name] for name in sizes.scenarios}
    result["targets"] = report.targets(result["scenarios"])
    path = out or RESULTS / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}{'-quick' if quick else ''}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1, default=str))
    print(report.table(result))
    print(f"\nJSON: {path}", file=sys.stderr)
    return result
