"""Hook specifications: the only contract between hub.core and plugins.

Every hook is named ``hub_*`` and called with keyword arguments. Lifecycle hooks are
delivered from the durable outbox after the transition committed: at least once, per
plugin, with ``ctx.idempotency_key`` stable across attempts. Implement them as
``async def``; raise ``TransientError`` to be retried, ``PermanentError`` to dead-letter.
A plugin receives a delivery only for the hooks it implements.
"""
from __future__ import annotations

import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from hub.core.models import (CaseSnapshot, HookContext, ShipmentSnapshot, TimerSnapshot,
                                 TrackingUpdate, WebhookReceipt)

hookspec = pluggy.HookspecMarker("hub")
hookimpl = pluggy.HookimplMarker("hub")

# ---------------------------------------------------------------------------
# Lifecycle transitions (outbox, after commit, at least once per plugin)
# ---------------------------------------------------------------------------
# One hook per state an entity can enter: ``hub_<entity>_<state>(<entity>, transition, ctx)``.
# The table says when each is called; the specs are built from it below so that the
# lifecycle tables, these hooks and docs/hooks.md cannot drift apart (tests check all three).

LIFECYCLE_HOOKS: dict[str, tuple[str, str]] = {
    # name: (snapshot type, when it is called)
    "hub_order_received": ("OrderSnapshot", "An order came in (API, shop webhook, CLI), or was clarified."),
    "hub_order_price_escalated": ("OrderSnapshot", "Review found prices off the price list; salesperson and supervisor must decide."),
    "hub_order_reviewed": ("OrderSnapshot", "Planning review passed: available quantities and back-order ETAs are on the lines."),
    "hub_order_awaiting_confirmation": ("OrderSnapshot", "The order confirmation went to the customer; its return is awaited."),
    "hub_order_awaiting_payment": ("OrderSnapshot", "The customer returned the confirmation; deposit or payment is requested."),
    "hub_order_posted": ("OrderSnapshot", "Confirmed and paid (or grade A released early): post the order to the ERP."),
    "hub_order_released": ("OrderSnapshot", "Finance approved; the outbound note goes to the warehouse."),
    "hub_order_shipped": ("OrderSnapshot", "Goods left; tell the customer with the carrier's contact."),
    "hub_order_delivered": ("OrderSnapshot", "All goods delivered; the 3-day inspection window opens."),
    "hub_order_closed": ("OrderSnapshot", "Inspection window passed and every claim ended."),
    "hub_order_cancelled": ("OrderSnapshot", "The order was cancelled before shipping."),
    "hub_order_rejected": ("OrderSnapshot", "The order was rejected (production impossible, special order out of range)."),
    "hub_shipment_created": ("ShipmentSnapshot", "A shipment was created for an order."),
    "hub_shipment_booked": ("ShipmentSnapshot", "Carrier and tracking number are known: subscribe to tracking."),
    "hub_shipment_in_transit": ("ShipmentSnapshot", "The carrier has the goods moving."),
    "hub_shipment_customs": ("ShipmentSnapshot", "In clearance, delivered to the broker, or held at customs."),
    "hub_shipment_handed_off": ("ShipmentSnapshot", "Handed to a local agent or another carrier; proof of delivery to confirm."),
    "hub_shipment_out_for_delivery": ("ShipmentSnapshot", "With the delivery courier."),
    "hub_shipment_available_for_pickup": ("ShipmentSnapshot", "Waiting at a locker, station or service point."),
    "hub_shipment_attempt_failed": ("ShipmentSnapshot", "A delivery attempt failed."),
    "hub_shipment_exception": ("ShipmentSnapshot", "Needs action: damaged, refused, lost, shortage (see substatus)."),
    "hub_shipment_returning_to_sender": ("ShipmentSnapshot", "On its way back to the shipper."),
    "hub_shipment_returned_to_sender": ("ShipmentSnapshot", "Back with the shipper."),
    "hub_shipment_delivered": ("ShipmentSnapshot", "Delivered to the consignee (never on a broker's or agent's signature)."),
    "hub_shipment_cancelled": ("ShipmentSnapshot", "The shipment was cancelled."),
    "hub_claim_opened": ("ClaimSnapshot", "A claim was opened; the claim form goes out with a 3-day deadline."),
    "hub_claim_documents_received": ("ClaimSnapshot", "The customer's documents are in; departments must answer in 3 days."),
    "hub_claim_with_insurer": ("ClaimSnapshot", "Insured and above the minimum: the insurer's forms are due in 1 day."),
    "hub_claim_negotiating": ("ClaimSnapshot", "Customer service and the sales manager negotiate the amount."),
    "hub_claim_settlement_proposed": ("ClaimSnapshot", "An amount is proposed; the claim report awaits approvals."),
    "hub_claim_manager_approved": ("ClaimSnapshot", "The customer-service manager approved; the general manager is next."),
    "hub_claim_approved": ("ClaimSnapshot", "The general manager approved: credit note in the ERP, payment in 7 days."),
    "hub_claim_paid": ("ClaimSnapshot", "Finance paid the claim; the customer is notified in writing."),
    "hub_claim_with_legal": ("ClaimSnapshot", "The case was handed to legal."),
    "hub_claim_closed": ("ClaimSnapshot", "The claim ended (paid, withdrawn or concluded by legal)."),
    "hub_return_pending_review": ("ReturnSnapshot", "An after-sales request came in and was assigned to an agent."),
    "hub_return_awaiting_customer_shipment": ("ReturnSnapshot", "Approved: the customer may now send the goods back."),
    "hub_return_awaiting_return_receipt": ("ReturnSnapshot", "The customer shipped the goods back."),
    "hub_return_awaiting_exchange_shipment": ("ReturnSnapshot", "Goods received: ship the replacement or repaired unit."),
    "hub_return_awaiting_refund": ("ReturnSnapshot", "Refund due: post the return to the ERP."),
    "hub_return_completed": ("ReturnSnapshot", "The request was fulfilled."),
    "hub_return_closed": ("ReturnSnapshot", "The request was rejected or withdrawn."),
    "hub_customer_vip_granted": ("CustomerSnapshot", "Sales granted VIP: congratulation letter, contact update, notify departments."),
    "hub_customer_vip_reviewed": ("CustomerSnapshot", "The monthly review kept the VIP status."),
    "hub_customer_vip_revoked": ("CustomerSnapshot", "The monthly review revoked VIP: cancellation notice."),
    "hub_customer_grade_changed": ("CustomerSnapshot", "The customer's grade (A/B/C) changed."),
}


