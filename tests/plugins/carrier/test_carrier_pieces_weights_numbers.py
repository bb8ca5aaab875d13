"""Piece counts, weight units and tracking numbers as rules (issue 14), on payloads written from
the carriers' documented shapes (reference/carriers.md §1.2 DHL Unified, §2.2 Kuaidi100 push)."""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from hub import TrackingUpdate
from hub.core import tracking
from hub.core import measures
from hub.core.measures import WEIGHT_UNITS
from plugins.carrier.dhl.tracking import number_key as dhl_number, parse_shipment, parse_track_response
from plugins.carrier.kuaidi100.tracking import count_pieces, parse_push


def dhl_event(at: str, code: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"timestamp": at, "statusCode": code, "status": description, "description": description, **extra}


PICKED_UP = dhl_event("2026-03-02T08:00:00", "transit", "Shipment picked up")


def dhl(number: str, events: list[dict[str, Any]], **details: Any) -> dict[str, Any]:
    return {"id": number, "service": "express", "status": events[0], "events": events, "details": details}


# --- piece counts ------------------------------------------------------------------------------

def test_dhl_counts_the_pieces_its_delivered_events_name() -> None:
    first = dhl_event("2026-03-04T10:00:00", "delivered", "Delivered", pieceIds=["JD01", "JD02"])
    update, _ = parse_shipment(dhl("1", [first, PICKED_UP], totalNumberOfPieces=3, pieceIds=["JD01", "JD02", "JD03"]))
    assert (update.pieces, update.pieces_delivered) == (3, 2)


def test_dhl_a_piece_named_twice_or_in_the_status_counts_once() -> None:
    again = dhl_event("2026-03-04T10:00:00", "delivered", "Delivered", pieceIds=["jd 01", "JD01"])
    update, _ = parse_shipment(dhl("1", [again, PICKED_UP], pieceIds=["JD01", "JD02"]))
    assert (update.pieces, update.pieces_delivered) == (2, 1)


def test_dhl_events_giving_only_a_count_add_up() -> None:
    later = dhl_event("2026-03-05T10:00:00", "delivered", "Delivered", numberOfPieces=1)
    first = dhl_event("2026-03-04T10:00:00", "delivered", "Delivered", numberOfPieces="2")
    update, _ = parse_shipment(dhl("1", [later, first, PICKED_UP], totalNumberOfPieces=3))
    assert update.pieces_delivered == 3


def test_dhl_a_plain_delivered_delivers_what_dhl_counts_in_the_shipment() -> None:
    update, _ = parse_shipment(dhl("1", [dhl_event("2026-03-04T10:00:00", "delivered", "Delivered"), PICKED_UP],
                                   totalNumberOfPieces=2))
    assert (update.pieces, update.pieces_delivered) == (2, 2)
    nothing_said, _ = parse_shipment(dhl("1", [dhl_event("2026-03-04T10:00:00", "delivered", "Delivered")]))
    assert (nothing_said.pieces, nothing_said.pieces_delivered) == (None, None)
    in_transit, _ = parse_shipment(dhl("1", [PICKED_UP], totalNumberOfPieces=3))
    assert in_transit.pieces_delivered is None


@pytest.mark.parametrize("waybill, carrier, delivered, missing", [
    (3, None, 2, 1),  # 2 of the waybill's 3
    (3, 2, 2, 1),  # the carrier knows 2 pieces of a 3-piece waybill: the waybill counts
    (None, 3, 2, 1),  # no waybill count: the carrier's own total
    (3, 3, 3, 0), (2, None, 3, 0),  # all delivered, or more than expected: no shortage
    (3, 3, None, 0),  # the carrier does not say how many: the wording decides, as before
])
def test_a_shortage_is_the_waybill_pieces_less_the_pieces_delivered(waybill, carrier, delivered, missing) -> None:
    assert tracking.shortage(waybill, carrier, delivered) == missing


@pytest.mark.parametrize("context, delivered, total", [
    ("【宁波市】您的快件已签收，签收2件", 2, None),
    ("已签收(共3件)", 3, 3),
    ("共3件，已签收2件", 2, 3),
    ("2件已签收，感谢使用", 2, None),
    ("已签收，签收两件", 2, None),
    ("签收件数：十二", 12, None),
    ("已签收，2件", 2, None),
    ("您的快件已签收，如有疑问请联系", None, None),
    ("第2件已签收", None, None),  # which piece, not how many
])
def test_kuaidi100_reads_the_pieces_a_delivered_text_counts(context, delivered, total) -> None:
    counted = count_pieces(context)
    assert (counted.delivered, counted.total) == (delivered, total)


