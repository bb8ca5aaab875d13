"""Internal escalations to WeCom and DingTalk group robots."""
from hub import PluginSpec

from .plugin import ChatNotifier
from .settings import ChatSettings

SPEC = PluginSpec(name="notify.chat", kind="notify", settings=ChatSettings, factory=ChatNotifier,
                  description="WeCom / DingTalk group robots for escalations (SLA breaches) and case steps.")
