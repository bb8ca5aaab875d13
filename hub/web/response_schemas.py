"""JSON schemas of the API's responses (the requests' come from the pydantic inputs).

An entity's view and list rows are its table's row, so their schemas are derived from the table
definitions (``rows``): a column added to a table is documented without anyone remembering to, and
``tests/web/test_web_response_schemas.py`` checks real answers against them, key for key.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hub.core.lifecycle import LIFECYCLES
from hub.core.models import RepairBatchLine
from hub.core.store import tables as t
from hub.core.store.types import Money, UTCDateTime

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


STRINGS = {"type": "array", "items": {"type": "string"}}
# JSON columns whose shape the API promises; any other JSON column is documented as any JSON value.
JSON_SHAPES: dict[tuple[str, str], dict[str, Any]] = {
    ("orders", "contact"): {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
    ("orders", "lines"): {"type": "array", "items": {"$ref": "#/components/schemas/OrderLineRow"}},
    ("orders", "missing_fields"): STRINGS, ("orders", "price_mismatches"): {"type": "array", "items": {"type": "integer"}},
    ("orders", "special"): {"type": ["object", "null"]},
    ("shipments", "flags"): STRINGS, ("shipments", "milestones"): STRINGS,
    ("shipments", "lines"): {"type": "object", "additionalProperties": {"type": "string"},
                             "description": "line_no → quantity carried."},
    ("returns", "details"): {"type": "object"}, ("cases", "facts"): STRINGS, ("timeline", "data"): {"type": "object"},
    ("claims", "documents_received"): {**STRINGS, "description": "The claim form's documents in so far (null: a "
                                       "claim older than the record)."},
    ("claims", "documents_missing"): {**STRINGS, "description": "The documents the claim form asks for, not in yet."},
    ("complaints", "lines"): {"type": "object", "additionalProperties": {"type": "string"},
                              "description": "line_no → the quantity short, damaged or wrong."},
    ("complaints", "data"): {"type": "object", "description": "What each step recorded: window_ends_at, "
                             "investigation, answer (cause, responsibility, remedy, plan, promised_date), "
                             "remedy_shipment, resolution, withdrawal."},
    ("repair_batches", "lines"): {"type": "array", "items": {"$ref": "#/components/schemas/RepairBatchLineRow"},
                                  "description": "The packing list, one unit a line, with the factory's result."},
    ("store_openings", "data"): {"type": "object", "description": "What the opening collected: intake, "
                                 "documents_sent, product_lines, decor_items, image_items, changes, payment, "
                                 "shipping_date, shipment_refs, back_orders, handover."},
}


def _column(table: sa.Table, column: sa.Column) -> dict[str, Any]:
    if (table.name, column.name) in JSON_SHAPES:
        schema = dict(JSON_SHAPES[table.name, column.name])
    elif isinstance(column.type, Money):
        schema = {"type": "string", "format": "decimal"}
    elif isinstance(column.type, UTCDateTime):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(column.type, sa.Date):
        schema = {"type": "string", "format": "date"}
    elif isinstance(column.type, sa.Boolean):
        schema = {"type": "boolean"}
    elif isinstance(column.type, sa.Integer):
        schema = {"type": "integer"}
    elif isinstance(column.type, sa.JSON):
        schema = {}
    else:
        schema = {"type": "string"}
    if column.nullable and "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        schema["type"] = list(dict.fromkeys([*kinds, "null"]))
    return schema


def row(table: sa.Table, **extra: Any) -> dict[str, Any]:
    """A table row as the API answers it: every column, plus ``extra`` properties."""
    properties = {c.name: _column(table, c) for c in table.columns}
    properties.update(extra)
    return {"type": "object", "additionalProperties": False, "required": list(properties),
            "properties": properties}


def _entity_state(entity: str) -> dict[str, Any]:
    return {"enum": list(LIFECYCLES[entity].states)}


def _view(table: sa.Table, entity: str, **extra: Any) -> dict[str, Any]:
    schema = row(table, open_timers=TIMERS, timeline=TIMELINE, handoffs=HANDOFFS,
                 allowed_events={"type": "array", "items": {"enum": list(LIFECYCLES[entity].events)},
                                 "description": "The events the current state accepts (a guard may still "
                                                "refuse one: the 409 says why)."}, **extra)
    schema["properties"]["standing" if entity == "customer" else "state"] = _entity_state(entity)
    return schema


def _page(name: str) -> dict[str, Any]:
    return {"type": "object", "required": ["items", "limit", "offset"], "additionalProperties": False,
            "properties": {"items": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}},
                           "limit": {"type": "integer"}, "offset": {"type": "integer"}}}


def _rows_of(name: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}


ORDER_LINE = {"type": "object", "required": ["line_no", "product_code", "qty", "unit_price"], "properties": {
    "line_no": {"type": "integer"}, "product_code": {"type": "string"}, "spec": {"type": "string"},
    "qty": {"type": "string"}, "unit_price": {"type": "string"}, "category": {"type": "string"},
    "list_price": STRING_OR_NULL, "available_qty": STRING_OR_NULL, "back_order_qty": {"type": "string"},
    "back_order_eta": STRING_OR_NULL, "shipped_qty": {"type": "string"}}}
HANDOFF_SUMMARY = {"type": "object", "additionalProperties": False,
                   "required": ["id", "plugin", "hook", "state", "attempts", "next_attempt_at", "last_error",
                                "error_class", "entity", "ref", "updated_at"],
                   "properties": {"id": {"type": "integer"}, "plugin": {"type": "string"}, "hook": {"type": "string"},
                                  "state": {"type": "string"}, "attempts": {"type": "integer"},
                                  "next_attempt_at": DATE_TIME, "last_error": STRING_OR_NULL,
                                  "error_class": STRING_OR_NULL, "entity": {"type": "string"},
                                  "ref": {"type": "string"}, "updated_at": DATE_TIME}}

# One after-sales agent or supervisor as GET /api/agents shows them (hub/core/domain/agents.py ``roster``).
AGENT = {"type": "object", "additionalProperties": False,
         "required": ["name", "present", "since", "until", "reason", "roles", "open_requests"],
         "properties": {"name": {"type": "string"}, "present": {"type": "boolean"},
                        "since": {"type": ["string", "null"], "format": "date-time",
                                  "description": "When the current presence or absence began (null: never marked)."},
                        "until": {"type": ["string", "null"], "format": "date-time",
                                  "description": "When an absence is expected to end."},
                        "reason": {**STRING_OR_NULL, "description": "Why they are away."},
                        "roles": {"type": "array", "items": {"enum": ["agent", "supervisor"]}},
                        "open_requests": {"type": "integer", "minimum": 0,
                                          "description": "After-sales requests in their hands, not completed or "
                                                         "closed."}}}


NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
TOKEN = {"type": "object", "additionalProperties": False,
         "required": ["id", "prefix", "label", "created_at", "expires_at", "last_used_at", "revoked_at"],
         "properties": {"id": {"type": "integer"}, "prefix": {"type": "string", "description": "Its first characters."},
                        "label": STRING_OR_NULL, "created_at": DATE_TIME, "expires_at": NULLABLE_TIME,
                        "last_used_at": NULLABLE_TIME, "revoked_at": NULLABLE_TIME}}
USER = {"type": "object", "additionalProperties": False,
        "required": ["name", "roles", "disabled", "created_at", "updated_at"],
        "properties": {"name": {"type": "string"}, "roles": STRINGS, "disabled": {"type": "boolean"},
                       "created_at": DATE_TIME, "updated_at": DATE_TIME}}
ISSUED = {**TOKEN, "required": [*TOKEN["required"], "token"],
          "properties": {**TOKEN["properties"], "token": {"type": "string", "description": "The token: shown in "
                                                          "this answer only, never again."}}}


def _items(name: str) -> dict[str, Any]:
    return {"type": "object", "required": ["items"],
            "properties": {"items": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}}}


ACCESS_SCHEMAS: dict[str, dict[str, Any]] = {
    "Me": {"type": "object", "required": ["name", "roles", "lent"], "additionalProperties": False,
           "properties": {"name": {"type": "string"}, "roles": STRINGS,
                          "lent": {"type": "object", "additionalProperties": {"type": "string"},
                                   "description": "Role → who lent it, for delegations running now."}}},
    "User": USER, "Token": TOKEN, "IssuedToken": ISSUED,
    "UserWithTokens": {**USER, "required": [*USER["required"], "tokens"],
                       "properties": {**USER["properties"], "tokens": {"type": "array", "items": TOKEN}}},
    "UserPage": _items("UserWithTokens"),
    "AddedUser": {"type": "object", "required": ["user", "token"], "additionalProperties": False,
                  "properties": {"user": {"$ref": "#/components/schemas/User"},
                                 "token": {"$ref": "#/components/schemas/IssuedToken"}}},
    "Delegation": row(t.delegations), "DelegationPage": _items("Delegation"),
    "AuditEntry": row(t.audit_log),
    "AuditPage": {**_items("AuditEntry"), "properties": {**_items("AuditEntry")["properties"],
                                                         "limit": {"type": "integer"}}},
}

ATTACHMENTS = _rows_of("Attachment")
ATTACHMENT_SCHEMAS: dict[str, dict[str, Any]] = {
    "Attachment": row(t.attachments, url={"type": "string", "description": "Where its bytes are: GET it."}),
    "AttachmentPage": {**_items("Attachment"), "additionalProperties": False},
    "AttachmentsAdded": {"type": "object", "required": ["attachments", "transition"], "additionalProperties": False,
                         "properties": {"attachments": ATTACHMENTS, "transition": {
                             "anyOf": [{"$ref": "#/components/schemas/Transition"}, {"type": "null"}],
                             "description": "The event the upload of a document applied (documents_received, "
                                            "confirmation_received); null for evidence."}}},
}

SCHEMAS: dict[str, dict[str, Any]] = {
    **ACCESS_SCHEMAS,
    **ATTACHMENT_SCHEMAS,
    "Error": {"type": "object", "required": ["error"],
              "properties": {"error": {"type": "string"}, "field": STRING_OR_NULL,
                             "state": {"type": "string", "description": "The entity's state, on 409."},
                             "roles": {**STRINGS, "description": "On 403: the roles that may do it."}}},
    "TimelineEntry": row(t.timeline),
    "Timer": row(t.timers),
    "HandoffSummary": HANDOFF_SUMMARY,
    "OrderLineRow": ORDER_LINE,
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
    "Agent": AGENT,
    "AgentPage": {"type": "object", "required": ["items"], "additionalProperties": False,
                  "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Agent"}}}},
    "Discarded": {"type": "object", "required": ["discarded"],
                  "properties": {"discarded": {"type": "integer", "minimum": 0}}},
    "InboundRetried": {"type": "object", "required": ["retried"],
                       "properties": {"retried": {"type": "integer", "minimum": 0}}},
    "Customer": row(t.customers),
    "Order": row(t.orders), "Shipment": row(t.shipments), "Claim": row(t.claims), "Return": row(t.returns),
    "Case": row(t.cases), "Store": row(t.store_openings),
    "Complaint": row(t.complaints),
    "RepairBatch": row(t.repair_batches),
    "RepairBatchLineRow": {**RepairBatchLine.model_json_schema(mode="serialization"), "additionalProperties": False,
                           "required": list(RepairBatchLine.model_fields)},
    "OrderView": _view(t.orders, "order", customer={"$ref": "#/components/schemas/Customer"},
                       shipments=_rows_of("Shipment"), claims=_rows_of("Claim"), returns=_rows_of("Return"),
                       cases=_rows_of("Case"), complaints=_rows_of("Complaint"), attachments=ATTACHMENTS),
    "ShipmentView": _view(t.shipments, "shipment", attachments=ATTACHMENTS),
    "ClaimView": _view(t.claims, "claim", attachments=ATTACHMENTS),
    "ReturnView": _view(t.returns, "return", attachments=ATTACHMENTS),
    "CustomerView": _view(t.customers, "customer"),
    "StoreView": _view(t.store_openings, "store"),
    "ComplaintView": _view(t.complaints, "complaint", attachments=ATTACHMENTS),
    "RepairBatchView": _view(t.repair_batches, "repair_batch"),
    "TimerPage": _page("Timer"), "CasePage": _page("Case"),
    "OrderPage": _page("Order"), "ShipmentPage": _page("Shipment"), "ClaimPage": _page("Claim"),
    "ReturnPage": _page("Return"), "CustomerPage": _page("Customer"), "StorePage": _page("Store"),
    "ComplaintPage": _page("Complaint"), "RepairBatchPage": _page("RepairBatch"),
    "Catalogue": {"type": "object", "description": "Per entity: states (what each accepts, the hook entering "
                  "it) and events (meaning, senders, moves, data schema, example).",
                  "additionalProperties": {"type": "object", "required": ["initial", "terminal", "states", "events"],
                                           "properties": {"initial": {"type": "string"},
                                                          "terminal": STRINGS,
                                                          "states": {"type": "object"},
                                                          "events": {"type": "object"}}}},
    "Status": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}},
    "Readiness": {"type": "object", "required": ["status", "problems", "degraded"],
                  "properties": {"status": {"enum": ["ready", "not ready"]},
                                 "problems": {"type": "array", "items": {"type": "string"}},
                                 "degraded": {**STRINGS, "description": "Running, not well: open circuits, dead "
                                              "letters, webhooks that could not be applied. Still ready."}}},
    "Accepted": {"type": "object", "required": ["status"], "properties": {"status": {"const": "accepted"}}},
    "Document": {"type": "object", "required": ["openapi", "paths"]},
    "DocumentList": {"type": "object", "required": ["entity", "ref", "items"], "properties": {
        "entity": {"type": "string"}, "ref": {"type": "string"},
        "items": {"type": "array", "items": {"type": "object", "required": ["kind", "title", "available", "url"],
                  "properties": {"kind": {"type": "string"}, "title": {"type": "object"},
                                 "audiences": STRINGS, "filename": {"type": "string"},
                                 "available": {"type": "boolean"},
                                 "unavailable_reason": {"type": ["string", "null"]}, "url": {"type": "string"}}}}}},
}
TEXT = {"Metrics": "text/plain"}
ANY = {"Receipt"}
# Answers that are bytes: a rendered document, an attachment in the type its content showed
# (hub/core/attachments.py TYPES).
BINARY = {"Pdf": ("application/pdf",), "AttachmentFile": ("application/pdf", "image/jpeg", "image/png")}


def content(name: str) -> dict[str, Any]:
    if name in TEXT:
        return {TEXT[name]: {"schema": {"type": "string"}}}
    if name in BINARY:
        return {kind: {"schema": {"type": "string", "format": "binary"}} for kind in BINARY[name]}
    if name in ANY:
        return {"*/*": {"schema": {}}}
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}
