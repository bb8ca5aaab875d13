"""erp.tryton against a real trytond: approved claims become credit notes, returns return sales."""
from __future__ import annotations

from decimal import Decimal

import pytest

from core_payloads import arguments, changed


@pytest.fixture
def erp(erp_factory):
    """Claims need a processed sale with its invoice: the hub's posting counts as finance's approval
    (finance_audit = false), so the sale is confirmed and processed at once. test_tryton_finance.py
    covers finance's audit in Tryton."""
    return erp_factory(finance_audit=False)


def approved_claim(ref, order, **fields):
    """The claim the core sends with ``hub_claim_approved``, on this test's order."""
    return changed(arguments("hub_claim_approved")["claim"], ref=ref, order_ref=order.ref, shipment_ref=None,
                   customer=order.customer, **fields)


async def _posted_order(erp, back, make_order, deliver, tag):
    await back.product(f"A-{tag}", "50", stock=10)
    order = make_order(tag, (f"A-{tag}", "4", "50"))
    await deliver(erp, "hub_order_posted", order=order)
    return order


async def test_claim_approved_for_120_ends_as_a_credit_note_of_minus_120(erp, back, make_order, deliver, tag):
    # given a posted order (its invoice still a draft)
    order = await _posted_order(erp, back, make_order, deliver, tag)
    claim = approved_claim(f"CL-{tag}", order, kind="damage", amount_claimed=Decimal("150"),
                           amount_approved=Decimal("120.00"))

    # when the approval is delivered twice
    first = await deliver(erp, "hub_claim_approved", claim=claim)
    second = await deliver(erp, "hub_claim_approved", claim=claim)

    # then one complaint, done, whose credit note totals -120.00
    assert first == second
    (entity, ref, event, data), = first
    assert (entity, ref, event) == ("claim", claim.ref, "erp_recorded")
    complaints = await back.client.search_read("sale.complaint", [["reference", "=", claim.ref]],
                                               ["state", "actions"])
    assert [c["state"] for c in complaints] == ["done"]
    action, = await back.client.read("sale.complaint.action", complaints[0]["actions"], ["result"])
    note, = await back.client.read("account.invoice", [int(action["result"].split(",")[1])],
                                   ["type", "total_amount", "number"])
    assert note["type"] == "out" and note["total_amount"] == Decimal("-120.00")
    assert data["erp_ref"] == (note["number"] or action["result"])


async def test_second_claim_on_the_same_order_is_recorded_despite_tryton_warning(
        erp, back, make_order, deliver, tag):
    order = await _posted_order(erp, back, make_order, deliver, tag)
    for n, amount in ((1, "20"), (2, "30")):
        claim = approved_claim(f"CL-{tag}-{n}", order, kind="shortage", amount_approved=Decimal(amount))
        await deliver(erp, "hub_claim_approved", claim=claim)

    complaints = await back.client.search_read(
        "sale.complaint", [["reference", "in", [f"CL-{tag}-1", f"CL-{tag}-2"]]], ["state"])
    assert [c["state"] for c in complaints] == ["done", "done"]


async def test_return_awaiting_refund_books_one_return_sale_with_negative_quantity(
        erp, back, make_order, deliver, tag):
    order = await _posted_order(erp, back, make_order, deliver, tag)
    request = changed(arguments("hub_return_awaiting_refund")["return_request"], ref=f"RT-{tag}",
                      order_ref=order.ref, type="return_refund", line_no=1, amount=Decimal("200"),
                      customer=order.customer)

    reports = [await deliver(erp, "hub_return_awaiting_refund", return_request=request) for _ in range(2)]

    complaint, = await back.client.search_read("sale.complaint", [["reference", "=", request.ref]],
                                               ["state", "actions"])
    action, = await back.client.read("sale.complaint.action", complaint["actions"], ["result"])
    returned, = await back.client.read("sale.sale", [int(action["result"].split(",")[1])],
                                       ["number", "state", "total_amount"])
    assert returned["state"] == "processing" and returned["total_amount"] == Decimal("-200.00")
    assert reports == [[("return", request.ref, "erp_recorded", {"erp_ref": returned["number"]})]] * 2
