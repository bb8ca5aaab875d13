"""The shape of a mapping row, so a carrier's ``units.py`` is data: one line per pattern or code."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Meaning:
    """What a carrier code or text means in the hub's words (reference/carriers.md §5.1)."""

    state: str | None  # canonical shipment state; None: record the event, move nothing
    substatus: str | None = None
    flags: tuple[str, ...] = ()
    claim_kind: str | None = None  # damage | shortage | loss: the event opens a claim


@dataclass(frozen=True)
class TextRule:
    """A row of a mapping table: ``row`` names the line of reference/carriers.md §5.3."""

    row: str
    pattern: re.Pattern[str]
    meaning: Meaning


@dataclass(frozen=True)
class Unmapped:
    """A checkpoint no mapping row recognised: kept as an event, logged once for review."""

    tracking_number: str
    code: str
    text: str


def text_rule(row: str, pattern: str, state: str, substatus: str | None = None,
              flags: tuple[str, ...] = (), claim: str | None = None) -> TextRule:
    return TextRule(row, re.compile(pattern, re.IGNORECASE), Meaning(state, substatus, flags, claim))


def first_match(rules: Iterable[TextRule], text: str) -> TextRule | None:
    """The first row whose pattern occurs in ``text``: table order is precedence."""
    return next((rule for rule in rules if rule.pattern.search(text)), None)
