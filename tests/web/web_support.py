"""Helpers of the HTTP surface tests: the test configuration, signers and authorised calls."""
from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson

from hub.core.config import HubConfig
from hub.web.signatures import sign
from plugins.carrier.kuaidi100.signing import push_sign

ADMIN_TOKEN = "test-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
ORDERS_SECRET = "whsec_" + base64.b64encode(b"orders-secret-for-tests-0123456789").decode()
ORDERS_OLD_SECRET = "whsec_" + base64.b64encode(b"orders-secret-being-rotated-out-01").decode()
SANDBOX_TOKEN = "sandbox-push-token-for-tests"
KUAIDI100_SALT = "kuaidi100-salt-for-tests"
KUAIDI100 = "plugins.carrier.kuaidi100:SPEC"
PLUGINS = {
    "enabled": ["erp.sandbox", "carrier.sandbox", "notify.sandbox", KUAIDI100],
    KUAIDI100: {"key": "k100-key", "salt": KUAIDI100_SALT, "callback_url": "http://127.0.0.1:9/webhooks/k100"},
    "erp.sandbox": {"stock": {"SOFA-3": "5"}, "prices": {"SOFA-3": "4200"}},
    "carrier.sandbox": {"token": SANDBOX_TOKEN},
}


def make_config(data_dir: Path, **webhooks: Any) -> HubConfig:
    return HubConfig(data_dir=data_dir, plugins=PLUGINS,
                     webhooks={"orders_secrets": [ORDERS_SECRET, ORDERS_OLD_SECRET], **webhooks})


def new_order(ref: str = "SO-WEB-1", **extra: Any) -> dict[str, Any]:
    return {"ref": ref, "customer": {"code": "C-WEB", "name": "Web Customer", "grade": "B"},
            "lines": [{"product_code": "SOFA-3", "spec": "3-seat, grey", "qty": 2, "unit_price": "4200"}],
            "contact": {"name": "Li Lei", "phone": "+86 138 0000 0001", "address": "1 Harbour Rd"}, **extra}


def order_message(ref: str = "SO-SHOP-1") -> bytes:
    return orjson.dumps({"type": "order.created", "data": new_order(ref)})


def signed(body: bytes, *, now: float, msg_id: str = "msg_1", secret: str = ORDERS_SECRET,
           offset_s: int = 0) -> dict[str, str]:
    """Standard Webhooks headers as the shop sends them."""
    timestamp = int(now) + offset_s
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, msg_id, timestamp, body), "content-type": "application/json"}


def sandbox_push(number: str = "SBX-1", event_id: str | None = "evt-1") -> bytes:
    push: dict[str, Any] = {"tracking_number": number, "events": [
        {"occurred_at": "2026-03-02T10:00:00+00:00", "state": "in_transit", "description": "Picked up"}]}
    if event_id:
        push["event_id"] = event_id
    return orjson.dumps(push)


def sandbox_headers(token: str = SANDBOX_TOKEN) -> dict[str, str]:
    return {"x-sandbox-token": token, "content-type": "application/json"}


def wall_clock() -> float:
    return time.time()


def kuaidi100_push(number: str = "SF100", salt: str = KUAIDI100_SALT) -> bytes:
    """A Kuaidi100 push form: ``param`` JSON and ``sign = upper(md5(param + salt))``."""
    param = orjson.dumps({"status": "polling", "message": "", "lastResult": {
        "nu": number, "com": "shunfeng", "state": "0", "data": [
            {"time": "2026-03-02 10:00:00", "ftime": "2026-03-02 10:00:00", "context": "已揽收", "status": "揽收"}]}}
    ).decode()
    return urlencode({"param": param, "sign": push_sign(param, salt)}).encode()


FORM = {"content-type": "application/x-www-form-urlencoded"}


async def hub_with_plugin(aiohttp_client: Any, config: HubConfig, clock: Any, plugin: object,
                          name: str) -> tuple[Any, Any]:
    """A client and its Hub with one extra in-test plugin registered beside the configured ones;
    the caller closes the Hub (it owns a Hub it passed in)."""
    from hub.app import create_app
    from hub.core.plugins import build_plugin_manager
    from hub.core.service import Hub

    pm = build_plugin_manager(config)
    pm.register(plugin, name=name)
    hub = Hub(config, pm, clock=clock)
    return await aiohttp_client(create_app(config, hub=hub, run_background=False)), hub
