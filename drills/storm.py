"""The slow-connection storm: ``hub serve`` limited to 1,024 open files (the common default, soft
and hard), then more clients than that which connect and send half a request head. The hub must
answer a new client at once (503 while full), answer 200 again once the slow ones are cut off,
and log the storm as a few counted lines, not a traceback per connection."""
from __future__ import annotations

import asyncio
import os
import resource
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.procs import free_port

SERVE = """
import asyncio, sys
from pathlib import Path
from hub.app import serve
from hub.core.config import HubConfig
config = HubConfig(data_dir=Path(sys.argv[1]), port=int(sys.argv[2]),
                   http={"header_timeout_s": float(sys.argv[3]), "request_timeout_s": 5, "log_interval_s": 5})
asyncio.run(serve(config))
"""


@dataclass
class StormFigures:
    slow_clients: int
    file_limit: int = 1024
    answered_while_full: str = ""  # the status line a new client got during the storm
    answered_after: str = ""
    seconds_to_recover: float = 0.0
    tracebacks: int = 0
    storm_log_lines: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _limit_files() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))


async def _status(port: int) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n")
        answer = await asyncio.wait_for(reader.read(), 5)
        return answer.split(b"\r\n", 1)[0].decode(errors="replace")
    finally:
        writer.close()


async def run_storm(workdir: Path, *, slow_clients: int = 1100, header_timeout_s: float = 2.0) -> StormFigures:
    workdir.mkdir(parents=True, exist_ok=True)
    figures = StormFigures(slow_clients=slow_clients)
    port = free_port()
    log_path = workdir / "serve-storm.log"
    env = {**os.environ, "HUB_ADMIN_TOKEN": "drill-admin-token-0123456789abcdef"}
    with log_path.open("wb") as log_file:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", SERVE, str(workdir / "data"), str(port), str(header_timeout_s),
            stdout=log_file, stderr=asyncio.subprocess.STDOUT, preexec_fn=_limit_files, env=env)
    conns: list[asyncio.StreamWriter] = []
    try:
        for _ in range(300):
            try:
                await _status(port)
                break
            except OSError:
                await asyncio.sleep(0.1)
        for _ in range(slow_clients):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET / HTTP/1.1\r\n")
            conns.append(writer)
        figures.answered_while_full = await _status(port)
        started = time.monotonic()
        while time.monotonic() - started < header_timeout_s * 5:
            await asyncio.sleep(0.25)
            figures.answered_after = await _status(port)
            if " 200 " in figures.answered_after + " ":
                break
        figures.seconds_to_recover = round(time.monotonic() - started, 2)
    finally:
        for writer in conns:
            writer.close()
        proc.terminate()
        await proc.wait()
    text = log_path.read_text(errors="replace")
    figures.tracebacks = text.count("Traceback")
    figures.storm_log_lines = sum(1 for line in text.splitlines()
                                  if "http.connections_refused" in line or "slow_connections" in line
                                  or "accept_failed" in line)
    return figures
