"""Complaint lifecycle (000, 收货后三日内点清数量和检验): a shortage, damage or wrong-goods report after delivery.

The customer counts and inspects within 3 days of receipt. A complaint of shortage or damage is
investigated at once (立即组织查明原因): the cause is found, the responsibility fixed (落实责任与处分:
the party, the person or department, any sanction), and the customer gets a reply with the remedy
(补货换货的回复): goods replenished or exchanged, a credit, or nothing. It is tracked to the end: the
replacement ships, then the customer confirms (resolved). Guards read a ``ComplaintFacts`` built by
the behaviour (hub/core/domain/complaints.py) from the stored complaint plus the event's data.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hub.core.lifecycle.table import Event, EventData, Lifecycle, Move, moves_from


class ComplaintState(StrEnum):
    RECEIVED = "received"  # recorded: who took it, how it came in, the lines concerned
    INVESTIGATING = "investigating"  # someone is finding the cause (查明原因)
    ANSWERED = "answered"  # the customer has the reply: cause, responsibility, remedy and plan
    REMEDY_SHIPPED = "remedy_shipped"  # the replenishment or exchange left (补货 / 换货)
    RESOLVED = "resolved"  # the customer confirmed
    WITHDRAWN = "withdrawn"  # the customer withdrew it


ComplaintKind = Literal["shortage", "damage", "wrong_goods"]
Channel = Literal["phone", "fax", "visit", "email"]
Party = Literal["carrier", "warehouse", "production", "sales", "customer", "other"]
Remedy = Literal["replenish", "exchange", "credit", "none"]
# Remedies that send goods to the customer: they ship (remedy_shipped) before the complaint resolves.
SHIPPING_REMEDIES = ("replenish", "exchange")


@dataclass(frozen=True)
class ComplaintFacts:
    cause: str | None = None
    responsible_party: str | None = None
    remedy: str | None = None


def _answer_complete(f: ComplaintFacts) -> str | None:
    missing = [name for name, value in (("cause", f.cause), ("responsibility", f.responsible_party),
                                        ("remedy", f.remedy)) if not value]
    return ("the reply needs " + ", ".join(missing)) if missing else None


def _ships_goods(f: ComplaintFacts) -> str | None:
    if f.remedy in SHIPPING_REMEDIES:
        return None
    return f"the remedy is {f.remedy or 'not decided'}: nothing ships; send resolved once the customer confirms"


def _ships_nothing(f: ComplaintFacts) -> str | None:
    if f.remedy in SHIPPING_REMEDIES:
        return f"the {f.remedy} must ship first (remedy_shipped), then the customer confirms"
    return None


# --- event data -----------------------------------------------------------------------------


class InvestigationStarted(EventData):
    investigator: str = Field(min_length=1, max_length=64, description="Who investigates (跟单员 or department).")
    department: str | None = Field(None, min_length=1, max_length=64, description="The department involved.")


class Responsibility(BaseModel):
    """Who is responsible (落实责任) and the sanction decided, if any (处分)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    party: Party = Field(description="carrier, warehouse, production, sales, customer or other.")
    person: str | None = Field(None, min_length=1, max_length=64, description="The person responsible.")
    department: str | None = Field(None, min_length=1, max_length=64, description="The department responsible.")
    sanction: str | None = Field(None, min_length=1, max_length=500,
                                 description="The sanction decided (处分), e.g. a warning or a deduction.")


class Answered(EventData):
    cause: str = Field(min_length=1, max_length=2000, description="What caused the shortage or damage (原因).")
    responsibility: Responsibility
    remedy: Remedy = Field(description="replenish (补货), exchange (换货), credit or none.")
    plan: str = Field(min_length=1, max_length=2000, description="The plan as the customer reads it in the reply.")
    promised_date: date | None = Field(None, description=(
        "When the replenishment or exchange ships (or the credit is issued): a time rule watches it. "
        "Required for replenish and exchange."))

    @model_validator(mode="after")
    def _shipping_has_a_date(self) -> Answered:
        if self.remedy in SHIPPING_REMEDIES and self.promised_date is None:
            raise ValueError(f"a {self.remedy} remedy needs promised_date (when the goods ship)")
        return self


class RemedyShipped(EventData):
    shipment_ref: str = Field(min_length=1, max_length=64, description=(
        "The shipment carrying the replenishment or exchange: a shipment of the complaint's order "
        "(POST /api/complaints/{ref}/shipments creates one and sends this event)."))


class Resolved(EventData):
    confirmed_by: str = Field(min_length=1, max_length=200, description="Who at the customer confirmed.")


class Withdrawn(EventData):
    reason: str = Field(min_length=1, max_length=500)


S = ComplaintState
OPEN = (S.RECEIVED, S.INVESTIGATING, S.ANSWERED)
EVENTS = [
    Event("investigation_started", "Someone started finding the cause of the complaint, at once (立即组织查明原因).",
          (Move(S.RECEIVED, S.INVESTIGATING),), InvestigationStarted,
          {"investigator": "cs-wang", "department": "customer_service"}),
    Event("answered", "The customer got the reply: the cause, the responsibility (party, person, sanction) and "
          "the remedy with its plan and date (补货换货的回复).",
          (Move(S.INVESTIGATING, S.ANSWERED, _answer_complete),), Answered,
          {"cause": "two cartons left behind at loading", "responsibility": {
              "party": "warehouse", "person": "loader-zhou", "department": "warehouse", "sanction": "written warning"},
           "remedy": "replenish", "plan": "the two missing chairs ship with the next truck",
           "promised_date": "2026-03-10"}),
    Event("remedy_shipped", "The replenishment or exchange left in a shipment of the same order.",
          (Move(S.ANSWERED, S.REMEDY_SHIPPED, _ships_goods),), RemedyShipped, {"shipment_ref": "SH-2"},
          ("api", "hub")),
    Event("resolved", "The customer confirmed the complaint is settled: after the goods shipped, or at once for "
          "a credit or no remedy.",
          (Move(S.REMEDY_SHIPPED, S.RESOLVED), Move(S.ANSWERED, S.RESOLVED, _ships_nothing)), Resolved,
          {"confirmed_by": "Li Lei (buyer)"}),
    Event("withdrawn", "The customer withdrew the complaint before any remedy shipped.",
          moves_from(OPEN, S.WITHDRAWN), Withdrawn, {"reason": "the missing carton was found in the store room"}),
]
COMPLAINT = Lifecycle("complaint", [s.value for s in S], S.RECEIVED, (S.RESOLVED, S.WITHDRAWN), EVENTS)

# The inspection window (000: 三日内点清数量和检验): a complaint after it is recorded, flagged late.
INSPECTION_DAYS = 3
