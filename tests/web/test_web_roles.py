"""Who may do what: users with roles and tokens, the seeds' decisions by the right role only, delegation
with an end date, and the audit trail of who did what from where. Through the HTTP API, on both backends."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from hub.core.config import HubConfig
from hub.core.roles import DECISIONS
from hub.core.store.access_tables import api_tokens
from hub.web.api import KINDS

from .test_web_claims_api import CLAIM_PLUGINS, Api, shipped  # noqa: F401 - the fixture
from .web_support import ADMIN_AUTH, AUTH, served, user_auth

PLURAL = {kind.entity: plural for plural, kind in KINDS.items()}


@pytest.fixture(params=["sqlite", "postgresql"])
async def api(request: pytest.FixtureRequest, aiohttp_client: Any, config: HubConfig, clock: Any,
              tmp_path: Path) -> AsyncIterator[Api]:
    config = HubConfig(data_dir=tmp_path, plugins=CLAIM_PLUGINS)
    async with served(Api, request.param, "roles", aiohttp_client, config, clock, tmp_path) as api:
        yield api


@pytest.fixture
async def people(api: Api) -> dict[str, dict[str, str]]:
    """The seeds' cast, each with their own token, added by the bootstrap admin."""
    cast = {"agent": ("agent.chen", "agent"), "cs_manager": ("cs.zhao", "cs_manager"),
            "gm": ("gm.li", "general_manager"), "deputy": ("deputy.wu", "supervisor"),
            "finance": ("fin.qian", "finance"), "warehouse": ("wh.sun", "warehouse")}
    return {key: await user_auth(api.http, name, role) for key, (name, role) in cast.items()}


async def send(api: Api, who: dict[str, str], event: str, data: dict[str, Any] | None = None,
               ref: str = "CL-1", **headers: str) -> tuple[int, Any]:
    reply = await api.http.post(f"/api/claims/{ref}/events", json={"event": event, "data": data or {}},
                                headers={**who, **headers})
    return reply.status, await reply.json()


async def proposed_claim(api: Api, ref: str = "CL-1") -> None:
    """A claim with its report issued and finance's debt check on record: the approvers are next."""
    await api.open(ref)
    await api.to_settlement(ref)
    await api.runtime.settle()  # the ERP sandbox answers the proposal with the debt check
    await api.event(ref, "report_issued", {"report_ref": f"CR-{ref}"})


async def test_a_claim_is_approved_by_the_cs_manager_then_the_gm_and_paid_by_finance_only(shipped, people):
    api = shipped
    await proposed_claim(api)
    # when an agent, the bootstrap admin, or the GM before the manager try the manager's signature
    for who in (people["agent"], ADMIN_AUTH, people["gm"]):
        status, body = await send(api, who, "manager_approved", {"approver": "cs.zhao"})
        # then each is refused, naming the role that decides
        assert (status, body["roles"]) == (403, ["cs_manager"]), body
        assert "cs_manager" in body["error"]
    # when the customer-service manager signs, with a made-up X-Actor
    status, body = await send(api, people["cs_manager"], "manager_approved", {"approver": "cs.zhao"},
                              **{"X-Actor": "gm.li"})
    # then it is recorded as theirs
    assert (status, body["actor"]) == (200, "cs.zhao"), body
    assert (await send(api, people["cs_manager"], "gm_approved"))[0] == 403
    status, body = await send(api, people["gm"], "gm_approved", {"approver": "gm.li"})
    assert (status, body["state"], body["actor"]) == (200, "approved", "gm.li")
    # and only finance pays
    assert (await send(api, people["gm"], "paid", {"reference": "PAY-1"}))[0] == 403
    status, body = await send(api, people["finance"], "paid", {"reference": "PAY-1"})
    assert (status, body["state"], body["actor"]) == (200, "paid", "fin.qian")
    timeline = (await api.entity())["timeline"]
    assert [(e["event"], e["actor"]) for e in timeline if e["event"] in ("manager_approved", "gm_approved", "paid")] \
        == [("manager_approved", "cs.zhao"), ("gm_approved", "gm.li"), ("paid", "fin.qian")]
    # and nothing the refused attempts sent moved the claim
    assert len([e for e in timeline if e["event"] == "manager_approved"]) == 1


