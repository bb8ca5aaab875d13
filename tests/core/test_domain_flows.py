"""The order, shipment, claim, return and customer rules of docs/domain.md, through the service."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from hub.core.domain.inputs import NewClaim, NewCustomer, NewOrder, NewReturn, NewShipment
from hub.core.errors import IllegalTransition, InvalidInput
from hub.core.inbound_models import TrackingEvent, TrackingUpdate
from hub.core.queries import order_view
from hub.core.runtime import Runtime
from hub.core.store.tables import outbox_events

PLUGINS = {"enabled": ["notify.sandbox"]}
LINE = {"product_code": "SOFA-3", "spec": "grey", "qty": 2, "unit_price": "4200"}
CONTACT = {"phone": "1", "address": "88 Harbour Rd"}


@pytest.fixture
async def hub(make_hub, sqlite_engine):
    hub = await make_hub(sqlite_engine, plugins=PLUGINS, price_list={"SOFA-3": Decimal("4200")})
    for code, grade in (("CA", "A"), ("CB", "B"), ("CC", "C")):
        await hub.create_customer(NewCustomer(code=code, name=f"Customer {code}", grade=grade))
    return hub


async def new_order(hub, ref="SO-1", customer="CB", **extra):
    extra.setdefault("lines", [LINE])
    extra.setdefault("contact", CONTACT)
    return await hub.create_order(NewOrder(ref=ref, customer_code=customer, **extra))


async def view(hub, ref="SO-1"):
    async with hub.engine.connect() as conn:
        return await order_view(conn, ref)


async def hooks(hub) -> list[str]:
    async with hub.engine.connect() as conn:
        return [r[0] for r in await conn.execute(sa.select(outbox_events.c.hook).order_by(outbox_events.c.created_at))]


async def to_awaiting_confirmation(hub, ref="SO-1"):
    await hub.apply("order", ref, "reviewed", {})
    await hub.apply("order", ref, "confirmation_sent")


async def released(hub, ref="SO-1", customer="CB", **extra):
    await new_order(hub, ref, customer, **extra)
    await to_awaiting_confirmation(hub, ref)
    await hub.apply("order", ref, "confirmation_received")
    await hub.apply("order", ref, "payment_received", {"amount": "8400"})
    await hub.apply("order", ref, "finance_approved", {"erp_ref": "E-1"})


async def test_grade_a_may_be_released_before_the_confirmation_returns(hub):
    await new_order(hub, customer="CA")
    await to_awaiting_confirmation(hub)
    moved = await hub.apply("order", "SO-1", "released")
    assert moved.state == "posted"
    # the confirmation still arrives later and is recorded without moving the order back
    again = await hub.apply("order", "SO-1", "confirmation_received")
    assert again.state == "posted" and (await view(hub))["confirmation_received_at"] is not None


@pytest.mark.parametrize("customer", ["CB", "CC"])
async def test_grades_b_and_c_need_the_confirmation_and_the_deposit(hub, customer):
    await new_order(hub, customer=customer, deposit_due=Decimal("2000"))
    await to_awaiting_confirmation(hub)
    with pytest.raises(IllegalTransition, match=f"grade {customer[1]} needs the returned confirmation"):
        await hub.apply("order", "SO-1", "released")
    await hub.apply("order", "SO-1", "confirmation_received")
    short = await hub.apply("order", "SO-1", "deposit_received", {"amount": "500"})
    assert short.state == "awaiting_payment"
    covered = await hub.apply("order", "SO-1", "deposit_received", {"amount": "1500"})
    assert covered.state == "posted"


async def test_the_promised_date_slips_a_day_per_day_the_confirmation_is_late(hub, clock):
    await new_order(hub, promised_date=date(2026, 3, 20))
    await to_awaiting_confirmation(hub)
    clock.advance(days=3)
    await hub.apply("order", "SO-1", "confirmation_received")
    assert (await view(hub))["promised_date"] == date(2026, 3, 23)


async def test_a_second_signed_confirmation_moves_the_promised_date_no_further(hub, clock):
    # a grade A order goes on without its confirmation; the late one moves the date once, a clearer
    # scan (or an upload retried) the day after moves nothing
    await new_order(hub, customer="CA", promised_date=date(2026, 3, 20))
    await to_awaiting_confirmation(hub)
    await hub.apply("order", "SO-1", "released", {"approver": "gm-li"})
    clock.advance(days=3)
    await hub.apply("order", "SO-1", "confirmation_received")
    first = await view(hub)
    assert first["promised_date"] == date(2026, 3, 23)
    clock.advance(days=1)
    await hub.apply("order", "SO-1", "confirmation_received")
    again = await view(hub)
    assert (again["promised_date"], again["confirmation_received_at"]) == (date(2026, 3, 23),
                                                                           first["confirmation_received_at"])


async def test_a_price_off_the_list_is_escalated_never_accepted(hub):
    await new_order(hub, lines=[{**LINE, "unit_price": "3900"}])
    moved = await hub.apply("order", "SO-1", "reviewed", {})
    assert moved.state == "price_escalated"
    assert (await view(hub))["price_mismatches"] == [1]
    with pytest.raises(IllegalTransition):
        await hub.apply("order", "SO-1", "confirmation_sent")
    assert (await hub.apply("order", "SO-1", "price_approved", {}, actor="supervisor:he")).state == "reviewed"
    assert "hub_order_price_escalated" in await hooks(hub)


async def test_a_special_order_beyond_one_third_is_rejected_with_the_reason(hub):
    moved = await new_order(hub, kind="special", special={"standard": {"width": "180"}, "requested": {"width": "250"}})
    assert moved.state == "rejected" and "more than one third" in moved.data["reason"]
    assert "hub_order_rejected" in await hooks(hub)


async def test_a_special_order_in_range_needs_the_departments_review(hub):
    await new_order(hub, kind="special", special={"standard": {"width": "180"}, "requested": {"width": "240"}})
    with pytest.raises(IllegalTransition, match="special-order review"):
        await hub.apply("order", "SO-1", "reviewed", {})
    # the review form is signed per department (特殊产品合同评审表): two of three is not enough, and says who is missing
    with pytest.raises(IllegalTransition, match="signed by: planning"):
        await hub.apply("order", "SO-1", "reviewed", {"special_review": {"technical": "eng-zhou",
                                                                          "production": "prod-wu"}})
    moved = await hub.apply("order", "SO-1", "reviewed", {"special_review": {
        "technical": "eng-zhou", "production": "prod-wu", "planning": "plan-he"}})
    assert moved.state == "reviewed" and moved.data["special_review"]["planning"] == "plan-he"


async def test_back_orders_ship_later_and_the_order_waits_for_them(hub):
    # given review found only 1 of 2 sofas, the rest due on 20 March
    await new_order(hub)
    await hub.apply("order", "SO-1", "reviewed", {"lines": [{"line_no": 1, "available_qty": "1",
                                                             "back_order_eta": "2026-03-20"}]})
    line = (await view(hub))["lines"][0]
    assert (line["back_order_qty"], line["back_order_eta"]) == ("1", "2026-03-20")
    for event, data in [("confirmation_sent", {}), ("confirmation_received", {}),
                        ("payment_received", {"amount": "8400"}), ("finance_approved", {})]:
        await hub.apply("order", "SO-1", event, data)
    # when the first shipment carries what is available and is delivered
    await hub.create_shipment("SO-1", NewShipment(ref="SH-1", carrier="sandbox", tracking_number="T1"))
    await hub.apply("shipment", "SH-1", "delivered")
    # then the order is not delivered while the back order is owed
    assert (await view(hub))["state"] == "shipped"
    # the back order leaves once planning has it, not before
    with pytest.raises(InvalidInput, match="back_order_ready"):
        await hub.create_shipment("SO-1", NewShipment(ref="SH-2", carrier="sandbox", tracking_number="T2"))
    await hub.apply("order", "SO-1", "back_order_ready", {"lines": [{"line_no": 1, "available_qty": "2"}]})
    await hub.create_shipment("SO-1", NewShipment(ref="SH-2", carrier="sandbox", tracking_number="T2"))
    await hub.apply("shipment", "SH-2", "delivered")
    assert (await view(hub))["state"] == "delivered"


async def test_illegal_events_name_the_entity_state_and_event(hub):
    await new_order(hub)
    with pytest.raises(IllegalTransition) as err:
        await hub.apply("order", "SO-1", "shipped")
    assert (err.value.entity, err.value.state, err.value.event) == ("order", "received", "shipped")
    assert "order SO-1 in state 'received' does not accept event 'shipped'" in str(err.value)


async def test_delivered_to_broker_is_customs_not_delivery(hub):
    await released(hub)
    await hub.create_shipment("SO-1", NewShipment(ref="SH-1", carrier="sandbox", tracking_number="T1"))
    t0 = (await view(hub))["created_at"]
    update = TrackingUpdate(carrier="sandbox", tracking_number="T1", events=(
        TrackingEvent(occurred_at=t0 + timedelta(hours=5), state="customs", substatus="delivered_to_broker",
                      description="Delivered to broker as requested"),))
    await hub.record_tracking(update)
    order = await view(hub)
    assert order["state"] == "shipped" and order["shipments"][0]["state"] == "customs"
    assert {c["anomaly"] for c in order["cases"]} == {"delivered_to_broker"}
    assert "customs_follow_up" in {t["rule"] for t in order["open_timers"]}


async def test_damage_from_the_carrier_opens_a_claim_with_its_document_timer(hub):
    await released(hub)
    await hub.create_shipment("SO-1", NewShipment(ref="SH-1", carrier="sandbox", tracking_number="T1",
                                                  waybill_weight_kg=Decimal("2.00")))
    t0 = (await view(hub))["created_at"]
    damage = TrackingEvent(occurred_at=t0 + timedelta(hours=9), state="exception", substatus="damaged",
                           description="Shipment damaged", claim_kind="damage")
    update = TrackingUpdate(carrier="sandbox", tracking_number="T1", events=(damage,),
                            reported_weight_kg=Decimal("200"))
    # when the carrier repeats itself three times
    for _ in range(3):
        await hub.record_tracking(update)
    order = await view(hub)
    # then one claim, one case per anomaly, the waybill weight kept and flagged
    assert [(c["kind"], c["state"]) for c in order["claims"]] == [("damage", "opened")]
    assert {c["anomaly"] for c in order["cases"]} == {"damaged", "weight_discrepancy"}
    shipment = order["shipments"][0]
    assert shipment["waybill_weight_kg"] == Decimal("2.00") and "weight_discrepancy" in shipment["flags"]
    assert "claim_documents" in {t["rule"] for t in order["open_timers"]}
    assert (await hooks(hub)).count("hub_shipment_exception") <= 1


async def test_carrier_milestones_fire_once_per_state(make_hub, sqlite_engine):
    hub = await make_hub(sqlite_engine, plugins={"enabled": ["hub_milestone_plugin:MILESTONES"]})
    await hub.create_customer(NewCustomer(code="CB", name="B", grade="B"))
    await released(hub)
    await hub.create_shipment("SO-1", NewShipment(ref="SH-1", carrier="sandbox", tracking_number="T1"))
    t0 = (await view(hub))["created_at"]
    ev = lambda h, s, d="": TrackingEvent(occurred_at=t0 + timedelta(hours=h), state=s, description=d)  # noqa: E731
    # transit, customs, back to transit (allowed), a stale out-of-order event, then delivered twice
    for events in [(ev(1, "in_transit"),), (ev(2, "customs", "clearance"),), (ev(3, "in_transit", "cleared"),),
                   (ev(0.5, "booked", "stale"),), (ev(4, "delivered"),), (ev(4, "delivered"), ev(5, "in_transit", "late"))]:
        await hub.record_tracking(TrackingUpdate(carrier="sandbox", tracking_number="T1", events=events))
    shipment_hooks = [h for h in await hooks(hub) if h.startswith("hub_shipment_")]
    assert shipment_hooks == ["hub_shipment_created", "hub_shipment_booked", "hub_shipment_in_transit", "hub_shipment_customs",
                              "hub_shipment_delivered"]
    assert (await view(hub))["state"] == "delivered"


async def test_request_types_follow_the_order_state(hub):
    await new_order(hub)
    with pytest.raises(InvalidInput, match="refund request is not possible while the order is received"):
        await hub.request_return(NewReturn(order_ref="SO-1", type="refund", reason="changed mind"))
    cancel = await hub.request_return(NewReturn(order_ref="SO-1", type="cancel", reason="changed mind"))
    assert (await hub.apply("return", cancel.ref, "approved")).state == "completed"
    assert (await view(hub))["state"] == "cancelled"


async def test_no_goods_come_back_before_approval_and_one_agent_per_customer(hub):
    await released(hub)
    await hub.create_shipment("SO-1", NewShipment(ref="SH-1", mode="pickup", mode_change_reason="the customer collects",
                                                 pickup_company="Anji Logistics", plate="沪A12345"))
    await hub.apply("shipment", "SH-1", "picked_up")
    first = await hub.request_return(NewReturn(order_ref="SO-1", type="return_refund", reason="wrong colour",
                                               address="x", amount=Decimal("4200")))
    with pytest.raises(IllegalTransition):
        await hub.apply("return", first.ref, "customer_shipped")
    second = await hub.request_return(NewReturn(order_ref="SO-1", type="exchange", reason="size", address="x"))
    assert first.data["agent"] == second.data["agent"]


async def test_exchange_policy_is_configuration(make_hub, sqlite_engine, clock):
    hub = await make_hub(sqlite_engine, plugins=PLUGINS, returns={"exchange_window_days": 10})
    await hub.create_customer(NewCustomer(code="CB", name="B", grade="B"))
    await released(hub)
    await hub.create_shipment("SO-1", NewShipment(ref="SH-1", mode="pickup", mode_change_reason="the customer collects",
                                                 pickup_company="Anji Logistics", plate="沪A12345"))
    await hub.apply("shipment", "SH-1", "picked_up")
    clock.advance(days=11)
    with pytest.raises(InvalidInput, match="within 10 days"):
        await hub.request_return(NewReturn(order_ref="SO-1", type="exchange", reason="size", address="x"))


async def test_repair_intake_checklist_decides_the_warranty(hub):
    await released(hub)
    await hub.create_shipment("SO-1", NewShipment(ref="SH-1", mode="pickup", mode_change_reason="the customer collects",
                                                 pickup_company="Anji Logistics", plate="沪A12345"))
    await hub.apply("shipment", "SH-1", "picked_up")
    checklist = {"serial_match": False, "seal_intact": True, "liquid_marks": True, "missing_parts": False,
                 "unauthorised_repair": False, "cost_ceiling": "300", "data_loss_acknowledged": True}
    await hub.request_return(NewReturn(order_ref="SO-1", type="repair", reason="no power", address="x",
                                       fault="no power", checklist=checklist))
    details = (await view(hub))["returns"][0]["details"]
    assert details["warranty"] == {"covered": False,
                                   "reasons": ["serial/IMEI inside and outside differ", "liquid marks"]}
    with pytest.raises(InvalidInput, match="data-loss warning"):
        await hub.request_return(NewReturn(order_ref="SO-1", type="repair", reason="x", address="x", fault="x",
                                           checklist={**checklist, "data_loss_acknowledged": False}))


async def test_vip_granted_reviewed_and_revoked_each_a_hook(hub):
    notice = {"notice_ref": "SALES-12", "notified_by": "sales:li"}
    await hub.apply("customer", "CB", "vip_granted", notice, actor="sales:li")
    kept = await hub.review_vip("CB", Decimal("80000"), Decimal("50000"))
    short = await hub.review_vip("CB", Decimal("10000"), Decimal("50000"))
    revoked = await hub.apply("customer", "CB", "vip_revoked", {**notice, "notice_ref": "SALES-13"})
    # a short month goes back to sales (004); sales's written notice revokes
    assert (kept.state, short.state, revoked.state) == ("vip", "under_reevaluation", "regular")
    async with hub.engine.connect() as conn:
        from hub.core.queries import entity_timeline
        events = [e["event"] for e in await entity_timeline(conn, "customer", "CB")]
    assert events == ["created", "vip_granted", "vip_reviewed", "vip_reevaluation_requested", "vip_revoked"]
    # the notify sandbox writes the congratulation letter, the mail to sales and the cancellation letter
    # (nothing on a kept review)
    assert [h for h in await hooks(hub) if h.startswith("hub_customer_")] == [
        "hub_customer_vip_granted", "hub_customer_vip_reevaluation_requested", "hub_customer_vip_revoked"]


async def test_claim_branches_insured_to_the_insurer_and_approvals_go_in_order(hub):
    await released(hub)
    await hub.create_shipment("SO-1", NewShipment(ref="SH-1", carrier="sandbox", tracking_number="T1"))
    insured = await hub.open_claim(NewClaim(order_ref="SO-1", kind="loss", insured=True, amount_claimed=Decimal("900")))
    small = await hub.open_claim(NewClaim(order_ref="SO-1", kind="shortage", insured=True, amount_claimed=Decimal("50")))
    for claim in (insured, small):
        await hub.apply("claim", claim.ref, "documents_received", {"documents": ["waybill"]})
    assert (await hub.apply("claim", insured.ref, "departments_answered")).state == "with_insurer"
    assert (await hub.apply("claim", small.ref, "departments_answered")).state == "negotiating"
    await hub.apply("claim", small.ref, "amount_agreed", {"amount": "40"})
    with pytest.raises(IllegalTransition):
        await hub.apply("claim", small.ref, "gm_approved")
    assert (await hub.apply("claim", small.ref, "rejected")).state == "negotiating"
    await Runtime(hub, inline_tries=1).settle()


async def test_without_the_sandbox_playing_finance_a_posting_waits_for_a_finance_decision(make_hub, sqlite_engine):
    # given the ERP sandbox recording postings but leaving the audit to finance (finance_audit = false)
    erp = {"enabled": ["erp.sandbox"], "erp.sandbox": {"stock": {"SOFA-3": "5"}, "finance_audit": False}}
    hub = await make_hub(sqlite_engine, plugins=erp)
    await hub.create_customer(NewCustomer(code="CB", name="B", grade="B"))
    await new_order(hub)
    runtime = Runtime(hub, inline_tries=1)
    await runtime.settle()  # the sandbox reviews
    for event, data in [("confirmation_sent", {}), ("confirmation_received", {}), ("payment_received", {"amount": "8400"})]:
        await hub.apply("order", "SO-1", event, data)
    await runtime.settle()
    # then the posting is recorded in the ERP, and the order waits for finance
    order = await view(hub)
    assert order["state"] == "posted" and order["erp_ref"]
    transition = await hub.apply("order", "SO-1", "finance_approved", {"outbound_ref": "OUT-1"}, actor="finance:chen")
    assert (transition.state, transition.actor) == ("released", "finance:chen")


async def test_a_special_order_is_paid_once_its_product_is_made_and_warehoused(hub):
    # given a reviewed, confirmed special order (000: 特殊订做产品入库后,跟单员需通知客户打款)
    await new_order(hub, kind="special", special={"standard": {"width": "180"}, "requested": {"width": "200"}})
    await hub.apply("order", "SO-1", "reviewed", {"special_review": {
        "technical": "eng-zhou", "production": "prod-wu", "planning": "plan-he"}})
    await hub.apply("order", "SO-1", "confirmation_sent")
    await hub.apply("order", "SO-1", "confirmation_received")
    total = (await view(hub))["total"]
    # a payment before the product exists is recorded, and the order waits for production
    moved = await hub.apply("order", "SO-1", "payment_received", {"amount": total})
    assert moved.state == "awaiting_payment"
    # when the product is warehoused, the paid order is posted
    moved = await hub.apply("order", "SO-1", "special_warehoused", {"receipt_ref": "IN-7"})
    assert moved.state == "posted"
    assert (await view(hub))["special"]["receipt_ref"] == "IN-7"


async def test_a_warehoused_special_order_asks_the_customer_to_pay(make_hub, sqlite_engine):
    hub = await make_hub(sqlite_engine, plugins={"enabled": ["hub_milestone_plugin:MILESTONES"]})
    await hub.create_customer(NewCustomer(code="CB", name="B", grade="B"))
    await new_order(hub, kind="special", special={"standard": {"width": "180"}, "requested": {"width": "200"}})
    await hub.apply("order", "SO-1", "reviewed", {"special_review": {
        "technical": "eng-zhou", "production": "prod-wu", "planning": "plan-he"}})
    await hub.apply("order", "SO-1", "confirmation_sent")
    await hub.apply("order", "SO-1", "confirmation_received")
    before = (await hooks(hub)).count("hub_order_awaiting_payment")
    moved = await hub.apply("order", "SO-1", "special_warehoused", {})
    assert moved.state == "awaiting_payment"
    assert (await hooks(hub)).count("hub_order_awaiting_payment") == before + 1


async def test_only_a_special_order_is_warehoused_before_payment(hub):
    await new_order(hub)
    await hub.apply("order", "SO-1", "reviewed", {})
    await hub.apply("order", "SO-1", "confirmation_sent")
    await hub.apply("order", "SO-1", "confirmation_received")
    with pytest.raises(InvalidInput, match="only special orders"):
        await hub.apply("order", "SO-1", "special_warehoused", {})
