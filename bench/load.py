"""Closed-loop load on one URL: wrk with the signing script, or the Python generator without it.

Both take the same signed pool and give the same figures: requests/s, p50/p99 in ms, and
the count of non-2xx answers and socket errors.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from bench.procs import child_env, python

SCRIPT = Path(__file__).with_name("wrk") / "signed.lua"


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _bench_json(output: str, what: str) -> dict:
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"{what} printed no result:\n{output[-2000:]}")


def run_wrk(base: str, pool: Path, *, connections: int, duration_s: float, threads: int = 1) -> dict:
    threads = max(1, min(threads, connections))
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration_s))}s", "--timeout", "10s",
            "-s", str(SCRIPT), base]
    env = {**os.environ, "BENCH_POOL": str(pool), "BENCH_THREADS": str(threads)}
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=duration_s + 120, check=False)
    raw = _bench_json(done.stdout, "wrk " + done.stderr[-500:])
    seconds = raw["duration_us"] / 1e6
    errors = raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"]
    return {"tool": "wrk", "connections": connections, "threads": threads, "seconds": round(seconds, 3),
            "requests": raw["requests"], "rps": round(raw["requests"] / seconds, 1),
            "p50_ms": raw["p50_us"] / 1000, "p90_ms": raw["p90_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
            "max_ms": raw["max_us"] / 1000, "non_2xx": raw["status_errors"], "socket_errors": errors}


def run_python(base: str, pool: Path, *, connections: int, duration_s: float) -> dict:
    argv = python("-m", "bench.loadgen", "closed", "--url", base, "--pool", str(pool),
                  "--connections", str(connections), "--duration", str(duration_s))
    done = subprocess.run(argv, env=child_env(), capture_output=True, text=True, timeout=duration_s + 120,
                          check=False)
    raw = _bench_json(done.stdout, "bench.loadgen " + done.stderr[-1500:])
    return {"tool": "python", "connections": connections, "threads": 1, "seconds": raw["seconds"],
            "requests": raw["requests"], "rps": raw["rps"], "p50_ms": raw["p50_ms"], "p90_ms": raw["p90_ms"],
            "p99_ms": raw["p99_ms"], "max_ms": raw["max_ms"], "non_2xx": raw["requests"] - raw["ok"],
            "socket_errors": raw["errors"]}


def closed_load(base: str, pool: Path, *, connections: int, duration_s: float, use_wrk: bool,
                pool_size: int) -> dict:
    """One closed-loop run; says when the pool ran out (later requests were redeliveries)."""
    if use_wrk:
        result = run_wrk(base, pool, connections=connections, duration_s=duration_s)
    else:
        result = run_python(base, pool, connections=connections, duration_s=duration_s)
    result["pool_wrapped"] = result["requests"] > pool_size
    return result


def open_load(base: str, requests_file: Path, *, rate: float, timeout_s: float) -> dict:
    argv = python("-m", "bench.loadgen", "open", "--url", base, "--requests", str(requests_file),
                  "--rate", str(rate))
    done = subprocess.run(argv, env=child_env(), capture_output=True, text=True, timeout=timeout_s, check=False)
    return _bench_json(done.stdout, "bench.loadgen " + done.stderr[-1500:])
