"""claims: the claim report, the debt check, the claim against the carrier and the fault (seed 004)

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

import hub.core.store.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _money(name: str) -> sa.Column:
    return sa.Column(name, hub.core.store.types.Money(length=40), nullable=True)


def _moment(name: str) -> sa.Column:
    return sa.Column(name, hub.core.store.types.UTCDateTime(timezone=True), nullable=True)


def _text(name: str, length: int) -> sa.Column:
    return sa.Column(name, sa.String(length=length), nullable=True)


def _columns() -> list[sa.Column]:
    return [
        # Claims opened before this revision never recorded which documents came in: NULL, not "none".
        sa.Column("documents_received", sa.JSON(), nullable=True),
        sa.Column("documents_missing", sa.JSON(), nullable=True),
        # Existing claims were approved by the general manager: nobody had found the company at fault.
        sa.Column("fault", sa.String(length=16), nullable=False, server_default=sa.text("'unknown'")),
        _text("report_ref", 64), _moment("report_issued_at"),
        _money("open_balance"), _money("open_balance_overdue"), _text("open_balance_currency", 3),
        _text("open_balance_source", 64), _moment("open_balance_checked_at"),
        _text("carrier_claim_against", 200), _money("carrier_claim_amount"), _text("carrier_claim_reference", 64),
        _moment("carrier_claimed_at"), _money("carrier_amount_recovered"),
        _text("carrier_settlement_reference", 64), _moment("carrier_claim_settled_at"),
    ]


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        for column in _columns():
            batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        for column in reversed(_columns()):
            batch.drop_column(column.name)
