"""When the periodic reports are made, and that each is made once: stored, then handed to the plugins.

A report is due once the local time passed its moment in the current period (``[reports]``:
Monday ``weekly_at``, ``monthly_day`` at ``monthly_at``); it covers the period before. A worker
that was down at that moment makes it when it comes back, for the latest period only.

Exactly once per (kind, period), however many workers: the INSERT into ``reports`` with the
unique (kind, period_start) is the claim, and ``hub_report_ready`` goes into the outbox in the
same transaction, so the handoff exists if and only if this worker's row does. The report is
built before that transaction, on a read connection: SQLite's one writer is not held while the
figures are counted. Two workers racing may both count; only one stores and sends.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from hub.core.config import ReportKind, ReportSettings
from hub.core.logging import get_logger
from hub.core.reports import KINDS, Report, build_report, previous_period
from hub.core.store.tables import reports

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from hub.core.business_days import BusinessCalendar
    from hub.core.service import Hub

HOOK = "hub_report_ready"
log = get_logger()


def _offset(kind: ReportKind, settings: ReportSettings) -> timedelta:
    """How long after its period's first local midnight a report is made."""
    at = settings.weekly_at if kind == "weekly" else settings.monthly_at
    days = 0 if kind == "weekly" else settings.monthly_day - 1
    return timedelta(days=days, hours=at.hour, minutes=at.minute, seconds=at.second)


def due_period(kind: ReportKind, now: datetime, settings: ReportSettings,
               calendar: BusinessCalendar) -> tuple[date, date]:
    """The latest period whose report was due by ``now``: on Monday 07:59 that is still the week
    before last (last week's is made at 08:00)."""
    # Wall-clock arithmetic on the local time: "08:00" stays 08:00 across a DST change.
    local = now.astimezone(calendar.zone).replace(tzinfo=None) - _offset(kind, settings)
    return previous_period(kind, local.date())


async def stored(conn: AsyncConnection, kind: str, period_start: date) -> bool:
    query = sa.select(reports.c.id).where(reports.c.kind == kind, reports.c.period_start == period_start)
    return (await conn.execute(query)).first() is not None


async def load(hub: Hub, kind: ReportKind, period_start: date) -> Report | None:
    """The stored report of a period: what its recipients were sent."""
    query = sa.select(reports.c.body).where(reports.c.kind == kind, reports.c.period_start == period_start)
    async with hub.engine.connect() as conn:
        body = (await conn.execute(query)).scalar()
    return None if body is None else Report.model_validate(body)


async def build(hub: Hub, kind: ReportKind, period: tuple[date, date]) -> Report:
    """The report of ``period`` as the tables say now, for the configured recipients (nothing stored)."""
    async with hub.engine.connect() as conn:
        return await build_report(conn, kind, *period, hub.config.calendar.business_calendar, now=hub.clock.now(),
                                  recipients=hub.config.reports.recipients_of(kind))


async def store_and_send(hub: Hub, report: Report, actor: str = "reports") -> bool:
    """Store ``report`` and queue ``hub_report_ready``, unless its period's report already is:
    True when this call did it."""
    body = report.model_dump(mode="json")
    async with hub.unit(actor) as tx:
        dialect = postgresql if tx.postgres else sqlite
        claim = (dialect.insert(reports)
                 .values(kind=report.kind, period_start=report.period_start, period_end=report.period_end,
                         generated_at=report.generated_at, body=body)
                 .on_conflict_do_nothing(index_elements=["kind", "period_start"]).returning(reports.c.id))
        row = (await tx.conn.execute(claim)).first()
        if row is None:
            return False  # another worker (or an earlier --send) stored this period's report
        await tx.hook(HOOK, entity="report", ref=report.ref, order_ref=None, payload={"report": body})
    log.info("report.stored", kind=report.kind, period_start=report.period_start.isoformat(),
             period_end=report.period_end.isoformat(), report_id=row[0], actor=actor)
    return True


async def generate(hub: Hub, kind: ReportKind, period: tuple[date, date], actor: str = "reports") -> Report | None:
    """Make, store and send the report of ``period`` once; None when it already exists."""
    async with hub.engine.connect() as conn:
        if await stored(conn, kind, period[0]):
            return None
    report = await build(hub, kind, period)
    return report if await store_and_send(hub, report, actor) else None


class ReportSchedule:
    """The worker's loop step: make the reports that came due. Remembers the periods it saw
    stored, so a steady worker asks the database nothing until the next period."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.done: set[tuple[str, date]] = set()

    async def run_due(self) -> int:
        settings = self.hub.config.reports
        if not settings.enabled:
            return 0
        made = 0
        for kind in KINDS:
            period = due_period(kind, self.hub.clock.now(), settings, self.hub.config.calendar.business_calendar)
            if (kind, period[0]) in self.done:
                continue
            made += await generate(self.hub, kind, period) is not None
            self.done.add((kind, period[0]))  # made here or elsewhere: stored either way
        return made
