"""The results table (markdown, as pasted into bench/README.md) and the issue's targets."""
from __future__ import annotations

from typing import Any


def _get(data: dict, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _num(value: Any, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _partial(done: int, total: int) -> str:
    return "" if done >= total else " in the time limit (percentiles of those only: a lower bound)"


def _load_row(scenario: str, variant: str, run: dict | None, bare: float | None = None, note: str = "") -> list[str]:
    if not run:
        return [scenario, variant, "–", "–", "–", "–", note]
    ratio = f"{run['rps'] / bare:.2f}" if bare else "–"
    extra = [f"{run['non_2xx']} non-2xx"] if run.get("non_2xx") else []
    if run.get("server_cpu_us_per_request") is not None:
        extra.append(f"{run['server_cpu_us_per_request']:.0f} µs CPU/req")
    if run.get("pool_wrapped"):
        extra.append("pool wrapped")
    return [scenario, variant, _num(run["rps"]) + " req/s", _num(run["p50_ms"], 1), _num(run["p99_ms"], 1),
            ratio, "; ".join([*extra, note] if note else extra)]


def _inbox_note(value: dict) -> str:
    done = (f"all processed in {_num(value['seconds_to_process'], 1)} s" if value["all_processed"] else
            f"NOT all processed: {value['processed']:,}/{value['count']:,} in the time limit")
    if value.get("orders_of_customer") != value["processed"]:
        done += f" (but {value.get('orders_of_customer', 0):,} orders name the customer)"
    return (f"{value['count']:,} stored webhooks, {done}, {value['failed']:,} failed; "
            f"{value['noop_done']:,} no-op deliveries done; {_num(value['hub_cpu_us_per_event'])} µs hub CPU/event")


def rows(s: dict) -> list[list[str]]:
    out: list[list[str]] = []
    ingest = s.get("ingest", {})
    bare = _get(ingest, "bare", "loaded", "rps")
    for name, label in (("bare", "bare aiohttp, no storage"), ("sqlite", "hub serve, SQLite FULL"),
                        ("postgresql", "hub serve, PostgreSQL")):
        if name in ingest:
            out.append(_load_row("ingest", f"{label}, 1 in flight", _get(ingest, name, "single")))
            out.append(_load_row("ingest", f"{label}, {_get(ingest, name, 'loaded', 'connections')} conns",
                                 _get(ingest, name, "loaded"), bare))
    for key, value in s.get("drain", {}).items():
        if isinstance(value, dict) and "workers" in value:
            done = "emptied in " + _num(value["seconds_to_empty"], 1) + " s" if value["emptied"] else \
                f"NOT emptied: {value['finished']:,}/{value['count']:,} in the time limit"
            out.append(["drain", key.replace("_", " "), _num(value["steady_per_s"]) + " deliveries/s", "–", "–", "–",
                        f"{value['count']:,} deliveries, {done}"])
        elif key.endswith("scaling_1_to_2"):
            out.append(["drain", key.replace("_", " "), f"{value:.2f}×", "–", "–", "–", "2 workers over 1"])
    for key, value in s.get("inbox", {}).items():
        if isinstance(value, dict) and "mode" in value:
            who = "hub serve" if value["mode"] == "serve" else f"{value['processes']} hub worker" + \
                ("s" if value["processes"] > 1 else "")
            out.append(["inbox", f"{value['backend']}, {who}", _num(value["events_per_s"]) + " events/s", "–", "–",
                        "–", _inbox_note(value)])
        elif key.endswith("scaling_1_to_2"):
            out.append(["inbox", "postgresql workers 1 to 2", f"{value:.2f}×", "–", "–", "–", "2 workers over 1"])
    for kind, value in s.get("burst", {}).items():
        if isinstance(value, dict) and "ack" in value:
            ack = value["ack"]
            out.append(["burst", f"{kind}: ack ({value['rate']:,.0f}/s open loop)", _num(ack["rps"]) + " req/s",
                        _num(ack["p50_ms"], 1), _num(ack["p99_ms"], 1), "–",
                        f"{ack['ok']:,}/{value['count']:,} acknowledged, {value['stored']:,} stored"])
            if value["all_handed_off"]:
                note = (f"all {value['stored']:,} applied {_num(value['seconds_to_applied'], 1)} s and handed off "
                        f"{_num(value['seconds_to_handed_off'], 1)} s after the last send")
            else:
                left = value.get("left") or {}
                note = (f"NOT all within {value['wait_limit_s']:.0f} s of the last ack: {value['processed']:,}/"
                        f"{value['stored']:,} applied, {value['noop_done']:,} handed off, {value['failed']:,} failed; "
                        f"left {left.get('pending_events', 0):,} pending events, "
                        f"{left.get('unfinished_deliveries', 0):,} unfinished deliveries")
            out.append(["burst", f"{kind}: last send → all applied and handed off", "–", "–", "–", "–", note])
    hung = s.get("hung", {})
    for name, label in (("without_hang", "bench.noop alone"), ("with_hang", "bench.noop + bench.hang")):
        value = hung.get(name)
        if isinstance(value, dict) and "count" in value:
            out.append(["hung", f"sqlite, {label}: inbox", _num(value["events_per_s"]) + " events/s", "–", "–", "–",
                        _inbox_note(value)])
            extra = ""
            if name == "with_hang":
                hang = value["deliveries"].get("bench.hang", {})
                extra = "; bench.hang deliveries " + (", ".join(f"{n:,} {st}" for st, n in sorted(hang.items()))
                                                      or "none")
            out.append(["hung", f"sqlite, {label}: no-op drain", _num(value["noop_per_s"]) + " deliveries/s", "–",
                        "–", "–", f"{value['noop_done']:,}/{value['processed']:,} done{extra}"])
    for key, label in (("inbox_ratio", "inbox"), ("noop_ratio", "no-op drain")):
        if hung.get(key) is not None:
            out.append(["hung", f"{label}, with bench.hang / without", f"{hung[key]:.2f}×", "–", "–", "–", ""])
    for kind, value in s.get("e2e", {}).items():
        if isinstance(value, dict) and "push_ack" in value:
            ack = value["push_ack"]
            out.append(["e2e", f"{kind}: push ack ({value['push_rate']:.0f}/s open loop)", _num(ack["rps"]) + " req/s",
                        _num(ack["p50_ms"], 1), _num(ack["p99_ms"], 1), "–", f"{ack['ok']:,} acknowledged"])
            out.append(["e2e", f"{kind}: push received → notification at sink", "–",
                        _num(value["push_to_notification_p50_ms"], 1), _num(value["push_to_notification_p99_ms"], 1),
                        "–", f"{value['notifications']:,}/{value['shipments']:,} notified, "
                             f"{value['in_transit']:,} in transit" + _partial(value['notifications'], value['shipments'])])
    for kind, value in s.get("growth", {}).items():
        if not isinstance(value, dict):
            continue
        for entry in value.values():
            if isinstance(entry, dict) and "ingest" in entry:
                label = f"{kind}, {entry['history_rows']:,} rows stored"
                out.append(_load_row("growth", f"{label}: ingest", _get(entry, "ingest", "loaded"), bare))
                out.append(["growth", f"{label}: drain 1 worker", _num(_get(entry, "drain", "steady_per_s")) +
                            " deliveries/s", "–", "–", "–", f"{entry['drain']['count']:,} deliveries"])
        if value.get("note"):
            out.append(["growth", kind, "–", "–", "–", "–", value["note"]])
    peer = s.get("peer", {})
    if peer:
        red = peer.get("node_red", {})
        out.append(_load_row("peer", f"Node-RED {red.get('version', '')} (no storage)", red.get("loaded"), bare,
                             red.get("skipped", "")))
        out.append(_load_row("peer", "naive aiohttp forwarder (no storage)", _get(peer, "forwarder", "loaded"), bare))
        hub = peer.get("hub", {})
        out.append(_load_row("peer", "hub serve + outbox (SQLite): acknowledgement", hub.get("loaded"), bare))
        if hub:
            out.append(["peer", "hub serve + outbox: forwarded to sink", _num(hub.get("forwarded_per_s")) + " fwd/s",
                        _num(hub.get("receive_to_forward_p50_ms"), 1), _num(hub.get("receive_to_forward_p99_ms"), 1),
                        "–", f"{hub.get('forwarded', 0):,}/{hub.get('accepted', 0):,} forwarded"
                        + _partial(hub.get('forwarded', 0), hub.get('accepted', 0))])
    mem = s.get("memory", {})
    if "rss_peak_mb" in mem:
        out.append(["memory", f"hub serve, {mem['pending']:,} pending deliveries", "–", "–", "–", "–",
                    f"RSS peak {mem['rss_peak_mb']:.0f} MB (start {mem['rss_start_mb']:.0f}, last {mem['rss_last_mb']:.0f})"])
    for name, value in s.items():
        if isinstance(value, dict) and "error" in value:
            out.append([name, "FAILED", "–", "–", "–", "–", " ".join(value["error"].split()).replace("|", "/")[:300]])
    return out


def _worst_growth(change: dict | None) -> float | None:
    """The largest relative worsening from 1 M to 10 M rows: fewer per second, or a longer p99."""
    if not change:
        return None
    worse = [-change["ingest_rps"] if change.get("ingest_rps") is not None else None,
             change.get("ingest_p99_ms"),
             -change["drain_per_s"] if change.get("drain_per_s") is not None else None]
    known = [w for w in worse if w is not None]
    return round(max(known), 3) if known else None


def _burst(s: dict, kind: str) -> tuple[Any, bool | None]:
    """Seconds from the last send until every order was applied and handed off; a run that did
    not get there within its limit is a miss, not an unmeasured target."""
    value = _get(s, "burst", kind)
    if not isinstance(value, dict) or "ack" not in value:
        return None, None
    if not value["all_handed_off"]:
        return f"not all in {value['wait_limit_s']:.0f} s", False
    return value["seconds_to_handed_off"], None


def _notified(s: dict, kind: str) -> float | None:
    value = _get(s, "e2e", kind)
    if not isinstance(value, dict) or not value.get("shipments"):
        return None
    return round(value["notifications"] / value["shipments"], 3)


def _over(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def targets(s: dict) -> list[dict]:
    """Each target of the issue: the figure measured, the bound, and whether it is met."""
    bare = _get(s, "ingest", "bare", "loaded", "rps")

    def ratio(kind: str) -> float | None:
        return _over(_get(s, "ingest", kind, "loaded", "rps"), bare)

    checks: list[tuple] = [
        ("SQLite ingest / bare (loaded)", ratio("sqlite"), ">=", 0.6),
        ("SQLite ingest p99 ms (loaded)", _get(s, "ingest", "sqlite", "loaded", "p99_ms"), "<=", 20),
        ("SQLite ingest p99 ms (1 in flight)", _get(s, "ingest", "sqlite", "single", "p99_ms"), "<=", 2),
        ("PostgreSQL ingest / bare (loaded)", ratio("postgresql"), ">=", 0.6),
        ("PostgreSQL ingest p99 ms (loaded)", _get(s, "ingest", "postgresql", "loaded", "p99_ms"), "<=", 20),
        ("PostgreSQL ingest p99 ms (1 in flight)", _get(s, "ingest", "postgresql", "single", "p99_ms"), "<=", 2),
        ("SQLite drain to no-op, deliveries/s", _get(s, "drain", "sqlite_noop_1w", "steady_per_s"), ">=", 5000),
        ("PostgreSQL drain to no-op, 1 worker, deliveries/s", _get(s, "drain", "postgresql_noop_1w", "steady_per_s"),
         ">=", 3000),
        ("PostgreSQL drain 2 workers / 1 (no-op)", _get(s, "drain", "postgresql_noop_scaling_1_to_2"), ">=", 1.6),
        ("SQLite inbox (hub serve), events/s", _get(s, "inbox", "sqlite_serve", "events_per_s"), ">=", 2000),
        ("PostgreSQL inbox (hub serve), events/s", _get(s, "inbox", "postgresql_serve", "events_per_s"), ">=", 2000),
        ("PostgreSQL inbox 2 workers / 1", _get(s, "inbox", "postgresql_worker_scaling_1_to_2"), ">=", 1.6),
        ("SQLite burst: last send → all applied and handed off, s", *_burst(s, "sqlite"), "<=", 15),
        ("PostgreSQL burst: last send → all applied and handed off, s", *_burst(s, "postgresql"), "<=", 15),
        ("hung plugin: inbox rate with / without", _get(s, "hung", "inbox_ratio"), ">=", 0.9),
        ("hung plugin: no-op drain rate with / without", _get(s, "hung", "noop_ratio"), ">=", 0.9),
        ("SQLite e2e: notified / pushed", _notified(s, "sqlite"), ">=", 1),
        ("SQLite e2e: push → notification p99 ms", _get(s, "e2e", "sqlite", "push_to_notification_p99_ms"), "<=", 1000),
        ("PostgreSQL e2e: notified / pushed", _notified(s, "postgresql"), ">=", 1),
        ("PostgreSQL e2e: push → notification p99 ms", _get(s, "e2e", "postgresql", "push_to_notification_p99_ms"),
         "<=", 1000),
        ("outbox forwarding / Node-RED rate", _get(s, "peer", "hub_rate_over_node_red"), ">=", 3),
        ("hub ack p99 / Node-RED p99", _get(s, "peer", "hub_ack_p99_over_node_red_p99"), "<=", 0.5),
        ("hub receive → forward p99 / Node-RED p99", _get(s, "peer", "hub_forward_p99_over_node_red_p99"), "<=", 0.5),
        ("SQLite 10M vs 1M rows: worst change", _worst_growth(_get(s, "growth", "sqlite", "change")), "<=", 0.10),
        ("PostgreSQL 10M vs 1M rows: worst change", _worst_growth(_get(s, "growth", "postgresql", "change")),
         "<=", 0.10),
        ("hub serve RSS MB, 1M pending", _get(s, "memory", "rss_peak_mb"), "<=", 300),
    ]
    out = []
    for check in checks:
        if len(check) == 5:
            name, value, met, op, bound = check
        else:
            (name, value, op, bound), met = check, None
        if met is None and isinstance(value, int | float):
            met = value >= bound if op == ">=" else value <= bound
        out.append({"target": name, "value": value, "bound": f"{op} {bound}", "met": met})
    return out


def table(result: dict) -> str:
    head = ["scenario", "variant", "rate", "p50 ms", "p99 ms", "vs bare", "notes"]
    lines = []
    if result.get("quick"):
        lines += ["(--quick: tiny sizes, scenarios side by side; these figures check that it runs, they measure nothing)", ""]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(result["scenarios"])]
    lines += ["", "| target | measured | bound | met |", "|---|---|---|---|"]
    for t in result.get("targets", []):
        met = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
        value = t["value"]
        shown = value if isinstance(value, str) else _num(value, 3) if isinstance(value, float) else _num(value)
        lines.append(f"| {t['target']} | {shown} | {t['bound']} | {met} |")
    return "\n".join(lines)
