"""The periodic reports of seed 000, computed from the hub's own tables (SQLAlchemy Core).

000: the order desk hands the new customers of the week to planning's statistician every Monday
before 09:00, and last month's before the 2nd; the statistician reports monthly to the heads of
sales, marketing and the marketing centre. A report covers whole local days of the business
(``[calendar] zone``): the previous Monday–Sunday week, or the previous calendar month. Figures
"in the period" are what happened between its first local midnight and the one after its last
day; figures "now" (open back orders, open claims) are the state when the report is built.

Reading only: storing a report once per period and handing it to the plugins is
``hub.core.report_schedule``'s business.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from hub.core.business_days import BusinessCalendar
from hub.core.config import ReportKind
from hub.core.lifecycle import LIFECYCLES
from hub.core.store.tables import claims, customers, orders, timeline, timers
from hub.core.store.types import UTCDateTime

KINDS: tuple[ReportKind, ...] = ("weekly", "monthly")


class _Part(BaseModel):
    # Frozen like the snapshots: the report travels through the outbox as JSON and comes back equal.
    model_config = ConfigDict(frozen=True, extra="ignore")


class OrdersReceived(_Part):
    count: int = 0
    by_grade: dict[str, int] = {}  # the customer's grade when the report is built
    by_channel: dict[str, int] = {}  # orders.source: api, shop, …


class LateConfirmation(_Part):
    """An order whose confirmation did not go out within its limit (rule ``send_confirmation``)."""

    order_ref: str
    customer_code: str | None = None
    due_at: datetime
    breached_at: datetime


class BackOrder(_Part):
    """One order line still short now: what planning owes, and when it said it comes."""

    order_ref: str
    customer_code: str
    line_no: int
    product_code: str
    qty: Decimal
    eta: date | None = None


class ClaimFigures(_Part):
    opened: int = 0
    closed: int = 0
    open_by_state: dict[str, int] = {}  # now


class OrdersFinished(_Part):
    delivered: int = 0
    closed: int = 0


class NewStore(_Part):
    """A store opening created in the period (the new-store lifecycle's ``store_openings`` table)."""

    ref: str
    customer_code: str | None = None
    order_ref: str | None = None  # the store's first order, once known
    state: str | None = None
    created_at: datetime | None = None


class Report(_Part):
    kind: ReportKind
    period_start: date  # local dates of the business, both inclusive
    period_end: date
    zone: str
    generated_at: datetime
    recipients: tuple[str, ...] = ()
    orders_received: OrdersReceived = OrdersReceived()
    late_confirmations: tuple[LateConfirmation, ...] = ()
    open_back_orders: tuple[BackOrder, ...] = ()
    claims: ClaimFigures = ClaimFigures()
    breaches_by_rule: dict[str, int] = {}
    orders_finished: OrdersFinished = OrdersFinished()
    new_stores: tuple[NewStore, ...] = ()

    @property
    def ref(self) -> str:
        """What names the report in the outbox, logs and mail subjects: ``weekly-2026-02-23``."""
        return f"{self.kind}-{self.period_start.isoformat()}"


# --- periods (pure) -------------------------------------------------------------------------

def previous_period(kind: ReportKind, day: date) -> tuple[date, date]:
    """The whole period before the one containing the local date ``day``."""
    if kind == "weekly":
        monday = day - timedelta(days=day.weekday())
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if kind == "monthly":
        last = day.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    raise ValueError(f"unknown report kind {kind!r}")


def period_for(kind: ReportKind, now: datetime, calendar: BusinessCalendar) -> tuple[date, date]:
    """The period a report made at ``now`` covers: the previous Monday–Sunday week or calendar month,
    counted in the business's time zone (Sunday 23:00 in Shanghai is still that week)."""
    return previous_period(kind, now.astimezone(calendar.zone).date())


def bounds(period_start: date, period_end: date, calendar: BusinessCalendar) -> tuple[datetime, datetime]:
    """[first local midnight, local midnight after the last day) as UTC."""
    start = datetime.combine(period_start, time(0), calendar.zone)
    end = datetime.combine(period_end + timedelta(days=1), time(0), calendar.zone)
    return start.astimezone(UTC), end.astimezone(UTC)


# --- the figures ----------------------------------------------------------------------------

ORDER_FINAL = tuple(sorted(LIFECYCLES["order"].terminal))


def _entered(entity: str, state: str, start: datetime, end: datetime) -> Any:
    """How many entities entered ``state`` in [start, end): a state kept by an event
    (``delivered → delivered``) is no new arrival."""
    return (sa.select(sa.func.count(sa.distinct(timeline.c.ref)))
            .where(timeline.c.entity == entity, timeline.c.state == state, timeline.c.at >= start,
                   timeline.c.at < end,
                   sa.or_(timeline.c.previous.is_(None), timeline.c.previous != timeline.c.state)))


async def _grouped(conn: Any, query: Any) -> dict[str, int]:
    return {str(key if key is not None else "-"): int(n) for key, n in (await conn.execute(query)).all()}


async def _orders_received(conn: Any, start: datetime, end: datetime) -> OrdersReceived:
    period = sa.and_(orders.c.created_at >= start, orders.c.created_at < end)
    joined = orders.outerjoin(customers, customers.c.code == orders.c.customer_code)
    by_grade = await _grouped(conn, sa.select(customers.c.grade, sa.func.count()).select_from(joined)
                              .where(period).group_by(customers.c.grade))
    by_channel = await _grouped(conn, sa.select(orders.c.source, sa.func.count()).where(period)
                                .group_by(orders.c.source))
    return OrdersReceived(count=sum(by_channel.values()), by_grade=by_grade, by_channel=by_channel)


async def _late_confirmations(conn: Any, start: datetime, end: datetime) -> tuple[LateConfirmation, ...]:
    query = (sa.select(timers.c.ref, orders.c.customer_code, timers.c.due_at, timers.c.closed_at)
             .select_from(timers.outerjoin(orders, orders.c.ref == timers.c.ref))
             .where(timers.c.rule == "send_confirmation", timers.c.entity == "order", timers.c.state == "breached",
                    timers.c.closed_at >= start, timers.c.closed_at < end)
             .order_by(timers.c.closed_at, timers.c.ref))
    return tuple(LateConfirmation(order_ref=ref, customer_code=code, due_at=due, breached_at=breached)
                 for ref, code, due, breached in (await conn.execute(query)).all())


async def _open_back_orders(conn: Any) -> tuple[BackOrder, ...]:
    # Lines are JSON: read the open orders' lines and pick the short ones here, the same on SQLite
    # and PostgreSQL. Once a week or month, over the orders not yet finished.
    query = (sa.select(orders.c.ref, orders.c.customer_code, orders.c.lines)
             .where(orders.c.state.not_in(ORDER_FINAL)).order_by(orders.c.ref))
    out = []
    for ref, code, lines in (await conn.execute(query)).all():
        for line in lines:
            qty = Decimal(str(line.get("back_order_qty") or 0))
            if qty > 0:
                eta = line.get("back_order_eta")
                out.append(BackOrder(order_ref=ref, customer_code=code, line_no=line["line_no"],
                                     product_code=line["product_code"], qty=qty,
                                     eta=date.fromisoformat(str(eta)) if eta else None))
    return tuple(sorted(out, key=lambda b: (b.eta is None, b.eta or date.max, b.order_ref, b.line_no)))


async def _claims(conn: Any, start: datetime, end: datetime) -> ClaimFigures:
    opened = await conn.scalar(sa.select(sa.func.count()).select_from(claims)
                               .where(claims.c.created_at >= start, claims.c.created_at < end))
    closed = await conn.scalar(_entered("claim", "closed", start, end))
    open_now = await _grouped(conn, sa.select(claims.c.state, sa.func.count())
                              .where(claims.c.state.not_in(sorted(LIFECYCLES["claim"].terminal)))
                              .group_by(claims.c.state))
    return ClaimFigures(opened=opened or 0, closed=closed or 0, open_by_state=dict(sorted(open_now.items())))


async def _breaches(conn: Any, start: datetime, end: datetime) -> dict[str, int]:
    query = (sa.select(timers.c.rule, sa.func.count())
             .where(timers.c.state == "breached", timers.c.closed_at >= start, timers.c.closed_at < end)
             .group_by(timers.c.rule))
    return dict(sorted((await _grouped(conn, query)).items()))


async def _finished(conn: Any, start: datetime, end: datetime) -> OrdersFinished:
    return OrdersFinished(delivered=await conn.scalar(_entered("order", "delivered", start, end)) or 0,
                          closed=await conn.scalar(_entered("order", "closed", start, end)) or 0)


STORE_COLUMNS = ("ref", "customer_code", "order_ref", "state", "created_at")


async def _new_stores(conn: Any, start: datetime, end: datetime) -> tuple[NewStore, ...]:
    """Store openings created in the period, once the new-store lifecycle's table exists (migration
    0007); before that, none. Inspected, not imported: this module must not wait for that table."""
    def columns(sync: sa.Connection) -> set[str]:
        inspector = sa.inspect(sync)
        if not inspector.has_table("store_openings"):
            return set()
        return {c["name"] for c in inspector.get_columns("store_openings")}

    present = await conn.run_sync(columns)
    if not {"ref", "created_at"} <= present:
        return ()
    table = sa.table("store_openings", *(sa.column(name, UTCDateTime if name == "created_at" else sa.String)
                                         for name in STORE_COLUMNS if name in present))
    query = (sa.select(table).where(table.c.created_at >= start, table.c.created_at < end)
             .order_by(table.c.created_at, table.c.ref))
    return tuple(NewStore.model_validate(dict(row)) for row in (await conn.execute(query)).mappings())


async def build_report(conn: Any, kind: ReportKind, period_start: date, period_end: date,
                       calendar: BusinessCalendar, *, now: datetime | None = None,
                       recipients: tuple[str, ...] = ()) -> Report:
    """The report of [period_start, period_end] (local dates), as the tables say at ``now``."""
    start, end = bounds(period_start, period_end, calendar)
    return Report(kind=kind, period_start=period_start, period_end=period_end, zone=calendar.zone.key,
                  generated_at=now or datetime.now(UTC), recipients=tuple(recipients),
                  orders_received=await _orders_received(conn, start, end),
                  late_confirmations=await _late_confirmations(conn, start, end),
                  open_back_orders=await _open_back_orders(conn),
                  claims=await _claims(conn, start, end),
                  breaches_by_rule=await _breaches(conn, start, end),
                  orders_finished=await _finished(conn, start, end),
                  new_stores=await _new_stores(conn, start, end))
