"""erp.odoo against a local fake Odoo, over JSON-2 and JSON-RPC: flows, redelivery, errors, re-auth."""
from __future__ import annotations

import pytest
from aiohttp.test_utils import TestServer

from fakes.hub_objects import deliver, make_claim, make_ctx, make_order, manager
from fakes.odoo import FakeOdoo
from hub import PermanentError, PluginConfigurationError, TransientError
from hub.core.errors import ConfigError

SPEC = "plugins.erp.odoo:SPEC"


@pytest.fixture
def fake() -> FakeOdoo:
    return FakeOdoo()


@pytest.fixture
async def server(aiohttp_server, fake: FakeOdoo) -> TestServer:
    return await aiohttp_server(fake.app())


def settings(server: TestServer, fake: FakeOdoo, protocol: str, **overrides: object) -> dict[str, object]:
    base = {"url": str(server.make_url("/")), "database": fake.database, "protocol": protocol,
            "api_key": {"env": "ODOO_TEST_KEY"}, "timeout_s": 5}
    if protocol == "jsonrpc":
        base["login"] = fake.login
    return {**base, **overrides}


@pytest.fixture(params=["json2", "jsonrpc"])
def protocol(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def pm(server: TestServer, fake: FakeOdoo, protocol: str, monkeypatch: pytest.MonkeyPatch):
    """Most tests here are about records, the wire and errors, not finance's audit: the hub's posting
    counts as finance's approval (finance_audit = false), so the adapter confirms the order."""
    monkeypatch.setenv("ODOO_TEST_KEY", fake.api_key)
    return manager(SPEC, settings(server, fake, protocol, claim_product_code="CLAIM", finance_audit=False))


@pytest.fixture
def audited_pm(server: TestServer, fake: FakeOdoo, protocol: str, monkeypatch: pytest.MonkeyPatch):
    """The default: finance confirms the quotation in Odoo; its reason for a cancel in x_finance_note."""
    monkeypatch.setenv("ODOO_TEST_KEY", fake.api_key)
    return manager(SPEC, settings(server, fake, protocol, finance_reason_field="x_finance_note"))


async def test_order_posted_creates_a_confirmed_sale_order_and_reports_back(pm, fake):
    ctx = make_ctx("erp.odoo")
    await deliver(pm, "hub_order_posted", ctx, order=make_order())
    [so] = fake.table("sale.order")
    assert (so["client_order_ref"], so["state"], so["partner_id"]) == ("HUB-ORDER-1", "sale", 1)
    assert so["order_line"] == [{"product_id": 2, "product_uom_qty": 2.0, "price_unit": 12.5}]
    assert [(f.entity, f.ref, f.event, f.data) for f in ctx.followups] == [
        ("order", "HUB-ORDER-1", "finance_approved", {"erp_ref": "S00001"})]


async def test_redelivered_posting_confirms_one_sale_order(pm, fake):
    for attempt in (1, 2):
        ctx = make_ctx("erp.odoo", attempt=attempt)
        await deliver(pm, "hub_order_posted", ctx, order=make_order())
        assert ctx.followups[0].data == {"erp_ref": "S00001"}
    assert len(fake.table("sale.order")) == 1
    assert (fake.count("sale.order", "create"), fake.count("sale.order", "action_confirm")) == (1, 1)


async def test_retry_after_a_failed_confirmation_confirms_the_existing_draft(pm, fake):
    fake.fail_next("sale.order", "action_confirm", "psycopg2.errors.SerializationFailure",
                   "could not serialize access due to concurrent update")
    with pytest.raises(TransientError, match="SerializationFailure"):
        await deliver(pm, "hub_order_posted", make_ctx("erp.odoo"), order=make_order())
    ctx = make_ctx("erp.odoo", attempt=2)
    await deliver(pm, "hub_order_posted", ctx, order=make_order())
    assert [so["state"] for so in fake.table("sale.order")] == ["sale"]
    assert fake.count("sale.order", "create") == 1
    assert ctx.followups[0].event == "finance_approved"


@pytest.mark.parametrize(("name", "error"), [
    ("odoo.exceptions.ValidationError", PermanentError),
    ("odoo.exceptions.UserError", PermanentError),
    ("odoo.exceptions.MissingError", PermanentError),
    ("odoo.exceptions.AccessError", PluginConfigurationError),
    ("psycopg2.errors.SerializationFailure", TransientError),
    ("odoo.exceptions.ConcurrencyError", TransientError),
])
async def test_odoo_exceptions_map_to_the_hub_error_classes(pm, fake, name, error):
    fake.fail_next("sale.order", "create", name, "the server says no")
    with pytest.raises(error, match="the server says no") as info:
        await deliver(pm, "hub_order_posted", make_ctx("erp.odoo"), order=make_order())
    assert name in str(info.value)
    assert fake.table("sale.order") == []


@pytest.mark.parametrize(("status", "error"), [(502, TransientError), (503, TransientError),
                                               (429, TransientError), (400, PermanentError)])
async def test_http_faults_map_to_the_hub_error_classes(pm, fake, status, error):
    fake.fail_next_http(status)
    with pytest.raises(error, match=f"HTTP {status}"):
        await deliver(pm, "hub_order_posted", make_ctx("erp.odoo"), order=make_order())


async def test_unknown_customer_is_permanent(pm, fake):
    order = make_order().model_copy(update={"customer": make_order().customer.model_copy(update={"code": "NOPE"})})
    with pytest.raises(PermanentError, match="no contact with reference NOPE"):
        await deliver(pm, "hub_order_posted", make_ctx("erp.odoo"), order=order)


async def test_wrong_api_key_is_a_configuration_error(server, fake, protocol, monkeypatch):
    monkeypatch.setenv("ODOO_TEST_KEY", "revoked-key")
    pm = manager(SPEC, settings(server, fake, protocol))
    with pytest.raises(PluginConfigurationError):
        await deliver(pm, "hub_order_posted", make_ctx("erp.odoo"), order=make_order())
    assert fake.table("sale.order") == []


async def test_jsonrpc_reauthenticates_once_when_the_uid_is_refused(server, fake, monkeypatch):
    monkeypatch.setenv("ODOO_TEST_KEY", fake.api_key)
    pm = manager(SPEC, settings(server, fake, "jsonrpc"))
    await deliver(pm, "hub_order_posted", make_ctx("erp.odoo"), order=make_order("HUB-ORDER-1"))
    # when the database is restored and the integration user gets another id
    fake.uid = 42
    ctx = make_ctx("erp.odoo", key="k2")
    await deliver(pm, "hub_order_posted", ctx, order=make_order("HUB-ORDER-2"))
    # then the adapter authenticated again and carried on
    assert fake.authentications == 2
    assert ctx.followups[0].data == {"erp_ref": "S00002"}


async def test_jsonrpc_refused_again_after_reauthentication_is_a_configuration_error(server, fake, monkeypatch):
    monkeypatch.setenv("ODOO_TEST_KEY", fake.api_key)
    pm = manager(SPEC, settings(server, fake, "jsonrpc"))
    fake.fail_next("sale.order", "search_read", "odoo.exceptions.AccessDenied", "Access Denied")
    fake.fail_next("sale.order", "search_read", "odoo.exceptions.AccessDenied", "Access Denied")
    with pytest.raises(PluginConfigurationError, match="again right after authenticating"):
        await deliver(pm, "hub_order_posted", make_ctx("erp.odoo"), order=make_order())
    assert fake.authentications == 2


async def test_shipped_order_validates_its_delivery_once(pm, fake):
    await deliver(pm, "hub_order_posted", make_ctx("erp.odoo"), order=make_order())
    for attempt in (1, 2):
        await deliver(pm, "hub_order_shipped", make_ctx("erp.odoo", key="ship", attempt=attempt),
                      order=make_order())
    assert [p["state"] for p in fake.table("stock.picking")] == ["done"]
    assert fake.count("stock.picking", "button_validate") == 1


async def test_shipping_without_reserved_stock_needs_a_person(pm, fake):
    fake.stock_available = False
    await deliver(pm, "hub_order_posted", make_ctx("erp.odoo"), order=make_order())
    with pytest.raises(PermanentError, match="WH/OUT/00001 needs a decision"):
        await deliver(pm, "hub_order_shipped", make_ctx("erp.odoo"), order=make_order())


async def test_approved_claim_posts_one_credit_note_and_reports_back(pm, fake):
    for attempt in (1, 2):
        ctx = make_ctx("erp.odoo", attempt=attempt)
        await deliver(pm, "hub_claim_approved", ctx, claim=make_claim())
        assert [(f.entity, f.ref, f.event, f.data) for f in ctx.followups] == [
            ("claim", "HUB-CLAIM-1", "erp_recorded", {"erp_ref": "RINV/2026/00001"})]
    [move] = fake.table("account.move")
    assert (move["move_type"], move["state"], move["ref"], move["invoice_origin"]) == (
        "out_refund", "posted", "HUB-CLAIM-1", "HUB-ORDER-1")
    assert move["invoice_line_ids"] == [{"name": "Claim HUB-CLAIM-1 (damage)", "quantity": 1,
                                         "price_unit": 80.0, "product_id": 3}]


def test_jsonrpc_without_a_login_stops_start_up(server, fake, monkeypatch):
    monkeypatch.setenv("ODOO_TEST_KEY", fake.api_key)
    with pytest.raises(ConfigError, match="needs login"):
        manager(SPEC, settings(server, fake, "jsonrpc", login=None))



# -- finance's audit in Odoo (finance_audit = true, the default) -------------------------------------

def replies(ctx) -> list[tuple]:
    return [(f.entity, f.ref, f.event, f.data) for f in ctx.followups]


async def check(pm, order=None) -> list[tuple]:
    ctx = make_ctx("erp.odoo", key="check-1")
    await deliver(pm, "hub_order_finance_check", ctx, order=order or make_order(erp_ref="S00001"))
    return replies(ctx)


async def test_posting_creates_a_quotation_for_finance_and_only_records_it(audited_pm, fake):
    for attempt in (1, 2):
        ctx = make_ctx("erp.odoo", attempt=attempt)
        await deliver(audited_pm, "hub_order_posted", ctx, order=make_order())
        assert replies(ctx) == [("order", "HUB-ORDER-1", "erp_recorded", {"erp_ref": "S00001"})]
    assert [so["state"] for so in fake.table("sale.order")] == ["draft"]
    assert fake.count("sale.order", "action_confirm") == 0 and fake.table("stock.picking") == []


async def test_the_check_replies_nothing_while_the_quotation_waits(audited_pm, fake):
    assert await check(audited_pm, make_order()) == []  # before the posting created it
    await deliver(audited_pm, "hub_order_posted", make_ctx("erp.odoo"), order=make_order())
    assert await check(audited_pm) == []
    fake.table("sale.order")[0]["state"] = "sent"  # the quotation went to the customer by e-mail
    assert await check(audited_pm) == []


async def test_finance_confirming_in_odoo_approves_with_the_delivery_order(audited_pm, fake):
    await deliver(audited_pm, "hub_order_posted", make_ctx("erp.odoo"), order=make_order())

    fake.finance_confirms("S00001")

    assert await check(audited_pm) == [("order", "HUB-ORDER-1", "finance_approved",
                                        {"erp_ref": "S00001", "outbound_ref": "WH/OUT/00001"})]
    assert fake.count("sale.order", "action_confirm") == 0  # finance confirmed, not the adapter


async def test_finance_cancelling_refuses_with_the_reason_field(audited_pm, fake):
    await deliver(audited_pm, "hub_order_posted", make_ctx("erp.odoo"), order=make_order())

    fake.finance_cancels("S00001", x_finance_note="<p>Deposit <b>not</b> received</p>")

    assert await check(audited_pm) == [("order", "HUB-ORDER-1", "finance_rejected",
                                        {"reason": "Deposit not received", "erp_ref": "S00001"})]


async def test_a_cancel_without_a_reason_field_names_the_state(server, fake, protocol, monkeypatch):
    monkeypatch.setenv("ODOO_TEST_KEY", fake.api_key)
    pm = manager(SPEC, settings(server, fake, protocol))
    await deliver(pm, "hub_order_posted", make_ctx("erp.odoo"), order=make_order())
    fake.finance_confirms("S00001")

    fake.finance_cancels("S00001")  # a confirmed order can be cancelled too

    assert await check(pm) == [("order", "HUB-ORDER-1", "finance_rejected", {
        "reason": "sale order S00001 was cancelled in Odoo (no reason given)", "erp_ref": "S00001"})]


async def test_posting_again_after_a_refusal_resets_the_same_quotation_to_draft(audited_pm, fake):
    await deliver(audited_pm, "hub_order_posted", make_ctx("erp.odoo"), order=make_order())
    fake.finance_cancels("S00001", x_finance_note="wrong terms")
    assert (await check(audited_pm))[0][2] == "finance_rejected"

    ctx = make_ctx("erp.odoo", key="k2")
    await deliver(audited_pm, "hub_order_posted", ctx, order=make_order(erp_ref="S00001"))

    assert replies(ctx) == [("order", "HUB-ORDER-1", "erp_recorded", {"erp_ref": "S00001"})]
    assert [so["state"] for so in fake.table("sale.order")] == ["draft"]
    assert await check(audited_pm) == []
    fake.finance_confirms("S00001")
    assert (await check(audited_pm))[0][2] == "finance_approved"


async def test_without_finance_audit_the_check_asks_odoo_nothing(pm, fake):
    await deliver(pm, "hub_order_posted", make_ctx("erp.odoo"), order=make_order())
    calls = len(fake.calls)

    assert await check(pm) == []
    assert len(fake.calls) == calls
