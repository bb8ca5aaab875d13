"""The periodic reports of seed 000: their periods in Shanghai time, their figures from the real
service, made exactly once per period however many sweeps race, and the `hub report` command."""
from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from hub.core import report_schedule
from hub.core.business_days import BusinessCalendar
from hub.core.clock import FakeClock
from hub.core.config import HubConfig, ReportSettings, load_config
from hub.core.domain.inputs import NewClaim, NewCustomer, NewOrder, NewShipment
from hub.core.errors import ConfigError
from hub.core.plugins import build_plugin_manager
from hub.core.report_schedule import ReportSchedule, due_period
from hub.core.reports import BackOrder, Report, build_report, period_for
from hub.core.runtime import Runtime
from hub.core.service import Hub
from hub.core.store.db import make_engine, upgrade
from hub.core.store.tables import deliveries, outbox_events, reports
from hub.core.store.types import UTCDateTime

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALENDAR = BusinessCalendar()
SANDBOX = {"enabled": ["notify.sandbox"]}
LINE = {"product_code": "OAK-TABLE", "spec": "oak, 180 cm", "qty": 3, "unit_price": "2600"}
CONTACT = {"phone": "+86 138 0000 0000", "address": "88 Harbour Rd, Ningbo"}


def shanghai(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI).astimezone(UTC)


# --- periods ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "now", "period", "why"), [
    ("weekly", shanghai(2026, 1, 5, 4, 0), (date(2025, 12, 29), date(2026, 1, 4)),
     "Monday 04:00 in Shanghai is still Sunday in UTC: the week that just ended spans the year end"),
    ("weekly", shanghai(2026, 1, 4, 23, 30), (date(2025, 12, 22), date(2025, 12, 28)),
     "Sunday 23:30 in Shanghai: that week is not over, the one before is reported"),
    ("weekly", shanghai(2026, 3, 2, 8, 0), (date(2026, 2, 23), date(2026, 3, 1)), "an ordinary Monday"),
    ("monthly", shanghai(2026, 1, 1, 0, 30), (date(2025, 12, 1), date(2025, 12, 31)),
     "00:30 on 1 January in Shanghai is 31 December in UTC: December is over"),
    ("monthly", shanghai(2025, 12, 31, 23, 59), (date(2025, 11, 1), date(2025, 11, 30)), "December is not"),
    ("monthly", shanghai(2024, 3, 1, 8, 0), (date(2024, 2, 1), date(2024, 2, 29)), "a leap February"),
])
def test_the_period_is_the_previous_week_or_month_in_the_business_time_zone(kind, now, period, why):
    assert period_for(kind, now, CALENDAR) == period, why


@pytest.mark.parametrize(("kind", "now", "period"), [
    ("weekly", shanghai(2026, 3, 2, 7, 59), (date(2026, 2, 16), date(2026, 2, 22))),  # last week's is due at 08:00
    ("weekly", shanghai(2026, 3, 2, 8, 0), (date(2026, 2, 23), date(2026, 3, 1))),
    ("weekly", shanghai(2026, 3, 8, 23, 0), (date(2026, 2, 23), date(2026, 3, 1))),  # all week long
    ("monthly", shanghai(2026, 1, 1, 7, 59), (date(2025, 11, 1), date(2025, 11, 30))),
    ("monthly", shanghai(2026, 1, 1, 8, 0), (date(2025, 12, 1), date(2025, 12, 31))),
])
def test_a_report_is_due_from_its_local_moment_on(kind, now, period):
    assert due_period(kind, now, ReportSettings(), CALENDAR) == period


def test_a_later_monthly_day_reports_the_month_before_it():
    settings = ReportSettings(monthly_day=5, monthly_at="09:30")
    assert due_period("monthly", shanghai(2026, 3, 5, 9, 29), settings, CALENDAR) == (date(2026, 1, 1),
                                                                                      date(2026, 1, 31))
    assert due_period("monthly", shanghai(2026, 3, 5, 9, 30), settings, CALENDAR) == (date(2026, 2, 1),
                                                                                      date(2026, 2, 28))


