"""The integration hub: order → shipment → claim back office with durable plugin handoffs.

This module is the face plugins import, and the only one: hook markers, errors, the settings
base, the snapshots hooks receive, the context of a delivery, the tracking types and the
lifecycle states, the plugin state in the database (``ctx.state``), and the documents the hub renders
(``DOCUMENT_KINDS``; ``ctx.documents`` renders them; ``to_ship`` and ``quantity_text``, as they
count and write a line), the one reading of an
HTTP ``Retry-After`` (``retry_after_seconds``, for ``TransientError(retry_after_s=...)``).
``tests/core/test_plugin_face.py`` keeps plugins from reaching into ``hub.core``.
"""
from hub.core.config import PluginSettings, TimeZoneName
from hub.core.errors import (Deferred, PermanentError, PluginConfigurationError, PluginError, TransientError,
                             WebhookRejected)
from hub.core.hookspecs import hookimpl
from hub.core.lifecycle import ClaimState, CustomerStanding, OrderState, ReturnState, ShipmentState, StoreState
from hub.core.inbound_models import OrderMessage, TrackingEvent, TrackingUpdate, WebhookReceipt
from hub.core.models import (CaseSnapshot, ClaimSnapshot, CustomerSnapshot, HookContext, OrderContact, OrderLine,
                             OrderSnapshot, ReturnSnapshot, ShipmentSnapshot, TimerSnapshot, Transition)
from hub.core.models import StoreBackOrder, StoreLine, StoreSnapshot
from hub.core.lifecycle import ComplaintState
from hub.core.models import ComplaintResponsibility, ComplaintSnapshot
from hub.core.lifecycle import RepairBatchState
from hub.core.models import RepairBatchLine, RepairBatchSnapshot
from hub.core.documents import KINDS as DOCUMENT_KINDS, DocumentsUnavailable
from hub.core.documents.context import qty as quantity_text, to_ship
from hub.core.plugins import PluginSpec
from hub.core.plugin_state import MemoryState, PluginState, StateEntry
from hub.core.logging import LogOnce
from hub.core.tracking import number_key
from hub.core.retry_after import retry_after_seconds
from hub.core.reports import (BackOrder, ClaimFigures, LateConfirmation, NewStore, OrdersFinished, OrdersReceived,
                              Report)

__all__ = ["DOCUMENT_KINDS", "DocumentsUnavailable", "quantity_text", "to_ship", "BackOrder", "CaseSnapshot", "ClaimFigures", "ClaimSnapshot", "ClaimState", "ComplaintResponsibility",
           "ComplaintSnapshot", "ComplaintState", "CustomerSnapshot",
           "CustomerStanding", "Deferred", "HookContext", "LateConfirmation", "LogOnce", "MemoryState", "NewStore", "OrderContact",
           "OrderLine", "OrderMessage",
           "OrderSnapshot", "OrderState", "OrdersFinished", "OrdersReceived", "PermanentError",
           "PluginConfigurationError", "PluginError", "PluginSettings", "PluginSpec", "PluginState", "RepairBatchLine",
           "RepairBatchSnapshot", "RepairBatchState", "Report", "ReturnSnapshot",
           "ReturnState", "ShipmentSnapshot", "ShipmentState", "StoreBackOrder", "StoreLine", "StoreSnapshot",
           "StateEntry", "StoreState", "TimeZoneName", "TimerSnapshot", "TrackingEvent", "TrackingUpdate",
           "TransientError", "Transition", "WebhookReceipt", "WebhookRejected", "hookimpl", "number_key",
           "retry_after_seconds"]
