"""Settings of the notify sandbox."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field

from hub import PluginSettings


class NotifySandboxSettings(PluginSettings):
    folder: Path | None = Field(None, description="Where messages are written; default <data_dir>/notify-outbox.")
