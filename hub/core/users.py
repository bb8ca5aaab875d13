"""Users, their roles and API tokens, and delegated roles: stored, checked, audited.

A token is ``hub_`` + 256 random bits, shown once when issued; the database keeps its SHA-256.
A user's roles are their own plus those lent to them by a delegation running now (a general
manager away names a deputy until a date). Every change here writes an audit row in its own
transaction, with the person who made it.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.core import audit
from hub.core.clock import as_utc
from hub.core.config import AccessSettings
from hub.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from hub.core.roles import ADMIN
from hub.core.store.access_tables import api_tokens, delegations, users
from hub.core.store.db import begin

TOKEN_PREFIX = "hub_"
NAME = re.compile(r"^[A-Za-z0-9._-]{1,48}$")
LAST_USED_STEP = timedelta(minutes=1)  # last_used_at is written at most once a minute per token


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    name: str
    roles: frozenset[str]
    token_id: int | None = None  # None: the bootstrap admin token
    lent: dict[str, str] = field(default_factory=dict)  # role → who lent it (delegations running now)

    def may(self, roles: tuple[str, ...] | frozenset[str]) -> bool:
        return bool(self.roles & set(roles))

    def require(self, roles: tuple[str, ...], what: str) -> None:
        if not self.may(roles):
            raise Forbidden(f"{what} needs the role {' or '.join(roles)}; {self.name} has "
                            f"{', '.join(sorted(self.roles)) or 'none'}", roles=roles)


BOOTSTRAP = Principal("admin", frozenset({ADMIN}))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _check_name(name: str, field_name: str = "name") -> str:
    if not NAME.match(name or ""):
        raise InvalidInput("a user name is 1-48 letters, digits or . _ -", field=field_name)
    return name


def _check_roles(roles: list[str] | tuple[str, ...], settings: AccessSettings) -> list[str]:
    unknown = sorted(set(roles) - set(settings.roles))
    if not roles or unknown:
        raise InvalidInput(f"roles must be among {', '.join(settings.roles)}" +
                           (f" (unknown: {', '.join(unknown)})" if unknown else ""), field="roles")
    return sorted(set(roles))


def user_view(row: Any) -> dict[str, Any]:
    return {"name": row["name"], "roles": list(row["roles"]), "disabled": bool(row["disabled"]),
            "created_at": row["created_at"], "updated_at": row["updated_at"]}


def token_view(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "prefix": row["prefix"], "label": row["label"], "created_at": row["created_at"],
            "expires_at": row["expires_at"], "last_used_at": row["last_used_at"], "revoked_at": row["revoked_at"]}


async def _user(conn: Any, name: str) -> dict[str, Any]:
    found = (await conn.execute(sa.select(users).where(users.c.name == name))).mappings().first()
    if found is None:
        raise NotFound(f"user {name} not found")
    return dict(found)


async def _new_token(conn: Any, user_id: int, now: datetime, days: float, label: str | None) -> tuple[dict, str]:
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    values = {"user_id": user_id, "token_hash": hash_token(plain), "prefix": plain[:12], "label": label,
              "created_at": now, "expires_at": now + timedelta(days=days), "last_used_at": None, "revoked_at": None}
    token_id = (await conn.execute(api_tokens.insert().values(**values))).inserted_primary_key[0]
    return {"id": token_id, **values}, plain


async def add_user(engine: AsyncEngine, settings: AccessSettings, name: str, roles: list[str], now: datetime,
                   label: str | None = None) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The new user, their first token's row and the token itself (shown once)."""
    _check_name(name)
    roles = _check_roles(roles, settings)
    async with begin(engine) as conn:
        if (await conn.execute(sa.select(users.c.id).where(users.c.name == name))).first() is not None:
            raise Conflict(f"user {name} exists already")
        user_id = (await conn.execute(users.insert().values(
            name=name, roles=roles, disabled=False, created_at=now, updated_at=now))).inserted_primary_key[0]
        token, plain = await _new_token(conn, user_id, now, settings.token_days, label)
        await audit.record(conn, now, "user.added", "user", name, roles=roles, token=token["prefix"])
        user = await _user(conn, name)
    return user, token, plain


