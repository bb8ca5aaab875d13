"""The lifecycle API: an order from creation to a claim, errors that name the state or the field."""
from __future__ import annotations

from typing import Any

from .web_support import AUTH, new_order, user_auth


async def post(client: Any, path: str, body: Any, **headers: str) -> Any:
    reply = await client.post(path, json=body, headers={**AUTH, **headers})
    return reply.status, await reply.json()


async def get(client: Any, path: str) -> Any:
    reply = await client.get(path, headers=AUTH)
    return reply.status, await reply.json()


async def released_order(client: Any, runtime: Any, ref: str = "SO-API-1") -> None:
    """Create an order and walk it to released through the API (the ERP sandbox reviews and posts)."""
    status, _ = await post(client, "/api/orders", new_order(ref, deposit_due="1000"))
    assert status == 201
    await runtime.settle()
    for event, data in (("confirmation_sent", {}), ("confirmation_received", {}),
                        ("deposit_received", {"amount": "1000"})):
        status, body = await post(client, f"/api/orders/{ref}/events", {"event": event, "data": data})
        assert status == 200, body
    await runtime.settle()


async def shipped_order(client: Any, runtime: Any, ref: str, shipment: str, tracking: str) -> None:
    """A released order, shipped in one shipment with a carrier: claims and papers may follow."""
    await released_order(client, runtime, ref)
    status, body = await post(client, f"/api/orders/{ref}/shipments",
                              {"ref": shipment, "carrier": "dhl", "tracking_number": tracking})
    assert status == 201, body
    await runtime.settle()


async def test_an_order_moves_through_the_api_and_shows_its_timeline_timers_and_handoffs(client, runtime, clock):
    # given a new order taken by a salesperson (whose made-up X-Actor changes nothing), reviewed by the ERP sandbox
    sales, cs = await user_auth(client, "sales.li", "sales"), await user_auth(client, "cs.wang", "agent")
    status, created = await post(client, "/api/orders", new_order("SO-API-1"), **sales, **{"X-Actor": "gm.li"})
    assert status == 201 and created["state"] == "received" and created["actor"] == "sales.li"
    await runtime.settle()
    status, order = await get(client, "/api/orders/SO-API-1")
    assert [t["rule"] for t in order["open_timers"]] == ["send_confirmation"]
    # when customer service sends the confirmation
    status, moved = await post(client, "/api/orders/SO-API-1/events", {"event": "confirmation_sent"}, **cs)
    # then the transition is answered and the order shows everything around it
    assert status == 200 and (moved["previous"], moved["state"]) == ("reviewed", "awaiting_confirmation")
    status, order = await get(client, "/api/orders/SO-API-1")
    assert status == 200
    assert order["lines"][0]["product_code"] == "SOFA-3" and order["state"] == "awaiting_confirmation"
    assert [e["event"] for e in order["timeline"]] == ["received", "reviewed", "confirmation_sent"]
    assert order["timeline"][-1]["actor"] == "cs.wang"
    # the confirmation went out in time; now its signed return is watched (002: back the same day)
    assert [t["rule"] for t in order["open_timers"]] == ["confirmation_return"]
    assert [(h["plugin"], h["hook"], h["state"]) for h in order["handoffs"]][0] == (
        "erp.sandbox", "hub_order_received", "done")


async def test_an_illegal_event_is_409_naming_the_state(client, runtime):
    await post(client, "/api/orders", new_order("SO-API-2"))
    status, body = await post(client, "/api/orders/SO-API-2/events", {"event": "shipped"})
    assert status == 409 and body["state"] == "received" and "received" in body["error"]


