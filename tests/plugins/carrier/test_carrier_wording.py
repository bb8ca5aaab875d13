"""Carrier wordings the first tables missed, each written from the carrier's documented texts."""
from __future__ import annotations

import pytest

from plugins.carrier.common.text import forwarding, redact
from plugins.carrier.dhl.tracking import classify as dhl_classify
from plugins.carrier.kuaidi100.tracking import classify as k100_classify
from plugins.carrier.kuaidi100.tracking import parse_result as k100_parse_result

# DHL Express checkpoints (WC, CC), DHL Parcel (Packstation, retail outlet) and eCommerce texts.
DHL = [
    ("transit", "Shipment held by customs pending documents", "customs", "customs_hold"),
    ("transit", "Held at the delivery depot for the consignee's collection", "in_transit", None),  # not customs
    ("transit", "Held for a correct delivery address", "in_transit", None),
    ("transit", "Shipment loaded to the van for delivery", "out_for_delivery", None),
    ("transit", "The shipment has been loaded onto the delivery vehicle", "out_for_delivery", None),
    ("transit", "With delivery courier - LEIPZIG - GERMANY", "out_for_delivery", None),
    ("transit", "The shipment is ready for pick-up at the PACKSTATION 112", "available_for_pickup", None),
    ("transit", "Arrived at the DHL Service Point, awaiting collection", "available_for_pickup", None),
    ("transit", "The shipment has been deposited at the parcel shop", "available_for_pickup", None),
    ("delivered", "Delivered to parcel locker", "delivered", "delivered_to_agent_or_locker"),
    ("delivered", "The shipment has been delivered to the neighbour", "delivered", "delivered_to_agent_or_locker"),
    ("delivered", "The recipient has picked up the shipment from the retail outlet", "delivered",
     "collected_by_consignee"),
    ("failure", "Not collected from the service point, returned to sender", "returning_to_sender", None),
]


@pytest.mark.parametrize(("code", "text", "state", "substatus"), DHL, ids=[row[1][:40] for row in DHL])
def test_dhl_wording_rows(code: str, text: str, state: str, substatus: str | None) -> None:
    meaning, _ = dhl_classify(code, text)
    assert (meaning.state, meaning.substatus) == (state, substatus)


# Kuaidi100 contexts as Chinese carriers write them (ZTO/YTO/EMS pushes), with the code they come with.
K100 = [
    ("0", "在途", "快件已转EMS，新单号：1187654321098", "handed_off", "transferred_to_other_carrier"),
    ("5", "派件", "因超区，快件已转其他快递派送", "handed_off", "transferred_to_other_carrier"),
    ("0", "在途", "快件已改派至【韵达快递】，单号4312345678901", "handed_off", "transferred_to_other_carrier"),
    ("", "", "快件已转寄中国邮政", "handed_off", "transferred_to_other_carrier"),
    ("1003", "在途", "快件已转寄至新地址", "in_transit", "rerouted"),  # same carrier, new address
    ("5", "派件", "已转交中通快递员张三派送", "out_for_delivery", None),  # its own courier, not a carrier
    ("0", "在途", "快件已到达【上海中转站】", "in_transit", None),
    ("301", "签收", "已签收，签收人：他人收", "delivered", "delivered_to_agent_or_locker"),
    ("3", "签收", "您的快件已由【菜鸟驿站】代收，如有疑问请联系", "delivered", "delivered_to_agent_or_locker"),
    ("3", "签收", "快件已投递至【e栈】，签收", "delivered", "delivered_to_agent_or_locker"),
    ("3", "签收", "已签收，签收人：丰巢快递柜", "delivered", "delivered_to_agent_or_locker"),
    ("3", "签收", "已签收，家人代收", "delivered", "delivered_to_agent_or_locker"),
    ("501", "派件", "您的快件已存放至【丰巢智能柜】，请凭取件码取件", "available_for_pickup", "locker_or_station"),
    ("3", "签收", "签收人凭取件码签收", "delivered", "collected_by_consignee"),
    ("5", "派件", "代收货款100元，正在为您派件", "out_for_delivery", None),  # cash on delivery, no signature
    ("3", "签收", "部分签收，代收1件，少件1件", "exception", "shortage"),  # shortage still first
]


