"""Kuaidi100 reply codes → the hub's errors. Kuaidi100 answers HTTP 200 and puts the outcome in
``returnCode``; the codes and their meaning are from its API documents (carriers.md §2.1)."""
from __future__ import annotations

from hub import PermanentError, PluginConfigurationError, TransientError

SUBSCRIBED = frozenset({"200"})
ALREADY_SUBSCRIBED = "501"  # 重复订阅: still monitored, nothing to do

# poll (subscribe) return codes
SUBSCRIBE_CODES: dict[str, type[Exception]] = {
    "600": PluginConfigurationError,  # invalid key
    "601": PluginConfigurationError,  # key expired / no quota left
    "700": PermanentError,  # bad data or callback url (also: SF without phone)
    "701": PermanentError,  # the carrier refused the subscription
    "702": PermanentError,  # carrier code not recognised
    "500": TransientError,  # server error
}
# query.do (real-time query) return codes
NOT_FOUND = "500"  # 查询无结果: nothing yet, not an error
QUERY_CODES: dict[str, type[Exception]] = {
    "400": PermanentError,  # incomplete data, unknown carrier, or not authorised
    "408": PermanentError,  # phone check failed (SF needs the consignee's phone)
    "501": TransientError,  # server error
    "502": TransientError,  # server busy
    "503": PluginConfigurationError,  # signature check failed: key or customer is wrong
    "601": PluginConfigurationError,  # key expired / no quota left
}


def error_for(operation: str, code: str, message: str, table: dict[str, type[Exception]]) -> Exception:
    """The hub error for a Kuaidi100 ``returnCode``; unknown codes are permanent, with the message."""
    kind = table.get(code, PermanentError)
    text = f"Kuaidi100 {operation} failed: returnCode {code} {message}".strip()
    if kind is PluginConfigurationError:
        text += "; check plugins carrier.kuaidi100 key and customer"
    return kind(text)


def http_error(operation: str, status: int, retry_after_s: float | None = None) -> Exception:
    if status == 429 or status >= 500:
        return TransientError(f"Kuaidi100 {operation} answered HTTP {status}", retry_after_s=retry_after_s)
    return PermanentError(f"Kuaidi100 {operation} answered HTTP {status}")
