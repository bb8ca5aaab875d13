"""erp.kingdee against a local fake K3 Cloud WebAPI: documents, report-back, redelivery, auth."""
from __future__ import annotations

import pytest
from aiohttp.test_utils import TestServer

from fakes.hub_objects import deliver, make_claim, make_ctx, make_order, manager
from fakes.kingdee import FakeKingdee
from hub import PermanentError, PluginConfigurationError, TransientError
from hub.core.errors import ConfigError

SPEC = "plugins.erp.kingdee:SPEC"


@pytest.fixture
def fake() -> FakeKingdee:
    return FakeKingdee()


@pytest.fixture
async def server(aiohttp_server, fake: FakeKingdee) -> TestServer:
    return await aiohttp_server(fake.app())


def settings(server: TestServer, fake: FakeKingdee, **overrides: object) -> dict[str, object]:
    base = {"base_url": str(server.make_url("/k3cloud/")), "acct_id": fake.acct_id,
            "username": fake.username, "password": {"env": "KD_TEST_PASSWORD"}, "org_number": "100",
            "claim_material_number": "CLAIM", "timeout_s": 5}
    return {**base, **overrides}


@pytest.fixture
def pm(server: TestServer, fake: FakeKingdee, monkeypatch: pytest.MonkeyPatch):
    """Most tests here are about documents, the wire and errors, not finance's audit: the hub's
    posting counts as finance's approval (finance_audit = false), so the adapter audits the order."""
    monkeypatch.setenv("KD_TEST_PASSWORD", fake.password)
    return manager(SPEC, settings(server, fake, finance_audit=False))


@pytest.fixture
def audited_pm(server: TestServer, fake: FakeKingdee, monkeypatch: pytest.MonkeyPatch):
    """The default: finance audits the sales order in K3; finance writes its reason into FNote."""
    monkeypatch.setenv("KD_TEST_PASSWORD", fake.password)
    return manager(SPEC, settings(server, fake, finance_note_field="FNote"))


async def test_order_posted_creates_an_audited_sales_order_and_reports_finance_approval(pm, fake):
    # given a posted order
    ctx = make_ctx("erp.kingdee")
    # when the hub delivers it
    await deliver(pm, "hub_order_posted", ctx, order=make_order())
    # then K3 holds one audited sales order numbered by the hub's reference
    [doc] = fake.docs("SAL_SaleOrder")
    assert (doc["FBillNo"], doc["FDocumentStatus"]) == ("HUB-ORDER-1", "C")
    assert doc["FCustId"] == {"FNumber": "C001"}
    assert doc["FSaleOrderEntry"][0]["FMaterialId"] == {"FNumber": "SKU-1"}
    assert doc["FSaleOrderEntry"][0]["FQty"] == 2 and doc["FSaleOrderEntry"][0]["FTaxPrice"] == 12.5
    assert [(f.entity, f.ref, f.event, f.data) for f in ctx.followups] == [
        ("order", "HUB-ORDER-1", "finance_approved", {"erp_ref": "HUB-ORDER-1"})]
    assert [name for name, _ in fake.calls] == ["ValidateUser", "ExecuteBillQuery", "Save", "Submit", "Audit"]


async def test_redelivered_posting_creates_one_sales_order(pm, fake):
    for _ in range(2):
        ctx = make_ctx("erp.kingdee")
        await deliver(pm, "hub_order_posted", ctx, order=make_order())
        assert ctx.followups[0].data == {"erp_ref": "HUB-ORDER-1"}
    assert len(fake.docs("SAL_SaleOrder")) == 1
    assert (fake.count("Save"), fake.count("Submit"), fake.count("Audit")) == (1, 1, 1)


async def test_retry_after_a_locked_audit_only_audits(pm, fake):
    # given the audit hits another user's lock (网络控制) on the first attempt
    fake.fail_next("Audit", msg_code=13, message="网络控制冲突：单据正在被其他用户修改")
    with pytest.raises(TransientError, match="MsgCode 13"):
        await deliver(pm, "hub_order_posted", make_ctx("erp.kingdee"), order=make_order())
    # when the delivery is retried
    ctx = make_ctx("erp.kingdee", attempt=2)
    await deliver(pm, "hub_order_posted", ctx, order=make_order())
    # then the saved, submitted order is only audited
    assert fake.docs("SAL_SaleOrder")[0]["FDocumentStatus"] == "C"
    assert (fake.count("Save"), fake.count("Submit"), fake.count("Audit")) == (1, 1, 2)
    assert ctx.followups[0].event == "finance_approved"


