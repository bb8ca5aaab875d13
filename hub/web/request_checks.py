"""What is refused from a request's head alone, before a token is checked or a handler runs.

Kept apart from the connection guard (which counts sockets, not requests) so the edge middleware
owns every answer about a request's shape.
"""
from __future__ import annotations

from urllib.parse import unquote

from aiohttp import web

from hub.web.jsonio import json_error


def malformed(request: web.Request) -> web.Response | None:
    """The refusal for a request no route can take, else None."""
    if "\x00" in request.path or "\x00" in unquote(request.query_string):
        # No stored row can hold a NUL (PostgreSQL text cannot): refused before any query, on both backends
        return json_error(422, "a NUL character cannot be part of a path or a query")
    return None
