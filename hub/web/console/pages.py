"""The ops console's pages: overview, lists, an entity with the events it accepts now, a handoff with
the vendor's message. Server-rendered (Jinja2, autoescaped); every form posts back here with the
session's CSRF token, and every action runs as the signed-in user, audited as from the console."""
from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp_jinja2
from aiohttp import web

from hub.core import catalogue, overview, queries
from hub.core.audit import ORIGIN, Origin
from hub.core.clock import as_utc
from hub.core.degraded import degraded
from hub.core.domain.timers import RULES
from hub.core.domain.tracking import ANOMALIES
from hub.core.errors import Forbidden, HubError, Unauthenticated
from hub.core.logging import scrub
from hub.core.outbox import admin
from hub.core.roles import roles_for
from hub.web import keys
from hub.web.console import i18n, sessions

ENTITY_LISTS = ("orders", "shipments", "claims", "returns", "customers")
ENTITY_OF = {"orders": "order", "shipments": "shipment", "claims": "claim", "returns": "return",
             "customers": "customer"}
OPS = ("ops", "admin")
PAGE = 50
HANDOFF_STATES = ("pending", "running", "failed", "dead", "done", "discarded")
# The flags carrier data leaves on a shipment (hub.core.tracking and the carrier tables).
FLAGS = ("needs_action", "carrier_visibility_ended", "weight_discrepancy", "weight_unit_unknown")
SECURITY_HEADERS = {"Content-Security-Policy": "default-src 'self'; form-action 'self'; frame-ancestors 'none'",
                    "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin", "Cache-Control": "no-store",
                    "X-Content-Type-Options": "nosniff"}
Handler = Callable[[web.Request, sessions.Session], Awaitable[web.StreamResponse]]
FORM = web.RequestKey("console_form", object)  # the posted form, read once by the CSRF check


