"""Timers that came due: breach once (hub_sla_breached), deliver a hook, or send a lifecycle event (a window
that ends, a review whose data the rule computes)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hub.core import catalogue
from hub.core.domain import engine, timers as timer_rules
from hub.core.domain.timers import RULES_BY_NAME
from hub.core.domain.tx import Tx
from hub.core.errors import HubError
from hub.core.models import TimerSnapshot
from hub.core.store.tables import timers


async def due_timer_ids(conn: Any, now: Any, limit: int = 200) -> list[int]:
    rows = await conn.execute(sa.select(timers.c.id).where(timers.c.state == "open", timers.c.due_at <= now)
                              .order_by(timers.c.due_at).limit(limit))
    return [r[0] for r in rows]


async def fire(tx: Tx, timer_id: int) -> str | None:
    """Fire one timer exactly once: the state guard in the UPDATE makes a second fire a no-op."""
    row = (await tx.conn.execute(sa.select(timers).where(timers.c.id == timer_id))).mappings().first()
    if row is None or row["state"] != "open":
        return None
    rule = RULES_BY_NAME.get(row["rule"])
    outcome = ("breached" if rule is None or rule.on_due == "breach"
               else "fired" if rule.on_due == "hook" else "elapsed")
    claimed = await tx.conn.execute(timers.update().where(timers.c.id == timer_id, timers.c.state == "open")
                                    .values(state=outcome, closed_at=tx.now))
    if claimed.rowcount != 1:
        return None
    if outcome == "fired":
        await _deliver(tx, rule, row)
        return outcome
    if outcome == "elapsed":
        try:
            # The rule may compute the event's data when it fires (the VIP review: the month's shipments).
            data = await rule.event_data(tx, row) if rule.event_data else {"timer": row["rule"]}
            await engine.apply(tx, row["entity"], row["ref"], rule.on_due, data)
        except HubError:
            pass  # the entity moved on meanwhile (e.g. cancelled): the window no longer matters
        return outcome
    snap = _timer_snapshot(row, tx.now, rule.escalate_to if rule else "supervisor")
    await tx.record(entity=row["entity"], ref=row["ref"], order_ref=row["order_ref"], event="sla_breached",
                    previous=None, state=None, data={"rule": row["rule"]})
    await tx.hook("hub_sla_breached", entity=row["entity"], ref=row["ref"], order_ref=row["order_ref"],
                  payload={"timer": snap.model_dump(mode="json")})
    return outcome


def _timer_snapshot(timer: Any, now: Any, escalate_to: str) -> TimerSnapshot:
    return TimerSnapshot(id=timer["id"], rule=timer["rule"], entity=timer["entity"], ref=timer["ref"],
                         due_at=timer["due_at"], breached_at=now, escalate_to=escalate_to)


async def _deliver(tx: Tx, rule: timer_rules.TimerRule, timer: Any) -> None:
    """A hook timer: the entity as it is now and the timer go to the plugins; a repeating rule asks
    again after ``every`` while the entity still is what the rule watches."""
    entity, ref = timer["entity"], timer["ref"]
    row = await tx.fetch(entity, ref)
    hook = catalogue.TIMED_HOOKS[rule.hook]
    snap = _timer_snapshot(timer, tx.now, rule.escalate_to)
    payload = await engine.hook_payload(tx, hook, row, None, timer=snap.model_dump(mode="json"))
    await tx.hook(hook.name, entity=entity, ref=ref, order_ref=timer["order_ref"], payload=payload)
    if rule.every is not None and rule.qualifies(row, row["state"]):
        await timer_rules.start(tx, rule, entity, ref, row, timer["order_ref"], due=tx.now + rule.every)
