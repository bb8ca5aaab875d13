"""Customers through the HTTP API with the clock driven by the test, on SQLite and PostgreSQL: VIP granted only
on the sales department's written notice (004), reviewed each month by the hub from the shipments it recorded,
a short month sent back to sales who keep or revoke it, letters delivered; the after-sales agents' presence,
an absent agent's customer going to the supervisor and then the next person (003), and a reassignment taking
the customer's open requests along."""
from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from hub.core.config import HubConfig, VipSettings

from .test_web_catalogue import response_schema
from .web_support import AUTH, EntityApi, new_order, shanghai, served

CUSTOMER = "C-WEB"  # the customer of web_support.new_order
AGENTS = ("agent-1", "agent-2")
SUPERVISORS = ("cs-du-feng", "cs-chen-xiaoxue")  # 003: 请示客服主管杜峰; 杜峰不在则请示陈晓雪
GRANT = {"notice_ref": "SALES-2026-031", "notified_by": "sales-li"}
THRESHOLD = "12600"  # three sofas at 4,200 a month


class Api(EntityApi):
    collection, default_ref = "customers", CUSTOMER

    async def agents(self) -> dict[str, dict[str, Any]]:
        page = await self.get("/api/agents")
        response_schema("/api/agents", "get", 200).validate(page)
        return {a["name"]: a for a in page["items"]}

    async def request(self, ref: str, order: str = "SO-AG-1") -> str:
        """An after-sales request (a partial refund) for the order; answers who handles it."""
        status, body = await self.post("/api/returns", {"ref": ref, "order_ref": order, "type": "refund",
                                                        "reason": "ordered twice", "amount": "100"})
        assert status == 201, body
        return (await self.get(f"/api/returns/{ref}"))["agent"]

    async def timeline(self, ref: str = CUSTOMER) -> list[dict[str, Any]]:
        return (await self.entity(ref))["timeline"]


@pytest.fixture
def customer_config(config: HubConfig) -> HubConfig:
    return config.model_copy(update={"agents": AGENTS, "supervisors": SUPERVISORS,
                                     "vip": VipSettings(threshold=Decimal(THRESHOLD))})


@pytest.fixture(params=["sqlite", "postgresql"])
async def api(request: pytest.FixtureRequest, aiohttp_client: Any, customer_config: HubConfig, clock: Any,
              tmp_path: Path) -> AsyncIterator[Api]:
    async with served(Api, request.param, "customers", aiohttp_client, customer_config, clock, tmp_path) as api:
        yield api


async def released(api: Api, ref: str, sofas: int = 1) -> None:
    """An order of ``sofas`` at 4,200 for C-WEB, reviewed by the ERP sandbox, confirmed, paid and released."""
    lines = [{"product_code": "SOFA-3", "spec": "3-seat, grey", "qty": sofas, "unit_price": "4200"}]
    status, body = await api.post("/api/orders", new_order(ref, deposit_due="1000", lines=lines))
    assert status == 201, body
    await api.runtime.settle()
    for event, data in (("confirmation_sent", {}), ("confirmation_received", {}),
                        ("deposit_received", {"amount": "1000"})):
        status, body = await api.post(f"/api/orders/{ref}/events", {"event": event, "data": data})
        assert status == 200, body
    await api.runtime.settle()
    assert (await api.get(f"/api/orders/{ref}"))["state"] == "released"


async def ship(api: Api, order: str) -> None:
    """The order's goods leave now, booked with the carrier."""
    status, body = await api.post(f"/api/orders/{order}/shipments", {
        "ref": f"SH-{order}", "carrier": "dhl", "tracking_number": f"TN-{order}", "carrier_contact": "driver Liu"})
    assert (status, body["state"]) == (201, "booked"), body


def letters_of(api: Api, milestone: str) -> list[dict[str, Any]]:
    return [letter for letter in api.letters() if letter["milestone"] == milestone]


# --- 1. VIP on the sales department's written notice ------------------------------------------------


