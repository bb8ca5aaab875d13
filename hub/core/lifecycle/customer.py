"""Customer standing (004): VIP granted on the sales department's notice, reviewed monthly, revoked."""
from __future__ import annotations

from enum import StrEnum

from decimal import Decimal
from typing import Literal

from pydantic import Field

from hub.core.lifecycle.table import Event, EventData, Lifecycle, Move, moves_from


class CustomerStanding(StrEnum):
    REGULAR = "regular"
    VIP = "vip"


GRADES = ("A", "B", "C")


class Volume(EventData):
    monthly_volume: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2,
                                           description="The month's shipment volume.")


class VipReview(EventData):
    """The month's volume against the threshold: the hub records vip_reviewed or vip_revoked."""

    monthly_volume: Decimal = Field(ge=0, max_digits=16, decimal_places=2)
    threshold: Decimal = Field(ge=0, max_digits=16, decimal_places=2)


class GradeChange(EventData):
    grade: Literal["A", "B", "C"]


def _volume_kept(f: VipReview) -> str | None:
    return None if f.monthly_volume >= f.threshold else "below the threshold"


def _volume_short(f: VipReview) -> str | None:
    return "threshold reached" if f.monthly_volume >= f.threshold else None


def vip_review_outcome(data: VipReview) -> str:
    """Monthly review against shipment volume (004): keep or revoke."""
    return "vip_reviewed" if _volume_kept(data) is None else "vip_revoked"


S = CustomerStanding
EVENTS = [
    Event("vip_granted", "Sales granted VIP on the department's notice (004).", (Move(S.REGULAR, S.VIP),)),
    Event("vip_reviewed", "The monthly review kept the VIP status.", (Move(S.VIP),), Volume,
          {"monthly_volume": "125000.00"}),
    Event("vip_revoked", "The monthly review revoked the VIP status.", (Move(S.VIP, S.REGULAR),), Volume,
          {"monthly_volume": "900.00"}),
    Event("vip_review", "The monthly review, decided by the hub from volume and threshold: recorded as "
          "vip_reviewed or vip_revoked.", (Move(S.VIP, S.VIP, _volume_kept), Move(S.VIP, S.REGULAR, _volume_short)),
          VipReview, {"monthly_volume": "125000.00", "threshold": "100000.00"}, ("api",),
          decide=vip_review_outcome, records=("vip_reviewed", "vip_revoked")),
    Event("grade_changed", "The customer's grade (A/B/C) changed.", moves_from(S), GradeChange, {"grade": "A"}),
]
CUSTOMER = Lifecycle("customer", [s.value for s in S], S.REGULAR, (), EVENTS)
