"""``carrier.dhl``: DHL Shipment Tracking - Unified (polling and push)."""
from hub import PluginSpec
from plugins.carrier.dhl.plugin import NAME, DhlPlugin
from plugins.carrier.dhl.settings import DhlSettings

SPEC = PluginSpec(name=NAME, kind="carrier", settings=DhlSettings, factory=DhlPlugin,
                  description="DHL Shipment Tracking - Unified: polls within DHL's budget, push subscription and "
                              "webhook, anomalies read from the event text.")
