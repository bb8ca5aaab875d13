"""Kuaidi100 (快递100) tables: state codes, state names and context patterns (carriers.md §5.3).

Kuaidi100 has no code for a shortage and its damage code 209 is rarely used, so the context
text overrides every code for those; a new wording is one more row here.
"""
from __future__ import annotations

from plugins.carrier.common.rules import Meaning, text_rule

NEEDS_ACTION = ("needs_action",)
VISIBILITY_ENDED = ("carrier_visibility_ended",)
_NOT_NEGATED = r"(?<!无)(?<!未)(?<!没有)(?<!如有)(?<!若有)(?<!如发现)"  # "如有破损请拒收" is advice, not damage

# Context rows that win over any code: the parcel is short or damaged whatever the state says.
OVERRIDE_RULES = (
    text_rule("K18", r"少件|短少|缺件|漏件|部分签收|件数不符", "exception", "shortage", NEEDS_ACTION, claim="shortage"),
    text_rule("K17", _NOT_NEGATED + r"(破损|损坏|受损)", "exception", "damaged", NEEDS_ACTION, claim="damage"),
    text_rule("K17b", r"丢失|遗失", "exception", "lost", NEEDS_ACTION, claim="loss"),
)

# Context rows used only when an item has neither a code nor a state name.
FALLBACK_RULES = (
    text_rule("K9", r"转投|转交.{0,6}快递|转第三方", "handed_off", "transferred_to_other_carrier", VISIBILITY_ENDED),
    text_rule("K13", r"拒收|拒签", "exception", "refused", NEEDS_ACTION),
    text_rule("K10", r"清关", "customs", "clearance_in_progress"),
    text_rule("K5", r"正在为您派件|派送中|派件中", "out_for_delivery"),
    text_rule("K7", r"已签收|签收人", "delivered"),
    text_rule("K2", r"已揽收|已收取快件|已收件", "in_transit", "picked_up"),
)

# Delivered, but by whom: refines a plain 签收 (K7/K8).
DELIVERED_RULES = (
    text_rule("K8", r"代收|代签|驿站|快递柜|丰巢|智能柜|自提柜|前台|门卫", "delivered", "delivered_to_agent_or_locker"),
    text_rule("K7a", r"本人签收", "delivered", "delivered_to_consignee"),
)

STATE_CODES: dict[str, Meaning] = {
    # K2/K3 揽收
    "1": Meaning("booked", "info_received"), "101": Meaning("booked", "order_placed"),
    "102": Meaning("booked", "awaiting_pickup"), "103": Meaning("in_transit", "picked_up"),
    # K3/K4 在途
    "0": Meaning("in_transit"), "1001": Meaning("in_transit", "arrived_in_destination_city"),
    "1002": Meaning("in_transit", "line_haul"), "1003": Meaning("in_transit", "rerouted"),
    # K5/K6 派件
    "5": Meaning("out_for_delivery"), "501": Meaning("available_for_pickup", "locker_or_station"),
    # K7/K8 签收
    "3": Meaning("delivered"), "301": Meaning("delivered", "delivered_to_consignee"),
    "302": Meaning("delivered", "delivered_after_exception"),
    "303": Meaning("delivered", "delivered_to_agent_or_locker"),
    "304": Meaning("delivered", "delivered_to_agent_or_locker"),
    # K9 转投
    "7": Meaning("handed_off", "transferred_to_other_carrier", VISIBILITY_ENDED),
    # K10-K12 清关 (8 is the base state; 10-13 the advanced ones, sent at either level)
    "8": Meaning("customs", "clearance_in_progress"), "10": Meaning("customs", "clearance_in_progress"),
    "11": Meaning("customs", "clearance_in_progress"), "12": Meaning("in_transit", "clearance_complete"),
    "13": Meaning("customs", "customs_hold", NEEDS_ACTION),
    # K13 拒签
    "14": Meaning("exception", "refused", NEEDS_ACTION), "203": Meaning("exception", "refused", NEEDS_ACTION),
    # K14/K15 退回, 退签; K16 销单
    "6": Meaning("returning_to_sender"), "4": Meaning("returned_to_sender", "returned"),
    "401": Meaning("cancelled"), "210": Meaning("cancelled"),
    # K17, K19, K20 疑难
    "209": Meaning("exception", "damaged", NEEDS_ACTION, "damage"),
    "204": Meaning("attempt_failed", "delivery_exception"), "206": Meaning("attempt_failed", "recipient_unreachable"),
    "2": Meaning("exception", "problem", NEEDS_ACTION),
    "201": Meaning("exception", "no_pod_timeout", NEEDS_ACTION),
    "202": Meaning("exception", "stalled", NEEDS_ACTION),
    "205": Meaning("exception", "not_collected_from_locker", NEEDS_ACTION),
    "207": Meaning("exception", "out_of_area", NEEDS_ACTION),
    "208": Meaning("exception", "held_at_depot", NEEDS_ACTION),
}

# resultv2=1 gives each item its state *name*; map it to the base code.
STATE_NAMES = {"在途": "0", "揽收": "1", "疑难": "2", "签收": "3", "退签": "4", "派件": "5", "退回": "6",
               "转投": "7", "清关": "8", "待清关": "10", "清关中": "11", "已清关": "12", "清关异常": "13",
               "拒签": "14"}

# The callback's ``status``: monitoring health, never a shipment state (K21, K22).
SUBSCRIPTION = {"polling": "active", "updateall": "active", "shutdown": "ended", "abort": "stopped"}
