"""``python -m bench profile {ingest,inbox,drain} [--backend sqlite|postgresql]``: the load of a
scenario, with py-spy sampling the hub process (CPU only, every thread), summarised as the
functions that take the most CPU, inclusive and self. Needs ``pip install py-spy``."""
from __future__ import annotations

import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.context import Run
from bench.db import BenchDb
from bench.hubproc import NOOP, start_serve, start_workers, write_config
from bench.load import wrk_available
from bench.scenarios.drain import order_payload
from bench.sizes import FULL

RESULTS = Path(__file__).with_name("results")


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        raise SystemExit("py-spy not found: .venv/bin/pip install py-spy")
    return found


def record(pid: int, seconds: float, out: Path, *, native: bool = False) -> subprocess.Popen:
    argv = [py_spy(), "record", "-p", str(pid), "-d", str(int(seconds)), "-r", "250", "-f", "raw", "-o", str(out),
            "--threads", "--nonblocking"]
    return subprocess.Popen([*argv, *(["--native"] if native else [])], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _frame(frame: str) -> str:
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    path, _, line = where.rpartition(":")
    short = "/".join(path.split("/")[-2:]) if "site-packages" in path or "/hub/" in path else path.split("/")[-1]
    return f"{name} ({short})"


def summarise(raw: Path, top: int = 45) -> str:
    inclusive: collections.Counter = collections.Counter()
    own: collections.Counter = collections.Counter()
    threads: collections.Counter = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        frames = stack.split(";")
        total += n
        threads[frames[0].split(": ")[-1]] += n
        names = [_frame(f) for f in frames[1:]]
        for name in set(names):
            inclusive[name] += n
        if names:
            own[names[-1]] += n
    lines = [f"{total} CPU samples", "", "by thread:"]
    lines += [f"  {n / total:6.1%}  {name}" for name, n in threads.most_common(8)]
    lines += ["", "inclusive (function and what it calls):"]
    lines += [f"  {n / total:6.1%}  {name}" for name, n in inclusive.most_common(top)]
    lines += ["", "self (the function's own code):"]
    lines += [f"  {n / total:6.1%}  {name}" for name, n in own.most_common(top // 2)]
    return "\n".join(lines)


def profile_ingest(run: Run, kind: str, out: Path) -> str:
    where = run.folder(f"profile-ingest-{kind}")
    db = BenchDb(kind, where).create()
    try:
        proc, base = start_serve(where, write_config(where, [NOOP]), db.url, tag="profile")
        try:
            run.closed(base, where, connections=1, duration_s=3)  # warm up
            spy = record(proc.pid, run.sizes.duration_s, out)
            result = run.closed(base, where, connections=run.sizes.connections, duration_s=run.sizes.duration_s,
                                pid=proc.pid)
            spy.wait(60)
        finally:
            proc.stop()
    finally:
        db.drop()
    return f"ingest on {kind}: {result['rps']:.0f} req/s, p99 {result['p99_ms']:.1f} ms, " \
           f"{result['server_cpu_us_per_request']:.0f} µs hub CPU per request\n\n" + summarise(out)


def profile_inbox(run: Run, kind: str, out: Path, seconds: float = 15.0) -> str:
    """The work after the 2xx: ``hub serve`` applying a backlog of stored order webhooks (and
    delivering what they enqueue), with no load on the HTTP side."""
    where = run.folder(f"profile-inbox-{kind}")
    db = BenchDb(kind, where).create()
    pending = "SELECT count(*) FROM inbound_events WHERE state = 'pending'"
    try:
        proc, base = start_serve(where, write_config(where, [NOOP]), db.url, tag="profile")
        try:
            run.closed(base, where, connections=run.sizes.connections, duration_s=5)
            before = int(db.scalar(pending))
            spy = record(proc.pid, seconds, out)
            spy.wait(seconds + 60)
            done = before - int(db.scalar(pending))
        finally:
            proc.stop()
    finally:
        db.drop()
    return f"inbox on {kind}: {done / seconds:.0f} stored order webhooks applied per second while sampled " \
           f"({before} were waiting)\n\n" + summarise(out)


def profile_drain(run: Run, kind: str, out: Path, seconds: float = 15.0) -> str:
    where = run.folder(f"profile-drain-{kind}")
    db = BenchDb(kind, where).create()
    try:
        db.insert_pending(50_000, plugin="bench.noop", payload=order_payload(), tag="p")
        (worker,) = start_workers(1, where, write_config(where, [NOOP]), db.url, tag="profile")
        try:
            while db.unfinished_deliveries() == 50_000 and worker.alive():
                time.sleep(0.1)
            before = db.unfinished_deliveries()
            spy = record(worker.pid, seconds, out)
            spy.wait(seconds + 60)
            done = before - db.unfinished_deliveries()
        finally:
            worker.stop()
    finally:
        db.drop()
    return f"drain on {kind}, 1 worker, no-op plugin: {done / seconds:.0f} deliveries/s while sampled\n\n" + summarise(out)


def main(what: str, kind: str) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="hub-bench-profile-"))
    run = Run(sizes=FULL, workdir=workdir, use_wrk=wrk_available())
    RESULTS.mkdir(exist_ok=True)
    raw = RESULTS / f"profile-{what}-{kind}.raw.txt"
    try:
        text = {"ingest": profile_ingest, "inbox": profile_inbox, "drain": profile_drain}[what](run, kind, raw)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    (RESULTS / f"profile-{what}-{kind}.txt").write_text(text + "\n")
    print(text)
    return 0