async def test_invalid_bodies_are_422_naming_the_field(client):
    await post(client, "/api/orders", new_order("SO-API-3"))
    cases = [
        ("/api/orders", {**new_order("SO-X"), "lines": []}, "lines"),
        ("/api/orders", {**new_order("SO-X"), "currency": "EURO"}, "currency"),
        ("/api/orders", {**new_order("SO-X"), "surprise": 1}, "surprise"),
        ("/api/orders/SO-API-3/events", {"data": {}}, "event"),
        ("/api/orders/SO-API-3/events", {"event": "teleported"}, "event"),
        ("/api/orders/SO-API-3/events", {"event": "cancelled", "data": []}, "data"),
    ]
    for path, body, field in cases:
        status, answer = await post(client, path, body)
        assert (status, answer["field"]) == (422, field), (path, body, answer)
    # a reference that exists already is a conflict, not bad data
    status, answer = await post(client, "/api/orders", new_order("SO-API-3"))
    assert (status, answer["field"]) == (409, "ref")
    # and a JSON body must say it is JSON
    reply = await client.post("/api/orders", data=b'{"ref": "SO-TXT"}', headers={**AUTH, "Content-Type": "text/plain"})
    assert reply.status == 415 and "application/json" in (await reply.json())["error"]


async def test_bad_json_is_400_and_an_x_actor_header_is_ignored(client):
    reply = await client.post("/api/orders", data=b"{not json", headers={**AUTH, "Content-Type": "application/json"})
    assert reply.status == 400 and "JSON" in (await reply.json())["error"]
    # the actor is the token's user, whatever a header claims
    status, body = await post(client, "/api/orders", new_order("SO-ACT"), **{"X-Actor": "li lei <li@x.cn>"})
    assert (status, body["actor"]) == (201, "tester")


async def test_unknown_references_are_404(client):
    for path in ("/api/orders/NOPE", "/api/shipments/NOPE", "/api/claims/NOPE", "/api/returns/NOPE",
                 "/api/customers/NOPE", "/api/handoffs/999"):
        status, body = await get(client, path)
        assert status == 404 and body["error"], path
    status, _ = await post(client, "/api/orders/NOPE/events", {"event": "cancelled"})
    assert status == 404


async def test_the_same_idempotency_key_replays_the_first_answer(client):
    body = new_order("SO-IDEM")
    first = await client.post("/api/orders", json=body, headers={**AUTH, "Idempotency-Key": "k-1"})
    again = await client.post("/api/orders", json=body, headers={**AUTH, "Idempotency-Key": "k-1"})
    assert (first.status, again.status) == (201, 201)
    assert await first.json() == await again.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    status, listing = await get(client, "/api/orders")
    assert [o["ref"] for o in listing["items"]] == ["SO-IDEM"]


async def test_an_idempotency_key_reused_with_another_body_is_422(client):
    await client.post("/api/orders", json=new_order("SO-K1"), headers={**AUTH, "Idempotency-Key": "k-2"})
    reply = await client.post("/api/orders", json=new_order("SO-K2"), headers={**AUTH, "Idempotency-Key": "k-2"})
    assert reply.status == 422 and (await reply.json())["field"] == "Idempotency-Key"
    status, _ = await get(client, "/api/orders/SO-K2")
    assert status == 404


async def test_a_key_without_ref_creates_one_order_however_often_it_is_retried(client):
    body = {k: v for k, v in new_order().items() if k != "ref"}
    refs = set()
    for _ in range(3):
        reply = await client.post("/api/orders", json=body, headers={**AUTH, "Idempotency-Key": "no-ref"})
        refs.add((await reply.json())["ref"])
    assert len(refs) == 1


async def test_orders_are_listed_with_filters(client, runtime, clock):
    await post(client, "/api/customers", {"code": "C-A", "name": "Grade A Ltd", "grade": "A"})
    await post(client, "/api/orders", {**new_order("SO-L1"), "customer": None, "customer_code": "C-A"})
    await post(client, "/api/orders", new_order("SO-L2"))
    await runtime.settle()
    await post(client, "/api/orders/SO-L2/events", {"event": "cancelled"})

    async def refs(query: str) -> list[str]:
        status, page = await get(client, f"/api/orders?{query}")
        assert status == 200
        return [o["ref"] for o in page["items"]]

    assert await refs("state=cancelled") == ["SO-L2"]
    assert await refs("customer=C-A") == ["SO-L1"]
    assert await refs("grade=B") == ["SO-L2"]
    assert await refs("overdue=false") == ["SO-L1", "SO-L2"]
    clock.advance(days=3)  # the confirmation of SO-L1 should have gone out by now
    assert await refs("overdue=true") == ["SO-L1"]
    status, body = await get(client, "/api/orders?state=flying")
    assert (status, body["field"]) == (422, "state")


