"""The inbox on SQLite and PostgreSQL: batches applied set-based, a bad event failing alone,
one order's messages in arrival order, and several processes sharing the work."""
from __future__ import annotations

import asyncio
import itertools

import orjson
import sqlalchemy as sa
from hub_testing import recorder

from hub.core.domain.inputs import NewCustomer, NewOrder
from hub.core.inbox import Inbox
from hub.core.runtime import Runtime
from hub.core.store.db import begin
from hub.core.store.tables import deliveries, inbound_events, orders, timeline, timers

_KEYS = itertools.count()


def created(ref: str | None, customer_code: str | None = "C1", **data) -> dict:
    return {"type": "order.created", "data": {
        "ref": ref, "customer_code": customer_code,
        "lines": [{"product_code": "SOFA-3", "spec": "grey", "qty": 2, "unit_price": "4200"}],
        "contact": {"phone": "138", "address": "1 Road"}, **data}}


async def store(hub, *messages: dict, source: str = "orders") -> list[int]:
    """Inbound rows as the webhook handler stores them (ordering key: the order ref)."""
    rows = []
    for message in messages:
        ref = (message.get("data") or {}).get("ref")
        rows.append({"source": source, "dedupe_key": f"k{next(_KEYS)}", "headers": {},
                     "body": orjson.dumps(message), "state": "pending", "attempts": 0,
                     "received_at": hub.clock.now(), "ordering_key": f"order:{ref}" if ref else None})
    async with begin(hub.engine) as conn:
        result = await conn.execute(inbound_events.insert().returning(inbound_events.c.id), rows)
        return list(result.scalars())


async def inbound(hub) -> dict[int, tuple[str, str | None]]:
    async with hub.engine.connect() as conn:
        rows = await conn.execute(sa.select(inbound_events.c.id, inbound_events.c.state, inbound_events.c.error))
        return {r.id: (r.state, r.error) for r in rows}


async def count(hub, table, *where) -> int:
    async with hub.engine.connect() as conn:
        return (await conn.execute(sa.select(sa.func.count()).select_from(table).where(*where))).scalar_one()


async def started(make_hub, engine, tmp_path, **config):
    hub = await make_hub(engine, plugins=recorder(tmp_path), **config)
    await hub.create_customer(NewCustomer(code="C1", name="Zhang", grade="B"))
    return hub


async def test_one_batch_applies_many_orders_and_a_bad_one_fails_alone(make_hub, engine, tmp_path):
    # given four stored order messages, the third naming a customer nobody knows
    hub = await started(make_hub, engine, tmp_path)
    ids = await store(hub, created("SO-1"), created("SO-2"), created("SO-3", customer_code="GHOST"),
                      created("SO-4"))
    # when the inbox runs one batch
    assert await Inbox(hub).process_pending() == 4
    # then the three good orders are stored with their timeline, timers and handoffs, and the
    # bad one is failed with a reason that names the customer
    states = await inbound(hub)
    assert [states[i][0] for i in ids] == ["processed", "processed", "failed", "processed"]
    assert "unknown customer GHOST" in states[ids[2]][1]
    assert await count(hub, orders) == 3
    assert await count(hub, timeline, timeline.c.entity == "order", timeline.c.event == "received") == 3
    assert await count(hub, timers, timers.c.rule == "send_confirmation") == 3
    assert await count(hub, deliveries, deliveries.c.hook == "hub_order_received") == 3


async def test_a_batch_order_is_stored_exactly_as_one_created_through_the_api(make_hub, engine, tmp_path):
    # given the same order once through the API and once through the inbox
    hub = await started(make_hub, engine, tmp_path)
    await hub.create_order(NewOrder.model_validate({**created("SO-API")["data"], "source": "shop"}))
    await store(hub, created("SO-INBOX", contact={"phone": "138"}))
    await Inbox(hub).process_pending()
    # then both rows and their snapshots in the outbox agree but for the ref and what differs
    async with hub.engine.connect() as conn:
        rows = {r["ref"]: dict(r) for r in (await conn.execute(sa.select(orders))).mappings()}
        rules = sorted((await conn.execute(sa.select(timers.c.ref, timers.c.rule))).all())
    api, batch = rows["SO-API"], rows["SO-INBOX"]
    skip = {"id", "ref", "contact", "missing_fields", "created_at", "updated_at"}
    assert {k: v for k, v in api.items() if k not in skip} == {k: v for k, v in batch.items() if k not in skip}
    assert batch["missing_fields"] == ["delivery address"]
    # the order missing its address also gets the 4-hour clarification timer
    assert rules == [("SO-API", "send_confirmation"), ("SO-INBOX", "clarify_order"),
                     ("SO-INBOX", "send_confirmation")]


