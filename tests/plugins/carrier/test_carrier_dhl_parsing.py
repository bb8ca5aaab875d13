"""DHL Unified payloads → canonical state, substatus and flags, against the recorded fixtures and
every row of the mapping table, merged the way the core merges them."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from carrier_support import fixture

from hub.core import tracking
from hub.core.lifecycle.shipment import ShipmentState
from plugins.carrier.dhl import units
from plugins.carrier.dhl.errors import Problem
from plugins.carrier.dhl.tracking import classify, parse_push, parse_shipment, parse_track_response

SINGLE = ["dhl_delivered", "dhl_delivered_to_broker", "dhl_remote_agent", "dhl_weight_mismatch", "dhl_damaged"]


def merged(name: str, current: str = "booked") -> tuple[tracking.MergeResult, object]:
    body = fixture(name)["response"]["body"]
    update, _ = parse_shipment(body["shipments"][0])
    return tracking.merge(current, [], list(update.events)), update


@pytest.mark.parametrize("name", SINGLE)
def test_each_fixture_gives_its_expected_state_and_substatus(name: str) -> None:
    expected = fixture(name)["_fixture"]["expected"]
    result, _ = merged(name)
    assert (result.state, result.substatus) == (expected["canonical_status"], expected["substatus"])
    assert (result.state == "delivered") is expected["delivered"]
    assert bool(result.claims) is expected["opens_claim"]
    if expected.get("must_not_map_to"):
        assert result.state != expected["must_not_map_to"]


@pytest.mark.parametrize("name", SINGLE)
def test_each_fixture_gives_its_expected_flags(name: str) -> None:
    data = fixture(name)
    expected = data["_fixture"]["expected"]
    result, update = merged(name)
    flags = set(result.flags)
    declared = data["_fixture"].get("context", {}).get("erp_declared_weight")
    if declared and tracking.weight_discrepancy(Decimal(str(declared["value"])), update.reported_weight_kg,
                                                Decimal("0.10")):
        flags.add("weight_discrepancy")
    assert set(expected.get("flags", [])) <= flags
    assert ("carrier_visibility_ended" in flags) is expected.get("carrier_visibility_ended", False)


def test_damage_report_opens_a_damage_claim_and_says_why() -> None:
    result, _ = merged("dhl_damaged")
    assert result.claims == ["damage"]
    assert "needs_action" in result.flags


def test_the_weight_dhl_reports_is_read_in_kilograms_whatever_the_unit_case() -> None:
    _, update = merged("dhl_weight_mismatch")
    assert update.reported_weight_kg == Decimal(200)  # "KG" in this fixture
    _, update = merged("dhl_delivered")
    assert update.reported_weight_kg == Decimal("1.9")  # "kg" in this one
    pounds, _ = parse_shipment({"id": "1", "details": {"weight": {"value": 10, "unitText": "lb"}}})
    assert pounds.reported_weight_kg == Decimal("4.5359237")


def test_the_status_repeating_the_newest_event_is_one_event() -> None:
    _, update = merged("dhl_delivered")
    assert len(update.events) == len(fixture("dhl_delivered")["response"]["body"]["shipments"][0]["events"])


def test_a_shipment_with_a_status_and_no_events_still_reports_its_state() -> None:
    update, _ = parse_shipment({"id": "JD1", "status": {"timestamp": "2026-06-30T10:00:00Z",
                                                        "statusCode": "delivered", "status": "Delivered"}})
    assert [e.state for e in update.events] == ["delivered"]


def test_event_times_without_offset_are_read_as_utc_and_fractions_dropped() -> None:
    update, _ = parse_shipment({"id": "1", "events": [
        {"timestamp": "2026-03-05T11:47:00", "statusCode": "transit", "description": "A"},
        {"timestamp": "2026-03-05T11:47:00.123Z", "statusCode": "transit", "description": "B"},
        {"timestamp": "2026-03-05T12:47:00+01:00", "statusCode": "transit", "description": "C"}]})
    assert {e.occurred_at for e in update.events} == {datetime(2026, 3, 5, 11, 47, tzinfo=UTC)}


def test_the_poll_answer_is_read_for_our_number_and_service_only() -> None:
    body = {"shipments": [{"id": "1", "service": "freight", "status": {"statusCode": "delivered",
                                                                       "timestamp": "2026-03-05T11:47:00"}},
                          {"id": "1", "service": "express", "status": {"statusCode": "transit",
                                                                       "timestamp": "2026-03-05T11:47:00"}}]}
    update, _ = parse_track_response(body, "1", "dhl", "express")
    assert update is not None and [e.state for e in update.events] == ["in_transit"]
    assert parse_track_response(body, "2", "dhl", "express") == (None, [])


def test_out_of_order_pushes_never_move_a_delivered_shipment_back() -> None:
    data = fixture("seq_dhl_out_of_order")
    state, known = "booked", []
    for delivery, expected in zip(data["deliveries"], data["_fixture"]["expected_per_delivery"], strict=True):
        [update] = parse_push(delivery["body"], {"express": "dhl"}).updates
        result = tracking.merge(state, known, list(update.events))
        assert result.state == expected["canonical_status"]
        assert result.changed is expected["state_changed"]
        state, known = result.state, known + result.new_events
    assert len(known) == data["_fixture"]["expected_final"]["events_count"]


def test_a_404_problem_body_is_read_as_not_found() -> None:
    data = fixture("dhl_error_404")["response"]
    body = json.dumps(data["body"]).encode()
    found = Problem.parse(data["status"], body)
    assert (found.status, found.title) == (404, "No result found")
    assert "No shipment" in str(found)


def test_an_html_error_page_is_read_without_failing() -> None:
    assert Problem.parse(502, b"<html>Bad gateway</html>").title == "HTTP 502"


# Every row of reference/carriers.md §5.3 as DHL sends it: (statusCode, text) → (state, substatus).
ROWS = [
    ("D1", "pre-transit", "Shipment information received", "booked", "info_received"),
    ("D2", "transit", "Departed Facility in HONG KONG", "in_transit", None),
    ("D3", "transit", "Broker notified to arrange for clearance", "customs", "clearance_in_progress"),
    ("D3a", "failure", "Clearance delay", "customs", "clearance_in_progress"),
    ("D4", "transit", "Clearance processing complete at LEIPZIG", "in_transit", "clearance_complete"),
    ("D5", "delivered", "Delivered to broker as requested - Signed for by: X", "customs", "delivered_to_broker"),
    ("D6", "delivered", "Delivery arranged, no details expected", "handed_off", "remote_area_agent"),
    ("D7", "transit", "With delivery courier", "out_for_delivery", None),
    ("D7b", "transit", "Out for delivery", "out_for_delivery", None),
    ("D8", "transit", "Awaiting collection by recipient as requested", "available_for_pickup", None),
    ("D9", "failure", "Recipient not home - delivery attempted", "attempt_failed", "recipient_absent"),
    ("D9a", "failure", "Address information needed; contact DHL", "attempt_failed", "address_issue"),
    ("D10", "delivered", "Delivered", "returned_to_sender", "returned"),
    ("D11", "delivered", "Partial delivery", "exception", "shortage"),
    ("D12", "delivered", "Delivered - Signed for by: M MUELLER", "delivered", "delivered_to_consignee"),
    ("D13", "failure", "Sendung beschädigt", "exception", "damaged"),
    ("D14", "failure", "Recipient refused delivery", "exception", "refused"),
    ("D15", "transit", "Returned to shipper", "returning_to_sender", None),
    ("D16", "failure", "Shipment on hold", "customs", "customs_hold"),
    ("D16a", "failure", "Available on payment by recipient", "customs", "duties_unpaid"),
    ("D17", "failure", "Shipment lost", "exception", "lost"),
    ("D18", "failure", "Something unforeseen happened", "exception", "unspecified"),
    ("D19", "unknown", "No status available", None, None),
]


@pytest.mark.parametrize(("row", "code", "text", "state", "substatus"), ROWS, ids=[r[0] for r in ROWS])
def test_mapping_row(row: str, code: str, text: str, state: str | None, substatus: str | None) -> None:
    meaning, _ = classify(code, text, return_flag=row == "D10")
    assert (meaning.state, meaning.substatus) == (state, substatus)


def test_claims_come_from_damage_shortage_and_loss_only() -> None:
    claims = {rule.row: rule.meaning.claim_kind for rule in units.DESCRIPTION_RULES if rule.meaning.claim_kind}
    assert claims == {"D11": "shortage", "D13": "damage", "D17": "loss"}


def test_every_mapped_state_is_a_shipment_state() -> None:
    meanings = [r.meaning for r in units.DESCRIPTION_RULES] + list(units.STATUS_CODES.values())
    assert {m.state for m in meanings if m.state} <= {s.value for s in ShipmentState}


def test_vague_codes_without_a_known_text_are_sent_for_review() -> None:
    assert classify("failure", "Something unforeseen happened") == (units.STATUS_CODES["failure"], True)
    assert classify("transit", "Arrived at Sort Facility")[1] is False
    _, unmapped = parse_shipment({"id": "7", "events": [
        {"timestamp": "2026-03-05T10:00:00", "statusCode": "unknown", "description": "Lorem ipsum"}]})
    assert [(u.code, u.text) for u in unmapped] == [("unknown", "Lorem ipsum")]