@pytest.mark.parametrize(("operation", "script", "error", "text"), [
    ("Save", {"msg_code": 11, "message": "字段“销售组织”是必填项"}, PermanentError, "销售组织"),
    ("Save", {"msg_code": 13, "message": "网络控制冲突"}, TransientError, "网络控制"),
    ("Submit", {"msg_code": 6, "message": "数据库操作失败"}, TransientError, "MsgCode 6"),
    ("Save", {"msg_code": 2, "message": "没有销售订单的新增权限"}, PluginConfigurationError, "权限"),
    ("Save", {"http_status": 503}, TransientError, "HTTP 503"),
    ("Audit", {"http_status": 519}, TransientError, "HTTP 519"),
    ("ExecuteBillQuery", {"msg_code": 4, "message": "服务器繁忙"}, TransientError, "MsgCode 4"),
    ("Save", {"http_status": 404}, PermanentError, "HTTP 404"),
])
async def test_vendor_failures_map_to_the_hub_error_classes(pm, fake, operation, script, error, text):
    fake.fail_next(operation, **script)
    with pytest.raises(error, match=text):
        await deliver(pm, "hub_order_posted", make_ctx("erp.kingdee"), order=make_order())


async def test_validation_of_an_unknown_customer_is_permanent_with_the_vendor_message(pm, fake):
    order = make_order().model_copy(update={"customer": make_order().customer.model_copy(update={"code": "NOPE"})})
    with pytest.raises(PermanentError, match="NOPE") as info:
        await deliver(pm, "hub_order_posted", make_ctx("erp.kingdee"), order=order)
    assert not isinstance(info.value, PluginConfigurationError)
    assert fake.docs("SAL_SaleOrder") == []


async def test_refused_login_is_a_configuration_error(server, fake, monkeypatch):
    monkeypatch.setenv("KD_TEST_PASSWORD", "wrong")
    pm = manager(SPEC, settings(server, fake))
    with pytest.raises(PluginConfigurationError, match="LoginResultType 0"):
        await deliver(pm, "hub_order_posted", make_ctx("erp.kingdee"), order=make_order())
    assert fake.count("Save") == 0


async def test_expired_session_logs_in_again_once_and_replays(pm, fake):
    # given a first delivery logged in
    await deliver(pm, "hub_order_posted", make_ctx("erp.kingdee"), order=make_order("HUB-ORDER-1"))
    # when the server forgets the session (restart, idle timeout)
    fake.expire_sessions()
    ctx = make_ctx("erp.kingdee", key="k2")
    await deliver(pm, "hub_order_posted", ctx, order=make_order("HUB-ORDER-2"))
    # then the adapter logged in again and the second order went through
    assert fake.logins == 2
    assert [d["FBillNo"] for d in fake.docs("SAL_SaleOrder")] == ["HUB-ORDER-1", "HUB-ORDER-2"]
    assert ctx.followups[0].data == {"erp_ref": "HUB-ORDER-2"}


async def test_session_lost_again_after_relogin_is_transient(pm, fake):
    fake.fail_next("ExecuteBillQuery", msg_code=1, message="会话信息已丢失，请重新登录")
    fake.fail_next("ExecuteBillQuery", msg_code=1, message="会话信息已丢失，请重新登录")
    with pytest.raises(TransientError, match="again right after a new login"):
        await deliver(pm, "hub_order_posted", make_ctx("erp.kingdee"), order=make_order())
    assert fake.logins == 2


async def test_transport_timeout_is_transient(server, fake, monkeypatch, aiohttp_server):
    from aiohttp import web
    import asyncio

    async def stall(request: web.Request) -> web.Response:
        await asyncio.sleep(0.5)
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/k3cloud/{service}", stall)
    slow = await aiohttp_server(app)
    monkeypatch.setenv("KD_TEST_PASSWORD", fake.password)
    pm = manager(SPEC, settings(slow, fake, timeout_s=0.05))
    with pytest.raises(TransientError, match="TimeoutError"):
        await deliver(pm, "hub_order_posted", make_ctx("erp.kingdee"), order=make_order())


