"""The ops console at ``/``: server-rendered pages over the same facts as the API (hub/web/console/pages.py).

Templates live in ``templates/``; ``[console] templates_dir`` (when set) is searched first, so ops may
override any page without touching the package.
"""
from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from hub.web.console.pages import routes

TEMPLATES = Path(__file__).parent / "templates"


def add_console(app: web.Application, override: Path | None = None) -> None:
    folders = [str(override)] if override else []
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader([*folders, str(TEMPLATES)]), autoescape=True,
                         undefined=jinja2.StrictUndefined)
    for method, path, handler in routes():
        app.router.add_route(method, path, handler)
