"""Kuaidi100 (快递100) tables: state codes, state names and context patterns (carriers.md §5.3).

Kuaidi100 has no code for a shortage and its damage code 209 is rarely used, so the context
text overrides every code for those; a new wording is one more row here.
"""
from __future__ import annotations

from plugins.carrier.common.rules import Meaning, text_rule

NEEDS_ACTION = ("needs_action",)
VISIBILITY_ENDED = ("carrier_visibility_ended",)
_NOT_NEGATED = r"(?<!无)(?<!未)(?<!没有)(?<!如有)(?<!若有)(?<!如发现)"  # "如有破损请拒收" is advice, not damage

# 转 + a company, or 转寄/改派/转交 to one; not 转交快递员 (the courier) nor 转运中心 (a hub of the same carrier).
_COMPANY = (r"(EMS|E邮宝|中国邮政|邮政|其他快递|其它快递|第三方|其他物流|其它物流|顺丰|圆通|中通|申通|韵达|百世|极兔|京东|德邦"
            r"|天天|宅急送|[\u4e00-\u9fa5]{2,4}(快递|速递|速运|物流))(?!快递员|快递小哥|员|小哥|柜|站|网点|点|分部|营业部)")
_HANDOVER = r"(?<!中)转(寄|投|交|发|由|给|至)?\s*(至|给|到)?\s*【?" + _COMPANY + r"|改派\s*(至|给|到)?\s*【?" + _COMPANY
# 签收/代收 by someone or something other than the consignee; 代收货款 is cash on delivery, not a signature.
_PLACES = r"(e栈|快递柜|丰巢|驿站|智能柜|自提柜|快递超市|代收点|服务站|前台|门卫|物业|传达室|收发室)"
_SIGNED_BY_OTHER = (r"他人(代)?(收|签)|(家人|同事|朋友|邻居|亲属)(代)?(收|签)|代(收|签)(?!货款|款)"
                    r"|" + _PLACES + r".{0,12}签收|签收.{0,12}" + _PLACES)

# Context rows that win over any code: the parcel is short or damaged whatever the state says.
OVERRIDE_RULES = (
    text_rule("K18", r"少件|短少|缺件|漏件|部分签收|件数不符", "exception", "shortage", NEEDS_ACTION, claim="shortage"),
    text_rule("K17", _NOT_NEGATED + r"(破损|损坏|受损)", "exception", "damaged", NEEDS_ACTION, claim="damage"),
    text_rule("K17b", r"丢失|遗失", "exception", "lost", NEEDS_ACTION, claim="loss"),
    # K9a: handed to another carrier (转EMS, 转其他快递, 转寄/改派 to a named company), whatever the code says;
    # the new carrier and number stay in the event's text (common.text.forwarding reads them).
    text_rule("K9a", _HANDOVER, "handed_off", "transferred_to_other_carrier", VISIBILITY_ENDED),
    # K7b: the consignee took it out of the locker or station (签收人凭取件码签收): delivered, before K8a.
    text_rule("K7b", r"(已|被)(从.{0,12})?取出|取件成功|凭取件码签收", "delivered", "collected_by_consignee"),
    # K8a: signed for by someone else (他人收, 家人代收) or by a locker or station (丰巢, e栈, 驿站), whatever the
    # code: not the consignee's hand. "delivered" (it comes after 派件, which a handed_off could not follow),
    # and its substatus opens a case to confirm the proof of delivery, as for a remote agent.
    text_rule("K8a", _SIGNED_BY_OTHER, "delivered", "delivered_to_agent_or_locker"),
)

# Context rows used only when an item has neither a code nor a state name.
FALLBACK_RULES = (
    text_rule("K9", r"转投|转交.{0,6}快递(?!员|小哥)|转第三方", "handed_off", "transferred_to_other_carrier", VISIBILITY_ENDED),
    text_rule("K13", r"拒收|拒签", "exception", "refused", NEEDS_ACTION),
    text_rule("K10", r"清关", "customs", "clearance_in_progress"),
    text_rule("K5", r"正在为您派件|派送中|派件中", "out_for_delivery"),
    text_rule("K7", r"已签收|签收人", "delivered"),
    text_rule("K2", r"已揽收|已收取快件|已收件", "in_transit", "picked_up"),
)

# Delivered, but by whom: refines a plain 签收 (K7/K8).
DELIVERED_RULES = (
    text_rule("K8", r"代收|代签|驿站|快递柜|丰巢|智能柜|自提柜|e栈|前台|门卫", "delivered", "delivered_to_agent_or_locker"),
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

# Piece counts in a delivered item's text, one row per way Kuaidi100's carriers write them:
# (what the number counts, pattern with the number as group 1). "total" rows are read first and
# cut out, so the bare "N件" row cannot take 共3件 for 3 pieces signed. Signed with only a total
# (已签收(共3件)) means all of them. The hub compares the count with the waybill's pieces.
_N = r"(\d+|[一二两三四五六七八九十]+)"
PIECE_COUNTS: tuple[tuple[str, str], ...] = (
    ("total", r"共\s*" + _N + r"\s*件"),  # 已签收(共3件), 共3件已签收2件
    ("total", r"总件数\s*[:：]?\s*" + _N),  # 总件数：3
    ("delivered", r"签收\s*了?\s*" + _N + r"\s*件"),  # 签收2件, 已签收 2 件
    ("delivered", r"(?<![\d第])" + _N + r"\s*件\s*已?\s*(?:被)?签收"),  # 2件已签收
    ("delivered", r"签收件数\s*[:：]?\s*" + _N),  # 签收件数：2
    ("delivered", r"(?<![\d第])" + _N + r"\s*件"),  # 已签收，2件 (not 第2件: the second piece, not a count)
)
CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


# Who has the parcel after 转EMS / 改派至韵达快递 (common.text.forwarding reads the name and the number):
# the company's Kuaidi100 code (快递公司编码), so the new number can be subscribed. The name is
# matched without its 快递/速递/速运/物流 ending; a company not listed is recorded with its name as
# written and not followed (Kuaidi100 needs the code to subscribe).
FORWARDED_COMPANIES = {
    "EMS": "ems", "E邮宝": "ems", "中国邮政": "youzhengguonei", "邮政": "youzhengguonei", "顺丰": "shunfeng",
    "圆通": "yuantong", "中通": "zhongtong", "申通": "shentong", "韵达": "yunda", "百世": "huitongkuaidi",
    "极兔": "jtexpress", "京东": "jd", "德邦": "debangwuliu", "天天": "tiantian", "宅急送": "zhaijisong",
}
