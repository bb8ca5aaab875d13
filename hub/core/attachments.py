"""Files attached to an entity: the customer's signed confirmation, claim documents, damage photos.

PDF, JPEG and PNG only, told by their first bytes, never by their name. The bytes are kept once per
content, named by their SHA-256 (``<dir>/<aa>/<sha256>``, ``[attachments] dir``): each arrives in a
temporary file of the same store, is flushed to disk, then renamed into place and its folder flushed,
so a crash never leaves part of a file under a final name. A row of ``attachments`` says whose a file
is, under which name the client sent it, and which document it is, if one: a claim document, or the
order's ``signed_confirmation``; the event recording that document (``documents_received``,
``confirmation_received``) is applied in the same transaction as the rows and names their ids.

A file on disk that no row names (its upload was refused after it was stored, or its row was rolled
back) is harmless: it is only ever found through a row, by its content's hash.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.core import audit, catalogue
from hub.core.config import HubConfig
from hub.core.domain import engine
from hub.core.errors import HubError, InvalidInput, NotFound
from hub.core.lifecycle.claim import CLAIM_DOCUMENTS
from hub.core.models import Transition
from hub.core.store.types import MAX_ID  # a larger id names no row (the 32-bit column)
from hub.core.store.tables import ENTITY_TABLES, attachments

# (content type, magic bytes at the start, file extension): what is accepted, and how it is told.
TYPES = (("application/pdf", b"%PDF-", "pdf"), ("image/png", b"\x89PNG\r\n\x1a\n", "png"),
         ("image/jpeg", b"\xff\xd8\xff", "jpg"))
ALLOWED = "PDF, JPEG or PNG"
SNIFF_BYTES = max(len(magic) for _, magic, _ in TYPES)
EXTENSION = {kind: ext for kind, _, ext in TYPES}
# The entities files may be attached to, and their collection in the API (the files' URLs).
PLURALS = {"order": "orders", "shipment": "shipments", "claim": "claims", "return": "returns",
           "complaint": "complaints"}
SIGNED_CONFIRMATION = "signed_confirmation"
# entity → (the event an upload of one of its documents applies, the documents it knows)
DOCUMENT_EVENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "claim": ("documents_received", CLAIM_DOCUMENTS),
    "order": ("confirmation_received", (SIGNED_CONFIRMATION,)),
}
DOCUMENTS = tuple(dict.fromkeys(doc for _, docs in DOCUMENT_EVENTS.values() for doc in docs))
MAX_FILENAME = 200
INCOMING = "incoming"  # temporary files of uploads under way, in the store (the same file system)
STALE_INCOMING_S = 3600.0  # a temporary file untouched this long is a crashed upload's: removed
SHA256 = re.compile(r"^[0-9a-f]{64}$")


class Refused(HubError):
    """An uploaded file the hub does not take; the API answers ``status`` naming why."""

    status = 422

    def __init__(self, message: str, field: str = "file") -> None:
        super().__init__(message)
        self.field = field


class UnsupportedFile(Refused):
    status = 415


class TooLarge(Refused):
    status = 413


def folder(config: HubConfig) -> Path:
    """The store: ``[attachments] dir``, else ``<data_dir>/attachments``."""
    return Path(config.attachments.dir) if config.attachments.dir else Path(config.data_dir) / "attachments"


def sniff(head: bytes) -> str | None:
    """The content type the first bytes show, or None when they are none of PDF, PNG and JPEG."""
    for kind, magic, _ in TYPES:
        if head.startswith(magic):
            return kind
    return None


def safe_filename(name: str | None, content_type: str, fallback: str = "attachment") -> str:
    """The client's file name without folders, control or invisible characters and leading dots, at
    most 200 characters (the extension kept); none left: ``<fallback>.<ext>`` of its content type."""
    text = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = " ".join("".join(map(_visible, text)).split()).lstrip(". ").rstrip()
    if not text:
        text = f"{fallback}.{EXTENSION[content_type]}"
    if len(text) > MAX_FILENAME:
        stem, dot, ext = text.rpartition(".")
        text = (stem[:MAX_FILENAME - len(ext) - 1] + dot + ext) if dot and stem and len(ext) <= 16 \
            else text[:MAX_FILENAME]
    return text


def _visible(ch: str) -> str:
    """A character of a kept file name: line breaks and tabs become spaces; control, format (bidi
    overrides, zero-width), private and unassigned characters go."""
    category = unicodedata.category(ch)
    if ch in "\t\r\n" or category in ("Zl", "Zp"):
        return " "
    return "" if category[0] == "C" else ch


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact one in RFC 5987 form: nothing of the
    client's name can end the header or name another file."""
    ascii_name = re.sub(r"[^A-Za-z0-9._()+-]", "_", filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def path_of(root: Path, sha256: str) -> Path:
    if not SHA256.match(sha256):
        raise ValueError("not a SHA-256 in hex")
    return root / sha256[:2] / sha256


@dataclass(frozen=True)
class Stored:
    """A file kept in the store, as its row records it."""

    sha256: str
    size: int
    content_type: str
    filename: str


class Incoming:
    """One file arriving: written, hashed and counted as it comes into a temporary file of the store;
    refused (``TooLarge``, ``UnsupportedFile``) as soon as it is too large or its first bytes are none
    of the accepted types. Nothing is under its final name until ``keep``."""

    def __init__(self, root: Path, max_bytes: int, filename: str | None) -> None:
        self.root, self.max_bytes, self.client_name = root, max_bytes, filename
        incoming = root / INCOMING
        incoming.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=incoming, prefix="part-")
        self.path = Path(name)
        self._file = os.fdopen(fd, "wb")
        self._hash = hashlib.sha256()
        self._head = b""
        self.size = 0
        self.content_type: str | None = None

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise TooLarge(f"{self._name()} is larger than {self.max_bytes} bytes, the most one file may be")
        if len(self._head) < SNIFF_BYTES:
            self._head += chunk[:SNIFF_BYTES - len(self._head)]
            if len(self._head) >= SNIFF_BYTES:
                self._type()
        self._hash.update(chunk)
        self._file.write(chunk)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def _name(self) -> str:
        return repr(self.client_name) if self.client_name else "a file"

    def _type(self) -> str:
        kind = sniff(self._head)
        if kind is None:
            raise UnsupportedFile(f"{self._name()} is not a {ALLOWED} file (told by its content, not its name): "
                                  "only PDF, JPEG and PNG files are accepted")
        self.content_type = kind
        return kind

    def finish(self) -> None:
        """The whole file arrived: its type is checked on what there is (a file shorter than the
        longest signature), then it is flushed to disk. Blocking: run it in a thread."""
        kind = self.content_type or self._type()
        self.content_type = kind
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def stored(self, fallback: str) -> Stored:
        assert self.content_type is not None
        return Stored(self._hash.hexdigest(), self.size, self.content_type,
                      safe_filename(self.client_name, self.content_type, fallback))

    def keep(self) -> Path:
        """Rename the finished file into place (once per content), then flush its folder. Blocking."""
        final = path_of(self.root, self._hash.hexdigest())
        created = not final.parent.exists()
        final.parent.mkdir(parents=True, exist_ok=True)
        if created:
            _fsync_dir(self.root)
        if final.exists():  # the same content came before: stored once
            self.path.unlink(missing_ok=True)
        else:
            os.replace(self.path, final)
            _fsync_dir(final.parent)
        return final

    def discard(self) -> None:
        if not self._file.closed:
            self._file.close()
        self.path.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def prune_incoming(root: Path, now: float | None = None) -> int:
    """Remove temporary files crashed uploads left (untouched for an hour). Blocking."""
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(os.scandir(root / INCOMING))
    except FileNotFoundError:
        return 0
    for entry in entries:
        try:
            if entry.is_file() and now - entry.stat().st_mtime > STALE_INCOMING_S:
                os.unlink(entry.path)
                removed += 1
        except FileNotFoundError:  # another process removed it first
            continue
    return removed