async def test_vip_is_granted_only_on_the_sales_departments_written_notice(api):
    # given a regular customer, on 2 March in Shanghai
    api.hub.clock.set(shanghai(2026, 3, 2, 10))
    await released(api, "SO-VIP-1")
    # when sales asks for VIP without its written notice, or with half of it
    refused = await api.event(CUSTOMER, "vip_granted", {}, expect=422)
    assert [e["field"] for e in refused["errors"]] == ["data.notice_ref", "data.notified_by"]
    refused = await api.event(CUSTOMER, "vip_granted", {"notice_ref": "SALES-2026-031"}, expect=422)
    assert refused["field"] == "data.notified_by"
    # then nothing changed
    customer = await api.entity()
    assert (customer["standing"], customer["vip_notice_ref"]) == ("regular", None)
    # when the notice is given
    moved = await api.event(CUSTOMER, "vip_granted", GRANT)
    assert (moved["previous"], moved["state"], moved["data"]) == ("regular", "vip", GRANT)
    # then the customer shows the notice, and the first monthly review is due when March is over
    customer = await api.entity()
    response_schema("/api/customers/{code}", "get", 200).validate(customer)
    assert (customer["standing"], customer["vip_notice_ref"], customer["vip_notified_by"]) == (
        "vip", "SALES-2026-031", "sales-li")
    assert await api.timers() == {"vip_review": shanghai(2026, 4, 1, 0)}
    assert customer["allowed_events"] == ["vip_reviewed", "vip_reevaluation_requested", "vip_review",
                                          "grade_changed", "agent_reassigned"]
    # and the congratulation letter goes to the customer
    await api.runtime.settle()
    [letter] = letters_of(api, "customer_vip_granted")
    assert letter["to"] == f"customer:{CUSTOMER}"
    # and a VIP cannot be revoked without re-evaluation first
    refused = await api.event(CUSTOMER, "vip_revoked", GRANT, expect=409)
    assert refused["state"] == "vip"


# --- 2. the monthly review, from the shipments the hub recorded --------------------------------------


async def test_the_month_over_the_hub_counts_the_local_months_shipments_and_keeps_vip(api):
    # given four orders of C-WEB released in February, and VIP granted on 1 March
    api.hub.clock.set(shanghai(2026, 2, 26, 10))
    for ref, sofas in (("SO-FEB", 1), ("SO-MAR-1", 1), ("SO-MAR-2", 2), ("SO-APR", 1)):
        await released(api, ref, sofas)
    # when their goods leave: late on 28 February, early on 1 March (still February in UTC), on the last
    # evening of March, and just after midnight on 1 April (still March in UTC), Shanghai time
    for ref, moment in (("SO-FEB", shanghai(2026, 2, 28, 20)), ("SO-MAR-1", shanghai(2026, 3, 1, 7, 30)),
                        ("SO-MAR-2", shanghai(2026, 3, 31, 23, 30)), ("SO-APR", shanghai(2026, 4, 1, 0, 30))):
        api.hub.clock.set(moment)
        await ship(api, ref)
        if ref == "SO-MAR-1":
            await api.event(CUSTOMER, "vip_granted", GRANT)
    # and the background work runs after midnight on 1 April
    api.hub.clock.set(shanghai(2026, 4, 1, 0, 45))
    await api.runtime.settle()
    # then the review counted March in Shanghai: one sofa and two sofas, 12,600, the requirement exactly
    customer = await api.entity()
    assert (customer["standing"], customer["monthly_volume"], customer["volume_month"]) == (
        "vip", "12600.00", "2026-03")
    review = customer["timeline"][-1]
    assert (review["event"], review["actor"], review["data"]) == ("vip_reviewed", "timer", {
        "monthly_volume": "12600.00", "threshold": "12600.00", "measure": "value", "month": "2026-03",
        "timer": "vip_review"})
    # and the next review is due when April is over
    assert await api.timers() == {"vip_review": shanghai(2026, 5, 1, 0)}
    # when April ends with one sofa shipped
    api.hub.clock.set(shanghai(2026, 5, 1, 0, 5))
    await api.runtime.settle()
    # then the month falls short: the customer goes back to sales, still served as VIP, and no timer runs
    customer = await api.entity()
    assert (customer["standing"], customer["monthly_volume"], customer["volume_month"]) == (
        "under_reevaluation", "4200.00", "2026-04")
    assert customer["timeline"][-1]["event"] == "vip_reevaluation_requested"
    assert await api.timers() == {}
    assert customer["allowed_events"] == ["vip_kept", "vip_revoked", "grade_changed", "agent_reassigned"]


