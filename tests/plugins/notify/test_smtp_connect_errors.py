"""A relay that cannot be reached is a transient failure that names the relay, so ops know where to look."""
from __future__ import annotations

import socket
from email.message import EmailMessage

import pytest

from hub import TransientError
from plugins.notify.smtp.client import send_mail
from plugins.notify.smtp.settings import SmtpSettings


def closed_port() -> int:
    with socket.socket() as probe:  # bound then closed: nothing listens there
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_an_unreachable_relay_is_retried_and_named():
    port = closed_port()
    settings = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="Service <service@example.com>",
                            timeout_s=2)
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = "t", "service@example.com", "li@example.com"
    mail.set_content("x")
    with pytest.raises(TransientError, match=rf"SMTPConnectError with 127\.0\.0\.1:{port}"):
        await send_mail(settings, mail, "li@example.com")
