"""Errors as answers: the hub's errors and aiohttp's become JSON ``{"error": ..., "field": ...}``.

HubError subclasses map to 404/409/422, an unreadable or non-JSON body to 400, a sender that hung
up mid-body to 400 and one info line; an unexpected exception is logged with its class only (never
the request body) and answered 500.
"""
from __future__ import annotations

from aiohttp import web
from pydantic import ValidationError

from hub.core.errors import (Conflict, Forbidden, HubError, IllegalTransition, InvalidInput, NotFound, Unauthenticated,
                             WebhookRejected)
from hub.core.documents import DocumentsUnavailable
from hub.core.logging import get_logger
from hub.web.jsonio import Answered, BadJson, ClientGone, invalid, json_error

log = get_logger()
# Headers of aiohttp's own errors that the JSON version must keep.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Location")


def from_hub_error(exc: HubError) -> web.Response:
    if isinstance(exc, NotFound):
        return json_error(404, str(exc))
    if isinstance(exc, Conflict):
        return json_error(409, str(exc), field=exc.field)
    if isinstance(exc, Unauthenticated):
        return json_error(401, str(exc), headers={"WWW-Authenticate": 'Bearer realm="hub"'})
    if isinstance(exc, Forbidden):
        return json_error(403, str(exc), roles=list(exc.roles))
    if isinstance(exc, IllegalTransition):
        return json_error(409, str(exc), entity=exc.entity, ref=exc.ref, state=exc.state, event=exc.event,
                          allowed_events=list(exc.allowed))
    if isinstance(exc, WebhookRejected):
        return json_error(exc.status, exc.reason)
    if isinstance(exc, InvalidInput):
        return json_error(422, str(exc), field=exc.field, errors=exc.errors)
    if isinstance(exc, DocumentsUnavailable):  # the machine lacks the PDF engine: not the caller's fault
        return json_error(503, str(exc))
    return json_error(422, str(exc))


def from_http_error(exc: web.HTTPException) -> web.StreamResponse:
    if exc.status < 400:  # a redirect raised by a handler: answered as a response (returning the exception is deprecated)
        return web.Response(status=exc.status, headers=exc.headers)
    if exc.content_type == "application/json":
        return exc
    headers = {k: exc.headers[k] for k in KEPT_HEADERS if k in exc.headers}
    return json_error(exc.status, exc.reason, headers=headers)


def error_response(request: web.Request, exc: Exception) -> web.StreamResponse:
    """The answer for an exception a handler raised; unexpected ones are logged and answered 500."""
    if isinstance(exc, web.HTTPException):
        return from_http_error(exc)
    if isinstance(exc, Answered):
        return exc.response
    if isinstance(exc, BadJson):
        return json_error(400, str(exc))
    if isinstance(exc, ValidationError):
        return from_hub_error(invalid(exc))
    if isinstance(exc, HubError):
        return from_hub_error(exc)
    resource = request.match_info.route.resource
    route = resource.canonical if resource else "unmatched"
    if isinstance(exc, ClientGone):  # nobody reads the answer; a traceback would only hide real faults
        log.info("http.client_disconnected", route=route, method=request.method, error_class=str(exc))
        return json_error(400, "the connection closed before the body arrived")
    log.error("http.unhandled_error", route=route, method=request.method, error_class=type(exc).__name__,
              exc_info=exc)
    return json_error(500, "internal error")
