"""notify.smtp sends the periodic reports (000) to their recipients through a real SMTP server
(aiosmtpd, STARTTLS and AUTH), from reports the real core made and handed off through its outbox."""
from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from notify_helpers import build, make_ctx, run_hook

from hub import PermanentError
from hub.core import report_schedule
from hub.core.report_schedule import ReportSchedule
from hub.core.runtime import Runtime

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "core"))
from test_reports import a_week_of_business  # noqa: E402 - the week the core report tests count

SHANGHAI = ZoneInfo("Asia/Shanghai")
STATS = "stats@furniture.example"
SALES = "sales.head@furniture.example"


def shanghai(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def smtp(relay, certificate, monkeypatch):
    monkeypatch.setenv("HUB_SMTP_PASSWORD", "secret")
    return {"host": "127.0.0.1", "port": relay.port, "security": "starttls", "ca_file": str(certificate[0]),
            "username": "hub", "password": {"env": "HUB_SMTP_PASSWORD"},
            "sender": "Hub <hub@furniture.example>", "roles": {"planning_statistician": [STATS]}}


async def test_the_schedule_mails_each_report_to_its_recipients_in_chinese_with_tables(relay, smtp, make_hub,
                                                                                     clock):
    # given a hub with notify.smtp whose monthly report also goes to the head of sales by address
    hub = await make_hub(plugins={"enabled": ["notify.smtp"], "notify.smtp": smtp},
                         reports={"recipients": {"monthly": ["planning_statistician", SALES]}})
    await a_week_of_business(hub, clock)
    # when the worker's schedule runs on Monday 9 March 08:00 and the dispatcher hands off
    clock.set(shanghai(2026, 3, 9, 8, 0))
    assert await ReportSchedule(hub).run_due() == 2
    await Runtime(hub).settle()
    # then the statistician got the weekly and the monthly report, the head of sales the monthly one
    assert sorted((mail["Subject"], tuple(rcpts)) for rcpts, mail in relay.received) == [
        ("周报表 2026-03-02 至 2026-03-08", (STATS,)), ("月报表 2026-02-01 至 2026-02-28", (SALES,)),
        ("月报表 2026-02-01 至 2026-02-28", (STATS,))]
    weekly = next(mail for _, mail in relay.received if mail["Subject"].startswith("周"))
    assert weekly["Content-Language"] == "zh-CN" and weekly["Auto-Submitted"] == "auto-generated"
    text = weekly.get_body(("plain",)).get_content().replace("\r\n", "\n")
    for expected in ("2026-03-02 至 2026-03-08（当地时间，Asia/Shanghai）的周报表", "收到的订单:\n  合计 合计; 数量 4",
                     "订单确认书逾期:\n  订单 SO-1; 客户 C-B; 应完成时间 2026-03-03 10:00 (Asia/Shanghai)",
                     "未结欠货（当前）:\n  订单 SO-2; 行 1; 产品 OAK-TABLE; 数量 2; 预计到货 2026-03-20",
                     "超时（按规则）:\n  规则 send_confirmation; 数量 1", "新开店:\n  无"):
        assert expected in text, expected
    page = weekly.get_body(("html",)).get_content()
    assert page.count("<table") == 9  # every section but the empty new stores
    assert ">SO-2</td>" in page and ">OAK-TABLE</td>" in page and "<h3>未结欠货（当前）</h3>" in page
    # and nothing goes twice: the handoffs are done
    await Runtime(hub).settle()
    assert len(relay.received) == 3


async def test_an_english_hub_gets_the_english_letter_and_a_redelivery_sends_nothing(relay, smtp, make_hub,
                                                                                    clock, ledger):
    # given a report the core built, and notify.smtp with English internal notices
    hub = await make_hub()
    await a_week_of_business(hub, clock)
    report = await report_schedule.build(hub, "weekly", (date(2026, 3, 2), date(2026, 3, 8)))
    pm = build("smtp", {**smtp, "internal_language": "en"})
    # when it is delivered twice (a retried handoff)
    for _ in range(2):
        await run_hook(pm, "hub_report_ready", make_ctx("notify.smtp", ledger, key="report-k"), ledger,
                       report=report)
    # then one mail, in English
    [(recipients, mail)] = relay.received
    assert recipients == [STATS] and mail["Subject"] == "Weekly report 2026-03-02 – 2026-03-08"
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")  # 7bit: the wire's CRLF
    assert "Late order confirmations:\n  Order SO-1; Customer C-B; Due 2026-03-03 10:00 (Asia/Shanghai)" in text
    assert "<th" in mail.get_body(("html",)).get_content()


async def test_a_report_nobody_has_an_address_for_is_a_dead_letter(relay, smtp, make_hub, clock):
    hub = await make_hub(reports={"recipients": {"weekly": ["sales_head"]}})
    report = await report_schedule.build(hub, "weekly", (date(2026, 3, 2), date(2026, 3, 8)))
    with pytest.raises(PermanentError, match="no address for the weekly report's recipients sales_head"):
        await run_hook(build("smtp", smtp), "hub_report_ready", make_ctx("notify.smtp"), report=report)
    assert relay.received == []