async def test_a_shipment_and_a_claim_with_its_three_day_documents_timer(client, runtime, clock):
    # given a released order shipped with the sandbox carrier
    await released_order(client, runtime)
    status, shipment = await post(client, "/api/orders/SO-API-1/shipments",
                                  {"ref": "SH-API-1", "carrier": "sandbox", "tracking_number": "SBX-API-1"})
    assert status == 201 and shipment["state"] == "booked"
    status, view = await get(client, "/api/shipments/SH-API-1")
    assert view["order_ref"] == "SO-API-1" and view["timeline"][0]["event"] == "created"
    status, moved = await post(client, "/api/shipments/SH-API-1/events", {"event": "in_transit"})
    assert (status, moved["state"]) == (200, "in_transit")
    # when the customer claims damage
    status, opened = await post(client, "/api/claims", {"ref": "CL-API-1", "order_ref": "SO-API-1",
                                                        "shipment_ref": "SH-API-1", "kind": "damage",
                                                        "amount_claimed": "300"})
    assert (status, opened["state"]) == (201, "opened")
    # then the claim shows the documents timer due in three days
    status, claim = await get(client, "/api/claims/CL-API-1")
    timers = {t["rule"]: t["due_at"] for t in claim["open_timers"]}
    assert timers["claim_documents"].startswith(clock.advance(days=3).date().isoformat())
    status, moved = await post(client, "/api/claims/CL-API-1/events",
                               {"event": "documents_received", "data": {"documents": ["loss_evidence_photos"]}})
    assert (status, moved["state"]) == (200, "documents_received")
    status, page = await get(client, "/api/claims?order_ref=SO-API-1")
    assert [c["ref"] for c in page["items"]] == ["CL-API-1"]


async def test_a_return_request_is_created_and_moved(client, runtime):
    await post(client, "/api/orders", new_order("SO-RET"))
    status, created = await post(client, "/api/returns", {"ref": "RT-1", "order_ref": "SO-RET", "type": "cancel",
                                                          "reason": "ordered twice"})
    assert (status, created["state"]) == (201, "pending_review"), created
    status, view = await get(client, "/api/returns/RT-1")
    assert view["timeline"][0]["event"] == "requested" and view["agent"] == "agent-1"
    status, page = await get(client, "/api/returns?state=pending_review")
    assert [r["ref"] for r in page["items"]] == ["RT-1"]


async def test_customer_events_grade_vip_and_monthly_review(client):
    status, customer = await post(client, "/api/customers", {"code": "C-VIP", "name": "Big Buyer", "grade": "B"})
    assert (status, customer["standing"]) == (201, "regular")
    status, moved = await post(client, "/api/customers/C-VIP/events",
                               {"event": "grade_changed", "data": {"grade": "A"}})
    assert (status, moved["event"]) == (200, "grade_changed")
    notice = {"notice_ref": "SALES-7", "notified_by": "sales-li"}
    status, moved = await post(client, "/api/customers/C-VIP/events", {"event": "vip_granted", "data": notice})
    assert moved["state"] == "vip"
    status, moved = await post(client, "/api/customers/C-VIP/events",
                               {"event": "vip_review", "data": {"monthly_volume": "900", "threshold": "1000"}})
    # a short month goes back to sales for re-evaluation (004), whose written notice revokes
    assert (status, moved["event"], moved["state"]) == (200, "vip_reevaluation_requested", "under_reevaluation")
    status, moved = await post(client, "/api/customers/C-VIP/events", {"event": "vip_revoked", "data": notice})
    assert (status, moved["state"]) == (200, "regular")
    status, view = await get(client, "/api/customers/C-VIP")
    assert view["grade"] == "A" and view["monthly_volume"] == "900"
    assert [e["event"] for e in view["timeline"]] == ["created", "grade_changed", "vip_granted",
                                                      "vip_reevaluation_requested", "vip_revoked"]
    assert {h["hook"] for h in view["handoffs"]} >= {"hub_customer_vip_granted", "hub_customer_vip_revoked"}
    status, body = await post(client, "/api/customers/C-VIP/events", {"event": "grade_changed", "data": {"grade": "Z"}})
    assert (status, body["field"]) == (422, "data.grade")
    status, body = await post(client, "/api/customers/C-VIP/events", {"event": "vip_review", "data": {}})
    assert (status, body["state"], body["allowed_events"]) == (409, "regular", ["vip_granted", "grade_changed",
                                                                               "agent_reassigned"])
    await post(client, "/api/customers/C-VIP/events", {"event": "vip_granted", "data": notice})
    status, body = await post(client, "/api/customers/C-VIP/events", {"event": "vip_review", "data": {}})
    assert (status, [e["field"] for e in body["errors"]]) == (422, ["data.monthly_volume", "data.threshold"])


