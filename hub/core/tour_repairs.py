"""The docs tour's repair batches (003): repairs packed for the factory the week they came in, sent, back with
one unit repaired on a replacement and one scrapped at the supplier's cost, closed; another factory's batch
unpacked before it left. Part of ``hub.core.tour``; steps half an hour apart keep the payloads in order."""
from __future__ import annotations

from typing import Any

from hub.core.clock import FakeClock
from hub.core.domain.inputs import NewReturn
from hub.core.domain.repair_batches import NewRepairBatch
from hub.core.service import Hub

CHECKS = {"serial_match": True, "seal_intact": True, "liquid_marks": False, "missing_parts": False,
          "unauthorised_repair": False, "data_loss_acknowledged": True}
REPAIRS = [("RT-TOUR-RB1", "MOTOR-1029", "recliner motor dead", ["photos/rt-rb1-motor.jpg"]),
           ("RT-TOUR-RB2", None, "frame cracked at the joint", ["photos/rt-rb2-frame-1.jpg", "photos/rt-rb2-frame-2.jpg"]),
           ("RT-TOUR-RB3", None, "seat spring broken", [])]
RESULTS: list[dict[str, Any]] = [
    {"return_ref": "RT-TOUR-RB1", "result": "repaired", "replacement_serial": "MOTOR-77A1",
     "serial_read": "MOTOR-77A1", "fault_resolved": True, "seal_intact": True, "note": "motor swapped by the factory"},
    {"return_ref": "RT-TOUR-RB2", "result": "scrapped", "cause": "supplier", "cost": "1350.00",
     "note": "glue failure in the frame batch"},
]


async def repair_batches(hub: Hub, clock: FakeClock, order_ref: str, address: str) -> None:
    for ref, serial, fault, photos in REPAIRS:
        await hub.request_return(NewReturn(ref=ref, order_ref=order_ref, type="repair", line_no=1, reason=fault,
                                           unit_serial=serial, fault=fault, evidence=photos, address=address,
                                           checklist=CHECKS))
        for event in ("approved", "customer_shipped", "goods_received"):
            await hub.apply("return", ref, event, {}, actor="agent-1")
    steps = [("packed", "RB-TOUR-1", {}), ("sent", "RB-TOUR-1", {"carrier": "sf", "tracking_number": "SF3001"}),
             ("returned", "RB-TOUR-1", {"results": RESULTS}), ("closed", "RB-TOUR-1", {}),
             ("packed", "RB-TOUR-2", {}), ("cancelled", "RB-TOUR-2", {"reason": "the factory closed for the week"})]
    batches = {"RB-TOUR-1": ("Foshan Sofa Works", ["RT-TOUR-RB1", "RT-TOUR-RB2"]),
               "RB-TOUR-2": ("Dongguan Springs Co", ["RT-TOUR-RB3"])}
    for event, ref, data in steps:
        clock.advance(minutes=30)
        if event == "packed":
            factory, returns = batches[ref]
            await hub.pack_repair_batch(NewRepairBatch(ref=ref, factory=factory, returns=returns),
                                        actor="after-sales-lin")
        else:
            await hub.apply("repair_batch", ref, event, data, actor="after-sales-lin")