# ``return`` is a keyword, so return hooks take ``return_request``.
ENTITY_ARGUMENT = {"order": "order", "shipment": "shipment", "claim": "claim",
                   "return": "return_request", "customer": "customer"}


def _template(entity: object, transition: object, ctx: object) -> None:  # pragma: no cover
    """Shape of every lifecycle hook; only the first argument's name varies."""


def _lifecycle_spec(name: str, snapshot: str, when: str) -> Callable[..., Any]:
    entity = ENTITY_ARGUMENT[name.split("_")[1]]
    # pluggy reads argument names from the code object, so the spec gets a real one.
    code = _template.__code__.replace(co_varnames=(entity, "transition", "ctx"), co_name=name,
                                      co_qualname=name)
    spec = types.FunctionType(code, globals(), name)
    spec.__annotations__ = {entity: snapshot, "transition": "Transition", "ctx": "HookContext",
                            "return": "Awaitable[None]"}
    spec.__doc__ = (f"{when}\n\nDelivered from the outbox after commit, at least once per plugin.\n\n"
                    f":param {entity}: Snapshot taken in the committing transaction.\n"
                    f":param transition: Event, previous and new state, time, actor and event data.\n"
                    f":param ctx: Per-delivery context: idempotency_key, attempt, log, http, emit().\n")
    return hookspec(spec)


for _name, (_snapshot, _when) in LIFECYCLE_HOOKS.items():
    globals()[_name] = _lifecycle_spec(_name, _snapshot, _when)


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
    """A time rule of DOMAIN.md passed its limit; fired once per timer. Escalate to the owner.

    :param timer: The rule, the entity and reference, when it was due and when it breached.
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
def hub_webhook_parse(source: str, headers: dict[str, str], body: bytes) -> list[TrackingUpdate] | None:
    """Turn an inbound event into tracking updates: called when the request arrives (an exception
    is the sender's 400: nothing is stored) and again by the inbox, after the 2xx, to apply it.

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
