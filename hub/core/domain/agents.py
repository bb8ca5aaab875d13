"""The after-sales agents' and supervisors' presence (003): who is in, who is away and why, and who takes a
request when the customer's own agent is away (请示客服主管; if the supervisor is away, the next person named)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from hub.core.clock import as_utc
from hub.core.config import HubConfig
from hub.core.domain.tx import Tx
from hub.core.errors import InvalidInput
from hub.core.store.tables import agents, orders, returns

# An after-sales request still in someone's hands: neither fulfilled nor rejected/withdrawn.
OPEN_REQUEST = returns.c.state.notin_(("completed", "closed"))


def roles(config: HubConfig) -> dict[str, list[str]]:
    """Everyone configured, agents first then supervisors in their order: name → roles."""
    people: dict[str, list[str]] = {}
    for role, names in (("agent", config.agents), ("supervisor", config.supervisors)):
        for name in names:
            people.setdefault(name, []).append(role)
    return people


def known(config: HubConfig, name: str, field: str = "name") -> str:
    """``name`` when it is a configured agent or supervisor; otherwise the caller's 422."""
    if name not in roles(config):
        raise InvalidInput(f"unknown agent {name!r}: the configured agents are {', '.join(config.agents)}; "
                           f"the supervisors {', '.join(config.supervisors) or 'none'}", field=field)
    return name


def presence(name: str, row: Any, now: datetime) -> dict[str, Any]:
    """One person's presence from their row (None: never marked). An absence whose ``until`` passed is over."""
    if row is None:
        return {"name": name, "present": True, "since": None, "until": None, "reason": None}
    until = as_utc(row["until"]) if row["until"] is not None else None
    if row["absent"] and (until is None or until > now):
        return {"name": name, "present": False, "since": as_utc(row["since"]), "until": until,
                "reason": row["reason"]}
    return {"name": name, "present": True, "since": until if row["absent"] else as_utc(row["since"]),
            "until": None, "reason": None}


async def _rows(conn: Any, names: list[str]) -> dict[str, Any]:
    result = await conn.execute(sa.select(agents).where(agents.c.name.in_(names)))
    return {row["name"]: row for row in result.mappings()}


async def first_present(tx: Tx, names: tuple[str, ...] | list[str]) -> str | None:
    """The first of ``names`` who is in now, in their order."""
    rows = await _rows(tx.conn, list(names))
    return next((name for name in names if presence(name, rows.get(name), tx.now)["present"]), None)


async def absence_of(tx: Tx, name: str) -> dict[str, Any] | None:
    """``name``'s current absence (reason, since, until), or None when they are in."""
    current = presence(name, (await _rows(tx.conn, [name])).get(name), tx.now)
    return None if current["present"] else current


async def open_requests(conn: Any) -> dict[str, int]:
    """Open after-sales requests per person handling them."""
    query = sa.select(returns.c.agent, sa.func.count()).where(OPEN_REQUEST, returns.c.agent.is_not(None)) \
        .group_by(returns.c.agent)
    return {agent: count for agent, count in (await conn.execute(query)).all()}


async def roster(conn: Any, config: HubConfig, now: datetime) -> list[dict[str, Any]]:
    """Every configured agent and supervisor: present or away (since, until, why) and their open requests."""
    people = roles(config)
    rows, load = await _rows(conn, list(people)), await open_requests(conn)
    return [{**presence(name, rows.get(name), now), "roles": held, "open_requests": load.get(name, 0)}
            for name, held in people.items()]


async def _mark(tx: Tx, name: str, values: dict[str, Any]) -> None:
    row = {"name": name, "since": tx.now, "marked_by": tx.actor, **values}
    insert = postgresql.insert(agents) if tx.postgres else sqlite.insert(agents)
    # One row per person, whoever marks them first: a second mark replaces the first.
    await tx.conn.execute(insert.values(**row).on_conflict_do_update(
        index_elements=["name"], set_={k: v for k, v in row.items() if k != "name"}))


async def mark_absent(tx: Tx, name: str, reason: str, until: datetime | None) -> dict[str, Any]:
    known(tx.config, name)
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise InvalidInput("reason: say why they are away, in at most 500 characters", field="reason")
    if until is not None and as_utc(until) <= tx.now:
        raise InvalidInput("until must be later than now: an absence that ended is a presence", field="until")
    await _mark(tx, name, {"absent": True, "until": until, "reason": reason})
    await tx.record(entity="agent", ref=name, order_ref=None, event="absent", previous=None, state="absent",
                    data={"reason": reason, "until": until.isoformat() if until else None})
    return await _one(tx, name)


async def mark_present(tx: Tx, name: str) -> dict[str, Any]:
    known(tx.config, name)
    await _mark(tx, name, {"absent": False, "until": None, "reason": None})
    await tx.record(entity="agent", ref=name, order_ref=None, event="present", previous=None, state="present",
                    data={})
    return await _one(tx, name)


async def _one(tx: Tx, name: str) -> dict[str, Any]:
    return next(p for p in await roster(tx.conn, tx.config, tx.now) if p["name"] == name)


async def move_open_requests(tx: Tx, customer_code: str, agent: str, reason: str) -> list[str]:
    """Hand the customer's open after-sales requests to ``agent``, each noted on its own timeline."""
    of_customer = sa.select(orders.c.ref).where(orders.c.customer_code == customer_code)
    query = sa.select(returns.c.id, returns.c.ref, returns.c.order_ref, returns.c.state, returns.c.agent) \
        .where(returns.c.order_ref.in_(of_customer), OPEN_REQUEST, sa.or_(returns.c.agent.is_(None),
                                                                          returns.c.agent != agent)) \
        .order_by(returns.c.id)
    moved = list((await tx.conn.execute(query)).mappings())
    for request in moved:
        await tx.update("return", request["id"], {"agent": agent})
        await tx.record(entity="return", ref=request["ref"], order_ref=request["order_ref"], event="agent_reassigned",
                        previous=request["state"], state=request["state"],
                        data={"agent": agent, "previous_agent": request["agent"], "reason": reason})
    return [request["ref"] for request in moved]


async def least_busy_present(tx: Tx) -> str:
    """A new customer's agent: the least busy agent who is in (ties: the configured order); when nobody is
    in, the least busy of all (the request itself then goes to a supervisor)."""
    load = await open_requests(tx.conn)
    rows = await _rows(tx.conn, list(tx.config.agents))
    present = [a for a in tx.config.agents if presence(a, rows.get(a), tx.now)["present"]]
    pool = present or list(tx.config.agents)
    return min(pool, key=lambda a: (load.get(a, 0), tx.config.agents.index(a)))