def test_kuaidi100_push_carries_the_pieces_signed_for_from_delivered_items_only() -> None:
    param = {"status": "polling", "lastResult": {"nu": "YT1", "com": "yuantong", "state": "3", "data": [
        {"ftime": "2026-03-04 15:20:00", "context": "您的快件已签收，签收2件", "status": "签收"},
        {"ftime": "2026-03-03 09:00:00", "context": "【宁波转运中心】3件已到达", "status": "在途"}]}}
    update = parse_push(json.loads(json.dumps(param)), {"yuantong": "yuantong"}).update
    assert (update.pieces, update.pieces_delivered) == (None, 2)


# --- weight units ------------------------------------------------------------------------------

@pytest.mark.parametrize("unit, kg", [
    ("KGM", "154"), ("kg", "154"), ("KG", "154"), ("Kgs", "154"), ("kg.", "154"),
    ("GRM", "0.154"), ("G", "0.154"), ("gr", "0.154"),
    ("LBR", "69.85322498"), ("LB", "69.85322498"), ("lbs", "69.85322498"),
    ("ONZ", "4.36582656125"), ("oz", "4.36582656125"),
    ("TNE", "154000"), ("t", "154000"),
])
def test_every_unit_carriers_use_is_converted_to_kg(unit, kg) -> None:
    assert measures.to_kg("154", unit) == Decimal(kg)


def test_a_unit_no_row_knows_converts_to_nothing_rather_than_a_guess() -> None:
    assert measures.to_kg(3, "stone") is None
    assert measures.to_kg(3, "TON") is None  # short, long or metric: not guessed
    assert "TON" not in WEIGHT_UNITS
    assert measures.to_kg("n/a", "KG") is None


def test_dhl_passes_its_weight_on_as_written_and_the_update_converts_it() -> None:
    freight, _ = parse_shipment(dhl("1", [PICKED_UP], weight={"value": 154, "unitText": "KGM"}))
    assert (freight.reported_weight, freight.reported_weight_unit, freight.reported_weight_kg) == (
        Decimal(154), "KGM", Decimal(154))
    unknown, _ = parse_shipment(dhl("1", [PICKED_UP], weight={"value": 3, "unitText": "stone"}))
    assert (unknown.reported_weight, unknown.reported_weight_unit, unknown.reported_weight_kg) == (
        Decimal(3), "stone", None)


def test_a_154_kgm_reading_against_a_15_4_kg_waybill_is_a_discrepancy() -> None:
    update = TrackingUpdate(carrier="dhl", tracking_number="1", reported_weight=Decimal(154),
                            reported_weight_unit="KGM")
    assert tracking.weight_discrepancy(Decimal("15.4"), update.reported_weight_kg, Decimal("0.10"))


def test_a_stored_update_keeps_the_raw_reading_and_its_conversion() -> None:
    update = TrackingUpdate(carrier="dhl", tracking_number="1", reported_weight=Decimal(10), reported_weight_unit="LBR")
    again = TrackingUpdate.model_validate(update.model_dump(mode="json"))
    assert again.reported_weight_kg == Decimal("4.5359237") and again.reported_weight_unit == "LBR"


# --- tracking numbers --------------------------------------------------------------------------

@pytest.mark.parametrize("written, zero_padded, key", [
    ("yt 1000-0000-00222", False, "YT1000000000222"),
    ("００３４０４３４", False, "00340434"),  # full-width digits
    ("00340434160000000001", True, "340434160000000001"),
    ("0000", True, "0000"),  # all zeros stays a number
    ("0012", False, "0012"),  # zeros matter for carriers that do not pad
])
def test_a_number_is_compared_without_layout(written, zero_padded, key) -> None:
    assert tracking.number_key(written, zero_padded) == key


def test_dhl_numbers_drop_the_sscc_prefix_zeros_and_layout() -> None:
    assert dhl_number("00 340434-160000000001") == dhl_number("340434160000000001")


def test_dhl_lists_its_piece_ids_and_references_as_the_shipments_other_numbers() -> None:
    update, _ = parse_shipment(dhl("7777777777", [dhl_event("2026-03-02T08:00:00", "transit", "Processed",
                                                           pieceIds=["JD03"])],
                                   pieceIds=["JD01", "JD02"], references={"number": "SO-2026-000123",
                                                                          "type": "customer-reference"}))
    assert update.aliases == ("JD01", "JD02", "JD03", "SO-2026-000123")
    assert update.zero_padded is True


def test_a_dhl_poll_answer_is_ours_when_polled_by_padded_number_or_piece_id() -> None:
    body = {"shipments": [dhl("00340434160000000001", [PICKED_UP]),
                          dhl("7777777777", [PICKED_UP], pieceIds=["JJD0001460000000001"])]}
    by_zeros, _ = parse_track_response(body, "340434160000000001", "dhl", "express")
    assert by_zeros is not None and by_zeros.tracking_number == "00340434160000000001"
    by_piece, _ = parse_track_response(body, "jjd 0001 4600 0000 0001", "dhl", "express")
    assert by_piece is not None and by_piece.tracking_number == "7777777777"
    assert parse_track_response(body, "1234", "dhl", "express") == (None, [])
