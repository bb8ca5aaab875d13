"""``POST /webhooks/{source}``: check, store durably, then acknowledge (DESIGN rules 2, 4 and 11).

Order of checks: unknown source 404, declared size 413, backlog 429, streamed size 413,
signature 401, shape 400, backlog 429 again as the event is queued (exact: the first check
only spares reading a body that would be refused); the 2xx goes out only after the group
commit holding the event.
"""
from __future__ import annotations

import functools
import hashlib
import re

import aiohttp
import orjson
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import CIMultiDictProxy

from hub.core.config import WebhookSettings
from hub.core.errors import WebhookRejected
from hub.core.logging import get_logger
from hub.core.inbound_models import WebhookReceipt
from hub.web import keys
from hub.web.ingest import Backlogged, StoreUnavailable
from hub.web.jsonio import JSON, dumps, json_error, unreadable
from hub.web.sources import SourceTimedOut, WebhookSource

log = get_logger()
ACCEPTED = dumps({"status": "accepted"})
RETRY_AFTER_S = "5"
SAFE_ID = re.compile(r"^[\x21-\x7e]{1,128}$")
# Header values that are credentials are not kept with the stored event (DESIGN rule 12).
SECRET_HEADER = re.compile(r"(authorization|cookie|token|secret|api[-_]?key|password)", re.I)


class BodyTooLarge(Exception):
    pass


def clean_headers(raw: CIMultiDictProxy[str]) -> dict[str, str]:
    """Lower-cased names; bytes that are not UTF-8 become U+FFFD so every later step can encode them."""
    headers = {}
    for name, value in raw.items():
        if not (name.isascii() and value.isascii()):
            name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        headers[name.lower()] = value
    return headers


@functools.lru_cache(maxsize=1024)
def _is_credential(name: str) -> bool:
    return SECRET_HEADER.search(name) is not None


def stored_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: ("[redacted]" if _is_credential(k) else v) for k, v in headers.items()}


def dedupe_key(event_id: str | None, body: bytes) -> str:
    """The sender's event id when it is a plain token, else a hash (of the id, or of the body)."""
    if event_id:
        if SAFE_ID.match(event_id):
            return event_id
        return "sha256-id:" + hashlib.sha256(event_id.encode("utf-8", "replace")).hexdigest()
    return "sha256:" + hashlib.sha256(body).hexdigest()


def ordering_key(key: str | None) -> str | None:
    """A key fit for the column (printable ASCII, bounded) as it is, anything else as its hash."""
    if key is None or SAFE_ID.match(key):
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


async def read_limited(request: web.Request, limit: int) -> bytes:
    """The body, stopping as soon as it passes ``limit`` (chunked bodies declare no length)."""
    chunks, total = [], 0
    while chunk := await request.content.readany():
        total += len(chunk)
        if total > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def acknowledge(receipt: WebhookReceipt) -> web.Response:
    """In the sender's own format where its plugin gives one, else 202 ``{"status": "accepted"}``."""
    if receipt.reply_body is None or not 200 <= receipt.reply_status < 300:
        return web.Response(status=202, body=ACCEPTED, content_type=JSON)
    return web.Response(status=receipt.reply_status, body=receipt.reply_body,
                        headers={"Content-Type": receipt.reply_content_type})


async def receive(request: web.Request) -> web.StreamResponse:
    app = request.app
    metrics, settings = app[keys.METRICS], app[keys.CONFIG].webhooks
    name = request.match_info["source"]
    source = app[keys.SOURCES].get(name)
    if source is None:
        metrics.webhook("unknown", "unknown_source")  # never the raw name: unbounded label values
        return json_error(404, "unknown or disabled webhook source")
    outcome, response = await _receive(request, source, settings)
    metrics.webhook(name, outcome)
    return response


async def _receive(request: web.Request, source: WebhookSource, settings: WebhookSettings
                   ) -> tuple[str, web.Response]:
    limit = settings.max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        return "too_large", json_error(413, f"body larger than {limit} bytes")
    ingest = request.app[keys.INGEST]
    if ingest.pending >= settings.max_pending:
        return "throttled", _throttled()
    try:
        body = await read_limited(request, limit)
    except BodyTooLarge:
        return "too_large", json_error(413, f"body larger than {limit} bytes")
    except web.RequestPayloadError as exc:  # aiohttp could not decode it: broken gzip, bad chunking
        return "malformed", unreadable(request, exc)
    except (HttpProcessingError, aiohttp.ClientError, ConnectionError) as exc:
        return "malformed", json_error(400, f"body could not be read: {type(exc).__name__}")
    headers = clean_headers(request.headers)
    now = request.app[keys.HUB].clock.now()
    try:
        receipt = await source.receipt(headers, body, now.timestamp())
    except SourceTimedOut:
        return "timed_out", json_error(503, "the webhook could not be checked in time; retry later",
                                       headers={"Retry-After": RETRY_AFTER_S})
    except WebhookRejected as exc:
        status = exc.status if exc.status in (400, 401) else 400  # what the document promises
        log.info("webhook.rejected", source=source.name, status=status, reason=exc.reason[:200])
        return ("rejected" if status == 401 else "malformed"), json_error(status, exc.reason)
    try:
        new = await ingest.store(source=source.name, dedupe_key=dedupe_key(receipt.event_id, body),
                                 headers_json=orjson.dumps(stored_headers(headers)), body=body, now=now,
                                 ordering_key=ordering_key(receipt.ordering_key), max_pending=settings.max_pending)
    except Backlogged:
        return "throttled", _throttled()
    except StoreUnavailable:
        return "store_failed", json_error(503, "the event could not be stored; retry later",
                                          headers={"Retry-After": RETRY_AFTER_S})
    return ("accepted" if new else "duplicate"), acknowledge(receipt)


def _throttled() -> web.Response:
    return json_error(429, "too many unprocessed events; retry later", headers={"Retry-After": RETRY_AFTER_S})
