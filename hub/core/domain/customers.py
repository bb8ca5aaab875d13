"""Customers: grade A/B/C, VIP granted on notice and reviewed monthly (004), one agent each (003)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from hub.core.domain import engine
from hub.core.domain.inputs import NewCustomer
from hub.core.domain.tx import Tx
from hub.core.errors import InvalidInput, NotFound
from hub.core.lifecycle.customer import CUSTOMER
from hub.core.models import Transition
from hub.core.store.tables import customers, returns


async def create_customer(tx: Tx, new: NewCustomer) -> dict[str, Any]:
    exists = await tx.conn.execute(sa.select(customers.c.id).where(customers.c.code == new.code))
    if exists.first() is not None:
        raise InvalidInput(f"customer {new.code} already exists", field="code")
    row = {**new.model_dump(), "standing": CUSTOMER.initial, "agent": None, "monthly_volume": None,
           "created_at": tx.now, "updated_at": tx.now}
    row["id"] = (await tx.conn.execute(customers.insert().values(**row))).inserted_primary_key[0]
    await tx.record(entity="customer", ref=new.code, order_ref=None, event="created", previous=None,
                    state=row["standing"], data={"grade": new.grade})
    return row


async def ensure_customer(tx: Tx, code: str | None, inline: NewCustomer | None) -> dict[str, Any]:
    """The order's customer: looked up by code, or created from the shop's inline details."""
    if inline is not None:
        try:
            return await tx.fetch("customer", inline.code)
        except NotFound:
            return await create_customer(tx, inline)
    if not code:
        raise InvalidInput("customer_code or customer is required", field="customer_code")
    try:
        return await tx.fetch("customer", code)
    except NotFound as exc:
        raise InvalidInput(f"unknown customer {code}", field="customer_code") from exc


async def assign_agent(tx: Tx, customer: dict[str, Any]) -> str:
    """A repeat after-sales contact goes to the agent who handled the customer first (003)."""
    if customer["agent"]:
        return customer["agent"]
    load = dict((await tx.conn.execute(
        sa.select(returns.c.agent, sa.func.count()).where(returns.c.state.notin_(("completed", "closed")))
        .group_by(returns.c.agent))).all())
    agent = min(tx.config.agents, key=lambda a: (load.get(a, 0), tx.config.agents.index(a)))
    await tx.update("customer", customer["id"], {"agent": agent})
    return agent


class CustomerBehaviour:
    entity = "customer"
    lifecycle = CUSTOMER
    state_column = "standing"

    async def updates(self, tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]:
        if event == "grade_changed":
            return {"grade": data["grade"]}
        if event in ("vip_reviewed", "vip_revoked") and data.get("monthly_volume") is not None:
            return {"monthly_volume": Decimal(str(data["monthly_volume"]))}
        return {}

    async def facts(self, tx: Tx, row: dict[str, Any], data: dict[str, Any]) -> None:
        return None

    def hook(self, transition: Transition, row_before: dict[str, Any]) -> str | None:
        # Every customer step is a letter or a notice, so the hook follows the event, not the state.
        return f"hub_customer_{transition.event}"

    async def after(self, tx: Tx, row: dict[str, Any], transition: Transition) -> None:
        return None


BEHAVIOUR = engine.register(CustomerBehaviour())