async def test_redeliveries_and_special_orders_in_a_batch(make_hub, engine, tmp_path):
    # given an order stored twice under two webhook ids, one already in the database, and a
    # special order out of the allowed range
    hub = await started(make_hub, engine, tmp_path)
    await store(hub, created("SO-OLD"))
    await Inbox(hub).process_pending()
    special = created("SO-SP", kind="special", special={"standard": {"length": "200"},
                                                        "requested": {"length": "400"}})
    ids = await store(hub, created("SO-OLD"), created("SO-NEW"), created("SO-NEW"), special)
    # when the inbox settles
    runtime = Runtime(hub)
    while await runtime.inbox.process_pending():
        pass
    # then each ref is one order, every event is processed, the special order was rejected
    states = await inbound(hub)
    assert [states[i][0] for i in ids] == ["processed"] * 4
    async with hub.engine.connect() as conn:
        refs = dict((await conn.execute(sa.select(orders.c.ref, orders.c.state))).all())
    assert refs == {"SO-OLD": "received", "SO-NEW": "received", "SO-SP": "rejected"}


async def test_one_orders_messages_apply_in_arrival_order(make_hub, engine, tmp_path):
    # given an order's creation, then its clarification, then its review, stored in that order
    hub = await started(make_hub, engine, tmp_path)
    await store(hub, created("SO-9", contact={"phone": "138"}),
                {"type": "order.clarified", "data": {"ref": "SO-9", "data": {"contact": {"address": "2 Road"}}}},
                {"type": "order.reviewed", "data": {"ref": "SO-9", "data": {}}})
    # when the inbox runs until nothing is pending
    inbox = Inbox(hub)
    while await inbox.process_pending():
        pass
    # then the timeline shows them in that order and the order is reviewed
    async with hub.engine.connect() as conn:
        events = [r[0] for r in await conn.execute(
            sa.select(timeline.c.event).where(timeline.c.ref == "SO-9").order_by(timeline.c.id))]
        state = (await conn.execute(sa.select(orders.c.state).where(orders.c.ref == "SO-9"))).scalar_one()
    assert events == ["received", "clarified", "reviewed"]
    assert state == "reviewed"


async def test_a_message_that_cannot_apply_fails_with_its_reason_and_the_batch_commits(make_hub, engine, tmp_path):
    # given an event for an unknown order, an illegal event, a body that is not JSON and a good order
    hub = await started(make_hub, engine, tmp_path)
    ids = await store(hub, {"type": "order.reviewed", "data": {"ref": "SO-NONE", "data": {}}},
                      created("SO-5"), {"type": "order.closed", "data": {"ref": "SO-5", "data": {}}})
    async with begin(hub.engine) as conn:
        await conn.execute(inbound_events.insert(), [{
            "source": "orders", "dedupe_key": "raw", "headers": {}, "body": b"not json", "state": "pending",
            "attempts": 0, "received_at": hub.clock.now(), "ordering_key": None}])
    inbox = Inbox(hub)
    while await inbox.process_pending():
        pass
    states = await inbound(hub)
    assert states[ids[0]][0] == "failed" and "SO-NONE" in states[ids[0]][1]
    assert states[ids[1]][0] == "processed"
    assert states[ids[2]][0] == "failed" and "has no event 'closed'" in states[ids[2]][1]
    assert sorted(s for s, _ in states.values()) == ["failed", "failed", "failed", "processed"]
    assert await count(hub, orders) == 1


async def test_two_inboxes_share_the_work_without_applying_anything_twice(make_hub, engine, tmp_path):
    # given 120 orders, each with a follow-up review, stored before two inboxes start
    hub_a = await started(make_hub, engine, tmp_path)
    hub_b = await make_hub(engine, plugins=recorder(tmp_path))
    messages = []
    for n in range(120):
        messages += [created(f"SO-{n}"), {"type": "order.reviewed", "data": {"ref": f"SO-{n}", "data": {}}}]
    await store(hub_a, *messages)

    async def work(hub) -> int:
        inbox, done = Inbox(hub), 0
        inbox.limit = 25
        while claimed := await inbox.process_pending():
            done += claimed
            await asyncio.sleep(0)
        return done

    # when both run at once (one process each in production)
    done = await asyncio.gather(work(hub_a), work(hub_b))
    while await Inbox(hub_a).process_pending():  # what a loser of the last race left
        pass
    # then every event was applied once, in order, whichever inbox took it
    assert sum(done) <= 240
    assert set(s for s, _ in (await inbound(hub_a)).values()) == {"processed"}
    assert await count(hub_a, orders, orders.c.state == "reviewed") == 120
    assert await count(hub_a, timeline, timeline.c.event == "received") == 120
    assert await count(hub_a, deliveries, deliveries.c.hook == "hub_order_received") == 120