@pytest.mark.parametrize(("code", "name", "context", "state", "substatus"), K100, ids=[row[2][:16] for row in K100])
def test_kuaidi100_wording_rows(code: str, name: str, context: str, state: str, substatus: str | None) -> None:
    meaning, review = k100_classify(code, name, context)
    assert (meaning.state, meaning.substatus) == (state, substatus)
    assert review is False


def test_a_handover_records_the_new_carrier_and_number_and_ends_visibility() -> None:
    meaning, _ = k100_classify("0", "在途", "快件已转EMS，新单号：1187654321098")
    assert "carrier_visibility_ended" in meaning.flags
    assert forwarding("快件已转EMS，新单号：1187654321098") == ("EMS", "1187654321098")
    assert forwarding("快件已改派至【韵达快递】，单号4312345678901") == ("韵达", "4312345678901")
    assert forwarding("因超区，快件已转其他快递派送") == ("其他快递", "")  # no number: nothing to follow
    assert forwarding("快件已到达【上海中转站】") is None


@pytest.mark.parametrize(("context", "carrier", "number"), [
    ("快件已转EMS，新单号：1187654321098", "ems", "1187654321098"),  # a company this plugin tracks: its hub name
    ("快件已改派至【韵达快递】，单号4312345678901", "yunda", "4312345678901"),
    ("包裹转中国邮政投递，邮件号 9812345678901", "youzhengguonei", "9812345678901"),  # Kuaidi100's code: not configured
    ("已转交【祥龙速递】，运单号 XL20260304001", "祥龙速递", "XL20260304001"),  # no code known: kept as written
])
def test_a_kuaidi100_handover_names_the_carrier_and_number_the_hub_follows(context, carrier, number) -> None:
    events, _ = k100_parse_result({"nu": "YT1", "state": "7", "data": [
        {"ftime": "2026-03-04 09:10:00", "context": context, "status": "转投"}]},
        {"ems": "ems", "yunda": "yunda", "yuantong": "yuantong"})
    [event] = events
    assert (event.state, event.forwarded_to, event.forwarded_number) == ("handed_off", carrier, number)


def test_a_handover_without_a_number_or_a_plain_transit_names_no_new_number() -> None:
    events, _ = k100_parse_result({"nu": "YT1", "state": "0", "data": [
        {"ftime": "2026-03-04 09:10:00", "context": "因超区，快件已转其他快递派送", "status": "转投"},
        {"ftime": "2026-03-03 09:10:00", "context": "快件已到达【杭州转运中心】，单号 YT1", "status": "在途"}]})
    assert [(e.forwarded_to, e.forwarded_number) for e in events] == [(None, None), (None, None)]


@pytest.mark.parametrize(("text", "gone", "kept"), [
    ("【杭州市】派送业务员：陈晓东，电话：13957112345，正在为您派件", ("陈晓东", "13957112345"), ("派送业务员", "正在为您派件")),
    ("快递员 刘洋 正在派件", ("刘洋",), ("快递员",)),
    ("签收人【周敏】，感谢使用", ("周敏",), ("签收人",)),
    ("收派员:黄磊 0571-8812 3456", ("黄磊", "8812 3456"), ()),
    ("Delivered - signed by K.MEYER", ("MEYER",), ("signed by",)),
    ("快件 773312345678 已于 2026-03-04 12:05:33 签收，订单 SO-2026-000123", (),
     ("773312345678", "2026-03-04 12:05:33", "SO-2026-000123")),
])
def test_carrier_texts_lose_names_and_phones_but_keep_numbers_and_dates(text, gone, kept) -> None:
    cleaned = redact(text)
    assert not [g for g in gone if g in cleaned]
    assert all(k in cleaned for k in kept)
