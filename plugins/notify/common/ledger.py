"""At most one message per (entity, milestone, channel, recipient), however often an event comes.

Keys go through ``ctx.seen`` / ``ctx.remember``: the core persists them when the delivery
completes. Recipients appear in keys and logs only as a fingerprint (a short salted-free hash):
enough to tell two recipients apart, useless to recover a phone number or an address.
"""
from __future__ import annotations

import hashlib
import re

from hub import HookContext

from .notice import Notice


def fingerprint(address: str) -> str:
    """A short stable hash of a phone number, e-mail address or webhook name, for keys and logs."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:16]


def ledger_key(channel: str, notice: Notice, address: str) -> str:
    occasion = f":{notice.occasion}" if notice.occasion else ""
    return f"notify:{channel}:{notice.entity}:{notice.ref}{occasion}:{notice.milestone}:{fingerprint(address)}"


async def already_sent(ctx: HookContext, key: str) -> bool:
    # ``remembered`` covers a recipient listed twice in one delivery; ``seen`` earlier deliveries.
    return key in ctx.remembered or await ctx.seen(key)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d -]{6,}\d")


def redact(text: str) -> str:
    """Vendor messages sometimes echo the recipient; strip addresses and numbers before logging."""
    return _PHONE.sub("***", _EMAIL.sub("***", text))