async def test_a_grade_c_order_without_deposit_waits_for_the_contract_amount(client):
    # 1 CNY of 4,200 does not release a grade C order that agreed no deposit (000, 001)
    body = new_order("SO-API-C", customer={"code": "C-GRADE-C", "name": "Cash Buyer", "grade": "C"},
                     lines=[{"product_code": "SOFA-3", "spec": "3-seat", "qty": 1, "unit_price": "4200"}])
    await post(client, "/api/orders", body)
    for event in ("reviewed", "confirmation_sent", "confirmation_received"):
        await post(client, "/api/orders/SO-API-C/events", {"event": event})
    status, moved = await post(client, "/api/orders/SO-API-C/events", {"event": "payment_received", "data": {"amount": "1"}})
    assert (status, moved["state"]) == (200, "awaiting_payment")
    # terms outside policy need the named approver and the terms, recorded in the timeline
    status, body = await post(client, "/api/orders/SO-API-C/events", {"event": "terms_approved"})
    assert status == 422 and {e["field"] for e in body["errors"]} == {"data.approver", "data.terms"}
    status, moved = await post(client, "/api/orders/SO-API-C/events", {"event": "terms_approved", "data": {
        "approver": "gm-li", "terms": "rest within 30 days"}})
    assert (status, moved["state"], moved["data"]["approver"]) == (200, "posted", "gm-li")


async def test_a_shipment_keeps_to_the_orders_delivery_mode_and_a_pickup_records_who_collected(client, runtime):
    await released_order(client, runtime, "SO-API-P")
    # a pickup on a delivery order is refused without a word of why
    status, body = await post(client, "/api/orders/SO-API-P/shipments", {"ref": "SH-P-1", "mode": "pickup"})
    assert status == 422 and body["field"] == "mode" and "is for delivery" in body["error"]
    status, _ = await post(client, "/api/orders/SO-API-P/shipments", {
        "ref": "SH-P-1", "mode": "pickup", "mode_change_reason": "the customer sends its own truck"})
    assert status == 201
    # the pickup records the pickup company and the plate (自提: 提货单位, 车牌)
    status, body = await post(client, "/api/shipments/SH-P-1/events", {"event": "picked_up"})
    assert status == 422 and body["field"] == "data.pickup_company"
    status, moved = await post(client, "/api/shipments/SH-P-1/events", {
        "event": "picked_up", "data": {"pickup_company": "Anji Logistics", "plate": "沪A12345"}})
    assert (status, moved["state"]) == (200, "delivered")
    status, shipment = await get(client, "/api/shipments/SH-P-1")
    assert (shipment["pickup_company"], shipment["plate"], shipment["mode"]) == ("Anji Logistics", "沪A12345", "pickup")
    assert shipment["timeline"][0]["data"]["mode_change_reason"] == "the customer sends its own truck"


