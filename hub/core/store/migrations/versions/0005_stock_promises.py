"""stock promises: what each order's review promised per product, so scarce stock is not promised twice

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

import hub.core.store.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stock_promises",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("product_code", sa.String(64), nullable=False),
        sa.Column("order_ref", sa.String(64), nullable=False),
        sa.Column("line_no", sa.Integer, nullable=False),
        sa.Column("qty", hub.core.store.types.Money(), nullable=False),
        sa.Column("grade", sa.String(1), nullable=False),
        sa.Column("ordered_at", hub.core.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed", sa.Boolean, nullable=False),
        sa.UniqueConstraint("order_ref", "line_no"),
    )
    op.create_index("ix_stock_promises_product_code", "stock_promises", ["product_code"])


def downgrade() -> None:
    op.drop_index("ix_stock_promises_product_code", "stock_promises")
    op.drop_table("stock_promises")
