"""Hub snapshots → K3 Cloud Save models and query filters (pure; field keys of the standard forms)."""
from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from hub import ClaimSnapshot, OrderSnapshot, PermanentError
from plugins.erp.common.debt import CustomerDebt, decimal_of
from plugins.erp.kingdee import units
from plugins.erp.kingdee.settings import KingdeeSettings


def number(code: str) -> dict[str, str]:
    """Base data is referenced by its number (NumberSearch is on by default)."""
    return {"FNumber": code}


def equals_filter(field: str, value: str) -> str:
    """A FilterString clause; quotes are doubled as in SQL so a reference cannot break out."""
    return f"{field}='{value.replace(chr(39), chr(39) * 2)}'"


def currency_number(currency: str, settings: KingdeeSettings) -> str:
    try:
        return settings.currency_numbers[currency]
    except KeyError:
        raise PermanentError(f"kingdee: currency {currency} has no number in settings.currency_numbers") from None


def amount(value: Decimal) -> float:
    # The WebAPI takes JSON numbers; two decimals is what the price fields keep.
    return float(value.quantize(Decimal("0.01")))


def sale_order_model(order: OrderSnapshot, settings: KingdeeSettings) -> dict[str, Any]:
    """The Model of a new sales order (FID 0 creates) carrying the hub's reference."""
    if not order.lines:
        raise PermanentError(f"kingdee: order {order.ref} has no lines")
    delivery = (order.promised_date or order.created_at.date()).isoformat()
    return {
        "FID": 0,
        settings.reference_field: order.ref,
        "FBillTypeID": {"FNUMBER": settings.sale_order_bill_type},
        "FDate": order.created_at.date().isoformat(),
        "FSaleOrgId": number(settings.org_number),
        "FCustId": number(order.customer.code),
        "FSaleOrderFinance": {"FSettleCurrId": number(currency_number(order.currency, settings))},
        "FSaleOrderEntry": [
            {"FMaterialId": number(line.product_code), "FUnitID": number(settings.unit_number),
             "FQty": float(line.qty), "FTaxPrice": amount(line.unit_price), "FDeliveryDate": delivery}
            for line in order.lines
        ],
    }


def credit_model(claim: ClaimSnapshot, settings: KingdeeSettings, on: date) -> dict[str, Any]:
    """A red (negative) receivable for the approved claim amount, referenced by the claim."""
    value = claim.amount_approved if claim.amount_approved is not None else claim.amount_claimed
    if value <= 0:
        raise PermanentError(f"kingdee: claim {claim.ref} has no positive amount to credit")
    return {
        "FID": 0,
        settings.reference_field: claim.ref,
        "FBillTypeID": {"FNUMBER": settings.receivable_bill_type},
        "FDATE": on.isoformat(),
        "FCUSTOMERID": number(claim.customer.code),
        "FSETTLEORGID": number(settings.org_number),
        "FCURRENCYID": number(currency_number(claim.currency, settings)),
        "FEntityDetail": [
            {"FMATERIALID": number(settings.claim_material_number), "FPriceQty": -1,
             "FTaxPrice": amount(value)},
        ],
    }


def save_data(model: dict[str, Any], need_update: list[str] | None = None) -> dict[str, Any]:
    """The ``data`` of a Save: a partial update when ``need_update`` names the fields.

    A partial update must not send IsDeleteEntry true: that drops every entry row not sent.
    """
    partial = bool(need_update)
    return {"NeedUpDateFields": need_update or [], "NeedReturnFields": [],
            "IsDeleteEntry": "false" if partial else "true", "IsVerifyBaseDataField": "true",
            "Model": model}


def outbound_reference(order_ref: str, idempotency_key: str) -> str:
    """One outbound document per shipped delivery: stable across retries, distinct per event."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:10].upper()
    return f"{order_ref}/{digest}"


REASON_MAX = 500  # the hub's finance_rejected reason is at most this long


def finance_decision(bill_no: str, status: str, note: Any, *, submitted: bool) -> tuple[str, dict[str, Any]] | None:
    """Finance's decision on a submitted sales order, from its FDocumentStatus; None while pending.

    ``submitted``: the hub's posting finished its Submit (the order carries the ERP number it
    reported). A (or Z) then means the bill was sent back (撤销, a workflow's 驳回); before that it
    is only the hub's own posting, not finished yet.
    """
    if status == units.AUDITED:
        return "finance_approved", {"erp_ref": bill_no}
    if status == units.UNDER_AUDIT:
        return None
    if status == units.REAUDIT or (status in units.NEEDS_SUBMIT and submitted):
        return "finance_rejected", {"reason": _refusal(bill_no, status, note), "erp_ref": bill_no}
    if status in units.NEEDS_SUBMIT:
        return None
    raise PermanentError(f"kingdee: sales order {bill_no} is in status {status!r}, which the adapter does not know")


def _refusal(bill_no: str, status: str, note: Any) -> str:
    text = " ".join(str(note or "").split())
    if text:
        return text if len(text) <= REASON_MAX else text[:REASON_MAX - 1] + "…"
    how = "un-audited" if status == units.REAUDIT else "sent back"
    return f"sales order {bill_no} was {how} in K3, now in status {units.STATUS_NAMES[status]} (no note given)"


def debt_fields(settings: KingdeeSettings) -> list[str]:
    """The FieldKeys of the receivable query, in the order ``customer_debt`` reads them."""
    named = ("FID", settings.debt_amount_field, settings.debt_currency_field, settings.debt_settled_field,
             settings.debt_due_field)
    return [field for field in named if field]


def debt_filter(settings: KingdeeSettings, customer_code: str) -> str:
    """The customer's bills that ``debt_filter`` keeps (bracketed, so an OR in it stays inside)."""
    clause = equals_filter(settings.debt_customer_field, customer_code)
    extra = settings.debt_filter.strip()
    return f"{clause} AND ({extra})" if extra else clause


def _due_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])  # K3 answers datetimes: "2026-11-30T00:00:00"
    except ValueError:
        raise PermanentError(f"kingdee: a receivable's due date {value!r} is not a date") from None


def customer_debt(rows: list[list[Any]], fields: list[str], settings: KingdeeSettings, currency: str,
                  today: date) -> tuple[CustomerDebt, int]:
    """Open balance and overdue part of the bills in ``currency`` (each bill: amount less what was
    received against it); also how many bills were left out for being in another currency."""
    wanted = currency_number(currency, settings)
    open_balance, overdue, other_currency = Decimal(0), Decimal(0), 0
    for row in rows:
        bill = dict(zip(fields, row))
        if str(bill.get(settings.debt_currency_field) or wanted) != wanted:
            other_currency += 1
            continue
        still_open = decimal_of(bill.get(settings.debt_amount_field))
        if settings.debt_settled_field:
            still_open -= decimal_of(bill.get(settings.debt_settled_field))
        open_balance += still_open
        due = _due_date(bill.get(settings.debt_due_field)) if settings.debt_due_field else None
        if due is not None and due < today:
            overdue += still_open
    reported_overdue = overdue if settings.debt_due_field else None
    return CustomerDebt(open_balance, reported_overdue, currency), other_currency
