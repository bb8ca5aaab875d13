"""The durable outbox on SQLite and PostgreSQL: same-transaction writes, retries, dead letters,
per-order ordering, leases and the ops actions on handoffs."""
from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from hub_testing import recorder

from hub.core.domain.inputs import NewCustomer, NewOrder
from hub.core.outbox import admin
from hub.core.outbox.dispatcher import Dispatcher
from hub.core.runtime import Runtime
from hub.core.outbox.claim import claim_batch
from hub.core.store.tables import deliveries, orders, outbox_events


def order(ref: str, **extra) -> NewOrder:
    return NewOrder(ref=ref, customer_code="C1", lines=[{"product_code": "SOFA-3", "spec": "grey",
                                                          "qty": 1, "unit_price": "4200"}],
                    contact={"phone": "1", "address": "x"}, **extra)


async def start(make_hub, engine, tmp_path: Path, **settings):
    hub = await make_hub(engine, plugins=recorder(tmp_path, **settings))
    await hub.create_customer(NewCustomer(code="C1", name="Zhang", grade="B"))
    return hub


def calls(tmp_path: Path) -> list[dict]:
    path = tmp_path / "calls.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


async def states(hub) -> list[tuple[str, int]]:
    async with hub.engine.connect() as conn:
        rows = await conn.execute(sa.select(deliveries.c.state, deliveries.c.attempts).order_by(deliveries.c.id))
        return [tuple(r) for r in rows]


async def test_a_transition_and_its_handoff_commit_together(make_hub, engine, tmp_path):
    # given a hub whose recorder plugin implements hub_order_received
    hub = await start(make_hub, engine, tmp_path)
    # when one order commits and another transaction fails after writing its order
    await hub.create_order(order("SO-1"))
    with pytest.raises(RuntimeError):
        async with hub.unit("api") as tx:
            from hub.core.domain.orders import create_order
            await create_order(tx, order("SO-2"))
            raise RuntimeError("crash before commit")
    # then the committed order has its delivery and the rolled-back one left nothing
    async with hub.engine.connect() as conn:
        refs = [r[0] for r in await conn.execute(sa.select(orders.c.ref))]
    assert refs == ["SO-1"]
    assert await states(hub) == [("pending", 0)]


async def test_delivery_done_with_a_stable_idempotency_key(make_hub, engine, tmp_path):
    hub = await start(make_hub, engine, tmp_path)
    await hub.create_order(order("SO-1"))
    await Runtime(hub, inline_tries=1).settle()
    assert await states(hub) == [("done", 1)]
    (call,) = calls(tmp_path)
    assert call["hook"] == "hub_order_received" and call["ref"] == "SO-1" and len(call["key"]) == 40


async def test_transient_failures_back_off_then_succeed(make_hub, engine, tmp_path, clock):
    # given an ERP that answers 503 twice
    hub = await start(make_hub, engine, tmp_path, fail_times=2)
    await hub.create_order(order("SO-1"))
    runtime = Runtime(hub, inline_tries=1)
    # when the dispatcher runs now: one attempt, then a persisted backoff
    await runtime.settle()
    assert await states(hub) == [("failed", 1)]
    (row,) = await admin.list_handoffs(hub.engine)
    assert row["next_attempt_at"] > clock.now() and row["last_error"] == "ERP answered 503"
    # then after the backoff the second attempt fails, the third succeeds, with the same key
    for _ in range(2):
        clock.advance(minutes=5)
        await runtime.settle()
    assert await states(hub) == [("done", 3)]
    assert len({c["key"] for c in calls(tmp_path)}) == 1
    assert (tmp_path / "effects.txt").read_text().split() == [calls(tmp_path)[0]["key"]]


async def test_short_in_call_retries_come_first(make_hub, engine, tmp_path):
    hub = await start(make_hub, engine, tmp_path, fail_times=2)
    await hub.create_order(order("SO-1"))
    await Runtime(hub, inline_tries=3).settle()
    # tenacity retried inside the one delivery attempt
    assert await states(hub) == [("done", 1)] and len(calls(tmp_path)) == 3


@pytest.mark.parametrize("failure", ["permanent", "crash"])
async def test_permanent_faults_dead_letter_at_once_and_block_nothing_else(make_hub, engine, tmp_path, failure):
    # given a plugin that rejects the first order it sees
    hub = await start(make_hub, engine, tmp_path, fail_times=1, failure=failure)
    await hub.create_order(order("SO-1"))
    await hub.create_order(order("SO-2"))
    # when both are delivered
    await Runtime(hub, inline_tries=3).settle()
    # then the poison one is dead after one call, with the reason, and the other order went through
    handoffs = await admin.list_handoffs(hub.engine)
    assert [(h["ref"], h["state"], h["attempts"]) for h in handoffs] == [("SO-1", "dead", 1), ("SO-2", "done", 1)]
    assert handoffs[0]["error_class"] in ("PermanentError", "RuntimeError") and handoffs[0]["last_error"]