@pytest.mark.parametrize("answer", ["vip_kept", "vip_revoked"])
async def test_a_short_month_is_re_evaluated_by_sales_who_keep_or_revoke_with_their_notice(api, answer):
    # given a VIP whose only March shipment was one sofa
    api.hub.clock.set(shanghai(2026, 3, 2, 10))
    await released(api, "SO-SHORT-1")
    await api.event(CUSTOMER, "vip_granted", GRANT)
    api.hub.clock.set(shanghai(2026, 3, 12, 10))
    await ship(api, "SO-SHORT-1")
    # when March is over
    api.hub.clock.set(shanghai(2026, 4, 1, 8))
    await api.runtime.settle()
    # then it is not revoked: sales is asked to re-evaluate, with the month's figures (004)
    customer = await api.entity()
    assert (customer["standing"], customer["monthly_volume"]) == ("under_reevaluation", "4200.00")
    [mail] = letters_of(api, "customer_vip_reevaluation_requested")
    assert mail["to"] == "role:sales,salesperson:unassigned"
    assert "2026-03" in mail["body"] and "4200.00" in mail["body"] and "12600.00" in mail["body"]
    assert letters_of(api, "customer_vip_revoked") == []
    # when sales answers without its written notice, it is refused
    refused = await api.event(CUSTOMER, answer, {"notified_by": "sales-li"}, expect=422)
    assert refused["field"] == "data.notice_ref"
    # when sales answers with it
    notice = {"notice_ref": "SALES-2026-044", "notified_by": "sales-wu"}
    moved = await api.event(CUSTOMER, answer, notice)
    await api.runtime.settle()
    customer = await api.entity()
    assert (customer["vip_notice_ref"], customer["vip_notified_by"]) == ("SALES-2026-044", "sales-wu")
    revocations = letters_of(api, "customer_vip_revoked")
    if answer == "vip_kept":
        # then the customer stays VIP, nothing goes to them, and April is reviewed in its turn
        assert (moved["state"], customer["standing"]) == ("vip", "vip")
        assert revocations == []
        assert await api.timers() == {"vip_review": shanghai(2026, 5, 1, 0)}
    else:
        # then the VIP service ends and the cancellation notice goes to the customer
        assert (moved["state"], customer["standing"]) == ("regular", "regular")
        assert [letter["to"] for letter in revocations] == [f"customer:{CUSTOMER}"]
        assert await api.timers() == {}


async def test_a_manual_review_follows_the_same_outcome_as_the_timers(api):
    # given a VIP
    api.hub.clock.set(shanghai(2026, 3, 2, 10))
    await released(api, "SO-MANUAL-1")
    await api.event(CUSTOMER, "vip_granted", GRANT)
    # when someone sends the month's figures by hand: enough, then short
    kept = await api.event(CUSTOMER, "vip_review", {"monthly_volume": "13000", "threshold": THRESHOLD})
    short = await api.event(CUSTOMER, "vip_review", {"monthly_volume": "900", "threshold": THRESHOLD,
                                                     "month": "2026-02"})
    # then the first keeps VIP (the timer stays as it was) and the second goes to sales, never revoking
    assert (kept["event"], kept["state"]) == ("vip_reviewed", "vip")
    assert (short["event"], short["state"]) == ("vip_reevaluation_requested", "under_reevaluation")
    customer = await api.entity()
    assert (customer["monthly_volume"], customer["volume_month"]) == ("900", "2026-02")


# --- 3. agents, their presence and the supervisor -----------------------------------------------------


async def test_an_absent_agents_customer_goes_to_the_supervisor_then_the_next_and_keeps_their_agent(api):
    # given the agents and supervisors, all in, and a customer whose first request went to agent-1
    api.hub.clock.set(shanghai(2026, 3, 2, 10))
    everyone = await api.agents()
    assert list(everyone) == [*AGENTS, *SUPERVISORS]
    assert everyone["cs-du-feng"] == {"name": "cs-du-feng", "present": True, "since": None, "until": None,
                                      "reason": None, "roles": ["supervisor"], "open_requests": 0}
    await released(api, "SO-AG-1")
    assert await api.request("RT-1") == "agent-1"
    # when agent-1 is away
    status, away = await api.post("/api/agents/agent-1/absence", {"reason": "annual leave"})
    assert status == 200, away
    response_schema("/api/agents/{name}/absence", "post", 200).validate(away)
    assert (away["present"], away["reason"], away["open_requests"]) == (False, "annual leave", 1)
    # then the customer's next request goes to the supervisor, and the customer keeps agent-1
    assert await api.request("RT-2") == "cs-du-feng"
    assert (await api.entity())["agent"] == "agent-1"
    routed = (await api.timeline())[-1]
    assert (routed["event"], routed["data"]["agent"], routed["data"]["handled_by"],
            routed["data"]["agent_absent"]) == ("request_to_supervisor", "agent-1", "cs-du-feng", "annual leave")
    # when the supervisor is away too, the next person named takes it
    status, _ = await api.post("/api/agents/cs-du-feng/absence", {"reason": "training"})
    assert status == 200
    assert await api.request("RT-3") == "cs-chen-xiaoxue"
    everyone = await api.agents()
    assert (everyone["agent-1"]["open_requests"], everyone["cs-du-feng"]["open_requests"],
            everyone["cs-chen-xiaoxue"]["open_requests"]) == (1, 1, 1)
    # when nobody can stand in, the request waits for the customer's own agent, and the timeline says so
    await api.post("/api/agents/cs-chen-xiaoxue/absence", {"reason": "sick"})
    assert await api.request("RT-4") == "agent-1"
    assert (await api.timeline())[-1]["event"] == "request_waits_for_agent"
    # when agent-1 is back, their customer's requests are theirs again
    status, back = await api.post("/api/agents/agent-1/presence", {})
    assert (status, back["present"], back["since"]) == (200, True, shanghai(2026, 3, 2, 10).isoformat())
    assert await api.request("RT-5") == "agent-1"


