"""erp.kingdee's debt check (004: 财会部评估客户欠款情况): the customer's open receivable bills (应收单) summed, as
pure mapping on ExecuteBillQuery rows and against the local fake K3 Cloud."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from fakes.hub_objects import CUSTOMER, deliver, make_claim, make_ctx, make_order, make_proposed_claim, manager
from fakes.kingdee import FakeKingdee
from hub import PermanentError
from plugins.erp.common.debt import CustomerDebt
from plugins.erp.kingdee import mapping, units
from plugins.erp.kingdee.settings import KingdeeSettings

SPEC = "plugins.erp.kingdee:SPEC"
SETTLEMENT = "hub_claim_settlement_proposed"
TODAY = date(2026, 11, 22)  # make_ctx's now, 09:30 UTC, is the same day in Shanghai


def kd_settings(**overrides: object) -> KingdeeSettings:
    return KingdeeSettings(base_url="https://erp.example.com/k3cloud/", acct_id="62f0c0ffee", username="hub",
                           password=SecretStr("s3cret"), org_number="100", claim_material_number="CLAIM",
                           currency_numbers={"CNY": "PRE001", "USD": "PRE007"}, **overrides)


# -- pure: ExecuteBillQuery rows → the hub's reply ---------------------------------------------------

def test_the_query_asks_for_the_customers_audited_open_bills_in_the_settings_field_keys():
    s = kd_settings()
    assert mapping.debt_fields(s) == ["FID", "FALLAMOUNTFOR", "FCURRENCYID.FNumber", "FRELATEHADPAYAMOUNT",
                                      "FENDDATE_H"]
    assert mapping.debt_filter(s, "O'Neil") == (
        "FCUSTOMERID.FNumber='O''Neil' AND "
        "(FDocumentStatus='C' AND FWRITTENOFFSTATUS IN ('A','B') AND FCancelStatus='A')")
    assert mapping.debt_filter(kd_settings(debt_filter=" "), "C001") == "FCUSTOMERID.FNumber='C001'"


def test_bills_sum_to_their_amounts_less_what_was_received_and_the_late_part_is_overdue():
    s = kd_settings()
    rows = [[100001, 500.0, "PRE001", 0.0, "2026-11-01T00:00:00"],  # a month late
            [100002, 300.0, "PRE001", 100.0, "2026-12-15T00:00:00"],  # partly received, not yet due
            [100003, -80.0, "PRE001", 0, "2026-11-20T00:00:00"],  # a red bill (a credit) already due
            [100004, 1000.0, "PRE007", 0, "2026-11-01T00:00:00"],  # in USD: another currency than the claim's
            [100005, 10.0, "PRE001", 0, None]]  # no due date: owed, not overdue
    debt, other_currency = mapping.customer_debt(rows, mapping.debt_fields(s), s, "CNY", TODAY)
    assert (debt, other_currency) == (CustomerDebt(Decimal("630.0"), Decimal("420.0"), "CNY"), 1)
    assert debt.reply("kingdee") == {"open_balance": "630.00", "overdue": "420.00", "currency": "CNY",
                                     "source": "kingdee"}


def test_without_a_settled_or_due_field_bills_count_in_full_and_overdue_is_not_reported():
    s = kd_settings(debt_settled_field=None, debt_due_field=None)
    fields = mapping.debt_fields(s)
    assert fields == ["FID", "FALLAMOUNTFOR", "FCURRENCYID.FNumber"]
    debt, _ = mapping.customer_debt([[1, 300.0, "PRE001"], [2, -45.5, "PRE001"]], fields, s, "CNY", TODAY)
    assert debt.reply("kingdee") == {"open_balance": "254.50", "overdue": None, "currency": "CNY", "source": "kingdee"}


def test_a_due_date_that_is_no_date_and_a_currency_without_a_number_are_permanent():
    s = kd_settings()
    with pytest.raises(PermanentError, match="due date 'soon'"):
        mapping.customer_debt([[1, 10.0, "PRE001", 0, "soon"]], mapping.debt_fields(s), s, "CNY", TODAY)
    with pytest.raises(PermanentError, match="currency EUR has no number"):
        mapping.customer_debt([], mapping.debt_fields(s), s, "EUR", TODAY)


# -- against the fake --------------------------------------------------------------------------

@pytest.fixture
def fake() -> FakeKingdee:
    k3 = FakeKingdee(customers={"C001", "C003"})
    k3.receivable("C001", 500.0, due="2026-11-01")  # a month late
    k3.receivable("C001", 300.0, received=100.0, due="2026-12-15")  # partly received, not yet due
    k3.receivable("C001", 50.0, received=50.0, due="2026-10-01")  # written off
    k3.receivable("C001", 70.0, status="B", due="2026-10-01")  # under audit: not booked yet
    k3.receivable("C001", 90.0, cancelled=True, due="2026-10-01")  # cancelled (作废)
    k3.receivable("C001", 1000.0, currency="PRE007", due="2026-10-01")  # in USD
    k3.receivable("C003", 40.0, due="2026-10-01")  # another customer
    return k3


@pytest.fixture
async def server(aiohttp_server, fake: FakeKingdee) -> TestServer:
    return await aiohttp_server(fake.app())


def settings(server: TestServer, fake: FakeKingdee, **overrides: object) -> dict[str, object]:
    return {"base_url": str(server.make_url("/k3cloud/")), "acct_id": fake.acct_id, "username": fake.username,
            "password": {"env": "KD_TEST_PASSWORD"}, "org_number": "100", "claim_material_number": "CLAIM",
            "timeout_s": 5, **overrides}


@pytest.fixture
def pm(server: TestServer, fake: FakeKingdee, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KD_TEST_PASSWORD", fake.password)
    return manager(SPEC, settings(server, fake))


async def proposed(pm, order=None):
    ctx = make_ctx("erp.kingdee")
    await deliver(pm, SETTLEMENT, ctx, claim=make_proposed_claim(), order=order or make_order())
    return [(f.entity, f.ref, f.event, f.data) for f in ctx.followups]


def queries(fake: FakeKingdee) -> list[dict]:
    return [body["data"] for name, body in fake.calls if name == "ExecuteBillQuery"]


async def test_a_proposed_settlement_is_answered_with_the_customers_open_receivables(pm, fake):
    replies = await proposed(pm)
    # 500 + (300 − 100) open; the written-off, unaudited, cancelled, USD and other customer's bills aside
    assert replies == [("claim", "HUB-CLAIM-1", "debt_checked",
                        {"open_balance": "700.00", "overdue": "500.00", "currency": "CNY", "source": "kingdee"})]
    query, = queries(fake)
    assert (query["FormId"], query["FieldKeys"]) == (
        "AR_receivable", "FID,FALLAMOUNTFOR,FCURRENCYID.FNumber,FRELATEHADPAYAMOUNT,FENDDATE_H")


async def test_a_claim_credit_the_hub_booked_earlier_lowers_the_balance(pm, fake):
    # an earlier claim of the customer's, approved and credited by a red receivable (dated, so due, today)
    await deliver(pm, "hub_claim_approved", make_ctx("erp.kingdee"), claim=make_claim("HUB-CLAIM-0", "80.00"))
    (*_, data), = await proposed(pm)
    assert (data["open_balance"], data["overdue"]) == ("620.00", "500.00")


async def test_many_open_bills_are_read_page_by_page(pm, fake, monkeypatch):
    monkeypatch.setattr(units, "QUERY_PAGE", 1)
    (*_, data), = await proposed(pm)
    assert data["open_balance"] == "700.00"
    # three matching bills (the USD one is set aside after reading), then an empty page ends it
    assert [(q["StartRow"], q["Limit"]) for q in queries(fake)] == [(0, 1), (1, 1), (2, 1), (3, 1)]


async def test_a_customer_without_open_bills_owes_nothing_but_an_unknown_one_is_an_error(pm, fake):
    fake.customers.add("C004")
    no_bills = make_order(customer=CUSTOMER.model_copy(update={"code": "C004"}))
    assert (await proposed(pm, no_bills))[0][3]["open_balance"] == "0.00"
    stranger = make_order(customer=CUSTOMER.model_copy(update={"code": "C404"}))
    with pytest.raises(PermanentError, match="no customer numbered C404"):
        await proposed(pm, stranger)
    assert queries(fake)[-1]["FormId"] == "BD_Customer"


async def test_a_field_key_this_account_set_lacks_dead_letters_with_k3s_message(pm, fake):
    fake.fail_next("ExecuteBillQuery", msg_code=9, message="字段FRELATEHADPAYAMOUNT不存在")
    with pytest.raises(PermanentError, match="FRELATEHADPAYAMOUNT不存在"):
        await proposed(pm)


async def test_field_keys_and_filter_come_from_the_settings(server, fake, monkeypatch):
    monkeypatch.setenv("KD_TEST_PASSWORD", fake.password)
    pm = manager(SPEC, settings(server, fake, debt_settled_field=None, debt_due_field=None,
                                debt_filter="FDocumentStatus='C' AND FCancelStatus='A'"))
    (*_, data), = await proposed(pm)
    # every audited, not cancelled CNY bill in full, the written-off one too; overdue unknown
    assert (data["open_balance"], data["overdue"]) == ("850.00", None)


async def test_with_the_debt_check_off_k3_is_not_asked(server, fake, monkeypatch):
    monkeypatch.setenv("KD_TEST_PASSWORD", fake.password)
    pm = manager(SPEC, settings(server, fake, debt_check=False))
    assert await proposed(pm) == []
    assert fake.calls == []
