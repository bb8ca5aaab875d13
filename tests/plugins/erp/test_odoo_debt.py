"""erp.odoo's debt check (004: 财会部评估客户欠款情况): the partner's Total Receivable (``credit``) and its overdue
journal items, as pure mapping on Odoo's payloads and against the local fake over JSON-2 and JSON-RPC."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from aiohttp.test_utils import TestServer

from fakes.hub_objects import CUSTOMER, deliver, make_ctx, make_order, make_proposed_claim, manager
from fakes.odoo import FakeOdoo
from hub import PermanentError, PluginConfigurationError, TransientError
from plugins.erp.common.debt import CustomerDebt
from plugins.erp.odoo import mapping

SPEC = "plugins.erp.odoo:SPEC"
SETTLEMENT = "hub_claim_settlement_proposed"
TODAY = date(2026, 11, 22)  # make_ctx's now, 09:30 UTC, is the same day in Shanghai


# -- pure: Odoo's read and search_read payloads → the hub's reply --------------------------------

def test_the_partners_credit_and_the_overdue_residuals_become_the_reply():
    partner = {"id": 7, "credit": 1234.5, "currency_id": [6, "CNY"]}
    overdue = [{"id": 31, "amount_residual": 200.0}, {"id": 32, "amount_residual": -50.0}]
    debt = mapping.customer_debt(partner, overdue, "EUR")
    assert debt == CustomerDebt(Decimal("1234.5"), Decimal("150.0"), "CNY")
    assert debt.reply("odoo") == {"open_balance": "1234.50", "overdue": "150.00", "currency": "CNY", "source": "odoo"}


def test_no_receivable_is_zero_a_credit_is_negative_and_floats_add_up_to_the_cent():
    # Odoo's _credit_debit_get leaves credit False when the partner has no open item at all.
    nothing = mapping.customer_debt({"id": 7, "credit": False, "currency_id": False}, [], "CNY")
    assert nothing.reply("odoo") == {"open_balance": "0.00", "overdue": "0.00", "currency": "CNY", "source": "odoo"}
    in_credit = mapping.customer_debt({"id": 7, "credit": -300.0}, [{"amount_residual": 0.1}, {"amount_residual": 0.2}],
                                      "CNY")
    assert (in_credit.reply("odoo")["open_balance"], in_credit.reply("odoo")["overdue"]) == ("-300.00", "0.30")


def test_a_contacts_debt_is_read_on_its_commercial_partner():
    assert mapping.commercial_partner_id({"id": 9, "commercial_partner_id": [7, "Acme Trading"]}) == 7
    assert mapping.commercial_partner_id({"id": 9, "commercial_partner_id": False}) == 9


def test_overdue_items_are_the_ones_credit_sums_that_fell_due_before_today():
    assert mapping.overdue_domain(7, TODAY) == [
        ["partner_id", "=", 7], ["parent_state", "=", "posted"], ["account_id.account_type", "=", "asset_receivable"],
        ["reconciled", "=", False], ["date_maturity", "<", "2026-11-22"]]


# -- against the fake --------------------------------------------------------------------------

@pytest.fixture
def fake() -> FakeOdoo:
    odoo = FakeOdoo()
    odoo.journal_item("C001", 500.0, "2026-11-01")  # an invoice a month late
    odoo.journal_item("C001", 300.0, "2026-12-15")  # an invoice not yet due
    odoo.journal_item("C001", -120.0, "2026-11-10")  # a payment not matched to an invoice yet
    odoo.journal_item("C001", 999.0, "2026-10-01", reconciled=True)  # paid
    odoo.journal_item("C001", 888.0, "2026-10-01", posted=False)  # a draft invoice
    odoo.journal_item("C001", -777.0, "2026-10-01", payable=True)  # a vendor bill of the same partner
    return odoo


@pytest.fixture
async def server(aiohttp_server, fake: FakeOdoo) -> TestServer:
    return await aiohttp_server(fake.app())


@pytest.fixture(params=["json2", "jsonrpc"])
def protocol(request: pytest.FixtureRequest) -> str:
    return request.param


def odoo_settings(server: TestServer, fake: FakeOdoo, protocol: str, **overrides: object) -> dict[str, object]:
    base = {"url": str(server.make_url("/")), "database": fake.database, "protocol": protocol,
            "api_key": {"env": "ODOO_TEST_KEY"}, "timeout_s": 5, **overrides}
    return {**base, "login": fake.login} if protocol == "jsonrpc" else base


@pytest.fixture
def pm(server: TestServer, fake: FakeOdoo, protocol: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ODOO_TEST_KEY", fake.api_key)
    return manager(SPEC, odoo_settings(server, fake, protocol))


async def proposed(pm, ctx=None, order=None):
    ctx = ctx or make_ctx("erp.odoo")
    await deliver(pm, SETTLEMENT, ctx, claim=make_proposed_claim(), order=order or make_order())
    return [(f.entity, f.ref, f.event, f.data) for f in ctx.followups]


async def test_a_proposed_settlement_is_answered_with_the_total_receivable_and_its_overdue_part(pm, fake):
    replies = await proposed(pm)
    # 500 + 300 − 120 open (paid, draft and payable items aside); of it 500 − 120 fell due before today
    assert replies == [("claim", "HUB-CLAIM-1", "debt_checked",
                        {"open_balance": "680.00", "overdue": "380.00", "currency": "CNY", "source": "odoo"})]
    assert fake.calls == [("res.partner", "search_read"), ("res.partner", "read"),
                          ("account.move.line", "search_read")]


async def test_a_contact_answers_with_the_debt_booked_on_its_company(pm, fake):
    fake.add("res.partner", name="Acme buyer", ref="C001-BUY", commercial_partner_id=[1, "Acme Trading"])
    buyer = make_order(customer=CUSTOMER.model_copy(update={"code": "C001-BUY"}))
    (*_, data), = await proposed(pm, order=buyer)
    assert (data["open_balance"], data["overdue"]) == ("680.00", "380.00")


async def test_what_is_overdue_follows_the_business_day_not_utc(pm, fake):
    fake.journal_item("C001", 40.0, "2026-11-22")
    ctx = make_ctx("erp.odoo")
    ctx.now = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)  # 02:00 on the 23rd in Shanghai: due yesterday
    (*_, data), = await proposed(pm, ctx)
    assert data["overdue"] == "420.00"


async def test_a_customer_odoo_does_not_know_is_an_error_not_a_zero_balance(pm):
    stranger = make_order(customer=CUSTOMER.model_copy(update={"code": "C404"}))
    with pytest.raises(PermanentError, match="no contact with reference C404"):
        await proposed(pm, order=stranger)


async def test_a_user_without_invoicing_rights_is_a_configuration_error(pm, fake):
    # credit is restricted to the Invoicing/Accounting groups: reading it without them is refused.
    fake.fail_next("res.partner", "read", "odoo.exceptions.AccessError",
                   "You do not have enough rights to access the fields \"credit\" on Contact")
    with pytest.raises(PluginConfigurationError, match="AccessError"):
        await proposed(pm)


async def test_a_busy_database_is_retried_later(pm, fake):
    fake.fail_next("account.move.line", "search_read", "psycopg2.errors.SerializationFailure", "concurrent update")
    with pytest.raises(TransientError):
        await proposed(pm)
    assert (await proposed(pm))[0][3]["open_balance"] == "680.00"


async def test_with_the_debt_check_off_odoo_is_not_asked(server, fake, monkeypatch):
    monkeypatch.setenv("ODOO_TEST_KEY", fake.api_key)
    pm = manager(SPEC, odoo_settings(server, fake, "json2", debt_check=False))
    assert await proposed(pm) == []
    assert fake.calls == []
