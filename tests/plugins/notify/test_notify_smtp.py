"""notify.smtp against a real SMTP server (aiosmtpd) with STARTTLS and AUTH, started by the test
(the relay fixtures are in conftest.py)."""
from __future__ import annotations

from decimal import Decimal

import pytest
import structlog.testing
from notify_helpers import EMAIL, NOW, build, claim, customer, make_ctx, order, run_hook, shipped, transition
from pdf_reading import has_row, pdf_text

from hub import PermanentError, PluginConfigurationError, TransientError
from plugins.notify.common import fingerprint
from plugins.notify.smtp.mail import message_id

SHIPPED = dict(carrier="SF Express", tracking_number="SF1234567", carrier_contact="Driver Zhang 021-5555")


@pytest.fixture
def settings(relay, certificate, monkeypatch):
    monkeypatch.setenv("HUB_SMTP_PASSWORD", "secret")
    return {"host": "127.0.0.1", "port": relay.port, "security": "starttls", "ca_file": str(certificate[0]),
            "username": "hub", "password": {"env": "HUB_SMTP_PASSWORD"},
            "sender": "Service <service@furniture.example>", "reply_to": "cs@furniture.example",
            "roles": {"claims": ["claims@furniture.example"]},
            "routes": {"order_shipped": ["customer"], "order_delivered": ["customer"],
                       "claim_opened": ["customer", "claims"]}}


def documents(message) -> dict[str, str]:
    """The mail's attachments by file name, each the PDF of a hub document, as its text."""
    out = {}
    for part in message.iter_attachments():
        assert part.get_content_type() == "application/pdf", (part.get_filename(), part.get_content_type())
        out[part.get_filename()] = pdf_text(part.get_content())
    return out


async def test_shipped_order_mails_the_customer_in_chinese_without_the_delivery_note(relay, settings, ledger):
    # given
    pm = build("smtp", settings)
    ctx = make_ctx("notify.smtp", ledger)
    # when
    await run_hook(pm, "hub_order_shipped", ctx, ledger, **shipped("zh-CN", **SHIPPED))
    # then
    [(recipients, mail)] = relay.received
    assert recipients == [EMAIL] and mail["To"] == EMAIL
    assert mail["Subject"] == "您的订单 SO-1001 已发货"
    assert mail["Content-Language"] == "zh-CN"
    assert mail["Reply-To"] == "cs@furniture.example"
    assert mail["Message-ID"] == message_id("k1", fingerprint(EMAIL), "furniture.example")
    text = mail.get_body(("plain",)).get_content()
    assert "李雷 您好" in text and "Driver Zhang 021-5555" in text and "SF1234567" in text
    assert "Driver Zhang 021-5555" in mail.get_body(("html",)).get_content()
    # the delivery note goes the next day (hub_shipment_delivery_note_due), not with the shipping notice
    assert documents(mail) == {}
    assert "送货单将于明日发送" in text and "送货单见附件" not in text


async def test_a_redelivered_event_sends_no_second_mail(relay, settings, ledger):
    pm = build("smtp", settings)
    event = dict(order=order("en"), transition=transition("order", "SO-1001", "delivered"))
    for _ in range(2):
        await run_hook(pm, "hub_order_delivered", make_ctx("notify.smtp", ledger), ledger, **event)
    assert len(relay.received) == 1
    assert relay.received[0][1]["Subject"] == "Your order SO-1001 was delivered"


async def test_message_id_is_stable_across_attempts_of_one_delivery(relay, settings):
    pm = build("smtp", settings)
    event = dict(order=order("en"), transition=transition("order", "SO-1001", "delivered"))
    await run_hook(pm, "hub_order_delivered", make_ctx("notify.smtp", key="order:SO-1001:delivered"), **event)
    await run_hook(pm, "hub_order_delivered", make_ctx("notify.smtp", key="order:SO-1001:delivered"), **event)
    await run_hook(pm, "hub_order_delivered", make_ctx("notify.smtp", key="another-event"), **event)
    ids = [mail["Message-ID"] for _, mail in relay.received]
    assert ids[0] == ids[1] != ids[2]


async def test_claim_opened_sends_the_claim_form_to_the_customer_and_a_notice_to_claims(relay, settings, ledger):
    pm = build("smtp", settings)
    await run_hook(pm, "hub_claim_opened", make_ctx("notify.smtp", ledger), ledger, claim=claim("fr"),
                   transition=transition("claim", "CL-7", "opened"))
    mails = {tuple(rcpt): mail for rcpt, mail in relay.received}
    customer_mail = mails[(EMAIL,)]
    # a French-speaking customer gets the English letter: there is no French template
    assert customer_mail["Content-Language"] == "en"
    assert customer_mail["Subject"] == "Claim CL-7 opened: documents due by 2025-03-07 10:00 (Asia/Shanghai)"
    form = documents(customer_mail)["claim-form-CL-7.pdf"]
    assert "Claim form" in form and "Claim CL-7" in form and "Order SO-1001" in form
    assert has_row(form, "Due back by", "2025-03-07 10:00 (Asia/Shanghai)")
    internal = mails[("claims@furniture.example",)]
    assert internal["Subject"] == "新索赔：CL-7（订单 SO-1001）"  # internal notices in zh-CN
    assert documents(internal) == {}