async def test_an_order_missing_quantity_and_price_is_recorded_and_clarified_within_4_hours(client, clock):
    # given a phone order whose quantity and price are still unclear (000: 不明之处…4小时内)
    body = new_order("SO-API-Q", lines=[{"product_code": "SOFA-3", "spec": "3-seat"}])
    status, created = await post(client, "/api/orders", body)
    assert status == 201 and created["state"] == "received"
    status, order = await get(client, "/api/orders/SO-API-Q")
    assert order["missing_fields"] == ["line 1 qty", "line 1 unit price"] and order["total"] == "0"
    assert [t["rule"] for t in order["open_timers"]] == ["clarify_order", "send_confirmation"]
    # it cannot be reviewed yet, and a half clarification keeps the timer running
    status, body = await post(client, "/api/orders/SO-API-Q/events", {"event": "reviewed"})
    assert status == 409 and "clarify" in body["error"]
    await post(client, "/api/orders/SO-API-Q/events", {"event": "clarified", "data": {"quantities": {"1": "2"}}})
    status, order = await get(client, "/api/orders/SO-API-Q")
    assert order["missing_fields"] == ["line 1 unit price"] and "clarify_order" in [t["rule"] for t in order["open_timers"]]
    # when the customer gives the price, the clarification ends the timer, before any review
    status, moved = await post(client, "/api/orders/SO-API-Q/events", {"event": "clarified", "data": {"prices": {"1": "4200"}}})
    assert status == 200
    status, order = await get(client, "/api/orders/SO-API-Q")
    assert order["missing_fields"] == [] and order["total"] == "8400" and order["lines"][0]["qty"] == "2"
    assert [t["rule"] for t in order["open_timers"]] == ["send_confirmation"]
    assert [e["event"] for e in order["timeline"]] == ["received", "clarified", "clarified"]


async def test_a_line_given_away_at_0_goes_to_the_price_decision(client):
    body = new_order("SO-API-0", lines=[{"product_code": "UNKNOWN-9", "spec": "?", "qty": 1, "unit_price": "0"}])
    await post(client, "/api/orders", body)
    status, moved = await post(client, "/api/orders/SO-API-0/events", {"event": "reviewed"})
    assert (status, moved["state"]) == (200, "price_escalated")


async def test_a_short_line_without_its_date_stays_with_planning_under_a_timer(client, clock):
    # 000: 注明可供货时间和数量 — a short line needs the quantity and the date planning can supply
    await post(client, "/api/orders", new_order("SO-API-S"))  # 2 sofas
    status, moved = await post(client, "/api/orders/SO-API-S/events", {
        "event": "reviewed", "data": {"lines": [{"line_no": 1, "available_qty": "1"}]}})
    assert (status, moved["previous"], moved["state"]) == (200, "received", "received")
    status, order = await get(client, "/api/orders/SO-API-S")
    assert "planning_date" in [t["rule"] for t in order["open_timers"]]
    # when planning gives the date, the review passes and the timer is satisfied
    status, moved = await post(client, "/api/orders/SO-API-S/events", {
        "event": "reviewed", "data": {"lines": [{"line_no": 1, "available_qty": "1", "back_order_eta": "2026-03-20"}]}})
    assert (status, moved["state"]) == (200, "reviewed")
    status, order = await get(client, "/api/orders/SO-API-S")
    assert "planning_date" not in [t["rule"] for t in order["open_timers"]]
    assert (order["lines"][0]["back_order_qty"], order["lines"][0]["back_order_eta"]) == ("1", "2026-03-20")


async def _graded_order(client, ref: str, grade: str, qty: int = 5) -> None:
    await post(client, "/api/orders", new_order(ref, customer={"code": f"C-{ref}", "name": ref, "grade": grade},
                                                lines=[{"product_code": "SOFA-3", "spec": "3-seat", "qty": qty,
                                                        "unit_price": "4200"}]))


async def _review(client, ref: str, on_hand: str = "5") -> Any:
    status, moved = await post(client, f"/api/orders/{ref}/events", {"event": "reviewed", "data": {
        "lines": [{"line_no": 1, "on_hand": on_hand, "back_order_eta": "2026-04-01"}]}})
    assert status == 200, moved
    status, order = await get(client, f"/api/orders/{ref}")
    return order["lines"][0]


