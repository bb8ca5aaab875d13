"""notify.sandbox records the order desk's letters (000, 002) like its other messages, documents
attached, so a sandbox user sees what the e-mail channel would send. Payloads from the real core."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from notify_helpers import build, changed, make_ctx, run_hook, shipment
from pdf_reading import has_row, pdf_text
from test_notify_order_letters import overdue_timer, released, reviewed, shipped_short

from core_payloads import arguments
from hub.core.models import FollowUp


@pytest.fixture
def outbox(tmp_path):
    return tmp_path / "outbox"


def letters(outbox) -> dict[str, dict]:
    """Recorded messages by file name (one per handoff)."""
    return {p.name: json.loads(p.read_text()) for p in sorted(outbox.glob("*.json"))}


def document(outbox, letter: dict, filename: str) -> str:
    """The text of the letter's attachment ``filename``: a PDF file beside the letter, named by the letter."""
    saved = outbox / letter["attachments"][filename]
    assert saved.name == f"{letter['idempotency_key']}.{filename}"
    return pdf_text(saved.read_bytes())


async def test_the_confirmation_letter_is_recorded_with_the_confirmation(outbox):
    pm = build("sandbox", {"folder": str(outbox)})
    ctx = make_ctx("notify.sandbox", key="reviewed-1")
    await run_hook(pm, "hub_order_reviewed", ctx, **reviewed("zh-CN"))
    [letter] = letters(outbox).values()
    assert (letter["milestone"], letter["to"], letter["language"]) == ("order_reviewed", "customer:C-001", "zh-CN")
    assert letter["subject"] == "订单确认书 SO-1001：请于今日签字盖章回传"
    assert "应付订金 4,320.00" in letter["body"]
    assert list(letter["attachments"]) == ["order-confirmation-SO-1001.pdf"]
    doc = document(outbox, letter, "order-confirmation-SO-1001.pdf")
    assert "订单确认书" in doc and has_row(doc, "交货方式：☑ 送货", "☐ 自提")
    assert has_row(doc, "1", "SOFA-3", "灰色", "3", "4,200.00", "12,600.00", "2", "1", "2025-03-20")
    # by default a person reports it sent: the order keeps its review-to-confirmation window
    assert ctx.followups == []


async def test_a_sandbox_playing_the_order_desk_replies_confirmation_sent(outbox):
    pm = build("sandbox", {"folder": str(outbox), "send_confirmations": True})
    ctx = make_ctx("notify.sandbox")
    await run_hook(pm, "hub_order_reviewed", ctx, **reviewed("en"))
    assert ctx.followups == [FollowUp("order", "SO-1001", "confirmation_sent", {})]


async def test_each_days_reminder_is_recorded_for_the_customer_and_the_salesperson(outbox):
    pm = build("sandbox", {"folder": str(outbox)})
    for key, timer in (("t7", overdue_timer(7)), ("t8", overdue_timer(8, day=1))):
        await run_hook(pm, "hub_order_confirmation_overdue", make_ctx("notify.sandbox", key=key),
                       order=reviewed("en")["order"], timer=timer)
    recorded = letters(outbox)
    assert list(recorded) == ["t7.json", "t8.json"]
    first = recorded["t7.json"]
    assert first["to"] == "customer:C-001,salesperson:Wang"
    assert "due back by 2025-03-04 18:00 (Asia/Shanghai)" in first["body"]
    assert "Order confirmation" in document(outbox, first, "order-confirmation-SO-1001.pdf")


