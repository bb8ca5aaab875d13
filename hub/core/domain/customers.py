"""Customers: grade A/B/C, VIP on the sales department's written notice and reviewed monthly (004), and
one after-sales agent each, a supervisor standing in while the agent is away (003)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from hub.core.domain import agents, engine
from hub.core.domain.inputs import NewCustomer
from hub.core.domain.tx import Tx
from hub.core.errors import Conflict, InvalidInput, NotFound
from hub.core.lifecycle.customer import CUSTOMER
from hub.core.models import Transition
from hub.core.store.tables import customers

# Events carrying the sales department's written notice, kept on the customer's file (004).
NOTICES = ("vip_granted", "vip_kept", "vip_revoked")
# Events carrying a monthly review's figures.
REVIEWS = ("vip_reviewed", "vip_reevaluation_requested")


async def create_customer(tx: Tx, new: NewCustomer) -> dict[str, Any]:
    exists = await tx.conn.execute(sa.select(customers.c.id).where(customers.c.code == new.code))
    if exists.first() is not None:
        raise Conflict(f"customer {new.code} already exists", field="code")
    row = {**new.model_dump(), "standing": CUSTOMER.initial, "agent": None, "monthly_volume": None,
           "volume_month": None, "vip_notice_ref": None, "vip_notified_by": None,
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
    """Who handles this after-sales request (003): the agent who handled the customer first (a new customer
    gets the least busy agent present, and keeps them). While that agent is away, the first supervisor in
    (请示客服主管; if absent, the next person named) takes the request; the customer keeps their agent."""
    agent = customer["agent"]
    if not agent:
        agent = await agents.least_busy_present(tx)
        await tx.update("customer", customer["id"], {"agent": agent})
    away = await agents.absence_of(tx, agent)
    if away is None:
        return agent
    stand_in = await agents.first_present(tx, tx.config.supervisors)
    # Nobody to stand in: the request waits in the agent's own queue, and the timeline says why.
    await tx.record(entity="customer", ref=customer["code"], order_ref=None,
                    event="request_to_supervisor" if stand_in else "request_waits_for_agent",
                    previous=customer["standing"], state=customer["standing"],
                    data={"agent": agent, "handled_by": stand_in or agent, "agent_absent": away["reason"],
                          "until": away["until"].isoformat() if away["until"] else None})
    return stand_in or agent


class CustomerBehaviour:
    entity = "customer"
    lifecycle = CUSTOMER
    state_column = "standing"

    async def updates(self, tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]:
        if event == "grade_changed":
            return {"grade": data["grade"]}
        if event in NOTICES:
            return {"vip_notice_ref": data["notice_ref"], "vip_notified_by": data["notified_by"]}
        if event in REVIEWS and data.get("monthly_volume") is not None:
            return {"monthly_volume": Decimal(str(data["monthly_volume"])), "volume_month": data.get("month")}
        if event == "agent_reassigned":
            if data["agent"] not in tx.config.agents:
                raise InvalidInput(f"unknown agent {data['agent']!r}: the configured agents are "
                                   f"{', '.join(tx.config.agents)}", field="data.agent")
            if data["agent"] == row["agent"]:
                raise InvalidInput(f"{data['agent']} is already customer {row['code']}'s agent", field="data.agent")
            return {"agent": data["agent"]}
        return {}

    async def facts(self, tx: Tx, row: dict[str, Any], data: dict[str, Any]) -> None:
        return None

    def hook(self, transition: Transition, row_before: dict[str, Any]) -> str | None:
        # Every customer step is a letter or a notice, so the hook follows the event, not the state.
        return f"hub_customer_{transition.event}"

    async def after(self, tx: Tx, row: dict[str, Any], transition: Transition) -> None:
        if transition.event == "agent_reassigned":
            # One customer, one agent (003): what the customer has open goes with them to the new agent.
            await agents.move_open_requests(tx, row["code"], transition.data["agent"], transition.data["reason"])


BEHAVIOUR = engine.register(CustomerBehaviour())
