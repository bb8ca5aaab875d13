"""Settings of the notify sandbox."""
from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field

from hub import PluginSettings, TimeZoneName


class NotifySandboxSettings(PluginSettings):
    folder: Path | None = Field(None, description="Where messages are written; default <data_dir>/notify-outbox.")
    send_confirmations: bool = Field(False, description=(
        "Reply confirmation_sent once a reviewed order's confirmation letter is written, as the e-mail channel "
        "does when it mailed it. Off by default: the letter is written, and a person reports it sent (the "
        "demo does), so the order keeps the time between review and confirmation in which a grade-A order "
        "may still take its scarce stock."))
    timezone: TimeZoneName = Field("Asia/Shanghai", description="Local time for dates in the recorded documents.")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
