"""shipment numbers: every number a shipment is known by, with an indexed normalised key

Revision ID: 0015
Revises: 0014
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import hub.core.store.types
from hub.core.tracking import number_key

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    numbers = op.create_table(
        "shipment_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("number_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", hub.core.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_numbers")),
        sa.UniqueConstraint("shipment_id", "carrier", "number",
                            name=op.f("uq_shipment_numbers_shipment_id_carrier_number")),
    )
    op.create_index(op.f("ix_shipment_numbers_number_key"), "shipment_numbers", ["number_key"])
    # The booked shipments' own numbers, keyed as the hub keys them today (number_key is the one
    # normalisation: a later change to it needs a migration that re-keys these rows).
    conn = op.get_bind()
    shipments = sa.table("shipments", sa.column("id"), sa.column("carrier"), sa.column("tracking_number"))
    booked = conn.execute(sa.select(shipments.c.id, shipments.c.carrier, shipments.c.tracking_number)
                          .where(shipments.c.carrier.is_not(None), shipments.c.tracking_number.is_not(None))).all()
    now = datetime.now(UTC)
    rows = [{"shipment_id": id_, "carrier": carrier, "number": number, "kind": "own", "created_at": now,
             "number_key": number_key(number, zero_padded=True)} for id_, carrier, number in booked]
    if rows:
        op.bulk_insert(numbers, rows)


def downgrade() -> None:
    op.drop_index(op.f("ix_shipment_numbers_number_key"), table_name="shipment_numbers")
    op.drop_table("shipment_numbers")