async def test_scarce_stock_goes_by_grade_then_order_time_and_is_never_promised_twice(client):
    # given 5 sofas on hand and orders of 5 from a grade C, then an A, then a B customer (000)
    for ref, grade in (("SO-C", "C"), ("SO-A", "A"), ("SO-B", "B")):
        await _graded_order(client, ref, grade)
    assert (await _review(client, "SO-C"))["available_qty"] == "5"
    # when the A order is reviewed, it comes first: C's unconfirmed promise gives way, recorded
    a_line = await _review(client, "SO-A")
    assert (a_line["available_qty"], a_line["back_order_qty"]) == ("5", "0")
    status, c_order = await get(client, "/api/orders/SO-C")
    assert (c_order["lines"][0]["available_qty"], c_order["lines"][0]["back_order_qty"]) == ("0", "5")
    moved = [e for e in c_order["timeline"] if e["event"] == "stock_reallocated"]
    assert [(e["data"]["from"], e["data"]["to"], e["data"]["taken_by"]) for e in moved] == [("5", "0", "SO-A")]
    # then the B order finds nothing left: the 5 are promised once, to A
    b_line = await _review(client, "SO-B")
    assert (b_line["available_qty"], b_line["back_order_qty"]) == ("0", "5")


async def test_what_a_confirmation_promised_is_not_taken_by_a_later_higher_grade_order(client):
    await _graded_order(client, "SO-C2", "C")
    await _graded_order(client, "SO-A2", "A")
    assert (await _review(client, "SO-C2"))["available_qty"] == "5"
    status, _ = await post(client, "/api/orders/SO-C2/events", {"event": "confirmation_sent"})
    assert status == 200
    a_line = await _review(client, "SO-A2")
    assert (a_line["available_qty"], a_line["back_order_qty"]) == ("0", "5")
    status, c_order = await get(client, "/api/orders/SO-C2")
    assert c_order["lines"][0]["available_qty"] == "5"
    # a cancelled order frees what it held: the waiting A order has it first, not the next review
    await post(client, "/api/orders/SO-C2/events", {"event": "cancelled", "data": {"reason": "customer withdrew"}})
    status, a_order = await get(client, "/api/orders/SO-A2")
    assert (a_order["lines"][0]["available_qty"], a_order["lines"][0]["back_order_qty"]) == ("5", "0")
    await _graded_order(client, "SO-B2", "B")
    assert (await _review(client, "SO-B2"))["available_qty"] == "0"


async def test_a_back_order_ships_when_planning_has_it_and_the_customer_hears_of_it(client, runtime, hub):
    # given 5 sofas ordered, 2 on hand, the other 3 due on 20 March (000: 欠货清单)
    await post(client, "/api/orders", new_order("SO-API-BO", deposit_due="1000", lines=[
        {"product_code": "SOFA-3", "spec": "3-seat", "qty": 5, "unit_price": "4200"}]))
    await post(client, "/api/orders/SO-API-BO/events", {"event": "reviewed", "data": {"lines": [
        {"line_no": 1, "available_qty": "2", "back_order_eta": "2026-03-20"}]}})
    for event, data in (("confirmation_sent", {}), ("confirmation_received", {}),
                        ("deposit_received", {"amount": "1000"}), ("finance_approved", {"erp_ref": "SO-9"})):
        status, body = await post(client, "/api/orders/SO-API-BO/events", {"event": event, "data": data})
        assert status == 200, body
    status, order = await get(client, "/api/orders/SO-API-BO")
    eta_timer = next(t for t in order["open_timers"] if t["rule"] == "back_order_eta")
    assert eta_timer["due_at"].startswith("2026-03-20T10:00")  # 18:00 in Shanghai
    # the first shipment carries what is on hand; the back order cannot leave before it exists
    status, _ = await post(client, "/api/orders/SO-API-BO/shipments", {"ref": "SH-BO-1", "carrier": "sf",
                                                                       "tracking_number": "SF-BO-1"})
    assert status == 201
    status, body = await post(client, "/api/orders/SO-API-BO/shipments", {"ref": "SH-BO-2", "carrier": "sf",
                                                                          "tracking_number": "SF-BO-2"})
    assert status == 422 and "back_order_ready" in body["error"]
    # when planning has the 3, they ship, the timer ends and a second "shipped" notice goes out
    status, _ = await post(client, "/api/orders/SO-API-BO/events", {"event": "back_order_ready", "data": {
        "lines": [{"line_no": 1, "available_qty": "5"}]}})
    assert status == 200
    status, _ = await post(client, "/api/orders/SO-API-BO/shipments", {"ref": "SH-BO-2", "carrier": "sf",
                                                                       "tracking_number": "SF-BO-2"})
    assert status == 201
    status, order = await get(client, "/api/orders/SO-API-BO")
    assert [l["shipped_qty"] for l in order["lines"]] == ["5"] and order["lines"][0]["back_order_qty"] == "0"
    assert "back_order_eta" not in [t["rule"] for t in order["open_timers"]]
    shipped = [h for h in order["handoffs"] if h["hook"] == "hub_order_shipped"]
    assert len(shipped) == 2  # one per shipment: the back order's too


