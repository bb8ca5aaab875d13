"""Outbox payload JSON → the hook's keyword arguments, snapshots rebuilt as frozen models."""
from __future__ import annotations

from typing import Any

from hub.core.models import (CaseSnapshot, ClaimSnapshot, ComplaintSnapshot, CustomerSnapshot, OrderSnapshot,
                             ReturnSnapshot, ShipmentSnapshot, StoreSnapshot, TimerSnapshot, Transition)
from hub.core.reports import Report

ARGUMENT_TYPES = {"order": OrderSnapshot, "shipment": ShipmentSnapshot, "claim": ClaimSnapshot,
                  "return_request": ReturnSnapshot, "customer": CustomerSnapshot, "case": CaseSnapshot,
                  "timer": TimerSnapshot, "transition": Transition, "store": StoreSnapshot, "complaint": ComplaintSnapshot,
                  "report": Report}


def rebuild(payload: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in payload.items():
        if name.startswith("_"):
            continue
        model = ARGUMENT_TYPES.get(name)
        out[name] = model.model_validate(value) if model and value is not None else value
    return out
