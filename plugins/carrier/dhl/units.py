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
    text_rule("D16", r"\bon hold\b|\bheld\b|customs (hold|inspection)", "customs", "customs_hold", NEEDS_ACTION),
    text_rule("D14", r"refused|annahme verweigert", "exception", "refused", NEEDS_ACTION),
    text_rule("D15", r"returned to shipper|being returned|return(ed)? to sender|rücksendung", "returning_to_sender"),
    text_rule("D9a", r"address information (needed|missing)|incorrect address|recipient moved", "attempt_failed",
              "address_issue", NEEDS_ACTION),
    text_rule("D9", r"not home|premises closed|delivery attempted|nicht angetroffen", "attempt_failed",
              "recipient_absent"),
    text_rule("D7", r"with delivery courier|out for delivery|loaded onto the delivery vehicle|in zustellung",
              "out_for_delivery"),
    text_rule("D8", r"awaiting (collection|pick ?up) by recipient|ready for pick ?up|available for pick ?up",
              "available_for_pickup"),
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

# details.weight.unitText → kilograms per unit; DHL sends "kg" and "KG" alike.
WEIGHT_UNITS = {"kg": "1", "kgs": "1", "g": "0.001", "lb": "0.45359237", "lbs": "0.45359237"}
