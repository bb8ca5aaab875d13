"""The claim lifecycle (004, 索赔处理流程) against a transition table written from docs/domain.md."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from hub.core.config import ClaimPolicy
from hub.core.errors import IllegalTransition
from hub.core.lifecycle import CLAIM
from hub.core.lifecycle.claim import ClaimFacts

STATES = ("opened", "documents_received", "with_insurer", "negotiating", "settlement_proposed",
          "manager_approved", "approved", "paid", "with_legal", "closed")
EVENTS = ("erp_recorded", "documents_received", "departments_answered", "insurer_forms_filed", "insurer_decided",
          "amount_agreed", "report_issued", "debt_checked", "manager_approved", "gm_approved", "vp_approved",
          "rejected", "paid", "closed", "handed_to_legal", "withdrawn", "fault_found", "carrier_claimed",
          "carrier_claim_settled")
# Until the last approval, a claim may still be handed to legal or withdrawn, and its fault found.
OPEN = ("opened", "documents_received", "with_insurer", "negotiating", "settlement_proposed",
        "manager_approved")
NOT_CLOSED = (*OPEN, "approved", "paid", "with_legal")

MINIMUM = ClaimPolicy().minimum_claimable
# The facts of a claim whose report is out, whose debt finance checked and whose carrier was claimed against:
# the table's moves with every step-fact in place (the guards' refusals are tested one by one below).
DONE = dict(report_issued=True, debt_checked=True, carrier_claimed=True)
INSURED = ClaimFacts(insured=True, loss=MINIMUM * 2, minimum_claimable=MINIMUM, **DONE)
UNINSURED = ClaimFacts(insured=False, loss=MINIMUM * 2, minimum_claimable=MINIMUM, **DONE)
COMPANY_AT_FAULT = replace(UNINSURED, fault="company")

EXPECTED = [
    ("opened", "documents_received", UNINSURED, "documents_received"),
    ("documents_received", "documents_received", UNINSURED, "documents_received"),  # the rest, later
    ("documents_received", "departments_answered", INSURED, "with_insurer"),
    ("documents_received", "departments_answered", UNINSURED, "negotiating"),
    ("with_insurer", "insurer_forms_filed", INSURED, "with_insurer"),
    ("with_insurer", "insurer_decided", INSURED, "settlement_proposed"),
    ("negotiating", "amount_agreed", UNINSURED, "settlement_proposed"),
    ("settlement_proposed", "report_issued", UNINSURED, "settlement_proposed"),
    ("settlement_proposed", "manager_approved", UNINSURED, "manager_approved"),
    ("settlement_proposed", "rejected", UNINSURED, "negotiating"),  # back to customer service
    ("manager_approved", "gm_approved", UNINSURED, "approved"),
    ("manager_approved", "vp_approved", COMPANY_AT_FAULT, "approved"),
    ("manager_approved", "rejected", UNINSURED, "negotiating"),
    ("approved", "paid", UNINSURED, "paid"),
    ("paid", "closed", UNINSURED, "closed"),
    ("with_legal", "closed", UNINSURED, "closed"),
    *[(state, "handed_to_legal", UNINSURED, "with_legal") for state in OPEN],
    *[(state, "withdrawn", UNINSURED, "closed") for state in OPEN],
    *[(state, "erp_recorded", UNINSURED, state) for state in STATES],  # notes the ERP's number, moves nothing
    *[(state, "debt_checked", UNINSURED, state) for state in ("settlement_proposed", "manager_approved", "approved")],
    *[(state, "fault_found", UNINSURED, state) for state in OPEN],
    *[(state, "carrier_claimed", UNINSURED, state) for state in NOT_CLOSED],
    *[(state, "carrier_claim_settled", UNINSURED, state) for state in NOT_CLOSED],
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


def _refusal(state: str, event: str, facts: ClaimFacts) -> IllegalTransition:
    with pytest.raises(IllegalTransition) as caught:
        CLAIM.next_state("CLM-1", state, event, facts)
    assert (caught.value.state, caught.value.event) == (state, event)
    return caught.value


def test_the_manager_signs_only_once_the_claim_report_is_issued():
    # given a proposed settlement whose report (理赔申请报告书) is not out yet
    facts = replace(UNINSURED, report_issued=False)
    # when the manager signs, then it is refused saying what is missing
    assert "claim report (理赔申请报告书) is not issued yet: send report_issued" in _refusal(
        "settlement_proposed", "manager_approved", facts).reason
    # when the report is issued, the claim stays where it is and the manager may sign
    assert CLAIM.next_state("CLM-1", "settlement_proposed", "report_issued", facts) == "settlement_proposed"
    assert CLAIM.next_state("CLM-1", "settlement_proposed", "manager_approved", UNINSURED) == "manager_approved"


def test_finance_pays_only_after_checking_the_customers_debt():
    facts = replace(UNINSURED, debt_checked=False)
    assert "finance has not checked the customer's outstanding debt: send debt_checked" in _refusal(
        "approved", "paid", facts).reason
    assert CLAIM.next_state("CLM-1", "approved", "debt_checked", facts) == "approved"


def test_the_vice_president_signs_instead_of_the_general_manager_when_the_company_is_at_fault():
    # 004: 我司原因 → 人力资源、客户服务及业务拓展副总经理审批
    assert "send vp_approved" in _refusal("manager_approved", "gm_approved", COMPANY_AT_FAULT).reason
    assert CLAIM.next_state("CLM-1", "manager_approved", "vp_approved", COMPANY_AT_FAULT) == "approved"
    for fault in ("carrier", "customer", "unknown"):
        refused = _refusal("manager_approved", "vp_approved", replace(UNINSURED, fault=fault))
        assert f"this one's fault is {fault}" in refused.reason and "(gm_approved)" in refused.reason


def test_a_carrier_claim_settles_only_after_it_was_made():
    facts = replace(INSURED, carrier_claimed=False)
    assert "send carrier_claimed first" in _refusal("with_insurer", "carrier_claim_settled", facts).reason
    assert CLAIM.next_state("CLM-1", "with_insurer", "carrier_claimed", facts) == "with_insurer"


@pytest.mark.parametrize("documents", [[], ["signed_delivery_receipt", "photos"]], ids=["none", "unknown"])
def test_documents_received_names_at_least_one_of_the_claim_forms_documents(documents):
    from pydantic import ValidationError

    from hub.core.lifecycle.claim import CLAIM_DOCUMENTS, Documents
    with pytest.raises(ValidationError) as caught:
        Documents.model_validate({"documents": documents})
    if documents:  # the message names every document the claim form asks for
        assert all(name in str(caught.value) for name in CLAIM_DOCUMENTS)
