"""The complaint lifecycle (000: 收货后三日内点清数量和检验, 投诉…查明原因,落实责任与处分,给予客户补货换货的回复)
against a transition table written from docs/domain.md: every (state, event) pair is one of the EXPECTED
rows or an IllegalTransition naming the state and what it accepts."""
from __future__ import annotations

from dataclasses import replace

import pytest
from pydantic import ValidationError

from hub.core.errors import IllegalTransition
from hub.core.lifecycle import COMPLAINT, LIFECYCLES
from hub.core.lifecycle.complaint import Answered, ComplaintFacts, RemedyShipped, Resolved, Withdrawn

STATES = ("received", "investigating", "answered", "remedy_shipped", "resolved", "withdrawn")
EVENTS = ("investigation_started", "answered", "remedy_shipped", "resolved", "withdrawn")
TERMINAL = {"resolved", "withdrawn"}

ANSWER = ComplaintFacts(cause="carton left at loading", responsible_party="warehouse", remedy="replenish")
NOTHING_YET = ComplaintFacts()
REPLENISH = ANSWER
EXCHANGE = replace(ANSWER, remedy="exchange")
CREDIT = replace(ANSWER, remedy="credit")
NO_REMEDY = replace(ANSWER, remedy="none", responsible_party="customer")

EXPECTED = [
    ("received", "investigation_started", NOTHING_YET, "investigating"),
    ("investigating", "answered", ANSWER, "answered"),
    ("answered", "remedy_shipped", REPLENISH, "remedy_shipped"),
    ("answered", "remedy_shipped", EXCHANGE, "remedy_shipped"),
    ("remedy_shipped", "resolved", REPLENISH, "resolved"),
    ("answered", "resolved", CREDIT, "resolved"),  # nothing ships: the customer confirms the credit
    ("answered", "resolved", NO_REMEDY, "resolved"),
    ("received", "withdrawn", NOTHING_YET, "withdrawn"),
    ("investigating", "withdrawn", NOTHING_YET, "withdrawn"),
    ("answered", "withdrawn", REPLENISH, "withdrawn"),
]
LEGAL = {(state, event) for state, event, _, _ in EXPECTED}
ILLEGAL = [(s, e) for s in STATES for e in EVENTS if (s, e) not in LEGAL]


def test_the_complaint_has_exactly_the_domain_states_and_events():
    assert LIFECYCLES["complaint"] is COMPLAINT
    assert set(COMPLAINT.states) == set(STATES) and set(COMPLAINT.events) == set(EVENTS)
    assert COMPLAINT.initial == "received" and COMPLAINT.terminal == TERMINAL


def test_the_legal_pairs_are_exactly_the_expected_ones():
    assert {(s, e) for s in STATES for e in EVENTS if COMPLAINT.accepts(s, e)} == LEGAL


@pytest.mark.parametrize(("state", "event", "facts", "target"), EXPECTED,
                         ids=[f"{s}-{e}-{t}" for s, e, _, t in EXPECTED])
def test_a_legal_event_moves_the_complaint_to_the_expected_state(state, event, facts, target):
    assert COMPLAINT.next_state("CP-1", state, event, facts) == target


@pytest.mark.parametrize(("state", "event"), ILLEGAL, ids=[f"{s}-{e}" for s, e in ILLEGAL])
def test_an_illegal_event_is_refused_naming_the_state_and_what_it_accepts(state, event):
    with pytest.raises(IllegalTransition) as caught:
        COMPLAINT.next_state("CP-1", state, event, ANSWER)
    err = caught.value
    assert (err.entity, err.ref, err.state, err.event) == ("complaint", "CP-1", state, event)
    assert err.allowed == COMPLAINT.accepted(state)


def test_the_reply_needs_cause_responsibility_and_remedy():
    with pytest.raises(IllegalTransition) as caught:
        COMPLAINT.next_state("CP-1", "investigating", "answered", NOTHING_YET)
    assert caught.value.reason == "the reply needs cause, responsibility, remedy"
    with pytest.raises(IllegalTransition) as caught:
        COMPLAINT.next_state("CP-1", "investigating", "answered", replace(ANSWER, responsible_party=None))
    assert caught.value.reason == "the reply needs responsibility"


@pytest.mark.parametrize("facts", [CREDIT, NO_REMEDY], ids=["credit", "none"])
def test_only_a_replenishment_or_exchange_ships(facts):
    with pytest.raises(IllegalTransition) as caught:
        COMPLAINT.next_state("CP-1", "answered", "remedy_shipped", facts)
    assert f"the remedy is {facts.remedy}: nothing ships" in caught.value.reason


@pytest.mark.parametrize("facts", [REPLENISH, EXCHANGE], ids=["replenish", "exchange"])
def test_a_replenishment_or_exchange_resolves_only_after_it_shipped(facts):
    with pytest.raises(IllegalTransition) as caught:
        COMPLAINT.next_state("CP-1", "answered", "resolved", facts)
    assert f"the {facts.remedy} must ship first (remedy_shipped)" in caught.value.reason


def test_the_shortage_walk_from_receipt_to_the_customer_s_confirmation():
    state, seen = "received", []
    for event, facts in [("investigation_started", NOTHING_YET), ("answered", ANSWER),
                         ("remedy_shipped", ANSWER), ("resolved", ANSWER)]:
        state = COMPLAINT.next_state("CP-1", state, event, facts)
        seen.append(state)
    assert seen == ["investigating", "answered", "remedy_shipped", "resolved"]


# --- event data ---------------------------------------------------------------------------------

REPLY = {"cause": "carton left at loading", "responsibility": {"party": "warehouse", "sanction": "warning"},
         "remedy": "replenish", "plan": "ships with the next truck", "promised_date": "2026-03-10"}


def test_the_reply_is_complete_or_refused_field_by_field():
    Answered.model_validate(REPLY)
    Answered.model_validate({**REPLY, "remedy": "credit", "promised_date": None})  # a credit needs no date
    for data, field in [({k: v for k, v in REPLY.items() if k != "cause"}, "cause"),
                        ({k: v for k, v in REPLY.items() if k != "responsibility"}, "responsibility"),
                        ({**REPLY, "responsibility": {"party": "weather"}}, "responsibility.party"),
                        ({**REPLY, "responsibility": {"party": "carrier", "blame": "x"}}, "responsibility.blame"),
                        ({**REPLY, "remedy": "refund"}, "remedy"),
                        ({**REPLY, "plan": ""}, "plan"),
                        ({**REPLY, "extra": 1}, "extra")]:
        with pytest.raises(ValidationError) as caught:
            Answered.model_validate(data)
        assert field in {".".join(map(str, e["loc"])) for e in caught.value.errors()}, (data, caught.value)


@pytest.mark.parametrize("remedy", ["replenish", "exchange"])
def test_goods_promised_need_the_date_they_ship(remedy):
    with pytest.raises(ValidationError, match=f"a {remedy} remedy needs promised_date"):
        Answered.model_validate({**REPLY, "remedy": remedy, "promised_date": None})


@pytest.mark.parametrize(("model", "data"), [(RemedyShipped, {}), (Resolved, {}), (Withdrawn, {}),
                                             (Withdrawn, {"reason": ""})])
def test_the_other_events_carry_what_they_must(model, data):
    with pytest.raises(ValidationError):
        model.model_validate(data)
