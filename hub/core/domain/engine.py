"""Apply one lifecycle event: lock, compute the next state from the pure table, write the
state, the timeline entry, the timers and the outbox deliveries — all in the caller's transaction.
"""
from __future__ import annotations

from typing import Any, Protocol

from pydantic_core import to_jsonable_python

from hub.core import catalogue
from hub.core.domain import timers
from hub.core.domain.snapshots import related_snapshots, snapshot
from hub.core.domain.tx import Tx
from hub.core.lifecycle.table import Lifecycle
from hub.core.models import Transition


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
    if entity == "store":
        return None  # a store opening is not part of its first order: its timers never make the order late
    return row.get("order_ref")


def state_hook(entity: str, transition: Transition) -> str | None:
    """``hub_<entity>_<state>`` when the state changed; a self-loop is quiet unless its event declares
    that state's hook fires again (``Event.loop_hook``)."""
    state = transition.state
    if transition.previous == state:
        spec = catalogue.lifecycle(entity).declared.get(transition.event)
        # only in the state it names: a line cancelled while posted sends no outbound note yet
        if spec is None or spec.loop_hook != state:
            return None
    hook = catalogue.hook_entering(entity, state)
    return hook.name if hook else None


async def apply(tx: Tx, entity: str, ref: str, event: str, data: dict[str, Any] | None = None) -> Transition:
    """Move ``entity`` ``ref`` by ``event``; raises IllegalTransition, InvalidInput or NotFound.

    The event and its data are checked against the catalogue whoever sends them (API, inbox,
    a plugin's reply, the hub itself): an unknown event or data key is refused, never ignored.
    """
    behaviour = BEHAVIOURS[entity]
    spec = catalogue.event(entity, event)
    row = await tx.fetch(entity, ref, lock=True)
    previous = row[behaviour.state_column]
    if not behaviour.lifecycle.accepts(previous, event):
        # Checked before the data so an illegal event cannot fail on its data instead.
        behaviour.lifecycle.next_state(ref, previous, event)
    parsed = catalogue.parse(spec, data)
    if spec.decide is not None:
        event = spec.decide(parsed)
    data = parsed.model_dump(mode="json", exclude_unset=True)
    stored = {key: data[key] for key in spec.stores if data.get(key)}
    updates = {**stored, **await behaviour.updates(tx, row, event, data)}
    merged = {**row, **updates}
    facts = await behaviour.facts(tx, merged, data)
    state = behaviour.lifecycle.next_state(ref, previous, event, facts)
    updates[behaviour.state_column] = state
    await tx.update(entity, row["id"], updates)
    merged[behaviour.state_column] = state
    return await entered(tx, behaviour, merged, event, previous, data, row_before=row)


async def hook_payload(tx: Tx, hook: catalogue.Hook, row: dict[str, Any], moved: Transition | None,
                       **tail: Any) -> dict[str, Any]:
    """What a hook carries: its entity as stored, the related snapshots it declares, then ``tail``
    (the transition, or the timer of a timed hook)."""
    snap = await snapshot(tx, hook.entity, row)
    return {hook.argument: snap.model_dump(mode="json"),
            **await related_snapshots(tx, hook, row, moved), **tail}


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
        payload = await hook_payload(tx, catalogue.LIFECYCLE_HOOKS[hook], row, transition,
                                     transition=transition.model_dump(mode="json"))
        await tx.hook(hook, entity=entity, ref=ref, order_ref=order_ref, payload=payload)
    await behaviour.after(tx, row, transition)
    return transition

