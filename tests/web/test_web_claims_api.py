"""Claims (004, 索赔处理流程) through the HTTP API, with the clock driven by the test: the claim report
(理赔申请报告书) before the manager signs, finance's debt check (财会部评估客户欠款情况) before payment, the
vice-president's signature when the company is at fault (我司原因), the claim against the carrier or agent
(向代理索赔), the claim form's documents, and the step timers ending when legal takes the case.
On SQLite and PostgreSQL."""
from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hub.core.config import HubConfig

from pdf_reading import pdf_text

from .test_web_catalogue import response_schema
from .test_web_orders_api import shipped_order
from .web_support import PLUGINS, EntityApi, shanghai, served

ORDER, SHIPMENT = "SO-CL-1", "SH-CL-1"
ALL_DOCUMENTS = ["signed_delivery_receipt", "waybill", "commercial_invoice", "loss_evidence_photos", "amount_claimed"]
# The ERP sandbox answers a proposed settlement with the customer's open balance (new_order's customer is C-WEB).
CLAIM_PLUGINS = {**PLUGINS, "erp.sandbox": {**PLUGINS["erp.sandbox"], "open_balances": {"C-WEB": "1250.00"}}}


class Api(EntityApi):
    collection, default_ref = "claims", "CL-1"

    async def open(self, ref: str = "CL-1", **fields: Any) -> dict[str, Any]:
        status, body = await self.post("/api/claims", {"ref": ref, "order_ref": ORDER, "shipment_ref": SHIPMENT,
                                                       "kind": "damage", "amount_claimed": "800", **fields})
        assert status == 201, body
        return body

    async def refused(self, ref: str, event: str, data: dict[str, Any] | None = None,
                      status: int = 409) -> dict[str, Any]:
        return await self.event(ref, event, data, expect=status)

    async def to_settlement(self, ref: str = "CL-1", amount: str = "600") -> None:
        """Documents in, the departments answered (uninsured: negotiation), an amount agreed."""
        await self.event(ref, "documents_received", {"documents": ALL_DOCUMENTS})
        await self.event(ref, "departments_answered")
        moved = await self.event(ref, "amount_agreed", {"amount": amount})
        assert moved["state"] == "settlement_proposed"


@pytest.fixture(params=["sqlite", "postgresql"])
async def api(request: pytest.FixtureRequest, aiohttp_client: Any, config: HubConfig, clock: Any,
              tmp_path: Path) -> AsyncIterator[Api]:
    config = HubConfig(data_dir=tmp_path, plugins=CLAIM_PLUGINS)  # the migrated SQLite file `config` copied
    async with served(Api, request.param, "claims", aiohttp_client, config, clock, tmp_path) as api:
        yield api


@pytest.fixture
async def shipped(api: Api) -> Api:
    """A released order of two sofas, shipped in one shipment: claims may be opened on it."""
    api.hub.clock.set(shanghai(2026, 3, 2, 9))
    await shipped_order(api.http, api.runtime, ORDER, SHIPMENT, "TN-CL-1")
    return api