async def test_signed_requests_need_no_login(server, fake):
    pm = manager(SPEC, settings(server, fake, auth="app_signature", password=None, app_id=fake.app_id,
                                app_secret=fake.app_secret, finance_audit=False))
    ctx = make_ctx("erp.kingdee")
    await deliver(pm, "hub_order_posted", ctx, order=make_order())
    assert fake.logins == 0 and fake.docs("SAL_SaleOrder")[0]["FDocumentStatus"] == "C"
    assert ctx.followups[0].event == "finance_approved"


async def test_a_wrong_app_secret_is_a_configuration_error(server, fake):
    pm = manager(SPEC, settings(server, fake, auth="app_signature", password=None, app_id=fake.app_id,
                                app_secret="not-the-secret"))
    with pytest.raises(PluginConfigurationError, match="授权密钥"):
        await deliver(pm, "hub_order_posted", make_ctx("erp.kingdee"), order=make_order())
    assert fake.docs("SAL_SaleOrder") == []


async def test_shipped_order_pushes_one_audited_outbound_document(pm, fake):
    # given the audited sales order
    await deliver(pm, "hub_order_posted", make_ctx("erp.kingdee"), order=make_order())
    shipped = make_order(erp_ref="HUB-ORDER-1")
    # when the shipment is delivered twice, the first time cut off after the push
    fake.fail_next("Save", http_status=502)
    with pytest.raises(TransientError):
        await deliver(pm, "hub_order_shipped", make_ctx("erp.kingdee", key="ship-1"), order=shipped)
    await deliver(pm, "hub_order_shipped", make_ctx("erp.kingdee", key="ship-1", attempt=2), order=shipped)
    await deliver(pm, "hub_order_shipped", make_ctx("erp.kingdee", key="ship-1", attempt=3), order=shipped)
    # then one outbound document exists, pushed from the order, tagged and audited
    [out] = fake.docs("SAL_OUTSTOCK")
    assert out["FSoorDerno"] == "HUB-ORDER-1" and out["FDocumentStatus"] == "C"
    assert out["FNote"].startswith("HUB-ORDER-1/")
    assert fake.count("Push") == 1


async def test_shipping_an_order_k3_never_saw_is_permanent(pm, fake):
    with pytest.raises(PermanentError, match="no sales order"):
        await deliver(pm, "hub_order_shipped", make_ctx("erp.kingdee"), order=make_order())


async def test_approved_claim_records_one_audited_credit_and_reports_back(pm, fake):
    for attempt in (1, 2):
        ctx = make_ctx("erp.kingdee", attempt=attempt)
        await deliver(pm, "hub_claim_approved", ctx, claim=make_claim())
        assert [(f.entity, f.ref, f.event, f.data) for f in ctx.followups] == [
            ("claim", "HUB-CLAIM-1", "erp_recorded", {"erp_ref": "HUB-CLAIM-1"})]
    [credit] = fake.docs("AR_receivable")
    assert credit["FDocumentStatus"] == "C" and credit["FCUSTOMERID"] == {"FNumber": "C001"}
    assert credit["FEntityDetail"] == [{"FMATERIALID": {"FNumber": "CLAIM"}, "FPriceQty": -1, "FTaxPrice": 80.0}]


def test_password_auth_without_a_password_stops_start_up(server, fake):
    with pytest.raises(ConfigError, match="needs password"):
        manager(SPEC, settings(server, fake, password=None))


async def test_log_lines_carry_references_but_no_secrets_or_names(pm, fake):
    from structlog.testing import capture_logs

    with capture_logs() as logs:
        await deliver(pm, "hub_order_posted", make_ctx("erp.kingdee"), order=make_order())
    events = [entry["event"] for entry in logs]
    assert "kingdee.logged_in" in events and "kingdee.document_audited" in events
    text = repr(logs)
    assert fake.password not in text and "Acme Trading" not in text
    assert all(entry.get("order_ref") == "HUB-ORDER-1" for entry in logs if entry["event"].startswith("kingdee."))



# -- finance's audit in K3 (finance_audit = true, the default) ---------------------------------------

def replies(ctx) -> list[tuple]:
    return [(f.entity, f.ref, f.event, f.data) for f in ctx.followups]


async def check(pm, order=None) -> list[tuple]:
    ctx = make_ctx("erp.kingdee", key="check-1")
    await deliver(pm, "hub_order_finance_check", ctx, order=order or make_order(erp_ref="HUB-ORDER-1"))
    return replies(ctx)


