"""Scenario 5, peer: the same forwarding job (webhook in → POST to the local sink) done by
Node-RED (no storage: it answers after the POST), by a naive aiohttp forwarder (the same, in
Python), and by ``hub serve`` with its durable outbox (answers after the commit, forwards
from the outbox through the ``bench.sink`` plugin), in the same run against the same sink.

The hub's forwarding rate counts from the start of the load until the last forward arrived,
so a backlog left behind by a fast acknowledgement is not hidden."""
from __future__ import annotations

import time

from bench import nodered
from bench.context import Bare, Run, Sink
from bench.db import BenchDb
from bench.hubproc import SINK, start_serve, write_config
from bench.payloads import ORDERS_PATH
from bench.scenarios.e2e import _epoch, pct


def node_red(run: Run, sink: Sink) -> dict:
    sizes = run.sizes
    if sizes.node_red == "skip":
        return {"skipped": "not run in --quick (a full run installs and runs it)"}
    if not nodered.installed():
        run.say(f"peer: installing Node-RED {nodered.VERSION} into {nodered.CACHE} (once)")
        nodered.install()
    where = run.folder("peer-node-red")
    proc, base = nodered.start(where, sink.url, ORDERS_PATH)
    try:
        run.say(f"peer: Node-RED {nodered.version()}")
        sink.reset()
        loaded = run.closed(base, where, connections=sizes.connections, duration_s=sizes.duration_s, pid=proc.pid)
    finally:
        proc.stop()
    return {"version": nodered.version(), "loaded": loaded, "forwarded": sink.stats()["count"]}


def forwarder(run: Run, sink: Sink) -> dict:
    where = run.folder("peer-forwarder")
    server = Bare(where, forward_to=sink.url)
    try:
        run.say("peer: naive aiohttp forwarder")
        sink.reset()
        loaded = run.closed(server.base, where, connections=run.sizes.connections,
                            duration_s=run.sizes.duration_s, pid=server.proc.pid)
    finally:
        server.stop()
    return {"loaded": loaded, "forwarded": sink.stats()["count"]}


def hub(run: Run, sink: Sink) -> dict:
    sizes = run.sizes
    where = run.folder("peer-hub")
    db = BenchDb("sqlite", where).create()
    try:
        proc, base = start_serve(where, write_config(where, [SINK], sink_url=sink.url), db.url, tag="peer")
        try:
            run.say("peer: hub serve (SQLite) forwarding through its outbox")
            sink.reset()
            started = time.time()
            loaded = run.closed(base, where, connections=sizes.connections, duration_s=sizes.duration_s,
                                pid=proc.pid)
            time.sleep(0.5)  # requests cut off by the end of the load still commit (shielded)
            accepted = int(db.scalar("SELECT count(*) FROM inbound_events"))
            stats = sink.wait_count(accepted, sizes.peer_forward_timeout_s)
        finally:
            proc.stop()
        # Counted at the end of the wait: forwards during the hub's shutdown do not count.
        arrivals = [(at, ref) for at, ref in sink.stats(arrivals=True)["arrivals"] if at <= stats["last"]]
        received = {key: _epoch(at) for key, at in db.rows("SELECT dedupe_key, received_at FROM inbound_events")}
        delays = sorted(at - received[ref] for at, ref in arrivals if ref in received)
        span = (stats["last"] - started) if stats["last"] else None
        accepted = int(db.scalar("SELECT count(*) FROM inbound_events"))
        distinct = len({ref for _, ref in arrivals})
        return {"loaded": loaded, "accepted": accepted, "forwarded": distinct, "forward_requests": len(arrivals),
                "all_forwarded": distinct >= accepted,
                "forwarded_per_s": round(distinct / span, 1) if span else 0.0,
                "forwarded_during_load_per_s": round(
                    sum(1 for at, _ in arrivals if at <= started + loaded["seconds"]) / loaded["seconds"], 1),
                "receive_to_forward_p50_ms": pct(delays, 50), "receive_to_forward_p99_ms": pct(delays, 99)}
    finally:
        db.drop()


def run(run: Run) -> dict:
    sink = Sink(run.folder("peer-sink"))
    try:
        out = {"node_red": node_red(run, sink), "forwarder": forwarder(run, sink), "hub": hub(run, sink)}
    finally:
        sink.stop()
    peer = out["node_red"].get("loaded")
    if peer and peer["rps"]:
        out["hub_rate_over_node_red"] = round(out["hub"]["forwarded_per_s"] / peer["rps"], 2)
        out["hub_ack_p99_over_node_red_p99"] = round(out["hub"]["loaded"]["p99_ms"] / peer["p99_ms"], 2)
        forward_p99 = out["hub"]["receive_to_forward_p99_ms"]
        out["hub_forward_p99_over_node_red_p99"] = round(forward_p99 / peer["p99_ms"], 2) \
            if forward_p99 is not None else None
    return out
