"""Retention: old bookkeeping goes, in small batches; what ops or dedupe still need stays."""
from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.cli import main
from hub.core.config import RetentionSettings, load_config
from hub.core.retention import prune
from hub.core.store.db import begin, make_engine, upgrade
from hub.core.store.tables import (plugin_state, api_idempotency, deliveries, delivery_actions, inbound_actions,
                                   inbound_events, ledger, outbox_events, timeline)

NOW = datetime(2030, 6, 1, 12, tzinfo=UTC)
SETTINGS = RetentionSettings(inbound_days=7, deliveries_days=30)
_ids = itertools.count(1)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


async def insert(engine: AsyncEngine, table: sa.Table, **values: Any) -> Any:
    async with begin(engine) as conn:
        result = await conn.execute(table.insert().values(**values))
    return result.inserted_primary_key[0]


async def inbound(engine: AsyncEngine, state: str, days: float, key: str | None = None) -> int:
    row_id = await insert(engine, inbound_events, source="shop", dedupe_key=key or f"k{next(_ids)}", headers={},
                          body=b"{}", state=state, attempts=1, received_at=ago(days))
    await insert(engine, inbound_actions, inbound_id=row_id, action="retry", actor="ops", at=ago(days))
    return row_id


async def event(engine: AsyncEngine, days: float, *states: str) -> str:
    """An outbox event created ``days`` ago, with one delivery (and one ops action) per state."""
    event_id = f"ev-{next(_ids)}"
    await insert(engine, outbox_events, id=event_id, hook="hub_order_received", entity="order", ref="SO-1",
                 payload={}, created_at=ago(days))
    for state in states:
        delivery = await insert(engine, deliveries, event_id=event_id, plugin="erp", hook="hub_order_received",
                                state=state, attempts=1, next_attempt_at=ago(days), ordering_key="order:SO-1",
                                idempotency_key=f"idem-{next(_ids)}", created_at=ago(days), updated_at=ago(days))
        await insert(engine, delivery_actions, delivery_id=delivery, action="retry", actor="ops", at=ago(days))
    return event_id


async def ids(engine: AsyncEngine, column: sa.Column[Any]) -> set[Any]:
    async with engine.connect() as conn:
        return set((await conn.execute(sa.select(column))).scalars())


async def count(engine: AsyncEngine, table: sa.Table) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one()


async def run(engine: AsyncEngine, settings: RetentionSettings = SETTINGS, **kwargs: Any) -> dict[str, int]:
    return await prune(engine, settings, NOW, retry_horizon_hours=72, **kwargs)


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncEngine:
    await upgrade(engine)
    return engine


async def test_processed_inbound_events_go_after_the_dedupe_window(db):
    await inbound(db, "processed", 8)
    recent = await inbound(db, "processed", 6, key="kept")
    counts = await run(db)
    assert await ids(db, inbound_events.c.id) == {recent}
    assert await ids(db, inbound_actions.c.inbound_id) == {recent}
    assert (counts["inbound_events"], counts["inbound_actions"]) == (1, 1)
    # the sender's redelivery of a kept event is still refused
    with pytest.raises(sa.exc.IntegrityError):
        await inbound(db, "pending", 0, key="kept")


async def test_pending_and_failed_inbound_events_are_kept_at_any_age(db):
    kept = {await inbound(db, "pending", 400), await inbound(db, "failed", 400)}
    assert (await run(db))["inbound_events"] == 0
    assert await ids(db, inbound_events.c.id) == kept
    assert await count(db, inbound_actions) == 2


async def test_finished_deliveries_go_with_their_event_unfinished_ones_keep_it(db):
    finished = await event(db, 31, "done", "discarded")
    unfinished = {await event(db, 31, "done", state) for state in ("pending", "failed", "dead")}
    recent = await event(db, 29, "done")
    await insert(db, timeline, entity="order", ref="SO-1", event="created", actor="shop", data={}, at=ago(400))
    counts = await run(db)
    assert await ids(db, outbox_events.c.id) == unfinished | {recent}
    assert await count(db, deliveries) == 7 and await count(db, delivery_actions) == 7
    assert {k: counts[k] for k in ("deliveries", "delivery_actions", "outbox_events")} == {
        "deliveries": 2, "delivery_actions": 2, "outbox_events": 1}
    assert finished not in await ids(db, deliveries.c.event_id)
    assert await count(db, timeline) == 1


