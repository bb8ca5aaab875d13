"""K3 Cloud replies → the hub's error classes.

Business failures come back with HTTP 200 and ``Result.ResponseStatus.IsSuccess`` false (a
string "false" in some versions); a lost session is MsgCode 1 or its message; the public-cloud
gateway answers 519 with an ``errcode``.
"""
from __future__ import annotations

from typing import Any

from hub import PermanentError, PluginConfigurationError, TransientError
from plugins.erp.common.http import HttpReply
from plugins.erp.kingdee import units


class SessionLost(Exception):
    """The server lost the login context: the client logs in again once and replays."""


def check_http(reply: HttpReply, operation: str) -> Any:
    """The JSON body of a 200 reply; other statuses and non-JSON bodies raise."""
    status = reply.status
    if status == 200:
        payload = reply.json()
        if payload is None:
            raise TransientError(f"kingdee {operation}: HTTP 200 without a JSON body")
        return payload
    detail = reply.body[:200].decode("utf-8", "replace")
    if status in (401, 403):
        raise PluginConfigurationError(f"kingdee {operation}: HTTP {status} (credentials refused): {detail}")
    if status == 429 or status >= 500:  # 519 is the public-cloud gateway's failure
        raise TransientError(f"kingdee {operation}: HTTP {status}: {detail}", retry_after_s=reply.retry_after_s())
    raise PermanentError(f"kingdee {operation}: HTTP {status}: {detail}")


def _is_success(status: dict[str, Any]) -> bool:
    value = status.get("IsSuccess")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _messages(status: dict[str, Any]) -> str:
    messages = [str(e.get("Message", "")) for e in status.get("Errors") or [] if isinstance(e, dict)]
    return "; ".join(m for m in messages if m) or "no message"


def _contains(text: str, fragments: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(f.lower() in lowered for f in fragments)


def check_status(status: dict[str, Any], operation: str) -> None:
    """Raise for a failed ``ResponseStatus``; SessionLost when a re-login can fix it."""
    if _is_success(status):
        return
    text = _messages(status)
    try:
        code = units.MsgCode(int(status.get("MsgCode") or 0))
    except ValueError:
        code = units.MsgCode.DEFAULT
    where = f"kingdee {operation} (MsgCode {int(code)})"
    if code == units.MsgCode.CONTEXT_LOST or _contains(text, units.SESSION_LOST_TEXT):
        raise SessionLost(f"{where}: {text}")
    if code in units.CONFIGURATION_CODES or _contains(text, units.SIGNATURE_REFUSED_TEXT):
        raise PluginConfigurationError(f"{where}: {text}")
    if code in units.TRANSIENT_CODES or _contains(text, units.BUSY_TEXT):
        raise TransientError(f"{where}: {text}")
    raise PermanentError(f"{where}: {text}")


def check_result(payload: Any, operation: str) -> dict[str, Any]:
    """The ``Result`` of a Save/Submit/Audit/Push reply, after checking its status."""
    result = payload.get("Result") if isinstance(payload, dict) else None
    if not isinstance(result, dict) or not isinstance(result.get("ResponseStatus"), dict):
        raise PermanentError(f"kingdee {operation}: unexpected reply shape: {str(payload)[:200]}")
    check_status(result["ResponseStatus"], operation)
    return result


def check_rows(payload: Any, operation: str) -> list[list[Any]]:
    """ExecuteBillQuery rows; its failures come as ``[[{"Result": {...}}]]``."""
    if not isinstance(payload, list):
        raise PermanentError(f"kingdee {operation}: expected rows, got {str(payload)[:200]}")
    if payload and isinstance(payload[0], list) and payload[0] and isinstance(payload[0][0], dict):
        check_result(payload[0][0], operation)
        raise PermanentError(f"kingdee {operation}: query failed without a message")
    return payload


def check_login(payload: Any) -> None:
    """A ValidateUser reply that did not log in means the credentials are wrong: ops must act."""
    if not isinstance(payload, dict):
        raise TransientError(f"kingdee login: unexpected reply {str(payload)[:200]}")
    if payload.get("LoginResultType") != units.LOGIN_OK:
        message = payload.get("Message") or "no message"
        raise PluginConfigurationError(
            f"kingdee login refused (LoginResultType {payload.get('LoginResultType')}): {message}")