async def test_an_absence_with_an_end_is_over_once_it_passes(api):
    # given agent-1 away for two hours, with a customer of theirs
    api.hub.clock.set(shanghai(2026, 3, 2, 10))
    await released(api, "SO-AG-1")
    await api.request("RT-1")
    status, away = await api.post("/api/agents/agent-1/absence", {
        "reason": "visiting a customer", "until": "2026-03-02T12:00:00+08:00"})
    assert (status, away["until"]) == (200, shanghai(2026, 3, 2, 12).isoformat())
    assert await api.request("RT-2") == "cs-du-feng"
    # when the time passes
    api.hub.clock.set(shanghai(2026, 3, 2, 12, 30))
    # then agent-1 is in again, since the absence ended, and takes their customer's request
    agent = (await api.agents())["agent-1"]
    assert (agent["present"], agent["since"], agent["reason"]) == (True, shanghai(2026, 3, 2, 12).isoformat(), None)
    assert await api.request("RT-3") == "agent-1"


async def test_a_reassigned_customer_takes_their_open_requests_to_the_new_agent(api):
    # given a customer of agent-1 with two open requests and a rejected one
    api.hub.clock.set(shanghai(2026, 3, 2, 10))
    await released(api, "SO-AG-1")
    for ref in ("RT-1", "RT-2", "RT-3"):
        assert await api.request(ref) == "agent-1"
    status, body = await api.post("/api/returns/RT-3/events", {"event": "rejected", "data": {"reason": "duplicate"}})
    assert (status, body["state"]) == (200, "closed"), body
    # when the customer is reassigned to agent-2
    moved = await api.event(CUSTOMER, "agent_reassigned", {"agent": "agent-2", "reason": "agent-1 left the team"})
    assert (moved["event"], moved["state"]) == ("agent_reassigned", "regular")
    # then the customer and their open requests are agent-2's, the closed one stays where it was
    customer = await api.entity()
    assert customer["agent"] == "agent-2"
    assert customer["timeline"][-1]["data"] == {"agent": "agent-2", "reason": "agent-1 left the team"}
    agents = {ref: (await api.get(f"/api/returns/{ref}"))["agent"] for ref in ("RT-1", "RT-2", "RT-3")}
    assert agents == {"RT-1": "agent-2", "RT-2": "agent-2", "RT-3": "agent-1"}
    noted = (await api.get("/api/returns/RT-1"))["timeline"][-1]
    assert (noted["event"], noted["data"]) == ("agent_reassigned", {
        "agent": "agent-2", "previous_agent": "agent-1", "reason": "agent-1 left the team"})
    everyone = await api.agents()
    assert (everyone["agent-1"]["open_requests"], everyone["agent-2"]["open_requests"]) == (0, 2)
    # and the customer's next request goes to agent-2
    assert await api.request("RT-4") == "agent-2"


async def test_unknown_agents_and_bad_input_are_refused_never_a_server_error(api):
    await released(api, "SO-AG-1")
    # a reassignment to someone who is not a configured agent (a supervisor is not one), without a reason,
    # or to the agent the customer already has
    await api.request("RT-1")
    for data, field in (({"agent": "nobody", "reason": "x"}, "data.agent"),
                        ({"agent": "cs-du-feng", "reason": "x"}, "data.agent"),
                        ({"agent": "agent-2"}, "data.reason"),
                        ({"agent": "agent-1", "reason": "x"}, "data.agent")):
        refused = await api.event(CUSTOMER, "agent_reassigned", data, expect=422)
        assert refused["field"] == field, refused
    assert (await api.entity())["agent"] == "agent-1"
    # presence of someone unknown, an absence without a reason, ending in the past, or with an unknown key
    for path, body, field in (("/api/agents/nobody/absence", {"reason": "x"}, "name"),
                              ("/api/agents/nobody/presence", {}, "name"),
                              ("/api/agents/agent-1/absence", {}, "reason"),
                              ("/api/agents/agent-1/absence", {"reason": "  "}, "reason"),
                              ("/api/agents/agent-1/absence", {"reason": "x", "until": "2020-01-01T00:00:00Z"},
                               "until"),
                              ("/api/agents/agent-1/absence", {"reason": "x", "until": "2026-03-09T09:00:00"},
                               "until"),
                              ("/api/agents/agent-1/absence", {"reason": "x", "back": True}, "back")):
        status, refused = await api.post(path, body)
        assert (status, refused["field"]) == (422, field), (path, body, refused)
    reply = await api.http.post("/api/agents/agent-1/absence", data=b"{not json",
                                headers={**AUTH, "content-type": "application/json"})
    assert reply.status == 400
    assert all(a["present"] for a in (await api.agents()).values())
