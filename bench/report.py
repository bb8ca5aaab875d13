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
            out.append([name, "FAILED", "–", "–", "–", "–", value["error"]])
    return out


def targets(s: dict) -> list[dict]:
    """Each target of the issue: the figure measured, the bound, and whether it is met."""
    bare = _get(s, "ingest", "bare", "loaded", "rps")

    def ratio(kind: str) -> float | None:
        rps = _get(s, "ingest", kind, "loaded", "rps")
        return round(rps / bare, 3) if rps is not None and bare else None

    growth = _get(s, "growth", "sqlite", "change") or {}
    worst_growth = None
    if growth:
        # Worse means fewer per second, or a longer p99.
        worse = [-(growth.get("ingest_rps") or 0), growth.get("ingest_p99_ms") or 0, -(growth.get("drain_per_s") or 0)]
        worst_growth = round(max(worse), 3)
    checks = [
        ("SQLite ingest / bare (loaded)", ratio("sqlite"), ">=", 0.6),
        ("SQLite ingest p99 ms (loaded)", _get(s, "ingest", "sqlite", "loaded", "p99_ms"), "<=", 20),
        ("SQLite ingest p99 ms (1 in flight)", _get(s, "ingest", "sqlite", "single", "p99_ms"), "<=", 2),
        ("SQLite drain to no-op, deliveries/s", _get(s, "drain", "sqlite_noop_1w", "steady_per_s"), ">=", 5000),
        ("outbox forwarding / Node-RED rate", _get(s, "peer", "hub_rate_over_node_red"), ">=", 3),
        ("hub ack p99 / Node-RED p99", _get(s, "peer", "hub_ack_p99_over_node_red_p99"), "<=", 0.5),
        ("SQLite 10M vs 1M rows: worst change", worst_growth, "<=", 0.10),
        ("PostgreSQL ingest / bare (loaded)", ratio("postgresql"), ">=", 0.6),
        ("PostgreSQL drain 2 workers / 1 (no-op)", _get(s, "drain", "postgresql_noop_scaling_1_to_2"), ">=", 1.6),
        ("hub serve RSS MB, 1M pending", _get(s, "memory", "rss_peak_mb"), "<=", 300),
    ]
    out = []
    for name, value, op, bound in checks:
        met = None if value is None else (value >= bound if op == ">=" else value <= bound)
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
        lines.append(f"| {t['target']} | {_num(t['value'], 3) if isinstance(t['value'], float) else _num(t['value'])} "
                     f"| {t['bound']} | {met} |")
    return "\n".join(lines)
