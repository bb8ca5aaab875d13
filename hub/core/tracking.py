"""Merging carrier events into a shipment's state (pure): dedupe, recompute, rank guards.

Carrier data arrives late, twice and out of order (DESIGN rule 8): the state comes from the
merged event list, newest by carrier time (ties: higher rank), and moves only where the
shipment lifecycle's rank guards allow (reference/carriers.md §5.2).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from hub.core.lifecycle.shipment import RANK, ShipmentState, may_move
from hub.core.inbound_models import TrackingEvent


# weight_unit_unknown is a fact about what the carrier said, so it stays like the discrepancy.
STICKY_FLAGS = frozenset({"weight_discrepancy", "weight_unit_unknown"})


@dataclass(frozen=True)
class MergeResult:
    state: str
    substatus: str | None
    flags: tuple[str, ...]
    new_events: list[TrackingEvent] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)  # claim kinds raised by NEW events only
    changed: bool = False
    occurred_at: datetime | None = None  # the carrier's time of the event that set the state


def event_identity(event: TrackingEvent) -> tuple:
    return (event.occurred_at, event.code, " ".join(event.description.lower().split()), event.location)


def _rank(event: TrackingEvent) -> int:
    return RANK.get(ShipmentState(event.state), 50) if event.state else -1


def merge(current_state: str, known: list[TrackingEvent], incoming: list[TrackingEvent]) -> MergeResult:
    seen = {event_identity(e) for e in known}
    new_events = []
    for event in incoming:
        key = event_identity(event)
        if key not in seen:
            seen.add(key)
            new_events.append(event)
    merged = [e for e in (*known, *new_events) if e.state is not None]
    everything = (*known, *new_events)
    latest = max(everything, key=lambda e: (e.occurred_at, _rank(e)), default=None)
    # Flags describe the newest news (needs_action clears once the shipment moves on), except
    # facts about the parcel itself, which stay.
    flags = tuple(sorted({f for e in everything for f in e.flags if f in STICKY_FLAGS}
                         | set(latest.flags if latest else ())))
    claims = [e.claim_kind for e in new_events if e.claim_kind]
    if not merged:
        return MergeResult(current_state, None, flags, new_events, claims, False)
    newest = max(merged, key=lambda e: (e.occurred_at, _rank(e)))
    target = newest.state
    if target != current_state and may_move(current_state, target):
        return MergeResult(target, newest.substatus, flags, new_events, claims, True, newest.occurred_at)
    substatus = newest.substatus if target == current_state else None
    return MergeResult(current_state, substatus, flags, new_events, claims, False)


def weight_discrepancy(waybill_kg: Decimal, reported_kg: Decimal, tolerance: Decimal) -> bool:
    """A carrier weight off the waybill by more than ``tolerance`` (a fraction), e.g. 200 vs 2.00 kg."""
    if waybill_kg <= 0:
        return False
    return abs(reported_kg - waybill_kg) / waybill_kg > tolerance


_NUMBER_NOISE = re.compile(r"[\s\-]+")  # also NBSP, full-width spaces once NFKC ran


def number_key(number: str | None, zero_padded: bool = False) -> str:
    """A tracking number as carriers and people write it alike: spaces, dashes and case do not
    matter, and for a carrier that pads with zeros ((00) before a DHL SSCC) neither do those."""
    key = _NUMBER_NOISE.sub("", unicodedata.normalize("NFKC", number or "")).upper()
    return (key.lstrip("0") or key) if zero_padded else key


def shortage(waybill_pieces: int | None, carrier_pieces: int | None, delivered: int | None) -> int:
    """How many pieces a delivery leaves missing: the waybill's count (else the carrier's) less
    the pieces the carrier says it delivered; 0 when the carrier does not say how many."""
    expected = waybill_pieces or carrier_pieces
    if not expected or delivered is None:
        return 0
    return max(expected - delivered, 0)
