"""Odoo failures → the hub's error classes, branched on the exception name (``error.data.name``).

JSON-RPC answers HTTP 200 with ``{"error": {"code", "message", "data": {name, message, …}}}``;
JSON-2 answers a real HTTP status with ``{name, message, arguments, context, debug}``.
"""
from __future__ import annotations

from typing import Any

from hub import PermanentError, PluginConfigurationError, PluginError, TransientError
from plugins.erp.common.http import HttpReply

RELOGIN = frozenset({"odoo.exceptions.AccessDenied", "odoo.http.SessionExpiredException"})
CONFIGURATION = frozenset({"odoo.exceptions.AccessDenied", "odoo.exceptions.AccessError",
                           "odoo.http.SessionExpiredException", "werkzeug.exceptions.Unauthorized",
                           "werkzeug.exceptions.Forbidden"})
TRANSIENT = frozenset({"psycopg2.errors.SerializationFailure", "psycopg2.errors.DeadlockDetected",
                       "psycopg2.errors.LockNotAvailable", "psycopg2.extensions.TransactionRollbackError",
                       "psycopg2.OperationalError", "odoo.exceptions.ConcurrencyError",
                       "werkzeug.exceptions.ServiceUnavailable", "werkzeug.exceptions.TooManyRequests"})
PERMANENT = frozenset({"odoo.exceptions.UserError", "odoo.exceptions.ValidationError",
                       "odoo.exceptions.MissingError", "odoo.exceptions.RedirectWarning",
                       "werkzeug.exceptions.NotFound", "werkzeug.exceptions.UnprocessableEntity",
                       "werkzeug.exceptions.BadRequest"})


class Relogin(Exception):
    """JSON-RPC refused the cached uid: authenticate again once, then replay."""


def classify(name: str, message: str, operation: str, status: int | None = None) -> PluginError:
    """The hub error for one Odoo exception name; HTTP status decides for names we do not know."""
    text = f"odoo {operation}: {name or 'error'}: {message}"
    if name in CONFIGURATION:
        return PluginConfigurationError(text)
    if name in TRANSIENT:
        return TransientError(text)
    if name in PERMANENT:
        return PermanentError(text)
    if name:
        # An unknown exception raised by server code: retrying runs the same code, so
        # dead-letter it with Odoo's message (both protocols alike, whatever the status).
        return PermanentError(text)
    if status is not None and (status in (408, 409, 429) or status >= 500):
        return TransientError(text)  # a proxy or the server itself is overloaded or down
    if status in (401, 403):
        return PluginConfigurationError(text)
    return PermanentError(text)


def check_jsonrpc(reply: HttpReply, operation: str) -> Any:
    """The ``result`` of a JSON-RPC reply; errors classified, a refused uid as Relogin."""
    payload = _transport(reply, operation)
    if not isinstance(payload, dict) or ("result" not in payload and "error" not in payload):
        raise PermanentError(f"odoo {operation}: not a JSON-RPC reply: {str(payload)[:200]}")
    if "error" not in payload:
        return payload["result"]
    error = payload["error"] or {}
    data = error.get("data") or {}
    name, message = str(data.get("name", "")), str(data.get("message") or error.get("message", ""))
    if name in RELOGIN:
        raise Relogin(f"odoo {operation}: {name}: {message}")
    raise classify(name, message, operation)


def check_json2(reply: HttpReply, operation: str) -> Any:
    """The bare result of a JSON-2 reply; errors classified by name, then HTTP status."""
    if reply.status == 200:
        return reply.json()
    body = reply.json()
    if isinstance(body, dict):
        name, message = str(body.get("name", "")), str(body.get("message", ""))
    else:  # a proxy's HTML page, or a bare JSON string (werkzeug's 422 for a bad parameter)
        name, message = "", str(body) if body is not None else reply.body[:200].decode("utf-8", "replace")
    raise _http_error(reply, name, message, operation)


def _http_error(reply: HttpReply, name: str, message: str, operation: str) -> PluginError:
    """The error of a non-200 reply; a transient one keeps the server's Retry-After (429, 503)."""
    error = classify(name, message, f"{operation} (HTTP {reply.status})", reply.status)
    if isinstance(error, TransientError):
        error.retry_after_s = reply.retry_after_s()
    return error


def _transport(reply: HttpReply, operation: str) -> Any:
    if reply.status != 200:
        raise _http_error(reply, "", reply.body[:200].decode("utf-8", "replace"), operation)
    payload = reply.json()
    if payload is None:
        raise TransientError(f"odoo {operation}: HTTP 200 without a JSON body")
    return payload