@pytest.mark.parametrize(("fault", "last_approver"), [("carrier", "gm@furniture.example"),
                                                     ("company", "vp@furniture.example")])
async def test_the_claim_report_goes_to_the_approvers_attached_with_the_debt_figure(relay, settings, ledger, fault,
                                                                                    last_approver):
    # given the shipped default routes: the report to the customer-service manager and the GM (or the VP)
    roles = {"cs_manager": ["csm@furniture.example"], "general_manager": ["gm@furniture.example"],
             "vice_president": ["vp@furniture.example"]}
    pm = build("smtp", {**{k: v for k, v in settings.items() if k != "routes"}, "roles": roles})
    report = claim("en", state="settlement_proposed", amount_approved=Decimal("600"), fault=fault,
                   report_ref="CR-0012", report_issued_at=NOW, open_balance=Decimal("-1250.5"),
                   open_balance_currency="CNY", documents_received=("waybill",),
                   documents_missing=("commercial_invoice",))
    # when the report is issued
    await run_hook(pm, "hub_claim_report_issued", make_ctx("notify.smtp", ledger), ledger, claim=report,
                   order=order(), transition=transition("claim", "CL-7", "report_issued", note="photos match"))
    # then each approver has it in Chinese, the claim report attached, the customer nothing
    mails = {tuple(rcpt): mail for rcpt, mail in relay.received}
    assert set(mails) == {("csm@furniture.example",), (last_approver,)}
    mail = mails[(last_approver,)]
    assert mail["Subject"].startswith("理赔申请报告书 CL-7 待审批")
    document = documents(mail)["claim-report-CL-7.pdf"]
    assert "理赔申请报告书" in document and "报告编号：CR-0012" in document and "索赔编号：CL-7" in document
    assert has_row(document, "订单号", "SO-1001（订单金额 4,897.00 CNY）")
    assert has_row(document, "出具时间", "2025-03-04 10:00 (Asia/Shanghai)")
    assert has_row(document, "客户索赔金额", "1,200.00 CNY") and has_row(document, "建议赔付金额", "600.00 CNY")
    assert has_row(document, "客户欠款（财会部评估，负数表示客户有余额）", "-1,250.50 CNY")
    assert has_row(document, "运单", "☑") and has_row(document, "商业发票", "☐")
    assert "说明：photos match" in document
    # the last signature is the general manager's, or the vice-president's when the company is at fault
    vice_president = "我司原因：人力资源、客户服务及业务拓展副总经理审批："
    general_manager = "总经理（或授权代表）审批："
    assert (vice_president in document, general_manager in document) == (fault == "company", fault != "company")


async def test_a_vip_short_of_the_requirement_goes_to_the_sales_department_not_the_customer(relay, settings, ledger):
    # given the shipped default routes and a sales department's address
    roles = {"sales": ["sales@furniture.example"]}
    pm = build("smtp", {**{k: v for k, v in settings.items() if k != "routes"}, "roles": roles})
    # when the monthly review finds the month short (004: 发邮件予业务部门重新评估)
    moved = transition("customer", "C-001", "vip_reevaluation_requested", monthly_volume="62000.00",
                       threshold="100000.00", month="2026-03", measure="value")
    await run_hook(pm, "hub_customer_vip_reevaluation_requested", make_ctx("notify.smtp", ledger), ledger,
                   customer=customer(), transition=moved)
    # then only sales hears of it, with the month's volume against the requirement; no cancellation yet
    [(rcpt, mail)] = relay.received
    assert rcpt == ["sales@furniture.example"]
    body = mail.get_body(("plain",)).get_content()
    assert mail["Subject"].startswith("VIP 客户 C-001 未达标准")
    assert "2026-03 走货量：62000.00，VIP 标准：100000.00" in body and "vip_kept" in body


async def test_an_unrouted_milestone_sends_nothing(relay, settings):
    pm = build("smtp", settings)
    await run_hook(pm, "hub_claim_paid", make_ctx("notify.smtp"), claim=claim(),
                   transition=transition("claim", "CL-7", "paid"))
    assert relay.received == []


async def test_a_refused_login_is_a_configuration_error(relay, settings, monkeypatch):
    monkeypatch.setenv("HUB_SMTP_PASSWORD", "wrong")
    pm = build("smtp", settings)
    with pytest.raises(PluginConfigurationError, match="login refused"):
        await run_hook(pm, "hub_order_delivered", make_ctx("notify.smtp"), order=order(),
                       transition=transition("order", "SO-1001", "delivered"))
    assert relay.received == []