async def test_posting_saves_and_submits_the_order_for_finance_and_only_records_it(audited_pm, fake):
    for attempt in (1, 2):
        ctx = make_ctx("erp.kingdee", attempt=attempt)
        await deliver(audited_pm, "hub_order_posted", ctx, order=make_order())
        assert replies(ctx) == [("order", "HUB-ORDER-1", "erp_recorded", {"erp_ref": "HUB-ORDER-1"})]
    [doc] = fake.docs("SAL_SaleOrder")
    assert doc["FDocumentStatus"] == "B"
    assert (fake.count("Save"), fake.count("Submit"), fake.count("Audit")) == (1, 1, 0)


async def test_the_check_replies_nothing_while_the_order_is_under_audit(audited_pm, fake):
    # before the posting saved anything
    assert await check(audited_pm, make_order()) == []
    await deliver(audited_pm, "hub_order_posted", make_ctx("erp.kingdee"), order=make_order())
    assert await check(audited_pm) == []
    assert fake.docs("SAL_SaleOrder")[0]["FDocumentStatus"] == "B" and fake.count("Audit") == 0


async def test_a_saved_order_whose_submit_has_not_gone_through_yet_is_pending(audited_pm, fake):
    # given the posting saved the order, then its submit hit a lock: the order is still A 创建
    fake.fail_next("Submit", msg_code=13, message="网络控制冲突")
    with pytest.raises(TransientError):
        await deliver(audited_pm, "hub_order_posted", make_ctx("erp.kingdee"), order=make_order())
    # then a check (the order carries no ERP number: nothing was recorded) does not call it refused
    assert await check(audited_pm, make_order()) == []


async def test_finance_auditing_in_k3_approves(audited_pm, fake):
    await deliver(audited_pm, "hub_order_posted", make_ctx("erp.kingdee"), order=make_order())

    fake.finance_audits("HUB-ORDER-1")

    assert await check(audited_pm) == [("order", "HUB-ORDER-1", "finance_approved", {"erp_ref": "HUB-ORDER-1"})]
    assert fake.count("Audit") == 0  # finance audited, not the adapter


async def test_finance_un_auditing_refuses_with_the_note_it_wrote(audited_pm, fake):
    await deliver(audited_pm, "hub_order_posted", make_ctx("erp.kingdee"), order=make_order())
    fake.finance_audits("HUB-ORDER-1")

    fake.finance_unaudits("HUB-ORDER-1", note="  定金未到账，请跟单员核实  ")

    assert await check(audited_pm) == [("order", "HUB-ORDER-1", "finance_rejected",
                                        {"reason": "定金未到账，请跟单员核实", "erp_ref": "HUB-ORDER-1"})]


async def test_an_order_sent_back_before_its_audit_refuses_naming_the_status(server, fake, monkeypatch):
    monkeypatch.setenv("KD_TEST_PASSWORD", fake.password)
    pm = manager(SPEC, settings(server, fake))  # no finance_note_field
    await deliver(pm, "hub_order_posted", make_ctx("erp.kingdee"), order=make_order())

    fake.finance_returns("HUB-ORDER-1", note="not read: no field configured")

    assert await check(pm) == [("order", "HUB-ORDER-1", "finance_rejected", {
        "reason": "sales order HUB-ORDER-1 was sent back in K3, now in status A 创建 (created) (no note given)",
        "erp_ref": "HUB-ORDER-1"})]


async def test_posting_again_after_a_refusal_submits_the_same_order_again(audited_pm, fake):
    await deliver(audited_pm, "hub_order_posted", make_ctx("erp.kingdee"), order=make_order())
    fake.finance_audits("HUB-ORDER-1")
    fake.finance_unaudits("HUB-ORDER-1", note="付款条件不符")
    assert (await check(audited_pm))[0][2] == "finance_rejected"

    ctx = make_ctx("erp.kingdee", key="k2")
    await deliver(audited_pm, "hub_order_posted", ctx, order=make_order(erp_ref="HUB-ORDER-1"))

    assert replies(ctx) == [("order", "HUB-ORDER-1", "erp_recorded", {"erp_ref": "HUB-ORDER-1"})]
    assert [d["FDocumentStatus"] for d in fake.docs("SAL_SaleOrder")] == ["B"]
    assert (fake.count("Save"), fake.count("Submit")) == (1, 2)
    assert await check(audited_pm) == []


async def test_without_finance_audit_the_check_asks_k3_nothing(pm, fake):
    await deliver(pm, "hub_order_posted", make_ctx("erp.kingdee"), order=make_order())
    calls = len(fake.calls)

    assert await check(pm) == []
    assert len(fake.calls) == calls
