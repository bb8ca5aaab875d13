"""Customer standing (004): VIP granted on the sales department's written notice, reviewed monthly
against the shipment volume, and taken away only by the reverse path: a short month sends the customer
back to sales for re-evaluation, and sales's written notice keeps or revokes the VIP service."""
from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import Field

from hub.core.lifecycle.table import Event, EventData, Lifecycle, Move, moves_from


class CustomerStanding(StrEnum):
    REGULAR = "regular"
    VIP = "vip"
    # 004: 不符合VIP要求者→发邮件予业务部门重新评估: still served as VIP until sales's written notice
    UNDER_REEVALUATION = "under_reevaluation"


GRADES = ("A", "B", "C")
VolumeMeasure = Literal["value", "pieces", "weight_kg"]
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class SalesNotice(EventData):
    """The sales department's written notice (业务部书面通知): every change of VIP standing needs one (004)."""

    notice_ref: str = Field(min_length=1, max_length=64, description="The written notice's number.")
    notified_by: str = Field(min_length=1, max_length=64, description="Who in the sales department signed it.")


class Volume(EventData):
    """What a monthly review found: the month's shipment volume, and what it was measured against."""

    monthly_volume: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2,
                                           description="The month's shipment volume.")
    threshold: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2,
                                      description="The VIP requirement the volume was measured against.")
    measure: VolumeMeasure | None = Field(None, description="What the volume counts ([vip] volume_measure).")
    month: str | None = Field(None, pattern=MONTH, description="The calendar month reviewed, YYYY-MM (local).")
    timer: str | None = Field(None, max_length=64, description="The time rule that asked for the review.")


class VipReview(Volume):
    """The month's volume against the threshold: the hub records vip_reviewed or vip_reevaluation_requested."""

    monthly_volume: Decimal = Field(ge=0, max_digits=16, decimal_places=2, description="The month's shipment volume.")
    threshold: Decimal = Field(ge=0, max_digits=16, decimal_places=2, description="The VIP requirement.")


class GradeChange(EventData):
    grade: Literal["A", "B", "C"]


class AgentChange(EventData):
    """Another after-sales agent takes the customer over, with the customer's open requests."""

    agent: str = Field(min_length=1, max_length=64, description="The new agent: one of the configured agents.")
    reason: str = Field(min_length=1, max_length=500, description="Why the customer changes agent.")


def _volume_kept(f: VipReview) -> str | None:
    return None if f.monthly_volume >= f.threshold else "below the threshold"


def _volume_short(f: VipReview) -> str | None:
    return "threshold reached" if f.monthly_volume >= f.threshold else None


def vip_review_outcome(data: VipReview) -> str:
    """Monthly review against shipment volume (004): kept, or back to sales to re-evaluate — never revoked here."""
    return "vip_reviewed" if _volume_kept(data) is None else "vip_reevaluation_requested"


S = CustomerStanding
NOTICE = {"notice_ref": "SALES-2026-031", "notified_by": "sales-li"}
EVENTS = [
    Event("vip_granted", "Sales granted VIP on the department's written notice (004).", (Move(S.REGULAR, S.VIP),),
          SalesNotice, NOTICE),
    Event("vip_reviewed", "The monthly review kept the VIP status: the month's volume met the requirement.",
          (Move(S.VIP),), Volume, {"monthly_volume": "125000.00", "threshold": "100000.00"}, ("api", "timer")),
    Event("vip_reevaluation_requested", "The monthly review found the volume below the VIP requirement: sales "
          "is asked to re-evaluate; VIP service goes on until its written notice (004).",
          (Move(S.VIP, S.UNDER_REEVALUATION),), Volume, {"monthly_volume": "900.00", "threshold": "100000.00"},
          ("api", "timer")),
    Event("vip_review", "The monthly review, decided by the hub from volume and threshold: recorded as "
          "vip_reviewed or vip_reevaluation_requested (its timer computes the volume from the month's shipments).",
          (Move(S.VIP, S.VIP, _volume_kept), Move(S.VIP, S.UNDER_REEVALUATION, _volume_short)),
          VipReview, {"monthly_volume": "125000.00", "threshold": "100000.00"}, ("api", "timer"),
          decide=vip_review_outcome, records=("vip_reviewed", "vip_reevaluation_requested")),
    Event("vip_kept", "Sales re-evaluated the customer and keeps the VIP status on its written notice.",
          (Move(S.UNDER_REEVALUATION, S.VIP),), SalesNotice, {**NOTICE, "notice_ref": "SALES-2026-044"}),
    Event("vip_revoked", "Sales's written notice after re-evaluation: the customer no longer meets the VIP "
          "standard; the cancellation notice goes to the customer (004).",
          (Move(S.UNDER_REEVALUATION, S.REGULAR),), SalesNotice, {**NOTICE, "notice_ref": "SALES-2026-045"}),
    Event("grade_changed", "The customer's grade (A/B/C) changed.", moves_from(S), GradeChange, {"grade": "A"}),
    Event("agent_reassigned", "Another after-sales agent takes the customer over, with their open requests (003).",
          moves_from(S), AgentChange, {"agent": "agent-2", "reason": "agent-1 moved to the claims desk"}),
]
CUSTOMER = Lifecycle("customer", [s.value for s in S], S.REGULAR, (), EVENTS)
