"""Helpers of the carrier plugin tests: recorded fixtures, plugin managers built like the hub builds
them, hook contexts with a ledger that persists what a completed delivery remembered."""
from __future__ import annotations

import json
from decimal import Decimal
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pluggy
import structlog
from pydantic import Field

from hub import PluginSettings, PluginSpec, hookimpl
from hub.core.config import HubConfig
from core_payloads import arguments, changed
from hub.core.models import HookContext, ShipmentSnapshot
from hub.core.plugins import build_plugin_manager

FIXTURES = Path(__file__).parent / "fixtures"
DHL = "plugins.carrier.dhl:SPEC"
KUAIDI100 = "plugins.carrier.kuaidi100:SPEC"
SALT = "hubTestSalt-7f3a9c"  # the fixtures' salt (fixtures/README.md)
FORM = {"content-type": "application/x-www-form-urlencoded;charset=UTF-8"}
NOW = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def form_body(form: dict[str, str]) -> bytes:
    return urlencode(form).encode()


def build(enabled: str, settings: dict[str, Any]) -> pluggy.PluginManager:
    return build_many({enabled: settings})


def build_many(plugins: dict[str, dict[str, Any]]) -> pluggy.PluginManager:
    """The hub's own plugin manager for plugins enabled by ``module:SPEC`` or entry-point name."""
    return build_plugin_manager(HubConfig(plugins={"enabled": list(plugins), **plugins}))


class Ledger:
    """The core's at-most-once ledger: keys remembered by deliveries that completed."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    async def __call__(self, key: str) -> bool:
        return key in self.keys

    def complete(self, ctx: HookContext) -> None:
        self.keys.update(ctx.remembered)


def make_ctx(http: aiohttp.ClientSession | None = None, *, now: datetime = NOW, ledger: Ledger | None = None,
             plugin: str = "carrier.dhl") -> HookContext:
    return HookContext(idempotency_key="delivery-1", attempt=1, delivery_id=1, event_id="event-1", plugin=plugin,
                       log=structlog.get_logger(), now=now, http=http, ledger=ledger)


def shipment(carrier: str, number: str, *, phone: str | None = "13800138000",
             weight: str | None = "2.00") -> ShipmentSnapshot:
    """The shipment the core sends with ``hub_shipment_booked``, with this test's carrier and number."""
    core = arguments("hub_shipment_booked")["shipment"]
    return changed(core, ref="SH-1", order_ref="SO-2026-000123", carrier=carrier, tracking_number=number,
                   waybill_weight_kg=None if weight is None else Decimal(weight),
                   customer={"code": "C-1", "name": "张三", "grade": "B", "phone": phone, "email": "zhang@example.com"})


def plugin_of(pm: pluggy.PluginManager) -> Any:
    return next(plugin for _, plugin in pm.list_name_plugin() if plugin is not None)


async def call_all(caller: Any, **kwargs: Any) -> list[Any]:
    """Await every plugin's coroutine of a non-firstresult async hook, as the core does."""
    return [await result for result in caller(**kwargs)]


async def book(pm: pluggy.PluginManager, snapshot: ShipmentSnapshot, ctx: HookContext) -> None:
    """Deliver ``hub_shipment_booked`` as the dispatcher does, with the core's transition."""
    transition = changed(arguments("hub_shipment_booked")["transition"], ref=snapshot.ref, at=ctx.now)
    await call_all(pm.hook.hub_shipment_booked, shipment=snapshot, transition=transition, ctx=ctx)


class MilestoneSettings(PluginSettings):
    calls_file: Path = Field(description="One JSON line per milestone delivered.")


class MilestoneNotifier:
    """Stands in for the customer notifier: records every shipment milestone it is told about."""

    def __init__(self, settings: MilestoneSettings) -> None:
        self.settings = settings

    def _record(self, hook: str, shipment: ShipmentSnapshot) -> None:
        with self.settings.calls_file.open("a") as out:
            out.write(json.dumps({"hook": hook, "ref": shipment.ref}) + "\n")

    @hookimpl
    async def hub_shipment_customs(self, shipment: ShipmentSnapshot) -> None:
        self._record("hub_shipment_customs", shipment)

    @hookimpl
    async def hub_shipment_exception(self, shipment: ShipmentSnapshot) -> None:
        self._record("hub_shipment_exception", shipment)

    @hookimpl
    async def hub_shipment_delivered(self, shipment: ShipmentSnapshot) -> None:
        self._record("hub_shipment_delivered", shipment)


MILESTONES = PluginSpec(name="test.milestones", kind="notify", settings=MilestoneSettings, factory=MilestoneNotifier)


def milestones(calls_file: Path) -> list[tuple[str, str]]:
    if not calls_file.exists():
        return []
    return [(c["hook"], c["ref"]) for c in map(json.loads, calls_file.read_text().splitlines())]
