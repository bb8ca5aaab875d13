"""The lifecycles of docs/domain.md, declared event by event (see table.py)."""
from hub.core.lifecycle.claim import CLAIM, ClaimState
from hub.core.lifecycle.customer import CUSTOMER, CustomerStanding
from hub.core.lifecycle.order import ORDER, OrderState
from hub.core.lifecycle.returns import RETURN, ReturnState, ReturnType
from hub.core.lifecycle.shipment import SHIPMENT, ShipmentState
from hub.core.lifecycle.table import Lifecycle, Rule

LIFECYCLES: dict[str, Lifecycle] = {lc.entity: lc for lc in (ORDER, SHIPMENT, CLAIM, RETURN, CUSTOMER)}

__all__ = ["CLAIM", "CUSTOMER", "LIFECYCLES", "ORDER", "RETURN", "SHIPMENT", "ClaimState",
           "CustomerStanding", "Lifecycle", "OrderState", "ReturnState", "ReturnType", "Rule",
           "ShipmentState"]
