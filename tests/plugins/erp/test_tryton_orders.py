"""erp.tryton against a real trytond: order review, posting, shipment progress."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest


@pytest.fixture
def erp(erp_factory):
    """These tests are about review, posting and shipments, not finance's audit: the hub's posting
    counts as finance's approval (finance_audit = false), so the sale is confirmed and processed at
    once. test_tryton_finance.py covers finance's audit in Tryton."""
    return erp_factory(finance_audit=False)


async def test_review_reports_available_quantity_and_incoming_eta(erp, back, make_order, deliver, tag):
    # given: A has 5 on hand and 10 arriving in 12 days; B has plenty
    short = await back.product(f"A-{tag}", "12.50", stock=5)
    await back.product(f"B-{tag}", "3.20", stock=20)
    eta = dt.date.today() + dt.timedelta(days=12)
    await back.incoming(short, 10, eta)
    order = make_order(tag, (f"A-{tag}", "8", "12.50"), (f"B-{tag}", "3", "3.00"))

    # when
    reported = await deliver(erp, "hub_order_received", order=order)

    # then
    assert reported == [("order", order.ref, "reviewed", {"lines": [
        {"line_no": 1, "available_qty": "5", "back_order_eta": eta.isoformat(), "list_price": "12.50"},
        {"line_no": 2, "available_qty": "20", "back_order_eta": None, "list_price": "3.20"}]})]


async def test_review_of_a_short_line_without_incoming_stock_has_no_eta(erp, back, make_order, deliver, tag):
    await back.product(f"A-{tag}", "9", stock=1)
    order = make_order(tag, (f"A-{tag}", "4", "9"))

    reported = await deliver(erp, "hub_order_received", order=order)

    assert reported[0][3]["lines"] == [
        {"line_no": 1, "available_qty": "1", "back_order_eta": None, "list_price": "9.00"}]


async def test_posting_three_times_makes_one_processing_sale_with_its_shipment(erp, back, make_order, deliver, tag):
    await back.product(f"A-{tag}", "12.50", stock=10)
    order = make_order(tag, (f"A-{tag}", "2", "12.50"))

    reports = [await deliver(erp, "hub_order_posted", order=order) for _ in range(3)]

    sales = await back.sales(order.ref)
    assert len(sales) == 1
    sale = sales[0]
    assert sale["state"] == "processing" and len(sale["shipments"]) == 1
    assert await back.shipment_states(sale["shipments"]) == ["waiting"]
    shipment, = await back.client.read("stock.shipment.out", sale["shipments"], ["number"])
    assert reports == [[("order", order.ref, "finance_approved",
                         {"erp_ref": sale["number"], "outbound_ref": shipment["number"]})]] * 3


async def test_concurrent_postings_in_two_processes_make_one_sale(erp_factory, back, make_order, deliver, tag):
    # given: the same delivery running twice in this process and once in another one
    await back.product(f"A-{tag}", "7", stock=10)
    order = make_order(tag, (f"A-{tag}", "1", "7"))
    here, there = erp_factory(finance_audit=False), erp_factory(finance_audit=False)

    # when
    reports = await asyncio.gather(*(deliver(pm, "hub_order_posted", order=order)
                                     for pm in (here, here, there)))

    # then
    sales = await back.sales(order.ref)
    assert [s["state"] for s in sales] == ["processing"]
    assert {r[0][3]["erp_ref"] for r in reports} == {sales[0]["number"]}


async def test_shipped_then_delivered_moves_the_outbound_shipment_to_done(erp, back, make_order, deliver, tag):
    await back.product(f"A-{tag}", "4", stock=10)
    order = make_order(tag, (f"A-{tag}", "3", "4"))
    await deliver(erp, "hub_order_posted", order=order)
    sale, = await back.sales(order.ref)

    for _ in range(2):  # at least once: a repeated delivery changes nothing
        await deliver(erp, "hub_order_shipped", order=order)
    assert await back.shipment_states(sale["shipments"]) == ["shipped"]

    for _ in range(2):
        await deliver(erp, "hub_order_delivered", order=order)
    assert await back.shipment_states(sale["shipments"]) == ["done"]
    invoices = await back.client.read("account.invoice", sale["invoices"], ["state"])
    assert [i["state"] for i in invoices] == ["posted"]