@pytest.mark.parametrize(("reports", "message"), [
    ({"recipients": {"weekly": []}}, "recipients.weekly: name who receives the weekly report"),
    ({"recipients": {"daily": ["x"]}}, "reports.recipients.daily: Extra inputs are not permitted"),
    ({"weekly_at": "08:00+08:00"}, "reports.weekly_at: Value error, a local time without an offset"),
    ({"monthly_day": 31}, "reports.monthly_day: Input should be less than or equal to 28"),
    ({"weekly_day": 1}, "reports.weekly_day: Extra inputs are not permitted"),
])
def test_the_reports_section_is_validated_at_start_up(tmp_path, reports, message):
    lines = [f"{key} = {json.dumps(value)}" for key, value in reports.items() if key != "recipients"]
    lines += [f"recipients.{kind} = {json.dumps(names)}" for kind, names in reports.get("recipients", {}).items()]
    (tmp_path / "hub.toml").write_text("[reports]\n" + "\n".join(lines) + "\n")
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("+", r"\+")):
        load_config(tmp_path / "hub.toml")


def test_the_defaults_follow_the_seed_and_recipients_merge_per_kind():
    settings = HubConfig(reports={"recipients": {"weekly": ["stats@furniture.example"]}}).reports
    assert (settings.weekly_at.isoformat(), settings.monthly_day, settings.monthly_at.isoformat()) == \
        ("08:00:00", 1, "08:00:00")
    assert settings.recipients_of("weekly") == ("stats@furniture.example",)
    assert settings.recipients_of("monthly") == ("planning_statistician", "sales_head", "marketing_head",
                                                 "marketing_centre_head")
    assert HubConfig(reports={"enabled": False, "recipients": {"weekly": []}}).reports.enabled is False


# --- figures from the real service ------------------------------------------------------------

async def to_delivered(hub: Hub, ref: str) -> None:
    for event, data in [("reviewed", {}), ("confirmation_sent", {}), ("confirmation_received", {}),
                        ("payment_received", {"amount": "7800"}), ("finance_approved", {"erp_ref": f"E-{ref}"})]:
        await hub.apply("order", ref, event, data)
    await hub.create_shipment(ref, NewShipment(ref=f"SH-{ref}", carrier="sandbox", tracking_number=f"T-{ref}"))
    await hub.apply("shipment", f"SH-{ref}", "delivered")


async def a_week_of_business(hub: Hub, clock: FakeClock) -> None:
    """The week of Monday 2 March 2026 (Shanghai), with one order of the week before."""
    clock.set(shanghai(2026, 2, 24, 10))
    await hub.create_customer(NewCustomer(code="C-A", name="Qian Home Store", grade="A"))
    await hub.create_customer(NewCustomer(code="C-B", name="Zhang Furniture Trading", grade="B"))
    await hub.create_order(NewOrder(ref="SO-0", customer_code="C-B", lines=[LINE], contact=CONTACT))
    await hub.apply("order", "SO-0", "cancelled", {"reason": "changed plans"})
    clock.set(shanghai(2026, 3, 2, 10))
    for ref, code, source in [("SO-1", "C-B", "api"), ("SO-2", "C-A", "shop"), ("SO-3", "C-B", "api"),
                              ("SO-4", "C-A", "api")]:
        await hub.create_order(NewOrder(ref=ref, customer_code=code, lines=[LINE], contact=CONTACT, source=source))
    # SO-1: nobody sends its confirmation (1 working day). SO-2: 2 of 3 tables back-ordered to 20 March.
    await hub.apply("order", "SO-2", "reviewed", {"lines": [{"line_no": 1, "available_qty": "1",
                                                             "back_order_eta": "2026-03-20"}]})
    await hub.apply("order", "SO-2", "confirmation_sent")
    # SO-3 delivered with a damage claim open and a shortage claim withdrawn; SO-4 delivered and closed.
    await to_delivered(hub, "SO-3")
    await hub.open_claim(NewClaim(ref="CL-1", order_ref="SO-3", kind="damage", amount_claimed=Decimal("800")))
    await hub.open_claim(NewClaim(ref="CL-2", order_ref="SO-3", kind="shortage", amount_claimed=Decimal("50")))
    await hub.apply("claim", "CL-2", "withdrawn", {"reason": "found in the second box"})
    await to_delivered(hub, "SO-4")
    await hub.apply("order", "SO-4", "inspection_passed")
    clock.set(shanghai(2026, 3, 3, 11))  # Tuesday: SO-1's confirmation was due at 10:00
    await hub.fire_due_timers()


