"""The after-sales agents' presence (003): who is in, who is away and why, each with their open requests.

Marking an agent away sends their customers' new requests to the first supervisor in; marking them back
ends it. Names are the configured ``agents`` and ``supervisors``; any other is a 422.
"""
from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from hub.core.domain import agents
from hub.web import keys
from hub.web.auth import actor
from hub.web.jsonio import json_response, read_json, validate


class AgentAbsence(BaseModel):
    """An agent or supervisor is away, e.g. ``{"reason": "annual leave", "until": "2026-03-09T09:00:00+08:00"}``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=500, description="Why they are away (shown to whoever routes).")
    until: AwareDatetime | None = Field(None, description="When they are expected back, with its offset: present "
                                                          "again from then on. None: until marked present.")

    @field_validator("until")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError as exc:  # year 9999 with a negative offset has no UTC time
            raise ValueError("until is out of range") from exc


async def list_agents(request: web.Request) -> web.Response:
    hub = request.app[keys.HUB]
    async with hub.engine.connect() as conn:
        items = await agents.roster(conn, hub.config, hub.clock.now())
    return json_response({"items": items})


async def mark_absent(request: web.Request) -> web.Response:
    hub, name = request.app[keys.HUB], request.match_info["name"]
    body = validate(AgentAbsence, await read_json(request))
    async with hub.unit(actor(request)) as tx:
        return json_response(await agents.mark_absent(tx, name, body.reason, body.until))


async def mark_present(request: web.Request) -> web.Response:
    hub, name = request.app[keys.HUB], request.match_info["name"]
    async with hub.unit(actor(request)) as tx:
        return json_response(await agents.mark_present(tx, name))
