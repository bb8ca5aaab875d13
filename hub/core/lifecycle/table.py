"""A lifecycle as a list of declared events: the shape every entity of the hub shares. Pure, no I/O.

Each ``Event`` is the one declaration of a fact the rest of the hub derives from: the states
that accept it and where it leads (its moves and their guards), its data model, who sends it,
what it means and an example. The transition table, the API's validation, the OpenAPI
document, the hookspecs and the docs are built from these declarations.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from hub.core.store.types import MAX_ID

from hub.core.errors import IllegalTransition

# A guard returns None when the move applies, or the reason it does not.
Guard = Callable[[Any], str | None]

# Who sends an event: a person or system through the API/CLI, a plugin replying with
# ctx.emit, the hub itself (a consequence of another entity's move), a carrier's tracking data,
# or a timer of a time rule.
SENDERS = ("api", "plugin", "hub", "carrier", "timer")


class EventData(BaseModel):
    """Data of one event: unknown keys are refused, never silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str | None = Field(None, max_length=2000, description="Free text kept in the timeline.")


class NoData(EventData):
    """The event carries nothing but an optional note."""


# Data shapes several lifecycles share.
# An upload's id (hub/core/attachments.py): the column is 32-bit on PostgreSQL.
AttachmentId = Annotated[int, Field(ge=1, le=MAX_ID)]


class Reason(EventData):
    reason: str | None = Field(None, min_length=1, max_length=500)


class Approval(EventData):
    approver: str | None = Field(None, min_length=1, max_length=64, description="Who signed.")


class ErpRef(EventData):
    erp_ref: str = Field(min_length=1, max_length=64, description="The ERP's document number.")


@dataclass(frozen=True)
class Move:
    """From ``source`` to ``target`` (``""``: stays) when ``guard`` passes; the first passing move wins."""

    source: str
    target: str = ""
    guard: Guard | None = None


@dataclass(frozen=True)
class Event:
    name: str
    meaning: str
    moves: tuple[Move, ...]
    data: type[EventData] = NoData
    example: dict[str, Any] = field(default_factory=dict)
    sent_by: tuple[str, ...] = ("api",)
    # Picks the recorded event from the data (vip_review → vip_reviewed | vip_revoked).
    decide: Callable[[EventData], str] | None = None
    records: tuple[str, ...] = ()  # the events ``decide`` may record
    # Data fields stored as they are on the entity's columns of the same name (the ERP's numbers,
    # a booking's carrier and plate); what an event does beyond that is its behaviour's.
    stores: tuple[str, ...] = ()
    # The state whose hook fires again when this event leaves the state as it was (self-loops are
    # otherwise quiet): a clarified order is received anew, a later shipment ships it again.
    loop_hook: str = ""

    def __post_init__(self) -> None:
        assert set(self.sent_by) <= set(SENDERS), self.sent_by
        assert (self.decide is None) == (not self.records), self.name
        self.data.model_validate(self.example)  # an example that does not validate is a bug
        assert set(self.stores) <= set(self.data.model_fields), (self.name, self.stores)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.source for m in self.moves))

    def targets(self, state: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.target or m.source for m in self.moves if m.source == state))


def moves_from(sources: Iterable[str], target: str = "", guard: Guard | None = None) -> tuple[Move, ...]:
    return tuple(Move(source, target, guard) for source in sources)


@dataclass(frozen=True)
class Rule:
    """One row of the derived transition table."""

    source: str
    event: str
    target: str
    guard: Guard | None = None


class Lifecycle:
    """The legal (state, event) pairs of one entity; the first rule whose guard passes wins."""

    def __init__(self, entity: str, states: Iterable[str], initial: str,
                 terminal: Iterable[str], events: Iterable[Event]) -> None:
        self.entity = entity
        self.states = tuple(states)
        self.initial = initial
        self.terminal = frozenset(terminal)
        self.declared: dict[str, Event] = {}
        for event in events:
            assert event.name not in self.declared, f"{entity} declares {event.name} twice"
            self.declared[event.name] = event
        self.rules = tuple(Rule(m.source, e.name, m.target or m.source, m.guard)
                           for e in self.declared.values() for m in e.moves)
        self._index: dict[tuple[str, str], list[Rule]] = {}
        for rule in self.rules:
            assert rule.source in self.states and rule.target in self.states, rule
            self._index.setdefault((rule.source, rule.event), []).append(rule)

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(self.declared)

    def accepts(self, state: str, event: str) -> bool:
        """Whether some rule for (state, event) exists, guards aside."""
        return (state, event) in self._index

    def accepted(self, state: str) -> tuple[str, ...]:
        """The events ``state`` accepts, in declaration order, guards aside."""
        return tuple(name for name in self.declared if (state, name) in self._index)

    def next_state(self, ref: str, state: str, event: str, facts: Any = None) -> str:
        """The state after ``event``; raises IllegalTransition naming the state and what it accepts."""
        rules = self._index.get((state, event))
        if not rules:
            raise IllegalTransition(self.entity, ref, state, event, allowed=self.accepted(state))
        reasons = []
        for rule in rules:
            reason = rule.guard(facts) if rule.guard else None
            if reason is None:
                return rule.target
            reasons.append(reason)
        raise IllegalTransition(self.entity, ref, state, event, "; ".join(dict.fromkeys(reasons)),
                                allowed=self.accepted(state))
