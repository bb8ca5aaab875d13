"""The periodic reports (000) by e-mail: to the recipients the hub's ``[reports]`` names, each a role
of ``roles`` or an address itself, in the internal language, with the sections as tables."""
from __future__ import annotations

from hub import HookContext, PermanentError, Report
from plugins.notify.common import Recipient, deliver
from plugins.notify.common.report import MILESTONE, report_notice

from .client import send_mail
from .notifier import CHANNEL, Mailer


async def send_report(mailer: Mailer, report: Report, ctx: HookContext) -> None:
    language = mailer.store.resolve_language(mailer.settings.internal_language)
    notice = report_notice(report, mailer.settings.zone, language)

    async def send(recipient: Recipient) -> None:
        await send_mail(mailer.settings, await mailer.compose(notice, recipient, ctx), recipient.address)

    # deliver() keys the ledger on (report, recipient): a retried handoff mails nobody twice.
    await deliver(ctx, CHANNEL, notice, report_recipients(mailer, report, language, ctx), send)


def report_recipients(mailer: Mailer, report: Report, language: str, ctx: HookContext) -> list[Recipient]:
    out = []
    for name in report.recipients:
        addresses = (name,) if "@" in name else mailer.settings.roles.get(name, ())
        if not addresses:
            ctx.log.info("notify.no_address", channel=CHANNEL, milestone=MILESTONE, entity="report",
                         ref=report.ref, target=name)
        out += [Recipient(name, address, language) for address in addresses]
    if not out:
        # Planning must get it (000): a dead letter ops retry once the roles are configured, rather
        # than a report that silently went nowhere.
        raise PermanentError(f"smtp: no address for the {report.kind} report's recipients "
                             f"{', '.join(report.recipients) or '(none)'}: add them to roles")
    return out
