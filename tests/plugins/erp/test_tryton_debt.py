"""erp.tryton's debt check against a real trytond (004: 财会部评估客户欠款情况): a proposed settlement is
answered with the customer's party receivable exactly as Tryton computes it."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core_payloads import arguments, changed
from hub import PermanentError

SETTLEMENT = "hub_claim_settlement_proposed"


@pytest.fixture
def erp(erp_factory):
    """The invoice must be posted for Tryton to count it: the posting counts as finance's approval
    (finance_audit = false), so shipping the order posts its invoice."""
    return erp_factory(finance_audit=False)


def proposed_claim(ref, order):
    """The claim the core sends with ``hub_claim_settlement_proposed``, on this test's order."""
    return changed(arguments(SETTLEMENT)["claim"], ref=ref, order_ref=order.ref, shipment_ref=None,
                   customer=order.customer, amount_approved=Decimal("120.00"))


async def invoiced_order(erp, back, make_order, deliver, tag):
    """An order posted and shipped: Tryton holds its posted invoice of 4 × 50.00, due at once."""
    await back.product(f"A-{tag}", "50", stock=10)
    order = make_order(tag, (f"A-{tag}", "4", "50"))
    await deliver(erp, "hub_order_posted", order=order)
    await deliver(erp, "hub_order_shipped", order=order)
    return order


async def book(back, party_code, amount, due=None):
    """What an accountant books by hand on the party's receivable account: a positive amount is owed (a
    debit), a negative one is money received and not matched yet (a credit); ``due`` its maturity date."""
    c = back.client
    party, = await c.search("party.party", [["code", "=", party_code]])
    receivable, = await c.search("account.account", [["type.receivable", "=", True], ["party_required", "=", True],
                                                     ["closed", "!=", True]], limit=1)
    revenue, = await c.search("account.account", [["type.revenue", "=", True], ["closed", "!=", True]], limit=1)
    journal, = await c.search("account.journal", [["code", "=", "MISC"]])
    owed, received = (amount, Decimal(0)) if amount > 0 else (Decimal(0), -amount)
    move, = await c.create("account.move", [{"journal": journal, "lines": [["create", [
        {"account": receivable, "party": party, "debit": owed, "credit": received, "maturity_date": due},
        {"account": revenue, "debit": received, "credit": owed}]]]}])
    await c.button("account.move", "post", [move])


async def tryton_figures(back, party_code):
    party, = await back.client.search_read("party.party", [["code", "=", party_code]],
                                           ["receivable", "receivable_today"])
    return party["receivable"], party["receivable_today"]


async def test_a_proposed_settlement_is_answered_with_the_receivable_tryton_reports_for_the_party(
        erp, back, make_order, deliver, tag):
    # given a customer with a posted invoice of 200.00 due now, and 80.00 more falling due next month
    order = await invoiced_order(erp, back, make_order, deliver, tag)
    await book(back, order.customer.code, Decimal("80.00"), due=dt.date.today() + dt.timedelta(days=30))
    # when the claim's settlement is proposed
    replies = await deliver(erp, SETTLEMENT, claim=proposed_claim(f"CL-{tag}", order), order=order)
    # then the approvers get Tryton's receivable, of which what is due by today as overdue
    assert await tryton_figures(back, order.customer.code) == (Decimal("280.00"), Decimal("200.00"))
    assert replies == [("claim", f"CL-{tag}", "debt_checked",
                        {"open_balance": "280.00", "overdue": "200.00", "currency": "CNY", "source": "tryton"})]


async def test_a_redelivery_reports_the_receivable_as_it_is_by_then(erp, back, make_order, deliver, tag):
    order = await invoiced_order(erp, back, make_order, deliver, tag)
    claim = proposed_claim(f"CL-{tag}", order)
    first = await deliver(erp, SETTLEMENT, claim=claim, order=order)

    await book(back, order.customer.code, Decimal("-50.00"))  # a payment received, not matched yet
    second = await deliver(erp, SETTLEMENT, claim=claim, order=order)

    assert [data["open_balance"] for *_, data in first + second] == ["200.00", "150.00"]
    assert await tryton_figures(back, order.customer.code) == (Decimal("150.00"), Decimal("150.00"))


async def test_a_customer_in_credit_shows_a_negative_open_balance(erp, back, make_order, deliver, tag):
    order = await invoiced_order(erp, back, make_order, deliver, tag)
    await book(back, order.customer.code, Decimal("-275.50"))  # paid more than invoiced

    (*_, data), = await deliver(erp, SETTLEMENT, claim=proposed_claim(f"CL-{tag}", order), order=order)

    assert (data["open_balance"], data["overdue"]) == ("-75.50", "-75.50")


async def test_a_customer_whose_invoice_is_still_a_draft_owes_nothing_yet(erp, back, make_order, deliver, tag):
    await back.product(f"A-{tag}", "50", stock=10)
    order = make_order(tag, (f"A-{tag}", "4", "50"))
    await deliver(erp, "hub_order_posted", order=order)  # the party and a draft invoice, not shipped

    (*_, data), = await deliver(erp, SETTLEMENT, claim=proposed_claim(f"CL-{tag}", order), order=order)

    assert (data["open_balance"], data["overdue"]) == ("0.00", "0.00")


async def test_a_customer_tryton_does_not_know_is_an_error_not_a_zero_balance(erp, make_order, deliver, tag):
    order = make_order(tag, ("X", "1", "1"))  # never posted: no party with its code
    with pytest.raises(PermanentError, match=f"no party with code C-{tag}"):
        await deliver(erp, SETTLEMENT, claim=proposed_claim(f"CL-{tag}", order), order=order)


async def test_with_the_debt_check_off_nothing_is_read_or_replied(erp_factory, make_order, deliver, tag):
    erp = erp_factory(debt_check=False)
    order = make_order(tag, ("X", "1", "1"))  # unknown to Tryton: a read would fail
    assert await deliver(erp, SETTLEMENT, claim=proposed_claim(f"CL-{tag}", order), order=order) == []
