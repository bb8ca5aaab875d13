"""A Python load generator, run as a process of its own: the fallback when wrk is missing
(``closed``: N connections each sending back to back, like wrk) and the fixed-rate sender of
the end-to-end and burst scenarios (``open``: request i leaves at t0 + i/rate, and its latency
counts from then, so a slow server cannot hide its queue by slowing the sender down; the wall
clock of the first and the last send is in the result, to time what the server does after it).

``python -m bench.loadgen closed --url BASE --pool FILE --connections 50 --duration 10``
``python -m bench.loadgen open --url BASE --requests FILE.jsonl --rate 500``
Prints one ``BENCH_JSON {...}`` line.
"""
from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

import aiohttp
import orjson

from bench.payloads import read_pool

MAX_IN_FLIGHT = 512


def summary(latencies: list[float], statuses: dict[int, int], errors: int, seconds: float) -> dict:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000, 3) if ordered else 0.0

    ok = sum(n for status, n in statuses.items() if 200 <= status < 300)
    return {"requests": len(latencies), "ok": ok, "statuses": {str(k): v for k, v in statuses.items()},
            "errors": errors, "seconds": round(seconds, 3), "rps": round(len(latencies) / seconds, 1) if seconds else 0,
            "p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99), "max_ms": pct(100)}


async def _send(session: aiohttp.ClientSession, url: str, headers: dict, body: bytes,
                statuses: dict[int, int]) -> bool:
    try:
        async with session.post(url, data=body, headers=headers) as reply:
            await reply.read()
            statuses[reply.status] = statuses.get(reply.status, 0) + 1
            return True
    except (aiohttp.ClientError, TimeoutError):
        return False


async def closed(url: str, pool: Path, connections: int, duration_s: float) -> dict:
    path, requests = read_pool(pool)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    counter = iter(range(10**12))
    timeout = aiohttp.ClientTimeout(total=30)

    async def worker(session: aiohttp.ClientSession, deadline: float) -> None:
        nonlocal errors
        while time.monotonic() < deadline:
            headers, body = requests[next(counter) % len(requests)]
            started = time.monotonic()
            if await _send(session, url + path, headers, body, statuses):
                latencies.append(time.monotonic() - started)
            else:
                errors += 1

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections), timeout=timeout) as session:
        started = time.monotonic()
        await asyncio.gather(*(worker(session, started + duration_s) for _ in range(connections)))
        return summary(latencies, statuses, errors, time.monotonic() - started)


async def open_loop(url: str, requests_file: Path, rate: float) -> dict:
    rows = [orjson.loads(line) for line in requests_file.read_bytes().splitlines() if line]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    limit = asyncio.Semaphore(MAX_IN_FLIGHT)
    timeout = aiohttp.ClientTimeout(total=60)

    first_sent = last_sent = None

    async def one(session: aiohttp.ClientSession, row: dict, due: float) -> None:
        nonlocal errors, first_sent, last_sent
        async with limit:
            sent = time.time()  # the wall clock, to compare with the server's timestamps
            first_sent = sent if first_sent is None else min(first_sent, sent)
            last_sent = sent if last_sent is None else max(last_sent, sent)
            if await _send(session, url + row["path"], row["headers"], row["body"].encode(), statuses):
                latencies.append(time.monotonic() - due)  # from when it was due: no coordinated omission
            else:
                errors += 1

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=MAX_IN_FLIGHT),
                                     timeout=timeout) as session:
        started = time.monotonic()
        tasks = []
        for i, row in enumerate(rows):
            due = started + i / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(session, row, due)))
        await asyncio.gather(*tasks)
        result = summary(latencies, statuses, errors, time.monotonic() - started)
        result["target_rate"] = rate
        result["first_sent_epoch"], result["last_sent_epoch"] = first_sent, last_sent
        return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen")
    parser.add_argument("mode", choices=["closed", "open"])
    parser.add_argument("--url", required=True, help="http://127.0.0.1:PORT (loopback only)")
    parser.add_argument("--pool", type=Path)
    parser.add_argument("--requests", type=Path)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=500.0)
    args = parser.parse_args()
    if not args.url.startswith("http://127.0.0.1:"):
        parser.error("the benchmark only targets 127.0.0.1")
    if args.mode == "closed":
        result = asyncio.run(closed(args.url, args.pool, args.connections, args.duration))
    else:
        result = asyncio.run(open_loop(args.url, args.requests, args.rate))
    print("BENCH_JSON " + orjson.dumps(result).decode(), flush=True)


if __name__ == "__main__":
    main()
