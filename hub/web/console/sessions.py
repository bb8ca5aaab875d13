"""Console sign-in: a user's token is checked once, then a session cookie (HttpOnly, SameSite=Strict,
expiring) stands for them; the token itself is never stored, shown or put in a URL.

The cookie holds 256 random bits; the database keeps their SHA-256 with the user's name and the
session's CSRF token, which every state-changing form must send back.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.core import audit, users
from hub.core.clock import as_utc
from hub.core.errors import Unauthenticated
from hub.core.store.access_tables import console_sessions
from hub.core.store.db import begin
from hub.web.auth import caller_of

COOKIE = "hub_session"
LIFETIME = timedelta(hours=8)  # a working day; signing in again costs one paste of a token


@dataclass(frozen=True)
class Session:
    principal: users.Principal
    csrf: str
    id_hash: str


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


async def sign_in(hub: Any, admin_token: Any, presented: str, where: str) -> tuple[str, users.Principal]:
    """The new session's cookie value for a valid token; Unauthenticated says why not."""
    engine, now = hub.engine, hub.clock.now()
    principal = await caller_of(admin_token, hub, presented.strip())
    bootstrap = principal is users.BOOTSTRAP
    cookie = secrets.token_urlsafe(32)
    async with begin(engine) as conn:
        await conn.execute(console_sessions.delete().where(console_sessions.c.expires_at < now))  # the old ones
        await conn.execute(console_sessions.insert().values(
            id_hash=_hash(cookie), user_name=principal.name, bootstrap=bootstrap, csrf=secrets.token_urlsafe(32),
            created_at=now, expires_at=now + LIFETIME))
        await audit.record(conn, now, "console.signed_in", "user", principal.name,
                           origin=audit.Origin(principal.name, where))
    return cookie, principal


async def session_of(engine: AsyncEngine, cookie: str | None, now: datetime) -> Session | None:
    """The live session a cookie names, with its user's roles as they are now; None to sign in."""
    if not cookie:
        return None
    async with engine.connect() as conn:
        found = (await conn.execute(sa.select(console_sessions).where(
            console_sessions.c.id_hash == _hash(cookie)))).mappings().first()
    if found is None or as_utc(found["expires_at"]) <= now:
        return None
    if found["bootstrap"]:
        return Session(users.BOOTSTRAP, found["csrf"], found["id_hash"])
    try:
        principal = await users.principal_of(engine, found["user_name"], now)
    except Unauthenticated:
        return None
    return Session(principal, found["csrf"], found["id_hash"])


def csrf_ok(session: Session, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(session.csrf.encode(), str(sent).encode("utf-8", "replace"))


async def sign_out(engine: AsyncEngine, session: Session) -> None:
    async with begin(engine) as conn:
        await conn.execute(console_sessions.delete().where(console_sessions.c.id_hash == session.id_hash))