async def list_users(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.select(users).order_by(users.c.name))).mappings().all()
        tokens = (await conn.execute(sa.select(api_tokens).order_by(api_tokens.c.id))).mappings().all()
    by_user: dict[int, list[dict[str, Any]]] = {}
    for token in tokens:
        by_user.setdefault(token["user_id"], []).append(token_view(token))
    return [{**user_view(u), "tokens": by_user.get(u["id"], [])} for u in rows]


async def set_roles(engine: AsyncEngine, settings: AccessSettings, name: str, roles: list[str],
                    now: datetime) -> dict[str, Any]:
    roles = _check_roles(roles, settings)
    async with begin(engine) as conn:
        user = await _user(conn, name)
        await conn.execute(users.update().where(users.c.id == user["id"]).values(roles=roles, updated_at=now))
        await audit.record(conn, now, "user.roles_changed", "user", name, before=user["roles"], after=roles)
        return await _user(conn, name)


async def set_disabled(engine: AsyncEngine, name: str, disabled: bool, now: datetime) -> dict[str, Any]:
    """A disabled user's tokens stop working at once; enabling them again does not revive revoked ones."""
    async with begin(engine) as conn:
        user = await _user(conn, name)
        await conn.execute(users.update().where(users.c.id == user["id"]).values(disabled=disabled, updated_at=now))
        await audit.record(conn, now, "user.disabled" if disabled else "user.enabled", "user", name)
        return await _user(conn, name)


async def issue_token(engine: AsyncEngine, settings: AccessSettings, name: str, now: datetime,
                      days: float | None = None, label: str | None = None) -> tuple[dict[str, Any], str]:
    if days is not None and not 0 < days <= 3650:
        raise InvalidInput("a token lasts more than 0 and at most 3650 days", field="days")
    async with begin(engine) as conn:
        user = await _user(conn, name)
        token, plain = await _new_token(conn, user["id"], now, days or settings.token_days, label)
        await audit.record(conn, now, "token.issued", "user", name, token=token["prefix"],
                           expires_at=token["expires_at"].isoformat())
    return token, plain


async def revoke_token(engine: AsyncEngine, name: str, token_id: int, now: datetime) -> dict[str, Any]:
    async with begin(engine) as conn:
        user = await _user(conn, name)
        found = (await conn.execute(sa.select(api_tokens).where(
            api_tokens.c.id == token_id, api_tokens.c.user_id == user["id"]))).mappings().first()
        if found is None:
            raise NotFound(f"token {token_id} of {name} not found")
        if found["revoked_at"] is None:
            await conn.execute(api_tokens.update().where(api_tokens.c.id == token_id).values(revoked_at=now))
            await audit.record(conn, now, "token.revoked", "user", name, token=found["prefix"])
        return token_view({**found, "revoked_at": found["revoked_at"] or now})


async def lent_roles(conn: Any, name: str, now: datetime) -> dict[str, str]:
    """Roles lent to ``name`` by delegations running at ``now``: role → who lent it."""
    rows = await conn.execute(sa.select(delegations.c.role, delegations.c.from_user).where(
        delegations.c.to_user == name, delegations.c.revoked_at.is_(None),
        delegations.c.starts_at <= now, delegations.c.ends_at > now))
    return {role: lender for role, lender in rows}


async def authenticate(engine: AsyncEngine, presented: str, now: datetime) -> Principal:
    """The user a bearer token belongs to, with the roles they hold now; Unauthenticated says why not."""
    if not presented.startswith(TOKEN_PREFIX):
        raise Unauthenticated("the bearer token is not valid")
    query = (sa.select(api_tokens.c.id, api_tokens.c.expires_at, api_tokens.c.revoked_at, api_tokens.c.last_used_at,
                       users.c.name, users.c.roles, users.c.disabled)
             .join(users, users.c.id == api_tokens.c.user_id)
             .where(api_tokens.c.token_hash == hash_token(presented)))
    async with engine.connect() as conn:
        found = (await conn.execute(query)).mappings().first()
        if found is None:
            raise Unauthenticated("the bearer token is not valid")
        if found["revoked_at"] is not None:
            raise Unauthenticated("the bearer token was revoked")
        if found["expires_at"] is not None and as_utc(found["expires_at"]) <= now:
            raise Unauthenticated("the bearer token has expired")
        principal = await _standing(conn, found, now, token_id=found["id"])
    last = found["last_used_at"]
    if last is None or as_utc(last) <= now - LAST_USED_STEP:
        async with begin(engine) as conn:
            await conn.execute(api_tokens.update().where(api_tokens.c.id == found["id"]).values(last_used_at=now))
    return principal


