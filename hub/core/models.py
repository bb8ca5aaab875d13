"""Frozen snapshots handed to hooks (never ORM rows or table rows) and the per-delivery context.

Carrier updates and verified webhooks, which plugins hand to the hub, are in ``inbound_models``.

Snapshots are pydantic models so the outbox can store them as JSON in the committing
transaction and rebuild them, unchanged, when the delivery runs minutes or days later.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import structlog
from pydantic import BaseModel, ConfigDict


class Snapshot(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class CustomerSnapshot(Snapshot):
    code: str
    name: str
    grade: str
    vip: bool = False
    language: str = "zh-CN"
    email: str | None = None
    phone: str | None = None
    agent: str | None = None
    salesperson: str | None = None


class OrderLine(Snapshot):
    line_no: int
    product_code: str
    spec: str = ""
    qty: Decimal | None = None  # None until the customer clarified it (the order's missing_fields say so)
    unit_price: Decimal | None = None
    list_price: Decimal | None = None
    available_qty: Decimal | None = None
    back_order_qty: Decimal = Decimal(0)
    back_order_eta: date | None = None
    shipped_qty: Decimal = Decimal(0)


class OrderContact(Snapshot):
    """Who receives or collects the order: the confirmation's contact block (000)."""

    name: str | None = None
    phone: str | None = None
    address: str | None = None
    pickup_company: str | None = None
    plate: str | None = None


class OrderSnapshot(Snapshot):
    ref: str
    state: str
    kind: str = "standard"
    customer: CustomerSnapshot
    lines: tuple[OrderLine, ...] = ()
    currency: str = "CNY"
    total: Decimal = Decimal(0)
    deposit_due: Decimal = Decimal(0)
    deposit_paid: Decimal = Decimal(0)
    amount_paid: Decimal = Decimal(0)
    delivery_mode: str = "delivery"
    contact: OrderContact = OrderContact()
    promised_date: date | None = None
    confirmation_received: bool = False
    missing_fields: tuple[str, ...] = ()
    erp_ref: str | None = None
    open_claims: int = 0
    open_complaints: int = 0  # complaints not yet resolved or withdrawn: the order cannot close
    delivered_at: datetime | None = None  # the carrier's time of the last delivery
    created_at: datetime


class ShipmentSnapshot(Snapshot):
    ref: str
    order_ref: str
    state: str
    substatus: str | None = None
    flags: tuple[str, ...] = ()
    carrier: str | None = None
    tracking_number: str | None = None
    subscription: str | None = None  # tracking subscription: active | stopped | ended
    mode: str = "delivery"
    pieces: int | None = None
    waybill_weight_kg: Decimal | None = None
    reported_weight_kg: Decimal | None = None
    carrier_contact: str | None = None  # the driver's or the carrier's phone
    plate: str | None = None
    escort: str | None = None
    pickup_company: str | None = None
    lines: dict[int, Decimal] = {}  # line_no → qty carried
    erp_ref: str | None = None
    delivered_at: datetime | None = None  # when the carrier says it was delivered
    customer: CustomerSnapshot


class ClaimSnapshot(Snapshot):
    ref: str
    order_ref: str
    shipment_ref: str | None = None
    kind: str
    state: str
    insured: bool = False
    amount_claimed: Decimal = Decimal(0)
    amount_approved: Decimal | None = None
    currency: str = "CNY"
    documents_due_at: datetime | None = None
    documents_received: tuple[str, ...] = ()  # of the claim form's list (申请赔偿表)
    documents_missing: tuple[str, ...] = ()  # requested and not in yet
    fault: str = "unknown"  # company | carrier | customer | unknown; company: the vice-president signs
    report_ref: str | None = None  # the claim report (理赔申请报告书) on the proposed amount
    report_issued_at: datetime | None = None
    # Finance's debt check (财会部评估客户欠款情况): what the customer owes, negative when in credit.
    open_balance: Decimal | None = None
    open_balance_overdue: Decimal | None = None
    open_balance_currency: str | None = None
    open_balance_source: str | None = None
    open_balance_checked_at: datetime | None = None
    # The claim against the carrier or agent (向代理索赔) and what it recovered.
    carrier_claim_against: str | None = None
    carrier_claim_amount: Decimal | None = None
    carrier_claim_reference: str | None = None
    carrier_amount_recovered: Decimal | None = None
    erp_ref: str | None = None
    customer: CustomerSnapshot