async def test_finance_rejects_a_posting_back_to_the_order_desk_with_the_reason(client, runtime):
    # given a posted order (the web tests' sandbox plays finance, so finance is asked directly here)
    await post(client, "/api/orders", new_order("SO-API-F", deposit_due="1000"))
    for event, data in (("reviewed", {}), ("confirmation_sent", {}), ("confirmation_received", {}),
                        ("deposit_received", {"amount": "1000"})):
        await post(client, "/api/orders/SO-API-F/events", {"event": event, "data": data})
    # when finance finds no money on the account
    status, body = await post(client, "/api/orders/SO-API-F/events", {"event": "finance_rejected"})
    assert status == 422 and body["field"] == "data.reason"
    status, moved = await post(client, "/api/orders/SO-API-F/events", {"event": "finance_rejected", "data": {
        "reason": "deposit not on the account", "payment_not_received": True}})
    # then the order desk has it back, awaiting payment, with the reason, and must collect again
    assert (status, moved["previous"], moved["state"]) == (200, "posted", "awaiting_payment")
    status, order = await get(client, "/api/orders/SO-API-F")
    assert order["deposit_paid"] == "0" and order["timeline"][-1]["data"]["reason"] == "deposit not on the account"
    assert {"released", "deposit_received", "payment_received"} <= set(order["allowed_events"])
    assert "finance_approved" not in order["allowed_events"]


async def test_a_cancelled_orders_stock_goes_to_the_waiting_back_orders_by_grade_then_time(client, runtime):
    # given 5 sofas promised to a confirmed grade B order, and a C then an A order left waiting
    await _graded_order(client, "SO-FB", "B")
    assert (await _review(client, "SO-FB"))["available_qty"] == "5"
    await post(client, "/api/orders/SO-FB/events", {"event": "confirmation_sent"})
    await _graded_order(client, "SO-FC", "C", qty=3)
    await _graded_order(client, "SO-FA", "A", qty=4)
    assert (await _review(client, "SO-FC"))["back_order_qty"] == "3"
    assert (await _review(client, "SO-FA"))["back_order_qty"] == "4"
    # when the B order is cancelled
    status, _ = await post(client, "/api/orders/SO-FB/events", {"event": "cancelled", "data": {"reason": "withdrew"}})
    assert status == 200
    # then the A order gets its 4 first, the C order the 1 left, each recorded with the order that freed it
    status, a_order = await get(client, "/api/orders/SO-FA")
    status, c_order = await get(client, "/api/orders/SO-FC")
    assert (a_order["lines"][0]["available_qty"], a_order["lines"][0]["back_order_qty"]) == ("4", "0")
    assert a_order["lines"][0]["back_order_eta"] is None
    assert (c_order["lines"][0]["available_qty"], c_order["lines"][0]["back_order_qty"]) == ("1", "2")
    reoffered = [e["data"] for e in c_order["timeline"] if e["event"] == "stock_reoffered"]
    assert [(d["qty"], d["freed_by"]) for d in reoffered] == [("1", "SO-FB")]
    # and the stock is promised once: a new review of 5 on hand finds nothing left for a newcomer
    await _graded_order(client, "SO-FN", "C", qty=1)
    assert (await _review(client, "SO-FN"))["available_qty"] == "0"