async def _standing(conn: Any, user: Any, now: datetime, token_id: int | None = None) -> Principal:
    """A user row as a caller: refused when disabled, with the roles lent to them now."""
    if user["disabled"]:
        raise Unauthenticated(f"user {user['name']} is disabled")
    lent = await lent_roles(conn, user["name"], now)
    return Principal(user["name"], frozenset(user["roles"]) | frozenset(lent), token_id, lent)


async def principal_of(engine: AsyncEngine, name: str, now: datetime) -> Principal:
    """The user ``name`` as they stand now (a console session names its user, not a token)."""
    async with engine.connect() as conn:
        found = (await conn.execute(sa.select(users).where(users.c.name == name))).mappings().first()
        if found is None:
            raise Unauthenticated("the session's user is gone")
        return await _standing(conn, found, now)


async def delegate(engine: AsyncEngine, settings: AccessSettings, by: Principal, from_user: str, to_user: str,
                   role: str, ends_at: datetime, now: datetime, reason: str | None = None) -> dict[str, Any]:
    """Lend ``from_user``'s ``role`` to ``to_user`` until ``ends_at``. The lender records it, or an admin
    on their behalf; a role cannot be lent by someone who does not hold it, nor lent on."""
    if role not in settings.roles:
        raise InvalidInput(f"unknown role {role}", field="role")
    if not now < ends_at <= now + timedelta(days=366):
        raise InvalidInput("a delegation ends after now and within a year", field="ends_at")
    if from_user == to_user:
        raise InvalidInput("a user cannot delegate to themself", field="to_user")
    if by.name != from_user and ADMIN not in by.roles:
        raise Forbidden(f"only {from_user} (or an admin) may lend {from_user}'s roles", roles=(ADMIN,))
    async with begin(engine) as conn:
        lender, deputy = await _user(conn, from_user), await _user(conn, to_user)
        if role not in lender["roles"]:
            raise InvalidInput(f"{from_user} does not hold the role {role}", field="role")
        if deputy["disabled"]:
            raise InvalidInput(f"user {to_user} is disabled", field="to_user")
        values = {"from_user": from_user, "to_user": to_user, "role": role, "starts_at": now, "ends_at": ends_at,
                  "reason": reason, "created_by": by.name, "created_at": now, "revoked_at": None}
        values["id"] = (await conn.execute(delegations.insert().values(**values))).inserted_primary_key[0]
        await audit.record(conn, now, "delegation.granted", "user", to_user, role=role, lent_by=from_user,
                           ends_at=ends_at.isoformat(), reason=reason)
    return values


async def revoke_delegation(engine: AsyncEngine, by: Principal, delegation_id: int, now: datetime) -> dict[str, Any]:
    async with begin(engine) as conn:
        found = (await conn.execute(sa.select(delegations).where(delegations.c.id == delegation_id))).mappings().first()
        if found is None:
            raise NotFound(f"delegation {delegation_id} not found")
        if by.name != found["from_user"] and ADMIN not in by.roles:
            raise Forbidden(f"only {found['from_user']} (or an admin) may end this delegation", roles=(ADMIN,))
        if found["revoked_at"] is None:
            await conn.execute(delegations.update().where(delegations.c.id == delegation_id).values(revoked_at=now))
            await audit.record(conn, now, "delegation.revoked", "user", found["to_user"], role=found["role"],
                               lent_by=found["from_user"])
        return {**found, "revoked_at": found["revoked_at"] or now}


async def list_delegations(engine: AsyncEngine, now: datetime, running_only: bool = False) -> list[dict[str, Any]]:
    query = sa.select(delegations).order_by(delegations.c.id.desc())
    if running_only:
        query = query.where(delegations.c.revoked_at.is_(None), delegations.c.ends_at > now)
    async with engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(query)).mappings()]