async def test_a_gms_delegate_approves_until_the_delegation_ends(shipped, people):
    api = shipped
    await proposed_claim(api)
    await send(api, people["cs_manager"], "manager_approved")
    # when the GM lends their role to a deputy for two days
    ends = (api.hub.clock.now() + timedelta(days=2)).isoformat()
    reply = await api.http.post("/api/delegations", headers=people["gm"], json={
        "from_user": "gm.li", "to_user": "deputy.wu", "role": "general_manager", "ends_at": ends,
        "reason": "travelling to the Guangzhou fair"})
    assert reply.status == 201, await reply.text()
    me = await (await api.http.get("/api/me", headers=people["deputy"])).json()
    assert me["lent"] == {"general_manager": "gm.li"} and "general_manager" in me["roles"]
    # then the deputy signs for the GM, as themselves
    status, body = await send(api, people["deputy"], "gm_approved")
    assert (status, body["actor"]) == (200, "deputy.wu")
    # and after the end date the role is gone
    await proposed_claim(api, "CL-2")
    await send(api, people["cs_manager"], "manager_approved", ref="CL-2")
    api.hub.clock.advance(days=3)
    assert (await send(api, people["deputy"], "gm_approved", ref="CL-2"))[0] == 403
    # a role cannot be lent by someone who does not hold it, nor by someone else for its holder
    reply = await api.http.post("/api/delegations", headers=people["gm"], json={
        "from_user": "gm.li", "to_user": "deputy.wu", "role": "finance",
        "ends_at": (api.hub.clock.now() + timedelta(days=1)).isoformat()})
    assert reply.status == 422
    reply = await api.http.post("/api/delegations", headers=people["deputy"], json={
        "from_user": "gm.li", "to_user": "deputy.wu", "role": "general_manager",
        "ends_at": (api.hub.clock.now() + timedelta(days=1)).isoformat()})
    assert reply.status == 403


async def test_expired_revoked_and_disabled_tokens_are_401_and_tokens_are_stored_hashed(api):
    # given a user with a second token valid for a day
    agent = await user_auth(api.http, "agent.chen", "agent")
    reply = await api.http.post("/api/users/agent.chen/tokens", headers=agent, json={"days": 1, "label": "laptop"})
    assert reply.status == 201
    short = await reply.json()
    laptop = {"Authorization": f"Bearer {short['token']}"}
    assert (await api.http.get("/api/orders", headers=laptop)).status == 200
    # then only a hash is stored, and the listing shows the prefix and the last use, never a token
    async with api.hub.engine.connect() as conn:
        hashes = (await conn.execute(sa.select(api_tokens.c.token_hash))).scalars().all()
    assert short["token"] not in hashes and all(len(h) == 64 for h in hashes)
    listing = await (await api.http.get("/api/users", headers=ADMIN_AUTH)).text()
    assert short["token"] not in listing and short["prefix"] in listing
    users = (await (await api.http.get("/api/users", headers=ADMIN_AUTH)).json())["items"]
    [chen] = [u for u in users if u["name"] == "agent.chen"]
    assert [t["last_used_at"] is not None for t in chen["tokens"]] == [True, True]
    # when a day passes, that token has expired; the first one still works
    api.hub.clock.advance(days=1, minutes=1)
    reply = await api.http.get("/api/orders", headers=laptop)
    assert (reply.status, (await reply.json())["error"]) == (401, "the bearer token has expired")
    assert (await api.http.get("/api/orders", headers=agent)).status == 200
    # when the user revokes their first token, it stops working
    first = chen["tokens"][0]["id"]
    assert (await api.http.post(f"/api/users/agent.chen/tokens/{first}/revoke", headers=agent)).status == 200
    reply = await api.http.get("/api/orders", headers=agent)
    assert (reply.status, (await reply.json())["error"]) == (401, "the bearer token was revoked")
    # when an admin disables a user, every token of theirs stops at once
    reply = await api.http.post("/api/users/agent.chen/tokens", headers=ADMIN_AUTH, json={})
    fresh = {"Authorization": f"Bearer {(await reply.json())['token']}"}
    assert (await api.http.post("/api/users/agent.chen/disable", headers=ADMIN_AUTH)).status == 200
    reply = await api.http.get("/api/orders", headers=fresh)
    assert (reply.status, (await reply.json())["error"]) == (401, "user agent.chen is disabled")