async def test_the_report_goes_to_the_approvers_with_the_debt_check_and_the_claim_is_paid(shipped):
    api = shipped
    # given a claim whose customer sent only part of the claim form's documents
    await api.open()
    moved = await api.event("CL-1", "documents_received", {"documents": ["waybill", "loss_evidence_photos"]})
    assert moved["data"]["documents"] == ["waybill", "loss_evidence_photos"]
    claim = await api.entity()
    assert claim["documents_received"] == ["waybill", "loss_evidence_photos"]
    assert claim["documents_missing"] == ["signed_delivery_receipt", "commercial_invoice", "amount_claimed"]
    assert "claim_documents" in await api.timers()  # part of the documents does not end their limit
    # when the rest comes later, nothing is missing any more
    await api.event("CL-1", "documents_received", {"documents": ["signed_delivery_receipt", "commercial_invoice",
                                                                 "amount_claimed"]})
    assert (await api.entity())["documents_missing"] == []
    assert "claim_documents" not in await api.timers()
    # when an amount is agreed, the report is due within a day and the ERP answers with the customer's debt
    await api.event("CL-1", "departments_answered")
    await api.event("CL-1", "amount_agreed", {"amount": "600"})
    agreed_at = api.hub.clock.now()
    assert (await api.timers())["claim_report"] == agreed_at + timedelta(days=1)
    await api.runtime.settle()
    claim = await api.entity()
    assert (claim["open_balance"], claim["open_balance_currency"], claim["open_balance_source"]) == (
        "1250.00", "CNY", "sandbox")
    assert claim["open_balance_checked_at"] is not None
    # then the manager cannot sign before the report is issued
    refused = await api.refused("CL-1", "manager_approved", {"approver": "cs-manager-zhao"})
    assert "claim report (理赔申请报告书) is not issued yet: send report_issued first" in refused["error"]
    assert refused["state"] == "settlement_proposed" and "report_issued" in refused["allowed_events"]
    # when the report is issued
    api.hub.clock.advance(hours=5)
    moved = await api.event("CL-1", "report_issued", {"report_ref": "CR-0012", "note": "photos match the loss"})
    assert (moved["previous"], moved["state"]) == ("settlement_proposed", "settlement_proposed")
    claim = await api.entity()
    response_schema("/api/claims/{ref}", "get", 200).validate(claim)
    assert claim["report_ref"] == "CR-0012"
    assert datetime.fromisoformat(claim["report_issued_at"]) == agreed_at + timedelta(hours=5)
    assert "claim_report" not in await api.timers()
    # then the approvers get the letter with the claim report attached
    await api.runtime.settle()
    [letter] = [m for m in api.letters() if m["milestone"] == "claim_report_issued"]
    assert letter["to"] == "role:cs_manager,role:general_manager"
    assert list(letter["attachments"]) == ["claim-report-CL-1.pdf"]
    report = pdf_text(api.attachment(letter, "claim-report-CL-1.pdf"))
    assert "Claim report" in report and "Report CR-0012" in report and "Claim CL-1" in report
    assert re.search(rf"Order\s+{ORDER} \(total [\d,]+\.\d\d CNY\)", report), report
    assert re.search(r"Claimed by the customer\s+800\.00 CNY", report), report
    assert re.search(r"Proposed settlement\s+600\.00 CNY", report), report
    assert re.search(r"Customer's open balance \(finance; negative: in credit\)\s+1,250\.00 CNY", report), report
    assert re.search(r"Balance from: sandbox\s+checked at: \d{4}-\d\d-\d\d \d\d:\d\d", report), report
    assert "Note: photos match the loss" in report and "General manager (or delegate)" in report
    # and both approvals then the payment go through, the debt check being on record
    await api.event("CL-1", "manager_approved", {"approver": "cs-manager-zhao"})
    assert (await api.event("CL-1", "gm_approved", {"approver": "gm-li"}))["state"] == "approved"
    assert (await api.event("CL-1", "paid", {"reference": "PAY-1"}))["state"] == "paid"


async def test_paid_is_refused_until_finance_records_the_debt_check(shipped):
    api = shipped
    # given an approved claim the ERP never answered (the outbox is not run)
    await api.open()
    await api.to_settlement()
    for event in ("report_issued", "manager_approved", "gm_approved"):
        await api.event("CL-1", event)
    # when finance pays, then it is refused naming the missing check
    refused = await api.refused("CL-1", "paid", {"reference": "PAY-1"})
    assert "finance has not checked the customer's outstanding debt: send debt_checked first" in refused["error"]
    assert refused["state"] == "approved"
    # and a malformed check is refused field by field
    bad = await api.refused("CL-1", "debt_checked", {"open_balance": "12.345", "currency": "YUAN"}, status=422)
    assert {e["field"] for e in bad["errors"]} == {"data.open_balance", "data.currency"}
    bad = await api.refused("CL-1", "debt_checked", {"open_balance": "1", "owed_by": "x"}, status=422)
    assert "open_balance" in bad["errors"][0]["allowed"]
    # when finance records the customer in credit by hand, the figure shows and the claim is paid
    await api.event("CL-1", "debt_checked", {"open_balance": "-300.00", "overdue": None, "currency": "cny"})
    claim = await api.entity()
    assert (claim["open_balance"], claim["open_balance_overdue"], claim["open_balance_currency"],
            claim["open_balance_source"]) == ("-300.00", None, "CNY", None)
    assert (await api.event("CL-1", "paid", {"reference": "PAY-1"}))["state"] == "paid"


