"""What plugins hand to the hub: a carrier's tracking update and a verified webhook.

Frozen pydantic models like the snapshots, so an update can be stored and replayed as JSON.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from hub.core.measures import to_kg


class Inbound(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class TrackingEvent(Inbound):
    """One carrier checkpoint, already mapped to the hub's canonical shipment states."""

    occurred_at: datetime
    state: str | None  # canonical state, None when the event does not move the state
    substatus: str | None = None
    code: str = ""
    description: str = ""
    location: str = ""
    flags: tuple[str, ...] = ()
    claim_kind: str | None = None  # damage | shortage | loss: the event opens a claim
    # Handed to another carrier (转EMS，单号…): that carrier, named as the hub names carriers, and
    # its number for the parcel; the core records the number and the hub follows it.
    forwarded_to: str | None = None
    forwarded_number: str | None = None


class TrackingUpdate(Inbound):
    """What a carrier says about one tracking number, from a push or a poll."""

    carrier: str
    tracking_number: str
    events: tuple[TrackingEvent, ...] = ()
    reported_weight_kg: Decimal | None = None
    # The carrier's weight as it said it (DHL Freight: 154 KGM): the core converts it to kg with
    # one table (hub/core/tracking.py) and records a unit no row knows instead of dropping it.
    reported_weight: Decimal | None = None
    reported_weight_unit: str | None = None
    subscription: str | None = None  # active | stopped | ended; never a shipment state
    carrier_code: str | None = None  # a carrier that corrected its own code (Kuaidi100 comNew)
    # Piece counts as the carrier states them; the core compares them with the waybill's pieces,
    # so a "Delivered" on 2 of 3 pieces is a shortage whatever its wording.
    pieces: int | None = None  # pieces the carrier counts in the shipment
    pieces_delivered: int | None = None  # pieces the carrier says were delivered; None: it does not say
    aliases: tuple[str, ...] = ()  # the carrier's other numbers for it: piece ids, licence plates, references
    zero_padded: bool = False  # the carrier pads numbers with leading zeros (DHL's (00) SSCC prefix)

    @model_validator(mode="before")
    @classmethod
    def _weight_in_kg(cls, data: Any) -> Any:
        """``reported_weight_kg`` follows from the carrier's value and unit; it stays None for a
        unit no row knows, which the core then records with the value as sent."""
        if isinstance(data, dict) and data.get("reported_weight") is not None \
                and data.get("reported_weight_kg") is None:
            data = {**data, "reported_weight_kg": to_kg(data["reported_weight"], data.get("reported_weight_unit"))}
        return data


class OrderMessage(Inbound):
    """A shop platform's webhook turned into the hub's own order message, as ``POST /webhooks/orders``
    takes it: ``order.created`` with a new order, or ``order.<event>`` with ``{"ref", "data"}``."""

    type: str
    data: dict[str, Any]


class WebhookReceipt(Inbound):
    """A verified inbound request: what identifies it and what the sender wants as a reply."""

    event_id: str | None = None  # None: the core dedupes on a hash of the body
    ordering_key: str | None = None  # events with one key are applied in arrival order
    reply_status: int = 200
    reply_body: bytes | None = None
    reply_content_type: str = "application/json"
