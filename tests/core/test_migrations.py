"""Alembic migrations build exactly the tables the code uses, on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hub.core.store.db import upgrade
from hub.core.store.tables import metadata
from hub.core.store.types import UTCDateTime


async def test_migrated_schema_matches_the_tables(engine):
    await upgrade(engine)
    await upgrade(engine)  # idempotent: a second start changes nothing

    def diff(conn):
        return compare_metadata(MigrationContext.configure(conn), metadata)

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []


async def test_shipments_booked_before_0015_are_found_by_their_numbers_after_it(engine):
    import sqlalchemy as sa

    from hub.core.store.tables import shipment_numbers
    # given a database of the release before, with a DHL shipment booked under an SSCC with its (00)
    await upgrade(engine, "0014")
    from datetime import UTC, datetime
    stamp = datetime(2026, 3, 2, 10, tzinfo=UTC)
    async with engine.begin() as conn:
        await conn.execute(sa.text(
            "INSERT INTO shipments (ref, order_ref, state, flags, milestones, carrier, tracking_number, mode, lines,"
            " created_at, updated_at) VALUES ('SH-OLD-1', 'SO-OLD-1', 'booked', '[]', '[]', 'dhl',"
            " '00340434161094015902', 'delivery', '{}', :at, :at), ('SH-OLD-2', 'SO-OLD-1', 'created', '[]', '[]',"
            " NULL, NULL, 'delivery', '{}', :at, :at)").bindparams(sa.bindparam("at", type_=UTCDateTime)), {"at": stamp})
    # when the hub upgrades
    await upgrade(engine)
    # then the booked shipment's own number is stored with its loose key, and the unbooked one has none
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.select(shipment_numbers.c.carrier, shipment_numbers.c.number,
                                             shipment_numbers.c.number_key, shipment_numbers.c.kind))).all()
    assert [tuple(r) for r in rows] == [("dhl", "00340434161094015902", "340434161094015902", "own")]