async def test_users_are_managed_by_an_admin_only_and_bad_input_is_refused(api):
    agent = await user_auth(api.http, "agent.chen", "agent")
    assert (await api.http.post("/api/users", headers=agent, json={"name": "x", "roles": ["admin"]})).status == 403
    assert (await api.http.post("/api/users/agent.chen/roles", headers=agent,
                                json={"roles": ["general_manager"]})).status == 403
    assert (await api.http.post("/api/users/gm.li/tokens", headers=agent, json={})).status in (403, 404)
    again = await api.http.post("/api/users", headers=ADMIN_AUTH, json={"name": "agent.chen", "roles": ["agent"]})
    assert again.status == 409
    for body in ({"name": "x", "roles": ["emperor"]}, {"name": "a b", "roles": ["agent"]}, {"name": "x", "roles": []},
                 {"name": "x", "roles": ["agent"], "extra": 1}):
        reply = await api.http.post("/api/users", headers=ADMIN_AUTH, json=body)
        assert reply.status == 422, body
    # an admin changes roles; the change holds at the next request
    reply = await api.http.post("/api/users/agent.chen/roles", headers=ADMIN_AUTH, json={"roles": ["agent", "sales"]})
    assert (reply.status, (await reply.json())["roles"]) == (200, ["agent", "sales"])
    assert sorted((await (await api.http.get("/api/me", headers=agent)).json())["roles"]) == ["agent", "sales"]


@pytest.mark.parametrize(("entity", "event"), sorted(DECISIONS))
async def test_every_decision_is_refused_to_a_role_that_does_not_take_it(api, entity, event):
    warehouse = await user_auth(api.http, "wh.sun", "warehouse")
    reply = await api.http.post(f"/api/{PLURAL[entity]}/ANY-1/events", json={"event": event}, headers=warehouse)
    body = await reply.json()
    assert (reply.status, body["roles"]) == (403, list(DECISIONS[(entity, event)][0]))
    # and the catalogue says who decides it, and why
    described = (await api.get(f"/api/events?entity={entity}"))[entity]["events"][event]
    assert described["roles"] == list(DECISIONS[(entity, event)][0]) and described["roles_because"]


async def test_the_audit_trail_says_who_did_what_from_where_and_cannot_be_edited(shipped, people):
    api = shipped
    await proposed_claim(api)
    await send(api, people["cs_manager"], "manager_approved")
    await api.http.post("/api/users/agent.chen/disable", headers=ADMIN_AUTH)
    # then the trail lists the user changes and the approval with who, from where and when
    trail = (await api.get("/api/audit?limit=1000"))["items"]
    by_action = {}
    for entry in trail:
        by_action.setdefault(entry["action"], []).append(entry)
    [approval] = by_action["claim.manager_approved"]
    assert (approval["actor"], approval["entity"], approval["ref"]) == ("cs.zhao", "claim", "CL-1")
    assert approval["origin"].startswith("api 127.0.0.1")
    assert approval["detail"] == {"previous": "settlement_proposed", "state": "manager_approved"}
    assert {e["ref"] for e in by_action["user.added"]} >= {"cs.zhao", "gm.li", "fin.qian"}
    assert [(e["actor"], e["ref"]) for e in by_action["user.disabled"]] == [("admin", "agent.chen")]
    assert by_action["order.confirmation_sent"][0]["actor"] == "tester"
    # filtered by actor, and readable by the auditors only
    mine = (await api.get("/api/audit?actor=cs.zhao"))["items"]
    assert {e["action"] for e in mine} == {"claim.manager_approved"}
    assert (await api.http.get("/api/audit", headers=people["warehouse"])).status == 403
    assert (await api.http.get("/api/audit", headers=people["gm"])).status == 200
    # nothing edits it: no route writes the trail
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        reply = await api.http.request(method, "/api/audit", headers=AUTH, json={})
        assert reply.status == 405, method