async def test_a_new_amount_after_a_rejection_needs_a_new_report(shipped):
    api = shipped
    await api.open()
    await api.to_settlement()
    await api.event("CL-1", "report_issued", {"report_ref": "CR-1"})
    await api.event("CL-1", "manager_approved")
    # when the general manager rejects it and a lower amount is agreed
    assert (await api.event("CL-1", "rejected", {"reason": "too high"}))["state"] == "negotiating"
    await api.event("CL-1", "amount_agreed", {"amount": "450"})
    # then the first report no longer stands: the manager waits for the new one, due within a day again
    claim = await api.entity()
    assert (claim["amount_approved"], claim["report_ref"], claim["report_issued_at"]) == ("450", None, None)
    assert "claim_report" in await api.timers()
    await api.refused("CL-1", "manager_approved")


async def test_the_claim_report_breaches_a_day_after_the_amount(shipped):
    api = shipped
    # given an amount agreed and no report
    await api.open()
    await api.to_settlement()
    # when a day passes, then the report's limit breaches once, escalated to the customer-service manager
    api.hub.clock.advance(days=1, minutes=1)
    await api.runtime.settle()
    assert await api.breaches() == ["claim_report"]
    [escalation] = [m for m in api.letters() if m["milestone"] == "sla_breached"]
    assert escalation["to"] == "role:customer_service_manager"
    # a report issued late is still recorded, and the manager may sign
    await api.event("CL-1", "report_issued")
    assert (await api.event("CL-1", "manager_approved"))["state"] == "manager_approved"


async def test_the_departments_timer_and_the_claim_limit_end_when_legal_takes_the_case(shipped):
    api = shipped
    # given documents in: the departments have 3 days, the whole claim a month
    await api.open()
    await api.event("CL-1", "documents_received", {"documents": ALL_DOCUMENTS})
    assert set(await api.timers()) == {"claim_departments_answer", "claim_total"}
    # when the case goes to legal
    moved = await api.event("CL-1", "handed_to_legal", {"reason": "the customer's lawyer wrote"})
    assert moved["state"] == "with_legal"
    # then no limit runs, and none breaches while the lawyers work
    assert await api.timers() == {}
    api.hub.clock.advance(days=40)
    await api.runtime.settle()
    assert await api.breaches() == []
    # a claim handed to legal before its documents came in leaves no documents timer running either
    await api.open("CL-2")
    await api.event("CL-2", "handed_to_legal")
    assert await api.timers("CL-2") == {}


async def test_the_vice_president_approves_when_the_company_is_at_fault(shipped):
    api = shipped
    # given a claim opened as the company's fault (我司原因), at the manager's signature
    opened = await api.open(at_fault="company")
    assert opened["data"]["fault"] == "company" and (await api.entity())["fault"] == "company"
    await api.to_settlement()
    await api.event("CL-1", "report_issued")
    await api.event("CL-1", "manager_approved")
    # when the general manager signs, then it is refused naming the vice-president's approval
    refused = await api.refused("CL-1", "gm_approved", {"approver": "gm-li"})
    assert "send vp_approved" in refused["error"] and refused["state"] == "manager_approved"
    # when the vice-president in charge signs, the claim is approved
    assert (await api.event("CL-1", "vp_approved", {"approver": "vp-chen"}))["state"] == "approved"
    # and the report went to the vice-president, not the general manager
    await api.runtime.settle()
    [letter] = [m for m in api.letters() if m["milestone"] == "claim_report_issued"]
    assert letter["to"] == "role:cs_manager,role:vice_president"


