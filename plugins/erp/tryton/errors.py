"""Tryton failures mapped to the hub's errors at the adapter's edge.

Two families reach us (see reference/erp.md §5): JSON-RPC errors with HTTP 200 and a body
``{"error": [name, payload]}``, and transport errors (plain HTTP status, refused or timed-out
connections). Every one of them leaves this module as a hub error.
"""
from __future__ import annotations

from typing import Any

from hub import PermanentError, PluginConfigurationError, TransientError, retry_after_seconds

# trytond's RPC names for faults that a later attempt can clear.
_RETRYABLE_RPC = {"ConcurrencyException", "DatabaseOperationalError", "TimeoutException"}


class RecordsVanished(TransientError):
    """Records deleted between a search and its read (another worker removed duplicates)."""


class TrytonWarning(PermanentError):
    """Tryton asks the user to confirm a warning; the caller may acknowledge ``key`` and retry."""

    def __init__(self, message: str, key: str) -> None:
        self.key = key
        super().__init__(message)


def _text(payload: Any) -> str:
    if isinstance(payload, list | tuple):
        return " ".join(str(part) for part in payload if part).strip()
    return str(payload)


def from_rpc_error(method: str, name: str, payload: Any) -> Exception:
    """The hub error for a JSON-RPC ``error`` member."""
    if name == "UserError":
        # AccessError, RequiredValidationError, SQL constraints... all arrive as UserError:
        # the message is Tryton's own and is what ops must read.
        message = payload[:2] if isinstance(payload, list) else payload  # drop the domain
        if "that don't exist" in _text(message):
            # Records deleted between a search and a read: another worker holding the same
            # handoff removed its duplicates. Read again and the state is consistent.
            return RecordsVanished(f"Tryton records vanished during {method}: {_text(message)}")
        return PermanentError(f"Tryton refused {method}: {_text(message)}")
    if name == "UserWarning" and isinstance(payload, list) and payload:
        return TrytonWarning(f"Tryton warns on {method}: {_text(payload[1:])}", key=str(payload[0]))
    if name == "LoginException":
        return PluginConfigurationError(f"Tryton login needs more than a password: {_text(payload)}")
    if name in _RETRYABLE_RPC:
        return TransientError(f"Tryton {name} on {method}: {_text(payload)}")
    # [str(exc), traceback]: a server-side bug or a field/model this Tryton does not have.
    return PermanentError(f"Tryton failed on {method} ({name}): {_text(payload)}")


def from_http_status(method: str, status: int, *, login: bool,
                     retry_after: str | None = None) -> Exception:
    """The hub error for a non-200 answer; ``login`` says whether we were authenticating."""
    if login and status in (401, 403):
        return PluginConfigurationError(
            f"Tryton rejected the configured credentials (HTTP {status}); fix username/password")
    if status == 429:
        # Tryton answers 429 after repeated failed logins: retrying would only extend the lock.
        return PluginConfigurationError(
            "Tryton is rate-limiting logins (HTTP 429) after failed attempts; fix the credentials "
            "and wait for the lock to expire")
    if status == 404:
        return PluginConfigurationError(f"Tryton has no such database (HTTP 404 on {method})")
    if status in (408, 502, 503, 504) or status >= 500:
        return TransientError(f"Tryton unavailable on {method} (HTTP {status})",
                              retry_after_s=retry_after_seconds(retry_after))
    return PermanentError(f"Tryton answered HTTP {status} to {method}")


def from_transport(method: str, exc: BaseException) -> TransientError:
    """Refused connections, resets and timeouts: the server is down or slow, try later."""
    return TransientError(f"Tryton unreachable on {method}: {type(exc).__name__}: {exc}".rstrip(": "))
