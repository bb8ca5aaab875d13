"""Scenario 3, end to end: Kuaidi100 pushes for ``e2e_shipments`` booked shipments, sent at a
fixed rate to ``hub serve`` → stored → each shipment moves to in transit → a customer
notification is delivered (``bench.sink`` plugin) to the local sink.

Latency is from the moment the hub received the push (``inbound_events.received_at``) to the
notification's arrival at the sink, per shipment."""
from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import orjson

from bench import load
from bench.context import Run, Sink
from bench.db import BenchDb
from bench.hubproc import KUAIDI100, SINK, start_serve, write_config
from bench.payloads import KUAIDI100_PATH, kuaidi100_push
from hub.core.config import HubConfig
from hub.core.domain.inputs import NewCustomer, NewOrder, NewShipment
from hub.core.plugins import build_plugin_manager
from hub.core.service import Hub
from hub.core.store.tables import orders, shipments

FIRST_NUMBER = 1_000_000_000


async def _template(db: BenchDb, data_dir: Path) -> None:
    """One real customer, order (moved to shipped) and booked shipment, through the hub itself."""
    config = HubConfig(data_dir=data_dir, database_url=db.url, plugins={"enabled": []})
    hub = Hub(config, build_plugin_manager(config))
    try:
        await hub.start()
        await hub.create_customer(NewCustomer(code="C-E2E", name="E2E Customer", grade="B"))
        await hub.create_order(NewOrder(ref="E2E-T", customer_code="C-E2E", contact={"address": "1 Harbour Rd"},
                                        lines=[{"product_code": "SOFA-3", "qty": 1, "unit_price": Decimal("4200")}]))
        async with hub.engine.begin() as conn:
            await conn.execute(orders.update().where(orders.c.ref == "E2E-T").values(state="shipped"))
        await hub.create_shipment("E2E-T", NewShipment(ref="SH-E2E-T", carrier="shunfeng", tracking_number="SFT"))
    finally:
        await hub.close()


def prepare(db: BenchDb, where: Path, count: int) -> None:
    """``count`` shipped orders with a booked shunfeng shipment each, cloned from the template."""
    asyncio.run(_template(db, where / "data"))
    pg = db.kind == "postgresql"
    text = "::text" if pg else ""
    db.clone_rows("orders", [c for c in orders.c.keys() if c != "id"], {"ref": f"'E2E-' || n{text}"}, "E2E-T", count)
    db.clone_rows("shipments", [c for c in shipments.c.keys() if c != "id"], {
        "ref": f"'SH-E2E-' || n{text}", "order_ref": f"'E2E-' || n{text}",
        "tracking_number": f"'SF' || ({FIRST_NUMBER} + n){text}"}, "SH-E2E-T", count)
    # Recently polled, as in steady operation: the run measures pushes, not a polling storm.
    db.execute("UPDATE shipments SET last_polled_at = $1", db.stamp())
    db.execute("DELETE FROM shipments WHERE ref = 'SH-E2E-T'")


def _epoch(value: object) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC).timestamp()


def latencies(db: BenchDb, sink: Sink) -> list[float]:
    received = {}
    for key, at in db.rows("SELECT dedupe_key, received_at FROM inbound_events WHERE source = $1", KUAIDI100):
        number = key.split(":", 1)[0]
        received.setdefault(f"SH-E2E-{int(number[2:]) - FIRST_NUMBER}", _epoch(at))
    arrivals = {}
    for at, ref in sink.stats(arrivals=True)["arrivals"]:
        arrivals.setdefault(ref, at)
    return sorted(arrivals[ref] - received[ref] for ref in arrivals if ref in received)


def pct(ordered: list[float], p: float) -> float | None:
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000, 1)


def run_one(run: Run, kind: str) -> dict:
    sizes = run.sizes
    where = run.folder(f"e2e-{kind}")
    db = BenchDb(kind, where).create()
    sink = Sink(where)
    try:
        prepare(db, where, sizes.e2e_shipments)
        pushes = where / "pushes.jsonl"
        pushes.write_bytes(b"\n".join(orjson.dumps({
            "path": KUAIDI100_PATH, "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            "body": kuaidi100_push(f"SF{FIRST_NUMBER + n}").decode()}) for n in range(1, sizes.e2e_shipments + 1)))
        config = write_config(where, [KUAIDI100, SINK], sink_url=sink.url)
        proc, base = start_serve(where, config, db.url, tag=f"e2e-{kind}")
        try:
            run.say(f"e2e: {sizes.e2e_shipments} Kuaidi100 pushes at {sizes.e2e_rate}/s to hub serve on {kind}")
            started = time.monotonic()
            acks = load.open_load(base, pushes, rate=sizes.e2e_rate,
                                  timeout_s=sizes.e2e_shipments / sizes.e2e_rate + sizes.e2e_timeout_s)
            stats = sink.wait_count(sizes.e2e_shipments, sizes.e2e_timeout_s)
            all_done = time.monotonic() - started
        finally:
            proc.stop()
        moved = int(db.scalar("SELECT count(*) FROM shipments WHERE state = 'in_transit'"))
        ordered = latencies(db, sink)
        return {"shipments": sizes.e2e_shipments, "push_rate": sizes.e2e_rate, "push_ack": acks,
                "in_transit": moved, "notifications": stats["count"],
                "seconds_until_all_notified": round(all_done, 1) if stats["count"] >= sizes.e2e_shipments else None,
                "push_to_notification_p50_ms": pct(ordered, 50), "push_to_notification_p99_ms": pct(ordered, 99),
                "push_to_notification_max_ms": pct(ordered, 100)}
    finally:
        sink.stop()
        db.drop()


def run(run: Run) -> dict:
    return {kind: run_one(run, kind) for kind in run.sizes.e2e_backends if kind in run.sizes.backends}
