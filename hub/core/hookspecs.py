"""Hook specifications: the only contract between hub.core and plugins.

Every hook is named ``hub_*`` and called with keyword arguments. Lifecycle hooks are
delivered from the durable outbox after the transition committed: at least once, per
plugin, with ``ctx.idempotency_key`` stable across attempts. Implement them as
``async def``; raise ``TransientError`` to be retried, ``PermanentError`` to dead-letter.
A plugin receives a delivery only for the hooks it implements. docs/hooks.md says the same per
hook, with an example payload the real core produced.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from hub.core.inbound_models import OrderMessage, TrackingUpdate, WebhookReceipt
    from hub.core.models import (CaseSnapshot, ClaimSnapshot, CustomerSnapshot, HookContext, OrderSnapshot,
                                 ReturnSnapshot, ShipmentSnapshot, StoreSnapshot, TimerSnapshot, Transition)
    from hub.core.models import ComplaintSnapshot
    from hub.core.models import RepairBatchSnapshot
    from hub.core.reports import Report

hookspec = pluggy.HookspecMarker("hub")
hookimpl = pluggy.HookimplMarker("hub")

# ---------------------------------------------------------------------------
# Lifecycle transitions (outbox, after commit, at least once per plugin)
# ---------------------------------------------------------------------------
# One hook per state an entity can enter (customers: per event). Written out from the event
# catalogue (hub/core/catalogue.py) so grep, an IDE and a type checker find each one; the test
# of the catalogue fails when this section and the catalogue differ.

# --- generated from hub/core/catalogue.py by `python -m hub.core.docgen`: do not edit by hand ---


@hookspec
def hub_order_received(order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """An order came in (API, shop webhook, CLI), or was clarified: review it (planning, the ERP).

    Fired by its creation, ``clarified`` (from received). Delivered from the outbox after commit, at least
    once per plugin; implement as ``async def``.

    :param order: The order as committed: ref, state, kind, customer, lines, currency, total, deposit_due,
        deposit_paid, amount_paid, delivery_mode, contact, promised_date, confirmation_received,
        missing_fields, erp_ref, open_claims, open_complaints, delivered_at, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, contact, specs, quantities, prices.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: ``order.reviewed``, ``order.rejected``, ``order.erp_recorded``.
    """


@hookspec
def hub_order_price_escalated(order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Review found prices off the price list; the salesperson and supervisor must decide.

    Fired by ``reviewed`` (from received). Delivered from the outbox after commit, at least once per
    plugin; implement as ``async def``.

    :param order: The order as committed: ref, state, kind, customer, lines, currency, total, deposit_due,
        deposit_paid, amount_paid, delivery_mode, contact, promised_date, confirmation_received,
        missing_fields, erp_ref, open_claims, open_complaints, delivered_at, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, lines, special_review.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_order_reviewed(order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Planning review passed: available quantities and back-order dates are on the lines; send the order
    confirmation (订单确认书) and reply ``confirmation_sent``.

    Fired by ``reviewed`` (from received), ``price_approved`` (from price_escalated). Delivered from the
    outbox after commit, at least once per plugin; implement as ``async def``.

    :param order: The order as committed: ref, state, kind, customer, lines, currency, total, deposit_due,
        deposit_paid, amount_paid, delivery_mode, contact, promised_date, confirmation_received,
        missing_fields, erp_ref, open_claims, open_complaints, delivered_at, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, lines, special_review, approver.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: ``order.confirmation_sent``.
    """


