"""The Kuaidi100 push callback: a form with ``param`` and ``sign``, checked before anything is
stored, answered in Kuaidi100's own JSON. Pure."""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from hub import WebhookReceipt, WebhookRejected
from plugins.carrier.kuaidi100.signing import push_sign_valid

# Anything else makes Kuaidi100 retry three times, 30-35 minutes apart (carriers.md §2.5).
REPLY = json.dumps({"result": True, "returnCode": "200", "message": "成功"}, ensure_ascii=False).encode()


def read_form(headers: Mapping[str, str], body: bytes) -> tuple[str, str]:
    """``param`` exactly as sent (it is what was signed) and ``sign``."""
    content_type = headers.get("content-type", "application/x-www-form-urlencoded")
    if "application/x-www-form-urlencoded" not in content_type.lower():
        raise WebhookRejected(400, "expected an application/x-www-form-urlencoded form")
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body), errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookRejected(400, "body is not a UTF-8 form") from exc
    params, signs = form.get("param", []), form.get("sign", [])
    if len(params) != 1 or not params[0]:
        raise WebhookRejected(400, "the form needs exactly one param field")
    if len(signs) != 1 or not signs[0]:
        raise WebhookRejected(401, "the push carries no sign")
    return params[0], signs[0]


def read_param(param: str) -> dict[str, Any]:
    try:
        data = json.loads(param)
    except ValueError as exc:
        raise WebhookRejected(400, "param is not JSON") from exc
    result = data.get("lastResult") if isinstance(data, dict) else None
    if not isinstance(result, dict) or not str(result.get("nu") or "").strip():
        raise WebhookRejected(400, "param.lastResult.nu (the tracking number) is missing")
    if not isinstance(result.get("data", []), list):
        raise WebhookRejected(400, "param.lastResult.data must be a list")
    return data


def verify(headers: Mapping[str, str], body: bytes, salt: str) -> WebhookReceipt:
    param, sign = read_form(headers, body)
    if not push_sign_valid(param, sign, salt):
        raise WebhookRejected(401, "sign does not match param and salt")
    nu = str(read_param(param)["lastResult"]["nu"]).strip()
    # A resend of the same param carries the same sign: together they identify the push.
    return WebhookReceipt(event_id=f"{nu}:{sign.strip().upper()}", reply_status=200, reply_body=REPLY,
                          reply_content_type="application/json;charset=UTF-8")


def param_of(headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """The parsed ``param`` of a stored, already verified push."""
    return read_param(read_form(headers, body)[0])
