"""The integration hub: order → shipment → claim back office with durable plugin handoffs.

This module is the face plugins import, and the only one: hook markers, errors, the settings
base, the snapshots hooks receive, the context of a delivery, the tracking types and the
lifecycle states. ``tests/core/test_plugin_face.py`` keeps plugins from reaching into ``hub.core``.
"""
from hub.core.config import PluginSettings, TimeZoneName
from hub.core.errors import (Deferred, PermanentError, PluginConfigurationError, PluginError, TransientError,
                             WebhookRejected)
from hub.core.hookspecs import hookimpl
from hub.core.lifecycle import ClaimState, CustomerStanding, OrderState, ReturnState, ShipmentState
from hub.core.models import (CaseSnapshot, ClaimSnapshot, CustomerSnapshot, HookContext, OrderContact, OrderLine,
                             OrderSnapshot, ReturnSnapshot, ShipmentSnapshot, TimerSnapshot, TrackingEvent,
                             TrackingUpdate, Transition, WebhookReceipt)
from hub.core.plugins import PluginSpec

__all__ = ["CaseSnapshot", "ClaimSnapshot", "ClaimState", "CustomerSnapshot", "CustomerStanding", "Deferred",
           "HookContext", "OrderContact", "OrderLine", "OrderSnapshot", "OrderState", "PermanentError",
           "PluginConfigurationError", "PluginError", "PluginSettings", "PluginSpec", "ReturnSnapshot",
           "ReturnState", "ShipmentSnapshot", "ShipmentState", "TimeZoneName", "TimerSnapshot", "TrackingEvent", "TrackingUpdate",
           "TransientError", "Transition", "WebhookReceipt", "WebhookRejected", "hookimpl"]
