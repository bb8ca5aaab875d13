"""The route table: registered on the app and described by the OpenAPI document from the same rows."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from pydantic import BaseModel

from hub.core.domain.inputs import NewComplaint, NewShipment
from hub.core.roles import EVERYDAY
from hub.web import api, api_complaints, api_events, api_handoffs, api_inbound, api_plugins, health, webhooks
from hub.core.documents import kinds_of
from hub.web import api_agents, api_documents, api_watch
from hub.web import api_models as m
from hub.web import api_access as access
from hub.web.auth import requiring
from hub.web.event_schemas import event_body

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HANDOFF_ID = r"{id:\d{1,18}}"  # bounded: a longer number is no handoff, and would overflow the column
INBOUND_ID = r"{id:\d{1,18}}"  # the same bound; ids past the 32-bit column are answered 404 by the admin
OPS = ("ops", "admin")  # retrying and discarding what the hub owes or received
PEOPLE = ("supervisor", "cs_manager", "admin")  # who is away (003: the supervisor covers an absent agent)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    summary: str
    responses: dict[int, str]  # status → response schema name in the document
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None  # a filter: m.Query, or m.InboundRetryFilter
    headers: tuple[str, ...] = ()  # Idempotency-Key
    public: bool = False
    # Who may call it (403 naming the roles otherwise); None: any signed-in user. Entity events are
    # checked per event (hub.core.roles) by the handler, whose body names the event.
    roles: tuple[str, ...] | None = None


def _entity_routes(kind: api.Kind) -> list[Route]:
    base, key, tag, entity = f"/api/{kind.plural}", kind.key, kind.plural, kind.entity
    created = "Customer" if entity == "customer" else "Transition"
    # repair_batch: "repair batch" in the summaries, RepairBatchView and RepairBatchPage in the document
    name, schema = entity.replace("_", " "), "".join(part.capitalize() for part in entity.split("_"))
    rows = []
    if kind.create is not None:
        rows.append(Route("POST", base, api.creator(kind), f"Create {'an' if name[0] in 'aeiou' else 'a'} {name}",
                          {201: created, 404: "Error", 409: "Error"}, tag, body=kind.new,
                          headers=("Idempotency-Key",), roles=EVERYDAY[entity]))
    rows += [
        Route("GET", base, api.lister(kind), f"List {kind.plural}", {200: f"{schema}Page"}, tag,
              query=kind.filter),
        Route("GET", f"{base}/{{{key}}}", api.shower(kind), f"Show a {name} with its timeline, open timers and "
              "handoffs", {200: f"{schema}View", 404: "Error"}, tag),
        Route("POST", f"{base}/{{{key}}}/events", api.mover(kind), f"Apply a lifecycle event to a {name}: "
              "the body is one of its events (GET /api/events says which state accepts which)",
              {200: "Transition", 404: "Error", 409: "Error"}, tag, body=event_body(entity)),
    ]
    return rows


def route_table() -> list[Route]:
    rows = [
        Route("GET", "/healthz", health.healthz, "The process is up", {200: "Status"}, "ops", public=True),
        Route("GET", "/readyz", health.readyz, "Database reachable and plugins started",
              {200: "Readiness", 503: "Readiness"}, "ops", public=True),
        Route("GET", "/metrics", health.metrics, "Prometheus metrics", {200: "Metrics"}, "ops", public=True),
        Route("POST", "/webhooks/{source}", webhooks.receive, "Receive a webhook: verified, stored, then "
              "acknowledged", {200: "Receipt", 202: "Accepted", 400: "Error", 401: "Error", 404: "Error",
                               413: "Error", 429: "Error", 503: "Error"}, "webhooks", public=True),
        Route("GET", "/api/openapi.json", health.openapi, "This document", {200: "Document"}, "ops"),
        Route("GET", "/api/events", api_events.list_events, "The event catalogue: per entity and state, the "
              "events accepted, with their data schema, meaning and an example", {200: "Catalogue"},
              "events", query=m.EventCatalogueFilter),
    ]
    for kind in api.KINDS.values():
        rows += _entity_routes(kind)
    rows.append(Route("POST", "/api/orders/{ref}/shipments", api.create_shipment, "Create a shipment for an "
                      "order", {201: "Transition", 404: "Error", 409: "Error"}, "shipments", body=NewShipment,
                      headers=("Idempotency-Key",), roles=EVERYDAY["shipment"]))
    rows += [
        Route("POST", "/api/orders/{ref}/complaints", api_complaints.record_complaint, "Record a complaint of "
              "shortage, damage or wrong goods on a shipped or delivered order (flagged late after the 3-day "
              "inspection window)", {201: "Transition", 404: "Error", 409: "Error"}, "complaints",
              body=NewComplaint, headers=("Idempotency-Key",), roles=EVERYDAY["complaint"]),
        Route("POST", "/api/complaints/{ref}/shipments", api_complaints.ship_remedy, "Ship an answered "
              "complaint's replenishment or exchange in a shipment of its order; the complaint moves to "
              "remedy_shipped", {201: "Transition", 404: "Error", 409: "Error"}, "complaints", body=NewShipment,
              headers=("Idempotency-Key",), roles=EVERYDAY["complaint"]),
    ]
    rows += [
        Route("GET", "/api/handoffs", api_handoffs.list_handoffs, "List handoffs", {200: "Page"}, "handoffs",
              query=m.HandoffFilter),
        Route("POST", "/api/handoffs/retry", api_watch.retry_handoffs, "Retry every handoff of a plugin, hook "
              "and time range (dead by default) now", {200: "InboundRetried"}, "handoffs",
              query=m.HandoffBatchRetry, roles=OPS),
        Route("POST", "/api/handoffs/discard", api_watch.discard_handoffs, "Discard every handoff of a plugin, "
              "hook and time range (dead by default)", {200: "Discarded"}, "handoffs", query=m.HandoffBatchDiscard,
              roles=OPS),
        Route("GET", "/api/timers", api_watch.list_timers, "Timers, soonest due first: what breaches next "
              "(open by default; due_before, rule, entity)", {200: "TimerPage"}, "timers", query=m.TimerFilter),
        Route("GET", "/api/cases", api_watch.list_cases, "Investigation cases (open by default), newest first",
              {200: "CasePage"}, "cases", query=m.CaseFilter),
        Route("GET", f"/api/handoffs/{HANDOFF_ID}", api_handoffs.show_handoff, "Show a handoff with who acted on it",
              {200: "Handoff", 404: "Error"}, "handoffs"),
        Route("POST", f"/api/handoffs/{HANDOFF_ID}/retry", api_handoffs.retry_handoff, "Retry a failed, dead or "
              "discarded handoff now", {200: "Handoff", 404: "Error", 409: "Error"}, "handoffs", roles=OPS),
        Route("POST", f"/api/handoffs/{HANDOFF_ID}/discard", api_handoffs.discard_handoff, "Discard a pending, "
              "failed or dead handoff", {200: "Handoff", 404: "Error", 409: "Error"}, "handoffs", roles=OPS),
    ]
    rows.append(Route("GET", "/api/plugins", api_plugins.list_plugins, "Enabled plugins with their circuit "
                      "(why their handoffs wait), call timeout and handoff counts", {200: "PluginPage"}, "handoffs"))
    return rows + _agent_routes() + _inbound_routes() + _access_routes() + _document_routes() + _attachment_routes()


def _document_routes() -> list[Route]:
    rows = []
    for plural, entity in api_documents.DOCUMENTED.items():
        kinds = ", ".join(f"{k.name} ({k.titles['zh-CN']})" for k in kinds_of(entity))
        rows += [
            Route("GET", f"/api/{plural}/{{ref}}/documents", api_documents.lister(plural), f"The {entity}'s "
                  f"documents: {kinds}; whether each has anything to say yet, and its URL",
                  {200: "DocumentList", 404: "Error"}, plural),
            Route("GET", f"/api/{plural}/{{ref}}/documents/{{kind:[a-z_]{{1,40}}}}.pdf", api_documents.renderer(plural),
                  f"One of the {entity}'s documents as PDF, from the entity as stored now (lang: zh-CN or en)",
                  {200: "Pdf", 404: "Error", 409: "Error", 503: "Error"}, plural, query=api_documents.DocumentQuery),
        ]
    return rows


def _attachment_routes() -> list[Route]:
    """Files attached to orders, shipments, claims, returns and complaints (hub/web/api_attachments.py)."""
    from hub.web import api_attachments as files

    rows = []
    for kind in api.KINDS.values():
        if kind.entity not in files.ATTACHABLE:
            continue
        base, name = f"/api/{kind.plural}/{{ref}}/attachments", kind.entity.replace("_", " ")
        rows += [
            Route("POST", base, files.uploader(kind.entity), f"Upload files to a {name} (multipart/form-data: PDF, "
                  "JPEG or PNG by content, parts named file); with document (a claim's documents, an order's "
                  "signed_confirmation) its event is applied with them, or nothing is kept",
                  {201: "AttachmentsAdded", 404: "Error", 409: "Error", 413: "Error", 415: "Error", 503: "Error"},
                  "attachments",
                  body=m.AttachmentForm, headers=("Idempotency-Key",), roles=files.upload_roles(kind.entity)),
            Route("GET", base, files.lister(kind.entity), f"List a {name}'s attachments, each with the document it "
                  "is", {200: "AttachmentPage", 404: "Error"}, "attachments"),
            Route("GET", f"{base}/{{id:\\d{{1,18}}}}", files.downloader(kind.entity), f"Download one of a {name}'s "
                  "attachments (its bytes, in the type its content showed)",
                  {200: "AttachmentFile", 404: "Error", 503: "Error"}, "attachments"),
        ]
    return rows

def _agent_routes() -> list[Route]:
    return [
        Route("GET", "/api/agents", api_agents.list_agents, "The after-sales agents and supervisors: present or "
              "away (since, until, why) and their open requests", {200: "AgentPage"}, "agents"),
        Route("POST", "/api/agents/{name}/absence", api_agents.mark_absent, "Mark an agent or supervisor away: "
              "their customers' new requests go to the first supervisor in (003)", {200: "Agent"}, "agents",
              body=api_agents.AgentAbsence, roles=PEOPLE),
        Route("POST", "/api/agents/{name}/presence", api_agents.mark_present, "Mark an agent or supervisor back",
              {200: "Agent", 422: "Error"}, "agents", roles=PEOPLE),
    ]


def _inbound_routes() -> list[Route]:
    return [
        Route("GET", "/api/inbound", api_inbound.list_inbound, "List stored webhooks, newest first",
              {200: "InboundPage"}, "inbound", query=m.InboundFilter),
        Route("GET", f"/api/inbound/{INBOUND_ID}", api_inbound.show_inbound, "Show a stored webhook: headers, "
              "body and who acted on it", {200: "InboundEvent", 404: "Error"}, "inbound"),
        Route("POST", f"/api/inbound/{INBOUND_ID}/retry", api_inbound.retry_inbound, "Apply a failed or "
              "discarded webhook again", {200: "InboundEvent", 404: "Error", 409: "Error"}, "inbound", roles=OPS),
        Route("POST", f"/api/inbound/{INBOUND_ID}/discard", api_inbound.discard_inbound, "Discard a pending or "
              "failed webhook: it is never applied", {200: "InboundEvent", 404: "Error", 409: "Error"}, "inbound",
              roles=OPS),
        Route("POST", "/api/inbound/retry", api_inbound.retry_failed_inbound, "Apply every failed webhook "
              "(of one source) again", {200: "InboundRetried"}, "inbound", query=m.InboundRetryFilter, roles=OPS),
    ]


TOKEN_ID = r"{id:\d{1,18}}"
ADMIN_ONLY = ("admin",)
AUDITORS = ("admin", "ops", "general_manager")  # who reads the trail of who did what


def _access_routes() -> list[Route]:
    return [
        Route("GET", "/api/me", access.me, "Who the token belongs to, with the roles held now (own and lent)",
              {200: "Me"}, "users"),
        Route("GET", "/api/users", access.list_users, "List users with their roles and tokens (never the tokens "
              "themselves)", {200: "UserPage"}, "users", roles=ADMIN_ONLY),
        Route("POST", "/api/users", access.add_user, "Add a user with roles; the answer carries their first token, "
              "shown this once", {201: "AddedUser", 409: "Error"}, "users", body=access.NewUser, roles=ADMIN_ONLY),
        Route("POST", "/api/users/{name}/roles", access.set_roles, "Change a user's roles", {200: "User", 404: "Error"},
              "users", body=access.UserRoles, roles=ADMIN_ONLY),
        Route("POST", "/api/users/{name}/disable", access.disable_user, "Disable a user: their tokens stop working "
              "at once", {200: "User", 404: "Error"}, "users", roles=ADMIN_ONLY),
        Route("POST", "/api/users/{name}/enable", access.enable_user, "Enable a disabled user again",
              {200: "User", 404: "Error"}, "users", roles=ADMIN_ONLY),
        Route("POST", "/api/users/{name}/tokens", access.issue_token, "Issue a token (an admin, or the user "
              "themself); shown this once", {201: "IssuedToken", 404: "Error"}, "users", body=access.NewToken),
        Route("POST", f"/api/users/{{name}}/tokens/{TOKEN_ID}/revoke", access.revoke_token, "Revoke a token "
              "(an admin, or the user themself)", {200: "Token", 404: "Error"}, "users"),
        Route("GET", "/api/delegations", access.list_delegations, "Roles lent, newest first",
              {200: "DelegationPage"}, "users"),
        Route("POST", "/api/delegations", access.add_delegation, "Lend a role until a date (the lender, or an "
              "admin for them)", {201: "Delegation", 404: "Error"}, "users", body=access.NewDelegation),
        Route("POST", f"/api/delegations/{TOKEN_ID}/revoke", access.revoke_delegation, "End a delegation early",
              {200: "Delegation", 404: "Error"}, "users"),
        Route("GET", "/api/audit", access.list_audit, "The audit trail, newest first: who did what, from where, "
              "when; read-only", {200: "AuditPage"}, "audit", query=access.AuditFilter, roles=AUDITORS),
    ]


def add_routes(app: web.Application, rows: list[Route]) -> None:
    for row in rows:
        handler = requiring(row.roles, row.summary, row.handler) if row.roles else row.handler
        app.router.add_route(row.method, row.path, handler)