async def test_the_fault_found_later_decides_who_signs(shipped):
    api = shipped
    await api.open()
    status, body = await api.post("/api/claims", {"order_ref": ORDER, "kind": "damage", "at_fault": "driver"})
    assert status == 422 and body["field"] == "at_fault"
    await api.to_settlement()
    await api.event("CL-1", "report_issued")
    await api.event("CL-1", "manager_approved")
    # the carrier was found at fault: the vice-president's signature is refused, naming the general manager's
    await api.event("CL-1", "fault_found", {"party": "carrier", "note": "the agent dropped the crate"})
    refused = await api.refused("CL-1", "vp_approved")
    assert "this one's fault is carrier" in refused["error"] and "(gm_approved)" in refused["error"]
    # then the company is found at fault after all: now only the vice-president signs
    await api.event("CL-1", "fault_found", {"party": "company"})
    assert (await api.entity())["fault"] == "company"
    await api.refused("CL-1", "gm_approved")
    assert (await api.event("CL-1", "vp_approved"))["state"] == "approved"
    # once approved the fault no longer changes who signed
    refused = await api.refused("CL-1", "fault_found", {"party": "customer"})
    assert "fault_found" not in refused["allowed_events"]


async def test_the_carrier_is_claimed_against_while_the_insurer_decides(shipped):
    api = shipped
    # given an insured claim above the minimum, with the insurer
    await api.open(insured=True)
    await api.event("CL-1", "documents_received", {"documents": ALL_DOCUMENTS})
    assert (await api.event("CL-1", "departments_answered"))["state"] == "with_insurer"
    # a settlement before any claim against the carrier is refused; a claim without whom it is against too
    refused = await api.refused("CL-1", "carrier_claim_settled", {"amount_recovered": "100"})
    assert "send carrier_claimed first" in refused["error"]
    bad = await api.refused("CL-1", "carrier_claimed", {"amount": "750"}, status=422)
    assert bad["field"] == "data.against"
    # when the agent is claimed against, the claim stays with the insurer and shows it
    moved = await api.event("CL-1", "carrier_claimed", {"against": "DHL Ningbo agent", "amount": "750",
                                                        "reference": "DHL-88"})
    assert (moved["previous"], moved["state"]) == ("with_insurer", "with_insurer")
    claim = await api.entity()
    assert (claim["carrier_claim_against"], claim["carrier_claim_amount"], claim["carrier_claim_reference"]) == (
        "DHL Ningbo agent", "750", "DHL-88")
    # then the insurer decides, and the agent settles later, after approval
    await api.event("CL-1", "insurer_decided", {"amount": "750"})
    for event in ("report_issued", "manager_approved", "gm_approved"):
        await api.event("CL-1", event)
    await api.event("CL-1", "carrier_claim_settled", {"amount_recovered": "500", "reference": "DHL-CN-91"})
    claim = await api.entity()
    response_schema("/api/claims/{ref}", "get", 200).validate(claim)
    assert (claim["state"], claim["carrier_amount_recovered"], claim["carrier_settlement_reference"]) == (
        "approved", "500", "DHL-CN-91")
    assert claim["carrier_claim_settled_at"] is not None


async def test_documents_received_must_name_the_claim_forms_documents(shipped):
    api = shipped
    await api.open()
    # none at all, or one the claim form does not ask for: 422 naming the allowed ones, nothing recorded
    refused = await api.refused("CL-1", "documents_received", {"documents": []}, status=422)
    assert "at least 1 item" in refused["error"] and refused["field"] == "data.documents"
    refused = await api.refused("CL-1", "documents_received", {"documents": ["waybill", "photos"]}, status=422)
    assert refused["field"] == "data.documents.1" and ("'signed_delivery_receipt', 'waybill', 'commercial_invoice', "
                                                       "'loss_evidence_photos' or 'amount_claimed'") in refused["error"]
    claim = await api.entity()
    assert claim["state"] == "opened" and claim["documents_missing"] == ALL_DOCUMENTS
