"""The console's forms: an entity's event, a handoff retried or discarded, one by one or in a
batch. Each runs as the signed-in user (``signed_in(..., writes=True)`` checked its CSRF token)."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from aiohttp import web

from hub.core.errors import HubError
from hub.core.outbox import admin
from hub.core.roles import roles_for
from hub.web import keys
from hub.web.console import sessions
from hub.web.console.frame import AGES, ENTITY_OF, FORM, OPS, Handler, _back


def _value(text: str) -> Any:
    """A form field as the event's data: JSON where it is JSON (lists, objects, numbers, true/false)."""
    text = text.strip()
    if text[:1] in "[{" or text in ("true", "false"):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


async def _send_event(request: web.Request, session: sessions.Session) -> web.StreamResponse:
    plural, ref = request.match_info["plural"], request.match_info["ref"]
    if plural not in ENTITY_OF:
        raise web.HTTPNotFound()
    entity, hub, form = ENTITY_OF[plural], request.app[keys.HUB], request[FORM]
    event = str(form.get("event") or "")
    page = f"/console/{plural}/{quote(ref)}"
    session.principal.require(roles_for(entity, event), f"{entity} {event}")
    data = {key[len("field."):]: _value(str(value)) for key, value in form.items()
            if key.startswith("field.") and str(value).strip()}
    try:
        moved = await hub.apply(entity, ref, event, data, session.principal.name)
    except HubError as exc:
        return _back(page, f"{event}: {exc}")
    return _back(page, f"{event} → {moved.state}")


def _change(action: str) -> Handler:
    async def change(request: web.Request, session: sessions.Session) -> web.StreamResponse:
        session.principal.require(OPS, f"handoff {action}")
        hub, handoff_id = request.app[keys.HUB], int(request.match_info["id"])
        step = admin.retry if action == "retry" else admin.discard
        try:
            await step(hub.engine, handoff_id, session.principal.name, hub.clock.now())
        except HubError as exc:
            return _back(f"/console/handoffs/{handoff_id}", str(exc))
        return _back(f"/console/handoffs/{handoff_id}", action)
    return change


async def _batch(request: web.Request, session: sessions.Session) -> web.StreamResponse:
    """Retry or discard every handoff of a plugin / hook / state changed within the last hours."""
    session.principal.require(OPS, "batch retry and discard")
    hub, form = request.app[keys.HUB], request[FORM]
    plugin, hook = str(form.get("plugin") or "") or None, str(form.get("hook") or "") or None
    state, action = str(form.get("state") or "dead"), str(form.get("action") or "")
    age = AGES.get(str(form.get("within") or ""))
    now = hub.clock.now()
    many = {"retry": admin.retry_many, "discard": admin.discard_many}.get(action)
    if many is None:
        return _back("/console/handoffs", "unknown action")
    try:
        count = await many(hub.engine, session.principal.name, now, plugin=plugin, hook=hook, state=state,
                           since=now - age if age else None)
    except HubError as exc:
        return _back("/console/handoffs", str(exc))
    return _back(f"/console/handoffs?state={'pending' if action == 'retry' else 'discarded'}", f"{action}: {count}")


async def _retry_dead(request: web.Request, session: sessions.Session) -> web.StreamResponse:
    session.principal.require(OPS, "retrying dead letters")
    hub, plugin = request.app[keys.HUB], str(request[FORM].get("plugin") or "") or None
    count = await admin.retry_many(hub.engine, session.principal.name, hub.clock.now(), plugin=plugin)
    return _back("/", f"{plugin or '*'}: {count}")
