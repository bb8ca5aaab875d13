"""The shipment lifecycle (000, 004) and the carrier rank guard of reference/carriers.md §5.2.

Carriers report states late, twice and out of order; ``may_move`` decides which reports may move a
shipment. The expected matrix below is written from §5 (ranks never go backwards except
customs ↔ in_transit, out_for_delivery → attempt_failed → in_transit, exception ↔ any,
* → returning_to_sender; terminal states are left only by delivered → returning/returned to sender).
"""
from __future__ import annotations

import pytest

from hub.core.errors import IllegalTransition
from hub.core.lifecycle import SHIPMENT
from hub.core.lifecycle.shipment import may_move

STATES = ("created", "booked", "in_transit", "customs", "handed_off", "out_for_delivery",
          "available_for_pickup", "attempt_failed", "exception", "returning_to_sender",
          "returned_to_sender", "delivered", "cancelled")
TERMINAL = {"delivered", "returned_to_sender", "cancelled"}

# Row: the current state; column: the state a carrier reports; X = the shipment moves.
# A report of the current state is no move, and no carrier report leads back to "created"
# (registered, no carrier data yet).
COLUMNS = ["cr", "bk", "it", "cu", "ho", "ofd", "afp", "af", "ex", "rts", "rtd", "dl", "ca"]
MATRIX = """
                      cr bk it cu ho ofd afp af ex rts rtd dl ca
created               .  X  X  X  X  X   X   X  X  X   X   X  X
booked                .  .  X  X  X  X   X   X  X  X   X   X  X
in_transit            .  .  .  X  X  X   X   X  X  X   X   X  X
customs               .  .  X  .  X  X   X   X  X  X   X   X  X
handed_off            .  .  .  .  .  X   X   X  X  X   X   X  X
out_for_delivery      .  .  .  .  .  .   X   X  X  X   X   X  X
available_for_pickup  .  .  .  .  .  X   .   X  X  X   X   X  X
attempt_failed        .  .  X  .  .  X   X   .  X  X   X   X  X
exception             .  X  X  X  X  X   X   X  .  X   X   X  X
returning_to_sender   .  .  .  .  .  .   .   .  X  .   X   X  X
returned_to_sender    .  .  .  .  .  .   .   .  .  .   .   .  .
delivered             .  .  .  .  .  .   .   .  .  X   X   .  .
cancelled             .  .  .  .  .  .   .   .  .  .   .   .  .
"""


def _parse(matrix: str) -> dict[tuple[str, str], bool]:
    rows = [line.split() for line in matrix.strip().splitlines()]
    assert rows[0] == COLUMNS
    out = {}
    for row in rows[1:]:
        current, marks = row[0], row[1:]
        assert len(marks) == len(STATES), current
        for target, mark in zip(STATES, marks, strict=True):
            out[current, target] = mark == "X"
    assert [row[0] for row in rows[1:]] == list(STATES)
    return out


MAY_MOVE = _parse(MATRIX)
PAIRS = list(MAY_MOVE)


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=[f"{c}->{t}" for c, t in PAIRS])
def test_carrier_reports_move_a_shipment_only_as_the_rank_rules_say(current, target):
    assert may_move(current, target) is MAY_MOVE[current, target]


def test_a_terminal_shipment_is_left_only_by_a_return_after_delivery():
    exits = {(c, t) for (c, t), ok in MAY_MOVE.items() if ok and c in TERMINAL}
    assert exits == {("delivered", "returning_to_sender"), ("delivered", "returned_to_sender")}
    assert all(may_move(c, t) == ((c, t) in exits) for c in TERMINAL for t in STATES)


# --- the lifecycle table -----------------------------------------------------------------------

