"""Apply one lifecycle event: lock, compute the next state from the pure table, write the
state, the timeline entry, the timers and the outbox deliveries — all in the caller's transaction.
"""
from __future__ import annotations

from typing import Any, Protocol

from pydantic_core import to_jsonable_python

from hub.core.domain import timers
from hub.core.domain.snapshots import snapshot
from hub.core.domain.tx import Tx
from hub.core.errors import InvalidInput
from hub.core.hookspecs import ENTITY_ARGUMENT, LIFECYCLE_HOOKS
from hub.core.lifecycle.table import Lifecycle
from hub.core.models import Transition

# Events that record what an external system decided without moving the state.
NOTE_FIELDS = {"erp_recorded": ("erp_ref", "outbound_ref")}


class Behaviour(Protocol):
    """What one entity adds to the generic transition: field updates, guard facts, side effects."""

    entity: str
    lifecycle: Lifecycle
    state_column: str

    async def updates(self, tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]: ...

    async def facts(self, tx: Tx, row: dict[str, Any], data: dict[str, Any]) -> Any: ...

    def hook(self, transition: Transition, row_before: dict[str, Any]) -> str | None: ...

    async def after(self, tx: Tx, row: dict[str, Any], transition: Transition) -> None: ...


BEHAVIOURS: dict[str, Behaviour] = {}


def register(behaviour: Behaviour) -> Behaviour:
    BEHAVIOURS[behaviour.entity] = behaviour
    return behaviour


def jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return to_jsonable_python(data)


def order_ref_of(entity: str, row: dict[str, Any]) -> str | None:
    if entity == "order":
        return row["ref"]
    return row.get("order_ref")


def state_hook(entity: str, transition: Transition) -> str | None:
    """``hub_<entity>_<state>`` when the state changed, else nothing (self-loops are quiet)."""
    if transition.previous == transition.state:
        return None
    name = f"hub_{entity}_{transition.state}"
    return name if name in LIFECYCLE_HOOKS else None


async def apply(tx: Tx, entity: str, ref: str, event: str, data: dict[str, Any] | None = None) -> Transition:
    """Move ``entity`` ``ref`` by ``event``; raises IllegalTransition, InvalidInput or NotFound."""
    behaviour = BEHAVIOURS[entity]
    data = dict(data or {})
    row = await tx.fetch(entity, ref, lock=True)
    previous = row[behaviour.state_column]
    if event in NOTE_FIELDS:
        return await _note(tx, behaviour, row, event, data)
    if not behaviour.lifecycle.accepts(previous, event):
        # Checked before any update so an illegal event cannot fail on its data instead.
        behaviour.lifecycle.next_state(ref, previous, event)
    updates = await behaviour.updates(tx, row, event, data)
    merged = {**row, **updates}
    facts = await behaviour.facts(tx, merged, data)
    state = behaviour.lifecycle.next_state(ref, previous, event, facts)
    updates[behaviour.state_column] = state
    await tx.update(entity, row["id"], updates)
    merged[behaviour.state_column] = state
    return await entered(tx, behaviour, merged, event, previous, data, row_before=row)


async def entered(tx: Tx, behaviour: Behaviour, row: dict[str, Any], event: str,
                  previous: str | None, data: dict[str, Any], row_before: dict[str, Any],
                  fresh: bool = False) -> Transition:
    """Everything that follows a stored state: timeline, timers, hook delivery, side effects.
    ``fresh``: the row was created in this unit (nothing of it is stored yet to look up)."""
    entity = behaviour.entity
    state = row[behaviour.state_column]
    ref = row["code"] if entity == "customer" else row["ref"]
    order_ref = order_ref_of(entity, row)
    transition = Transition(entity=entity, ref=ref, event=event, previous=previous, state=state,
                            at=tx.now, actor=tx.actor, data=jsonable(data))
    await tx.record(entity=entity, ref=ref, order_ref=order_ref, event=event, previous=previous,
                    state=state, data=transition.data)
    await timers.on_transition(tx, entity, row, event, state, changed=state != previous,
                               terminal=state in behaviour.lifecycle.terminal and state != previous,
                               order_ref=order_ref, fresh=fresh)
    hook = behaviour.hook(transition, row_before)
    if hook:
        snap = await snapshot(tx, entity, row)
        await tx.hook(hook, entity=entity, ref=ref, order_ref=order_ref, payload={
            ENTITY_ARGUMENT[entity]: snap.model_dump(mode="json"),
            "transition": transition.model_dump(mode="json")})
    await behaviour.after(tx, row, transition)
    return transition


async def _note(tx: Tx, behaviour: Behaviour, row: dict[str, Any], event: str,
                data: dict[str, Any]) -> Transition:
    allowed = NOTE_FIELDS[event]
    values = {k: str(v) for k, v in data.items() if k in allowed and v is not None and k in row}
    if not values:
        raise InvalidInput(f"{event} needs one of: {', '.join(allowed)}", field=allowed[0])
    await tx.update(behaviour.entity, row["id"], values)
    state = row[behaviour.state_column]
    ref = row["code"] if behaviour.entity == "customer" else row["ref"]
    transition = Transition(entity=behaviour.entity, ref=ref, event=event, previous=state, state=state,
                            at=tx.now, actor=tx.actor, data=jsonable(data))
    await tx.record(entity=behaviour.entity, ref=ref, order_ref=order_ref_of(behaviour.entity, row),
                    event=event, previous=state, state=state, data=transition.data)
    return transition
