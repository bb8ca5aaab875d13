"""What every scenario gets: the sizes, a work folder, the load tool, progress lines, and the
local sink and bare servers."""
from __future__ import annotations

import itertools
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import load
from bench.payloads import write_pool
from bench.procs import Proc, cpu_seconds, free_port, get_json, post, python, wait_http, wait_port
from bench.sizes import Sizes


@dataclass
class Run:
    sizes: Sizes
    workdir: Path
    use_wrk: bool
    started: float = field(default_factory=time.monotonic)
    _tags: itertools.count = field(default_factory=itertools.count)

    def say(self, message: str) -> None:
        print(f"[bench {time.monotonic() - self.started:7.1f}s] {message}", file=sys.stderr, flush=True)

    def folder(self, name: str) -> Path:
        path = self.workdir / f"{next(self._tags):02d}-{name}"
        path.mkdir(parents=True)
        return path

    def tag(self, name: str) -> str:
        return f"{name}{next(self._tags)}"

    def closed(self, base: str, where: Path, *, connections: int, duration_s: float, pid: int | None = None) -> dict:
        """One closed-loop run of freshly signed order webhooks; adds the server's CPU per request."""
        pool = write_pool(where / "pool.txt", self.sizes.pool, self.tag("wh"))
        cpu_before = cpu_seconds(pid) if pid else None
        result = load.closed_load(base, pool, connections=connections, duration_s=duration_s,
                                  use_wrk=self.use_wrk, pool_size=self.sizes.pool)
        pool.unlink()
        if pid:
            cpu = cpu_seconds(pid) - cpu_before
            result["server_cpu_s"] = round(cpu, 2)
            result["server_cpu_us_per_request"] = round(cpu / max(1, result["requests"]) * 1e6, 1)
        return result


class Sink:
    """The local HTTP sink process: plugins, the forwarder and Node-RED POST here."""

    def __init__(self, where: Path) -> None:
        self.port = free_port()
        self.proc = Proc("sink", python("-m", "bench.servers", "sink", "--port", str(self.port)), where / "sink.log")
        self.base = f"http://127.0.0.1:{self.port}"
        wait_http(self.base + "/_stats", self.proc, timeout_s=30)

    @property
    def url(self) -> str:
        return self.base + "/deliveries"

    def stats(self, arrivals: bool = False) -> dict:
        return get_json(self.base + "/_stats" + ("?arrivals=1" if arrivals else ""))

    def reset(self) -> None:
        post(self.base + "/_reset")

    def wait_count(self, count: int, timeout_s: float) -> dict:
        deadline = time.monotonic() + timeout_s
        stats = self.stats()
        while stats["count"] < count and time.monotonic() < deadline:
            time.sleep(0.2)
            stats = self.stats()
        return stats

    def stop(self) -> None:
        self.proc.stop()


class Bare:
    """The bare aiohttp server (or, with ``forward_to``, the naive forwarder)."""

    def __init__(self, where: Path, forward_to: str | None = None) -> None:
        port = free_port()
        argv = python("-m", "bench.servers", "bare", "--port", str(port))
        if forward_to:
            argv += ["--forward", forward_to]
        self.proc = Proc("forwarder" if forward_to else "bare", argv, where / f"{'forwarder' if forward_to else 'bare'}.log")
        self.base = f"http://127.0.0.1:{port}"
        wait_port(port, self.proc, timeout_s=30)

    def stop(self) -> None:
        self.proc.stop()
