"""Notify sandbox: messages written to a local folder (the default config)."""
from hub import PluginSpec

from .plugin import NotifySandbox
from .settings import NotifySandboxSettings

SPEC = PluginSpec(name="notify.sandbox", kind="notify", settings=NotifySandboxSettings, factory=NotifySandbox,
                  description="Customer milestones and escalations written to a local outbox folder.")