@pytest.mark.parametrize(("mode", "contact", "subject", "marked", "named"), [
    ("delivery", {}, "Outbound note: order SO-1001 (delivery)", ("☑ Delivery", "☐ Collection by the customer"),
     [("Delivery address", "88 Harbour Rd, Ningbo")]),
    ("pickup", {"pickup_company": "Ningbo Haulage Co.", "plate": "浙B88888"}, "Outbound note: order SO-1001 (pickup)",
     ("☐ Delivery", "☑ Collection by the customer"), [("Collected by", "Ningbo Haulage Co."), ("Plate", "浙B88888")]),
])
async def test_the_outbound_note_is_recorded_for_the_warehouse_marked_pickup_or_delivery(
        outbox, mode, contact, subject, marked, named):
    pm = build("sandbox", {"folder": str(outbox)})
    await run_hook(pm, "hub_order_released", make_ctx("notify.sandbox"), **released(mode, **contact))
    [letter] = letters(outbox).values()
    assert (letter["milestone"], letter["to"], letter["subject"]) == (f"order_released.{mode}", "role:warehouse",
                                                                      subject)
    assert "To ship: #1 SOFA-3 灰色 × 1; #2 TABLE-OAK oak, 1.6 m × 1." in letter["body"]
    note = document(outbox, letter, "outbound-note-SO-1001.pdf")
    assert has_row(note, *marked) and all(has_row(note, *row) for row in named), note
    assert has_row(note, "Outbound OUT-0042", "Order SO-1001")
    assert has_row(note, "Finance approved", "2025-03-04 10:00 (Asia/Shanghai)")
    assert has_row(note, "1", "SOFA-3", "灰色", "1", "1") and "CHAIR-2" not in note
    # a pickup is loaded from the loading notice (装车通知单) too; a delivery has none
    expected = ["outbound-note-SO-1001.pdf", "loading-notice-SO-1001.pdf"] if mode == "pickup" else [
        "outbound-note-SO-1001.pdf"]
    assert list(letter["attachments"]) == expected
    if mode == "pickup":
        loading = document(outbox, letter, "loading-notice-SO-1001.pdf")
        assert "Loading notice" in loading and has_row(loading, "1", "SOFA-3", "灰色", "1", "1")


async def test_a_short_shipment_records_the_back_order_list_for_the_customer_and_planning(outbox):
    pm = build("sandbox", {"folder": str(outbox)})
    await run_hook(pm, "hub_order_shipped", make_ctx("notify.sandbox"), **shipped_short("zh-CN"))
    [letter] = letters(outbox).values()
    assert (letter["milestone"], letter["to"]) == ("order_shipped.back_order", "customer:C-001,role:planning")
    assert "欠货（欠货清单见附件）：#1 SOFA-3 灰色 × 1 → 2025-03-20" in letter["body"]
    assert list(letter["attachments"]) == ["back-order-list-SO-1001.pdf"]
    listed = document(outbox, letter, "back-order-list-SO-1001.pdf")
    assert "欠货清单" in listed and has_row(listed, "发货单", "SH-1")
    assert has_row(listed, "1", "SOFA-3", "灰色", "3", "2", "1", "2025-03-20") and "TABLE-OAK" not in listed


async def test_a_complete_shipment_is_recorded_as_before_without_attachments(outbox):
    args = shipped_short("en")
    sofa, table = args["order"].lines
    done = changed(args["order"], lines=(changed(sofa, back_order_qty=Decimal(0), back_order_eta=None), table))
    pm = build("sandbox", {"folder": str(outbox)})
    await run_hook(pm, "hub_order_shipped", make_ctx("notify.sandbox"), **{**args, "order": done})
    [letter] = letters(outbox).values()
    assert letter["milestone"] == "order_shipped" and "attachments" not in letter
    assert list(outbox.glob("*.pdf")) == []
    assert letter["subject"] == "Order SO-1001 has shipped"


async def test_the_next_days_delivery_note_is_recorded_with_the_shipments_lines(outbox):
    timer = changed(arguments("hub_shipment_delivery_note_due")["timer"], ref="SH-1")
    ship = shipment("en", lines={1: Decimal(2), 2: Decimal(1)}, carrier="SF Express")
    pm = build("sandbox", {"folder": str(outbox)})
    await run_hook(pm, "hub_shipment_delivery_note_due", make_ctx("notify.sandbox"), shipment=ship,
                   order=shipped_short("en")["order"], timer=timer)
    [letter] = letters(outbox).values()
    assert letter["subject"] == "Delivery note for order SO-1001 (shipment SH-1)"
    assert "collected by SF Express" in letter["body"]
    note = document(outbox, letter, "delivery-note-SH-1.pdf")
    assert has_row(note, "Shipment SH-1", "Order SO-1001") and has_row(note, "Carrier", "SF Express")
    assert has_row(note, "1", "SOFA-3", "灰色", "2", "1") and has_row(note, "2", "TABLE-OAK", "oak, 1.6 m", "1")