async def test_the_weekly_report_counts_what_the_service_recorded(engine, make_hub, clock):
    # given a week of orders, a late confirmation, a back order, deliveries and claims
    hub = await make_hub(engine)
    await a_week_of_business(hub, clock)
    # when the week is reported
    async with hub.engine.connect() as conn:
        report = await build_report(conn, "weekly", date(2026, 3, 2), date(2026, 3, 8), CALENDAR, now=clock.now(),
                                    recipients=("planning_statistician",))
    # then
    received = report.orders_received
    assert (received.count, received.by_grade, received.by_channel) == (4, {"A": 2, "B": 2}, {"api": 3, "shop": 1})
    [late] = report.late_confirmations
    assert (late.order_ref, late.customer_code, late.due_at, late.breached_at) == \
        ("SO-1", "C-B", shanghai(2026, 3, 3, 10), shanghai(2026, 3, 3, 11))
    assert report.breaches_by_rule == {"send_confirmation": 1}
    assert report.open_back_orders == (BackOrder(order_ref="SO-2", customer_code="C-A", line_no=1,
                                                 product_code="OAK-TABLE", qty=Decimal(2), eta=date(2026, 3, 20)),)
    assert (report.claims.opened, report.claims.closed, report.claims.open_by_state) == (2, 1, {"opened": 1})
    assert (report.orders_finished.delivered, report.orders_finished.closed) == (2, 1)
    assert report.new_stores == ()  # no store opening in the week, whether or not the table exists yet
    # and the week before saw only SO-0, cancelled: its own report says so
    async with hub.engine.connect() as conn:
        before = await build_report(conn, "weekly", date(2026, 2, 23), date(2026, 3, 1), CALENDAR, now=clock.now())
    assert (before.orders_received.count, before.late_confirmations, before.claims.opened) == (1, (), 0)
    # and the report survives the outbox's JSON unchanged
    assert Report.model_validate(json.loads(report.model_dump_json())) == report


async def test_new_stores_are_listed_once_their_table_exists_and_empty_before(sqlite_engine):
    # given the schema as of 0006: no store_openings table yet (migration 0007 adds it)
    await upgrade(sqlite_engine, "0006")
    async with sqlite_engine.connect() as conn:
        report = await build_report(conn, "weekly", date(2026, 3, 2), date(2026, 3, 8), CALENDAR)
    assert report.new_stores == ()
    # when the table appears with store openings in and out of the week
    table = sa.Table("store_openings", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("ref", sa.String(64)), sa.Column("customer_code", sa.String(64)),
                     sa.Column("state", sa.String(32)), sa.Column("created_at", UTCDateTime))
    async with sqlite_engine.begin() as conn:
        await conn.run_sync(table.create)
        await conn.execute(table.insert(), [
            {"ref": "ST-1", "customer_code": "C-A", "state": "received", "created_at": shanghai(2026, 3, 8, 23)},
            {"ref": "ST-0", "customer_code": "C-B", "state": "received", "created_at": shanghai(2026, 3, 1, 23)}])
    async with sqlite_engine.connect() as conn:
        report = await build_report(conn, "weekly", date(2026, 3, 2), date(2026, 3, 8), CALENDAR)
    # then the week's opening is listed (Sunday 23:00 in Shanghai is in the week)
    assert [(s.ref, s.customer_code, s.state, s.created_at) for s in report.new_stores] == \
        [("ST-1", "C-A", "received", shanghai(2026, 3, 8, 23))]
    await sqlite_engine.dispose()


# --- the schedule: exactly once -----------------------------------------------------------------

