"""Repair batch lifecycle (003, 服装售后服务工作流程 / 售后接返机流程): the week's repairs sent to a factory together.

The after-sales department collects the units of repair requests it received (每周寄一次), lists them and
checks the list as it packs them (清单记录, 核对清单打包寄厂), sends the batch to the factory, and on its
return tests each unit, checks its serial and its seal (试机, 串号核对, 防伪贴完好) and records the factory's
result: repaired (a replacement's serial noted on the list, 换机备注) or scrapped, whose cost the supplier or
the store bears by cause, the head office when the cause cannot be told. The batch is back within the 15
days of 003's store-to-store turnaround (a timer, hub/core/domain/timers.py). The results are checked
against the batch's lines by the behaviour (hub/core/domain/repair_batches.py).
"""
from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hub.core.lifecycle.table import Event, EventData, Lifecycle, Move


class RepairBatchState(StrEnum):
    PACKED = "packed"  # listed, the list checked, packed for the factory
    SENT = "sent"  # with the carrier to the factory: the 15 days run
    RETURNED = "returned"  # back: every unit tested and checked, the factory's result recorded
    CLOSED = "closed"  # the results handed on: repaired units go back, scrap costs booked
    CANCELLED = "cancelled"  # unpacked before it left: its requests may go in another batch


UnitResultName = Literal["repaired", "scrapped"]
# Who caused a scrapped unit's fault (报废品分清供应商及专卖店原因); undetermined: the head office pays.
Cause = Literal["supplier", "store", "undetermined"]
PAYER = {"supplier": "supplier", "store": "store", "undetermined": "head_office"}
PAYERS = ("supplier", "store", "head_office")
OPEN_STATES = ("packed", "sent", "returned")  # a request in such a batch is not packed again


class Sent(EventData):
    carrier: str = Field(min_length=1, max_length=32, description="Who carries the batch to the factory.")
    tracking_number: str = Field(min_length=1, max_length=64, description="The carrier's number for the parcel.")


class UnitResult(BaseModel):
    """The factory's result for one unit, and what the after-sales department found testing it on return."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    return_ref: str = Field(min_length=1, max_length=64, description="The repair request the unit belongs to.")
    result: UnitResultName = Field(description="repaired (the unit, or the factory's replacement, works) or "
                                               "scrapped (cannot be repaired: 报废).")
    cause: Cause | None = Field(None, description="scrapped: whose fault, supplier or store; undetermined when it "
                                                  "cannot be told (the head office pays).")
    cost: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2,
                                 description="scrapped: the unit's cost, borne by the cause's party.")
    replacement_serial: str | None = Field(None, min_length=1, max_length=64, description=(
        "repaired: the serial of the new unit the factory gave instead (换机), noted on the list."))
    serial_read: str | None = Field(None, min_length=1, max_length=64, description=(
        "The serial read off the unit that came back (串号核对): the unit's own, or its replacement's. "
        "Required for a repaired unit whose serial the batch lists."))
    fault_resolved: bool | None = Field(None, description="repaired: tested on return, the fault is gone (试机).")
    seal_intact: bool | None = Field(None, description="repaired: the anti-tamper seal is intact (防伪贴完好).")
    note: str | None = Field(None, max_length=1000)

    @model_validator(mode="after")
    def _fits_the_result(self) -> UnitResult:
        if self.result == "scrapped":
            missing = [name for name in ("cause", "cost") if getattr(self, name) is None]
            if missing:
                raise ValueError(f"a scrapped unit needs {' and '.join(missing)}: who bears the cost, and how much")
            if self.replacement_serial is not None:
                raise ValueError("a scrapped unit has no replacement: a unit the factory swapped is repaired, "
                                 "with replacement_serial")
        else:
            if self.cause is not None or self.cost is not None:
                raise ValueError("cause and cost are a scrapped unit's: a repaired unit has neither")
            missing = [name for name in ("fault_resolved", "seal_intact") if getattr(self, name) is None]
            if missing:
                raise ValueError(f"a repaired unit is tested and checked on return: give {', '.join(missing)}")
        return self


class Returned(EventData):
    results: list[UnitResult] = Field(min_length=1, max_length=500, description=(
        "One result per unit of the batch, each unit exactly once."))


class Cancelled(EventData):
    reason: str = Field(min_length=1, max_length=500)


S = RepairBatchState
EVENTS = [
    Event("sent", "The packed batch left for the factory with its carrier and tracking number: the 15-day "
          "turnaround runs.", (Move(S.PACKED, S.SENT),), Sent, {"carrier": "sf", "tracking_number": "SF7788990011"},
          stores=("carrier", "tracking_number")),
    Event("returned", "The batch is back: each unit tested, its serial and seal checked, and the factory's result "
          "recorded, repaired or scrapped with the cause and cost.", (Move(S.SENT, S.RETURNED),), Returned,
          {"results": [{"return_ref": "RT-1", "result": "repaired", "serial_read": "SN-0001",
                        "fault_resolved": True, "seal_intact": True},
                       {"return_ref": "RT-2", "result": "scrapped", "cause": "supplier", "cost": "180.00"}]}),
    Event("closed", "The results were handed on: the repaired units go back to their stores, the scrap costs are "
          "booked to the parties.", (Move(S.RETURNED, S.CLOSED),)),
    Event("cancelled", "The batch was unpacked before it left; its requests may go in another batch.",
          (Move(S.PACKED, S.CANCELLED),), Cancelled, {"reason": "the courier did not come; repacked with Friday's"}),
]
REPAIR_BATCH = Lifecycle("repair_batch", [s.value for s in S], S.PACKED, (S.CLOSED, S.CANCELLED), EVENTS)
