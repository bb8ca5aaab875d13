"""Route, render and send one milestone's e-mails; the hook methods delegate here."""
from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from hub import HookContext, Transition
from plugins.notify.common import (Document, Notice, Recipient, TemplateStore, build_notice, deliver, fingerprint,
                                   for_audience, render_document)
from plugins.notify.common.documents import applies
from plugins.notify.common.dispatch import recipients

from .client import send_mail
from .mail import build_mail, message_id
from .settings import SmtpSettings

CHANNEL = "email"


class Mailer:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.store = TemplateStore(settings.templates_dir)

    async def notify(self, milestone: str, subject: Any, transition: Transition | None, ctx: HookContext,
                     **related: Any) -> list[Recipient]:
        """Send the milestone's e-mails; returns who has it now (sent in this delivery or an earlier one)."""
        notice = build_notice(milestone, subject, transition, self.settings.zone, related)
        address = notice.customer.email if notice.customer else None
        targets = recipients(ctx, CHANNEL, self.settings, notice, self.store, address, self.settings.roles)

        papers: dict[tuple[str, str], Document] = {}  # each PDF laid out once per delivery, not per recipient

        async def send(recipient: Recipient) -> None:
            await send_mail(self.settings, await self.compose(notice, recipient, ctx, papers), recipient.address)

        await deliver(ctx, CHANNEL, notice, targets, send)
        return targets

    def documents_for(self, notice: Notice) -> tuple[str, ...]:
        """The documents configured for the notice's most specific route key."""
        found = next((self.settings.attachments[k] for k in notice.route_keys if k in self.settings.attachments), ())
        return (found,) if isinstance(found, str) else tuple(found)

    async def compose(self, notice: Notice, recipient: Recipient, ctx: HookContext,
                      papers: dict[tuple[str, str], Document] | None = None) -> EmailMessage:
        rendered = self.store.render_message(recipient.audience, notice, recipient.language)
        # A document goes to whom it is for: the customer signs the confirmation or the delivery note,
        # the warehouse ships from the outbound note, customer and planning share the back-order list.
        papers = {} if papers is None else papers
        attachments = []
        for document in self.documents_for(notice):
            if for_audience(document, recipient.audience) and applies(document, notice):
                key = (document, rendered.language)
                if key not in papers:
                    papers[key] = await render_document(ctx, document, notice, rendered.language)
                attachments.append(papers[key])
        return build_mail(rendered, sender=self.settings.sender, to=recipient.address,
                          msg_id=message_id(ctx.idempotency_key, fingerprint(recipient.address),
                                            self.settings.id_domain),
                          date=ctx.now, reply_to=self.settings.reply_to, attachments=tuple(attachments))
