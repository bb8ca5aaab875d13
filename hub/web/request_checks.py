"""What is refused from a request's head alone, before a token is checked or a handler runs.

Kept apart from the connection guard (which counts sockets, not requests) so the edge middleware
owns every answer about a request's shape.
"""
from __future__ import annotations

from urllib.parse import unquote

from aiohttp import web

from hub.web import keys
from hub.web.jsonio import json_error

API = "/api/"


MULTIPART_OVERHEAD = 64 * 1024  # part headers, the boundaries, the document field


def malformed(request: web.Request) -> web.Response | None:
    """The refusal for a request no route can take, else None."""
    if "\x00" in request.path or "\x00" in unquote(request.query_string):
        # No stored row can hold a NUL (PostgreSQL text cannot): refused before any query, on both backends
        return json_error(422, "a NUL character cannot be part of a path or a query")
    limit = _body_limit(request)
    if request.path.startswith(API) and (request.content_length or 0) > limit:
        # The API's limit is the app's client_max_size, which aiohttp applies only once that much
        # has arrived: a declared 100 MiB would hold the connection until then. Webhooks check
        # their own limit in their handler, after the source (an unknown one is 404 first).
        return json_error(413, f"body larger than {limit} bytes")
    return None


def _body_limit(request: web.Request) -> int:
    """An upload of signed papers and photos may carry ``max_files_per_request`` files of ``max_bytes``
    each (its handler streams them, checking each); any other API body the app's client_max_size."""
    if request.method == "POST" and request.path.startswith(API) and request.path.endswith("/attachments"):
        settings = request.app[keys.HUB].config.attachments
        return settings.max_files_per_request * settings.max_bytes + MULTIPART_OVERHEAD
    return request.client_max_size
