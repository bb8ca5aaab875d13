"""Route and send one milestone's SMS; customers' messages wait out the quiet hours."""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from hub import HookContext, Transition
from plugins.notify.common import Notice, Recipient, TemplateStore, build_notice, deliver, fingerprint
from plugins.notify.common.dispatch import recipients

from .client import send_sms
from .settings import SmsSettings

CHANNEL = "sms"


class Texter:
    def __init__(self, settings: SmsSettings) -> None:
        self.settings = settings
        self.store = TemplateStore(settings.templates_dir)  # only to resolve languages

    async def notify(self, milestone: str, subject: Any, transition: Transition | None, ctx: HookContext,
                     **related: Any) -> None:
        notice = build_notice(milestone, subject, transition, self.settings.zone, related)
        phone = notice.customer.phone if notice.customer else None
        targets = recipients(ctx, CHANNEL, self.settings, notice, self.store, phone, self.settings.roles)

        async def send(recipient: Recipient) -> None:
            code, param = self.template(notice, recipient.language)
            biz_id = await send_sms(self.settings, ctx, phone=recipient.address, template_code=code,
                                    template_param=param, out_id=_out_id(ctx, recipient))
            ctx.log.debug("notify.sms_accepted", biz_id=biz_id)

        await deliver(ctx, CHANNEL, notice, targets, send, lambda r: self.hold_until(r, ctx.now))

    def template(self, notice: Notice, language: str) -> tuple[str, dict[str, str]]:
        template = self.settings.template_for(notice.route_keys)
        code = template.codes.get(language) or template.codes.get("en") or next(iter(template.codes.values()))
        return code, {name: notice.variables.get(name, "-") for name in template.params}

    def hold_until(self, recipient: Recipient, now: datetime) -> datetime | None:
        # Quiet hours protect customers' nights; internal escalations must never wait for them.
        if recipient.audience != "customer" or self.settings.quiet_hours is None:
            return None
        return self.settings.quiet_hours.ends_at(now, self.settings.zone)


def _out_id(ctx: HookContext, recipient: Recipient) -> str:
    return hashlib.sha256(f"{ctx.idempotency_key}|{fingerprint(recipient.address)}".encode()).hexdigest()[:32]
