"""The hooks of ``shop.youzan``: the push's signature, age and message id checked, the push mapped,
and the answer Youzan counts as received.

Two signatures, both MD5 hex with the app's client_id and client_secret:
``Event-Sign`` header = md5(client_id + raw body + client_secret) (github.com/cuncle/youzanyun-push-demo
pushdemo.go, after doc.youzanyun.com/resource/develop-guide/41355/41536), checked when the header is
there; else the body's ``sign`` = md5(client_id + msg + client_secret), ``msg`` as sent, still
URL-encoded (github.com/Hanson/youzan-sdk src/Push.php; TsangJx/YouZanYunSDK's field text, which
prefers Event-Sign). The answer is ``{"code":0,"msg":"success"}`` (Hanson/youzan-sdk src/Push.php;
the Go demo answers a "success" msg): without it Youzan pushes again. The body's sign covers msg and
nothing else, so a push without Event-Sign is refused unless ``body_sign`` is set, and then read from
msg alone (plugins/shop/youzan/mapping.py ``parse``). A test push (``test`` true) is
answered so too, before any signature check, as those SDKs do.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo
from typing import Any

from pydantic import Field, SecretStr

from hub import OrderMessage, WebhookReceipt, WebhookRejected, hookimpl
from plugins.shop.common import ShopSettings, json_object, text
from plugins.shop.youzan.mapping import SOURCE, decode_msg, is_test, parse

OK = b'{"code":0,"msg":"success"}'  # Youzan re-pushes unless the answer says success
TEST_EVENT = "youzan:test"
BEIJING = ZoneInfo("Asia/Shanghai")  # Youzan's times are Beijing time  # every test push is one event: stored once, whoever sends it


class YouzanSettings(ShopSettings):
    secret: SecretStr = Field(description=(
        "The app's client_secret (有赞云 console → the app → credentials): every push is signed with it; "
        "use { env = ... }."))
    client_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9]+$",
                           description="The app's client_id: part of every push's signature.")
    create_unpaid: bool = Field(False, description=(
        "A trade still waiting for the buyer's payment (trade_TradeCreate) is an order at once; false: "
        "it becomes one when paid (trade_TradePaid, trade_TradeBuyerPay)."))
    body_sign: bool = Field(False, description=(
        "Also take pushes signed only in the body (the classic sign = md5(client_id + msg + client_secret)). "
        "That signature covers msg alone, so the hub then reads the message's kind, id and age from msg, "
        "never from the unsigned envelope. false: a push without the Event-Sign header is refused (401), "
        "so nobody can strip it off a genuine push and re-label the rest."))
    max_age_hours: float = Field(192.0, gt=0, description=(
        "A push whose version (the time Youzan wrote it) is older is refused as stale: Youzan re-pushes "
        "a failed push for hours and its console can push it again for 7 days."))


def md5_hex(*parts: str | bytes) -> str:
    data = b"".join(p if isinstance(p, bytes) else p.encode("utf-8") for p in parts)
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def sign_valid(expected: str, presented: Any) -> bool:
    """Constant-time and case-insensitive (Youzan sends lower-case hex; its case is not promised)."""
    if not isinstance(presented, str) or not presented.strip():
        return False
    return hmac.compare_digest(expected.encode(), presented.strip().lower().encode("ascii", "replace"))


def version_time(version: Any) -> datetime | None:
    """``version`` as a time: Unix seconds on trade messages, milliseconds on some others; a small
    number is a counter, no time."""
    if isinstance(version, bool) or not isinstance(version, int | str) or not str(version).isdigit():
        return None
    number = int(version)
    if not 1_000_000_000 <= number < 100_000_000_000_000:  # 2001 onwards, in seconds or milliseconds
        return None
    return datetime.fromtimestamp(number / 1000 if number >= 100_000_000_000 else number, UTC)


def msg_time(payload: dict[str, Any]) -> datetime | None:
    """A classic push's own time: its msg's update_time (Beijing time), when it has a readable one."""
    try:
        stamp = decode_msg(payload).get("update_time")
        return datetime.strptime(str(stamp), "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING) if stamp else None
    except ValueError:
        return None


def event_id(payload: dict[str, Any]) -> str | None:
    """The message id, the same on every re-push; else what names the message (never sendCount)."""
    if msg_id := text(payload.get("msg_id"), 128):
        return f"youzan:{msg_id}"
    parts = [str(payload[k]) for k in ("kdt_id", "type", "id", "status", "version") if payload.get(k) is not None]
    return f"youzan:{':'.join(parts)}" if payload.get("id") is not None else None


class YouzanPlugin:
    def __init__(self, settings: YouzanSettings) -> None:
        self.settings = settings

    def _check_signature(self, headers: dict[str, str], body: bytes, payload: dict[str, Any]) -> None:
        client_id, secret = self.settings.client_id, self.settings.secret.get_secret_value()
        if "event-sign" in headers:
            if not sign_valid(md5_hex(client_id, body, secret), headers["event-sign"]):
                raise WebhookRejected(401, "the Event-Sign signature does not match the body")
            return
        if not self.settings.body_sign:
            raise WebhookRejected(401, "no Event-Sign header (pushes signed in the body only are taken with "
                                       "body_sign = true)")
        msg = payload.get("msg")
        if not isinstance(msg, str) or not sign_valid(md5_hex(client_id, msg, secret), payload.get("sign")):
            raise WebhookRejected(401, "no Event-Sign header and the body's sign does not match its msg")

    @hookimpl
    def hub_webhook_verify(self, source: str, headers: dict[str, str], body: bytes) -> WebhookReceipt | None:
        if source != SOURCE:
            return None
        try:
            payload = json_object(body, "a Youzan push")
        except ValueError as exc:
            raise WebhookRejected(400, str(exc)[:200]) from None
        if is_test(payload):  # the console's check of the URL, signed or not: answered, never applied
            return WebhookReceipt(event_id=TEST_EVENT, reply_body=OK)
        self._check_signature(headers, body, payload)
        if "event-sign" not in headers:
            # Only msg is signed: the message is msg itself, stored once whatever envelope it comes in;
            # its age is its own update_time (the envelope's version is not signed).
            at = msg_time(payload)
            ident = f"youzan:msg:{md5_hex(str(payload['msg']))}"
        else:
            at, ident = version_time(payload.get("version")), event_id(payload)
        if at is not None and datetime.now(UTC) - at > timedelta(hours=self.settings.max_age_hours):
            raise WebhookRejected(401, "the push is stale (older than max_age_hours)")
        return WebhookReceipt(event_id=ident, reply_body=OK)

    @hookimpl
    def hub_webhook_parse(self, source: str, headers: dict[str, str], body: bytes) -> list[OrderMessage] | None:
        if source != SOURCE:
            return None
        payload = json_object(body, "a Youzan push")
        # the body's type decides, under Event-Sign; the Event-Type header is outside every signature
        return parse(payload, self.settings, unpaid=self.settings.create_unpaid,
                     body_signed="event-sign" not in headers)
