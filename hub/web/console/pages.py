"""The ops console's pages: overview, lists, an entity with the events it accepts now, a handoff with
the vendor's message. Server-rendered (Jinja2, autoescaped); the forms they show post to
``actions``, sign-in is ``signin``, and what every page shares is ``frame``."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

from hub.core import catalogue, overview, queries
from hub.core.clock import as_utc
from hub.core.degraded import reasons
from hub.core.domain.timers import RULES
from hub.core.domain.tracking import ANOMALIES
from hub.core.errors import HubError
from hub.core.logging import scrub
from hub.core.outbox import admin
from hub.core.roles import roles_for
from hub.core.documents import LANGUAGES, DocumentsUnavailable
from hub.core.documents.sources import listing, read_subject
from hub.web import api_attachments, api_documents, keys
from hub.web.console import sessions
from hub.web.console.actions import _batch, _change, _retry_dead, _send_event
from hub.web.console.frame import (AGES, ENTITY_OF, FLAGS, HANDOFF_STATES, OPS, PAGE, PLURAL_OF, _render,
                                   signed_in)
from hub.web.console.signin import _signout, choose_language, signin, signin_page, static_file


# --- overview and lists ------------------------------------------------------------------

def _ago(now: datetime, then: datetime | None) -> str | None:
    if then is None:
        return None
    seconds = int((now - as_utc(then)).total_seconds())
    return f"{seconds // 3600} h {seconds % 3600 // 60} min" if seconds >= 3600 else f"{seconds // 60} min"


async def _overview(request: web.Request, session: sessions.Session) -> web.Response:
    hub = request.app[keys.HUB]
    now = hub.clock.now()
    async with hub.engine.connect() as conn:
        facts = await overview.overview(conn, now, [name for name, _ in hub.pm.list_name_plugin()])
    # from the figures the overview just read: no second count of the same rows
    why = reasons({p["plugin"]: p["circuit"] for p in facts["plugins"] if p["circuit"] != "closed"},
                  facts["dead_letters"], facts["failed_inbound"])
    return _render(request, "overview.html", "overview", session, facts=facts, degraded=why,
                   oldest_pending=_ago(now, facts["oldest_pending_at"]), may_retry=session.principal.may(OPS))


def _offset(request: web.Request) -> int:
    try:
        return max(0, min(int(request.query.get("offset", "0")), 10**9))
    except ValueError:
        return 0


def _next_page(request: web.Request, rows: list[Any], offset: int) -> str | None:
    if len(rows) < PAGE:
        return None
    return request.path + "?" + urlencode({**request.query, "offset": offset + PAGE})


def _choice(request: web.Request, name: str, allowed: tuple[str, ...]) -> str | None:
    value = request.query.get(name) or None
    return value if value is None or value in allowed else None


async def _handoffs(request: web.Request, session: sessions.Session) -> web.Response:
    hub, offset = request.app[keys.HUB], _offset(request)
    plugins = tuple(name for name, _ in hub.pm.list_name_plugin())
    hooks = tuple(sorted(catalogue.LIFECYCLE_HOOKS))
    age = AGES.get(request.query.get("older_than", ""))
    rows = await admin.list_handoffs(hub.engine, state=_choice(request, "state", HANDOFF_STATES),
                                     plugin=_choice(request, "plugin", plugins), hook=_choice(request, "hook", hooks),
                                     created_before=hub.clock.now() - age if age else None, limit=PAGE, offset=offset)
    rows = [{**r, "error": r["last_error"], "links": {"id": f"/console/handoffs/{r['id']}"}} for r in rows]
    return _render(request, "list.html", "handoffs", session, rows=rows,
                   filters=[("state", HANDOFF_STATES), ("plugin", plugins), ("hook", hooks),
                            ("older_than", tuple(AGES))],
                   batch=session.principal.may(OPS), plugins=plugins, hooks=hooks,
                   columns=[("id", "ref"), ("plugin", "plugin"), ("hook", "hook"), ("state", "state"),
                            ("attempts", "attempts"), ("entity", "entity"), ("ref", "ref"), ("error", "error"),
                            ("updated_at", "updated")], next_page=_next_page(request, rows, offset))


async def _inbound(request: web.Request, session: sessions.Session) -> web.Response:
    from hub.core import inbound_admin
    hub, offset = request.app[keys.HUB], _offset(request)
    states = ("pending", "processed", "failed", "discarded")
    rows = await inbound_admin.list_events(hub.engine, state=_choice(request, "state", states), limit=PAGE,
                                           offset=offset)
    return _render(request, "list.html", "inbound", session, rows=rows, query=request.query,
                   filters=[("state", states)],
                   columns=[("id", "ref"), ("source", "source"), ("state", "state"), ("attempts", "attempts"),
                            ("error", "error"), ("received_at", "received")],
                   next_page=_next_page(request, rows, offset))


async def _timers(request: web.Request, session: sessions.Session) -> web.Response:
    hub, offset, now = request.app[keys.HUB], _offset(request), request.app[keys.HUB].clock.now()
    states = ("open", "breached", "satisfied", "cancelled")
    within = {"4h": timedelta(hours=4), "24h": timedelta(hours=24)}.get(request.query.get("due", ""))
    rules = tuple(sorted(rule.name for rule in RULES))
    async with hub.engine.connect() as conn:
        rows = await overview.list_timers(conn, state=_choice(request, "state", states) or "open",
                                          rule=_choice(request, "rule", rules),
                                          due_before=now + within if within else None, limit=PAGE, offset=offset)
    rows = [{**r, "left": _left(now, r["due_at"]), "entity_ref": f"{r['entity']} {r['ref']}",
             "links": {"entity_ref": f"/console/{PLURAL_OF[r['entity']]}/{quote(r['ref'])}"}
             if r["entity"] in PLURAL_OF else {}} for r in rows]
    return _render(request, "list.html", "timers", session, rows=rows, query=request.query,
                   filters=[("state", states), ("due", ("4h", "24h")), ("rule", rules)],
                   columns=[("rule", "rule"), ("entity_ref", "entity"), ("due_at", "due"), ("left", "time_left"),
                            ("state", "state")], next_page=_next_page(request, rows, offset))


def _left(now: datetime, due: datetime) -> str:
    seconds = int((as_utc(due) - now).total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    return f"{sign}{seconds // 86400} d {seconds % 86400 // 3600} h {seconds % 3600 // 60} min"


async def _cases(request: web.Request, session: sessions.Session) -> web.Response:
    hub, offset = request.app[keys.HUB], _offset(request)
    async with hub.engine.connect() as conn:
        rows = await overview.list_cases(conn, state=request.query.get("state") or "open", limit=PAGE, offset=offset)
    rows = [{**r, "links": {"shipment_ref": f"/console/shipments/{quote(r['shipment_ref'])}"}} for r in rows]
    return _render(request, "list.html", "cases", session, rows=rows, query=request.query, filters=[],
                   columns=[("ref", "ref"), ("anomaly", "anomaly"), ("shipment_ref", "shipments"),
                            ("state", "state"), ("created_at", "received")],
                   next_page=_next_page(request, rows, offset))


async def _entities(request: web.Request, session: sessions.Session) -> web.Response:
    plural = request.match_info["plural"]
    if plural not in ENTITY_OF:
        raise web.HTTPNotFound()
    entity, hub, offset = ENTITY_OF[plural], request.app[keys.HUB], _offset(request)
    states = tuple(catalogue.lifecycle(entity).states)
    key = "code" if entity == "customer" else "ref"
    filters: list[tuple[str, tuple[str, ...]]] = [("state", states)]
    async with hub.engine.connect() as conn:
        if entity == "shipment":  # the anomalies ops chase: by a flag it carries, or an open case's anomaly
            filters += [("flag", FLAGS), ("anomaly", tuple(sorted(ANOMALIES)))]
            rows = await overview.list_shipments(conn, state=_choice(request, "state", states),
                                                 flag=_choice(request, "flag", FLAGS),
                                                 anomaly=_choice(request, "anomaly", tuple(ANOMALIES)),
                                                 limit=PAGE, offset=offset)
        else:
            rows = await queries.list_entities(conn, entity, state=_choice(request, "state", states), limit=PAGE,
                                               offset=offset)
    state_key = "standing" if entity == "customer" else "state"
    rows = [{**r, "key": r[key], "shown_state": r.get(state_key), "links": {"key": f"/console/{plural}/{quote(r[key])}"}}
            for r in rows]
    columns = [("key", "ref"), ("shown_state", "state"), ("updated_at", "updated")]
    if entity == "shipment":
        rows = [{**r, "flags_shown": ", ".join(r["flags"])} for r in rows]
        columns.insert(2, ("flags_shown", "flag"))
    return _render(request, "list.html", plural, session, rows=rows, query=request.query, filters=filters,
                   columns=columns,
                   next_page=_next_page(request, rows, offset))


# --- an entity, a handoff ------------------------------------------------------------------

def _forms(entity: str, plural: str, ref: str, state: str, session: sessions.Session) -> list[dict[str, Any]]:
    """The events the state accepts now that this user may send, each as a form of its data fields."""
    lifecycle = catalogue.lifecycle(entity)
    forms = []
    for name in lifecycle.accepted(state):
        spec = lifecycle.declared[name]
        if "api" not in spec.sent_by or not session.principal.may(roles_for(entity, name)):
            continue
        fields = [{"name": field, "required": info.is_required(),
                   "hint": json.dumps(spec.example[field], ensure_ascii=False) if field in spec.example else ""}
                  for field, info in spec.data.model_fields.items()]
        forms.append({"event": name, "meaning": spec.meaning, "fields": fields,
                      "action": f"/console/{plural}/{quote(ref)}/events"})
    return forms


async def _entity(request: web.Request, session: sessions.Session) -> web.Response:
    plural, ref = request.match_info["plural"], request.match_info["ref"]
    if plural not in ENTITY_OF:
        raise web.HTTPNotFound()
    entity, hub = ENTITY_OF[plural], request.app[keys.HUB]
    now = hub.clock.now()
    async with hub.engine.connect() as conn:
        try:
            view = await queries.page_of(conn, entity, ref)  # what GET /api/{plural}/{ref} shows
        except HubError:
            raise web.HTTPNotFound() from None
    handoffs = view["handoffs"]
    state = view["standing"] if entity == "customer" else view["state"]
    skip = {"timeline", "open_timers", "handoffs", "shipments", "claims", "returns", "cases", "complaints", "lines",
            "id", "attachments"}
    record = [(k, json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, dict | list) else v)
              for k, v in view.items() if k not in skip]
    timers = [{**t, "left": _left(now, t["due_at"])} for t in view.get("open_timers", [])]
    return _render(request, "entity.html", plural, session, record=record, timers=timers,
                   documents=await _documents(hub, plural, ref),
                   attachments=[{**a, "links": {"filename": f"/console/{plural}/{quote(ref)}/attachments/{a['id']}"}}
                                for a in view.get("attachments", [])],
                   forms=_forms(entity, plural, ref, state, session),
                   handoffs=[{**h, "links": {"id": f"/console/handoffs/{h['id']}"}} for h in handoffs],
                   cases=view.get("cases", []), claims=view.get("claims", []),
                   timeline=list(reversed(view.get("timeline", []))), page_ref=ref)


async def _documents(hub: Any, plural: str, ref: str) -> list[dict[str, Any]]:
    """The entity's papers (GET /api/{plural}/{ref}/documents), linked to the console's own PDF route."""
    if plural not in api_documents.DOCUMENTED:
        return []
    entity = api_documents.DOCUMENTED[plural]
    subject, _, _ = await read_subject(hub, entity, ref)
    return listing(entity, ref, subject, f"/console/{plural}/{quote(ref)}/documents")


async def _document(request: web.Request, session: sessions.Session) -> web.StreamResponse:
    plural, lang = request.match_info["plural"], request.query.get("lang")
    if plural not in api_documents.DOCUMENTED:
        raise web.HTTPNotFound()
    try:
        return await api_documents.render_for(request.app[keys.HUB], plural, request.match_info["ref"],
                                              request.match_info["kind"], lang if lang in LANGUAGES else None)
    except DocumentsUnavailable as exc:  # the machine lacks the PDF engine: say so, it is no missing page
        raise web.HTTPServiceUnavailable(text=str(exc)) from None
    except HubError:  # not this entity's document, or nothing to say yet
        raise web.HTTPNotFound() from None


async def _attachment(request: web.Request, session: sessions.Session) -> web.StreamResponse:
    """A signed paper or photo sent in (GET /api/{plural}/{ref}/attachments/{id}), to the session."""
    entity = ENTITY_OF.get(request.match_info["plural"])
    if entity not in api_attachments.ATTACHABLE:
        raise web.HTTPNotFound()
    try:
        return await api_attachments.downloader(entity)(request)
    except HubError:
        raise web.HTTPNotFound() from None


async def _handoff(request: web.Request, session: sessions.Session) -> web.Response:
    hub = request.app[keys.HUB]
    try:
        handoff = await admin.get_handoff(hub.engine, int(request.match_info["id"]))
    except HubError:
        raise web.HTTPNotFound() from None
    handoff["actions"] = await _actions(hub, handoff["id"])
    payload = scrub(await admin.payload_of(hub.engine, handoff["event_id"]))
    plural = PLURAL_OF.get(handoff["entity"])
    return _render(request, "handoff.html", "handoffs", session, h=handoff, may_retry=session.principal.may(OPS),
                   payload=json.dumps(payload, indent=2, ensure_ascii=False, default=str),
                   entity_link=f"/console/{plural}/{quote(handoff['ref'])}" if plural else "#")


async def _actions(hub: Any, delivery_id: int) -> list[dict[str, Any]]:
    async with hub.engine.connect() as conn:
        return await queries.handoff_actions(conn, delivery_id)


def routes() -> list[tuple[str, str, Any]]:
    return [
        ("GET", "/", signed_in(_overview)),
        ("GET", "/signin", signin_page), ("POST", "/signin", signin),
        ("POST", "/signout", signed_in(_signout, writes=True)),
        ("GET", "/lang", choose_language),
        ("GET", "/console/static/{name}", static_file),
        ("GET", "/console/handoffs", signed_in(_handoffs)),
        ("POST", "/console/handoffs/retry-dead", signed_in(_retry_dead, writes=True)),
        ("POST", "/console/handoffs/batch", signed_in(_batch, writes=True)),
        ("GET", r"/console/handoffs/{id:\d{1,18}}", signed_in(_handoff)),
        ("POST", r"/console/handoffs/{id:\d{1,18}}/retry", signed_in(_change("retry"), writes=True)),
        ("POST", r"/console/handoffs/{id:\d{1,18}}/discard", signed_in(_change("discard"), writes=True)),
        ("GET", "/console/inbound", signed_in(_inbound)),
        ("GET", "/console/timers", signed_in(_timers)),
        ("GET", "/console/cases", signed_in(_cases)),
        ("GET", "/console/{plural}", signed_in(_entities)),
        ("GET", "/console/{plural}/{ref}", signed_in(_entity)),
        ("GET", "/console/{plural}/{ref}/documents/{kind:[a-z_]{1,40}}.pdf", signed_in(_document)),
        ("GET", r"/console/{plural}/{ref}/attachments/{id:\d{1,18}}", signed_in(_attachment)),
        ("POST", "/console/{plural}/{ref}/events", signed_in(_send_event, writes=True)),
    ]
