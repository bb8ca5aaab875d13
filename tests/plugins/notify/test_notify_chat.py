"""notify.chat against local WeCom and DingTalk robot endpoints that check keys, signatures and shape."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from notify_helpers import build, claim, claim_documents_breach, make_ctx, run_hook, transition

from hub import PermanentError, PluginConfigurationError, TransientError
from hub.core.errors import ConfigError

WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DING_TOKEN, DING_SECRET = "ding-token", "SECd2f0e1"


@dataclass
class Robots:
    """WeCom's /cgi-bin/webhook/send and DingTalk's /robot/send, with their errcode replies."""

    wecom: list[dict] = field(default_factory=list)
    dingtalk: list[dict] = field(default_factory=list)
    errcode: dict[str, tuple[int, str]] = field(default_factory=dict)

    async def wecom_send(self, request: web.Request) -> web.Response:
        body = await request.json()
        if request.query.get("key") != WECOM_KEY:
            return web.json_response({"errcode": 93000, "errmsg": "invalid webhook url"})
        if "wecom" in self.errcode:
            code, msg = self.errcode["wecom"]
            return web.json_response({"errcode": code, "errmsg": msg})
        if body.get("msgtype") != "markdown" or not body["markdown"].get("content"):
            return web.json_response({"errcode": 40008, "errmsg": "invalid message type"})
        self.wecom.append(body)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def dingtalk_send(self, request: web.Request) -> web.Response:
        body = await request.json()
        q = request.query
        if q.get("access_token") != DING_TOKEN:
            return web.json_response({"errcode": 300001, "errmsg": "token is not exist"})
        stamp = int(q.get("timestamp", "0"))
        expected = base64.b64encode(hmac.new(DING_SECRET.encode(), f"{stamp}\n{DING_SECRET}".encode(),
                                             hashlib.sha256).digest()).decode()
        if abs(time.time() * 1000 - stamp) > 3600_000 or q.get("sign") != expected:
            return web.json_response({"errcode": 310000, "errmsg": "sign not match"})
        if "dingtalk" in self.errcode:
            code, msg = self.errcode["dingtalk"]
            return web.json_response({"errcode": code, "errmsg": msg})
        if body.get("msgtype") != "markdown" or not {"title", "text"} <= set(body["markdown"]):
            return web.json_response({"errcode": 40035, "errmsg": "missing parameter"})
        self.dingtalk.append(body)
        return web.json_response({"errcode": 0, "errmsg": "ok"})


@pytest.fixture
async def robots(aiohttp_server):
    fake = Robots()
    app = web.Application()
    app.router.add_post("/cgi-bin/webhook/send", fake.wecom_send)
    app.router.add_post("/robot/send", fake.dingtalk_send)
    server = await aiohttp_server(app)
    fake.url = str(server.make_url("")).rstrip("/")
    return fake


@pytest.fixture
def settings(robots, monkeypatch):
    monkeypatch.setenv("HUB_WECOM_KEY", WECOM_KEY)
    return {"robots": {
                "escalation": {"vendor": "wecom", "key": {"env": "HUB_WECOM_KEY"}, "base_url": robots.url},
                "claims": {"vendor": "dingtalk", "access_token": DING_TOKEN, "secret": DING_SECRET,
                           "base_url": robots.url}},
            "routes": {"sla_breached": ["escalation"], "claim_opened": ["claims"]}}


async def test_a_breached_claim_document_timer_escalates_once_even_when_delivered_twice(robots, settings, ledger):
    # given the 3-day claim-documents timer breached, and the core delivering the breach twice
    pm = build("chat", settings)
    for _ in range(2):
        await run_hook(pm, "hub_sla_breached", make_ctx("notify.chat", ledger, key="sla:41"), ledger,
                       timer=claim_documents_breach())
    # then exactly one message in the escalation channel, with the rule's own wording
    [message] = robots.wecom
    content = message["markdown"]["content"]
    assert content.startswith("### 索赔资料逾期未回：CL-7")
    assert "cs_supervisor" in content and robots.dingtalk == []


async def test_a_different_timer_breaching_is_a_new_escalation(robots, settings, ledger):
    pm = build("chat", settings)
    for timer_id in (41, 42):
        await run_hook(pm, "hub_sla_breached", make_ctx("notify.chat", ledger), ledger,
                       timer=claim_documents_breach(timer_id))
    assert len(robots.wecom) == 2


async def test_dingtalk_robot_gets_a_signed_markdown_message(robots, settings):
    pm = build("chat", settings)
    await run_hook(pm, "hub_claim_opened", make_ctx("notify.chat"), claim=claim(),
                   transition=transition("claim", "CL-7", "opened"))
    [message] = robots.dingtalk
    assert message["markdown"]["title"] == "新索赔：CL-7（订单 SO-1001）"
    assert "索赔金额：1,200.00 CNY" in message["markdown"]["text"]


async def test_a_routed_variant_wins_over_the_milestone(robots, settings):
    routes = {"sla_breached": ["escalation"], "sla_breached.claim_documents": ["claims"]}
    pm = build("chat", {**settings, "routes": routes})
    await run_hook(pm, "hub_sla_breached", make_ctx("notify.chat"), timer=claim_documents_breach())
    assert len(robots.dingtalk) == 1 and robots.wecom == []


@pytest.mark.parametrize(("robot", "errcode", "error"), [
    ("wecom", (45009, "api freq out of limit"), TransientError),
    ("wecom", (-1, "system busy"), TransientError),
    ("wecom", (40008, "invalid message type"), PermanentError),
    ("dingtalk", (130101, "send too fast, exceed 20 times per minute"), TransientError),
    ("dingtalk", (310000, "keywords not in content"), PluginConfigurationError),
])
async def test_robot_errcodes_map_to_hub_errors(robots, settings, robot, errcode, error):
    robots.errcode[robot] = errcode
    routes = {"sla_breached": ["escalation" if robot == "wecom" else "claims"]}
    pm = build("chat", {**settings, "routes": routes})
    with pytest.raises(error, match=str(errcode[0])) as raised:
        await run_hook(pm, "hub_sla_breached", make_ctx("notify.chat"), timer=claim_documents_breach())
    assert type(raised.value) is error


@pytest.mark.parametrize(("robot", "change", "errcode"), [
    ("escalation", {"key": "removed-robot"}, "93000"),
    ("claims", {"secret": "SECwrong"}, "310000"),
])
async def test_a_wrong_key_or_secret_is_a_configuration_error(robots, settings, robot, change, errcode):
    robots_settings = {**settings["robots"], robot: {**settings["robots"][robot], **change}}
    pm = build("chat", {**settings, "robots": robots_settings, "routes": {"sla_breached": [robot]}})
    with pytest.raises(PluginConfigurationError, match=errcode) as raised:
        await run_hook(pm, "hub_sla_breached", make_ctx("notify.chat"), timer=claim_documents_breach())
    assert change.get("key", "x") not in str(raised.value)


def test_a_route_to_an_unknown_robot_stops_start_up(settings):
    with pytest.raises(ConfigError, match="unknown targets"):
        build("chat", {**settings, "routes": {"sla_breached": ["supervisors"]}})


def test_customer_letters_cannot_be_routed_to_a_robot(settings):
    with pytest.raises(ConfigError, match="not a milestone this plugin sends"):
        build("chat", {**settings, "routes": {"order_delivered": ["escalation"]}})


async def test_the_hub_escalates_a_breached_claim_documents_timer_once(make_hub, sqlite_engine, clock, robots,
                                                                       monkeypatch):
    # given a hub with the WeCom escalation robot and a claim whose documents are due in 3 days
    from decimal import Decimal

    import sqlalchemy as sa

    from hub.core.domain.inputs import NewClaim, NewCustomer, NewOrder, NewShipment
    from hub.core.runtime import Runtime
    from hub.core.store.tables import deliveries

    monkeypatch.setenv("HUB_WECOM_KEY", WECOM_KEY)
    plugins = {"enabled": ["notify.chat"], "notify.chat": {
        "robots": {"escalation": {"vendor": "wecom", "key": {"env": "HUB_WECOM_KEY"}, "base_url": robots.url}},
        "routes": {"sla_breached.claim_documents": ["escalation"]}}}
    hub = await make_hub(sqlite_engine, plugins=plugins)
    await hub.create_customer(NewCustomer(code="C1", name="Zhang", grade="A"))
    await hub.create_order(NewOrder(ref="SO-1", customer_code="C1", contact={"phone": "1", "address": "x"},
                                    lines=[{"product_code": "P", "spec": "s", "qty": 1, "unit_price": "9"}]))
    for event in ("reviewed", "confirmation_sent", "released", "finance_approved"):
        await hub.apply("order", "SO-1", event)
    await hub.create_shipment("SO-1", NewShipment(ref="SH-1", carrier="sandbox", tracking_number="T1"))
    claim_ref = (await hub.open_claim(NewClaim(order_ref="SO-1", kind="damage", amount_claimed=Decimal("80")))).ref
    runtime = Runtime(hub, inline_tries=1)
    # when the 3 days pass, and the escalation's handoff is delivered a second time
    clock.advance(days=3, minutes=1)
    await runtime.settle()
    async with hub.engine.begin() as conn:
        await conn.execute(sa.update(deliveries).where(deliveries.c.hook == "hub_sla_breached")
                           .values(state="pending"))
    await runtime.settle()
    # then the robot channel got exactly one escalation, naming the claim's rule
    assert len(robots.wecom) == 1
    content = robots.wecom[0]["markdown"]["content"]
    assert claim_ref in content


async def test_a_routed_robot_tells_planning_what_a_shipment_left_short(robots, settings):
    from test_notify_order_letters import shipped_short

    routes = {"order_shipped.back_order": ["escalation"], "order_released": ["claims"]}
    pm = build("chat", {**settings, "routes": routes})
    await run_hook(pm, "hub_order_shipped", make_ctx("notify.chat"), **shipped_short("zh-CN"))
    [message] = robots.wecom
    content = message["markdown"]["content"]
    assert content.startswith("### 欠货清单：订单 SO-1001（李雷）")
    assert "#1 SOFA-3 灰色 × 1 → 2025-03-20" in content and robots.dingtalk == []


async def test_a_shipment_with_nothing_short_posts_nothing_to_the_back_order_robot(robots, settings):
    from decimal import Decimal

    from notify_helpers import changed
    from test_notify_order_letters import shipped_short

    args = shipped_short("zh-CN")
    lines = tuple(changed(line, back_order_qty=Decimal(0)) for line in args["order"].lines)
    pm = build("chat", {**settings, "routes": {"order_shipped.back_order": ["escalation"]}})
    await run_hook(pm, "hub_order_shipped", make_ctx("notify.chat"), **{**args, "order": changed(args["order"],
                                                                                                   lines=lines)})
    assert robots.wecom == [] and robots.dingtalk == []