@hookspec
def hub_order_awaiting_confirmation(order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The order confirmation went to the customer; its return is awaited.

    Fired by ``confirmation_sent`` (from reviewed). Delivered from the outbox after commit, at least once
    per plugin; implement as ``async def``.

    :param order: The order as committed: ref, state, kind, customer, lines, currency, total, deposit_due,
        deposit_paid, amount_paid, delivery_mode, contact, promised_date, confirmation_received,
        missing_fields, erp_ref, open_claims, open_complaints, delivered_at, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_order_awaiting_payment(order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The customer returned the confirmation; deposit or payment is requested.

    Fired by ``confirmation_received`` (from awaiting_confirmation), ``special_warehoused`` (from
    awaiting_payment), ``finance_rejected`` (from posted). Delivered from the outbox after commit, at least
    once per plugin; implement as ``async def``.

    :param order: The order as committed: ref, state, kind, customer, lines, currency, total, deposit_due,
        deposit_paid, amount_paid, delivery_mode, contact, promised_date, confirmation_received,
        missing_fields, erp_ref, open_claims, open_complaints, delivered_at, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, attachments, receipt_ref, reason, erp_ref, payment_not_received.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: ``order.deposit_received``, ``order.payment_received``.
    """


@hookspec
def hub_order_posted(order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Confirmed and paid (or grade A released early): post the order to the ERP for finance approval.

    Fired by ``released`` (from awaiting_confirmation, awaiting_payment), ``deposit_received`` (from
    awaiting_payment), ``payment_received`` (from awaiting_payment), ``special_warehoused`` (from
    awaiting_payment), ``terms_approved`` (from awaiting_payment). Delivered from the outbox after commit,
    at least once per plugin; implement as ``async def``.

    :param order: The order as committed: ref, state, kind, customer, lines, currency, total, deposit_due,
        deposit_paid, amount_paid, delivery_mode, contact, promised_date, confirmation_received,
        missing_fields, erp_ref, open_claims, open_complaints, delivered_at, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, approver, amount, reference, receipt_ref, terms.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: ``order.finance_approved``, ``order.finance_rejected``, ``order.erp_recorded``.
    """


@hookspec
def hub_order_released(order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Finance approved; the outbound note goes to the warehouse.

    Fired by ``finance_approved`` (from posted), ``lines_cancelled`` (from posted, released, shipped).
    Delivered from the outbox after commit, at least once per plugin; implement as ``async def``.

    :param order: The order as committed: ref, state, kind, customer, lines, currency, total, deposit_due,
        deposit_paid, amount_paid, delivery_mode, contact, promised_date, confirmation_received,
        missing_fields, erp_ref, open_claims, open_complaints, delivered_at, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, erp_ref, outbound_ref, reason, lines, return_ref.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: ``order.erp_recorded``.
    """


@hookspec
def hub_order_shipped(order: OrderSnapshot, shipment: ShipmentSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Goods left: tell the customer with the shipment's carrier, tracking number and driver contact.

    Fired by ``shipped`` (from released, shipped). Delivered from the outbox after commit, at least once
    per plugin; implement as ``async def``.

    :param order: The order as committed: ref, state, kind, customer, lines, currency, total, deposit_due,
        deposit_paid, amount_paid, delivery_mode, contact, promised_date, confirmation_received,
        missing_fields, erp_ref, open_claims, open_complaints, delivered_at, created_at.
    :param shipment: The shipment whose booking (or pickup) shipped the order.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, shipment_ref.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_order_delivered(order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """All goods delivered; the 3-day inspection window opens.

    Fired by ``delivered`` (from shipped). Delivered from the outbox after commit, at least once per
    plugin; implement as ``async def``.

    :param order: The order as committed: ref, state, kind, customer, lines, currency, total, deposit_due,
        deposit_paid, amount_paid, delivery_mode, contact, promised_date, confirmation_received,
        missing_fields, erp_ref, open_claims, open_complaints, delivered_at, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_order_closed(order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The inspection window passed and every claim ended.

    Fired by ``claim_closed`` (from delivered), ``complaint_closed`` (from delivered),
    ``inspection_window_elapsed`` (from delivered), ``inspection_passed`` (from delivered). Delivered from
    the outbox after commit, at least once per plugin; implement as ``async def``.

    :param order: The order as committed: ref, state, kind, customer, lines, currency, total, deposit_due,
        deposit_paid, amount_paid, delivery_mode, contact, promised_date, confirmation_received,
        missing_fields, erp_ref, open_claims, open_complaints, delivered_at, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, claim_ref, complaint_ref, timer.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_order_cancelled(order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The order was cancelled before shipping.

    Fired by ``cancelled`` (from received, price_escalated, reviewed, awaiting_confirmation,
    awaiting_payment, posted, released). Delivered from the outbox after commit, at least once per plugin;
    implement as ``async def``.

    :param order: The order as committed: ref, state, kind, customer, lines, currency, total, deposit_due,
        deposit_paid, amount_paid, delivery_mode, contact, promised_date, confirmation_received,
        missing_fields, erp_ref, open_claims, open_complaints, delivered_at, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, reason, return_ref.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_order_rejected(order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The order was rejected (production impossible, special order out of range).

    Fired by ``rejected`` (from received, price_escalated, reviewed). Delivered from the outbox after
    commit, at least once per plugin; implement as ``async def``.

    :param order: The order as committed: ref, state, kind, customer, lines, currency, total, deposit_due,
        deposit_paid, amount_paid, delivery_mode, contact, promised_date, confirmation_received,
        missing_fields, erp_ref, open_claims, open_complaints, delivered_at, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, reason.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_shipment_created(shipment: ShipmentSnapshot, transition: Transition, ctx: HookContext) -> None:
    """A shipment was created for an order.

    Fired by its creation. Delivered from the outbox after commit, at least once per plugin; implement as
    ``async def``.

    :param shipment: The shipment as committed: ref, order_ref, state, substatus, flags, carrier,
        tracking_number, subscription, mode, pieces, waybill_weight_kg, reported_weight_kg,
        carrier_contact, plate, escort, pickup_company, lines, erp_ref, delivered_at, customer.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: ``shipment.erp_recorded``.
    """


@hookspec
def hub_shipment_booked(shipment: ShipmentSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Carrier and tracking number are known: subscribe to tracking.

    Fired by ``booked`` (from created, exception). Delivered from the outbox after commit, at least once
    per plugin; implement as ``async def``.

    :param shipment: The shipment as committed: ref, order_ref, state, substatus, flags, carrier,
        tracking_number, subscription, mode, pieces, waybill_weight_kg, reported_weight_kg,
        carrier_contact, plate, escort, pickup_company, lines, erp_ref, delivered_at, customer.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, substatus, flags, carrier, occurred_at, tracking_number, carrier_contact, plate, escort.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_shipment_in_transit(shipment: ShipmentSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The carrier has the goods moving.

    Fired by ``in_transit`` (from created, booked, customs, attempt_failed, exception). Delivered from the
    outbox after commit, at least once per plugin; implement as ``async def``.

    :param shipment: The shipment as committed: ref, order_ref, state, substatus, flags, carrier,
        tracking_number, subscription, mode, pieces, waybill_weight_kg, reported_weight_kg,
        carrier_contact, plate, escort, pickup_company, lines, erp_ref, delivered_at, customer.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, substatus, flags, carrier, occurred_at.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_shipment_customs(shipment: ShipmentSnapshot, transition: Transition, ctx: HookContext) -> None:
    """In clearance, delivered to the broker, or held at customs.

    Fired by ``customs`` (from created, booked, in_transit, exception). Delivered from the outbox after
    commit, at least once per plugin; implement as ``async def``.

    :param shipment: The shipment as committed: ref, order_ref, state, substatus, flags, carrier,
        tracking_number, subscription, mode, pieces, waybill_weight_kg, reported_weight_kg,
        carrier_contact, plate, escort, pickup_company, lines, erp_ref, delivered_at, customer.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, substatus, flags, carrier, occurred_at.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_shipment_handed_off(shipment: ShipmentSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Handed to a local agent or another carrier; the proof of delivery is to be confirmed.

    Fired by ``handed_off`` (from created, booked, in_transit, customs, exception). Delivered from the
    outbox after commit, at least once per plugin; implement as ``async def``.

    :param shipment: The shipment as committed: ref, order_ref, state, substatus, flags, carrier,
        tracking_number, subscription, mode, pieces, waybill_weight_kg, reported_weight_kg,
        carrier_contact, plate, escort, pickup_company, lines, erp_ref, delivered_at, customer.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, substatus, flags, carrier, occurred_at.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_shipment_forwarded(shipment: ShipmentSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The parcel was handed to another carrier under a new number (``transition.data``: carrier,
    tracking_number): subscribe to that number as well.

    Fired by ``forwarded`` (from booked, in_transit, customs, handed_off, out_for_delivery,
    available_for_pickup, attempt_failed, exception, returning_to_sender). Delivered from the outbox after
    commit, at least once per plugin; implement as ``async def``.

    :param shipment: The shipment as committed: ref, order_ref, state, substatus, flags, carrier,
        tracking_number, subscription, mode, pieces, waybill_weight_kg, reported_weight_kg,
        carrier_contact, plate, escort, pickup_company, lines, erp_ref, delivered_at, customer.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, carrier, tracking_number, occurred_at.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_shipment_out_for_delivery(shipment: ShipmentSnapshot, transition: Transition, ctx: HookContext) -> None:
    """With the delivery courier.

    Fired by ``out_for_delivery`` (from created, booked, in_transit, customs, handed_off,
    available_for_pickup, attempt_failed, exception). Delivered from the outbox after commit, at least once
    per plugin; implement as ``async def``.

    :param shipment: The shipment as committed: ref, order_ref, state, substatus, flags, carrier,
        tracking_number, subscription, mode, pieces, waybill_weight_kg, reported_weight_kg,
        carrier_contact, plate, escort, pickup_company, lines, erp_ref, delivered_at, customer.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, substatus, flags, carrier, occurred_at.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_shipment_available_for_pickup(shipment: ShipmentSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Waiting at a locker, station or service point.

    Fired by ``available_for_pickup`` (from created, booked, in_transit, customs, handed_off,
    out_for_delivery, attempt_failed, exception). Delivered from the outbox after commit, at least once per
    plugin; implement as ``async def``.

    :param shipment: The shipment as committed: ref, order_ref, state, substatus, flags, carrier,
        tracking_number, subscription, mode, pieces, waybill_weight_kg, reported_weight_kg,
        carrier_contact, plate, escort, pickup_company, lines, erp_ref, delivered_at, customer.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, substatus, flags, carrier, occurred_at.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_shipment_attempt_failed(shipment: ShipmentSnapshot, transition: Transition, ctx: HookContext) -> None:
    """A delivery attempt failed.

    Fired by ``attempt_failed`` (from created, booked, in_transit, customs, handed_off, out_for_delivery,
    available_for_pickup, exception). Delivered from the outbox after commit, at least once per plugin;
    implement as ``async def``.

    :param shipment: The shipment as committed: ref, order_ref, state, substatus, flags, carrier,
        tracking_number, subscription, mode, pieces, waybill_weight_kg, reported_weight_kg,
        carrier_contact, plate, escort, pickup_company, lines, erp_ref, delivered_at, customer.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, substatus, flags, carrier, occurred_at.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_shipment_exception(shipment: ShipmentSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Needs action: damaged, refused, lost, shortage (see substatus).

    Fired by ``exception`` (from created, booked, in_transit, customs, handed_off, out_for_delivery,
    available_for_pickup, attempt_failed, returning_to_sender). Delivered from the outbox after commit, at
    least once per plugin; implement as ``async def``.

    :param shipment: The shipment as committed: ref, order_ref, state, substatus, flags, carrier,
        tracking_number, subscription, mode, pieces, waybill_weight_kg, reported_weight_kg,
        carrier_contact, plate, escort, pickup_company, lines, erp_ref, delivered_at, customer.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, substatus, flags, carrier, occurred_at.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_shipment_returning_to_sender(shipment: ShipmentSnapshot, transition: Transition, ctx: HookContext) -> None:
    """On its way back to the shipper.

    Fired by ``returning_to_sender`` (from created, booked, in_transit, customs, handed_off,
    out_for_delivery, available_for_pickup, attempt_failed, exception, delivered). Delivered from the
    outbox after commit, at least once per plugin; implement as ``async def``.

    :param shipment: The shipment as committed: ref, order_ref, state, substatus, flags, carrier,
        tracking_number, subscription, mode, pieces, waybill_weight_kg, reported_weight_kg,
        carrier_contact, plate, escort, pickup_company, lines, erp_ref, delivered_at, customer.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, substatus, flags, carrier, occurred_at.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_shipment_returned_to_sender(shipment: ShipmentSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Back with the shipper.

    Fired by ``returned_to_sender`` (from created, booked, in_transit, customs, handed_off,
    out_for_delivery, available_for_pickup, attempt_failed, exception, returning_to_sender, delivered).
    Delivered from the outbox after commit, at least once per plugin; implement as ``async def``.

    :param shipment: The shipment as committed: ref, order_ref, state, substatus, flags, carrier,
        tracking_number, subscription, mode, pieces, waybill_weight_kg, reported_weight_kg,
        carrier_contact, plate, escort, pickup_company, lines, erp_ref, delivered_at, customer.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, substatus, flags, carrier, occurred_at.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_shipment_delivered(shipment: ShipmentSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Delivered to the consignee (never on a broker's or agent's signature).

    Fired by ``delivered`` (from created, booked, in_transit, customs, handed_off, out_for_delivery,
    available_for_pickup, attempt_failed, exception, returning_to_sender), ``picked_up`` (from created),
    ``pod_confirmed`` (from handed_off). Delivered from the outbox after commit, at least once per plugin;
    implement as ``async def``.

    :param shipment: The shipment as committed: ref, order_ref, state, substatus, flags, carrier,
        tracking_number, subscription, mode, pieces, waybill_weight_kg, reported_weight_kg,
        carrier_contact, plate, escort, pickup_company, lines, erp_ref, delivered_at, customer.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, substatus, flags, carrier, occurred_at, pickup_company, plate, carrier_contact.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_shipment_cancelled(shipment: ShipmentSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The shipment was cancelled.

    Fired by ``cancelled`` (from created, booked). Delivered from the outbox after commit, at least once
    per plugin; implement as ``async def``.

    :param shipment: The shipment as committed: ref, order_ref, state, substatus, flags, carrier,
        tracking_number, subscription, mode, pieces, waybill_weight_kg, reported_weight_kg,
        carrier_contact, plate, escort, pickup_company, lines, erp_ref, delivered_at, customer.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, reason.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_claim_opened(claim: ClaimSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """A claim was opened; the claim form goes out with a 3-day deadline.

    Fired by its creation. Delivered from the outbox after commit, at least once per plugin; implement as
    ``async def``.

    :param claim: The claim as committed: ref, order_ref, shipment_ref, kind, state, insured,
        amount_claimed, amount_approved, currency, documents_due_at, documents_received, documents_missing,
        fault, report_ref, report_issued_at, open_balance, open_balance_overdue, open_balance_currency,
        open_balance_source, open_balance_checked_at, carrier_claim_against, carrier_claim_amount,
        carrier_claim_reference, carrier_amount_recovered, erp_ref, customer.
    :param order: The claim's order.
    :param shipment: The claimed shipment, or none when the claim names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_claim_documents_received(claim: ClaimSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """The customer's documents are in; the departments must answer in 3 days.

    Fired by ``documents_received`` (from opened). Delivered from the outbox after commit, at least once
    per plugin; implement as ``async def``.

    :param claim: The claim as committed: ref, order_ref, shipment_ref, kind, state, insured,
        amount_claimed, amount_approved, currency, documents_due_at, documents_received, documents_missing,
        fault, report_ref, report_issued_at, open_balance, open_balance_overdue, open_balance_currency,
        open_balance_source, open_balance_checked_at, carrier_claim_against, carrier_claim_amount,
        carrier_claim_reference, carrier_amount_recovered, erp_ref, customer.
    :param order: The claim's order.
    :param shipment: The claimed shipment, or none when the claim names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, amount_claimed, documents, attachments.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_claim_with_insurer(claim: ClaimSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """Insured and above the minimum: the insurer's forms are due in 1 day.

    Fired by ``departments_answered`` (from documents_received). Delivered from the outbox after commit, at
    least once per plugin; implement as ``async def``.

    :param claim: The claim as committed: ref, order_ref, shipment_ref, kind, state, insured,
        amount_claimed, amount_approved, currency, documents_due_at, documents_received, documents_missing,
        fault, report_ref, report_issued_at, open_balance, open_balance_overdue, open_balance_currency,
        open_balance_source, open_balance_checked_at, carrier_claim_against, carrier_claim_amount,
        carrier_claim_reference, carrier_amount_recovered, erp_ref, customer.
    :param order: The claim's order.
    :param shipment: The claimed shipment, or none when the claim names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_claim_negotiating(claim: ClaimSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """Customer service and the sales manager negotiate the amount.

    Fired by ``departments_answered`` (from documents_received), ``rejected`` (from settlement_proposed,
    manager_approved). Delivered from the outbox after commit, at least once per plugin; implement as
    ``async def``.

    :param claim: The claim as committed: ref, order_ref, shipment_ref, kind, state, insured,
        amount_claimed, amount_approved, currency, documents_due_at, documents_received, documents_missing,
        fault, report_ref, report_issued_at, open_balance, open_balance_overdue, open_balance_currency,
        open_balance_source, open_balance_checked_at, carrier_claim_against, carrier_claim_amount,
        carrier_claim_reference, carrier_amount_recovered, erp_ref, customer.
    :param order: The claim's order.
    :param shipment: The claimed shipment, or none when the claim names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, reason.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_claim_settlement_proposed(claim: ClaimSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """An amount is proposed: the claim report (理赔申请报告书) is due within a day; finance checks what the customer
    owes (an ERP replies ``debt_checked`` with the open balance).

    Fired by ``insurer_decided`` (from with_insurer), ``amount_agreed`` (from negotiating). Delivered from
    the outbox after commit, at least once per plugin; implement as ``async def``.

    :param claim: The claim as committed: ref, order_ref, shipment_ref, kind, state, insured,
        amount_claimed, amount_approved, currency, documents_due_at, documents_received, documents_missing,
        fault, report_ref, report_issued_at, open_balance, open_balance_overdue, open_balance_currency,
        open_balance_source, open_balance_checked_at, carrier_claim_against, carrier_claim_amount,
        carrier_claim_reference, carrier_amount_recovered, erp_ref, customer.
    :param order: The claim's order.
    :param shipment: The claimed shipment, or none when the claim names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, amount.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: ``claim.debt_checked``, ``claim.report_issued``.
    """


@hookspec
def hub_claim_report_issued(claim: ClaimSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """The claim report (理赔申请报告书) was issued: send it to the approvers, the customer-service manager then the
    general manager (the vice-president in charge when the company is at fault).

    Fired by ``report_issued`` (from settlement_proposed). Delivered from the outbox after commit, at least
    once per plugin; implement as ``async def``.

    :param claim: The claim as committed: ref, order_ref, shipment_ref, kind, state, insured,
        amount_claimed, amount_approved, currency, documents_due_at, documents_received, documents_missing,
        fault, report_ref, report_issued_at, open_balance, open_balance_overdue, open_balance_currency,
        open_balance_source, open_balance_checked_at, carrier_claim_against, carrier_claim_amount,
        carrier_claim_reference, carrier_amount_recovered, erp_ref, customer.
    :param order: The claim's order.
    :param shipment: The claimed shipment, or none when the claim names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, report_ref.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_claim_manager_approved(claim: ClaimSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """The customer-service manager approved; the general manager is next (the vice-president in charge when the
    company is at fault).

    Fired by ``manager_approved`` (from settlement_proposed). Delivered from the outbox after commit, at
    least once per plugin; implement as ``async def``.

    :param claim: The claim as committed: ref, order_ref, shipment_ref, kind, state, insured,
        amount_claimed, amount_approved, currency, documents_due_at, documents_received, documents_missing,
        fault, report_ref, report_issued_at, open_balance, open_balance_overdue, open_balance_currency,
        open_balance_source, open_balance_checked_at, carrier_claim_against, carrier_claim_amount,
        carrier_claim_reference, carrier_amount_recovered, erp_ref, customer.
    :param order: The claim's order.
    :param shipment: The claimed shipment, or none when the claim names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, approver.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_claim_approved(claim: ClaimSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """The general manager (or the vice-president in charge) approved: credit note in the ERP, finance checks the
    customer's debt and pays within 7 days.

    Fired by ``gm_approved`` (from manager_approved), ``vp_approved`` (from manager_approved). Delivered
    from the outbox after commit, at least once per plugin; implement as ``async def``.

    :param claim: The claim as committed: ref, order_ref, shipment_ref, kind, state, insured,
        amount_claimed, amount_approved, currency, documents_due_at, documents_received, documents_missing,
        fault, report_ref, report_issued_at, open_balance, open_balance_overdue, open_balance_currency,
        open_balance_source, open_balance_checked_at, carrier_claim_against, carrier_claim_amount,
        carrier_claim_reference, carrier_amount_recovered, erp_ref, customer.
    :param order: The claim's order.
    :param shipment: The claimed shipment, or none when the claim names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, approver.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: ``claim.erp_recorded``, ``claim.debt_checked``, ``claim.paid``.
    """


@hookspec
def hub_claim_paid(claim: ClaimSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """Finance paid the claim; the customer is notified in writing.

    Fired by ``paid`` (from approved). Delivered from the outbox after commit, at least once per plugin;
    implement as ``async def``.

    :param claim: The claim as committed: ref, order_ref, shipment_ref, kind, state, insured,
        amount_claimed, amount_approved, currency, documents_due_at, documents_received, documents_missing,
        fault, report_ref, report_issued_at, open_balance, open_balance_overdue, open_balance_currency,
        open_balance_source, open_balance_checked_at, carrier_claim_against, carrier_claim_amount,
        carrier_claim_reference, carrier_amount_recovered, erp_ref, customer.
    :param order: The claim's order.
    :param shipment: The claimed shipment, or none when the claim names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, reference.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_claim_with_legal(claim: ClaimSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """The case was handed to legal.

    Fired by ``handed_to_legal`` (from opened, documents_received, with_insurer, negotiating,
    settlement_proposed, manager_approved). Delivered from the outbox after commit, at least once per
    plugin; implement as ``async def``.

    :param claim: The claim as committed: ref, order_ref, shipment_ref, kind, state, insured,
        amount_claimed, amount_approved, currency, documents_due_at, documents_received, documents_missing,
        fault, report_ref, report_issued_at, open_balance, open_balance_overdue, open_balance_currency,
        open_balance_source, open_balance_checked_at, carrier_claim_against, carrier_claim_amount,
        carrier_claim_reference, carrier_amount_recovered, erp_ref, customer.
    :param order: The claim's order.
    :param shipment: The claimed shipment, or none when the claim names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, reason.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_claim_closed(claim: ClaimSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """The claim ended (paid, withdrawn or concluded by legal).

    Fired by ``closed`` (from paid, with_legal), ``withdrawn`` (from opened, documents_received,
    with_insurer, negotiating, settlement_proposed, manager_approved). Delivered from the outbox after
    commit, at least once per plugin; implement as ``async def``.

    :param claim: The claim as committed: ref, order_ref, shipment_ref, kind, state, insured,
        amount_claimed, amount_approved, currency, documents_due_at, documents_received, documents_missing,
        fault, report_ref, report_issued_at, open_balance, open_balance_overdue, open_balance_currency,
        open_balance_source, open_balance_checked_at, carrier_claim_against, carrier_claim_amount,
        carrier_claim_reference, carrier_amount_recovered, erp_ref, customer.
    :param order: The claim's order.
    :param shipment: The claimed shipment, or none when the claim names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, reason.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_return_pending_review(return_request: ReturnSnapshot, order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """An after-sales request came in and was assigned to an agent.

    Fired by its creation. Delivered from the outbox after commit, at least once per plugin; implement as
    ``async def``.

    :param return_request: The return as committed: ref, order_ref, type, state, line_no, reason, amount,
        agent, erp_ref, customer.
    :param order: The request's order.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_return_on_site_repair(return_request: ReturnSnapshot, order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """An on-site repair was approved: a technician goes to the customer (within 24 hours of the request); the
    visit stays open until the fault is fixed and the feedback form signed.

    Fired by ``approved`` (from pending_review). Delivered from the outbox after commit, at least once per
    plugin; implement as ``async def``.

    :param return_request: The return as committed: ref, order_ref, type, state, line_no, reason, amount,
        agent, erp_ref, customer.
    :param order: The request's order.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_return_awaiting_customer_shipment(return_request: ReturnSnapshot, order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Approved: the customer may now send the goods back.

    Fired by ``approved`` (from pending_review). Delivered from the outbox after commit, at least once per
    plugin; implement as ``async def``.

    :param return_request: The return as committed: ref, order_ref, type, state, line_no, reason, amount,
        agent, erp_ref, customer.
    :param order: The request's order.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_return_awaiting_return_receipt(return_request: ReturnSnapshot, order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The customer shipped the goods back.

    Fired by ``taken_to_workshop`` (from on_site_repair), ``customer_shipped`` (from
    awaiting_customer_shipment). Delivered from the outbox after commit, at least once per plugin;
    implement as ``async def``.

    :param return_request: The return as committed: ref, order_ref, type, state, line_no, reason, amount,
        agent, erp_ref, customer.
    :param order: The request's order.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, agreed_return_date, reason, carrier, tracking_number.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_return_awaiting_exchange_shipment(return_request: ReturnSnapshot, order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Goods received: ship the replacement or repaired unit.

    Fired by ``goods_received`` (from awaiting_return_receipt). Delivered from the outbox after commit, at
    least once per plugin; implement as ``async def``.

    :param return_request: The return as committed: ref, order_ref, type, state, line_no, reason, amount,
        agent, erp_ref, customer.
    :param order: The request's order.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_return_awaiting_refund(return_request: ReturnSnapshot, order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Refund due: post the return to the ERP.

    Fired by ``approved`` (from pending_review), ``goods_received`` (from awaiting_return_receipt).
    Delivered from the outbox after commit, at least once per plugin; implement as ``async def``.

    :param return_request: The return as committed: ref, order_ref, type, state, line_no, reason, amount,
        agent, erp_ref, customer.
    :param order: The request's order.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: ``return.erp_recorded``, ``return.refunded``.
    """


@hookspec
def hub_return_completed(return_request: ReturnSnapshot, order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The request was fulfilled.

    Fired by ``approved`` (from pending_review), ``fixed_on_site`` (from on_site_repair),
    ``exchange_shipped`` (from awaiting_exchange_shipment), ``refunded`` (from awaiting_refund). Delivered
    from the outbox after commit, at least once per plugin; implement as ``async def``.

    :param return_request: The return as committed: ref, order_ref, type, state, line_no, reason, amount,
        agent, erp_ref, customer.
    :param order: The request's order.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, technician, cause, action, customer_signed, customer_opinion, removed_parts, carrier,
        tracking_number, amount, reference.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_return_closed(return_request: ReturnSnapshot, order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The request was rejected or withdrawn.

    Fired by ``rejected`` (from pending_review), ``withdrawn`` (from pending_review, on_site_repair,
    awaiting_customer_shipment, awaiting_refund). Delivered from the outbox after commit, at least once per
    plugin; implement as ``async def``.

    :param return_request: The return as committed: ref, order_ref, type, state, line_no, reason, amount,
        agent, erp_ref, customer.
    :param order: The request's order.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, reason.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_customer_vip_granted(customer: CustomerSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Sales granted VIP on its written notice (``transition.data``: notice_ref, notified_by): the congratulation
    letter (VIP恭喜函), the contact update, the call, the departments told.

    Fired by ``vip_granted`` (from regular). Delivered from the outbox after commit, at least once per
    plugin; implement as ``async def``.

    :param customer: The customer as committed: code, name, grade, vip, language, email, phone, agent,
        salesperson.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, notice_ref, notified_by.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_customer_vip_reviewed(customer: CustomerSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The monthly review kept the VIP status (``transition.data``: monthly_volume, threshold, measure, month).

    Fired by ``vip_reviewed`` (from vip), ``vip_review`` (from vip). Delivered from the outbox after
    commit, at least once per plugin; implement as ``async def``.

    :param customer: The customer as committed: code, name, grade, vip, language, email, phone, agent,
        salesperson.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, monthly_volume, threshold, measure, month, timer.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_customer_vip_reevaluation_requested(customer: CustomerSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The month's shipment volume fell below the VIP requirement (``transition.data``: monthly_volume, threshold,
    measure, month): e-mail the sales department to re-evaluate (发邮件予业务部门重新评估); the customer stays VIP
    until sales's written notice.

    Fired by ``vip_reevaluation_requested`` (from vip), ``vip_review`` (from vip). Delivered from the
    outbox after commit, at least once per plugin; implement as ``async def``.

    :param customer: The customer as committed: code, name, grade, vip, language, email, phone, agent,
        salesperson.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, monthly_volume, threshold, measure, month, timer.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_customer_vip_kept(customer: CustomerSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Sales re-evaluated and keeps the VIP status on its written notice: tell the VIP maintenance team.

    Fired by ``vip_kept`` (from under_reevaluation). Delivered from the outbox after commit, at least once
    per plugin; implement as ``async def``.

    :param customer: The customer as committed: code, name, grade, vip, language, email, phone, agent,
        salesperson.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, notice_ref, notified_by.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_customer_vip_revoked(customer: CustomerSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Sales's written notice ended VIP after re-evaluation: the cancellation notice (VIP服务取消通知函) to the customer,
    the departments told, the VIP file updated.

    Fired by ``vip_revoked`` (from under_reevaluation). Delivered from the outbox after commit, at least
    once per plugin; implement as ``async def``.

    :param customer: The customer as committed: code, name, grade, vip, language, email, phone, agent,
        salesperson.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, notice_ref, notified_by.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_customer_grade_changed(customer: CustomerSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The customer's grade (A/B/C) changed.

    Fired by ``grade_changed`` (from regular, vip, under_reevaluation). Delivered from the outbox after
    commit, at least once per plugin; implement as ``async def``.

    :param customer: The customer as committed: code, name, grade, vip, language, email, phone, agent,
        salesperson.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, grade.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_customer_agent_reassigned(customer: CustomerSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Another after-sales agent took the customer over (``transition.data``: agent, reason); their open requests
    moved with them: tell the new agent.

    Fired by ``agent_reassigned`` (from regular, vip, under_reevaluation). Delivered from the outbox after
    commit, at least once per plugin; implement as ``async def``.

    :param customer: The customer as committed: code, name, grade, vip, language, email, phone, agent,
        salesperson.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, agent, reason.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_store_received(store: StoreSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Store development passed a new store on and its customer record exists: tell finance of the new customer;
    the start documents and the product list are due within 1 working day.

    Fired by its creation. Delivered from the outbox after commit, at least once per plugin; implement as
    ``async def``.

    :param store: The store as committed: ref, state, customer, order_ref, name, address, developer,
        documents_sent, product_lines, decor_items, image_items, amount_paid, shipping_date, shipment_refs,
        back_orders, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_store_documents_sent(store: StoreSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The start documents went to the customer: project brief, design plan and image-items list.

    Fired by ``documents_sent`` (from received). Delivered from the outbox after commit, at least once per
    plugin; implement as ``async def``.

    :param store: The store as committed: ref, state, customer, order_ref, name, address, developer,
        documents_sent, product_lines, decor_items, image_items, amount_paid, shipping_date, shipment_refs,
        back_orders, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, documents, image_items.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_store_lists_prepared(store: StoreSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The product list is ready: store development prepares the decor list; both go to the customer within 2
    working days.

    Fired by ``product_list_prepared`` (from documents_sent). Delivered from the outbox after commit, at
    least once per plugin; implement as ``async def``.

    :param store: The store as committed: ref, state, customer, order_ref, name, address, developer,
        documents_sent, product_lines, decor_items, image_items, amount_paid, shipping_date, shipment_refs,
        back_orders, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, lines.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_store_lists_sent(store: StoreSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The product and decor lists went to the customer: they confirm, pay and agree the shipping date (decor or
    image-item changes need the store-development manager's signature).

    Fired by ``lists_sent`` (from lists_prepared). Delivered from the outbox after commit, at least once
    per plugin; implement as ``async def``.

    :param store: The store as committed: ref, state, customer, order_ref, name, address, developer,
        documents_sent, product_lines, decor_items, image_items, amount_paid, shipping_date, shipment_refs,
        back_orders, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, decor_items, channel.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_store_confirmed(store: StoreSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Confirmed and paid, shipping date agreed: the warehouse prepares the goods for that date.

    Fired by ``confirmed`` (from lists_sent). Delivered from the outbox after commit, at least once per
    plugin; implement as ``async def``.

    :param store: The store as committed: ref, state, customer, order_ref, name, address, developer,
        documents_sent, product_lines, decor_items, image_items, amount_paid, shipping_date, shipment_refs,
        back_orders, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, amount, reference, shipping_date.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_store_back_orders_open(store: StoreSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The first shipment left without everything: the back-order list (欠货清单) with planning's dates goes to the
    customer and planning.

    Fired by ``first_shipped`` (from confirmed). Delivered from the outbox after commit, at least once per
    plugin; implement as ``async def``.

    :param store: The store as committed: ref, state, customer, order_ref, name, address, developer,
        documents_sent, product_lines, decor_items, image_items, amount_paid, shipping_date, shipment_refs,
        back_orders, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, shipment_ref, order_ref, back_orders.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_store_fully_shipped(store: StoreSnapshot, transition: Transition, ctx: HookContext) -> None:
    """Everything the store needs has shipped: hand it over to normal ordering.

    Fired by ``first_shipped`` (from confirmed), ``back_orders_shipped`` (from back_orders_open). Delivered
    from the outbox after commit, at least once per plugin; implement as ``async def``.

    :param store: The store as committed: ref, state, customer, order_ref, name, address, developer,
        documents_sent, product_lines, decor_items, image_items, amount_paid, shipping_date, shipment_refs,
        back_orders, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, shipment_ref, order_ref, back_orders, line_nos, express, express_reason.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_store_handed_over(store: StoreSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The store orders like any customer now; the project brief went back to store development.

    Fired by ``handed_over`` (from fully_shipped, back_orders_open). Delivered from the outbox after
    commit, at least once per plugin; implement as ``async def``.

    :param store: The store as committed: ref, state, customer, order_ref, name, address, developer,
        documents_sent, product_lines, decor_items, image_items, amount_paid, shipping_date, shipment_refs,
        back_orders, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, brief_returned_to, kept.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_store_cancelled(store: StoreSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The store opening was called off before its first shipment.

    Fired by ``cancelled`` (from received, documents_sent, lists_prepared, lists_sent, confirmed).
    Delivered from the outbox after commit, at least once per plugin; implement as ``async def``.

    :param store: The store as committed: ref, state, customer, order_ref, name, address, developer,
        documents_sent, product_lines, decor_items, image_items, amount_paid, shipping_date, shipment_refs,
        back_orders, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, reason.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_complaint_received(complaint: ComplaintSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """A shortage, damage or wrong-goods complaint came in (``late`` when after the 3-day inspection window):
    investigate at once; the customer's reply is due within 1 working day.

    Fired by its creation. Delivered from the outbox after commit, at least once per plugin; implement as
    ``async def``.

    :param complaint: The complaint as committed: ref, order_ref, shipment_ref, kind, state, channel, late,
        window_ends_at, lines, description, investigator, cause, responsibility, remedy, plan,
        promised_date, remedy_shipment_ref, customer, created_at.
    :param order: The complaint's order.
    :param shipment: The shipment complained of, or none when the complaint names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_complaint_investigating(complaint: ComplaintSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """Someone is finding the cause of the complaint (查明原因).

    Fired by ``investigation_started`` (from received). Delivered from the outbox after commit, at least
    once per plugin; implement as ``async def``.

    :param complaint: The complaint as committed: ref, order_ref, shipment_ref, kind, state, channel, late,
        window_ends_at, lines, description, investigator, cause, responsibility, remedy, plan,
        promised_date, remedy_shipment_ref, customer, created_at.
    :param order: The complaint's order.
    :param shipment: The shipment complained of, or none when the complaint names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, investigator, department.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_complaint_answered(complaint: ComplaintSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """The reply to the customer: the cause, the responsibility (and any sanction) and the remedy with its plan
    and date (补货换货的回复); send the customer the reply letter.

    Fired by ``answered`` (from investigating). Delivered from the outbox after commit, at least once per
    plugin; implement as ``async def``.

    :param complaint: The complaint as committed: ref, order_ref, shipment_ref, kind, state, channel, late,
        window_ends_at, lines, description, investigator, cause, responsibility, remedy, plan,
        promised_date, remedy_shipment_ref, customer, created_at.
    :param order: The complaint's order.
    :param shipment: The shipment complained of, or none when the complaint names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, cause, responsibility, remedy, plan, promised_date.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_complaint_remedy_shipped(complaint: ComplaintSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """The replenishment or exchange left (``complaint.remedy_shipment_ref``): the customer confirms once it
    arrives.

    Fired by ``remedy_shipped`` (from answered). Delivered from the outbox after commit, at least once per
    plugin; implement as ``async def``.

    :param complaint: The complaint as committed: ref, order_ref, shipment_ref, kind, state, channel, late,
        window_ends_at, lines, description, investigator, cause, responsibility, remedy, plan,
        promised_date, remedy_shipment_ref, customer, created_at.
    :param order: The complaint's order.
    :param shipment: The shipment complained of, or none when the complaint names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, shipment_ref.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_complaint_resolved(complaint: ComplaintSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """The customer confirmed the complaint is settled.

    Fired by ``resolved`` (from remedy_shipped, answered). Delivered from the outbox after commit, at least
    once per plugin; implement as ``async def``.

    :param complaint: The complaint as committed: ref, order_ref, shipment_ref, kind, state, channel, late,
        window_ends_at, lines, description, investigator, cause, responsibility, remedy, plan,
        promised_date, remedy_shipment_ref, customer, created_at.
    :param order: The complaint's order.
    :param shipment: The shipment complained of, or none when the complaint names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, confirmed_by.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_complaint_withdrawn(complaint: ComplaintSnapshot, order: OrderSnapshot, shipment: ShipmentSnapshot | None, transition: Transition, ctx: HookContext) -> None:
    """The customer withdrew the complaint.

    Fired by ``withdrawn`` (from received, investigating, answered). Delivered from the outbox after
    commit, at least once per plugin; implement as ``async def``.

    :param complaint: The complaint as committed: ref, order_ref, shipment_ref, kind, state, channel, late,
        window_ends_at, lines, description, investigator, cause, responsibility, remedy, plan,
        promised_date, remedy_shipment_ref, customer, created_at.
    :param order: The complaint's order.
    :param shipment: The shipment complained of, or none when the complaint names none.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, reason.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_repair_batch_packed(repair_batch: RepairBatchSnapshot, transition: Transition, ctx: HookContext) -> None:
    """A repair batch was listed and packed for its factory: print the list (清单) with each unit's serial, fault
    and evidence photos, the factory wants them (照片一定要保留); send it the week it was packed.

    Fired by its creation. Delivered from the outbox after commit, at least once per plugin; implement as
    ``async def``.

    :param repair_batch: The repair_batch as committed: ref, factory, state, week, lines,
        extra_batch_reason, note, carrier, tracking_number, sent_at, returned_at, supplier_cost,
        store_cost, head_office_cost, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_repair_batch_sent(repair_batch: RepairBatchSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The batch left for the factory with its carrier and tracking number: tell the factory; it is due back
    within 15 days (the store-to-store turnaround).

    Fired by ``sent`` (from packed). Delivered from the outbox after commit, at least once per plugin;
    implement as ``async def``.

    :param repair_batch: The repair_batch as committed: ref, factory, state, week, lines,
        extra_batch_reason, note, carrier, tracking_number, sent_at, returned_at, supplier_cost,
        store_cost, head_office_cost, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, carrier, tracking_number.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_repair_batch_returned(repair_batch: RepairBatchSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The batch is back, each unit tested and checked: the factory's results per unit (repaired, a replacement's
    serial, or scrapped with cause and cost) and the cost split by who pays (supplier, store, head office);
    act on the lines' discrepancies.

    Fired by ``returned`` (from sent). Delivered from the outbox after commit, at least once per plugin;
    implement as ``async def``.

    :param repair_batch: The repair_batch as committed: ref, factory, state, week, lines,
        extra_batch_reason, note, carrier, tracking_number, sent_at, returned_at, supplier_cost,
        store_cost, head_office_cost, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, results.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_repair_batch_closed(repair_batch: RepairBatchSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The results were handed on: book the scrapped units' costs to the supplier, the stores and the head office.

    Fired by ``closed`` (from returned). Delivered from the outbox after commit, at least once per plugin;
    implement as ``async def``.

    :param repair_batch: The repair_batch as committed: ref, factory, state, week, lines,
        extra_batch_reason, note, carrier, tracking_number, sent_at, returned_at, supplier_cost,
        store_cost, head_office_cost, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_repair_batch_cancelled(repair_batch: RepairBatchSnapshot, transition: Transition, ctx: HookContext) -> None:
    """The batch was unpacked before it left; its requests may go in another batch.

    Fired by ``cancelled`` (from packed). Delivered from the outbox after commit, at least once per plugin;
    implement as ``async def``.

    :param repair_batch: The repair_batch as committed: ref, factory, state, week, lines,
        extra_batch_reason, note, carrier, tracking_number, sent_at, returned_at, supplier_cost,
        store_cost, head_office_cost, created_at.
    :param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's fields:
        note, reason.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


# --- timed hooks: a timer of hub/core/domain/timers.py came due (catalogue TIMED_HOOKS) ---


@hookspec
def hub_order_finance_check(order: OrderSnapshot, timer: TimerSnapshot, ctx: HookContext) -> None:
    """The order awaits finance's approval in the ERP: read the ERP document's state and reply with finance's
    decision, or nothing while it is pending (asked again every 10 minutes).

    Delivered when the ``finance_check`` timer comes due, from the outbox, at least once per plugin;
    implement as ``async def``.

    :param order: The order as it is now: ref, state, kind, customer, lines, currency, total, deposit_due,
        deposit_paid, amount_paid, delivery_mode, contact, promised_date, confirmation_received,
        missing_fields, erp_ref, open_claims, open_complaints, delivered_at, created_at.
    :param timer: The ``finance_check`` timer that came due: rule, entity, ref, due_at.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: ``order.finance_approved``, ``order.finance_rejected``, ``order.erp_recorded``.
    """


@hookspec
def hub_order_confirmation_overdue(order: OrderSnapshot, timer: TimerSnapshot, ctx: HookContext) -> None:
    """The signed confirmation is not back by the end of the business day it went out (002: the promised date
    slips a day per day): remind the customer; again each day it stays out.

    Delivered when the ``confirmation_return`` timer comes due, from the outbox, at least once per plugin;
    implement as ``async def``.

    :param order: The order as it is now: ref, state, kind, customer, lines, currency, total, deposit_due,
        deposit_paid, amount_paid, delivery_mode, contact, promised_date, confirmation_received,
        missing_fields, erp_ref, open_claims, open_complaints, delivered_at, created_at.
    :param timer: The ``confirmation_return`` timer that came due: rule, entity, ref, due_at.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


@hookspec
def hub_shipment_delivery_note_due(shipment: ShipmentSnapshot, order: OrderSnapshot, timer: TimerSnapshot, ctx: HookContext) -> None:
    """The day after the goods left (09:00 local, 000: 第二日): send the customer the delivery note (送货单) of this
    shipment and check they know who collected it.

    Delivered when the ``delivery_note`` timer comes due, from the outbox, at least once per plugin;
    implement as ``async def``.

    :param shipment: The shipment as it is now: ref, order_ref, state, substatus, flags, carrier,
        tracking_number, subscription, mode, pieces, waybill_weight_kg, reported_weight_kg,
        carrier_contact, plate, escort, pickup_company, lines, erp_ref, delivered_at, customer.
    :param order: The shipment's order.
    :param timer: The ``delivery_note`` timer that came due: rule, entity, ref, due_at.
    :param ctx: Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit().

    May emit: nothing (``ctx.emit`` raises PermanentError).
    """


# --- end of generated lifecycle hooks ---


# ---------------------------------------------------------------------------
# Anomalies and time rules (outbox, after commit, at least once per plugin)
# ---------------------------------------------------------------------------


@hookspec
def hub_shipment_flagged(shipment: ShipmentSnapshot, flag: str, detail: dict, ctx: HookContext) -> None:
    """A shipment got an anomaly flag that changes no state (weight discrepancy, needs action).

    :param shipment: Snapshot with the flag already set.
    :param flag: The flag, e.g. ``weight_discrepancy``.
    :param detail: What the carrier said against what the waybill says.
    :param ctx: Per-delivery context.
    """


@hookspec
def hub_case_opened(case: CaseSnapshot, ctx: HookContext) -> None:
    """An investigation (开档查询) was opened on a shipment anomaly, listing the facts to collect.

    :param case: The case with its anomaly and the facts the seed says to collect.
    :param ctx: Per-delivery context.
    """


@hookspec
def hub_sla_breached(timer: TimerSnapshot, ctx: HookContext) -> None:
    """A time rule (docs/domain.md) passed its limit; fired once per timer. Escalate to the owner.

    :param timer: The rule, the entity and reference, when it was due and when it breached.
    :param ctx: Per-delivery context.
    """


# ---------------------------------------------------------------------------
# Periodic reports (outbox, after commit, at least once per plugin)
# ---------------------------------------------------------------------------


@hookspec
def hub_report_ready(report: Report, ctx: HookContext) -> None:
    """A weekly or monthly report of seed 000 was made (once per period): send it to its recipients.

    The weekly one goes to planning's statistician before Monday 09:00, the monthly one before the 2nd
    and on to the heads of sales, marketing and the marketing centre (``[reports]`` in hub.toml).

    :param report: ``Report``: kind, period_start and period_end (local dates), zone, generated_at,
        recipients (role names or e-mail addresses), orders_received, late_confirmations,
        open_back_orders, claims, breaches_by_rule, orders_finished, new_stores.
    :param ctx: Per-delivery context.
    """


# ---------------------------------------------------------------------------
# Webhooks (called in the request, before anything is stored; the source's plugin only)
# ---------------------------------------------------------------------------


@hookspec(firstresult=True)
def hub_webhook_verify(source: str, headers: dict[str, str], body: bytes) -> WebhookReceipt | None:
    """Verify an inbound request's signature on the raw bytes and say how to acknowledge it.

    Called in the request handler, for the plugin named by ``source`` only, before the core
    stores the raw event. Raise ``WebhookRejected`` (401 bad signature, 400 malformed).

    :param source: The plugin name in ``/webhooks/{source}``.
    :param headers: Request headers, names lower-cased.
    :param body: The raw request body.
    """


@hookspec(firstresult=True)
def hub_webhook_parse(source: str, headers: dict[str, str], body: bytes
                      ) -> list[TrackingUpdate | OrderMessage] | None:
    """Turn an inbound event into tracking updates (carriers) or order messages (shop platforms: the
    hub's own ``order.created`` / ``order.<event>``): called when the request arrives (an exception
    is the sender's 400: nothing is stored) and again by the inbox, after the 2xx, to apply it.
    An empty list stores nothing more to apply (a platform's ping).

    :param source: The plugin name the event came in through.
    :param headers: The stored request headers, names lower-cased.
    :param body: The stored raw body.
    """


# ---------------------------------------------------------------------------
# Carriers and channels (sync registration at start-up; polling from the worker)
# ---------------------------------------------------------------------------


@hookspec
def hub_register_carriers(register: Callable[[str], None]) -> None:
    """Register the carrier codes this plugin tracks, e.g. ``register("dhl")``.

    Called once at start-up; the core routes a shipment's tracking to its carrier's plugin.

    :param register: Callback taking a carrier code.
    """


@hookspec
def hub_register_channels(register: Callable[[str], None]) -> None:
    """Register the messaging channels this plugin sends on, e.g. ``register("email")``.

    :param register: Callback taking a channel name.
    """


@hookspec(firstresult=True)
def hub_tracking_poll(shipment: ShipmentSnapshot, ctx: HookContext) -> TrackingUpdate | None:
    """Fetch the carrier's current tracking for one shipment; called periodically by the worker.

    Implement as ``async def``; return ``None`` when the carrier has nothing new.

    :param shipment: A booked, not yet terminal shipment of a carrier this plugin registered.
    :param ctx: Per-call context.
    """


# ---------------------------------------------------------------------------
# Process lifecycle
# ---------------------------------------------------------------------------


@hookspec
def hub_startup(ctx: HookContext) -> None:
    """The process started (serve or worker); open clients. Implement as ``async def``.

    :param ctx: Context with the shared HTTP session and a bound logger.
    """


@hookspec
def hub_shutdown(ctx: HookContext) -> None:
    """The process is stopping; close clients. Implement as ``async def``.

    :param ctx: Context with a bound logger.
    """
