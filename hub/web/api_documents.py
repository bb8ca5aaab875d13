"""The documents of an order, a shipment or a claim: listed, and rendered as PDF on request."""
from __future__ import annotations

from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from hub.core.documents.sources import kind_for, language_for, listing, read_subject
from hub.web import keys
from hub.core.documents import LANGUAGES, kinds_of
from hub.web.api import KINDS, query_of
from hub.web.jsonio import json_response

# The entities with documents (hub/core/documents/kinds.py), by their API plural.
DOCUMENTED = {kind.plural: kind.entity for kind in KINDS.values() if kinds_of(kind.entity)}


class DocumentQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lang: Literal[LANGUAGES] | None = Field(None, description=(  # type: ignore[valid-type]
        "The document's language. Default: the customer's for what goes to the customer, the hub's "
        "[documents] language for internal papers."))


def lister(plural: str):
    entity = DOCUMENTED[plural]

    async def list_documents(request: web.Request) -> web.Response:
        hub, ref = request.app[keys.HUB], request.match_info["ref"]
        subject, _, _ = await read_subject(hub, entity, ref)
        items = listing(entity, ref, subject, f"/api/{plural}/{ref}/documents")
        return json_response({"entity": entity, "ref": ref, "items": items})
    return list_documents


async def render_for(hub: Any, plural: str, ref: str, name: str, lang: str | None) -> web.Response:
    """The PDF answer of document ``name`` of ``ref`` (the API's and the console's)."""
    entity = DOCUMENTED[plural]
    subject, related, values = await read_subject(hub, entity, ref)
    kind = kind_for(entity, name, subject)
    language = language_for(kind, subject, hub.config.documents.language, lang)
    pdf = await hub.documents.pdf(kind.name, subject, related, language, values)
    return web.Response(body=pdf, content_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{kind.filename(ref)}"', "Content-Language": language,
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


def renderer(plural: str):
    async def render(request: web.Request) -> web.Response:
        query = query_of(request, DocumentQuery)
        return await render_for(request.app[keys.HUB], plural, request.match_info["ref"],
                                request.match_info["kind"], query.lang)
    return render