async def report_rows(hub: Hub) -> list[tuple[str, date]]:
    async with hub.engine.connect() as conn:
        return [tuple(r) for r in await conn.execute(sa.select(reports.c.kind, reports.c.period_start)
                                                      .order_by(reports.c.kind, reports.c.period_start))]


async def handoffs(hub: Hub) -> list[tuple[str, str, str]]:
    async with hub.engine.connect() as conn:
        query = (sa.select(outbox_events.c.ref, deliveries.c.plugin, deliveries.c.state)
                 .join(deliveries, deliveries.c.event_id == outbox_events.c.id)
                 .where(outbox_events.c.hook == "hub_report_ready").order_by(outbox_events.c.ref))
        return [tuple(r) for r in await conn.execute(query)]


async def test_two_sweeps_racing_make_one_report_and_one_handoff(engine, make_hub, clock, tmp_path):
    # given two workers on one database, on Monday 08:00 in Shanghai
    first, second = await make_hub(engine, plugins=SANDBOX), await make_hub(engine, plugins=SANDBOX)
    await a_week_of_business(first, clock)
    clock.set(shanghai(2026, 3, 9, 8, 0))
    # when both sweep at once, twice
    made = await asyncio.gather(ReportSchedule(first).run_due(), ReportSchedule(second).run_due())
    again = await asyncio.gather(ReportSchedule(first).run_due(), ReportSchedule(second).run_due())
    # then last week's and last month's reports exist once each, each handed off once
    assert sum(made) == 2 and again == [0, 0]
    assert await report_rows(first) == [("monthly", date(2026, 2, 1)), ("weekly", date(2026, 3, 2))]
    assert await handoffs(first) == [("monthly-2026-02-01", "notify.sandbox", "pending"),
                                     ("weekly-2026-03-02", "notify.sandbox", "pending")]
    # and the sandbox records the weekly report for planning's statistician
    await Runtime(first).settle()
    assert [s for _, _, s in await handoffs(first)] == ["done", "done"]
    letters = [json.loads(p.read_text()) for p in (tmp_path / "data" / "notify-outbox").glob("*.json")]
    weekly = next(m for m in letters if m["milestone"] == "report_ready" and "weekly" in m["subject"])
    assert weekly["to"] == "role:planning_statistician"
    assert weekly["subject"] == "weekly report 2026-03-02 – 2026-03-08"
    assert "Orders received 4, delivered 2, closed 1; late confirmations 1; open back orders 1" in weekly["body"]


async def test_two_stores_of_one_built_report_claim_the_period_once(engine, make_hub, clock):
    # given two workers that both counted the week before either stored it
    first, second = await make_hub(engine, plugins=SANDBOX), await make_hub(engine, plugins=SANDBOX)
    clock.set(shanghai(2026, 3, 9, 8, 0))
    period = (date(2026, 3, 2), date(2026, 3, 8))
    built = [await report_schedule.build(hub, "weekly", period) for hub in (first, second)]
    # when both store at once
    stored = await asyncio.gather(*(report_schedule.store_and_send(hub, report)
                                    for hub, report in zip((first, second), built, strict=True)))
    # then one insert won; the other queued nothing
    assert sorted(stored) == [False, True]
    assert await report_rows(first) == [("weekly", date(2026, 3, 2))]
    assert await handoffs(first) == [("weekly-2026-03-02", "notify.sandbox", "pending")]


async def test_the_schedule_waits_for_its_moment_and_can_be_turned_off(make_hub, clock):
    hub = await make_hub(plugins=SANDBOX, reports={"weekly_at": "08:30", "monthly_day": 3})
    schedule = ReportSchedule(hub)
    clock.set(shanghai(2026, 3, 2, 8, 29))  # Monday, before 08:30: the week before last and January are due
    assert await schedule.run_due() == 2
    clock.set(shanghai(2026, 3, 2, 8, 30))
    assert await schedule.run_due() == 1  # last week's now; February's waits for the 3rd
    clock.set(shanghai(2026, 3, 3, 8, 30))
    assert await schedule.run_due() == 1 and await schedule.run_due() == 0
    assert await report_rows(hub) == [("monthly", date(2026, 1, 1)), ("monthly", date(2026, 2, 1)),
                                      ("weekly", date(2026, 2, 16)), ("weekly", date(2026, 2, 23))]
    off = await make_hub(plugins=SANDBOX, reports={"enabled": False})
    clock.set(shanghai(2026, 3, 9, 9, 0))
    assert await ReportSchedule(off).run_due() == 0


