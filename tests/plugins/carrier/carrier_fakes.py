"""Local stand-ins for DHL and Kuaidi100 that check requests like the vendors do and answer in
their documented shapes, including their error replies."""
from __future__ import annotations

import asyncio
import hashlib
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> web.Response:
    body = {"title": title, "status": status, "detail": detail, "instance": "/track/shipments"}
    return web.Response(status=status, text=json.dumps(body), content_type=PROBLEM, headers=headers)


@dataclass
class Scripted:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


class FakeDhl:
    """DHL Unified tracking and push subscription, keyed on ``DHL-API-Key``."""

    def __init__(self, api_key: str = "dhl-test-key") -> None:
        self.api_key = api_key
        self.shipments: dict[str, dict[str, Any]] = {}  # tracking number → track response body
        self.script: deque[Scripted] = deque()  # answers given before the normal ones
        self.calls: list[dict[str, Any]] = []
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.activations: list[tuple[str, str]] = []
        self.return_secret = True

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/track/shipments", self.track)
        app.router.add_post("/tracking/push/v1/subscription", self.subscribe)
        app.router.add_post("/tracking/push/v1/subscription/{id}", self.activate)
        return app

    def _unauthorised(self, request: web.Request) -> web.Response | None:
        if request.headers.get("DHL-API-Key") != self.api_key:
            return problem(401, "Unauthorized", "Invalid API key")
        return None

    async def track(self, request: web.Request) -> web.StreamResponse:
        self.calls.append({"path": request.path, "query": dict(request.query),
                           "key": request.headers.get("DHL-API-Key")})
        if denied := self._unauthorised(request):
            return denied
        if self.script:
            step = self.script.popleft()
            await asyncio.sleep(step.delay_s)
            if step.status == 200:
                return web.json_response(step.body)
            return problem(step.status, step.body or "Error", "scripted", step.headers)
        number = request.query.get("trackingNumber")
        if not number:
            return problem(400, "Bad Request", "trackingNumber is required")
        body = self.shipments.get(number)
        service = request.query.get("service")
        if body is None or any(s.get("service") != service for s in body["shipments"]):
            return problem(404, "No result found", "No shipment with given tracking number found.")
        return web.json_response(body)

    async def subscribe(self, request: web.Request) -> web.StreamResponse:
        if denied := self._unauthorised(request):
            return denied
        body = await request.json()
        hook = body.get("hook") or {}
        ids = body.get("shipmentIDs") or []
        if not hook.get("uri") or body.get("type") != "Shipment" or not body.get("service") or not ids \
                or len(ids) > 10 or not body.get("events"):
            return problem(400, "Bad Request", "hook.uri, type, service, events and 1-10 shipmentIDs are required")
        sub_id = f"sub-{len(self.subscriptions) + 1}"
        self.subscriptions[sub_id] = body
        reply: dict[str, Any] = {"id": sub_id, "self": f"https://api-eu.dhl.com/tracking/push/v1/subscription/{sub_id}"}
        if self.return_secret:
            reply["secret"] = f"secret-{sub_id}"
        return web.json_response(reply, status=201)

    async def activate(self, request: web.Request) -> web.StreamResponse:
        if denied := self._unauthorised(request):
            return denied
        sub_id = request.match_info["id"]
        secret = request.headers.get("DHL-API-Hook-Secret", "")
        if sub_id not in self.subscriptions or secret != f"secret-{sub_id}":
            return problem(403, "Forbidden", "Unknown subscription or wrong hook secret")
        self.activations.append((sub_id, secret))
        return web.Response(status=204)


def md5_upper(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest().upper()


class FakeKuaidi100:
    """Kuaidi100 ``/poll`` (subscribe) and ``/poll/query.do`` (real-time query): HTTP 200 with
    ``returnCode`` in the body, as the real service answers."""

    def __init__(self, key: str = "k100-test-key", customer: str = "CUSTOMER-1") -> None:
        self.key, self.customer = key, customer
        self.companies = {"shunfeng", "yuantong", "zhongtong", "ems", "yunda"}
        self.subscriptions: list[dict[str, Any]] = []
        self.polling: set[tuple[str, str]] = set()  # (company, number) still monitored
        self.queries: list[dict[str, Any]] = []
        self.results: dict[str, dict[str, Any]] = {}  # number → query answer
        self.forced: deque[Any] = deque()  # returnCode strings, or Scripted for HTTP-level answers

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/poll", self.subscribe)
        app.router.add_post("/poll/query.do", self.query)
        return app

    @staticmethod
    def reply(code: str, message: str) -> web.Response:
        return web.json_response({"result": code == "200", "returnCode": code, "message": message})

    async def _forced(self) -> web.StreamResponse | None:
        if not self.forced:
            return None
        step = self.forced.popleft()
        if isinstance(step, Scripted):
            await asyncio.sleep(step.delay_s)
            return web.Response(status=step.status, text=str(step.body or ""))
        return self.reply(step, "forced")

    async def subscribe(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        if forced := await self._forced():
            return forced
        if form.get("schema") != "json":
            return self.reply("700", "schema must be json")
        param = json.loads(str(form.get("param")))
        self.subscriptions.append(param)
        parameters = param.get("parameters") or {}
        if param.get("key") != self.key:
            return self.reply("600", "您不是合法的订阅者（即授权Key出错）")
        if param.get("company") not in self.companies:
            return self.reply("702", "POLL:识别不到该单号对应的快递公司")
        if not param.get("number") or not parameters.get("callbackurl"):
            return self.reply("700", "订阅方的订阅数据存在错误（如不支持的快递公司、单号为空等）或错误的回调地址")
        if param["company"] == "shunfeng" and not parameters.get("phone"):
            return self.reply("700", "顺丰单号必须提供收、寄件人的电话号码")
        key = (param["company"], param["number"])
        if key in self.polling:
            return self.reply("501", "重复订阅")
        self.polling.add(key)
        return self.reply("200", "提交成功")

    async def query(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        if forced := await self._forced():
            return forced
        param = str(form.get("param"))
        self.queries.append({"customer": form.get("customer"), "param": json.loads(param)})
        if form.get("customer") != self.customer or form.get("sign") != md5_upper(param + self.key + self.customer):
            return self.reply("503", "验证签名失败")
        number = json.loads(param).get("num")
        answer = self.results.get(number)
        if answer is None:
            return self.reply("500", "查询无结果，请隔段时间再查")
        return web.json_response(answer)
