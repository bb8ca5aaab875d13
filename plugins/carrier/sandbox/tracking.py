"""Sandbox carrier payloads → TrackingUpdate (pure)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from hub import ShipmentState, TrackingEvent, TrackingUpdate, WebhookRejected

from .settings import ScriptStep


def scripted(carrier: str, tracking_number: str, booked_at: datetime, now: datetime,
             script: tuple[ScriptStep, ...]) -> TrackingUpdate:
    events = tuple(TrackingEvent(occurred_at=booked_at + timedelta(hours=step.after_hours), state=step.state,
                                 substatus=step.substatus, description=step.description, code=step.state)
                   for step in script if booked_at + timedelta(hours=step.after_hours) <= now)
    return TrackingUpdate(carrier=carrier, tracking_number=tracking_number, events=events)


def parse_push(carrier: str, body: dict[str, Any]) -> TrackingUpdate:
    """``{"tracking_number": ..., "events": [{"occurred_at", "state", "substatus", "description",
    "claim_kind"}], "weight_kg": ...}``"""
    try:
        events = []
        for item in body["events"]:
            state = item.get("state")
            if state is not None and state not in ShipmentState.__members__.values():
                raise WebhookRejected(400, f"unknown state {state!r}")
            events.append(TrackingEvent.model_validate({**item, "code": item.get("code", state or "")}))
        return TrackingUpdate(carrier=carrier, tracking_number=str(body["tracking_number"]),
                              events=tuple(events), reported_weight_kg=body.get("weight_kg"))
    except (KeyError, TypeError, ValidationError) as exc:
        raise WebhookRejected(400, f"malformed sandbox push: {exc.__class__.__name__}: {str(exc)[:200]}") from exc