def _render(request: web.Request, template: str, title: str, session: sessions.Session | None = None,
            status: int = 200, **context: Any) -> web.Response:
    lang = i18n.language(request)
    t = i18n.translator(lang)
    response = aiohttp_jinja2.render_template(template, request, {
        "t": t, "lang": lang, "page_title": t(title), "who": session.principal if session else None,
        "csrf": session.csrf if session else "", "here": request.path_qs, "entity_lists": ENTITY_LISTS,
        "notice": request.query.get("notice"), "query": request.query, "next_page": None, "filters": [], "batch": False,
        **context}, status=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def _back(location: str, notice: str | None = None) -> web.Response:
    """A 303 to a page of this console, with a notice to show there."""
    if notice:
        location += ("&" if "?" in location else "?") + urlencode({"notice": notice[:300]})
    return web.Response(status=303, headers={"Location": location, **SECURITY_HEADERS})


def _local(target: str | None) -> str:
    """A redirect target on this site only: a path, never //elsewhere or a full URL."""
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


def signed_in(handler: Handler, *, writes: bool = False) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A page that needs a session (else the sign-in page); a form that also needs its CSRF token,
    and runs as the user, audited with the console as its origin."""
    async def page(request: web.Request) -> web.StreamResponse:
        hub = request.app[keys.HUB]
        session = await sessions.session_of(hub.engine, request.cookies.get(sessions.COOKIE), hub.clock.now())
        if session is None:
            if writes:
                raise web.HTTPForbidden(text="sign in first")
            if request.path == "/":  # the front door answers the sign-in page itself
                return _render(request, "signin.html", "sign_in")
            return _back("/signin?" + urlencode({"next": request.path_qs}))
        if not writes:
            return await handler(request, session)
        form = await request.post()
        if not sessions.csrf_ok(session, form.get("csrf")):
            t = i18n.translator(i18n.language(request))
            return _render(request, "message.html", "overview", session, status=403, notice=t("no_csrf"))
        request[FORM] = form
        reset = ORIGIN.set(Origin(session.principal.name, f"console {request.remote or 'unknown'}"))
        try:
            return await handler(request, session)
        except Forbidden:
            return _back(_referer(request), i18n.translator(i18n.language(request))("not_allowed"))
        finally:
            ORIGIN.reset(reset)
    return page


def _referer(request: web.Request) -> str:
    """Where a form came from, when it is this console's own page (never another site)."""
    referer = request.headers.get("Referer", "")
    path = "/" + referer.split("://", 1)[-1].split("/", 1)[-1] if "://" in referer else "/"
    return _local(path.split("notice=")[0].rstrip("?&"))


# --- sign-in -----------------------------------------------------------------------------

async def signin_page(request: web.Request) -> web.Response:
    return _render(request, "signin.html", "sign_in")


async def signin(request: web.Request) -> web.StreamResponse:
    hub = request.app[keys.HUB]
    form = await request.post()
    try:
        cookie, _ = await sessions.sign_in(hub.engine, request.app[keys.TOKEN], str(form.get("token") or ""),
                                           hub.clock.now(), f"console {request.remote or 'unknown'}")
    except Unauthenticated:
        t = i18n.translator(i18n.language(request))
        return _render(request, "signin.html", "sign_in", status=401, notice=t("bad_token"))
    response = _back(_local(request.query.get("next")))
    response.set_cookie(sessions.COOKIE, cookie, max_age=int(sessions.LIFETIME.total_seconds()), httponly=True,
                        samesite="Strict", path="/", secure=request.secure)
    return response


async def _signout(request: web.Request, session: sessions.Session) -> web.StreamResponse:
    await sessions.sign_out(request.app[keys.HUB].engine, session)
    response = _back("/signin")
    response.del_cookie(sessions.COOKIE, path="/")
    return response


async def choose_language(request: web.Request) -> web.StreamResponse:
    lang = request.query.get("to")
    response = _back(_local(request.query.get("next")))
    if lang in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, lang, max_age=365 * 86400, samesite="Strict", path="/")
    return response


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
        reasons = await degraded(conn)
    return _render(request, "overview.html", "overview", session, facts=facts, degraded=reasons,
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


AGES = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7)}


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
    plural = {v: k for k, v in ENTITY_OF.items()}
    rows = [{**r, "left": _left(now, r["due_at"]), "entity_ref": f"{r['entity']} {r['ref']}",
             "links": {"entity_ref": f"/console/{plural[r['entity']]}/{quote(r['ref'])}"}
             if r["entity"] in plural else {}} for r in rows]
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
            view = await (queries.order_view(conn, ref) if entity == "order" else queries.entity_view(conn, entity, ref))
        except HubError:
            raise web.HTTPNotFound() from None
        order_ref = view.get("order_ref") if entity != "order" else ref
        handoffs = await queries.handoffs_of(conn, order_ref=order_ref, entity=None if entity == "order" else entity,
                                             ref=None if entity == "order" else ref)
    state = view["standing"] if entity == "customer" else view["state"]
    skip = {"timeline", "open_timers", "handoffs", "shipments", "claims", "returns", "cases", "complaints", "lines",
            "id"}
    record = [(k, json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, dict | list) else v)
              for k, v in view.items() if k not in skip]
    timers = [{**t, "left": _left(now, t["due_at"])} for t in view.get("open_timers", [])]
    return _render(request, "entity.html", plural, session, record=record, timers=timers,
                   forms=_forms(entity, plural, ref, state, session),
                   handoffs=[{**h, "links": {"id": f"/console/handoffs/{h['id']}"}} for h in handoffs],
                   cases=view.get("cases", []), claims=view.get("claims", []),
                   timeline=list(reversed(view.get("timeline", []))), page_ref=ref)


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


async def _handoff(request: web.Request, session: sessions.Session) -> web.Response:
    hub = request.app[keys.HUB]
    try:
        handoff = await admin.get_handoff(hub.engine, int(request.match_info["id"]))
    except HubError:
        raise web.HTTPNotFound() from None
    handoff["actions"] = await _actions(hub, handoff["id"])
    payload = scrub(await admin.payload_of(hub.engine, handoff["event_id"]))
    plural = {v: k for k, v in ENTITY_OF.items()}.get(handoff["entity"])
    return _render(request, "handoff.html", "handoffs", session, h=handoff, may_retry=session.principal.may(OPS),
                   payload=json.dumps(payload, indent=2, ensure_ascii=False, default=str),
                   entity_link=f"/console/{plural}/{quote(handoff['ref'])}" if plural else "#")


async def _actions(hub: Any, delivery_id: int) -> list[dict[str, Any]]:
    async with hub.engine.connect() as conn:
        return await queries.handoff_actions(conn, delivery_id)


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


async def static_file(request: web.Request) -> web.StreamResponse:
    from pathlib import Path
    name = request.match_info["name"]
    if name not in ("console.css", "console.js"):
        raise web.HTTPNotFound()
    response = web.FileResponse(Path(__file__).parent / "static" / name)
    response.headers["Cache-Control"] = "max-age=3600"
    return response


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
        ("POST", "/console/{plural}/{ref}/events", signed_in(_send_event, writes=True)),
    ]