async def test_a_released_back_order_is_told_it_may_ship_when_stock_is_freed(client, runtime):
    await _graded_order(client, "SO-RB", "A", qty=5)
    await _review(client, "SO-RB", on_hand="5")
    await _graded_order(client, "SO-RW", "A", qty=2)
    assert (await _review(client, "SO-RW", on_hand="5"))["back_order_qty"] == "2"
    for event, data in (("confirmation_sent", {}), ("released", {"approver": "sales"}),
                        ("finance_approved", {"erp_ref": "E-RW"})):
        status, body = await post(client, "/api/orders/SO-RW/events", {"event": event, "data": data})
        assert status == 200, body
    status, body = await post(client, "/api/orders/SO-RW/shipments", {"carrier": "sf", "tracking_number": "SF-RW"})
    assert status == 422  # nothing available yet
    await post(client, "/api/orders/SO-RB/events", {"event": "cancelled", "data": {"reason": "withdrew"}})
    status, order = await get(client, "/api/orders/SO-RW")
    ready = [e for e in order["timeline"] if e["event"] == "back_order_ready"]
    assert len(ready) == 1 and ready[0]["actor"] is not None
    status, body = await post(client, "/api/orders/SO-RW/shipments", {"carrier": "sf", "tracking_number": "SF-RW"})
    assert status == 201, body


async def test_a_back_order_may_go_by_express_as_a_recorded_choice(client, runtime):
    await post(client, "/api/orders", new_order("SO-EX", deposit_due="1000", lines=[
        {"product_code": "SOFA-3", "spec": "3-seat", "qty": 5, "unit_price": "4200"}]))
    await post(client, "/api/orders/SO-EX/events", {"event": "reviewed", "data": {"lines": [
        {"line_no": 1, "available_qty": "2", "back_order_eta": "2026-03-20"}]}})
    for event, data in (("confirmation_sent", {}), ("confirmation_received", {}),
                        ("deposit_received", {"amount": "1000"}), ("finance_approved", {"erp_ref": "SO-EX9"})):
        await post(client, "/api/orders/SO-EX/events", {"event": event, "data": data})
    # the first shipment cannot go by express without a reason: it goes as the order says
    status, body = await post(client, "/api/orders/SO-EX/shipments", {"mode": "express", "carrier": "sf",
                                                                      "tracking_number": "SF-EX-1"})
    assert status == 422 and body["field"] == "mode"
    status, _ = await post(client, "/api/orders/SO-EX/shipments", {"ref": "SH-EX-1", "carrier": "sf",
                                                                   "tracking_number": "SF-EX-1"})
    assert status == 201
    await post(client, "/api/orders/SO-EX/events", {"event": "back_order_ready", "data": {
        "lines": [{"line_no": 1, "available_qty": "5"}]}})
    status, body = await post(client, "/api/orders/SO-EX/shipments", {"mode": "express", "carrier": "sf",
                                                                      "tracking_number": "SF-EX-2"})
    assert status == 422 and body["field"] == "express_reason"
    status, body = await post(client, "/api/orders/SO-EX/shipments", {
        "ref": "SH-EX-2", "mode": "express", "carrier": "sf", "tracking_number": "SF-EX-2",
        "express_reason": "the store opens on Saturday"})
    assert status == 201, body
    status, shipment = await get(client, "/api/shipments/SH-EX-2")
    assert shipment["mode"] == "express"
    created = next(e for e in shipment["timeline"] if e["event"] == "created")
    assert created["data"]["express_reason"] == "the store opens on Saturday"
