"""Request shapes of the API that are not domain inputs: events, filters. The OpenAPI document reads them."""
from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hub.core.attachments import DOCUMENTS
from hub.core.lifecycle.claim import ClaimState
from hub.core.lifecycle.complaint import ComplaintState
from hub.core.lifecycle.customer import CustomerStanding
from hub.core.lifecycle.order import OrderState
from hub.core.lifecycle.repair_batch import RepairBatchState
from hub.core.lifecycle.returns import ReturnState
from hub.core.lifecycle.shipment import ShipmentState
from hub.core.lifecycle.store import StoreState

MAX_LIMIT = 1000


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventInput(Body):
    """A lifecycle event for one entity, e.g. ``{"event": "confirmation_sent", "data": {}}``."""

    event: str = Field(min_length=1, max_length=48, pattern=r"^[a-z_]+$",
                       description="The lifecycle event; the entity's state must accept it.")
    data: dict[str, Any] = Field(default_factory=dict, description="The event's data, e.g. an amount.")


class EventCatalogueFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entity: Literal["order", "shipment", "claim", "return", "customer", "store", "complaint",
                    "repair_batch"] | None = Field(
        None, description="Only this entity's lifecycle.")


class Query(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt filter must not silently list everything

    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="Page size.")
    offset: int = Field(0, ge=0, le=10**9, description="Rows to skip.")


class OrderFilter(Query):
    state: OrderState | None = Field(None, description="Only orders in this state.")
    customer: str | None = Field(None, min_length=1, max_length=64, description="Customer code.")
    grade: Literal["A", "B", "C"] | None = Field(None, description="Customer grade.")
    overdue: bool | None = Field(None, description="true: a timer breached or past due; false: none.")


class ShipmentFilter(Query):
    state: ShipmentState | None = None
    order_ref: str | None = Field(None, min_length=1, max_length=64)


class ClaimFilter(Query):
    state: ClaimState | None = None
    order_ref: str | None = Field(None, min_length=1, max_length=64)


class ReturnFilter(Query):
    state: ReturnState | None = None
    order_ref: str | None = Field(None, min_length=1, max_length=64)


class CustomerFilter(Query):
    state: CustomerStanding | None = Field(None, description="Standing: regular, vip or under_reevaluation.")
    grade: Literal["A", "B", "C"] | None = None


class StoreFilter(Query):
    state: StoreState | None = Field(None, description="Only store openings in this state.")
    customer: str | None = Field(None, min_length=1, max_length=64, description="Customer code.")
    order_ref: str | None = Field(None, min_length=1, max_length=64, description="The store's first order.")


class ComplaintFilter(Query):
    state: ComplaintState | None = Field(None, description="Only complaints in this state.")
    order_ref: str | None = Field(None, min_length=1, max_length=64, description="Only this order's complaints.")


class RepairBatchFilter(Query):
    state: RepairBatchState | None = Field(None, description="Only repair batches in this state.")
    factory: str | None = Field(None, min_length=1, max_length=100, description="Only this factory's batches.")


class HandoffFilter(Query):
    state: Literal["pending", "running", "failed", "dead", "done", "discarded"] | None = None
    plugin: str | None = Field(None, min_length=1, max_length=100)
    order_ref: str | None = Field(None, min_length=1, max_length=64)


class InboundFilter(Query):
    state: Literal["pending", "processed", "failed", "discarded"] | None = Field(
        None, description="Only stored webhooks in this state; the newest come first.")
    source: str | None = Field(None, min_length=1, max_length=100, description="The webhook source, e.g. orders.")


class InboundRetryFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt source must not retry every source

    source: str | None = Field(None, min_length=1, max_length=100, description="Only failed events of this source.")


class TimerFilter(Query):
    state: Literal["open", "breached", "satisfied", "cancelled"] = Field("open", description="Open by default.")
    rule: str | None = Field(None, min_length=1, max_length=48, description="A time rule, e.g. claim_report.")
    entity: str | None = Field(None, min_length=1, max_length=16)
    due_before: AwareDatetime | None = Field(None, description="Only timers due by then (with its offset).")


class CaseFilter(Query):
    state: Literal["open", "closed"] = Field("open")
    anomaly: str | None = Field(None, min_length=1, max_length=32, description="e.g. shortage, delivered_to_broker.")


class HandoffBatch(BaseModel):
    """Which handoffs to act on at once: by plugin, hook and when they last changed (dead by default)."""

    model_config = ConfigDict(extra="forbid")

    plugin: str | None = Field(None, min_length=1, max_length=100)
    hook: str | None = Field(None, min_length=1, max_length=64)
    since: AwareDatetime | None = Field(None, description="Last changed at or after (with its offset).")
    until: AwareDatetime | None = Field(None, description="Last changed before.")


class HandoffBatchRetry(HandoffBatch):
    state: Literal["dead", "failed", "discarded"] = "dead"


class HandoffBatchDiscard(HandoffBatch):
    state: Literal["dead", "failed", "pending"] = "dead"


class AttachmentForm(BaseModel):
    """An upload (``multipart/form-data``): one or more ``file`` parts and, when they are one of the
    entity's documents, ``document``. Read as it streams by hub/web/api_attachments.py; the model
    describes it in the OpenAPI document."""

    model_config = ConfigDict(extra="forbid")
    media_type: ClassVar[str] = "multipart/form-data"

    file: list[bytes] = Field(min_length=1, description=(
        "PDF, JPEG or PNG, told by its content (never its name); each at most [attachments] max_bytes, "
        "at most max_files_per_request of them."))
    document: Literal[DOCUMENTS] | None = Field(None, description=(
        "Which document the files are: a claim's (signed_delivery_receipt, waybill, commercial_invoice, "
        "loss_evidence_photos, amount_claimed: applies documents_received) or an order's signed_confirmation "
        "(applies confirmation_received). Without it the files are kept as evidence."))
