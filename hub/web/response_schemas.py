"""JSON schemas of the API's responses (the requests' come from the pydantic inputs).

Views are open objects (``additionalProperties``) listing the fields a client may rely on.
"""
from __future__ import annotations

from typing import Any

STRING_OR_NULL = {"type": ["string", "null"]}
OBJECTS = {"type": "array", "items": {"type": "object"}}
TIMELINE = {"type": "array", "items": {"$ref": "#/components/schemas/TimelineEntry"}}
TIMERS = {"type": "array", "items": {"$ref": "#/components/schemas/Timer"}}
HANDOFFS = {"type": "array", "items": {"$ref": "#/components/schemas/HandoffSummary"}}
DATE_TIME = {"type": "string", "format": "date-time"}
ACTIONS = {"type": "array", "items": {"type": "object", "required": ["action", "actor", "at"],
                                      "properties": {"action": {"type": "string"}, "actor": {"type": "string"},
                                                     "at": DATE_TIME}}}
INBOUND_FIELDS = {"id": {"type": "integer"}, "source": {"type": "string"}, "dedupe_key": {"type": "string"},
                  "state": {"enum": ["pending", "processed", "failed", "discarded"]},
                  "attempts": {"type": "integer"},
                  "error": {**STRING_OR_NULL, "description": "Why it could not be applied: ExceptionClass: message."},
                  "received_at": DATE_TIME, "processed_at": {"type": ["string", "null"], "format": "date-time"},
                  "ordering_key": STRING_OR_NULL}


def _view(key: str, **extra: Any) -> dict[str, Any]:
    properties = {key: {"type": "string"}, "open_timers": TIMERS, "timeline": TIMELINE, "handoffs": HANDOFFS,
                  **extra}
    return {"type": "object", "required": list(properties), "properties": properties}


SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": {"type": "object", "required": ["error"],
              "properties": {"error": {"type": "string"}, "field": STRING_OR_NULL,
                             "state": {"type": "string", "description": "The entity's state, on 409."}}},
    "TimelineEntry": {"type": "object", "required": ["entity", "ref", "event", "actor", "at"],
                      "properties": {"entity": {"type": "string"}, "ref": {"type": "string"},
                                     "event": {"type": "string"}, "previous": STRING_OR_NULL,
                                     "state": STRING_OR_NULL, "actor": {"type": "string"},
                                     "data": {"type": "object"}, "at": {"type": "string", "format": "date-time"}}},
    "Timer": {"type": "object", "required": ["rule", "entity", "ref", "due_at", "state"],
              "properties": {"rule": {"type": "string"}, "entity": {"type": "string"}, "ref": {"type": "string"},
                             "due_at": {"type": "string", "format": "date-time"}, "state": {"type": "string"}}},
    "HandoffSummary": {"type": "object", "required": ["id", "plugin", "hook", "state", "attempts"],
                       "properties": {"id": {"type": "integer"}, "plugin": {"type": "string"},
                                      "hook": {"type": "string"}, "state": {"type": "string"},
                                      "attempts": {"type": "integer"}, "last_error": STRING_OR_NULL}},
    "Handoff": {"type": "object", "required": ["id", "event_id", "plugin", "hook", "state", "attempts", "entity",
                                               "ref", "actions"],
                "properties": {"id": {"type": "integer"}, "event_id": {"type": "string"},
                               "plugin": {"type": "string"}, "hook": {"type": "string"}, "state": {"type": "string"},
                               "attempts": {"type": "integer"}, "last_error": STRING_OR_NULL,
                               "error_class": STRING_OR_NULL, "entity": {"type": "string"},
                               "ref": {"type": "string"}, "order_ref": STRING_OR_NULL,
                               "next_attempt_at": {"type": "string", "format": "date-time"},
                               "actions": {"type": "array", "items": {
                                   "type": "object", "required": ["action", "actor", "at"],
                                   "properties": {"action": {"type": "string"}, "actor": {"type": "string"},
                                                  "at": {"type": "string", "format": "date-time"}}}}}},
    "Page": {"type": "object", "required": ["items", "limit", "offset"],
             "properties": {"items": OBJECTS, "limit": {"type": "integer"}, "offset": {"type": "integer"}}},
    "InboundSummary": {"type": "object", "required": list(INBOUND_FIELDS), "properties": INBOUND_FIELDS},
    "InboundPage": {"type": "object", "required": ["items", "limit", "offset"],
                    "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/InboundSummary"}},
                                   "limit": {"type": "integer"}, "offset": {"type": "integer"}}},
    "InboundEvent": {"type": "object", "required": [*INBOUND_FIELDS, "headers", "body", "body_format", "actions"],
                     "properties": {**INBOUND_FIELDS,
                                    "headers": {"type": "object", "additionalProperties": {"type": "string"},
                                                "description": "As received, lower-cased; credentials redacted."},
                                    "body": {"description": "The parsed JSON body, or its text (body_format)."},
                                    "body_format": {"enum": ["json", "text"]}, "actions": ACTIONS}},
    "PluginPage": {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": {
        "type": "object", "required": ["plugin", "call_timeout_s", "circuit", "handoffs"],
        "properties": {
            "plugin": {"type": "string"}, "call_timeout_s": {"type": "number"},
            "circuit": {"type": "object", "required": ["state", "failures", "reason", "opened_at", "retry_at"],
                        "properties": {"state": {"enum": ["closed", "open", "half_open"]},
                                       "failures": {"type": "integer"},
                                       "reason": {**STRING_OR_NULL, "description": "The failure that opened it."},
                                       "opened_at": {"type": ["string", "null"], "format": "date-time"},
                                       "retry_at": {"type": ["string", "null"], "format": "date-time",
                                                    "description": "When the next probe may run."}}},
            "handoffs": {"type": "object", "additionalProperties": {"type": "integer"},
                         "description": "Handoffs by state: pending, failed, running, dead."}}}}}},
    "InboundRetried": {"type": "object", "required": ["retried"],
                       "properties": {"retried": {"type": "integer", "minimum": 0}}},
    "Customer": {"type": "object", "required": ["code", "name", "grade", "standing"],
                 "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                                "grade": {"enum": ["A", "B", "C"]}, "standing": {"type": "string"}}},
    "OrderView": _view("ref", state={"type": "string"}, customer={"$ref": "#/components/schemas/Customer"},
                       lines=OBJECTS, shipments=OBJECTS, claims=OBJECTS, returns=OBJECTS),
    "ShipmentView": _view("ref", state={"type": "string"}, order_ref={"type": "string"}),
    "ClaimView": _view("ref", state={"type": "string"}, order_ref={"type": "string"},
                       documents_due_at={"type": ["string", "null"], "format": "date-time"}),
    "ReturnView": _view("ref", state={"type": "string"}, order_ref={"type": "string"}),
    "CustomerView": _view("code", standing={"type": "string"}, grade={"enum": ["A", "B", "C"]}),
    "Status": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}},
    "Readiness": {"type": "object", "required": ["status", "problems"],
                  "properties": {"status": {"enum": ["ready", "not ready"]},
                                 "problems": {"type": "array", "items": {"type": "string"}}}},
    "Accepted": {"type": "object", "required": ["status"], "properties": {"status": {"const": "accepted"}}},
    "Document": {"type": "object", "required": ["openapi", "paths"]},
}
TEXT = {"Metrics": "text/plain"}
ANY = {"Receipt"}


def content(name: str) -> dict[str, Any]:
    if name in TEXT:
        return {TEXT[name]: {"schema": {"type": "string"}}}
    if name in ANY:
        return {"*/*": {"schema": {}}}
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}