# --- hub report ---------------------------------------------------------------------------------

def cli_setup(tmp_path: Path) -> Path:
    """A hub.toml on a SQLite file holding the week of 2 March, written through the service."""
    db = tmp_path / "hub.sqlite3"
    config = tmp_path / "hub.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\ndatabase_url = "sqlite+aiosqlite:///{db}"\n'
                      '[plugins]\nenabled = ["notify.sandbox"]\n')

    async def fill() -> None:
        cfg = load_config(config)
        clock = FakeClock()
        hub = Hub(cfg, build_plugin_manager(cfg), clock=clock, engine=make_engine(cfg.db_url))
        await hub.start()
        try:
            await a_week_of_business(hub, clock)
        finally:
            await hub.close()

    asyncio.run(fill())
    return config


def rows_of(config: Path) -> list[tuple[str, str]]:
    async def read() -> list[tuple[str, str]]:
        engine = make_engine(load_config(config).db_url)
        try:
            async with engine.connect() as conn:
                return [(r.kind, str(r.period_start)) for r in await conn.execute(sa.select(reports))]
        finally:
            await engine.dispose()
    return asyncio.run(read())


def test_hub_report_prints_the_week_before_the_date_as_text_and_json(tmp_path, capsys):
    from hub.cli import main
    config = cli_setup(tmp_path)
    # when ops ask for the weekly report as of Monday 9 March (any day of that week gives the same)
    assert main(["--config", str(config), "report", "weekly", "--at", "2026-03-11"]) == 0
    text = capsys.readouterr().out
    # then the week of 2 March is printed, nothing is stored
    assert text.startswith("weekly report 2026-03-02 – 2026-03-08 (Asia/Shanghai)")
    for line in ("orders received: 4", "  by grade:   A 2, B 2", "  by channel: api 3, shop 1",
                 "orders delivered: 2   closed: 1", "late confirmations (send_confirmation breached): 1",
                 "  SO-1                 C-B            due 2026-03-03 10:00  breached 2026-03-03 11:00",
                 "  SO-2                 line 1   OAK-TABLE        qty 2  eta 2026-03-20",
                 "claims opened: 2   closed: 1", "  open now by state: opened 1",
                 "timer breaches by rule: send_confirmation 1", "new stores: 0"):
        assert line in text.splitlines(), line
    assert main(["--config", str(config), "report", "monthly", "--at", "2026-04-01", "--json"]) == 0
    report = Report.model_validate(json.loads(capsys.readouterr().out))
    assert (report.kind, report.period_start, report.period_end) == ("monthly", date(2026, 3, 1), date(2026, 3, 31))
    assert report.orders_received.count == 4 and report.recipients[0] == "planning_statistician"
    assert rows_of(config) == []


def test_hub_report_send_stores_and_queues_it_once(tmp_path, capsys):
    from hub.cli import main
    config = cli_setup(tmp_path)
    args = ["--config", str(config), "report", "weekly", "--at", "2026-03-09", "--send", "--json"]
    assert main(args) == 0
    sent = capsys.readouterr()
    assert "hub report weekly-2026-03-02: stored and queued hub_report_ready for notify.sandbox" in sent.err
    assert main(args) == 0
    again = capsys.readouterr()
    assert "hub report weekly-2026-03-02: already stored: nothing queued" in again.err
    # the second run shows what was sent, not a recount
    assert json.loads(again.out) == json.loads(sent.out)
    assert rows_of(config) == [("weekly", "2026-03-02")]


def test_hub_report_refuses_a_bad_date(capsys):
    from hub.cli import main
    with pytest.raises(SystemExit):
        main(["report", "weekly", "--at", "9 March"])
    assert "a date, YYYY-MM-DD" in capsys.readouterr().err
