"""A transition table with guards: the shape every lifecycle of the hub shares. Pure, no I/O."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from hub.core.errors import IllegalTransition

# A guard returns None when the rule applies, or the reason it does not.
Guard = Callable[[Any], str | None]


@dataclass(frozen=True)
class Rule:
    source: str
    event: str
    target: str
    guard: Guard | None = None


class Lifecycle:
    """The legal (state, event) pairs of one entity; the first rule whose guard passes wins."""

    def __init__(self, entity: str, states: Iterable[str], initial: str,
                 terminal: Iterable[str], rules: Iterable[Rule]) -> None:
        self.entity = entity
        self.states = tuple(states)
        self.initial = initial
        self.terminal = frozenset(terminal)
        self.rules = tuple(rules)
        self._index: dict[tuple[str, str], list[Rule]] = {}
        for rule in self.rules:
            assert rule.source in self.states and rule.target in self.states, rule
            self._index.setdefault((rule.source, rule.event), []).append(rule)

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(rule.event for rule in self.rules))

    def accepts(self, state: str, event: str) -> bool:
        """Whether some rule for (state, event) exists, guards aside."""
        return (state, event) in self._index

    def next_state(self, ref: str, state: str, event: str, facts: Any = None) -> str:
        """The state after ``event``; raises IllegalTransition naming entity, state and event."""
        rules = self._index.get((state, event))
        if not rules:
            raise IllegalTransition(self.entity, ref, state, event)
        reasons = []
        for rule in rules:
            reason = rule.guard(facts) if rule.guard else None
            if reason is None:
                return rule.target
            reasons.append(reason)
        raise IllegalTransition(self.entity, ref, state, event, "; ".join(dict.fromkeys(reasons)))


def rules_from(sources: Iterable[str], event: str, target: str, guard: Guard | None = None) -> list[Rule]:
    return [Rule(source, event, target, guard) for source in sources]
