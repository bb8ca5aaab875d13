"""Files attached to an entity over HTTP: ``POST /api/{plural}/{ref}/attachments`` (multipart/form-data),
the list, and each file's bytes.

An upload is read as it streams, part by part, each file into a temporary file of the store
(hub/core/attachments.py): refused with 413 once a file passes ``[attachments] max_bytes``, and with
415 as soon as its first bytes are none of PDF, PNG and JPEG, never buffered whole. Only once every
part is read and checked (the document, the caller's roles, the entity's state) are the files kept
under their SHA-256; their rows and the document's event then go in one transaction, so a refused
event (409, 403, 422) records nothing.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from hub.core import attachments as store
from hub.core.errors import InvalidInput
from hub.core.logging import get_logger
from hub.core.roles import EVERYDAY, roles_for
from hub.web import keys
from hub.web.auth import actor as actor_of, principal
from hub.web.idempotency import idempotency_key, request_hash, run_once, stored_answer
from hub.web.jsonio import Answered, ClientGone, json_error, json_response, unreadable

log = get_logger()
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MULTIPART = "multipart/form-data"
CHUNK = 64 * 1024
MAX_DOCUMENT_FIELD = 64  # bytes of the document field read at most: every name is shorter
DOWNLOAD_CHUNK = 256 * 1024
ATTACHABLE = store.PLURALS  # entity → its collection


def upload_roles(entity: str) -> tuple[str, ...]:
    """Who may call the upload at all: the entity's everyday roles, and those of its document's event
    (the handler then checks the one the request needs)."""
    roles = list(EVERYDAY[entity])
    if entity in store.DOCUMENT_EVENTS:
        roles += roles_for(entity, store.DOCUMENT_EVENTS[entity][0])
    return tuple(dict.fromkeys(roles))


def _refusal(exc: store.Refused) -> web.Response:
    headers = {"Accept": ", ".join(kind for kind, _, _ in store.TYPES)} if exc.status == 415 else None
    return json_error(exc.status, str(exc), field=exc.field, headers=headers,
                      **({"accepted": [kind for kind, _, _ in store.TYPES]} if exc.status == 415 else {}))


def _client_name(raw: str | None) -> str | None:
    """The file's name as the client meant it: browsers send it in UTF-8 escaping only ", CR and LF
    (%22, %0D, %0A), other clients (aiohttp's among them) percent-encode it whole; both read back."""
    return unquote(raw, errors="replace") if raw else None


async def _text(part: BodyPartReader, field: str) -> str:
    raw = b""
    while chunk := await part.read_chunk(MAX_DOCUMENT_FIELD + 1):
        raw += chunk
        if len(raw) > MAX_DOCUMENT_FIELD:
            raise InvalidInput(f"{field} is at most {MAX_DOCUMENT_FIELD} bytes", field=field)
    return raw.decode("utf-8", "replace").strip()


async def _read_parts(request: web.Request, root: Path, files: list[store.Incoming]) -> str | None:
    """Every part of the body: the files into ``files`` (checked as they stream), the document's name
    returned. Anything else in the body is the caller's mistake, named."""
    config = request.app[keys.CONFIG].attachments
    document: str | None = None
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            raise InvalidInput("a nested multipart part is not a file: send each file as a part named file",
                               field="file")
        name = part.name
        if name == "file":
            if len(files) >= config.max_files_per_request:
                raise store.TooLarge(f"at most {config.max_files_per_request} files may be sent at once")
            # the store may be a network mount ([attachments] dir): its file calls leave the event loop
            incoming = await asyncio.to_thread(store.Incoming, root, config.max_bytes, _client_name(part.filename))
            files.append(incoming)
            while chunk := await part.read_chunk(CHUNK):
                await asyncio.to_thread(incoming.write, chunk)
            await asyncio.to_thread(incoming.finish)
        elif name == "document":
            if document is not None:
                raise InvalidInput("document is given more than once", field="document")
            document = await _text(part, "document")
        else:
            what = f"unknown part {name[:64]!r}" if name else "a part without a name"
            raise InvalidInput(f"{what}: send files as parts named file, and optionally document",
                               field=name[:64] if name else None)
    if not files:
        raise InvalidInput("no file: send one or more parts named file (PDF, JPEG or PNG)", field="file")
    return document or None


async def _received(request: web.Request, root: Path, files: list[store.Incoming]) -> str | None:
    """The parts read, a broken body answered as the client's 400 (never the hub's 500)."""
    try:
        return await _read_parts(request, root, files)
    except TimeoutError as exc:  # the sender stalled mid-body (an OSError, but no fault of the store)
        raise Answered(json_error(408, "the upload did not arrive in time: send it again")) from exc
    except web.RequestPayloadError as exc:  # aiohttp could not decode the body (bad chunking, gzip)
        raise Answered(unreadable(request, exc)) from exc
    except ConnectionError as exc:
        raise ClientGone(type(exc).__name__) from exc
    except (ValueError, RuntimeError, AssertionError, HttpProcessingError) as exc:
        # aiohttp's multipart reader: no boundary, a part's headers too long, a body cut short
        raise Answered(json_error(400, f"the multipart body could not be read: {type(exc).__name__}: "
                                       f"{str(exc)[:200]}")) from exc


def uploader(entity: str) -> Handler:
    async def upload(request: web.Request) -> web.Response:
        hub, ref = request.app[keys.HUB], request.match_info["ref"]
        async with hub.engine.connect() as conn:
            await store.check_upload(conn, entity, ref, None)  # an unknown entity: 404, its body unread
        if request.content_type != MULTIPART:
            return json_error(415, f"send the files as {MULTIPART}, not {request.content_type or 'no content type'}",
                              headers={"Accept": MULTIPART})
        key = idempotency_key(request)  # a malformed key: 422 before the body is read
        root = store.folder(request.app[keys.CONFIG])
        files: list[store.Incoming] = []
        try:
            try:
                document = await _received(request, root, files)
            except store.Refused as exc:
                return _refusal(exc)
            except OSError as exc:  # the store cannot be written (full, read-only, not mounted): not the caller's
                return _store_failed(exc)
            if document is not None:
                event = store.event_of(entity, document)  # 422 naming the entity's documents
                principal(request).require(roles_for(entity, event), f"{entity} {event}")
            else:
                principal(request).require(EVERYDAY[entity], f"{entity} attachments")
            digest = request_hash(request, {"document": document, "files": [
                [f.sha256, f.size, f.client_name] for f in files]})
            if key is not None and (replayed := await stored_answer(hub, key, digest)) is not None:
                return replayed  # a retried upload whose answer was lost: the same answer, nothing new
            async with hub.engine.connect() as conn:  # a wrong state: 409 before anything is kept
                await store.check_upload(conn, entity, ref, document)
            kept = [f.stored(document or "attachment") for f in files]
            try:
                await asyncio.to_thread(_keep_all, root, files)
            except OSError as exc:
                return _store_failed(exc)

            async def record(conn: Any) -> tuple[int, Any]:
                try:
                    async with hub.unit(actor_of(request), conn=conn) as tx:
                        rows, transition = await store.record(tx, entity, ref, kept, document)
                except (ValueError, TypeError, KeyError, ArithmeticError) as exc:  # as api.mover: the caller's 422
                    log.warning("api.attachment_event_unusable", entity=entity, error_class=type(exc).__name__)
                    raise InvalidInput(f"the upload cannot be recorded: {type(exc).__name__}: {exc}",
                                       field="document") from exc
                return 201, {"attachments": rows, "transition": transition}

            return await run_once(request, hub, None, record, digest=digest)
        finally:
            if files:  # what was not kept (kept files are no longer there)
                await asyncio.to_thread(lambda: [incoming.discard() for incoming in files])
    return upload


def _store_failed(exc: OSError) -> web.Response:
    log.error("api.attachment_store_failed", error_class=type(exc).__name__, errno=exc.errno)
    return json_error(503, f"the attachment store cannot be written ({exc.strerror or type(exc).__name__}): "
                           "nothing was recorded; try again once [attachments] dir has room and is writable")


def _keep_all(root: Path, files: list[store.Incoming]) -> None:
    for incoming in files:
        incoming.keep()
    store.prune_incoming(root)


def lister(entity: str) -> Handler:
    async def list_(request: web.Request) -> web.Response:
        hub, ref = request.app[keys.HUB], request.match_info["ref"]
        async with hub.engine.connect() as conn:
            await store.check_upload(conn, entity, ref, None)
            rows = await store.listed(conn, entity, ref)
        return json_response({"items": rows})
    return list_


def downloader(entity: str) -> Handler:
    async def download(request: web.Request) -> web.StreamResponse:
        hub, ref = request.app[keys.HUB], request.match_info["ref"]
        async with hub.engine.connect() as conn:
            row = await store.one(conn, entity, ref, int(request.match_info["id"]))
        path = store.path_of(store.folder(request.app[keys.CONFIG]), row["sha256"])
        try:
            handle = await asyncio.to_thread(open, path, "rb")
        except OSError as exc:  # the row is there, its file is not: the store is lost or not mounted
            log.error("api.attachment_file_missing", entity=entity, attachment=row["id"],
                      error_class=type(exc).__name__)
            return json_error(503, f"the file of attachment {row['id']} is not in the store (is [attachments] dir "
                                   "mounted?)")
        try:
            response = web.StreamResponse(headers={
                "Content-Type": row["content_type"], "Content-Disposition": store.content_disposition(row["filename"]),
                "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox",
                "Cache-Control": "private, no-store"})
            response.content_length = row["size"]
            await response.prepare(request)
            while chunk := await asyncio.to_thread(handle.read, DOWNLOAD_CHUNK):
                await response.write(chunk)
            await response.write_eof()
        except ConnectionError:  # the client went away mid-file: nobody reads an answer
            log.info("api.attachment_download_aborted", entity=entity, attachment=row["id"])
        finally:
            handle.close()
        return response
    return download
