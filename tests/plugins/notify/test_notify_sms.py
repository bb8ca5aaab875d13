"""notify.sms against a local server that checks Aliyun's signature and SendSms request like Aliyun."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import aiohttp
import pytest
import structlog.testing
from aiohttp import web
from notify_helpers import (PHONE, build, claim, claim_documents_breach, make_ctx, order, run_hook, shipped,
                            transition)

from hub import PermanentError, PluginConfigurationError, TransientError
from hub.core.errors import ConfigError, Deferred
from plugins.notify.sms.signing import signature

KEYS = {"LTAI-test": "sms-secret"}
SUPERVISOR = "13700000001"


@dataclass
class Aliyun:
    """The parts of dysmsapi a client can observe: signature checks, parameter checks, error replies."""

    sent: list[dict[str, str]] = field(default_factory=list)
    nonces: set[str] = field(default_factory=set)
    reply: tuple[int, dict] | None = None
    delay_s: float = 0.0  # a gateway that hangs

    async def handle(self, request: web.Request) -> web.Response:
        params = dict(await request.post())
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        request_id = str(uuid.uuid4()).upper()
        if (error := self.check(params)) is not None:
            status, code, message = error
            return web.json_response({"RequestId": request_id, "HostId": "dysmsapi.aliyuncs.com",
                                      "Code": code, "Message": message}, status=status)
        if self.reply:
            status, payload = self.reply
            return web.json_response({"RequestId": request_id, **payload}, status=status)
        if not re.fullmatch(r"1\d{10}", params["PhoneNumbers"]):
            return web.json_response({"RequestId": request_id, "Code": "isv.MOBILE_NUMBER_ILLEGAL",
                                      "Message": "invalid mobile number"})
        self.sent.append(params)
        return web.json_response({"RequestId": request_id, "Code": "OK", "Message": "OK",
                                  "BizId": "9006197469364984400^0"})

    def check(self, p: dict[str, str]) -> tuple[int, str, str] | None:
        common = {"Action": "SendSms", "Version": "2017-05-25", "Format": "JSON",
                  "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "RegionId": "cn-hangzhou"}
        if any(p.get(k) != v for k, v in common.items()):
            return 400, "MissingParameter", "common parameters"
        if p["AccessKeyId"] not in KEYS:
            return 404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."
        stamp = datetime.strptime(p["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        if abs(datetime.now(UTC) - stamp) > timedelta(minutes=15) or p["SignatureNonce"] in self.nonces:
            return 400, "SignatureNonceUsed", "replayed or stale request"
        self.nonces.add(p["SignatureNonce"])
        unsigned = {k: v for k, v in p.items() if k != "Signature"}
        if p.get("Signature") != _aliyun_signature(unsigned, KEYS[p["AccessKeyId"]]):
            return 400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."
        if not all(p.get(k) for k in ("PhoneNumbers", "SignName", "TemplateCode")):
            return 400, "MissingParameter", "PhoneNumbers, SignName and TemplateCode are required"
        json.loads(p.get("TemplateParam", "{}"))
        return None


def _aliyun_signature(params: dict[str, str], secret: str) -> str:
    # The vendor's side, written from the documentation: RFC 3986 encoding, sorted, "POST&%2F&".
    enc = lambda s: quote(s, safe="-_.~")  # noqa: E731
    query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
    to_sign = "POST&%2F&" + enc(query)
    return base64.b64encode(hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


@pytest.fixture
async def aliyun(aiohttp_server):
    vendor = Aliyun()
    app = web.Application()
    app.router.add_post("/", vendor.handle)
    server = await aiohttp_server(app)
    vendor.url = str(server.make_url("/"))
    return vendor


@pytest.fixture
def settings(aliyun, monkeypatch):
    monkeypatch.setenv("HUB_ALIYUN_SMS_SECRET", "sms-secret")
    return {"base_url": aliyun.url, "access_key_id": "LTAI-test",
            "access_key_secret": {"env": "HUB_ALIYUN_SMS_SECRET"}, "sign_name": "华美家具",
            "roles": {"cs_supervisor": [SUPERVISOR]},
            "templates": {
                "order_shipped": {"codes": {"zh-CN": "SMS_100001", "en": "SMS_100002"},
                                  "params": ["order_ref", "carrier", "tracking_number", "carrier_contact"]},
                "claim_opened": {"codes": {"zh-CN": "SMS_100003"}, "params": ["claim_ref", "documents_due_at"]},
                "sla_breached": {"codes": {"zh-CN": "SMS_100009"}, "params": ["rule", "timer_ref"]}},
            "routes": {"order_shipped": ["customer"], "claim_opened": ["customer", "cs_supervisor"],
                       "sla_breached": ["cs_supervisor"]}}


SHIPPED = shipped("zh-CN", carrier="顺丰", tracking_number="SF1234567", carrier_contact="张师傅 021-5555")


def test_signature_matches_aliyuns_documented_example():
    # The worked example of Aliyun's SMS signature documentation (GET, secret "testSecret").
    params = {"AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
              "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用",
              "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
              "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007", "TemplateParam": '{"customer":"test"}',
              "Timestamp": "2017-07-12T02:42:19Z", "Version": "2017-05-25"}
    assert signature(params, "testSecret", method="GET") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


async def test_shipped_order_texts_the_customer_with_the_carriers_contact(aliyun, settings, ledger):
    pm = build("sms", settings)
    await run_hook(pm, "hub_order_shipped", make_ctx("notify.sms", ledger), ledger, **SHIPPED)
    [sms] = aliyun.sent
    assert (sms["PhoneNumbers"], sms["SignName"], sms["TemplateCode"]) == (PHONE, "华美家具", "SMS_100001")
    assert json.loads(sms["TemplateParam"]) == {"order_ref": "SO-1001", "carrier": "顺丰",
                                                "tracking_number": "SF1234567", "carrier_contact": "张师傅 021-5555"}
    assert len(sms["OutId"]) == 32


async def test_a_redelivered_event_sends_no_second_sms(aliyun, settings, ledger):
    pm = build("sms", settings)
    for _ in range(2):
        await run_hook(pm, "hub_order_shipped", make_ctx("notify.sms", ledger), ledger, **SHIPPED)
    assert len(aliyun.sent) == 1


async def test_english_customer_gets_the_english_vendor_template(aliyun, settings):
    pm = build("sms", settings)
    await run_hook(pm, "hub_order_shipped", make_ctx("notify.sms"), **{**SHIPPED, "order": order("en")})
    assert aliyun.sent[0]["TemplateCode"] == "SMS_100002"


@pytest.mark.parametrize(("reply", "error", "reason"), [
    ((200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控Permits:1"}), TransientError,
     "BUSINESS_LIMIT_CONTROL"),
    ((400, {"Code": "Throttling.User", "Message": "Request was denied due to user flow control."}),
     TransientError, "Throttling.User"),
    ((503, {"Code": "ServiceUnavailable", "Message": "The request has failed due to a temporary failure"}),
     TransientError, "ServiceUnavailable"),
    ((200, {"Code": "isv.BLACK_KEY_CONTROL_LIMIT", "Message": "黑名单管控"}), PermanentError, "BLACK_KEY"),
    ((200, {"Code": "isv.AMOUNT_NOT_ENOUGH", "Message": "账户余额不足"}), PluginConfigurationError, "AMOUNT"),
])
async def test_vendor_error_codes_map_to_retry_dead_letter_or_configuration(aliyun, settings, reply, error, reason):
    aliyun.reply = reply
    pm = build("sms", settings)
    with pytest.raises(error, match=reason):
        await run_hook(pm, "hub_order_shipped", make_ctx("notify.sms"), **SHIPPED)


async def test_an_invalid_number_dead_letters_with_the_vendors_reason(aliyun, settings):
    pm = build("sms", settings)
    bad = order("zh-CN", customer=SHIPPED["order"].customer.model_copy(update={"phone": "12345"}))
    with pytest.raises(PermanentError, match="isv.MOBILE_NUMBER_ILLEGAL: invalid mobile number") as raised:
        await run_hook(pm, "hub_order_shipped", make_ctx("notify.sms"), **{**SHIPPED, "order": bad})
    assert not isinstance(raised.value, PluginConfigurationError) and aliyun.sent == []


@pytest.mark.parametrize(("change", "code"), [
    ({"access_key_secret": "not-the-secret"}, "SignatureDoesNotMatch"),
    ({"access_key_id": "LTAI-gone"}, "InvalidAccessKeyId.NotFound"),
])
async def test_bad_credentials_are_a_configuration_error(aliyun, settings, change, code):
    pm = build("sms", {**settings, **change})
    with pytest.raises(PluginConfigurationError, match=code):
        await run_hook(pm, "hub_order_shipped", make_ctx("notify.sms"), **SHIPPED)
    assert aliyun.sent == []


async def test_quiet_hours_hold_the_customer_but_not_the_supervisor(aliyun, settings, ledger):
    # given 22:30 in Shanghai
    late = datetime(2025, 3, 4, 14, 30, tzinfo=UTC)
    pm = build("sms", settings)
    event = dict(claim=claim("zh-CN"), transition=transition("claim", "CL-7", "opened"))
    # when
    with pytest.raises(Deferred) as held:
        await run_hook(pm, "hub_claim_opened", make_ctx("notify.sms", ledger, now=late), ledger, **event)
    # then the supervisor has it now, the customer at 08:00 local
    assert [s["PhoneNumbers"] for s in aliyun.sent] == [SUPERVISOR]
    assert held.value.until == datetime(2025, 3, 5, 0, 0, tzinfo=UTC)
    # when the core delivers it again in the morning: only the customer's SMS goes
    await run_hook(pm, "hub_claim_opened", make_ctx("notify.sms", ledger, now=held.value.until), ledger, **event)
    assert [s["PhoneNumbers"] for s in aliyun.sent] == [SUPERVISOR, PHONE]
    assert json.loads(aliyun.sent[1]["TemplateParam"])["documents_due_at"] == "2025-03-07 10:00 (Asia/Shanghai)"


async def test_escalations_are_never_held_by_quiet_hours(aliyun, settings):
    pm = build("sms", settings)
    midnight = datetime(2025, 3, 4, 16, 0, tzinfo=UTC)
    await run_hook(pm, "hub_sla_breached", make_ctx("notify.sms", now=midnight), timer=claim_documents_breach())
    assert [s["TemplateCode"] for s in aliyun.sent] == ["SMS_100009"]


def test_a_route_without_a_vendor_template_stops_start_up(settings):
    with pytest.raises(ConfigError, match="no vendor template for routed"):
        build("sms", {**settings, "routes": {"claim_paid": ["customer"]}})




async def test_no_phone_number_reaches_a_log_line(aliyun, settings, ledger):
    # given a sent, a held, a deduplicated and a failed SMS, with their log lines captured
    pm = build("sms", settings)
    late = datetime(2025, 3, 4, 14, 30, tzinfo=UTC)
    claim_event = dict(claim=claim("zh-CN"), transition=transition("claim", "CL-7", "opened"))
    with structlog.testing.capture_logs() as logs:
        await run_hook(pm, "hub_order_shipped", make_ctx("notify.sms", ledger), ledger, **SHIPPED)
        await run_hook(pm, "hub_order_shipped", make_ctx("notify.sms", ledger), ledger, **SHIPPED)
        with pytest.raises(Deferred):
            await run_hook(pm, "hub_claim_opened", make_ctx("notify.sms", ledger, now=late), ledger, **claim_event)
        aliyun.reply = (200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": f"{PHONE} is not valid"})
        with pytest.raises(PermanentError) as failed:
            await run_hook(pm, "hub_claim_opened", make_ctx("notify.sms", ledger), ledger, **claim_event)
    # then every step logged, none with the number, and the vendor's echo of it is redacted
    events = [entry["event"] for entry in logs]
    assert {"notify.sent", "notify.already_sent", "notify.held"} <= set(events)
    printed = repr(logs) + str(failed.value)
    assert PHONE not in printed and SUPERVISOR not in printed and "李雷" not in printed


async def test_the_plugins_timeout_holds_on_the_hubs_shared_session(aliyun, settings):
    # given a gateway that answers after 5 s, a 0.3 s timeout_s, and the hub's shared session (no timeout)
    aliyun.delay_s = 5
    pm = build("sms", {**settings, "timeout_s": 0.3})
    async with aiohttp.ClientSession() as shared:
        ctx = make_ctx("notify.sms")
        ctx.http = shared
        started = time.monotonic()
        # when / then: the send fails as transient at the plugin's limit, not the gateway's
        with pytest.raises(TransientError, match="aliyun sms: TimeoutError"):
            await run_hook(pm, "hub_order_shipped", ctx, **SHIPPED)
    assert time.monotonic() - started < 2


async def test_a_routed_late_confirmation_texts_the_customer_and_the_review_does_not_reply(aliyun, settings):
    # given the order desk's texts routed: the confirmation notice and the daily reminder
    from test_notify_order_letters import overdue_timer, reviewed

    templates = {**settings["templates"],
                 "order_reviewed": {"codes": {"zh-CN": "SMS_100011"}, "params": ["order_ref"]},
                 "order_confirmation_overdue": {"codes": {"zh-CN": "SMS_100012"}, "params": ["order_ref", "due_at"]}}
    routes = {"order_reviewed": ["customer"], "order_confirmation_overdue": ["customer"]}
    pm = build("sms", {**settings, "templates": templates, "routes": routes})
    review = make_ctx("notify.sms", key="reviewed")
    await run_hook(pm, "hub_order_reviewed", review, **reviewed("zh-CN"))
    await run_hook(pm, "hub_order_confirmation_overdue", make_ctx("notify.sms", key="overdue"),
                   order=reviewed("zh-CN")["order"], timer=overdue_timer(7))
    assert [(s["TemplateCode"], json.loads(s["TemplateParam"])) for s in aliyun.sent] == [
        ("SMS_100011", {"order_ref": "SO-1001"}),
        ("SMS_100012", {"order_ref": "SO-1001", "due_at": "2025-03-04 18:00 (Asia/Shanghai)"})]
    # a text cannot carry the confirmation: only the channel that sent the document replies
    assert review.followups == []
