"""``Idempotency-Key`` on creating requests: the same key and body answer the stored response.

The command and its stored response commit in one transaction, so a retry after a lost
answer can never create the entity twice.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import sqlalchemy as sa
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.core.errors import InvalidInput
from hub.core.service import Hub
from hub.core.store.db import begin
from hub.core.store.tables import api_idempotency
from hub.web.jsonio import dumps, json_error, json_response

HEADER = "Idempotency-Key"
KEY = re.compile(r"^[\x21-\x7e]{1,128}$")
Command = Callable[[AsyncConnection], Awaitable[tuple[int, Any]]]


def request_hash(request: web.Request, body: Any) -> str:
    canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(f"{request.method} {request.path}\n".encode() + canonical).hexdigest()


def idempotency_key(request: web.Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY.match(key):
        raise InvalidInput(f"{HEADER} must be 1-128 visible ASCII characters", field=HEADER)
    return key


async def run_once(request: web.Request, hub: Hub, body: Any, command: Command,
                   digest: str | None = None) -> web.Response:
    """Run ``command`` in a transaction, honouring the request's Idempotency-Key when it has one.
    ``digest``: the request's hash when its body is no JSON (an upload: its files' hashes)."""
    key = idempotency_key(request)
    try:
        if key is None:
            async with begin(hub.engine) as conn:
                status, payload = await command(conn)
            return json_response(payload, status)
        return await _once(hub, key, digest or request_hash(request, body), command)
    except sa.exc.IntegrityError:
        # A concurrent request committed the same key, reference or tracking number first.
        return json_error(409, "a concurrent request created the same record; retry to see it",
                          field=HEADER if key else None)


async def stored_answer(hub: Hub, key: str, digest: str) -> web.Response | None:
    """The answer stored for ``key`` (422 if it was another request's), else None: checked before
    work that must not run twice, e.g. an upload's state check once its event moved the entity."""
    async with hub.engine.connect() as conn:
        stored = (await conn.execute(sa.select(api_idempotency).where(api_idempotency.c.key == key))).first()
    if stored is None:
        return None
    if stored.request_hash != digest:
        raise InvalidInput(f"{HEADER} was already used with a different request", field=HEADER)
    return json_response(stored.response, stored.status, headers={"Idempotent-Replayed": "true"})


async def _once(hub: Hub, key: str, digest: str, command: Command) -> web.Response:
    async with begin(hub.engine) as conn:
        stored = (await conn.execute(sa.select(api_idempotency).where(api_idempotency.c.key == key))).first()
        if stored is not None:
            if stored.request_hash != digest:
                raise InvalidInput(f"{HEADER} was already used with a different request", field=HEADER)
            return json_response(stored.response, stored.status, headers={"Idempotent-Replayed": "true"})
        status, payload = await command(conn)
        payload = orjson.loads(dumps(payload))
        await conn.execute(api_idempotency.insert().values(key=key, request_hash=digest, status=status,
                                                           response=payload, created_at=hub.clock.now()))
    return json_response(payload, status)
