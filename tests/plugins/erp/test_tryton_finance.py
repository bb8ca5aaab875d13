"""erp.tryton against a real trytond: finance's audit (000: 交财务审核) happens in Tryton.

The hub quotes the sale; a finance user confirms it (approved) or cancels it / sends it back to
draft (refused) in Tryton; the finance check reads that decision off the sale.
"""
from __future__ import annotations

from core_payloads import changed


async def _posted(erp, back, make_order, deliver, tag):
    await back.product(f"A-{tag}", "12.50", stock=10)
    order = make_order(tag, (f"A-{tag}", "2", "12.50"))
    recorded = await deliver(erp, "hub_order_posted", order=order)
    return order, recorded


def as_posted(order, recorded):
    """The order as the finance check gets it: posted, carrying the number the posting reported."""
    return changed(order, state="posted", erp_ref=recorded[0][3]["erp_ref"])


async def test_posting_quotes_one_sale_for_finance_and_only_records_its_number(erp, back, make_order, deliver, tag):
    await back.product(f"A-{tag}", "12.50", stock=10)
    order = make_order(tag, (f"A-{tag}", "2", "12.50"))

    reports = [await deliver(erp, "hub_order_posted", order=order) for _ in range(3)]

    sale, = await back.sales(order.ref)
    assert sale["state"] == "quotation" and sale["shipments"] == []
    assert reports == [[("order", order.ref, "erp_recorded", {"erp_ref": sale["number"]})]] * 3


async def test_the_check_replies_nothing_while_the_quotation_waits_for_finance(erp, back, make_order, deliver, tag):
    order = make_order(tag, (f"A-{tag}", "2", "12.50"))
    # before the posting made a sale: nothing to decide on
    assert await deliver(erp, "hub_order_finance_check", order=order) == []

    order, recorded = await _posted(erp, back, make_order, deliver, tag)

    assert await deliver(erp, "hub_order_finance_check", order=as_posted(order, recorded)) == []
    assert [s["state"] for s in await back.sales(order.ref)] == ["quotation"]


async def test_finance_confirming_in_tryton_approves_with_the_outbound_shipment(
        erp, back, finance, make_order, deliver, tag):
    order, recorded = await _posted(erp, back, make_order, deliver, tag)

    await finance.confirm(order.ref)
    first = await deliver(erp, "hub_order_finance_check", order=as_posted(order, recorded))
    again = await deliver(erp, "hub_order_finance_check", order=as_posted(order, recorded))

    sale, = await back.sales(order.ref)
    shipment, = await back.client.read("stock.shipment.out", sale["shipments"], ["number"])
    assert sale["state"] == "processing"
    assert first == again == [("order", order.ref, "finance_approved",
                               {"erp_ref": sale["number"], "outbound_ref": shipment["number"]})]


async def test_a_confirmed_sale_whose_process_waits_for_the_worker_is_processed_by_the_check(
        worker_queue_tryton, queued_back, queued_finance, erp_factory, make_order, deliver, tag):
    # given a Tryton whose queued tasks wait for a worker: confirming leaves the sale confirmed
    erp = erp_factory(worker_queue_tryton)
    order, recorded = await _posted(erp, queued_back, make_order, deliver, tag)
    await queued_finance.confirm(order.ref)
    assert [s["state"] for s in await queued_back.sales(order.ref)] == ["confirmed"]

    # when the hub asks for finance's decision
    reported = await deliver(erp, "hub_order_finance_check", order=as_posted(order, recorded))

    # then the sale is processed, so the outbound shipment the hub reports exists
    sale, = await queued_back.sales(order.ref)
    shipment, = await queued_back.client.read("stock.shipment.out", sale["shipments"], ["number", "state"])
    assert sale["state"] == "processing" and shipment["state"] == "waiting"
    assert reported == [("order", order.ref, "finance_approved",
                         {"erp_ref": sale["number"], "outbound_ref": shipment["number"]})]


async def test_finance_cancelling_the_sale_refuses_with_its_comment(erp, back, finance, make_order, deliver, tag):
    order, recorded = await _posted(erp, back, make_order, deliver, tag)

    await finance.cancel(order.ref, comment="Deposit not on the account yet")
    reported = await deliver(erp, "hub_order_finance_check", order=as_posted(order, recorded))

    assert reported == [("order", order.ref, "finance_rejected",
                         {"reason": "Deposit not on the account yet", "erp_ref": recorded[0][3]["erp_ref"]})]


async def test_finance_sending_the_quotation_back_to_draft_refuses_naming_the_state(
        erp, back, finance, make_order, deliver, tag):
    order, recorded = await _posted(erp, back, make_order, deliver, tag)
    number = recorded[0][3]["erp_ref"]

    await finance.send_back(order.ref)
    reported = await deliver(erp, "hub_order_finance_check", order=as_posted(order, recorded))

    assert reported == [("order", order.ref, "finance_rejected", {
        "reason": f"sale {number} was reset to draft in Tryton after its quotation (no comment given)",
        "erp_ref": number})]


async def test_posting_again_after_a_refusal_quotes_the_same_sale_again(
        erp, back, finance, make_order, deliver, tag, ctx):
    # given finance cancelled the first posting and the hub reported the refusal
    order, recorded = await _posted(erp, back, make_order, deliver, tag)
    await finance.cancel(order.ref, comment="wrong payment terms")
    assert (await deliver(erp, "hub_order_finance_check", order=as_posted(order, recorded)))[0][2] == "finance_rejected"

    # when the order desk fixed it and the order is posted again (a new handoff)
    again = await deliver(erp, "hub_order_posted", ctx("k2"), order=order)

    # then the same sale is a quotation again, awaiting finance, and the check waits
    sale, = await back.sales(order.ref)
    assert sale["state"] == "quotation"
    assert again == recorded
    assert await deliver(erp, "hub_order_finance_check", order=as_posted(order, recorded)) == []


async def test_without_finance_audit_the_posting_approves_and_the_check_stays_silent(
        erp_factory, back, finance, make_order, deliver, tag):
    erp = erp_factory(finance_audit=False)
    order, recorded = await _posted(erp, back, make_order, deliver, tag)

    sale, = await back.sales(order.ref)
    shipment, = await back.client.read("stock.shipment.out", sale["shipments"], ["number"])
    assert sale["state"] == "processing"
    assert recorded == [("order", order.ref, "finance_approved",
                         {"erp_ref": sale["number"], "outbound_ref": shipment["number"]})]
    assert await deliver(erp, "hub_order_finance_check", order=changed(order, state="posted")) == []