# --- rows ------------------------------------------------------------------------------


def url_of(row: dict[str, Any]) -> str:
    return f"/api/{PLURALS[row['entity']]}/{quote(row['ref'], safe='')}/attachments/{row['id']}"


def _out(row: Any) -> dict[str, Any]:
    row = dict(row)
    return {**row, "url": url_of(row)}


def event_of(entity: str, document: str) -> str:
    """The event an upload of ``document`` applies to ``entity``; a document the entity does not
    know is the caller's 422, naming those it knows."""
    if entity not in DOCUMENT_EVENTS:
        raise InvalidInput(f"a {entity} takes no documents: upload its files without document", field="document")
    event, known = DOCUMENT_EVENTS[entity]
    if document not in known:
        raise InvalidInput(f"document must be one of {', '.join(known)} for a {entity}, not {document[:64]!r}",
                           field="document", errors=[{"field": "document", "message": "unknown document",
                                                      "allowed": list(known)}])
    return event


async def check_upload(conn: AsyncConnection, entity: str, ref: str, document: str | None) -> None:
    """Before a file is kept: the entity exists (404), and its state takes the document's event
    (409, guards aside: they are checked when the event is applied)."""
    if entity not in PLURALS:
        raise NotFound(f"a {entity} has no attachments")
    table = ENTITY_TABLES[entity]
    state = (await conn.execute(sa.select(table.c.state).where(table.c.ref == ref))).scalar()
    if state is None:
        raise NotFound(f"{entity} {ref} not found")
    if document is not None:
        event = event_of(entity, document)
        lifecycle = catalogue.lifecycle(entity)
        if not lifecycle.accepts(state, event):
            lifecycle.next_state(ref, state, event)  # raises IllegalTransition naming what it accepts


