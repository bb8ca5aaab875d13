"""The hub's error hierarchy: small on purpose, each class says who handles it."""
from __future__ import annotations


class HubError(Exception):
    """Base of every error the hub raises on purpose."""


class ConfigError(HubError):
    """Bad configuration or plugin settings. Start-up stops and prints the message."""


class IllegalTransition(HubError):
    """A lifecycle event that the entity's current state does not allow.

    Raised by the pure lifecycle tables; the API answers 409 and the CLI exits non-zero.
    """

    def __init__(self, entity: str, ref: str, state: str, event: str, reason: str = "",
                 allowed: tuple[str, ...] = ()) -> None:
        self.entity, self.ref, self.state, self.event, self.reason = entity, ref, state, event, reason
        self.allowed = tuple(allowed)
        msg = f"{entity} {ref} in state {state!r} does not accept event {event!r}"
        if reason:
            msg = f"{msg}: {reason}"
        elif self.allowed:
            msg = f"{msg}; it accepts: {', '.join(self.allowed)}"
        else:
            msg = f"{msg}; it accepts no event (final state)"
        super().__init__(msg)


class NotFound(HubError):
    """The entity named by a reference does not exist. The API answers 404."""


class Conflict(HubError):
    """The request names something that exists already (a user name, an order's ref). The API answers 409."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Unauthenticated(HubError):
    """No valid credentials: unknown, expired or revoked token, disabled user. The API answers 401."""


class Forbidden(HubError):
    """The user is known but none of their roles may do this. The API answers 403 naming the roles."""

    def __init__(self, message: str, roles: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.roles = roles


class InvalidInput(HubError):
    """Input that fails domain validation (a field, a policy). The API answers 422."""

    def __init__(self, message: str, field: str | None = None,
                 errors: list[dict[str, object]] | None = None) -> None:
        self.field = field
        # Every problem found at once: [{"field": ..., "message": ..., "allowed": [...]}].
        self.errors = errors or [{"field": field, "message": message}]
        super().__init__(message)


class PluginError(HubError):
    """Base for failures raised by plugins during a handoff; the dispatcher records them."""


class TransientError(PluginError):
    """A fault worth retrying (timeout, 5xx, 429, a lock). Retried briefly, then with backoff.

    ``retry_after_s``: the server said when to come back (``Retry-After``, read with
    ``hub.retry_after_seconds``); no attempt comes sooner. A short wait is spent in the call, a
    longer one in the persisted backoff.
    """

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)


class CallTimedOut(TransientError):
    """The dispatcher cut a plugin call at its timeout. Retried with backoff, never in the call:
    a system that did not answer in time rarely answers a moment later."""


class PermanentError(PluginError):
    """A fault retrying cannot fix (validation 4xx, unknown record). Dead-lettered at once."""


class PluginConfigurationError(PermanentError):
    """The external system rejects the plugin's credentials or set-up: ops must act.

    Dead-lettered at once and logged loudly; retrying would only lock the account.
    """


class WebhookRejected(HubError):
    """A plugin refused an inbound request. The webhook handler answers ``status`` with the reason."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason
        super().__init__(reason)


class Deferred(PluginError):
    """Not now, by policy (SMS quiet hours): rescheduled for ``until`` without counting a failure."""

    def __init__(self, until: object, reason: str = "deferred") -> None:
        self.until = until
        super().__init__(reason)
