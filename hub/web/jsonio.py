"""JSON in and out of the HTTP surface: orjson, one error shape ``{"error": ..., "field": ...}``."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
from aiohttp import web
from pydantic import BaseModel, ValidationError

from hub.core.errors import InvalidInput
from hub.core.invalid import invalid_input

JSON = "application/json"


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, default=_default, option=orjson.OPT_NON_STR_KEYS)


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=dumps(value), status=status, content_type=JSON, headers=headers)


def json_error(status: int, message: str, field: str | None = None,
               headers: dict[str, str] | None = None, **extra: Any) -> web.Response:
    return json_response({"error": message, "field": field, **extra}, status=status, headers=headers)


class BadJson(Exception):
    """The request body is not JSON at all: 400 with the parser's reason."""


async def read_json(request: web.Request) -> Any:
    """The body as JSON; an empty body is an empty object (every command has defaults or fails 422)."""
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadJson(f"body is not JSON: {exc}") from exc


def validate(model: type[BaseModel], data: Any) -> Any:
    """Pydantic validation: every error at once in ``InvalidInput``, the first one naming ``field``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_input(exc, model) from exc


def invalid(exc: ValidationError, prefix: str = "", model: type[BaseModel] | None = None) -> InvalidInput:
    return invalid_input(exc, model, prefix)
