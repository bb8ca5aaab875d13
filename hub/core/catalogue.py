"""The event catalogue: every lifecycle event and every lifecycle hook, read from one declaration.

Events are declared with their lifecycle (``hub/core/lifecycle/*.py``: moves, guards, data model,
meaning, example, senders); hooks below (when they fire, what else they carry, what a plugin may
reply with ``ctx.emit``). The API's validation and ``GET /api/events``, the inbox, ``ctx.emit``,
the generated hookspecs, ``docs/hooks.md``, ``docs/domain.md`` and the OpenAPI document read
these tables; ``tests/core/test_catalogue.py`` fails when any of them drifts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from hub.core import roles
from hub.core.errors import InvalidInput, PermanentError
from hub.core.invalid import invalid_input
from hub.core.lifecycle import LIFECYCLES
from hub.core.lifecycle.table import Event, EventData, Lifecycle

# ``return`` is a keyword, so return hooks take ``return_request``.
ENTITY_ARGUMENT = {"order": "order", "shipment": "shipment", "claim": "claim",
                   "return": "return_request", "customer": "customer", "store": "store", "complaint": "complaint",
                   "repair_batch": "repair_batch"}
SNAPSHOT_TYPE = {"order": "OrderSnapshot", "shipment": "ShipmentSnapshot", "claim": "ClaimSnapshot",
                 "return": "ReturnSnapshot", "customer": "CustomerSnapshot", "store": "StoreSnapshot",
                 "complaint": "ComplaintSnapshot", "repair_batch": "RepairBatchSnapshot"}


@dataclass(frozen=True)
class Hook:
    """One lifecycle hook: ``hub_<entity>_<state>`` (customers: ``hub_customer_<event>``)."""

    name: str
    entity: str
    trigger: str  # the state entered (the event, for customers)
    when: str
    # Snapshots the hook carries beside its entity's: argument name → entity (None when absent).
    related: tuple[str, ...] = ()
    replies: tuple[str, ...] = ()  # "entity.event" a plugin may ctx.emit back
    timed: bool = False  # delivered by a timer (``trigger`` is its rule), with the timer instead of a transition
    # Fired by its ``trigger`` event, whatever state it leaves the entity in (a claim's report is issued
    # while the claim stays settlement_proposed): ``hub_<entity>_<event>``.
    on_event: bool = False

    @property
    def argument(self) -> str:
        return ENTITY_ARGUMENT[self.entity]

    @property
    def argnames(self) -> tuple[str, ...]:
        return (self.argument, *self.related, "timer" if self.timed else "transition", "ctx")


_CLAIM_RELATED = ("order", "shipment")
_COMPLAINT_RELATED = ("order", "shipment")  # the shipment complained of, None when the complaint names none
_HOOKS = [
    Hook("hub_order_received", "order", "received", "An order came in (API, shop webhook, CLI), or was clarified: "
         "review it (planning, the ERP).", replies=("order.reviewed", "order.rejected", "order.erp_recorded")),
    Hook("hub_order_price_escalated", "order", "price_escalated",
         "Review found prices off the price list; the salesperson and supervisor must decide."),
    Hook("hub_order_reviewed", "order", "reviewed",
         "Planning review passed: available quantities and back-order dates are on the lines; send the "
         "order confirmation (订单确认书) and reply ``confirmation_sent``.", replies=("order.confirmation_sent",)),
    Hook("hub_order_awaiting_confirmation", "order", "awaiting_confirmation",
         "The order confirmation went to the customer; its return is awaited."),
    Hook("hub_order_awaiting_payment", "order", "awaiting_payment",
         "The customer returned the confirmation; deposit or payment is requested.",
         replies=("order.deposit_received", "order.payment_received")),
    Hook("hub_order_posted", "order", "posted",
         "Confirmed and paid (or grade A released early): post the order to the ERP for finance approval.",
         replies=("order.finance_approved", "order.finance_rejected", "order.erp_recorded")),
    Hook("hub_order_released", "order", "released", "Finance approved; the outbound note goes to the warehouse.",
         replies=("order.erp_recorded",)),
    Hook("hub_order_shipped", "order", "shipped",
         "Goods left: tell the customer with the shipment's carrier, tracking number and driver contact.",
         related=("shipment",)),
    Hook("hub_order_delivered", "order", "delivered", "All goods delivered; the 3-day inspection window opens."),
    Hook("hub_order_closed", "order", "closed", "The inspection window passed and every claim ended."),
    Hook("hub_order_cancelled", "order", "cancelled", "The order was cancelled before shipping."),
    Hook("hub_order_rejected", "order", "rejected",
         "The order was rejected (production impossible, special order out of range)."),
    Hook("hub_shipment_created", "shipment", "created", "A shipment was created for an order.",
         replies=("shipment.erp_recorded",)),
    Hook("hub_shipment_booked", "shipment", "booked", "Carrier and tracking number are known: subscribe to tracking."),
    Hook("hub_shipment_in_transit", "shipment", "in_transit", "The carrier has the goods moving."),
    Hook("hub_shipment_customs", "shipment", "customs", "In clearance, delivered to the broker, or held at customs."),
    Hook("hub_shipment_handed_off", "shipment", "handed_off",
         "Handed to a local agent or another carrier; the proof of delivery is to be confirmed."),
    Hook("hub_shipment_forwarded", "shipment", "forwarded",
         "The parcel was handed to another carrier under a new number (``transition.data``: carrier, "
         "tracking_number): subscribe to that number as well.", on_event=True),
    Hook("hub_shipment_out_for_delivery", "shipment", "out_for_delivery", "With the delivery courier."),
    Hook("hub_shipment_available_for_pickup", "shipment", "available_for_pickup",
         "Waiting at a locker, station or service point."),
    Hook("hub_shipment_attempt_failed", "shipment", "attempt_failed", "A delivery attempt failed."),
    Hook("hub_shipment_exception", "shipment", "exception",
         "Needs action: damaged, refused, lost, shortage (see substatus)."),
    Hook("hub_shipment_returning_to_sender", "shipment", "returning_to_sender", "On its way back to the shipper."),
    Hook("hub_shipment_returned_to_sender", "shipment", "returned_to_sender", "Back with the shipper."),
    Hook("hub_shipment_delivered", "shipment", "delivered",
         "Delivered to the consignee (never on a broker's or agent's signature)."),
    Hook("hub_shipment_cancelled", "shipment", "cancelled", "The shipment was cancelled."),
    Hook("hub_claim_opened", "claim", "opened", "A claim was opened; the claim form goes out with a 3-day deadline.",
         related=_CLAIM_RELATED),
    Hook("hub_claim_documents_received", "claim", "documents_received",
         "The customer's documents are in; the departments must answer in 3 days.", related=_CLAIM_RELATED),
    Hook("hub_claim_with_insurer", "claim", "with_insurer",
         "Insured and above the minimum: the insurer's forms are due in 1 day.", related=_CLAIM_RELATED),
    Hook("hub_claim_negotiating", "claim", "negotiating",
         "Customer service and the sales manager negotiate the amount.", related=_CLAIM_RELATED),
    Hook("hub_claim_settlement_proposed", "claim", "settlement_proposed",
         "An amount is proposed: the claim report (理赔申请报告书) is due within a day; finance checks what the "
         "customer owes (an ERP replies ``debt_checked`` with the open balance).", related=_CLAIM_RELATED,
         replies=("claim.debt_checked", "claim.report_issued")),
    Hook("hub_claim_report_issued", "claim", "report_issued",
         "The claim report (理赔申请报告书) was issued: send it to the approvers, the customer-service manager "
         "then the general manager (the vice-president in charge when the company is at fault).",
         related=_CLAIM_RELATED, on_event=True),
    Hook("hub_claim_manager_approved", "claim", "manager_approved",
         "The customer-service manager approved; the general manager is next (the vice-president in charge "
         "when the company is at fault).", related=_CLAIM_RELATED),
    Hook("hub_claim_approved", "claim", "approved",
         "The general manager (or the vice-president in charge) approved: credit note in the ERP, finance checks "
         "the customer's debt and pays within 7 days.",
         related=_CLAIM_RELATED, replies=("claim.erp_recorded", "claim.debt_checked", "claim.paid")),
    Hook("hub_claim_paid", "claim", "paid", "Finance paid the claim; the customer is notified in writing.",
         related=_CLAIM_RELATED),
    Hook("hub_claim_with_legal", "claim", "with_legal", "The case was handed to legal.", related=_CLAIM_RELATED),
    Hook("hub_claim_closed", "claim", "closed", "The claim ended (paid, withdrawn or concluded by legal).",
         related=_CLAIM_RELATED),
    Hook("hub_return_pending_review", "return", "pending_review",
         "An after-sales request came in and was assigned to an agent.", related=("order",)),
    Hook("hub_return_on_site_repair", "return", "on_site_repair",
         "An on-site repair was approved: a technician goes to the customer (within 24 hours of the request); "
         "the visit stays open until the fault is fixed and the feedback form signed.", related=("order",)),
    Hook("hub_return_awaiting_customer_shipment", "return", "awaiting_customer_shipment",
         "Approved: the customer may now send the goods back.", related=("order",)),
    Hook("hub_return_awaiting_return_receipt", "return", "awaiting_return_receipt",
         "The customer shipped the goods back.", related=("order",)),
    Hook("hub_return_awaiting_exchange_shipment", "return", "awaiting_exchange_shipment",
         "Goods received: ship the replacement or repaired unit.", related=("order",)),
    Hook("hub_return_awaiting_refund", "return", "awaiting_refund", "Refund due: post the return to the ERP.",
         related=("order",), replies=("return.erp_recorded", "return.refunded")),
    Hook("hub_return_completed", "return", "completed", "The request was fulfilled.", related=("order",)),
    Hook("hub_return_closed", "return", "closed", "The request was rejected or withdrawn.", related=("order",)),
    Hook("hub_customer_vip_granted", "customer", "vip_granted",
         "Sales granted VIP on its written notice (``transition.data``: notice_ref, notified_by): the congratulation "
         "letter (VIP恭喜函), the contact update, the call, the departments told."),
    Hook("hub_customer_vip_reviewed", "customer", "vip_reviewed",
         "The monthly review kept the VIP status (``transition.data``: monthly_volume, threshold, measure, month)."),
    Hook("hub_customer_vip_reevaluation_requested", "customer", "vip_reevaluation_requested",
         "The month's shipment volume fell below the VIP requirement (``transition.data``: monthly_volume, threshold, "
         "measure, month): e-mail the sales department to re-evaluate (发邮件予业务部门重新评估); the customer stays "
         "VIP until sales's written notice."),
    Hook("hub_customer_vip_kept", "customer", "vip_kept",
         "Sales re-evaluated and keeps the VIP status on its written notice: tell the VIP maintenance team."),
    Hook("hub_customer_vip_revoked", "customer", "vip_revoked",
         "Sales's written notice ended VIP after re-evaluation: the cancellation notice (VIP服务取消通知函) to the "
         "customer, the departments told, the VIP file updated."),
    Hook("hub_customer_grade_changed", "customer", "grade_changed", "The customer's grade (A/B/C) changed."),
    Hook("hub_customer_agent_reassigned", "customer", "agent_reassigned",
         "Another after-sales agent took the customer over (``transition.data``: agent, reason); their open "
         "requests moved with them: tell the new agent."),
    Hook("hub_store_received", "store", "received",
         "Store development passed a new store on and its customer record exists: tell finance of the new "
         "customer; the start documents and the product list are due within 1 working day."),
    Hook("hub_store_documents_sent", "store", "documents_sent",
         "The start documents went to the customer: project brief, design plan and image-items list."),
    Hook("hub_store_lists_prepared", "store", "lists_prepared",
         "The product list is ready: store development prepares the decor list; both go to the customer "
         "within 2 working days."),
    Hook("hub_store_lists_sent", "store", "lists_sent",
         "The product and decor lists went to the customer: they confirm, pay and agree the shipping date "
         "(decor or image-item changes need the store-development manager's signature)."),
    Hook("hub_store_confirmed", "store", "confirmed",
         "Confirmed and paid, shipping date agreed: the warehouse prepares the goods for that date."),
    Hook("hub_store_back_orders_open", "store", "back_orders_open",
         "The first shipment left without everything: the back-order list (欠货清单) with planning's dates "
         "goes to the customer and planning."),
    Hook("hub_store_fully_shipped", "store", "fully_shipped",
         "Everything the store needs has shipped: hand it over to normal ordering."),
    Hook("hub_store_handed_over", "store", "handed_over",
         "The store orders like any customer now; the project brief went back to store development."),
    Hook("hub_store_cancelled", "store", "cancelled", "The store opening was called off before its first shipment."),
    Hook("hub_complaint_received", "complaint", "received",
         "A shortage, damage or wrong-goods complaint came in (``late`` when after the 3-day inspection window): "
         "investigate at once; the customer's reply is due within 1 working day.", related=_COMPLAINT_RELATED),
    Hook("hub_complaint_investigating", "complaint", "investigating",
         "Someone is finding the cause of the complaint (查明原因).", related=_COMPLAINT_RELATED),
    Hook("hub_complaint_answered", "complaint", "answered",
         "The reply to the customer: the cause, the responsibility (and any sanction) and the remedy with its "
         "plan and date (补货换货的回复); send the customer the reply letter.", related=_COMPLAINT_RELATED),
    Hook("hub_complaint_remedy_shipped", "complaint", "remedy_shipped",
         "The replenishment or exchange left (``complaint.remedy_shipment_ref``): the customer confirms once "
         "it arrives.", related=_COMPLAINT_RELATED),
    Hook("hub_complaint_resolved", "complaint", "resolved", "The customer confirmed the complaint is settled.",
         related=_COMPLAINT_RELATED),
    Hook("hub_complaint_withdrawn", "complaint", "withdrawn", "The customer withdrew the complaint.",
         related=_COMPLAINT_RELATED),
    Hook("hub_repair_batch_packed", "repair_batch", "packed",
         "A repair batch was listed and packed for its factory: print the list (清单) with each unit's serial, fault "
         "and evidence photos, the factory wants them (照片一定要保留); send it the week it was packed."),
    Hook("hub_repair_batch_sent", "repair_batch", "sent",
         "The batch left for the factory with its carrier and tracking number: tell the factory; it is due back "
         "within 15 days (the store-to-store turnaround)."),
    Hook("hub_repair_batch_returned", "repair_batch", "returned",
         "The batch is back, each unit tested and checked: the factory's results per unit (repaired, a "
         "replacement's serial, or scrapped with cause and cost) and the cost split by who pays (supplier, "
         "store, head office); act on the lines' discrepancies."),
    Hook("hub_repair_batch_closed", "repair_batch", "closed",
         "The results were handed on: book the scrapped units' costs to the supplier, the stores and the head "
         "office."),
    Hook("hub_repair_batch_cancelled", "repair_batch", "cancelled",
         "The batch was unpacked before it left; its requests may go in another batch."),
]
LIFECYCLE_HOOKS: dict[str, Hook] = {hook.name: hook for hook in _HOOKS}

# Hooks a timer delivers (hub/core/domain/timers.py ``TIMED_RULES``): ``trigger`` is the rule. They
# carry the entity as it is when the timer fires, its related snapshots and the timer.
_TIMED = [
    Hook("hub_order_finance_check", "order", "finance_check", timed=True,
         when="The order awaits finance's approval in the ERP: read the ERP document's state and reply with "
         "finance's decision, or nothing while it is pending (asked again every 10 minutes).",
         replies=("order.finance_approved", "order.finance_rejected", "order.erp_recorded")),
    Hook("hub_order_confirmation_overdue", "order", "confirmation_return", timed=True,
         when="The signed confirmation is not back by the end of the business day it went out (002: the promised "
         "date slips a day per day): remind the customer; again each day it stays out."),
    Hook("hub_shipment_delivery_note_due", "shipment", "delivery_note", timed=True,
         when="The day after the goods left (09:00 local, 000: 第二日): send the customer the delivery note (送货单) "
         "of this shipment and check they know who collected it.", related=("order",)),
]
TIMED_HOOKS: dict[str, Hook] = {hook.name: hook for hook in _TIMED}
# Customer hooks follow the event (every customer step is a letter or a notice); the others the state.
HOOKED_BY_EVENT = frozenset({"customer"})


def lifecycle(entity: str) -> Lifecycle:
    return LIFECYCLES[entity]


def event(entity: str, name: str) -> Event:
    """The declared event; an unknown name is a 422 listing the entity's events."""
    declared = LIFECYCLES[entity].declared
    if name not in declared:
        raise InvalidInput(f"{entity} has no event {name!r}; its events are: {', '.join(declared)}",
                           field="event", errors=[{"field": "event", "message": f"unknown event {name!r}",
                                                   "allowed": list(declared)}])
    return declared[name]


