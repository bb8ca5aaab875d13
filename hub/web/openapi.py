"""The OpenAPI 3.1 document, generated from the route table and the pydantic input models.

Built once per app from the same rows that register the routes, so the document cannot
describe a route the server lacks, or miss one it has.
"""
from __future__ import annotations

import functools
import re
from typing import Any

from pydantic.json_schema import models_json_schema

from hub.core.models import Transition
from hub.core.documents.kinds import KINDS as DOCUMENT_KINDS
from hub.web import response_schemas
from hub.web.routes import Route

PATH_PARAM = re.compile(r"\{(\w+)(?::(?:[^{}]|\{[^{}]*\})*)?\}")  # aiohttp's {name:regex}, one brace level
REF = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"^(?!\.\.?$)[A-Za-z0-9._-]+$"}
PATH_SCHEMAS = {"ref": REF, "code": REF, "name": REF, "id": {"type": "integer", "minimum": 0, "maximum": 10**18 - 1},
                "source": {"type": "string", "minLength": 1, "maxLength": 100,
                           "pattern": r"^(?!\.\.?$)[A-Za-z0-9._-]+$"},
                "kind": {"enum": list(DOCUMENT_KINDS)}}  # a document; each entity's route says which are its
HEADERS = {
    "Idempotency-Key": ("Replays the stored response for a repeated key and body; 422 for the key with "
                        "another body.", {"type": "string", "pattern": "^[!-~]{1,128}$"}),
}
DESCRIPTIONS = {200: "OK", 201: "Created", 202: "Accepted and stored", 400: "Malformed request",
                401: "Missing, unknown, expired or revoked credentials, or a bad signature",
                403: "None of the caller's roles may do this (the answer names the roles that may)", 404: "Not found",
                409: "Not allowed in the current state", 413: "Body too large",
                415: "Unsupported media type (the answer names those accepted)", 422: "Invalid input",
                429: "Too many unprocessed events", 503: "Not ready or storage unavailable"}


def _path(route: Route) -> str:
    return PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", route.path)


def _non_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter cannot be null: keep the non-null branch of ``X | None``."""
    options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    if len(options) == 1:
        rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
        return {**options[0], **rest}
    return {k: v for k, v in schema.items() if k != "default"}


def _parameters(route: Route, schemas: dict[str, Any]) -> list[dict[str, Any]]:
    params = [{"name": name, "in": "path", "required": True, "schema": PATH_SCHEMAS[name]}
              for name in PATH_PARAM.findall(_path(route))]
    if route.query is not None:
        for name, schema in schemas[route.query.__name__]["properties"].items():
            params.append({"name": name, "in": "query", "required": False, "schema": _non_null(schema),
                           "description": schema.get("description", "")})
    for name in route.headers:
        description, schema = HEADERS[name]
        params.append({"name": name, "in": "header", "required": False, "schema": schema,
                       "description": description})
    return params


def _statuses(route: Route) -> dict[int, str]:
    statuses = dict(route.responses)
    if not route.public:
        statuses.setdefault(401, "Error")
    if route.roles or (route.method == "POST" and not route.public):  # POSTs check roles, per route or per event
        statuses.setdefault(403, "Error")
    if route.body is not None:
        statuses.update({400: "Error", 413: "Error", 422: "Error"})
    if route.query is not None or route.headers:
        statuses.setdefault(422, "Error")
    return dict(sorted(statuses.items()))


def _responses(route: Route) -> dict[str, Any]:
    out = {}
    for status, name in _statuses(route).items():
        content = response_schemas.content(name)
        out[str(status)] = {"description": DESCRIPTIONS.get(status, name), **({"content": content} if content else {})}
    return out


def _operation(route: Route, schemas: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": route.summary, "tags": [route.tag],
                          "operationId": f"{route.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', _path(route).lower())}"
                          .rstrip("_"),
                          "parameters": _parameters(route, schemas), "responses": _responses(route)}
    if route.public:
        op["security"] = []
    if route.body is not None:
        media_type = getattr(route.body, "media_type", "application/json")  # an upload's: multipart/form-data
        op["requestBody"] = {"required": True, "content": {media_type: {
            "schema": {"$ref": f"#/components/schemas/{route.body.__name__}"}}}}
    elif route.path.startswith("/webhooks/"):
        op["requestBody"] = {"required": False, "content": {"*/*": {"schema": {}}}}
    return op


@functools.cache
def document_bytes() -> bytes:
    """The serialised document of the hub's route table; the same for every app, so built once."""
    from hub.web.jsonio import dumps
    from hub.web.routes import route_table
    return dumps(build_document(route_table()))


def build_document(rows: list[Route], version: str = "0.1.0") -> dict[str, Any]:
    models = {r.body for r in rows if r.body} | {r.query for r in rows if r.query}
    _, defs = models_json_schema([(model, "validation") for model in sorted(models, key=lambda m: m.__name__)]
                                 + [(Transition, "serialization")], ref_template="#/components/schemas/{model}")
    schemas = {**defs["$defs"], **response_schemas.SCHEMAS}
    paths: dict[str, dict[str, Any]] = {}
    for route in rows:
        paths.setdefault(_path(route), {})[route.method.lower()] = _operation(route, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Integration hub", "version": version,
                 "description": "Orders, shipments, claims, returns, customers and their handoffs to plugins."},
        "paths": paths,
        "components": {"schemas": schemas,
                       "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    }