async def test_ledger_keys_go_after_the_retry_horizon_unless_a_delivery_may_run_again(db):
    for key, days in (("old", 31), ("recent", 29)):
        await insert(db, ledger, key=key, plugin="erp", at=ago(days))
    await insert(db, ledger, key="notify-old", plugin="notify", at=ago(31))
    await insert(db, ledger, key="notify-older", plugin="notify", at=ago(41))
    await event(db, 40, "dead")  # a notify delivery ops may still retry: keys since its creation stay
    async with begin(db) as conn:
        await conn.execute(deliveries.update().values(plugin="notify"))
    assert (await run(db))["ledger"] == 2
    assert await ids(db, ledger.c.key) == {"recent", "notify-old"}


async def test_idempotency_keys_go_after_a_week(db):
    for key, days in (("old", 8), ("recent", 6)):
        await insert(db, api_idempotency, key=key, request_hash="h", status=201, response={}, created_at=ago(days))
    assert (await run(db))["api_idempotency"] == 1
    assert await ids(db, api_idempotency.c.key) == {"recent"}


async def test_plugin_state_untouched_for_the_set_days_goes_and_fresh_state_stays(db):
    # a DHL call counter of long ago and one of today, and two plugins' rows under one key
    for plugin, key, days in (("carrier.dhl", "budget", 91), ("carrier.dhl", "budget-today", 0),
                              ("carrier.kuaidi100", "abort:YT1", 91), ("carrier.other", "abort:YT1", 1)):
        await insert(db, plugin_state, plugin=plugin, key=key, value={}, version=1, period=None, count=0,
                     updated_at=ago(days))
    assert (await run(db))["plugin_state"] == 2
    async with db.connect() as conn:
        kept = set((await conn.execute(sa.select(plugin_state.c.plugin, plugin_state.c.key))).all())
    assert kept == {("carrier.dhl", "budget-today"), ("carrier.other", "abort:YT1")}


async def test_batches_delete_everything_a_batch_at_a_time(db):
    for _ in range(5):
        await inbound(db, "processed", 10)
        await event(db, 40, "done")
    small = RetentionSettings(inbound_days=7, deliveries_days=30, batch_size=2)
    first = await run(db, small, max_batches=1)
    assert (first["inbound_events"], first["deliveries"], first["outbox_events"]) == (2, 2, 2)
    assert await count(db, inbound_events) == 3 and await count(db, deliveries) == 3
    rest = await run(db, small)
    assert (rest["inbound_events"], rest["deliveries"], rest["outbox_events"]) == (3, 3, 3)
    assert await count(db, inbound_events) == 0 and await count(db, outbox_events) == 0


async def test_dry_run_counts_and_deletes_nothing(db):
    await inbound(db, "processed", 10)
    await event(db, 40, "done", "discarded")
    await event(db, 40, "done", "dead")
    await insert(db, ledger, key="old", plugin="crm", at=ago(31))
    expected = {"inbound_events": 1, "inbound_actions": 1, "deliveries": 2, "delivery_actions": 2,
                "outbox_events": 1, "ledger": 1, "api_idempotency": 0, "plugin_state": 0}
    assert await run(db, dry_run=True) == expected
    assert await count(db, inbound_events) == 1 and await count(db, deliveries) == 4
    assert await run(db) == expected


async def test_cli_prune_prints_a_count_per_table(tmp_path: Path, capsys):
    (tmp_path / "hub.toml").write_text(f'data_dir = "{tmp_path}"\n[retention]\ninbound_days = 7\n'
                                       '[plugins]\nenabled = []\n')
    engine = make_engine(load_config(tmp_path / "hub.toml").db_url)
    await upgrade(engine)
    now = datetime.now(UTC)
    await insert(engine, inbound_events, source="shop", dedupe_key="a", headers={}, body=b"", state="processed",
                 attempts=1, received_at=now - timedelta(days=8))
    await engine.dispose()
    argv = ["--config", str(tmp_path / "hub.toml"), "db", "prune"]
    assert await asyncio.to_thread(main, [*argv, "--dry-run"]) == 0
    assert "inbound_events   1 (dry run)" in capsys.readouterr().out
    assert await asyncio.to_thread(main, argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert "inbound_events   1" in out and "deliveries       0" in out and len(out) == 8  # one line per table
