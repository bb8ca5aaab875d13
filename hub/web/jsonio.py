"""JSON in and out of the HTTP surface: orjson, one error shape ``{"error": ..., "field": ...}``."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
from aiohttp import web
from aiohttp.http_exceptions import ContentEncodingError
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


class Answered(Exception):
    """A refusal made where the body is read, its answer ready (the edge middleware sends it)."""

    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


class ClientGone(Exception):
    """The sender hung up before its body arrived: a client's doing, never the hub's 500."""


# The only way a NUL reaches a decoded JSON string: orjson refuses a raw 0x00 byte inside a string.
NUL_ESCAPE = b"\\u0000"


def unreadable(request: web.Request, exc: web.RequestPayloadError) -> web.Response:
    """The 400 for a body aiohttp could not decode (broken gzip, bad chunking). Its parser cannot go
    on on this connection: the body is marked ended, or aiohttp would wait for the rest and log that
    failure as unhandled, and the answer closes the connection."""
    request.content.feed_eof()
    if isinstance(exc.__cause__, ContentEncodingError):
        message = f"the body is not valid {request.headers.get('Content-Encoding', '').lower() or 'compressed data'}"
    else:
        message = f"the body could not be read: {type(exc.__cause__ or exc).__name__}"
    response = json_error(400, message)
    response.force_close()
    return response


def nul_field(value: Any) -> str | None:
    """The dotted path of a string (or key) holding a NUL in decoded JSON, lists or pydantic
    models, else None. PostgreSQL text cannot store a NUL, so such input is refused on
    both backends. Iterative: JSON nests deeper than Python's recursion limit."""
    stack: list[tuple[tuple[str, ...], Any]] = [((), value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return ".".join(path)
        elif isinstance(item, dict | BaseModel):
            for key, inner in (item if isinstance(item, dict) else vars(item)).items():
                key = str(key)
                if "\x00" in key:
                    return ".".join((*path, key.replace("\x00", "\\u0000")))
                stack.append(((*path, key), inner))
        elif isinstance(item, list | tuple):
            stack.extend(((*path, str(i)), inner) for i, inner in enumerate(item))
    return None


async def read_json(request: web.Request) -> Any:
    """The body as JSON; an empty body is an empty object (every command has defaults or fails 422)."""
    try:
        raw = await request.read()
    except web.RequestPayloadError as exc:  # aiohttp could not decode it: broken gzip, bad chunking
        raise Answered(unreadable(request, exc)) from exc
    except ConnectionError as exc:  # aiohttp sets ConnectionResetError on the body when the peer goes
        raise ClientGone(type(exc).__name__) from exc
    if not raw.strip():
        return {}
    kind = request.content_type
    if kind != JSON and not kind.endswith("+json"):  # a JSON body says so: text/plain is a client's mistake
        raise Answered(json_error(415, f"the body must be sent as {JSON}, not {kind or 'no content type'}",
                                  headers={"Accept": JSON}))
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadJson(f"body is not JSON: {exc}") from exc
    if NUL_ESCAPE in raw and (field := nul_field(value)) is not None:  # the walk only when an escape is there
        raise InvalidInput("a NUL character (\\u0000) cannot be part of a text", field=field or None)
    return value


def validate(model: type[BaseModel], data: Any) -> Any:
    """Pydantic validation: every error at once in ``InvalidInput``, the first one naming ``field``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_input(exc, model) from exc


def invalid(exc: ValidationError, prefix: str = "", model: type[BaseModel] | None = None) -> InvalidInput:
    return invalid_input(exc, model, prefix)
