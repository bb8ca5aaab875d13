"""All SMTP I/O: one connection per message through aiosmtplib (STARTTLS, implicit TLS or plain)."""
from __future__ import annotations

import ssl
from email.message import EmailMessage

import aiosmtplib

from .errors import classify
from .settings import SmtpSettings


async def send_mail(settings: SmtpSettings, mail: EmailMessage, recipient: str) -> None:
    """Hand ``mail`` to the relay for ``recipient``; raises a hub error on failure."""
    tls = settings.security != "none"
    try:
        await aiosmtplib.send(
            mail, sender=_envelope_sender(settings.sender), recipients=[recipient],
            hostname=settings.host, port=settings.port, timeout=settings.timeout_s,
            use_tls=settings.security == "tls", start_tls=settings.security == "starttls",
            tls_context=ssl.create_default_context(cafile=settings.ca_file) if tls else None,
            username=settings.username,
            password=settings.password.get_secret_value() if settings.password else None)
    except aiosmtplib.SMTPException as exc:
        raise classify(exc, f"{settings.host}:{settings.port}") from None  # the cause's text can name the recipient


def _envelope_sender(sender: str) -> str:
    return sender.rsplit("<", 1)[-1].rstrip("> ") if "<" in sender else sender