class ReturnSnapshot(Snapshot):
    ref: str
    order_ref: str
    type: str
    state: str
    line_no: int | None = None
    reason: str = ""
    amount: Decimal = Decimal(0)
    agent: str | None = None
    erp_ref: str | None = None
    customer: CustomerSnapshot


class StoreLine(Snapshot):
    """One line of a new store's lists: products, decor (饰品) or image items (形象品)."""

    code: str
    description: str = ""
    qty: Decimal


class StoreBackOrder(Snapshot):
    """What the first shipment could not carry (欠货清单), with planning's date."""

    line_no: int
    kind: str = "product"  # product | decor | image
    code: str
    description: str = ""
    qty: Decimal
    eta: date
    shipped_at: datetime | None = None
    shipment_ref: str | None = None
    express: bool = False


class StoreSnapshot(Snapshot):
    """A new store's opening (000, 新开店备发货流程), from store development's data to the handover."""

    ref: str
    state: str
    customer: CustomerSnapshot
    order_ref: str | None = None
    name: str = ""
    address: str | None = None
    developer: str | None = None  # who in store development passed the store on
    documents_sent: tuple[str, ...] = ()  # project_brief, design_plan, image_items_list
    product_lines: tuple[StoreLine, ...] = ()
    decor_items: tuple[StoreLine, ...] = ()
    image_items: tuple[StoreLine, ...] = ()
    amount_paid: Decimal | None = None
    shipping_date: date | None = None
    shipment_refs: tuple[str, ...] = ()
    back_orders: tuple[StoreBackOrder, ...] = ()
    created_at: datetime


class ComplaintResponsibility(Snapshot):
    """Who is responsible for a complaint (落实责任), and the sanction decided (处分)."""

    party: str  # carrier | warehouse | production | sales | customer | other
    person: str | None = None
    department: str | None = None
    sanction: str | None = None


class ComplaintSnapshot(Snapshot):
    """A shortage, damage or wrong-goods complaint after delivery (000), from receipt to the customer's
    confirmation: the reply's cause, responsibility and remedy once answered."""

    ref: str
    order_ref: str
    shipment_ref: str | None = None  # the shipment complained of, when named
    kind: str  # shortage | damage | wrong_goods
    state: str
    channel: str  # phone | fax | visit | email
    late: bool = False  # received after the 3-day inspection window
    window_ends_at: datetime | None = None
    lines: dict[int, Decimal] = {}  # line_no → quantity concerned
    description: str = ""
    investigator: str | None = None
    cause: str | None = None
    responsibility: ComplaintResponsibility | None = None
    remedy: str | None = None  # replenish | exchange | credit | none
    plan: str | None = None
    promised_date: date | None = None
    remedy_shipment_ref: str | None = None
    customer: CustomerSnapshot
    created_at: datetime


class CaseSnapshot(Snapshot):
    """An investigation opened on a shipment anomaly (开档查询), with the facts to collect."""

    ref: str
    shipment_ref: str
    order_ref: str
    anomaly: str
    facts_to_collect: tuple[str, ...] = ()
    customer: CustomerSnapshot


