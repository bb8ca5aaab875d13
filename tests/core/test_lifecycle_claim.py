"""The claim lifecycle (004, 索赔处理流程) against a transition table written from docs/domain.md."""
from __future__ import annotations

from decimal import Decimal

import pytest

from hub.core.config import ClaimPolicy
from hub.core.errors import IllegalTransition
from hub.core.lifecycle import CLAIM
from hub.core.lifecycle.claim import ClaimFacts

STATES = ("opened", "documents_received", "with_insurer", "negotiating", "settlement_proposed",
          "manager_approved", "approved", "paid", "with_legal", "closed")
EVENTS = ("erp_recorded", "documents_received", "departments_answered", "insurer_forms_filed", "insurer_decided",
          "amount_agreed", "manager_approved", "gm_approved", "rejected", "paid", "closed",
          "handed_to_legal", "withdrawn")
# Until the general manager signs, a claim may still be handed to legal or withdrawn.
OPEN = ("opened", "documents_received", "with_insurer", "negotiating", "settlement_proposed",
        "manager_approved")

MINIMUM = ClaimPolicy().minimum_claimable
INSURED = ClaimFacts(insured=True, loss=MINIMUM * 2, minimum_claimable=MINIMUM)
UNINSURED = ClaimFacts(insured=False, loss=MINIMUM * 2, minimum_claimable=MINIMUM)

EXPECTED = [
    ("opened", "documents_received", UNINSURED, "documents_received"),
    ("documents_received", "departments_answered", INSURED, "with_insurer"),
    ("documents_received", "departments_answered", UNINSURED, "negotiating"),
    ("with_insurer", "insurer_forms_filed", INSURED, "with_insurer"),
    ("with_insurer", "insurer_decided", INSURED, "settlement_proposed"),
    ("negotiating", "amount_agreed", UNINSURED, "settlement_proposed"),
    ("settlement_proposed", "manager_approved", UNINSURED, "manager_approved"),
    ("settlement_proposed", "rejected", UNINSURED, "negotiating"),  # back to customer service
    ("manager_approved", "gm_approved", UNINSURED, "approved"),
    ("manager_approved", "rejected", UNINSURED, "negotiating"),
    ("approved", "paid", UNINSURED, "paid"),
    ("paid", "closed", UNINSURED, "closed"),
    ("with_legal", "closed", UNINSURED, "closed"),
    *[(state, "handed_to_legal", UNINSURED, "with_legal") for state in OPEN],
    *[(state, "withdrawn", UNINSURED, "closed") for state in OPEN],
    *[(state, "erp_recorded", UNINSURED, state) for state in STATES],  # notes the ERP's number, moves nothing
]
LEGAL = {(state, event) for state, event, _, _ in EXPECTED}
ILLEGAL = [(s, e) for s in STATES for e in EVENTS if (s, e) not in LEGAL]


def test_the_claim_has_exactly_the_domain_states_and_events():
    assert set(CLAIM.states) == set(STATES)
    assert set(CLAIM.events) == set(EVENTS)
    assert CLAIM.initial == "opened"
    assert CLAIM.terminal == {"closed"}


def test_the_legal_pairs_are_exactly_the_expected_ones():
    assert {(s, e) for s in STATES for e in EVENTS if CLAIM.accepts(s, e)} == LEGAL


@pytest.mark.parametrize(("state", "event", "facts", "target"), EXPECTED,
                         ids=[f"{s}-{e}-{t}" for s, e, _, t in EXPECTED])
def test_a_legal_event_moves_the_claim_to_the_expected_state(state, event, facts, target):
    assert CLAIM.next_state("CLM-1", state, event, facts) == target


@pytest.mark.parametrize(("state", "event"), ILLEGAL, ids=[f"{s}-{e}" for s, e in ILLEGAL])
def test_an_illegal_event_is_refused_naming_claim_state_and_event(state, event):
    with pytest.raises(IllegalTransition) as caught:
        CLAIM.next_state("CLM-1", state, event, INSURED)
    err = caught.value
    assert (err.entity, err.ref, err.state, err.event) == ("claim", "CLM-1", state, event)
    assert "claim CLM-1" in str(err) and repr(state) in str(err) and repr(event) in str(err)


@pytest.mark.parametrize(("insured", "loss", "target"), [
    (True, MINIMUM, "with_insurer"),                     # exactly the minimum is claimable
    (True, MINIMUM + Decimal("0.01"), "with_insurer"),
    (True, MINIMUM - Decimal("0.01"), "negotiating"),    # insured but below the minimum
    (True, Decimal(0), "negotiating"),
    (False, MINIMUM * 10, "negotiating"),                # uninsured, however large
    (False, MINIMUM, "negotiating"),
])
def test_only_an_insured_claim_reaching_the_minimum_goes_to_the_insurer(insured, loss, target):
    facts = ClaimFacts(insured=insured, loss=loss, minimum_claimable=MINIMUM)
    assert CLAIM.next_state("CLM-1", "documents_received", "departments_answered", facts) == target


def test_the_general_manager_cannot_approve_before_the_service_manager():
    # given a proposed settlement
    state = "settlement_proposed"
    # when the general manager signs first, then it is refused
    with pytest.raises(IllegalTransition) as caught:
        CLAIM.next_state("CLM-1", state, "gm_approved", UNINSURED)
    assert caught.value.event == "gm_approved" and caught.value.state == state
    # when the service manager signs and then the general manager, then it is approved
    state = CLAIM.next_state("CLM-1", state, "manager_approved", UNINSURED)
    assert CLAIM.next_state("CLM-1", state, "gm_approved", UNINSURED) == "approved"


def test_a_rejected_insured_settlement_is_negotiated_again_and_paid_after_both_approvals():
    # given an insured claim that reached a settlement through the insurer
    state = "opened"
    for event in ("documents_received", "departments_answered", "insurer_forms_filed", "insurer_decided"):
        state = CLAIM.next_state("CLM-1", state, event, INSURED)
    assert state == "settlement_proposed"
    # when the general manager rejects it after the service manager signed
    state = CLAIM.next_state("CLM-1", state, "manager_approved", INSURED)
    state = CLAIM.next_state("CLM-1", state, "rejected", INSURED)
    # then customer service negotiates, and both approvals are needed again before payment
    assert state == "negotiating"
    for event, expected in [("amount_agreed", "settlement_proposed"), ("manager_approved", "manager_approved"),
                            ("gm_approved", "approved"), ("paid", "paid"), ("closed", "closed")]:
        state = CLAIM.next_state("CLM-1", state, event, INSURED)
        assert state == expected


def test_an_approved_claim_can_no_longer_be_withdrawn_or_go_to_legal():
    for event in ("withdrawn", "handed_to_legal", "rejected"):
        with pytest.raises(IllegalTransition):
            CLAIM.next_state("CLM-1", "approved", event, UNINSURED)
