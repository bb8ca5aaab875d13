"""The integration hub: order → shipment → claim back office with durable plugin handoffs."""
from hub.core.config import PluginSettings
from hub.core.errors import PermanentError, PluginConfigurationError, TransientError, WebhookRejected
from hub.core.hookspecs import hookimpl
from hub.core.plugins import PluginSpec

__all__ = ["PermanentError", "PluginConfigurationError", "PluginSettings", "PluginSpec",
           "TransientError", "WebhookRejected", "hookimpl"]
