"""Templates: every milestone in both shipped languages, language choice, ops overrides, escaping."""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from notify_helpers import NOW, claim, customer, make_ctx, order, sample, shipped
from pdf_reading import has_row, pdf_text

from hub import PluginConfigurationError
from plugins.notify.common import CUSTOMER, INTERNAL, QuietHours, TemplateStore, build_notice, render_document

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("language", ["zh-CN", "en"])
@pytest.mark.parametrize(("audience", "milestone"),
                         [("customer", m) for m in sorted(CUSTOMER)] + [("internal", m) for m in sorted(INTERNAL)])
def test_every_milestone_renders_in_each_shipped_language(audience, milestone, language):
    notice = build_notice(milestone, sample(milestone), None, SHANGHAI)
    rendered = TemplateStore().render_message(audience, notice, language)
    assert rendered.language == language
    assert rendered.subject and "$" not in rendered.subject + rendered.text + rendered.html
    assert rendered.subject in rendered.html


@pytest.mark.parametrize(("requested", "chosen"), [
    ("zh-CN", "zh-CN"), ("zh_cn", "zh-CN"), ("zh", "zh-CN"), ("en-GB", "en"), ("fr", "en"), (None, "en")])
def test_customer_language_picks_the_template_falling_back_to_english(requested, chosen):
    assert TemplateStore().resolve_language(requested) == chosen


def test_ops_override_wins_and_other_templates_stay_shipped(tmp_path):
    # given an ops folder that rewrites only the English shipped letter
    (tmp_path / "en" / "customer").mkdir(parents=True)
    (tmp_path / "en" / "customer" / "order_shipped.txt").write_text(
        "Subject: On its way: $order_ref\n\nCall $carrier_contact for the delivery slot.\n")
    store = TemplateStore(tmp_path)
    args = shipped("en", carrier_contact="Driver Zhang 021-5555")
    notice = build_notice("order_shipped", args["order"], args["transition"], SHANGHAI,
                          related={"shipment": args["shipment"]})
    # when / then
    assert store.render_message("customer", notice, "en").subject == "On its way: SO-1001"
    assert "Call Driver Zhang 021-5555" in store.render_message("customer", notice, "en").text
    assert store.render_message("customer", notice, "zh-CN").subject == "您的订单 SO-1001 已发货"


def test_an_override_with_an_unknown_variable_names_it(tmp_path):
    (tmp_path / "en" / "customer").mkdir(parents=True)
    (tmp_path / "en" / "customer" / "order_delivered.txt").write_text("Subject: $ordre_ref\n\nx\n")
    notice = build_notice("order_delivered", order("en"), None, SHANGHAI)
    with pytest.raises(PluginConfigurationError, match=r"\$ordre_ref"):
        TemplateStore(tmp_path).render_message("customer", notice, "en")


def test_html_escapes_customer_values_but_text_keeps_them():
    notice = build_notice("order_delivered", order("en", customer=customer("en", name="<b>Bob</b>")), None,
                          SHANGHAI)
    rendered = TemplateStore().render_message("customer", notice, "en")
    assert "&lt;b&gt;Bob&lt;/b&gt;" in rendered.html and "<b>Bob" not in rendered.html
    assert "Dear <b>Bob</b>," in rendered.text


@pytest.mark.parametrize(("language", "title", "due"), [("zh-CN", "申请赔偿表", "回传期限"),
                                                         ("en", "Claim form", "Due back by")])
async def test_claim_form_carries_the_deadline_in_local_time(language, title, due):
    notice = build_notice("claim_opened", claim(language), None, SHANGHAI)
    form = await render_document(make_ctx("notify.smtp"), "claim_form", notice, language)
    assert (form.filename, form.mime_type) == ("claim-form-CL-7.pdf", "application/pdf")
    text = pdf_text(form.content)
    # due 02:00 UTC: 10:00 in Shanghai, the hub's zone, said beside it
    assert title in text and has_row(text, due, "2025-03-07 10:00 (Asia/Shanghai)")


@pytest.mark.parametrize(("local", "ends"), [
    (datetime(2025, 3, 4, 22, 30), datetime(2025, 3, 5, 8, 0)),
    (datetime(2025, 3, 5, 7, 59), datetime(2025, 3, 5, 8, 0)),
    (datetime(2025, 3, 5, 21, 0), datetime(2025, 3, 6, 8, 0)),
    (datetime(2025, 3, 5, 8, 0), None),
    (datetime(2025, 3, 5, 12, 0), None),
])
def test_quiet_hours_end_in_the_morning(local, ends):
    until = QuietHours().ends_at(local.replace(tzinfo=SHANGHAI), SHANGHAI)
    assert until == (ends.replace(tzinfo=SHANGHAI) if ends else None)


def test_quiet_hours_within_one_day():
    lunch = QuietHours(start=time(12), end=time(13, 30))
    assert lunch.ends_at(datetime(2025, 3, 5, 12, 10, tzinfo=SHANGHAI), SHANGHAI) == \
        datetime(2025, 3, 5, 13, 30, tzinfo=SHANGHAI)
    assert lunch.ends_at(NOW, SHANGHAI) is None


def test_a_fragment_that_does_not_apply_leaves_no_gap_and_ops_can_reword_one(tmp_path):
    # given an ops folder rewording the back-order paragraph of the English shipped letter
    from decimal import Decimal

    from notify_helpers import changed

    (tmp_path / "en" / "customer" / "fragments").mkdir(parents=True)
    (tmp_path / "en" / "customer" / "fragments" / "back_order_remaining.txt").write_text(
        "Still owed to you: $back_order_summary\n")
    args = shipped("en")
    short = changed(args["order"].lines[0], back_order_qty=Decimal(1))
    for lines, expected in [(args["order"].lines, None), ((short, args["order"].lines[1]), "Still owed to you: #1")]:
        notice = build_notice("order_shipped", changed(args["order"], lines=lines), args["transition"], SHANGHAI,
                              related={"shipment": args["shipment"]})
        text = TemplateStore(tmp_path).render_message("customer", notice, "en").text
        assert "\n\n\n" not in text
        assert (expected in text) if expected else ("Still owed" not in text and "back-order" not in text)


def test_smtp_default_routes_may_name_roles_nobody_filled_in_but_written_routes_may_not():
    from hub.core.errors import ConfigError
    from notify_helpers import build

    smtp = {"host": "127.0.0.1", "sender": "hub@furniture.example"}
    build("smtp", smtp)  # the defaults route the outbound note to 'warehouse', the back orders to 'planning'
    with pytest.raises(ConfigError, match="unknown targets"):
        build("smtp", {**smtp, "routes": {"order_released": ["warehouse"]}})
    build("smtp", {**smtp, "roles": {"warehouse": ["wh@furniture.example"]},
                   "routes": {"order_released": ["warehouse"]}})
