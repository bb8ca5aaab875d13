"""The hub's tables (SQLAlchemy Core): entities, timeline, timers, reports; the outbox and the inbox
are in handoff_tables, users and the audit trail in access_tables (all on this one ``metadata``).

Core, not the ORM: the ingest path and the outbox claim run thousands of statements a second.
"""
from __future__ import annotations

import sqlalchemy as sa

from hub.core.store.types import Money, UTCDateTime

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
})


def _stamps() -> list[sa.Column]:
    return [sa.Column("created_at", UTCDateTime, nullable=False),
            sa.Column("updated_at", UTCDateTime, nullable=False)]


customers = sa.Table(
    "customers", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("grade", sa.String(1), nullable=False),
    sa.Column("standing", sa.String(32), nullable=False),  # regular | vip | under_reevaluation
    sa.Column("language", sa.String(16), nullable=False),
    sa.Column("email", sa.String(200)),
    sa.Column("phone", sa.String(64)),
    sa.Column("agent", sa.String(64)),  # one customer, one after-sales agent (003)
    sa.Column("salesperson", sa.String(64)),
    sa.Column("monthly_volume", Money),
    sa.Column("volume_month", sa.String(7)),  # the calendar month (YYYY-MM, local) monthly_volume counts
    # The sales department's latest written notice on the VIP standing: grant, kept or revocation (004).
    sa.Column("vip_notice_ref", sa.String(64)),
    sa.Column("vip_notified_by", sa.String(64)),
    *_stamps(),
)

# The after-sales agents' and supervisors' presence (003: if the first agent is absent, the supervisor
# takes the request). A person without a row has never been marked absent: present.
agents = sa.Table(
    "agents", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("absent", sa.Boolean, nullable=False),
    sa.Column("since", UTCDateTime, nullable=False),  # when the current presence or absence began
    sa.Column("until", UTCDateTime),  # an absence's expected end: present again from then on
    sa.Column("reason", sa.String(500)),
    sa.Column("marked_by", sa.String(64), nullable=False),
)

