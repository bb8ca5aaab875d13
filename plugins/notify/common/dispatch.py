"""The shared send loop: route a notice, skip what was already sent, hold what must wait."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from hub import Deferred, HookContext

from .ledger import already_sent, fingerprint, ledger_key
from .milestones import CUSTOMER_TARGET
from .notice import Notice
from .settings import NotifySettings
from .templates import TemplateStore


@dataclass(frozen=True)
class Recipient:
    """Who gets one message: the target it was routed as, the address, and the audience."""

    target: str  # "customer", a role or a robot name
    address: str  # e-mail, phone or robot name: never logged, only fingerprinted
    language: str

    @property
    def audience(self) -> str:
        return "customer" if self.target == CUSTOMER_TARGET else "internal"


Send = Callable[[Recipient], Awaitable[None]]
HoldUntil = Callable[[Recipient], datetime | None]


async def deliver(ctx: HookContext, channel: str, notice: Notice, recipients: list[Recipient],
                  send: Send, hold_until: HoldUntil | None = None) -> int:
    """Send to each recipient at most once; internal ones first, so a held customer never delays them.

    Raises ``Deferred`` after the others went out when a recipient must wait (quiet hours).
    Returns the number of messages sent.
    """
    sent, held = 0, []
    for recipient in sorted(recipients, key=lambda r: r.audience == "customer"):
        key = ledger_key(channel, notice, recipient.address)
        log = ctx.log.bind(channel=channel, milestone=notice.milestone, entity=notice.entity, ref=notice.ref,
                           target=recipient.target, recipient=fingerprint(recipient.address))
        if await already_sent(ctx, key):
            log.info("notify.already_sent")
            continue
        if hold_until and (until := hold_until(recipient)):
            log.info("notify.held", until=until.isoformat())
            held.append(until)
            continue
        await send(recipient)
        ctx.remember(key)
        sent += 1
        log.info("notify.sent", language=recipient.language)
    if held:
        raise Deferred(until=min(held), reason="quiet hours")
    return sent


def recipients(ctx: HookContext, channel: str, settings: NotifySettings, notice: Notice, store: TemplateStore,
               customer_address: str | None, roles: Mapping[str, tuple[str, ...]]) -> list[Recipient]:
    """Who the routes name for this notice: the customer (in their language) and each role's addresses.

    A customer without an address on this channel, or a role without one, is logged (without
    personal data) and skipped.
    """
    internal = store.resolve_language(settings.internal_language)
    out = []
    for target in settings.targets_for(notice.route_keys):
        if target != CUSTOMER_TARGET:
            out += [Recipient(target, address, internal) for address in roles.get(target, ())]
            if not roles.get(target):  # a default route to a role this configuration has no one for
                ctx.log.info("notify.no_address", channel=channel, milestone=notice.milestone,
                             entity=notice.entity, ref=notice.ref, target=target)
        elif customer_address and notice.customer is not None:
            out.append(Recipient(target, customer_address, store.resolve_language(notice.customer.language)))
        else:
            ctx.log.info("notify.no_address", channel=channel, milestone=notice.milestone, entity=notice.entity,
                         ref=notice.ref, target=target)
    return out
