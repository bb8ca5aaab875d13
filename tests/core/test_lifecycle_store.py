"""The new-store setup lifecycle (000, 新开店备发货流程) against a table written from the seed.

Documents, then the product list, then both lists with the customer, confirmed and paid, the first
shipment, the back orders, the handover: each step only after the one before; the store is handed
over only once nothing is owed.
"""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from hub.core.errors import IllegalTransition
from hub.core.lifecycle import STORE
from hub.core.lifecycle.store import (START_DOCUMENTS, BackOrdersShipped, Confirmed, DocumentsSent, FirstShipped,
                                      HandedOver, ListsChanged, ListsSent, ProductListPrepared, StoreCancelled,
                                      StoreFacts)

STATES = ("received", "documents_sent", "lists_prepared", "lists_sent", "confirmed", "back_orders_open",
          "fully_shipped", "handed_over", "cancelled")
EVENTS = ("documents_sent", "product_list_prepared", "lists_sent", "lists_changed", "confirmed", "first_shipped",
          "back_orders_shipped", "handed_over", "cancelled")
BEFORE_SHIPPING = ("received", "documents_sent", "lists_prepared", "lists_sent", "confirmed")

ALL_SENT = StoreFacts(documents_missing=())
SOME_MISSING = StoreFacts(documents_missing=("design_plan",))
NOTHING_OWED = StoreFacts(documents_missing=(), back_orders_outstanding=0)
OWED = StoreFacts(documents_missing=(), back_orders_outstanding=2)

# (state, event, facts) → the state it leads to.
EXPECTED = [
    ("received", "documents_sent", SOME_MISSING, "received"),  # the rest of the documents are still to go
    ("received", "documents_sent", ALL_SENT, "documents_sent"),
    ("documents_sent", "product_list_prepared", ALL_SENT, "lists_prepared"),
    ("lists_prepared", "product_list_prepared", ALL_SENT, "lists_prepared"),  # corrected before it goes out
    ("lists_prepared", "lists_sent", ALL_SENT, "lists_sent"),
    ("lists_sent", "lists_changed", ALL_SENT, "lists_sent"),
    ("lists_sent", "confirmed", ALL_SENT, "confirmed"),
    ("confirmed", "first_shipped", NOTHING_OWED, "fully_shipped"),
    ("confirmed", "first_shipped", OWED, "back_orders_open"),
    ("back_orders_open", "back_orders_shipped", OWED, "back_orders_open"),  # some lines still to come
    ("back_orders_open", "back_orders_shipped", NOTHING_OWED, "fully_shipped"),
    ("fully_shipped", "handed_over", NOTHING_OWED, "handed_over"),
    *[(state, "cancelled", ALL_SENT, "cancelled") for state in BEFORE_SHIPPING],
]
LEGAL = {(s, e) for s, e, _, _ in EXPECTED} | {("back_orders_open", "handed_over")}
ILLEGAL = [(s, e) for s in STATES for e in EVENTS if (s, e) not in LEGAL]


def test_the_store_has_exactly_the_seeds_states_and_events():
    assert STORE.states == STATES
    assert STORE.events == EVENTS
    assert STORE.initial == "received"
    assert STORE.terminal == {"handed_over", "cancelled"}
    assert START_DOCUMENTS == ("project_brief", "design_plan", "image_items_list")


def test_the_legal_pairs_are_exactly_the_expected_ones():
    assert {(s, e) for s in STATES for e in EVENTS if STORE.accepts(s, e)} == LEGAL


@pytest.mark.parametrize(("state", "event", "facts", "target"), EXPECTED,
                         ids=[f"{s}-{e}-{t}" for s, e, _, t in EXPECTED])
def test_a_legal_event_moves_the_store_to_the_expected_state(state, event, facts, target):
    assert STORE.next_state("ST-1", state, event, facts) == target


@pytest.mark.parametrize(("state", "event"), ILLEGAL, ids=[f"{s}-{e}" for s, e in ILLEGAL])
def test_an_out_of_order_event_is_refused_naming_the_state_and_what_it_accepts(state, event):
    with pytest.raises(IllegalTransition) as raised:
        STORE.next_state("ST-1", state, event, NOTHING_OWED)
    err = raised.value
    assert (err.entity, err.ref, err.state, err.event) == ("store", "ST-1", state, event)
    assert err.allowed == STORE.accepted(state)


def test_a_store_with_back_orders_owed_is_not_handed_over():
    with pytest.raises(IllegalTransition, match="2 back-order line"):
        STORE.next_state("ST-1", "back_orders_open", "handed_over", OWED)


def test_nothing_leaves_a_final_state():
    for state in ("handed_over", "cancelled"):
        assert STORE.accepted(state) == ()


@pytest.mark.parametrize(("model", "data", "field"), [
    (DocumentsSent, {"documents": ["brochure"]}, "documents"),
    (DocumentsSent, {"documents": []}, "documents"),
    (ProductListPrepared, {"lines": []}, "lines"),
    (ProductListPrepared, {"lines": [{"code": "SOFA-3", "qty": "0"}]}, "lines"),
    (ListsSent, {}, "decor_items"),
    (ListsChanged, {"decor_items": [{"code": "VASE-2", "qty": "1"}]}, "signed_by"),
    (ListsChanged, {"signed_by": "sd-manager-wu"}, None),  # nothing changed
    (Confirmed, {"amount": "100"}, "shipping_date"),
    (Confirmed, {"amount": "0", "shipping_date": "2026-03-20"}, "amount"),
    (FirstShipped, {"back_orders": [{"code": "VASE-2", "qty": "1"}]}, "back_orders"),
    (FirstShipped, {"back_orders": [{"kind": "gift", "code": "X", "qty": "1", "eta": "2026-03-20"}]}, "back_orders"),
    (BackOrdersShipped, {"express": True}, None),  # an express shipment says why
    (HandedOver, {}, "brief_returned_to"),
    (StoreCancelled, {}, "reason"),
])
def test_bad_event_data_is_refused_by_its_model(model, data, field):
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data)
    if field:
        assert field in {str(e["loc"][0]) for e in raised.value.errors()}


def test_unknown_keys_are_refused_in_every_store_event():
    for spec in STORE.declared.values():
        with pytest.raises(ValidationError):
            spec.data.model_validate({**spec.example, "surprise": 1})