orders = sa.Table(
    "orders", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ref", sa.String(64), nullable=False, unique=True),
    sa.Column("customer_code", sa.String(64), nullable=False, index=True),
    sa.Column("state", sa.String(32), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("currency", sa.String(8), nullable=False),
    sa.Column("total", Money, nullable=False),
    sa.Column("deposit_due", Money, nullable=False),
    sa.Column("deposit_paid", Money, nullable=False),
    sa.Column("amount_paid", Money, nullable=False),
    sa.Column("delivery_mode", sa.String(16), nullable=False),
    sa.Column("contact", sa.JSON, nullable=False),  # address, contact person, phone: personal data
    sa.Column("lines", sa.JSON, nullable=False),
    sa.Column("special", sa.JSON),  # standard and requested sizes of a special order
    sa.Column("missing_fields", sa.JSON, nullable=False),
    sa.Column("price_mismatches", sa.JSON, nullable=False),
    sa.Column("promised_date", sa.Date),
    sa.Column("confirmation_due_at", UTCDateTime),
    sa.Column("confirmation_received_at", UTCDateTime),
    sa.Column("inspection_window_elapsed", sa.Boolean, nullable=False, default=False),
    sa.Column("open_claims", sa.Integer, nullable=False, default=0),
    sa.Column("open_complaints", sa.Integer, nullable=False, default=0),  # complaints not yet resolved/withdrawn
    sa.Column("delivered_at", UTCDateTime),  # the carrier's time of the last delivery: the inspection window
    sa.Column("erp_ref", sa.String(64)),
    sa.Column("outbound_ref", sa.String(64)),
    sa.Column("source", sa.String(32), nullable=False),
    *_stamps(),
)

shipments = sa.Table(
    "shipments", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ref", sa.String(64), nullable=False, unique=True),
    sa.Column("order_ref", sa.String(64), nullable=False, index=True),
    sa.Column("state", sa.String(32), nullable=False, index=True),
    sa.Column("substatus", sa.String(64)),
    sa.Column("flags", sa.JSON, nullable=False),
    sa.Column("milestones", sa.JSON, nullable=False),  # states whose hooks already fired
    sa.Column("carrier", sa.String(32)),
    sa.Column("tracking_number", sa.String(64)),
    sa.Column("subscription", sa.String(16)),
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("pieces", sa.Integer),
    sa.Column("waybill_weight_kg", Money),
    sa.Column("reported_weight_kg", Money),
    sa.Column("carrier_contact", sa.String(200)),  # the driver's or the carrier's phone
    sa.Column("plate", sa.String(32)),  # the vehicle's plate (delivery and self-pickup)
    sa.Column("escort", sa.String(200)),  # who rides with the goods (押运人)
    sa.Column("pickup_company", sa.String(200)),  # self-pickup: who collects
    sa.Column("lines", sa.JSON, nullable=False),  # line_no → qty carried
    sa.Column("erp_ref", sa.String(64)),
    sa.Column("delivered_at", UTCDateTime),  # when the carrier says it was delivered, not when we heard
    sa.Column("last_polled_at", UTCDateTime),
    *_stamps(),
    sa.UniqueConstraint("carrier", "tracking_number"),
)

# Every number a shipment is known by, as a carrier writes it and by a normalised key: its own
# tracking number, and the numbers of carriers it was handed to (转EMS …). Tracking answers are
# matched on ``number_key`` (an index) instead of normalising every stored number in the query.
shipment_numbers = sa.Table(
    "shipment_numbers", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("shipment_id", sa.Integer, nullable=False),
    sa.Column("carrier", sa.String(32), nullable=False),
    sa.Column("number", sa.String(64), nullable=False),
    # hub.core.tracking.number_key(number, zero_padded=True): the loosest form, refined in Python per carrier
    sa.Column("number_key", sa.String(64), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),  # own | forwarded
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("shipment_id", "carrier", "number"),
)

# What each order's review promised from stock on hand, per line (000: scarce stock by grade, then
# order time). Open promises only: a line's promise goes when it ships or its order ends.
stock_promises = sa.Table(
    "stock_promises", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("product_code", sa.String(64), nullable=False, index=True),
    sa.Column("order_ref", sa.String(64), nullable=False),
    sa.Column("line_no", sa.Integer, nullable=False),
    sa.Column("qty", Money, nullable=False),
    sa.Column("grade", sa.String(1), nullable=False),
    sa.Column("ordered_at", UTCDateTime, nullable=False),
    sa.Column("confirmed", sa.Boolean, nullable=False),  # the confirmation went out: it is the customer's
    sa.UniqueConstraint("order_ref", "line_no"),
)

tracking_events = sa.Table(
    "tracking_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("shipment_ref", sa.String(64), nullable=False),
    sa.Column("identity", sa.String(64), nullable=False),
    sa.Column("occurred_at", UTCDateTime, nullable=False),
    sa.Column("event", sa.JSON, nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("shipment_ref", "identity"),
)

claims = sa.Table(
    "claims", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ref", sa.String(64), nullable=False, unique=True),
    sa.Column("order_ref", sa.String(64), nullable=False, index=True),
    sa.Column("shipment_ref", sa.String(64)),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("state", sa.String(32), nullable=False, index=True),
    sa.Column("insured", sa.Boolean, nullable=False),
    sa.Column("amount_claimed", Money, nullable=False),
    sa.Column("amount_approved", Money),
    sa.Column("currency", sa.String(8), nullable=False),
    sa.Column("documents_due_at", UTCDateTime),
    sa.Column("documents_received", sa.JSON),  # the claim form's documents in so far (None: before 0011)
    sa.Column("documents_missing", sa.JSON),  # ... and those still awaited
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("fault", sa.String(16), nullable=False, default="unknown"),  # company at fault: the VP signs (004)
    sa.Column("report_ref", sa.String(64)),  # the claim report (理赔申请报告书) on the amount proposed
    sa.Column("report_issued_at", UTCDateTime),  # cleared when a new amount needs a new report
    sa.Column("open_balance", Money),  # finance's debt check (财会部评估客户欠款情况): negative is a credit
    sa.Column("open_balance_overdue", Money),
    sa.Column("open_balance_currency", sa.String(3)),
    sa.Column("open_balance_source", sa.String(64)),
    sa.Column("open_balance_checked_at", UTCDateTime),
    sa.Column("carrier_claim_against", sa.String(200)),  # the claim against the carrier or agent (向代理索赔)
    sa.Column("carrier_claim_amount", Money),
    sa.Column("carrier_claim_reference", sa.String(64)),
    sa.Column("carrier_claimed_at", UTCDateTime),
    sa.Column("carrier_amount_recovered", Money),
    sa.Column("carrier_settlement_reference", sa.String(64)),
    sa.Column("carrier_claim_settled_at", UTCDateTime),
    sa.Column("erp_ref", sa.String(64)),
    *_stamps(),
)

returns = sa.Table(
    "returns", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ref", sa.String(64), nullable=False, unique=True),
    sa.Column("order_ref", sa.String(64), nullable=False, index=True),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("state", sa.String(40), nullable=False, index=True),
    sa.Column("line_no", sa.Integer),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("details", sa.JSON, nullable=False),  # description, evidence, address, repair checklist
    sa.Column("amount", Money, nullable=False),
    sa.Column("agent", sa.String(64)),
    sa.Column("erp_ref", sa.String(64)),
    # The unit a repair is for and its fault: the hub counts its own repairs per unit and fault (003).
    sa.Column("unit_serial", sa.String(64), index=True),
    sa.Column("fault", sa.String(200)),
    *_stamps(),
)

cases = sa.Table(
    "cases", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ref", sa.String(64), nullable=False, unique=True),
    sa.Column("shipment_ref", sa.String(64), nullable=False, index=True),
    sa.Column("order_ref", sa.String(64), nullable=False),
    sa.Column("anomaly", sa.String(32), nullable=False),
    sa.Column("facts", sa.JSON, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    *_stamps(),
    sa.UniqueConstraint("shipment_ref", "anomaly"),
)

timeline = sa.Table(
    "timeline", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("entity", sa.String(16), nullable=False),
    sa.Column("ref", sa.String(64), nullable=False),
    sa.Column("order_ref", sa.String(64), index=True),
    sa.Column("event", sa.String(48), nullable=False),
    sa.Column("previous", sa.String(40)),
    sa.Column("state", sa.String(40)),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Index("ix_timeline_entity_ref", "entity", "ref"),
)


timers = sa.Table(
    "timers", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("rule", sa.String(48), nullable=False),
    sa.Column("entity", sa.String(16), nullable=False),
    sa.Column("ref", sa.String(64), nullable=False),
    sa.Column("order_ref", sa.String(64), index=True),
    sa.Column("due_at", UTCDateTime, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),  # open | satisfied | breached | cancelled
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("closed_at", UTCDateTime),
    sa.Index("ix_timers_due", "due_at", postgresql_where=sa.text("state = 'open'"),
             sqlite_where=sa.text("state = 'open'")),
    sa.Index("ix_timers_entity", "entity", "ref", "rule"),
)


api_idempotency = sa.Table(
    "api_idempotency", metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("response", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

# One row per generated periodic report (000: weekly to planning, monthly to the heads of sales).
# The unique (kind, period_start) makes the insert the claim: one report per period, whatever
# the number of workers.
reports = sa.Table(
    "reports", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # weekly | monthly
    sa.Column("period_start", sa.Date, nullable=False),  # business-time dates, both inclusive
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("generated_at", UTCDateTime, nullable=False),
    sa.Column("body", sa.JSON, nullable=False),  # the Report model dumped to JSON
    sa.UniqueConstraint("kind", "period_start"),
)

# New stores being set up (000, 新开店备发货流程): the documents sent, the product, decor and image
# lists, the payment and agreed shipping date, the shipments and the back orders live in ``data``.
store_openings = sa.Table(
    "store_openings", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ref", sa.String(64), nullable=False, unique=True),
    sa.Column("customer_code", sa.String(64), nullable=False, index=True),
    sa.Column("order_ref", sa.String(64), index=True),  # the store's first order, once known
    sa.Column("state", sa.String(32), nullable=False, index=True),
    sa.Column("data", sa.JSON, nullable=False),
    *_stamps(),
)

# Complaints after delivery (000: 三日内点清数量和检验): shortage, damage or wrong goods, investigated, answered
# with cause, responsibility and remedy, tracked until the customer confirms. What each step recorded
# (the investigation, the answer, the confirmation or withdrawal, the window's end) lives in ``data``.
complaints = sa.Table(
    "complaints", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ref", sa.String(64), nullable=False, unique=True),
    sa.Column("order_ref", sa.String(64), nullable=False, index=True),
    sa.Column("shipment_ref", sa.String(64)),  # the shipment complained of, when named
    sa.Column("kind", sa.String(16), nullable=False),  # shortage | damage | wrong_goods
    sa.Column("state", sa.String(32), nullable=False, index=True),
    sa.Column("channel", sa.String(16), nullable=False),  # phone | fax | visit | email
    sa.Column("late", sa.Boolean, nullable=False),  # received after the 3-day inspection window
    sa.Column("lines", sa.JSON, nullable=False),  # line_no → quantity concerned
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("responsible_party", sa.String(16)),  # from the answer
    sa.Column("remedy", sa.String(16)),  # replenish | exchange | credit | none, from the answer
    sa.Column("promised_date", sa.Date),  # when the remedy is due, from the answer
    sa.Column("remedy_shipment_ref", sa.String(64)),  # the shipment that carried the replenishment or exchange
    sa.Column("data", sa.JSON, nullable=False),
    *_stamps(),
)

# Repair batches (003, 服装售后服务工作流程 / 售后接返机流程): the repair requests whose units went to one factory
# together, once a week. ``lines`` is the packing list, one unit a line: the request, its serial, fault and
# evidence photos, and on return the factory's result (repaired or scrapped, cause, cost, replacement serial)
# and what testing it found. The three costs are the scrapped units' totals by who pays, set on return.
repair_batches = sa.Table(
    "repair_batches", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ref", sa.String(64), nullable=False, unique=True),
    sa.Column("factory", sa.String(100), nullable=False),
    sa.Column("week", sa.String(8), nullable=False),  # the ISO week it was packed in, local time: 2026-W10
    sa.Column("state", sa.String(16), nullable=False, index=True),
    sa.Column("lines", sa.JSON, nullable=False),
    sa.Column("extra_batch_reason", sa.Text),  # why a further batch went to the factory that week
    sa.Column("note", sa.Text),
    sa.Column("carrier", sa.String(32)),
    sa.Column("tracking_number", sa.String(64)),
    sa.Column("sent_at", UTCDateTime),
    sa.Column("returned_at", UTCDateTime),
    sa.Column("supplier_cost", Money),
    sa.Column("store_cost", Money),
    sa.Column("head_office_cost", Money),  # the cause could not be told (由总公司承担)
    *_stamps(),
    sa.Index("ix_repair_batches_factory_week", "factory", "week"),
)

# Files uploaded to an entity (hub/core/attachments.py): the customer's signed confirmation, claim
# documents, damage photos. The bytes live on disk under their SHA-256 ([attachments] dir), each once;
# a row says whose they are, under which (sanitised) name, and which document they are, if one.
attachments = sa.Table(
    "attachments", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("entity", sa.String(16), nullable=False),
    sa.Column("ref", sa.String(64), nullable=False),
    sa.Column("filename", sa.String(200), nullable=False),
    sa.Column("content_type", sa.String(64), nullable=False),  # from the content, never the name
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("document", sa.String(32)),  # a claim document, or signed_confirmation; None: evidence
    sa.Column("uploaded_by", sa.String(64), nullable=False),
    sa.Column("uploaded_at", UTCDateTime, nullable=False),
    sa.Index("ix_attachments_entity_ref", "entity", "ref"),
)

ENTITY_TABLES = {"order": orders, "shipment": shipments, "claim": claims, "return": returns,
                 "customer": customers, "store": store_openings, "complaint": complaints,
                 "repair_batch": repair_batches}

# The access and handoff tables share this metadata (Alembic compares one schema): imported last, by design.
from hub.core.store.access_tables import api_tokens, audit_log, console_sessions, delegations, users  # noqa: E402,F401
from hub.core.store.handoff_tables import (circuits, deliveries, delivery_actions, inbound_actions,  # noqa: E402,F401
                                           inbound_events, ledger, outbox_events, plugin_state)
