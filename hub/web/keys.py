"""Every ``web.AppKey`` of the hub's application, in one place."""
from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from hub.core.config import HubConfig
from hub.core.plugin_host import PluginHost
from hub.core.service import Hub
from hub.web.auth import AdminToken
from hub.web.ingest import IngestWriter
from hub.web.metrics import Metrics
from hub.web.sources import WebhookSource


@dataclass
class Readiness:
    """What ``/readyz`` reports besides the database: plugins started, and which failed to."""

    plugins_started: bool = False
    plugin_failures: dict[str, str] = field(default_factory=dict)


CONFIG = web.AppKey("config", HubConfig)
HUB = web.AppKey("hub", Hub)
PLUGIN_HOST = web.AppKey("plugin_host", PluginHost)  # its .http is the shared client session
INGEST = web.AppKey("ingest", IngestWriter)
METRICS = web.AppKey("metrics", Metrics)
TOKEN = web.AppKey("admin_token", AdminToken)
SOURCES = web.AppKey("webhook_sources", dict[str, WebhookSource])
READINESS = web.AppKey("readiness", Readiness)
OPENAPI = web.AppKey("openapi", bytes)
OWNS_HUB = web.AppKey("owns_hub", bool)  # False when the caller passed its own Hub (and closes it)
