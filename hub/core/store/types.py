"""Column types that behave the same on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa

# Integer id columns are 32-bit on PostgreSQL: a larger id names no row, and binding it would fail
# in the driver instead of answering "not found".
MAX_ID = 2**31 - 1


class UTCDateTime(sa.TypeDecorator):
    """Always aware UTC in Python; SQLite stores it naive, PostgreSQL as timestamptz."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Money(sa.TypeDecorator):
    """Exact decimals stored as text: SQLite has no decimal type and money must not drift."""

    impl = sa.String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | str | int | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else str(Decimal(str(value)))

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)
