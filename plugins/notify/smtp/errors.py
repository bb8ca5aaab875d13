"""SMTP replies → hub errors: 4xx and lost connections retry, 5xx dead-letter, refused logins stop."""
from __future__ import annotations

import aiosmtplib

from hub import PermanentError, PluginConfigurationError, PluginError, TransientError
from plugins.notify.common import redact


def classify(exc: aiosmtplib.SMTPException, relay: str = "the relay") -> PluginError:
    """The hub error for an aiosmtplib failure; the server's text is redacted (it may echo addresses).
    A connection failure names the relay (``host:port``): the first thing ops check."""
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return PluginConfigurationError(f"smtp: login refused ({exc.code})")
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = {r.code for r in exc.recipients}
        if all(400 <= code < 500 for code in codes):
            return TransientError(f"smtp: recipient deferred ({', '.join(map(str, sorted(codes)))})")
        return PermanentError(f"smtp: recipient refused ({', '.join(map(str, sorted(codes)))})")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        text = f"smtp: {exc.code} {redact(exc.message)}"
        return TransientError(text) if 400 <= exc.code < 500 else PermanentError(text)
    if isinstance(exc, (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPServerDisconnected,
                        aiosmtplib.SMTPTimeoutError)):
        return TransientError(f"smtp: {type(exc).__name__} with {relay}")
    # STARTTLS unsupported, no common AUTH mechanism: the relay and the settings disagree.
    return PluginConfigurationError(f"smtp: {type(exc).__name__}: {redact(str(exc))}")
