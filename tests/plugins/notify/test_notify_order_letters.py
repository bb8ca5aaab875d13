"""The order desk's letters by e-mail (000, 002), through a real SMTP server (aiosmtpd, STARTTLS, AUTH):
the order confirmation and its daily reminder, the outbound note to the warehouse, the back-order list
to the customer and planning, and the next day's delivery note. Hook payloads come from the real core.
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from notify_helpers import EMAIL, NOW, build, changed, customer, make_ctx, run_hook, shipment, shipped
from pdf_reading import has_row
from test_notify_smtp import documents

from core_payloads import arguments
from hub.core.models import FollowUp

WAREHOUSE, PLANNING, SALES = "warehouse@furniture.example", "planning@furniture.example", "sales@furniture.example"
ETA = date(2025, 3, 20)


@pytest.fixture
def settings(relay, certificate, monkeypatch):
    """The relay, and the roles a new user fills in; no routes: the shipped defaults route the letters."""
    monkeypatch.setenv("HUB_SMTP_PASSWORD", "secret")
    return {"host": "127.0.0.1", "port": relay.port, "security": "starttls", "ca_file": str(certificate[0]),
            "username": "hub", "password": {"env": "HUB_SMTP_PASSWORD"},
            "sender": "Service <service@furniture.example>",
            "roles": {"warehouse": [WAREHOUSE], "planning": [PLANNING], "sales": [SALES]}}


def mails(relay) -> dict[str, object]:
    """Received mails by their one recipient."""
    out = {}
    for recipients, mail in relay.received:
        [to] = recipients
        assert to not in out, f"two mails to {to}"
        out[to] = mail
    return out


def text(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def reviewed(language: str = "zh-CN", **kw):
    """``hub_order_reviewed``'s arguments as the core sends them, for this test's order SO-1001."""
    args = arguments("hub_order_reviewed")
    core = args["order"]
    sofa = changed(core.lines[0], spec="灰色", qty=Decimal(3), unit_price=Decimal(4200), available_qty=Decimal(2),
                   back_order_qty=Decimal(1), back_order_eta=ETA)
    table = changed(core.lines[0], line_no=2, product_code="TABLE-OAK", spec="oak, 1.6 m", qty=Decimal(1),
                    unit_price=Decimal(1800), available_qty=Decimal(1), list_price=None)
    values = dict(ref="SO-1001", customer=customer(language), lines=(sofa, table), total=Decimal(14400),
                  deposit_due=Decimal(4320))
    return dict(order=changed(core, **{**values, **kw}), transition=changed(args["transition"], ref="SO-1001", at=NOW))


def overdue_timer(timer_id: int, day: int = 0):
    """A ``confirmation_return`` timer come due (the core's TimerSnapshot), ``day`` days after the first."""
    core = arguments("hub_sla_breached")["timer"]
    due = datetime(2025, 3, 4, 10, 0, tzinfo=UTC) + timedelta(days=day)  # 18:00 in Shanghai
    return changed(core, id=timer_id, rule="confirmation_return", entity="order", ref="SO-1001", due_at=due,
                   breached_at=due, escalate_to="")


def released(delivery_mode: str = "delivery", **contact):
    """``hub_order_released``'s arguments: finance approved; line 1 partly shipped already, line 3 all short."""
    args = arguments("hub_order_released")
    base = reviewed()["order"]
    sofa, table = base.lines
    chair = changed(table, line_no=3, product_code="CHAIR-2", spec="", qty=Decimal(4), available_qty=Decimal(0),
                    back_order_qty=Decimal(4), back_order_eta=ETA)
    lines = (changed(sofa, shipped_qty=Decimal(1)), table, chair)
    snap = changed(args["order"], ref="SO-1001", customer=base.customer, lines=lines, delivery_mode=delivery_mode,
                   contact=changed(args["order"].contact, **contact))
    return dict(order=snap, transition=changed(args["transition"], ref="SO-1001", at=NOW))


def shipped_short(language: str = "zh-CN", **transition_fields):
    """``hub_order_shipped``: shipment SH-1 carried 2 sofas and the table; one sofa is still short."""
    args = shipped(language, carrier="SF Express", tracking_number="SF1234567", carrier_contact="Driver Zhang",
                   lines={1: Decimal(2), 2: Decimal(1)})
    sofa, table = reviewed(language)["order"].lines
    lines = (changed(sofa, shipped_qty=Decimal(2)), changed(table, shipped_qty=Decimal(1)))
    return {**args, "order": changed(args["order"], lines=lines),
            "transition": changed(args["transition"], **transition_fields)}


# --- the order confirmation (订单确认书) -----------------------------------------------------------


async def test_a_reviewed_order_mails_the_confirmation_and_replies_confirmation_sent(relay, settings, ledger):
    # given the SMTP notifier with its default routes
    pm = build("smtp", settings)
    ctx = make_ctx("notify.smtp", ledger)
    # when planning's review passed
    await run_hook(pm, "hub_order_reviewed", ctx, ledger, **reviewed("zh-CN"))
    # then the customer has the confirmation to sign, in Chinese, and the hub hears it went out
    [(recipients, mail)] = relay.received
    assert recipients == [EMAIL] and mail["Content-Language"] == "zh-CN"
    assert mail["Subject"] == "订单确认书 SO-1001：请于今日签字盖章回传"
    assert "签字盖章后于今日回传" in text(mail) and "应付订金：4,320.00 CNY" in text(mail)
    doc = documents(mail)["order-confirmation-SO-1001.pdf"]
    assert "订单确认书" in doc and "订单号：SO-1001" in doc
    assert has_row(doc, "1", "SOFA-3", "灰色", "3", "4,200.00", "12,600.00", "2", "1", "2025-03-20")
    assert has_row(doc, "2", "TABLE-OAK", "oak, 1.6 m", "1", "1,800.00", "1,800.00", "1")
    assert has_row(doc, "应付订金", "4,320.00 CNY") and has_row(doc, "交货方式：☑ 送货", "☐ 自提")
    assert ctx.followups == [FollowUp("order", "SO-1001", "confirmation_sent", {})]


async def test_a_redelivered_review_mails_once_and_still_replies(relay, settings, ledger):
    pm = build("smtp", settings)
    contexts = [make_ctx("notify.smtp", ledger) for _ in range(2)]
    for ctx in contexts:
        await run_hook(pm, "hub_order_reviewed", ctx, ledger, **reviewed("en"))
    assert len(relay.received) == 1
    assert relay.received[0][1]["Subject"] == "Order confirmation SO-1001: please sign and return it today"
    # the second reply is the quiet self-loop of an order already awaiting its confirmation
    assert [c.followups for c in contexts] == [[FollowUp("order", "SO-1001", "confirmation_sent", {})]] * 2


async def test_no_confirmation_sent_when_the_customer_has_no_email_address(relay, settings):
    pm = build("smtp", settings)
    ctx = make_ctx("notify.smtp")
    await run_hook(pm, "hub_order_reviewed", ctx, **reviewed(customer=customer(email=None)))
    assert relay.received == [] and ctx.followups == []


async def test_a_pickup_order_confirmation_marks_pickup_with_the_company_and_plate(relay, settings):
    pm = build("smtp", settings)
    args = reviewed("en")
    contact = changed(args["order"].contact, pickup_company="Ningbo Haulage Co.", plate="浙B88888")
    await run_hook(pm, "hub_order_reviewed", make_ctx("notify.smtp"),
                   **{**args, "order": changed(args["order"], delivery_mode="pickup", contact=contact)})
    doc = documents(relay.received[0][1])["order-confirmation-SO-1001.pdf"]
    assert has_row(doc, "Delivery: ☐ we deliver", "☑ you collect")
    assert has_row(doc, "Collected by", "Ningbo Haulage Co.") and has_row(doc, "Plate", "浙B88888")


# --- the reminder when the signed confirmation is late (002) --------------------------------------


async def test_a_late_confirmation_reminds_the_customer_each_day_once(relay, settings, ledger):
    pm = build("smtp", settings)
    order_ = reviewed("en")["order"]
    # the first day's timer is delivered twice, then the next day's
    for timer in (overdue_timer(7), overdue_timer(7), overdue_timer(8, day=1)):
        await run_hook(pm, "hub_order_confirmation_overdue", make_ctx("notify.smtp", ledger), ledger,
                       order=order_, timer=timer)
    assert [r for r, _ in relay.received] == [[EMAIL], [EMAIL]]  # the salesperson only when routed
    first, second = (m for _, m in relay.received)
    assert first["Subject"] == "Reminder: the order confirmation SO-1001 is not back yet"
    assert "by 2025-03-04 18:00 (Asia/Shanghai)" in text(first)
    assert "by 2025-03-05 18:00 (Asia/Shanghai)" in text(second)
    assert "order-confirmation-SO-1001.pdf" in documents(first)  # the confirmation again


async def test_a_routed_salesperson_hears_of_the_late_confirmation_without_the_document(relay, settings):
    routes = {"order_confirmation_overdue": ["customer", "sales"]}
    pm = build("smtp", {**settings, "routes": routes})
    await run_hook(pm, "hub_order_confirmation_overdue", make_ctx("notify.smtp"), order=reviewed("en")["order"],
                   timer=overdue_timer(7))
    sent = mails(relay)
    internal = sent[SALES]
    assert internal["Subject"] == "订单确认书逾期未回：SO-1001（李雷）"  # internal notices in zh-CN
    assert "请业务员 Wang 联系客户" in text(internal) and documents(internal) == {}
    assert sent[EMAIL]["Content-Language"] == "en"


# --- the outbound note (成品出库表) to the warehouse ---------------------------------------------------


async def test_finance_approval_sends_the_outbound_note_for_delivery_to_the_warehouse(relay, settings):
    pm = build("smtp", settings)
    await run_hook(pm, "hub_order_released", make_ctx("notify.smtp"), **released())
    [(recipients, mail)] = relay.received
    assert recipients == [WAREHOUSE]
    assert mail["Subject"] == "成品出库表：订单 SO-1001（送货）"
    body = text(mail)
    assert "出库方式：☑ 送货　☐ 自提" in body and "送货地址：88 Harbour Rd, Ningbo" in body
    assert "ERP 单号 SO-2026-0042，出库单号 OUT-0042" in body
    note = documents(mail)["outbound-note-SO-1001.pdf"]
    assert "成品出库表" in note and has_row(note, "出库方式：☑ 送货", "☐ 自提")
    assert has_row(note, "出库单号：OUT-0042", "订单号：SO-1001") and has_row(note, "ERP 单号", "SO-2026-0042")
    assert has_row(note, "财务审核", "2025-03-04 10:00 (Asia/Shanghai)")
    # what to ship: available less shipped (one sofa left already); the all-short chair waits
    assert has_row(note, "1", "SOFA-3", "灰色", "1", "1")
    assert has_row(note, "2", "TABLE-OAK", "oak, 1.6 m", "1")
    assert "CHAIR-2" not in note
    assert has_row(note, "送货地址", "88 Harbour Rd, Ningbo")
    assert re.search(r"货运单位：_+\s+车牌号码：_+\s+跟车人员：_+", note), note


async def test_a_pickup_outbound_note_names_the_pickup_company_and_plate(relay, settings):
    pm = build("smtp", settings)
    await run_hook(pm, "hub_order_released", make_ctx("notify.smtp"),
                   **released("pickup", pickup_company="Ningbo Haulage Co.", plate="浙B88888"))
    [(_, mail)] = relay.received
    assert mail["Subject"] == "成品出库表：订单 SO-1001（自提）"
    assert "提货单位：Ningbo Haulage Co." in text(mail) and "车牌号码：浙B88888" in text(mail)
    note = documents(mail)["outbound-note-SO-1001.pdf"]
    assert has_row(note, "出库方式：☐ 送货", "☑ 自提")
    assert re.search(r"提货单位\s+Ningbo Haulage Co\.\s+车牌号码\s+浙B88888", note), note
    assert "送货地址" not in note
    # and the loading notice (装车通知单) the truck is loaded from, with the same company and plate
    assert set(documents(mail)) == {"outbound-note-SO-1001.pdf", "loading-notice-SO-1001.pdf"}
    loading = documents(mail)["loading-notice-SO-1001.pdf"]
    assert "装车通知单" in loading and "SO-1001" in loading
    assert re.search(r"提货单位\s+Ningbo Haulage Co\.", loading) and re.search(r"车牌号码\s+浙B88888", loading), loading


async def test_each_paper_is_laid_out_once_however_many_people_receive_it(relay, settings):
    # two warehouse addresses, a pickup: outbound note and loading notice, each rendered once for both mails
    pm = build("smtp", {**settings, "roles": {**settings["roles"], "warehouse": [WAREHOUSE, "dock@furniture.example"]}})
    ctx = make_ctx("notify.smtp")
    rendered: list[str] = []
    real = ctx.documents

    class Counting:
        async def pdf(self, name, *args, **kwargs):
            rendered.append(name)
            return await real.pdf(name, *args, **kwargs)

    ctx.documents = Counting()
    await run_hook(pm, "hub_order_released", ctx, **released("pickup", pickup_company="Ningbo Haulage Co.",
                                                             plate="浙B88888"))
    assert len(relay.received) == 2
    assert all(set(documents(mail)) == {"outbound-note-SO-1001.pdf", "loading-notice-SO-1001.pdf"}
               for _, mail in relay.received)
    assert sorted(rendered) == ["loading_notice", "outbound_note"]


async def test_a_paper_routed_where_it_has_nothing_to_say_is_not_attached(relay, settings):
    # ops route the loading notice with every release: a delivered order has none (it is a pickup's)
    pm = build("smtp", {**settings, "attachments": {"order_released": ["outbound_note", "loading_notice"]}})
    await run_hook(pm, "hub_order_released", make_ctx("notify.smtp"), **released())
    [(_, mail)] = relay.received
    assert set(documents(mail)) == {"outbound-note-SO-1001.pdf"}


async def test_the_outbound_note_reaches_no_one_until_the_warehouse_has_an_address(relay, settings):
    pm = build("smtp", {**settings, "roles": {}})
    await run_hook(pm, "hub_order_released", make_ctx("notify.smtp"), **released())
    assert relay.received == []


# --- the shipping notice and the back-order list (欠货清单) -------------------------------------------


async def test_a_shipment_leaving_a_line_short_sends_the_back_order_list_to_customer_and_planning(
        relay, settings, ledger):
    pm = build("smtp", settings)
    await run_hook(pm, "hub_order_shipped", make_ctx("notify.smtp", ledger), ledger, **shipped_short("zh-CN"))
    sent = mails(relay)
    assert set(sent) == {EMAIL, PLANNING}
    letter = sent[EMAIL]
    assert letter["Subject"] == "您的订单 SO-1001 已发货"
    assert "欠货清单见附件：#1 SOFA-3 灰色 × 1 → 2025-03-20" in text(letter)
    assert "送货单将于明日发送" in text(letter) and "此前的欠货" not in text(letter)
    # the back-order list, and no delivery note: that goes tomorrow
    [(name, listed)] = documents(letter).items()
    assert name == "back-order-list-SO-1001.pdf"
    assert has_row(listed, "发货单", "SH-1") and has_row(listed, "发货时间", "2025-03-04 10:00 (Asia/Shanghai)")
    assert has_row(listed, "1", "SOFA-3", "灰色", "3", "2", "1", "2025-03-20")
    assert "TABLE-OAK" not in listed
    planning = sent[PLANNING]
    assert planning["Subject"] == "欠货清单：订单 SO-1001（李雷）"
    assert "#1 SOFA-3 灰色 × 1 → 2025-03-20" in text(planning)
    assert has_row(documents(planning)["back-order-list-SO-1001.pdf"], "1", "SOFA-3", "灰色", "3", "2", "1",
                   "2025-03-20")


async def test_the_back_order_shipment_says_it_carries_the_back_order(relay, settings):
    # given the order shipped before, planning had the last sofa, and shipment SH-2 carries it
    args = shipped("en", carrier="SF Express", tracking_number="SF7654321", carrier_contact="Driver Zhang",
                   ref="SH-2", lines={1: Decimal(1)})
    sofa, table = reviewed("en")["order"].lines
    lines = (changed(sofa, available_qty=Decimal(3), back_order_qty=Decimal(0), back_order_eta=None,
                     shipped_qty=Decimal(3)), changed(table, shipped_qty=Decimal(1)))
    event = {**args, "order": changed(args["order"], lines=lines),
             "transition": changed(args["transition"], previous="shipped", data={"shipment_ref": "SH-2"})}
    pm = build("smtp", settings)
    # when its shipping notice goes out
    await run_hook(pm, "hub_order_shipped", make_ctx("notify.smtp"), **event)
    # then only the customer hears, of the back order arriving, with nothing attached
    [(recipients, mail)] = relay.received
    assert recipients == [EMAIL]
    assert "This shipment carries the back-ordered goods we owed you: #1 SOFA-3 灰色 × 1." in text(mail)
    assert "back-order list" not in text(mail) and documents(mail) == {}


async def test_a_later_shipment_of_a_short_order_is_its_own_letter(relay, settings, ledger):
    pm = build("smtp", settings)
    first = shipped_short("en")
    later = shipped_short("en", previous="shipped", data={"shipment_ref": "SH-2"})
    for event in (first, first, later):
        await run_hook(pm, "hub_order_shipped", make_ctx("notify.smtp", ledger), ledger, **event)
    assert sorted(r[0] for r, _ in relay.received) == [EMAIL, EMAIL, PLANNING, PLANNING]
    second = [m for r, m in relay.received if r == [EMAIL]][1]
    assert "This shipment carries the back-ordered goods" in text(second)
    assert "the back-order list is attached" in text(second)


# --- the delivery note (送货单) the day after -------------------------------------------------------


async def test_the_next_morning_the_customer_gets_the_delivery_note_of_the_shipment(relay, settings, ledger):
    # given the core's delivery_note timer for SH-1, which carried 2 sofas and the table
    args = arguments("hub_shipment_delivery_note_due")
    ship = shipment("zh-CN", lines={1: Decimal(2), 2: Decimal(1)}, carrier="SF Express", plate="浙B12345")
    event = dict(shipment=ship, order=shipped_short()["order"],
                 timer=changed(args["timer"], ref="SH-1"))
    pm = build("smtp", settings)
    for _ in range(2):  # delivered twice
        await run_hook(pm, "hub_shipment_delivery_note_due", make_ctx("notify.smtp", ledger), ledger, **event)
    [(recipients, mail)] = relay.received
    assert recipients == [EMAIL]
    assert mail["Subject"] == "订单 SO-1001 送货单（发货单 SH-1）"
    assert "由 SF Express 取走" in text(mail) and "您已知悉货品已由您指定的单位取走" in text(mail)
    note = documents(mail)["delivery-note-SH-1.pdf"]
    assert "送货单" in note and has_row(note, "发货单：SH-1", "订单号：SO-1001")
    assert has_row(note, "承运商", "SF Express") and has_row(note, "车牌号码", "浙B12345")
    assert has_row(note, "1", "SOFA-3", "灰色", "2", "1")
    assert has_row(note, "2", "TABLE-OAK", "oak, 1.6 m", "1")


# --- the whole way through the real hub ---------------------------------------------------------


async def test_the_hub_sends_each_letter_of_an_order_at_its_time(relay, settings, make_hub, sqlite_engine, clock):
    # given a hub with only the SMTP notifier (default routes) and a grade-B order, reviewed with a short line
    from hub.core.domain.inputs import NewCustomer, NewOrder, NewShipment
    from hub.core.runtime import Runtime
    from hub.core.store.tables import orders

    hub = await make_hub(sqlite_engine, plugins={"enabled": ["notify.smtp"], "notify.smtp": settings})
    runtime = Runtime(hub, inline_tries=1)
    await hub.create_customer(NewCustomer(code="C-1", name="Li Lei", grade="B", language="en", email=EMAIL,
                                          salesperson="Wang"))
    await hub.create_order(NewOrder(
        ref="SO-7", customer_code="C-1", promised_date="2026-03-20",
        lines=[{"product_code": "SOFA-3", "spec": "3-seat", "qty": 3, "unit_price": "4200"},
               {"product_code": "TABLE-OAK", "spec": "oak", "qty": 1, "unit_price": "1800"}],
        contact={"name": "Li Lei", "phone": "+86 138 0000 0001", "address": "1 Harbour Rd"}))

    async def state() -> str:
        async with hub.engine.connect() as conn:
            return (await conn.execute(sa.select(orders.c.state).where(orders.c.ref == "SO-7"))).scalar_one()

    def new_mails() -> list[tuple[str, str, set[str]]]:
        out = [(to, m["Subject"], set(documents(m))) for [to], m in relay.received]
        relay.received.clear()
        return out

    await hub.apply("order", "SO-7", "reviewed", {"lines": [
        {"line_no": 1, "available_qty": "2", "back_order_eta": "2026-03-20"}, {"line_no": 2, "available_qty": "1"}]})
    # when the review is handed off: the confirmation goes out and the order awaits its return
    await runtime.settle()
    assert new_mails() == [(EMAIL, "Order confirmation SO-7: please sign and return it today",
                            {"order-confirmation-SO-7.pdf"})]
    assert await state() == "awaiting_confirmation"
    # not back by 18:00 that day (17:00 in Shanghai when it went out): a reminder, then one each day
    clock.advance(minutes=59)
    await runtime.settle()
    assert new_mails() == []
    clock.advance(minutes=2)
    await runtime.settle()
    await runtime.settle()
    reminder = ("Reminder: the order confirmation SO-7 is not back yet", {"order-confirmation-SO-7.pdf"})
    assert new_mails() == [(EMAIL, *reminder)]
    clock.advance(days=1)
    await runtime.settle()
    assert new_mails() == [(EMAIL, *reminder)]
    # it comes back, is paid and finance approves: the warehouse gets the outbound note
    for event, data in [("confirmation_received", {}), ("payment_received", {"amount": "14400"}),
                        ("finance_approved", {"erp_ref": "SO-2026-9", "outbound_ref": "OUT-9"})]:
        await hub.apply("order", "SO-7", event, data)
    await runtime.settle()
    note = documents(relay.received[0][1])["outbound-note-SO-7.pdf"]
    assert has_row(note, "出库单号：OUT-9", "订单号：SO-7") and has_row(note, "ERP 单号", "SO-2026-9")
    assert re.search(r"财务审核\s+\d{4}-\d\d-\d\d \d\d:\d\d \(Asia/Shanghai\)", note), note
    assert new_mails() == [(WAREHOUSE, "成品出库表：订单 SO-7（送货）", {"outbound-note-SO-7.pdf"})]
    # the first shipment leaves a sofa short: the back-order list to the customer and planning
    clock.set(datetime(2026, 3, 9, 2, 0, tzinfo=UTC))  # Monday 10:00 in Shanghai
    await hub.create_shipment("SO-7", NewShipment(ref="SH-7", carrier="SF Express", tracking_number="SF7",
                                                  carrier_contact="Driver Wang", plate="浙B12345"))
    await runtime.settle()
    assert sorted(new_mails()) == [(EMAIL, "Your order SO-7 has shipped", {"back-order-list-SO-7.pdf"}),
                                   (PLANNING, "欠货清单：订单 SO-7（Li Lei）", {"back-order-list-SO-7.pdf"})]
    # the next morning at 09:00 the delivery note of that shipment
    clock.set(datetime(2026, 3, 10, 0, 59, tzinfo=UTC))
    await runtime.settle()
    assert new_mails() == []
    clock.set(datetime(2026, 3, 10, 1, 0, tzinfo=UTC))
    await runtime.settle()
    assert new_mails() == [(EMAIL, "Delivery note for your order SO-7 (shipment SH-7)", {"delivery-note-SH-7.pdf"})]
    # planning has the last sofa; its shipment's letter says it carries the back order
    await hub.apply("order", "SO-7", "back_order_ready", {"lines": [{"line_no": 1, "available_qty": "3"}]})
    await hub.create_shipment("SO-7", NewShipment(ref="SH-8", carrier="SF Express", tracking_number="SF8"))
    await runtime.settle()
    [(to, subject, attached)] = [(to, m["Subject"], set(documents(m))) for [to], m in relay.received]
    assert (to, subject, attached) == (EMAIL, "Your order SO-7 has shipped", set())
    assert "carries the back-ordered goods we owed you: #1 SOFA-3 3-seat × 1." in text(relay.received[0][1])