# Carrier-derived events are named after the state they report; the hub's own events are
# booking, cancelling before the goods leave, self-pickup and the recipient's proof of delivery.
CARRIER_EVENTS = tuple(s for s in STATES if s not in ("created", "cancelled"))
EVENTS = (*CARRIER_EVENTS, "cancelled", "picked_up", "pod_confirmed", "erp_recorded", "forwarded")
HUB_RULES = {
    ("created", "booked"): "booked",
    ("created", "cancelled"): "cancelled",
    ("booked", "cancelled"): "cancelled",
    ("created", "picked_up"): "delivered",   # self-pickup (自提): signed at the warehouse
    ("handed_off", "pod_confirmed"): "delivered",  # recipient confirmed the local agent's delivery
    **{(state, "erp_recorded"): state for state in STATES},  # notes the ERP's number, moves nothing
    # handed to another carrier under a new number (转EMS): tracked too, while the parcel is on its way
    **{(state, "forwarded"): state for state in STATES if state not in TERMINAL and state != "created"},
}
EXPECTED = {**{(c, t): t for (c, t), ok in MAY_MOVE.items() if ok and t in CARRIER_EVENTS}, **HUB_RULES}
ILLEGAL = [(s, e) for s in STATES for e in EVENTS if (s, e) not in EXPECTED]


def test_the_shipment_has_exactly_the_canonical_states_and_events():
    assert set(SHIPMENT.states) == set(STATES)
    assert set(SHIPMENT.events) == set(EVENTS)
    assert SHIPMENT.initial == "created"
    assert SHIPMENT.terminal == TERMINAL


def test_the_legal_pairs_are_exactly_the_expected_ones():
    accepted = {(s, e) for s in STATES for e in EVENTS if SHIPMENT.accepts(s, e)}
    assert accepted == set(EXPECTED)


@pytest.mark.parametrize(("state", "event"), list(EXPECTED), ids=[f"{s}-{e}" for s, e in EXPECTED])
def test_a_legal_event_moves_the_shipment_to_the_expected_state(state, event):
    assert SHIPMENT.next_state("SHP-1", state, event) == EXPECTED[state, event]


@pytest.mark.parametrize(("state", "event"), ILLEGAL, ids=[f"{s}-{e}" for s, e in ILLEGAL])
def test_an_illegal_event_is_refused_naming_shipment_state_and_event(state, event):
    with pytest.raises(IllegalTransition) as caught:
        SHIPMENT.next_state("SHP-1", state, event)
    err = caught.value
    assert (err.entity, err.ref, err.state, err.event) == ("shipment", "SHP-1", state, event)
    assert "shipment SHP-1" in str(err) and repr(state) in str(err) and repr(event) in str(err)


def test_a_late_in_transit_scan_does_not_undo_out_for_delivery():
    # given a shipment out for delivery
    state = "out_for_delivery"
    # when an older in-transit scan arrives late, then it is refused and the state stays
    with pytest.raises(IllegalTransition):
        SHIPMENT.next_state("SHP-1", state, "in_transit")
    # when the attempt fails and the parcel is re-routed, then it goes back to in transit
    state = SHIPMENT.next_state("SHP-1", state, "attempt_failed")
    assert SHIPMENT.next_state("SHP-1", state, "in_transit") == "in_transit"


def test_a_delivered_shipment_coming_back_becomes_returned_to_sender():
    # given a delivered shipment
    state = SHIPMENT.next_state("SHP-1", "out_for_delivery", "delivered")
    # when the carrier reports the return, then it leaves delivered, and stays returned
    state = SHIPMENT.next_state("SHP-1", state, "returning_to_sender")
    state = SHIPMENT.next_state("SHP-1", state, "returned_to_sender")
    assert state == "returned_to_sender"
    with pytest.raises(IllegalTransition):
        SHIPMENT.next_state("SHP-1", state, "delivered")


def test_a_shipment_cannot_be_cancelled_once_the_carrier_has_it():
    for state in ("in_transit", "out_for_delivery", "exception"):
        with pytest.raises(IllegalTransition):
            SHIPMENT.next_state("SHP-1", state, "cancelled")
