"""Standard Webhooks signature check (HMAC-SHA256 ``v1``) for the core's own ``orders`` source.

Written here rather than taken from the ``standardwebhooks`` package: that library raises
ValueError/UnicodeDecodeError on junk headers, and every junk input must end as a 401.
``tests/web/test_web_signature_vectors.py`` holds it to the specification's test vector and to
that library, both ways.
"""
from __future__ import annotations

import base64
import binascii
import hmac
import re

from hub.core.errors import ConfigError, WebhookRejected

SECRET_PREFIX = "whsec_"
# Unix seconds; twelve digits reach far beyond any sane clock, and bound the int() below.
TIMESTAMP = re.compile(r"^[0-9]{1,12}$")


def decode_secret(secret: str) -> bytes:
    """``whsec_<base64>`` (or bare base64) → key bytes; a bad secret stops start-up."""
    raw = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConfigError("webhooks.orders_secrets: a secret is not whsec_<base64>") from exc
    if not key:
        raise ConfigError("webhooks.orders_secrets: a secret is empty")
    return key


class StandardWebhookVerifier:
    """Accepts a request when any ``v1`` signature matches any configured secret (rotation)."""

    def __init__(self, secrets: list[str], tolerance_s: int) -> None:
        self.keys = [decode_secret(s) for s in secrets]
        self.tolerance_s = tolerance_s

    def verify(self, headers: dict[str, str], body: bytes, now: float) -> str:
        """Returns the ``webhook-id``; raises ``WebhookRejected(401)`` for anything else."""
        msg_id = headers.get("webhook-id", "")
        timestamp = headers.get("webhook-timestamp", "")
        signatures = headers.get("webhook-signature", "")
        if not (msg_id and timestamp and signatures):
            raise WebhookRejected(401, "webhook-id, webhook-timestamp and webhook-signature are required")
        if not TIMESTAMP.match(timestamp):
            raise WebhookRejected(401, "webhook-timestamp is not Unix seconds")
        if abs(now - int(timestamp)) > self.tolerance_s:
            # Both directions: a future timestamp would extend the replay window.
            raise WebhookRejected(401, "webhook-timestamp is outside the tolerance")
        signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
        expected = [hmac.digest(key, signed, "sha256") for key in self.keys]
        for candidate in _v1_signatures(signatures):
            if any(hmac.compare_digest(candidate, digest) for digest in expected):
                return msg_id
        raise WebhookRejected(401, "no valid v1 signature")


def _v1_signatures(header: str) -> list[bytes]:
    """The decodable ``v1,<base64>`` entries of a space-separated list; junk entries are skipped."""
    found = []
    for entry in header.split(" ")[:16]:
        version, sep, value = entry.partition(",")
        if version != "v1" or not sep or "," in value:
            continue
        try:
            found.append(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            continue
    return found


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64>`` for one secret: what a sender puts in ``webhook-signature``."""
    signed = msg_id.encode() + b"." + str(timestamp).encode() + b"." + body
    digest = hmac.digest(decode_secret(secret), signed, "sha256")
    return "v1," + base64.b64encode(digest).decode()
