"""Kuaidi100 pushes through the plugin's webhook hooks: signature, canonical state, substatus and
flags for every fixture, duplicates and re-pushes, and every row of the mapping table."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from carrier_fakes import md5_upper
from carrier_support import FORM, KUAIDI100, SALT, build, fixture, form_body
from structlog.testing import capture_logs

from hub import WebhookRejected
from hub.core import tracking
from hub.core.lifecycle.shipment import ShipmentState
from plugins.carrier.kuaidi100 import units
from plugins.carrier.kuaidi100.tracking import classify

SOURCE = "carrier.kuaidi100"
SETTINGS = {"key": "k100-test-key", "salt": SALT, "callback_url": "https://hub.example/webhooks/carrier.kuaidi100"}


@pytest.fixture
def pm():
    return build(KUAIDI100, SETTINGS)


def push(pm, form: dict[str, str], headers: dict[str, str] = FORM):
    body = form_body(form)
    receipt = pm.hook.hub_webhook_verify(source=SOURCE, headers=headers, body=body)
    return receipt, pm.hook.hub_webhook_parse(source=SOURCE, headers=headers, body=body)


def signed(param: dict) -> dict[str, str]:
    text = json.dumps(param, ensure_ascii=False)
    return {"param": text, "sign": md5_upper(text + SALT)}


@pytest.mark.parametrize("name", ["kuaidi100_push_signed", "kuaidi100_customs", "kuaidi100_refused"])
def test_each_signed_fixture_gives_its_expected_state(pm, name: str) -> None:
    data = fixture(name)
    expected = data["_fixture"]["expected"]
    receipt, [update] = push(pm, data["request"]["form"])
    result = tracking.merge("booked", [], list(update.events))
    assert result.state == expected["canonical_status"]
    assert result.substatus == expected.get("substatus")
    assert (result.state == "delivered") is expected.get("delivered", False)
    assert ("needs_action" in result.flags) is expected.get("is_exception", name == "kuaidi100_refused")
    assert json.loads(receipt.reply_body) == data["_fixture"]["expected_http_response"]["body"]


def test_a_regular_push_keeps_every_event_and_the_subscription_active(pm) -> None:
    expected = fixture("kuaidi100_push_signed")["_fixture"]["expected"]
    _, [update] = push(pm, fixture("kuaidi100_push_signed")["request"]["form"])
    assert len(update.events) == expected["events_count"]
    assert update.subscription == expected["subscription_state"]
    newest = max(e.occurred_at for e in update.events)
    assert newest == datetime(2026, 3, 2, 22, 12, 45, tzinfo=UTC)  # 2026-03-03 06:12:45 China time
    assert update.carrier == "shunfeng" and update.tracking_number == "SF1000000000001"


def test_a_tampered_push_is_rejected_with_401_before_anything_is_parsed(pm) -> None:
    with pytest.raises(WebhookRejected) as rejected:
        pm.hook.hub_webhook_verify(source=SOURCE, headers=FORM,
                                   body=form_body(fixture("kuaidi100_push_bad_sign")["request"]["form"]))
    assert rejected.value.status == 401


def test_sign_is_compared_case_insensitively(pm) -> None:
    form = dict(fixture("kuaidi100_push_signed")["request"]["form"])
    form["sign"] = form["sign"].lower()
    receipt, _ = push(pm, form)
    assert receipt.reply_status == 200


def test_resends_carry_the_same_event_id_so_the_core_stores_them_once(pm) -> None:
    deliveries = fixture("seq_kuaidi100_duplicates")["deliveries"]
    ids = [push(pm, d["form"])[0].event_id for d in deliveries]
    assert ids[1] == ids[2] and len(set(ids)) == 3


def test_duplicates_and_full_re_pushes_give_one_notification_per_milestone(pm) -> None:
    data = fixture("seq_kuaidi100_duplicates")
    state, known, milestones = "booked", [], []
    for delivery, expected in zip(data["deliveries"], data["_fixture"]["expected_per_delivery"], strict=True):
        _, [update] = push(pm, delivery["form"])
        result = tracking.merge(state, known, list(update.events))
        assert (result.state, len(result.new_events)) == (expected["canonical_status"], expected["new_events"])
        if result.changed and result.state not in milestones:  # the core's once-per-state rule
            milestones.append(result.state)
        state, known = result.state, known + result.new_events
    final = data["_fixture"]["expected_final"]
    assert (state, result.substatus, len(known)) == (final["canonical_status"], final["substatus"],
                                                     final["events_count"])
    assert milestones == list(final["notifications_sent"])


def test_abort_stops_monitoring_and_never_becomes_a_shipment_state(pm) -> None:
    _, [update] = push(pm, signed({"status": "abort", "message": "3天查询无记录", "autoCheck": "0",
                                   "lastResult": {"nu": "YT9", "com": "yuantong", "state": "0", "data": []}}))
    assert update.subscription == "stopped"
    assert update.events == ()


def test_a_corrected_carrier_code_is_reported(pm) -> None:
    _, [update] = push(pm, signed({"status": "polling", "autoCheck": "1", "comOld": "yuantong", "comNew": "yunda",
                                   "lastResult": {"nu": "YD1", "com": "yuantong", "state": "0", "data": []}}))
    # the shipment is found under the company it was booked with; the core applies the correction
    assert (update.carrier, update.carrier_code) == ("yuantong", "yunda")


def test_numbers_where_strings_are_documented_are_accepted(pm) -> None:
    item = {"ftime": "2026-03-06 10:31:00", "context": "海关查验", "status": "清关"}
    _, [update] = push(pm, signed({"status": "polling",
                                   "lastResult": {"nu": "EMS1", "com": "ems", "state": 13, "data": [item]}}))
    assert (update.events[0].state, update.events[0].substatus) == ("customs", "customs_hold")


def test_an_item_keeps_its_code_when_newer_items_push_it_down(pm) -> None:
    # The core dedupes on the code, so the same scan must not change code between pushes.
    seq = fixture("seq_kuaidi100_duplicates")["deliveries"]
    first = {e.description: e.code for e in push(pm, seq[0]["form"])[1][0].events}
    second = {e.description: e.code for e in push(pm, seq[1]["form"])[1][0].events}
    assert all(second[text] == code for text, code in first.items())


@pytest.mark.parametrize(("body", "headers", "status"), [
    (b"garbage", FORM, 400),
    (b"sign=ABC", FORM, 400),
    (b"param=%7B%7D", FORM, 401),
    (b"param=%FF%FE&sign=A", FORM, 400),
    (b'{"param": "x"}', {"content-type": "application/json"}, 400),
], ids=["not-a-form", "no-param", "no-sign", "not-utf8", "json-instead-of-form"])
def test_malformed_callbacks_are_rejected_with_the_reason(pm, body: bytes, headers: dict, status: int) -> None:
    with pytest.raises(WebhookRejected) as rejected:
        pm.hook.hub_webhook_verify(source=SOURCE, headers=headers, body=body)
    assert rejected.value.status == status and rejected.value.reason


def test_a_signed_param_that_is_not_tracking_is_rejected_with_400(pm) -> None:
    for param in ("not json", json.dumps({"status": "polling"})):
        with pytest.raises(WebhookRejected) as rejected:
            push(pm, {"param": param, "sign": md5_upper(param + SALT)})
        assert rejected.value.status == 400


def test_other_sources_are_left_to_their_plugins(pm) -> None:
    body = form_body(fixture("kuaidi100_push_signed")["request"]["form"])
    assert pm.hook.hub_webhook_verify(source="carrier.dhl", headers=FORM, body=body) is None
    assert pm.hook.hub_webhook_parse(source="carrier.dhl", headers=FORM, body=body) is None


# Every row of reference/carriers.md §5.3 for Kuaidi100: (code, state name, context) → (state, substatus).
ROWS = [
    ("K2", "1", "揽收", "已下单", "booked", "info_received"),
    ("K3", "103", "揽收", "已揽收", "in_transit", "picked_up"),
    ("K3b", "1001", "在途", "到达【广州转运中心】", "in_transit", "arrived_in_destination_city"),
    ("K4", "1003", "在途", "已转递至新地址", "in_transit", "rerouted"),
    ("K5", "5", "派件", "正在为您派件", "out_for_delivery", None),
    ("K6", "501", "派件", "已放入快递柜", "available_for_pickup", "locker_or_station"),
    ("K7", "301", "签收", "本人签收", "delivered", "delivered_to_consignee"),
    ("K8", "3", "签收", "已由【菜鸟驿站】代收", "delivered", "delivered_to_agent_or_locker"),
    ("K8b", "304", "签收", "投柜签收", "delivered", "delivered_to_agent_or_locker"),
    ("K9", "7", "转投", "已转投至其他快递", "handed_off", "transferred_to_other_carrier"),
    ("K9b", "", "", "快件已转投中国邮政", "handed_off", "transferred_to_other_carrier"),
    ("K10", "11", "清关", "进口清关中", "customs", "clearance_in_progress"),
    ("K10b", "", "清关", "到达海关", "customs", "clearance_in_progress"),
    ("K11", "12", "清关", "已清关", "in_transit", "clearance_complete"),
    ("K12", "13", "清关", "海关查验", "customs", "customs_hold"),
    ("K13", "14", "拒签", "收件人拒收", "exception", "refused"),
    ("K13b", "203", "疑难", "拒收，待寄件人确认", "exception", "refused"),
    ("K14", "6", "退回", "快件退回中", "returning_to_sender", None),
    ("K15", "4", "退签", "寄件人已签收退件", "returned_to_sender", "returned"),
    ("K16", "401", "", "已销单", "cancelled", None),
    ("K17", "209", "疑难", "快件异常", "exception", "damaged"),
    ("K17b", "0", "在途", "外包装破损，已加固", "exception", "damaged"),
    ("K17c", "5", "派件", "如有破损请当面拒收", "out_for_delivery", None),
    ("K18", "3", "签收", "部分签收，少件2件", "exception", "shortage"),
    ("K19", "204", "疑难", "派件异常", "attempt_failed", "delivery_exception"),
    ("K20", "208", "疑难", "滞留", "exception", "held_at_depot"),
    ("unmapped", "", "", "请联系客服", None, None),
]


@pytest.mark.parametrize(("row", "code", "name", "context", "state", "substatus"), ROWS, ids=[r[0] for r in ROWS])
def test_mapping_row(row: str, code: str, name: str, context: str, state: str | None, substatus: str | None) -> None:
    meaning, review = classify(code, name, context)
    assert (meaning.state, meaning.substatus) == (state, substatus)
    assert review is (row == "unmapped")


def test_every_mapped_state_is_a_shipment_state() -> None:
    meanings = [*units.STATE_CODES.values(), *(r.meaning for r in units.OVERRIDE_RULES + units.FALLBACK_RULES
                                               + units.DELIVERED_RULES)]
    assert {m.state for m in meanings if m.state} <= {s.value for s in ShipmentState}


def test_an_unmapped_wording_is_logged_once_without_names_or_phones(pm) -> None:
    item = {"ftime": "2026-03-06 10:31:00", "context": "请联系客服，联系人：王五 13912345678"}
    form = signed({"status": "polling", "lastResult": {"nu": "ZT9", "com": "zhongtong", "state": "", "data": [item]}})
    with capture_logs() as logs:
        for _ in range(2):
            _, [update] = push(pm, form)
    reviews = [log for log in logs if log["event"] == "carrier.unmapped_description"]
    assert len(reviews) == 1 and reviews[0]["text"].startswith("请联系客服")
    assert "王五" not in str(logs) and "13912345678" not in str(logs)
    assert update.events[0].state is None  # kept as an event, moving nothing