def parse(spec: Event, data: Any, prefix: str = "data") -> EventData:
    """The event's data validated by its model: every bad field at once, unknown keys refused."""
    if data is None:
        data = {}
    try:
        return spec.data.model_validate(data)
    except ValidationError as exc:
        raise invalid_input(exc, spec.data, prefix) from exc


def hook_entering(entity: str, state: str) -> Hook | None:
    hook = LIFECYCLE_HOOKS.get(f"hub_{entity}_{state}")
    return None if hook is None or hook.on_event else hook


def event_hook(entity: str, event: str) -> Hook | None:
    """The hook an event fires by itself, state or not (``Hook.on_event``)."""
    hook = LIFECYCLE_HOOKS.get(f"hub_{entity}_{event}")
    return hook if hook is not None and hook.on_event else None


def hooks_of(entity: str, spec: Event) -> tuple[str, ...]:
    """The hooks an event can fire: those of the states it leads into (customers: its own)."""
    if entity in HOOKED_BY_EVENT:
        names = [f"hub_customer_{t}" for t in (spec.records or (spec.name,))]
    else:
        names = [f"hub_{entity}_{m.target}" for m in spec.moves if m.target and m.target != m.source]
        if spec.loop_hook:
            names.append(f"hub_{entity}_{spec.loop_hook}")  # fired again when the state stays
        if event_hook(entity, spec.name):
            names.append(f"hub_{entity}_{spec.name}")
    return tuple(n for n in dict.fromkeys(names) if n in LIFECYCLE_HOOKS)