class RepairBatchLine(Snapshot):
    """One unit on a repair batch's list (清单): the request it belongs to, what the factory needs to know (the
    serial, the fault, the evidence photos) and, once back, the factory's result and what testing found."""

    return_ref: str
    order_ref: str
    line_no: int | None = None  # the order line the request is for
    customer_code: str  # the store (or customer) the unit goes back to: the return lists are per store
    unit_serial: str | None = None
    fault: str = ""
    description: str = ""
    evidence: tuple[str, ...] = ()  # the defect's photos: the factory asks for them (照片一定要保留)
    under_warranty: bool | None = None
    result: str | None = None  # repaired | scrapped, once returned
    cause: str | None = None  # scrapped: supplier | store | undetermined
    payer: str | None = None  # scrapped: supplier | store | head_office
    cost: Decimal | None = None
    replacement_serial: str | None = None  # the factory's new unit (换机)
    serial_read: str | None = None  # read off the unit that came back (串号核对)
    fault_resolved: bool | None = None  # tested on return (试机)
    seal_intact: bool | None = None  # 防伪贴完好
    discrepancies: tuple[str, ...] = ()  # fault_persists, serial_mismatch, seal_broken: found testing it
    result_note: str | None = None


class RepairBatchSnapshot(Snapshot):
    """Repair requests' units sent to one factory together, once a week (003), from packing to closing; the
    scrapped units' costs split by who pays once it is back."""

    ref: str
    factory: str
    state: str
    week: str  # ISO week packed in, local time: 2026-W10
    lines: tuple[RepairBatchLine, ...] = ()
    extra_batch_reason: str | None = None  # why a further batch went to the factory that week
    note: str | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    sent_at: datetime | None = None
    returned_at: datetime | None = None
    supplier_cost: Decimal | None = None
    store_cost: Decimal | None = None
    head_office_cost: Decimal | None = None
    created_at: datetime


class TimerSnapshot(Snapshot):
    id: int
    rule: str
    entity: str
    ref: str
    due_at: datetime
    breached_at: datetime
    escalate_to: str = ""


class Transition(Snapshot):
    """What moved: the entity, the event that moved it, and who or what sent the event."""

    entity: str
    ref: str
    event: str
    previous: str | None
    state: str
    at: datetime
    actor: str = "system"
    data: dict[str, Any] = {}


@dataclass(frozen=True)
class FollowUp:
    """A lifecycle event a plugin reports back; applied in the transaction that ends its delivery."""

    entity: str
    ref: str
    event: str
    data: dict[str, Any]


@dataclass
class HookContext:
    """Per-delivery context: pass ``idempotency_key`` to the external system wherever it can take one."""

    idempotency_key: str
    attempt: int
    delivery_id: int
    event_id: str
    plugin: str
    log: structlog.typing.FilteringBoundLogger
    now: datetime
    http: Any = None  # aiohttp.ClientSession shared by the process
    data_dir: Any = None  # pathlib.Path of the hub's data folder
    followups: list[FollowUp] = field(default_factory=list)
    remembered: list[str] = field(default_factory=list)
    ledger: Any = None  # async callable(key) -> bool: was this key remembered by an earlier delivery?
    hook: str = ""  # the hook being delivered: what ctx.emit may reply is declared per hook
    # The plugin's own state in the database, shared by every hub process (hub.core.plugin_state):
    # get/put (compare-and-set) and take (a counter that never passes its limit). None: no database.
    state: Any = None
    # The hub's documents (hub.core.documents.DocumentRenderer): ``await ctx.documents.pdf(name, snapshot,
    # related, language)`` gives the PDF a letter attaches, from the templates ops configured.
    documents: Any = None

    async def seen(self, key: str) -> bool:
        """Whether an earlier, completed delivery remembered ``key`` (e.g. a message already sent)."""
        return bool(self.ledger and await self.ledger(key))

    def remember(self, key: str) -> None:
        """Record ``key`` when this delivery completes, in the same transaction that marks it done."""
        self.remembered.append(key)

    def emit(self, entity: str, ref: str, event: str, **data: Any) -> None:
        """Report a lifecycle event back to the hub (e.g. the ERP's review or shipment number).

        Only the replies the hook declares are accepted (docs/hooks.md, "May emit"), and their data
        is checked against the event's model now: a mistake raises PermanentError in the plugin's
        own call instead of failing later, where the plugin cannot see it.
        """
        from hub.core.catalogue import check_reply  # models are imported by the catalogue's users
        if self.hook:
            check_reply(self.hook, entity, event, data)
        self.followups.append(FollowUp(entity, ref, event, data))
