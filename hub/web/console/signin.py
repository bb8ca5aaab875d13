"""Signing in and out of the console, the language switch, and its two static files."""
from __future__ import annotations

from pathlib import Path

from aiohttp import web

from hub.core.errors import Unauthenticated
from hub.web import keys
from hub.web.console import i18n, sessions
from hub.web.console.frame import _back, _local, _render


async def signin_page(request: web.Request) -> web.Response:
    return _render(request, "signin.html", "sign_in")


async def signin(request: web.Request) -> web.StreamResponse:
    hub = request.app[keys.HUB]
    form = await request.post()
    try:
        cookie, _ = await sessions.sign_in(hub, request.app[keys.TOKEN], str(form.get("token") or ""),
                                           f"console {request.remote or 'unknown'}")
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


async def static_file(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in ("console.css", "console.js"):
        raise web.HTTPNotFound()
    response = web.FileResponse(Path(__file__).parent / "static" / name)
    response.headers["Cache-Control"] = "max-age=3600"
    return response
