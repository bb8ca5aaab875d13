"""Robot requests (pure): WeCom and DingTalk markdown messages, DingTalk's signed URL."""
from __future__ import annotations

import base64
import hashlib
import hmac

from plugins.notify.common import Rendered

# WeCom caps markdown content at 4096 bytes; DingTalk accepts about 20000 bytes.
WECOM_LIMIT = 4096
DINGTALK_LIMIT = 20000


def markdown(rendered: Rendered) -> str:
    return f"### {rendered.subject}\n\n{rendered.text.strip()}"


def wecom_request(base_url: str, key: str, rendered: Rendered) -> tuple[str, dict[str, str], dict]:
    url = f"{base_url.rstrip('/')}/cgi-bin/webhook/send"
    body = {"msgtype": "markdown", "markdown": {"content": _cut(markdown(rendered), WECOM_LIMIT)}}
    return url, {"key": key}, body


def dingtalk_sign(timestamp_ms: int, secret: str) -> str:
    """DingTalk 加签: base64(HmacSHA256(secret, "{timestamp}\\n{secret}")), url-encoded in the query."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def dingtalk_request(base_url: str, access_token: str, secret: str, timestamp_ms: int,
                     rendered: Rendered) -> tuple[str, dict[str, str], dict]:
    url = f"{base_url.rstrip('/')}/robot/send"
    # aiohttp percent-encodes the query: '+', '/' and '=' of the base64 sign arrive intact.
    params = {"access_token": access_token, "timestamp": str(timestamp_ms),
              "sign": dingtalk_sign(timestamp_ms, secret)}
    body = {"msgtype": "markdown",
            "markdown": {"title": rendered.subject, "text": _cut(markdown(rendered), DINGTALK_LIMIT)}}
    return url, params, body


def _cut(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[: limit - 3].decode("utf-8", "ignore") + "..."
