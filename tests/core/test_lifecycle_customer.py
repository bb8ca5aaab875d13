"""Customer standing (004): VIP granted on the sales department's written notice, reviewed monthly, and
revoked only by the reverse path: a short month goes back to sales, whose written notice keeps or revokes."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from hub.core.errors import IllegalTransition
from hub.core.lifecycle import CUSTOMER
from hub.core.lifecycle.customer import GRADES

STATES = ("regular", "vip", "under_reevaluation")
EVENTS = ("vip_granted", "vip_reviewed", "vip_reevaluation_requested", "vip_review", "vip_kept", "vip_revoked",
          "grade_changed", "agent_reassigned")
EXPECTED = {
    ("regular", "vip_granted"): "vip",
    ("vip", "vip_reviewed"): "vip",                               # the monthly review kept the status
    ("vip", "vip_reevaluation_requested"): "under_reevaluation",  # a short month: sales re-evaluates
    ("under_reevaluation", "vip_kept"): "vip",                    # sales's notice keeps it
    ("under_reevaluation", "vip_revoked"): "regular",             # sales's notice ends it
    # the grade (A/B/C) and the agent are independent of VIP standing
    **{(state, "grade_changed"): state for state in STATES},
    **{(state, "agent_reassigned"): state for state in STATES},
}
# The monthly review: the hub decides from volume and threshold and records vip_reviewed or a re-evaluation.
DECIDED = {("vip", "vip_review")}
ILLEGAL = [(s, e) for s in STATES for e in EVENTS if (s, e) not in EXPECTED and (s, e) not in DECIDED]
NOTICE = {"notice_ref": "SALES-2026-031", "notified_by": "sales-li"}


def test_the_customer_has_exactly_the_domain_standings_and_events():
    assert set(CUSTOMER.states) == set(STATES)
    assert set(CUSTOMER.events) == set(EVENTS)
    assert CUSTOMER.initial == "regular"
    assert CUSTOMER.terminal == frozenset()
    assert GRADES == ("A", "B", "C")


def test_the_legal_pairs_are_exactly_the_expected_ones():
    assert {(s, e) for s in STATES for e in EVENTS if CUSTOMER.accepts(s, e)} == set(EXPECTED) | DECIDED


@pytest.mark.parametrize(("volume", "recorded", "standing"), [("100000", "vip_reviewed", "vip"),
                                                               ("99999.99", "vip_reevaluation_requested",
                                                                "under_reevaluation")])
def test_the_monthly_review_keeps_vip_at_the_threshold_and_sends_a_short_month_back_to_sales(volume, recorded,
                                                                                             standing):
    spec = CUSTOMER.declared["vip_review"]
    review = spec.data.model_validate({"monthly_volume": volume, "threshold": "100000"})
    assert spec.decide(review) == recorded
    assert CUSTOMER.next_state("C-1", "vip", recorded) == standing


def test_a_review_never_revokes_vip_by_itself():
    # 004: the figures only ask sales to re-evaluate; the revocation is the department's written notice
    assert set(CUSTOMER.declared["vip_review"].records) == {"vip_reviewed", "vip_reevaluation_requested"}
    assert not CUSTOMER.accepts("vip", "vip_revoked")


@pytest.mark.parametrize("event", ["vip_granted", "vip_kept", "vip_revoked"])
def test_every_change_of_vip_standing_by_sales_needs_its_written_notice(event):
    model = CUSTOMER.declared[event].data
    with pytest.raises(ValidationError) as caught:
        model.model_validate({})
    assert {e["loc"][0] for e in caught.value.errors()} == {"notice_ref", "notified_by"}
    assert model.model_validate(NOTICE).notice_ref == "SALES-2026-031"


def test_a_reassignment_names_the_agent_and_says_why():
    model = CUSTOMER.declared["agent_reassigned"].data
    with pytest.raises(ValidationError) as caught:
        model.model_validate({"agent": "agent-2"})
    assert [e["loc"][0] for e in caught.value.errors()] == ["reason"]


def test_the_reviewed_month_is_a_calendar_month():
    model = CUSTOMER.declared["vip_review"].data
    assert model.model_validate({"monthly_volume": "1", "threshold": "2", "month": "2026-03"}).month == "2026-03"
    for bad in ("2026-13", "2026-3", "March"):
        with pytest.raises(ValidationError):
            model.model_validate({"monthly_volume": "1", "threshold": "2", "month": bad})


@pytest.mark.parametrize(("state", "event"), list(EXPECTED), ids=[f"{s}-{e}" for s, e in EXPECTED])
def test_a_legal_event_moves_the_customer_to_the_expected_standing(state, event):
    assert CUSTOMER.next_state("C-1", state, event) == EXPECTED[state, event]


@pytest.mark.parametrize(("state", "event"), ILLEGAL, ids=[f"{s}-{e}" for s, e in ILLEGAL])
def test_an_illegal_event_is_refused_naming_customer_standing_and_event(state, event):
    with pytest.raises(IllegalTransition) as caught:
        CUSTOMER.next_state("C-1", state, event)
    err = caught.value
    assert (err.entity, err.ref, err.state, err.event) == ("customer", "C-1", state, event)
    assert "customer C-1" in str(err) and repr(state) in str(err) and repr(event) in str(err)


def test_vip_is_granted_kept_by_reviews_and_revoked_by_the_reverse_path():
    # given a regular customer
    state = "regular"
    # when sales grant VIP and two monthly reviews keep it, then the customer stays VIP
    for event in ("vip_granted", "vip_reviewed", "vip_reviewed"):
        state = CUSTOMER.next_state("C-1", state, event)
        assert state == "vip"
    # when a month falls short, sales re-evaluate and keep it; the next short month they revoke it
    for event, expected in (("vip_reevaluation_requested", "under_reevaluation"), ("vip_kept", "vip"),
                            ("vip_reevaluation_requested", "under_reevaluation"), ("vip_revoked", "regular")):
        state = CUSTOMER.next_state("C-1", state, event)
        assert state == expected
    # then the customer is regular and can be granted again
    assert CUSTOMER.next_state("C-1", state, "vip_granted") == "vip"
