"""Fixtures of the notify plugin tests (helpers that tests import live in ``notify_helpers``): the
ledger, and a real SMTP relay (aiosmtpd, STARTTLS required, AUTH) for the e-mail tests."""
from __future__ import annotations

import asyncio
import email
import email.policy
import ssl
import subprocess
from dataclasses import dataclass, field

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from notify_helpers import Ledger


@pytest.fixture
def ledger() -> Ledger:
    return Ledger()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return folder / "cert.pem", folder / "key.pem"


@dataclass
class Relay:
    """A mail relay: STARTTLS required, login hub/secret, replies scripted per recipient."""

    port: int = 0
    received: list[tuple[list[str], email.message.EmailMessage]] = field(default_factory=list)
    rcpt_reply: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"hub", b"secret")
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


@pytest.fixture
async def relay(certificate):
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(*map(str, certificate))
    handler = Relay()
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(handler, hostname="localhost", tls_context=tls, require_starttls=True,
                     authenticator=authenticate, auth_required=True), "127.0.0.1", 0)
    handler.port = server.sockets[0].getsockname()[1]
    yield handler
    server.close()
    await server.wait_closed()
