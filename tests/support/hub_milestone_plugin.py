"""Implements every shipment and order lifecycle hook, so tests can count which ones fire."""
from __future__ import annotations

from hub import PluginSettings, PluginSpec, hookimpl
from hub.core.catalogue import LIFECYCLE_HOOKS


class Milestones:
    def __init__(self, settings: PluginSettings) -> None:
        self.settings = settings


async def _noop(self, shipment, ctx) -> None:  # noqa: ANN001
    return None


for _name in LIFECYCLE_HOOKS:
    if _name.startswith("hub_shipment_"):
        setattr(Milestones, _name, hookimpl(specname=_name)(lambda self, shipment, ctx: _noop(self, shipment, ctx)))

    elif _name.startswith("hub_order_"):
        setattr(Milestones, _name, hookimpl(specname=_name)(lambda self, order, ctx: _noop(self, order, ctx)))

MILESTONES = PluginSpec(name="test.milestones", kind="core", settings=PluginSettings, factory=Milestones)
