"""Each enabled plugin's health for ops: its circuit (why its handoffs wait) and its queue."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from aiohttp import web

from hub.core.outbox.circuit import circuit_rows
from hub.core.store.tables import deliveries
from hub.web import keys
from hub.web.jsonio import json_response

_WAITING = (sa.select(deliveries.c.plugin, deliveries.c.state, sa.func.count())
            .where(deliveries.c.state.in_(("pending", "failed", "running", "dead")))
            .group_by(deliveries.c.plugin, deliveries.c.state))


async def list_plugins(request: web.Request) -> web.Response:
    hub = request.app[keys.HUB]
    async with hub.engine.connect() as conn:
        circuits = {row["plugin"]: row for row in await circuit_rows(conn)}
        counts = (await conn.execute(_WAITING)).all()
    queues: dict[str, dict[str, int]] = {}
    for plugin, state, n in counts:
        queues.setdefault(plugin, {})[state] = n
    names = [name for name, _ in hub.pm.list_name_plugin()]
    items = [_view(name, circuits.get(name), queues.get(name, {}), hub.config.dispatch.timeout_for(name))
             for name in sorted(names)]
    return json_response({"items": items})


def _view(name: str, circuit: dict[str, Any] | None, queue: dict[str, int], timeout: float) -> dict[str, Any]:
    circuit = circuit or {"state": "closed", "failures": 0, "reason": None, "opened_at": None, "retry_at": None}
    return {"plugin": name, "call_timeout_s": timeout,
            "circuit": {k: circuit[k] for k in ("state", "failures", "reason", "opened_at", "retry_at")},
            "handoffs": {state: queue.get(state, 0) for state in ("pending", "failed", "running", "dead")}}