def check_reply(hook: str, entity: str, name: str, data: dict[str, Any]) -> None:
    """What ``ctx.emit`` accepts: an event the hook declares as a reply, with valid data."""
    declared = LIFECYCLE_HOOKS.get(hook) or TIMED_HOOKS.get(hook)
    if declared is None:
        raise PermanentError(f"{hook} takes no replies: ctx.emit is for lifecycle hooks")
    if f"{entity}.{name}" not in declared.replies:
        allowed = ", ".join(declared.replies) or "none"
        raise PermanentError(f"{hook} may emit only: {allowed}; not {entity}.{name}")
    try:
        parse(event(entity, name), data)
    except InvalidInput as exc:
        raise PermanentError(f"ctx.emit({entity}, {name}): {exc}") from exc


def describe_event(entity: str, spec: Event) -> dict[str, Any]:
    return {"entity": entity, "event": spec.name, "meaning": spec.meaning, "sent_by": list(spec.sent_by),
            # who may send it through the API or the console (hub.core.roles), and the seed's reason
            "roles": list(roles.roles_for(entity, spec.name)) if "api" in spec.sent_by else [],
            "roles_because": roles.why(entity, spec.name),
            "accepted_in": list(spec.sources),
            "leads_to": {state: list(spec.targets(state)) for state in spec.sources},
            "recorded_as": list(spec.records) or [spec.name], "hooks": list(hooks_of(entity, spec)),
            "data_schema": spec.data.model_json_schema(), "example": spec.example}


def describe() -> dict[str, Any]:
    """The catalogue as ``GET /api/events`` and ``hub events`` show it: per entity, per state."""
    out = {}
    for entity, lc in LIFECYCLES.items():
        out[entity] = {
            "initial": lc.initial, "terminal": sorted(lc.terminal),
            "states": {state: {"accepts": list(lc.accepted(state)),
                               "hook": (hook.name if (hook := hook_entering(entity, state)) else None)}
                       for state in lc.states},
            "events": {name: describe_event(entity, spec) for name, spec in lc.declared.items()},
        }
    return out


def size() -> dict[str, int]:
    return {entity: len(lc.events) for entity, lc in LIFECYCLES.items()}
