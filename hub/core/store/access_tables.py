"""Who may use the hub: users, their API tokens, delegated roles, and the audit trail.

Declared on the one ``metadata`` of ``tables`` (which imports this module last), apart only to
keep each schema module to one concern.
"""
from __future__ import annotations

import sqlalchemy as sa

from hub.core.store.tables import metadata
from hub.core.store.types import UTCDateTime

users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(48), nullable=False, unique=True),
    sa.Column("roles", sa.JSON, nullable=False),  # role names, from [access] roles
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# A token is shown once, when made; only its SHA-256 is kept (tokens are 256 random bits, so a
# fast hash is enough: there is nothing to guess that a slow hash would protect).
api_tokens = sa.Table(
    "api_tokens", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(12), nullable=False),  # the first characters, to tell tokens apart in a list
    sa.Column("label", sa.String(64)),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime),  # None: never (set explicitly)
    sa.Column("last_used_at", UTCDateTime),
    sa.Column("revoked_at", UTCDateTime),
)

# A role lent by a user who holds it (a general manager away) to another, until an end date.
delegations = sa.Table(
    "delegations", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("from_user", sa.String(48), nullable=False),
    sa.Column("to_user", sa.String(48), nullable=False, index=True),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("starts_at", UTCDateTime, nullable=False),
    sa.Column("ends_at", UTCDateTime, nullable=False),
    sa.Column("reason", sa.String(200)),
    sa.Column("created_by", sa.String(48), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime),
)

# Append-only: nothing in the API or CLI updates or deletes a row (retention does not touch it).
audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(64), nullable=False, index=True),
    sa.Column("origin", sa.String(100), nullable=False),  # "api 10.0.0.7", "cli root@host"
    sa.Column("action", sa.String(64), nullable=False),  # order.reviewed, handoff.retry, user.added, token.revoked
    sa.Column("entity", sa.String(32)),
    sa.Column("ref", sa.String(64)),
    sa.Column("detail", sa.JSON, nullable=False),
    sa.Index("ix_audit_log_entity_ref", "entity", "ref"),
)

# The ops console's sign-ins: the cookie carries a random id, the table its SHA-256, so a copy of
# the database lets no one in. The user's roles are read at each request (disabling them ends it).
console_sessions = sa.Table(
    "console_sessions", metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("user_name", sa.String(48), nullable=False),
    sa.Column("bootstrap", sa.Boolean, nullable=False),  # signed in with the bootstrap admin token
    sa.Column("csrf", sa.String(64), nullable=False),  # every state-changing form carries it
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
)
