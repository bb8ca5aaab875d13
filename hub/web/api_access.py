"""Users, tokens, delegations and the audit trail over HTTP (``hub users`` and ``hub audit`` alike).

An admin adds users and manages anyone's tokens; a user may issue and revoke their own tokens and
lend their own roles. A new token is in the answer that made it and nowhere else, ever.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from aiohttp import web
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from hub.core import audit, users
from hub.core.config import ROLE_NAME
from hub.core.roles import ADMIN
from hub.core.store.types import MAX_ID
from hub.web import keys
from hub.web.api import query_of
from hub.web.api_models import MAX_LIMIT
from hub.web.auth import principal
from hub.web.jsonio import json_response, read_json, validate

NAME = users.NAME.pattern
Role = Annotated[str, Field(pattern=ROLE_NAME.pattern, description="A role from [access] roles.")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NewUser(_Body):
    """``{"name": "li.gm", "roles": ["general_manager"]}``: the answer carries the user's first token."""

    name: str = Field(pattern=NAME, description="Login name: letters, digits, . _ -")
    roles: list[Role] = Field(min_length=1, max_length=20, description="Roles from [access] roles.")
    token_label: str | None = Field(None, max_length=64, description="What the first token is for.")


class UserRoles(_Body):
    roles: list[Role] = Field(min_length=1, max_length=20, description="The user's roles from now on.")


class NewToken(_Body):
    days: float | None = Field(None, gt=0, le=3650, description="Valid for; default [access] token_days.")
    label: str | None = Field(None, max_length=64, description="What the token is for (a script, a laptop).")


class NewDelegation(_Body):
    """A role lent until a date, e.g. the general manager's to a deputy for a week of travel."""

    from_user: str = Field(pattern=NAME, description="Who lends the role (must hold it).")
    to_user: str = Field(pattern=NAME, description="Who may act with it until ends_at.")
    role: Role
    ends_at: AwareDatetime = Field(description="When the loan ends, with its offset; at most a year ahead.")
    reason: str | None = Field(None, max_length=200)

    @field_validator("ends_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        try:
            return value.astimezone(UTC)
        except OverflowError as exc:
            raise ValueError("ends_at is out of range") from exc


class AuditFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actor: str | None = Field(None, min_length=1, max_length=64, description="Only what this user did.")
    action: str | None = Field(None, min_length=1, max_length=64, description="Action or its start: claim., "
                                                                              "handoff.retry, user.")
    entity: str | None = Field(None, min_length=1, max_length=32)
    ref: str | None = Field(None, min_length=1, max_length=64)
    since: AwareDatetime | None = None
    before_id: int | None = Field(None, ge=1, le=MAX_ID, description="Page back from this entry's id.")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


def _hub(request: web.Request) -> Any:
    return request.app[keys.HUB]


def _self_or_admin(request: web.Request) -> str:
    """The user named in the path, when the caller is that user or an admin."""
    name, who = request.match_info["name"], principal(request)
    if who.name != name:
        who.require((ADMIN,), f"managing {name}'s tokens")
    return name


def _issued(token: dict[str, Any], plain: str) -> dict[str, Any]:
    return {**users.token_view(token), "token": plain}


async def me(request: web.Request) -> web.Response:
    who = principal(request)
    return json_response({"name": who.name, "roles": sorted(who.roles), "lent": who.lent})


async def list_users(request: web.Request) -> web.Response:
    return json_response({"items": await users.list_users(_hub(request).engine)})


async def add_user(request: web.Request) -> web.Response:
    hub = _hub(request)
    body = validate(NewUser, await read_json(request))
    user, token, plain = await users.add_user(hub.engine, hub.config.access, body.name, body.roles, hub.clock.now(),
                                              body.token_label)
    return json_response({"user": users.user_view(user), "token": _issued(token, plain)}, status=201)


async def set_roles(request: web.Request) -> web.Response:
    hub = _hub(request)
    body = validate(UserRoles, await read_json(request))
    user = await users.set_roles(hub.engine, hub.config.access, request.match_info["name"], body.roles,
                                 hub.clock.now())
    return json_response(users.user_view(user))


async def disable_user(request: web.Request) -> web.Response:
    hub = _hub(request)
    return json_response(users.user_view(await users.set_disabled(hub.engine, request.match_info["name"], True,
                                                                  hub.clock.now())))


async def enable_user(request: web.Request) -> web.Response:
    hub = _hub(request)
    return json_response(users.user_view(await users.set_disabled(hub.engine, request.match_info["name"], False,
                                                                  hub.clock.now())))


async def issue_token(request: web.Request) -> web.Response:
    hub, name = _hub(request), _self_or_admin(request)
    body = validate(NewToken, await read_json(request))
    token, plain = await users.issue_token(hub.engine, hub.config.access, name, hub.clock.now(), body.days, body.label)
    return json_response(_issued(token, plain), status=201)


async def revoke_token(request: web.Request) -> web.Response:
    hub, name = _hub(request), _self_or_admin(request)
    token_id = int(request.match_info["id"])
    if token_id > MAX_ID:  # past the column: no such token (a 404, as for handoffs)
        token_id = 0
    return json_response(await users.revoke_token(hub.engine, name, token_id, hub.clock.now()))


async def list_delegations(request: web.Request) -> web.Response:
    hub = _hub(request)
    return json_response({"items": await users.list_delegations(hub.engine, hub.clock.now())})


async def add_delegation(request: web.Request) -> web.Response:
    hub = _hub(request)
    body = validate(NewDelegation, await read_json(request))
    granted = await users.delegate(hub.engine, hub.config.access, principal(request), body.from_user, body.to_user,
                                   body.role, body.ends_at, hub.clock.now(), body.reason)
    return json_response(granted, status=201)


async def revoke_delegation(request: web.Request) -> web.Response:
    hub = _hub(request)
    delegation_id = int(request.match_info["id"])
    if delegation_id > MAX_ID:
        delegation_id = 0
    return json_response(await users.revoke_delegation(hub.engine, principal(request), delegation_id,
                                                       hub.clock.now()))


async def list_audit(request: web.Request) -> web.Response:
    f = query_of(request, AuditFilter)
    items = await audit.trail(_hub(request).engine, actor=f.actor, action=f.action, entity=f.entity, ref=f.ref,
                              since=f.since.astimezone(UTC) if f.since else None, before_id=f.before_id,
                              limit=f.limit)
    return json_response({"items": items, "limit": f.limit})
