"""Route and post one milestone's internal notice to its robot channels (never held: escalations)."""
from __future__ import annotations

from typing import Any

from hub import HookContext, Transition
from plugins.notify.common import Recipient, TemplateStore, build_notice, deliver

from .client import send_to_robot
from .settings import ChatSettings

CHANNEL = "chat"


class Poster:
    def __init__(self, settings: ChatSettings) -> None:
        self.settings = settings
        self.store = TemplateStore(settings.templates_dir)

    async def notify(self, milestone: str, subject: Any, transition: Transition | None, ctx: HookContext,
                     **related: Any) -> None:
        notice = build_notice(milestone, subject, transition, self.settings.zone, related)
        language = self.store.resolve_language(self.settings.internal_language)
        # A robot is its own address: the ledger and the logs see its name, never its key.
        targets = [Recipient(name, name, language) for name in self.settings.targets_for(notice.route_keys)]

        async def send(recipient: Recipient) -> None:
            rendered = self.store.render_message("internal", notice, recipient.language)
            await send_to_robot(self.settings.robots[recipient.target], rendered, ctx, self.settings.timeout_s)

        await deliver(ctx, CHANNEL, notice, targets, send)