@pytest.mark.parametrize(("reply", "error"), [
    (f"550 5.1.1 <{EMAIL}>: Recipient address rejected", PermanentError),
    ("451 4.7.1 Greylisted, try again later", TransientError),
])
async def test_refused_recipients_map_to_permanent_or_transient(relay, settings, reply, error):
    relay.rcpt_reply = reply
    pm = build("smtp", settings)
    with pytest.raises(error) as raised:
        await run_hook(pm, "hub_order_delivered", make_ctx("notify.smtp"), order=order(),
                       transition=transition("order", "SO-1001", "delivered"))
    assert EMAIL not in str(raised.value) and raised.value.__cause__ is None


async def test_an_unreachable_relay_is_transient(settings, relay):
    pm = build("smtp", {**settings, "port": 1})
    with pytest.raises(TransientError):
        await run_hook(pm, "hub_order_delivered", make_ctx("notify.smtp"), order=order(),
                       transition=transition("order", "SO-1001", "delivered"))


async def test_no_address_reaches_a_log_line(relay, settings, ledger):
    pm = build("smtp", settings)
    event = dict(claim=claim(), transition=transition("claim", "CL-7", "opened"))
    with structlog.testing.capture_logs() as logs:
        for _ in range(2):
            await run_hook(pm, "hub_claim_opened", make_ctx("notify.smtp", ledger), ledger, **event)
        relay.rcpt_reply = f"550 5.1.1 <{EMAIL}>: Recipient address rejected"
        with pytest.raises(PermanentError) as failed:
            await run_hook(pm, "hub_order_delivered", make_ctx("notify.smtp", ledger), ledger, order=order(),
                           transition=transition("order", "SO-1001", "delivered"))
    assert [e["event"] for e in logs].count("notify.sent") == 2
    printed = repr(logs) + str(failed.value)
    assert EMAIL not in printed and "claims@furniture.example" not in printed and "李雷" not in printed


async def test_the_shipped_letter_of_an_order_shipped_through_the_api_names_its_carrier(
        relay, settings, aiohttp_client, tmp_path):
    # given a hub with only the SMTP notifier, and an order released through the API
    from hub.app import create_app
    from hub.core.config import HubConfig
    from hub.core.runtime import Runtime
    from hub.web import keys

    config = HubConfig(data_dir=tmp_path, plugins={"enabled": ["notify.smtp"], "notify.smtp": settings})
    app = create_app(config, run_background=False)
    client = await aiohttp_client(app)
    from hub_testing import TESTER_TOKEN, seed_tester
    await seed_tester(app[keys.HUB].engine)  # finance approves the posting: a user holding the roles
    auth = {"Authorization": f"Bearer {TESTER_TOKEN}"}
    order = {"ref": "SO-MAIL-1", "customer": {"code": "C-MAIL", "name": "Mail Buyer", "grade": "B",
                                              "language": "en", "email": EMAIL},
             "lines": [{"product_code": "SOFA-3", "spec": "3-seat", "qty": 2, "unit_price": "4200"}],
             "contact": {"name": "Li Lei", "phone": "+86 138 0000 0001", "address": "1 Harbour Rd"}}
    assert (await client.post("/api/orders", json=order, headers=auth)).status == 201
    for event, data in [("reviewed", {"lines": [{"line_no": 1, "available_qty": "2"}]}), ("confirmation_sent", {}),
                        ("confirmation_received", {}), ("payment_received", {"amount": "8400"}),
                        ("finance_approved", {"erp_ref": "SO-2026-9"})]:
        reply = await client.post("/api/orders/SO-MAIL-1/events", json={"event": event, "data": data}, headers=auth)
        assert reply.status == 200, await reply.text()
    # when the warehouse books the shipment with the carrier's details
    reply = await client.post("/api/orders/SO-MAIL-1/shipments", headers=auth, json={
        "ref": "SH-MAIL-1", "carrier": "SF Express", "tracking_number": "SF7654321",
        "carrier_contact": "Driver Wang 139-0000-1111", "plate": "浙B12345"})
    assert reply.status == 201
    await Runtime(app[keys.HUB], inline_tries=1).settle()
    # then the customer's letter, received by the real SMTP server, says who brings the goods
    shipped_mail = [m for _, m in relay.received if "SO-MAIL-1" in m["Subject"]]
    assert len(shipped_mail) == 1
    text = shipped_mail[0].get_body(("plain",)).get_content()
    assert "Carrier: SF Express" in text and "Tracking number: SF7654321" in text
    assert "Driver / carrier contact: Driver Wang 139-0000-1111" in text and "Vehicle plate: 浙B12345" in text
    assert ": -" not in text
