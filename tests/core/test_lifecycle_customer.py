"""Customer standing (004): VIP granted on the sales department's notice, reviewed monthly, revoked."""
from __future__ import annotations

import pytest

from hub.core.errors import IllegalTransition
from hub.core.lifecycle import CUSTOMER
from hub.core.lifecycle.customer import GRADES

STATES = ("regular", "vip")
EVENTS = ("vip_granted", "vip_reviewed", "vip_revoked", "vip_review", "grade_changed")
EXPECTED = {
    ("regular", "vip_granted"): "vip",
    ("regular", "grade_changed"): "regular",  # the grade (A/B/C) is independent of VIP standing
    ("vip", "vip_reviewed"): "vip",           # the monthly review kept the status
    ("vip", "vip_revoked"): "regular",
    ("vip", "grade_changed"): "vip",
}
# The monthly review: the hub decides from volume and threshold and records vip_reviewed or vip_revoked.
DECIDED = {("vip", "vip_review")}
ILLEGAL = [(s, e) for s in STATES for e in EVENTS if (s, e) not in EXPECTED and (s, e) not in DECIDED]


def test_the_customer_has_exactly_the_domain_standings_and_events():
    assert set(CUSTOMER.states) == set(STATES)
    assert set(CUSTOMER.events) == set(EVENTS)
    assert CUSTOMER.initial == "regular"
    assert CUSTOMER.terminal == frozenset()
    assert GRADES == ("A", "B", "C")


def test_the_legal_pairs_are_exactly_the_expected_ones():
    assert {(s, e) for s in STATES for e in EVENTS if CUSTOMER.accepts(s, e)} == set(EXPECTED) | DECIDED


@pytest.mark.parametrize(("volume", "recorded", "standing"), [("100000", "vip_reviewed", "vip"),
                                                               ("99999.99", "vip_revoked", "regular")])
def test_the_monthly_review_keeps_vip_at_the_threshold_and_revokes_below(volume, recorded, standing):
    spec = CUSTOMER.declared["vip_review"]
    review = spec.data.model_validate({"monthly_volume": volume, "threshold": "100000"})
    assert spec.decide(review) == recorded
    assert CUSTOMER.next_state("C-1", "vip", recorded) == standing


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
    # when a review revokes it, then the customer is regular and can be granted again
    state = CUSTOMER.next_state("C-1", state, "vip_revoked")
    assert state == "regular"
    assert CUSTOMER.next_state("C-1", state, "vip_granted") == "vip"
