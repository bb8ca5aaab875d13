"""The paper the manuals run on, as PDF through the API: every document of an order, a shipment and a
claim renders in zh-CN and en, with the company's letterhead, the entity's references and the
Chinese headings read back by pdftotext, the CJK font embedded; what is not applicable yet is said
(409), what does not exist is 404. The first page of each is saved as test-artifacts/documents/*.png."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from hub.app import create_app
from hub.core.config import HubConfig
from hub.core.documents import KINDS
from hub.core.runtime import Runtime
from hub.web import keys

from pdf_reading import pdf_fonts, pdf_text, save_first_page

from .test_web_orders_api import get, post, shipped_order
from .web_support import AUTH, PLUGINS, shanghai

ORDER, SHIPMENT, CLAIM = "SO-DOC-1", "SH-DOC-1", "CL-DOC-1"
# A 1x1 PNG: the company's logo in the letterhead.
LOGO = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                     "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082")


@pytest.fixture
async def served(aiohttp_client: Any, tmp_path: Path, migrated_db: Path, clock: Any) -> Any:
    (tmp_path / "hub.sqlite3").write_bytes(migrated_db.read_bytes())
    (tmp_path / "logo.png").write_bytes(LOGO)
    # one sofa on hand of the two ordered: the other is owed (欠货) until planning's date
    short = {**PLUGINS, "erp.sandbox": {"stock": {"SOFA-3": "1"}, "prices": {"SOFA-3": "4200"},
                                        "incoming": {"SOFA-3": {"qty": "5", "eta": "2026-03-20"}}}}
    config = HubConfig(data_dir=tmp_path, plugins=short, documents={
        "company_name": "广州示范家具有限公司", "company_name_en": "Guangzhou Demo Furniture Co., Ltd.",
        "address": "广州市天河区示范路 1 号", "phone": "020-1234 5678", "logo": str(tmp_path / "logo.png")})
    app = create_app(config, clock=clock, run_background=False)
    client = await aiohttp_client(app)
    runtime = Runtime(app[keys.HUB], inline_tries=1)
    clock.set(shanghai(2026, 3, 2, 9))
    await shipped_order(client, runtime, ORDER, SHIPMENT, "TN-DOC-1")
    status, body = await post(client, "/api/claims", {"ref": CLAIM, "order_ref": ORDER, "shipment_ref": SHIPMENT,
                                                      "kind": "damage", "amount_claimed": "800"})
    assert status == 201, body
    for event, data in (("documents_received", {"documents": ["waybill", "loss_evidence_photos"]}),
                        ("departments_answered", {}), ("amount_agreed", {"amount": "600"})):
        status, body = await post(client, f"/api/claims/{CLAIM}/events", {"event": event, "data": data})
        assert status == 200, body
    return client


async def pdf(client: Any, path: str) -> tuple[int, bytes, Any]:
    reply = await client.get(path, headers=AUTH)
    return reply.status, await reply.read(), reply.headers


# Per document: what its first page must say in Chinese (the heading, labels of the manuals' forms).
CHINESE = {
    "order_confirmation": ("订单确认书", "签字盖章后于当日回传", "交货方式"),
    "back_order_list": ("欠货清单", "预计到货日", "2026-03-20"),
    "outbound_note": ("成品出库表", "出库方式"),
    "loading_notice": ("装车通知单", "提货单位", "车牌号码"),
    "delivery_note": ("送货单", "3 天内清点数量并检验", "TN-DOC-1"),
    "claim_form": ("申请赔偿表", "签收单", "运单"),
    "claim_report": ("理赔申请报告书", "客户服务部经理审批", "600.00"),
}
ENTITY_REF = {"order": ("orders", ORDER), "shipment": ("shipments", SHIPMENT), "claim": ("claims", CLAIM)}


async def test_every_document_renders_in_both_languages_with_the_letterhead_and_the_references(served):
    client = served
    rendered = set()
    for name, kind in KINDS.items():
        plural, ref = ENTITY_REF[kind.entity]
        if name == "loading_notice":
            continue  # the order is delivered: its loading notice is the pickup order's (below)
        for language in ("zh-CN", "en"):
            status, body, headers = await pdf(client, f"/api/{plural}/{ref}/documents/{name}.pdf?lang={language}")
            assert status == 200, (name, body[:300])
            assert headers["Content-Type"] == "application/pdf" and headers["Content-Language"] == language
            assert f'filename="{kind.filename(ref)}"' in headers["Content-Disposition"]
            text = pdf_text(body)
            assert ref in text, (name, language, text)
            assert kind.title(language) in text
            if language == "zh-CN":
                for shown in CHINESE[name]:
                    assert shown in text, (name, shown, text)
                assert "广州示范家具有限公司" in text and "020-1234 5678" in text
            else:
                assert "Guangzhou Demo Furniture Co., Ltd." in text
            # the Chinese is drawn in an embedded (subset) CJK font, not left to the reader's machine
            assert re.search(r"Noto-Sans-CJK\S*\s.*\syes\s+yes\s+yes", pdf_fonts(body)), pdf_fonts(body)
            save_first_page(body, f"{name}.{language}")
            rendered.add(name)
    assert rendered == set(KINDS) - {"loading_notice"}


async def test_the_documents_show_the_entitys_own_figures(served):
    client = served
    _, body, _ = await pdf(client, f"/api/orders/{ORDER}/documents/order_confirmation.pdf")
    text = pdf_text(body)  # the customer's language by default (zh-CN), their lines, prices and the deposit
    assert "SOFA-3" in text and "1,000.00" in text and "☑ 送货" in text and "☐ 自提" in text
    # the outbound note says when finance released the order, the back-order list which shipment left short
    _, body, _ = await pdf(client, f"/api/orders/{ORDER}/documents/outbound_note.pdf")
    assert re.search(r"财务审核\s+2026-03-02 \d\d:\d\d \(Asia/Shanghai\)", pdf_text(body)), pdf_text(body)
    _, body, _ = await pdf(client, f"/api/orders/{ORDER}/documents/back_order_list.pdf")
    text = pdf_text(body)
    assert re.search(r"发货单\s+SH-DOC-1", text) and re.search(r"发货时间\s+2026-03-02", text), text
    _, body, _ = await pdf(client, f"/api/claims/{CLAIM}/documents/claim_report.pdf?lang=en")
    text = pdf_text(body)
    assert "800.00 CNY" in text and "600.00 CNY" in text and "General manager" in text
    # the documents in are ticked, the rest are not
    assert re.search(r"Waybill\s+☑", text) and re.search(r"Commercial invoice\s+☐", text), text


async def test_a_pickup_order_has_its_loading_notice_and_its_outbound_note_marked_pickup(served):
    client = served
    order = {"ref": "SO-DOC-PICK", "customer": {"code": "C-WEB", "name": "Web Customer", "grade": "B"},
             "lines": [{"product_code": "SOFA-3", "qty": "2", "unit_price": "500"}],
             "delivery_mode": "pickup", "contact": {"name": "赵师傅", "phone": "13800000000",
                                                     "pickup_company": "顺达物流", "plate": "粤A12345"}}
    status, body = await post(client, "/api/orders", order)
    assert status == 201, body
    status, listed = await get(client, "/api/orders/SO-DOC-PICK/documents")
    assert status == 200
    available = {item["kind"]: item["available"] for item in listed["items"]}
    assert available == {"order_confirmation": True, "back_order_list": False, "outbound_note": True,
                         "loading_notice": True}
    for language in ("zh-CN", "en"):
        status, body, _ = await pdf(client, f"/api/orders/SO-DOC-PICK/documents/loading_notice.pdf?lang={language}")
        assert status == 200, body[:300]
        text = pdf_text(body)
        assert "SO-DOC-PICK" in text and "粤A12345" in text and "顺达物流" in text
        if language == "zh-CN":
            assert "装车通知单" in text and "提货单位" in text
        save_first_page(body, f"loading_notice.{language}")
    _, body, _ = await pdf(client, "/api/orders/SO-DOC-PICK/documents/outbound_note.pdf")
    text = pdf_text(body)
    assert "☐ 送货" in text and "☑ 自提" in text and "粤A12345" in text


async def test_listing_says_what_applies_and_errors_are_clear(served):
    client = served
    status, listed = await get(client, f"/api/claims/{CLAIM}/documents")
    assert status == 200 and listed["entity"] == "claim"
    assert [(i["kind"], i["available"], i["url"]) for i in listed["items"]] == [
        ("claim_form", True, f"/api/claims/{CLAIM}/documents/claim_form.pdf"),
        ("claim_report", True, f"/api/claims/{CLAIM}/documents/claim_report.pdf")]
    status, listed = await get(client, f"/api/orders/{ORDER}/documents")
    reasons = {i["kind"]: i["unavailable_reason"] for i in listed["items"]}
    assert reasons["loading_notice"] == "the order is delivered, not collected (自提)"
    # a document the order has nothing to say in: 409 naming why
    status, body, _ = await pdf(client, f"/api/orders/{ORDER}/documents/loading_notice.pdf")
    assert status == 409 and b"not collected" in body
    # a document of another entity, an unknown one, an unknown order, a bad language: 404 / 404 / 404 / 422
    for path, expected in ((f"/api/orders/{ORDER}/documents/claim_form.pdf", 404),
                           (f"/api/orders/{ORDER}/documents/invoice.pdf", 404),
                           ("/api/orders/SO-NONE/documents/order_confirmation.pdf", 404),
                           ("/api/orders/SO-NONE/documents", 404),
                           (f"/api/orders/{ORDER}/documents/order_confirmation.pdf?lang=fr", 422),
                           (f"/api/orders/{ORDER}/documents/order_confirmation.pdf?colour=red", 422)):
        status, body, headers = await pdf(client, path)
        assert status == expected, (path, status, body[:200])
        assert headers["Content-Type"].startswith("application/json")
    reply = await client.get(f"/api/orders/{ORDER}/documents/order_confirmation.pdf")
    assert reply.status == 401  # no token, no paper


async def test_ops_templates_replace_the_built_in_ones(aiohttp_client, tmp_path, migrated_db, clock):
    (tmp_path / "hub.sqlite3").write_bytes(migrated_db.read_bytes())
    override = tmp_path / "paper"
    (override / "zh-CN").mkdir(parents=True)
    (override / "zh-CN" / "order_confirmation.html").write_text(
        '{% extends "base.html" %}{% block content %}<p>本公司专用格式 {{ order.ref }}</p>{% endblock %}',
        encoding="utf-8")
    config = HubConfig(data_dir=tmp_path, plugins=PLUGINS, documents={"templates_dir": str(override)})
    client = await aiohttp_client(create_app(config, clock=clock, run_background=False))
    status, body = await post(client, "/api/orders", {
        "ref": "SO-OWN", "customer": {"code": "C-OWN", "name": "Own", "grade": "A"},
        "lines": [{"product_code": "P", "qty": "1", "unit_price": "1"}]})
    assert status == 201, body
    _, zh, _ = await pdf(client, "/api/orders/SO-OWN/documents/order_confirmation.pdf?lang=zh-CN")
    _, en, _ = await pdf(client, "/api/orders/SO-OWN/documents/order_confirmation.pdf?lang=en")
    assert "本公司专用格式 SO-OWN" in pdf_text(zh) and "示例有限公司" in pdf_text(zh)  # ops' page, the base letterhead
    assert "Please check products" in pdf_text(en)  # no English override: the built-in one
