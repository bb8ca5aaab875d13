"""The audit trail: who did what, from where and when, for everything people do to the hub.

Every unit of work started by a person (an API call with their token, a CLI command) carries an
origin; each state change it records is written to ``audit_log`` in the same transaction, as are
handoff and webhook retries and discards, and every user, token and delegation change. Changes
made by carriers, plugins and timers carry no origin: their record is the entity's timeline and the
handoff's attempts, which the hot path already writes.
"""
from __future__ import annotations

import getpass
import socket
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.core.store.access_tables import audit_log


@dataclass(frozen=True)
class Origin:
    """Who is acting, and from where: set for the length of one API request or CLI command."""

    actor: str
    where: str  # "api 10.0.0.7", "cli ops@host"


ORIGIN: ContextVar[Origin | None] = ContextVar("hub_origin", default=None)


def cli_origin(actor: str | None = None) -> Origin:
    """The person at a terminal: the CLI runs with the database's rights, so it records the OS user
    (and the ``--actor`` a command was given, which is what its own records name)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (containers)
        user = "unknown"
    return Origin(f"cli:{actor or user}"[:64], f"cli {user}@{socket.gethostname()}"[:100])


def row(at: datetime, origin: Origin, action: str, entity: str | None = None, ref: str | None = None,
        **detail: Any) -> dict[str, Any]:
    return {"at": at, "actor": origin.actor[:64], "origin": origin.where[:100], "action": action[:64],
            "entity": entity, "ref": ref, "detail": detail}


async def record(conn: AsyncConnection, at: datetime, action: str, entity: str | None = None,
                 ref: str | None = None, origin: Origin | None = None, **detail: Any) -> None:
    """One audit row, in the caller's transaction; nothing when no person is acting."""
    origin = origin or ORIGIN.get()
    if origin is not None:
        await conn.execute(audit_log.insert().values(**row(at, origin, action, entity, ref, **detail)))


async def trail(engine: AsyncEngine, *, actor: str | None = None, action: str | None = None,
                entity: str | None = None, ref: str | None = None, since: datetime | None = None,
                before_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """The newest first; ``before_id`` pages back."""
    query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    for column, value in ((audit_log.c.actor, actor), (audit_log.c.entity, entity), (audit_log.c.ref, ref)):
        if value is not None:
            query = query.where(column == value)
    if action is not None:
        query = query.where(audit_log.c.action.startswith(action, autoescape=True))
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    if before_id is not None:
        query = query.where(audit_log.c.id < before_id)
    async with engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(query)).mappings()]
