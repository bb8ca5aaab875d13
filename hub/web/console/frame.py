"""What every console page shares: the page frame (language, user, CSRF token, security headers),
redirects that stay on this site, and the guard that wants a session (and, for a form, its CSRF
token, running the action as the signed-in user, audited as from the console)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web

from hub.core.audit import ORIGIN, Origin
from hub.core.errors import Forbidden
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


AGES = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7)}  # handoff age filters
PLURAL_OF = {entity: plural for plural, entity in ENTITY_OF.items()}


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
