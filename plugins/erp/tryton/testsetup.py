"""One-off set-up of a fresh Tryton database for the tests: what an implementer does on day one.

Run over JSON-RPC against the bare database (modules activated) and saved as the ready template:
currency, company, chart of accounts, fiscal years with invoice sequences, a payment term, an
accounting product category and complaint types. Bump SETUP_VERSION when this changes.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import SecretStr

from plugins.erp.tryton.client import TrytonClient
from plugins.erp.tryton.settings import TrytonSettings

SETUP_VERSION = "1"
CURRENCY = "CNY"
PAYMENT_TERM = "Direct"
CATEGORY = "Hub Goods"


async def prepare(url: str, database: str, username: str, password: str) -> None:
    client = TrytonClient(TrytonSettings(url=url, database=database, username=username,
                                         password=SecretStr(password), timeout_s=120))
    try:
        currency = await _currency(client)
        company = await _company(client, currency)
        revenue, expense = await _chart(client, company)
        for year in (dt.date.today().year, dt.date.today().year + 1):
            await _fiscal_year(client, company, year)
        await client.create("account.invoice.payment_term", [
            {"name": PAYMENT_TERM, "lines": [["create", [{"type": "remainder"}]]]}])
        await client.create("product.category", [{"name": CATEGORY, "accounting": True,
                                                   "account_revenue": revenue,
                                                   "account_expense": expense}])
        for model in ("sale.sale", "account.invoice"):
            origin, = await client.search("ir.model", [["name", "=", model]])
            await client.create("sale.complaint.type", [{"name": f"Hub claim on {model}", "origin": origin}])
    finally:
        await client.close()


async def _currency(client: TrytonClient) -> int:
    currency, = await client.create("currency.currency", [{
        "name": "Chinese Yuan", "code": CURRENCY, "symbol": "¥", "rounding": Decimal("0.01"),
        "rates": [["create", [{"date": dt.date(2000, 1, 1), "rate": Decimal(1)}]]]}])
    return currency


async def _company(client: TrytonClient, currency: int) -> int:
    party, = await client.create("party.party", [{"name": "Hub Test Company"}])
    # The 'add' transition also links the company to every user.
    await client.wizard("company.company.config", [
        ("company", {"start": {}}),
        ("add", {"company": {"party": party, "currency": currency, "timezone": "UTC"}})])
    await client.reload_context()
    return client.context["company"]


async def _chart(client: TrytonClient, company: int) -> tuple[int, int]:
    template = await client.xml_id("account", "account_template_root_en")
    account = {"company": company, "account_template": template}

    async def one(domain: list) -> int:
        # Closed accounts (4.1.0 of the minimal chart) fail invoice lines later.
        found, = await client.search("account.account", [*domain, ["closed", "!=", True],
                                                         ["company", "=", company]], limit=1)
        return found

    async def properties(_previous: object) -> dict:
        # The wizard leaves these None when several accounts qualify: choose them.
        return {"account": account, "properties": {
            "company": company,
            "account_receivable": await one([["type.receivable", "=", True], ["party_required", "=", True]]),
            "account_payable": await one([["type.payable", "=", True], ["party_required", "=", True]]),
            "category_account_revenue": await one([["type.revenue", "=", True]]),
            "category_account_expense": await one([["type.expense", "=", True]])}}

    await client.wizard("account.create_chart", [
        ("create_account", {"start": {}, "account": account}),
        ("create_properties", properties)])
    return await one([["type.revenue", "=", True]]), await one([["type.expense", "=", True]])


async def _fiscal_year(client: TrytonClient, company: int, year: int) -> None:
    move_type = await client.xml_id("account", "sequence_type_account_move")
    invoice_type = await client.xml_id("account_invoice", "sequence_type_account_invoice")
    move_seq, invoice_seq = await client.create("ir.sequence.strict", [
        {"name": f"Move {year}", "sequence_type": move_type, "company": company},
        {"name": f"Invoice {year}", "sequence_type": invoice_type, "company": company}])
    fiscal_year = await client.create("account.fiscalyear", [{
        "name": str(year), "start_date": dt.date(year, 1, 1), "end_date": dt.date(year, 12, 31),
        "company": company, "move_sequence": move_seq,
        "invoice_sequences": [["create", [{
            "company": company, "out_invoice_sequence": invoice_seq, "in_invoice_sequence": invoice_seq,
            "out_credit_note_sequence": invoice_seq, "in_credit_note_sequence": invoice_seq}]]]}])
    await client.button("account.fiscalyear", "create_period", fiscal_year)