async def test_the_retry_horizon_ends_in_a_dead_letter(make_hub, engine, tmp_path, clock):
    hub = await start(make_hub, engine, tmp_path, fail_times=10_000)
    await hub.create_order(order("SO-1"))
    runtime = Runtime(hub, inline_tries=1)
    for _ in range(40):
        await runtime.settle()
        clock.advance(hours=6, minutes=30)
    (row,) = await admin.list_handoffs(hub.engine)
    assert row["state"] == "dead"
    # 72 h of exponential backoff capped at 6 h: more than a handful of attempts, far fewer than 40
    assert 8 <= row["attempts"] <= 25


async def test_deferred_delivery_waits_without_counting_a_failure(make_hub, engine, tmp_path, clock):
    hub = await start(make_hub, engine, tmp_path, fail_times=1, failure="deferred")
    await hub.create_order(order("SO-1"))
    await Runtime(hub, inline_tries=1).settle()
    (row,) = await admin.list_handoffs(hub.engine)
    assert (row["state"], row["attempts"]) == ("pending", 0)
    assert row["next_attempt_at"].year == clock.now().year + 1


async def test_one_orders_handoffs_to_one_plugin_go_in_order(make_hub, engine, tmp_path, clock):
    # given two handoffs of the same order to the same plugin, the first failing transiently
    hub = await start(make_hub, engine, tmp_path, fail_times=1)
    await hub.create_order(order("SO-1"))
    await hub.apply("order", "SO-1", "reviewed", {"lines": [{"line_no": 1, "available_qty": "1"}]})
    runtime = Runtime(hub, inline_tries=1)
    # when the dispatcher runs
    await runtime.settle()
    # then the second waits behind the first; after the backoff both complete, in order
    assert await states(hub) == [("failed", 1), ("pending", 0)]
    clock.advance(minutes=5)
    await runtime.settle()
    assert await states(hub) == [("done", 2), ("done", 1)]
    assert [c["hook"] for c in calls(tmp_path)] == ["hub_order_received", "hub_order_received", "hub_order_reviewed"]


async def test_an_expired_lease_is_taken_over_and_the_late_worker_loses(make_hub, engine, tmp_path, clock):
    hub = await start(make_hub, engine, tmp_path)
    await hub.create_order(order("SO-1"))
    # given worker A claimed the delivery and then went silent
    a = Dispatcher(hub.engine, hub.pm, hub.config, clock.now, hub.apply_followups)
    async with hub.engine.begin() as conn:
        (claimed,) = await claim_batch(conn, owner=a.owner, now=clock.now(), lease_seconds=30, limit=10)
        payload = (await conn.execute(sa.select(outbox_events.c.payload))).scalar_one()
    # when the lease expires and worker B runs
    clock.advance(seconds=31)
    b = Dispatcher(hub.engine, hub.pm, hub.config, clock.now, hub.apply_followups)
    assert await b.drain() == 1
    # then B completed it, and A's late result does not overwrite B's
    assert await a.deliver(claimed, payload) == "lease_lost"
    assert await states(hub) == [("done", 2)]


async def test_ops_retry_and_discard_record_who_did_it(make_hub, engine, tmp_path, clock):
    hub = await start(make_hub, engine, tmp_path, fail_times=1, failure="permanent")
    await hub.create_order(order("SO-1"))
    await hub.create_order(order("SO-2", deposit_due=Decimal(0)))
    await Runtime(hub, inline_tries=1).settle()
    dead = (await admin.list_handoffs(hub.engine, state="dead"))[0]
    # when ops retry the dead letter
    retried = await admin.retry(hub.engine, dead["id"], "ops:li", clock.now())
    assert retried["state"] == "pending"
    await Runtime(hub, inline_tries=1).settle()
    assert (await admin.get_handoff(hub.engine, dead["id"]))["state"] == "done"
    # and a done handoff can be neither retried nor discarded
    from hub.core.errors import IllegalTransition
    with pytest.raises(IllegalTransition):
        await admin.discard(hub.engine, dead["id"], "ops:li", clock.now())
    async with hub.engine.connect() as conn:
        from hub.core.store.tables import delivery_actions
        actions = [tuple(r) for r in await conn.execute(sa.select(delivery_actions.c.action, delivery_actions.c.actor))]
    assert actions == [("retry", "ops:li")]


async def test_concurrent_dispatchers_never_claim_the_same_delivery(make_hub, engine, tmp_path, clock):
    hub = await start(make_hub, engine, tmp_path)
    for n in range(120):
        await hub.create_order(order(f"SO-{n}"))
    dispatchers = [Dispatcher(hub.engine, hub.pm, hub.config, clock.now, hub.apply_followups, batch_size=10)
                   for _ in range(3)]
    await asyncio.gather(*(d.drain() for d in dispatchers))
    assert await states(hub) == [("done", 1)] * 120
    assert sorted(c["ref"] for c in calls(tmp_path)) == sorted(f"SO-{n}" for n in range(120))
