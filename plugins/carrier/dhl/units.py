"""DHL Unified tracking tables: description patterns first, then statusCode (carriers.md §5.3).

DHL's ``statusCode`` cannot be trusted alone: "Delivered to broker as requested" may come
as ``delivered``, and out-for-delivery has no code at all (carriers.md §1.3-1.5). So the
description decides whenever a row matches; a new wording is one more row here.
"""
from __future__ import annotations

from plugins.carrier.common.rules import Meaning, text_rule

NEEDS_ACTION = ("needs_action",)
VISIBILITY_ENDED = ("carrier_visibility_ended",)

# Order is precedence: "clearance processing complete" before the clearance rows, partial
# delivery, broker and agent before anything that says "delivered", refusal before returns.
DESCRIPTION_RULES = (
    text_rule("D5", r"delivered to (the )?broker", "customs", "delivered_to_broker"),
    text_rule("D6", r"delivery arranged,? no details expected", "handed_off", "remote_area_agent", VISIBILITY_ENDED),
    text_rule("D11", r"partial delivery|teilzustellung", "exception", "shortage", NEEDS_ACTION, claim="shortage"),
    text_rule("D13", r"damag|beschädigt|破损", "exception", "damaged", NEEDS_ACTION, claim="damage"),
    text_rule("D4", r"clearance processing complete|processed for clearance", "in_transit", "clearance_complete"),
    text_rule("D3a", r"clearance delay", "customs", "clearance_in_progress", NEEDS_ACTION),
    text_rule("D3", r"broker notified|clearance event|customs status updated", "customs", "clearance_in_progress"),
    text_rule("D16a", r"available on payment|payment of (duties|import charges)|duties (and taxes )?(due|unpaid)",
              "customs", "duties_unpaid", NEEDS_ACTION),
    # D16: held *by customs*; a parcel "held at the depot for collection" or "held for a correct address" is not
    text_rule("D16", r"\bon hold\b|\bheld (by|at|in) customs\b|\bheld for (customs|clearance)\b"
              r"|customs (hold|inspection)", "customs", "customs_hold", NEEDS_ACTION),
    # D6a: put in a locker or left with a neighbour or shop is not the consignee's hand (proof of delivery
    # to confirm, like D6); before D8, whose locker words it contains. "delivered" (it comes after out for
    # delivery, which a handed_off could not follow), and its substatus opens a case to confirm the POD.
    text_rule("D6a", r"delivered (in|into|to|at) (a |the |your )?(dhl )?(parcel ?locker|packstation|locker"
              r"|service ?point|parcel ?shop|retail outlet|post office|neighbou?r)|(an|bei) (den |einen )?nachbarn",
              "delivered", "delivered_to_agent_or_locker"),
    text_rule("D14", r"refused|annahme verweigert", "exception", "refused", NEEDS_ACTION),
    text_rule("D15", r"returned to shipper|being returned|return(ed)? to sender|rücksendung", "returning_to_sender"),
    text_rule("D9a", r"address information (needed|missing)|incorrect address|recipient moved", "attempt_failed",
              "address_issue", NEEDS_ACTION),
    text_rule("D9", r"not home|premises closed|delivery attempted|nicht angetroffen", "attempt_failed",
              "recipient_absent"),
    # D12a: the consignee took it out of the locker or shop; after D15, or "not collected ... returned" is read
    # as a collection.
    text_rule("D12a", r"(recipient|consignee) (has )?(picked up|collected)|(?<!not )(?<!never )(picked up|collected) "
              r"(by the (recipient|consignee) )?from (the |a )?(dhl )?(parcel ?locker|packstation|locker|service ?point"
              r"|parcel ?shop|retail outlet|post office)", "delivered", "collected_by_consignee"),
    # D7: Express "WC With delivery courier", Parcel "loaded onto the delivery vehicle", eCommerce "loaded to
    # the van"; no statusCode says out for delivery (§1.3), so only the words can.
    text_rule("D7", r"with (the )?delivery courier|out for delivery|loaded (on|in)?to the (delivery )?(van|vehicle)"
              r"|loaded (on|in)?to (the )?delivery (van|vehicle)|in zustellung|zustellfahrzeug", "out_for_delivery"),
    # D8: Express "CC Awaiting pickup by recipient", Parcel "ready for pick-up at the PACKSTATION / retail
    # outlet", service points and parcel shops; an expired pickup is DHL's ``failure`` (§1.3), caught above.
    text_rule("D8", r"awaiting (collection|pick ?-?up) by (the )?recipient|(ready|available) for (pick ?-?up|collection)",
              "available_for_pickup"),
    text_rule("D8a", r"(arrived|deposited|placed|stored|waiting|awaiting|ready|available)\b.{0,40}(parcel ?locker"
              r"|packstation|service ?point|parcel ?shop|pick ?-?up (point|location)|retail outlet|post office|paketshop"
              r"|locker)", "available_for_pickup"),
    text_rule("D17", r"\blost\b|\bmissing\b|verloren", "exception", "lost", NEEDS_ACTION, claim="loss"),
)

# statusCode rows, used only when no description row matched.
STATUS_CODES: dict[str, Meaning] = {
    "pre-transit": Meaning("booked", "info_received"),  # D1
    "transit": Meaning("in_transit"),  # D2
    "delivered": Meaning("delivered", "delivered_to_consignee"),  # D12
    "failure": Meaning("exception", "unspecified", NEEDS_ACTION),  # D18
    "unknown": Meaning(None),  # D19: keep the state, record the event
}
RETURN_DELIVERED = Meaning("returned_to_sender", "returned")  # D10: delivered + returnFlag
UNMAPPED = Meaning(None)
# Codes whose meaning is too vague to act on without the text: their wording is reviewed.
REVIEW_CODES = frozenset({"failure", "unknown", ""})

# details.weight.unitText ("kg", "KG", Freight's Rec. 20 "KGM", "lb"…) is passed on as DHL wrote it:
# the hub converts every carrier's units with one table, hub/core/measures.py WEIGHT_UNITS.