async def listed(conn: AsyncConnection, entity: str, ref: str) -> list[dict[str, Any]]:
    query = (sa.select(attachments).where(attachments.c.entity == entity, attachments.c.ref == ref)
             .order_by(attachments.c.id))
    return [_out(r) for r in (await conn.execute(query)).mappings()]


async def one(conn: AsyncConnection, entity: str, ref: str, attachment_id: int) -> dict[str, Any]:
    row = None
    if 0 < attachment_id <= MAX_ID:
        row = (await conn.execute(sa.select(attachments).where(
            attachments.c.id == attachment_id, attachments.c.entity == entity,
            attachments.c.ref == ref))).mappings().first()
    if row is None:
        raise NotFound(f"{entity} {ref} has no attachment {attachment_id}")
    return _out(row)


async def require_own(conn: AsyncConnection, entity: str, ref: str, ids: list[int],
                      field: str = "data.attachments") -> None:
    """Ids an event names must be this entity's uploads: another's, or none at all, is a 422."""
    wanted = sorted({i for i in ids if 0 < i <= MAX_ID})
    found = set()
    if wanted:
        found = set((await conn.execute(sa.select(attachments.c.id).where(
            attachments.c.id.in_(wanted), attachments.c.entity == entity, attachments.c.ref == ref))).scalars())
    foreign = [i for i in dict.fromkeys(ids) if i not in found]
    if foreign:
        raise InvalidInput(f"{field}: {', '.join(map(str, foreign))} {'is' if len(foreign) == 1 else 'are'} not an "
                           f"attachment of {entity} {ref} (upload with POST /api/{PLURALS.get(entity, entity)}/"
                           f"{ref}/attachments)", field=field)


async def adopt(conn: AsyncConnection, entity: str, ref: str, ids: list[int], document: str | None) -> None:
    """The uploads an event names: this entity's (422 otherwise), and, when the event names one
    document, that document, unless they are one already (the view shows which file is which)."""
    await require_own(conn, entity, ref, ids)
    if ids and document is not None:
        await conn.execute(attachments.update().where(attachments.c.id.in_(ids), attachments.c.document.is_(None))
                           .values(document=document))


async def record(tx: Any, entity: str, ref: str, files: list[Stored],
                 document: str | None) -> tuple[list[dict[str, Any]], Transition | None]:
    """The rows of ``files`` kept for ``entity`` ``ref`` and, for a document, its event applied with
    their ids, in the caller's transaction (``tx``, a hub.core.domain.tx.Tx): a refused event
    (409, 403, 422) leaves no row."""
    event = event_of(entity, document) if document is not None else None
    if entity not in PLURALS:
        raise NotFound(f"a {entity} has no attachments")
    await tx.fetch(entity, ref, lock=True)  # 404; concurrent uploads to one entity queue here
    ids = []
    for f in files:
        result = await tx.conn.execute(attachments.insert().values(
            entity=entity, ref=ref, filename=f.filename, content_type=f.content_type, size=f.size, sha256=f.sha256,
            document=document, uploaded_by=tx.actor[:64], uploaded_at=tx.now))
        ids.append(result.inserted_primary_key[0])
    transition = None
    if event is not None:
        data: dict[str, Any] = {"attachments": ids}
        if entity == "claim":
            data["documents"] = [document]
        transition = await engine.apply(tx, entity, ref, event, data)
    await audit.record(tx.conn, tx.now, f"{entity}.attachments_added", entity, ref, origin=tx.origin, ids=ids,
                       document=document, sha256=[f.sha256 for f in files])
    rows = (await tx.conn.execute(sa.select(attachments).where(attachments.c.id.in_(ids))
                                  .order_by(attachments.c.id))).mappings()
    return [_out(r) for r in rows], transition
