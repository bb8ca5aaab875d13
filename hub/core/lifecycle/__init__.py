"""The lifecycles of docs/domain.md, declared event by event (see table.py)."""
from hub.core.lifecycle.claim import CLAIM, ClaimState
from hub.core.lifecycle.complaint import COMPLAINT, ComplaintState
from hub.core.lifecycle.customer import CUSTOMER, CustomerStanding
from hub.core.lifecycle.order import ORDER, OrderState
from hub.core.lifecycle.repair_batch import REPAIR_BATCH, RepairBatchState
from hub.core.lifecycle.returns import RETURN, ReturnState, ReturnType
from hub.core.lifecycle.shipment import SHIPMENT, ShipmentState
from hub.core.lifecycle.store import STORE, StoreState
from hub.core.lifecycle.table import Lifecycle, Rule

LIFECYCLES: dict[str, Lifecycle] = {lc.entity: lc for lc in (ORDER, SHIPMENT, CLAIM, RETURN, CUSTOMER,
                                                            STORE, COMPLAINT, REPAIR_BATCH)}

__all__ = ["CLAIM", "COMPLAINT", "CUSTOMER", "LIFECYCLES", "ORDER", "REPAIR_BATCH", "RETURN", "SHIPMENT", "STORE",
           "ClaimState", "ComplaintState", "CustomerStanding", "Lifecycle", "OrderState", "RepairBatchState",
           "ReturnState", "ReturnType", "Rule", "ShipmentState", "StoreState"]
