"""Outbox rows: one event row and one delivery row per plugin that implements the hook.

Called inside the transaction that changes state, so the handoff exists if and only if the
change committed (DESIGN rule 1).
"""
from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

import pluggy

from hub.core.plugins import implementers


class HookRouter:
    """Which plugins get a delivery for a hook; computed once per hook and process."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self._cache: dict[str, list[str]] = {}

    def implementers(self, hook: str) -> list[str]:
        if hook not in self._cache:
            self._cache[hook] = implementers(self.pm, hook)
        return self._cache[hook]


def idempotency_key(event_id: str, plugin: str) -> str:
    """Stable per (event, plugin): the same on every attempt and every worker."""
    return hashlib.sha256(f"{event_id}/{plugin}".encode()).hexdigest()[:40]


def event_rows(router: HookRouter, *, hook: str, entity: str, ref: str, order_ref: str | None,
               payload: dict[str, Any], now: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """The event row and one delivery row per listening plugin; None when nobody listens."""
    plugins = router.implementers(hook)
    if not plugins:
        return None
    event_id = str(uuid.uuid4())
    # Per-order ordering: deliveries of one order to one plugin run in creation order.
    ordering_key = f"order:{order_ref}" if order_ref else f"{entity}:{ref}"
    event = {"id": event_id, "hook": hook, "entity": entity, "ref": ref, "order_ref": order_ref,
             "payload": payload, "created_at": now}
    return event, [
        {"event_id": event_id, "plugin": plugin, "hook": hook, "state": "pending", "attempts": 0,
         "next_attempt_at": now, "ordering_key": ordering_key,
         "idempotency_key": idempotency_key(event_id, plugin), "created_at": now, "updated_at": now}
        for plugin in plugins]

