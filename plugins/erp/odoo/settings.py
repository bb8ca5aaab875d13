"""Settings of the Odoo adapter."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator

from hub import PluginSettings, TimeZoneName


class OdooSettings(PluginSettings):
    """Which Odoo, which protocol, and which records stand for the hub's codes."""

    url: str = Field(description="Base URL of the Odoo server, e.g. https://erp.example.com.")
    database: str = Field(description="Database name (JSON-RPC argument; X-Odoo-Database header for JSON-2).")
    protocol: Literal["json2", "jsonrpc"] = Field(
        "json2", description="json2: POST /json/2/<model>/<method> with a bearer API key (Odoo 19+); "
                             "jsonrpc: the external /jsonrpc API (deprecated in 19, removed in 22).")
    login: str | None = Field(None, description="User login (protocol = jsonrpc).")
    api_key: SecretStr = Field(description="API key of the integration user (or its password for jsonrpc).")
    claim_product_code: str | None = Field(
        None, description="Internal reference (default_code) of the product credit-note lines use; "
                          "none: a line with a label only, booked on the journal's default account.")
    finance_audit: bool = Field(
        True, description="Finance confirms each quotation in Odoo (000: 交财务审核): the hub creates the "
                          "sale.order as a quotation only and reads finance's decision off its state: "
                          "sale/done approved (the delivery orders' names as the outbound note), cancel "
                          "rejected, draft/sent pending. false: the hub's posting counts as finance's "
                          "approval; the adapter confirms the order itself (action_confirm).")
    finance_reason_field: str | None = Field(
        None, description="Field of sale.order that says why finance cancelled it, sent to the order desk as "
                          "the reason: e.g. cancel_reason_id (OCA sale_cancel_reason) or a custom x_finance_note; "
                          "none: the reason names the state. Standard Odoo keeps no cancel reason on the order.")
    debt_check: bool = Field(
        True, description="When a claim's settlement is proposed, read the customer's open balance (res.partner "
                          "credit, the Total Receivable) and its overdue part (open receivable journal items due "
                          "before today) for the approvers (004: 财会部评估客户欠款情况). The integration user needs "
                          "Invoicing (Billing) or Accounting read access: credit is restricted to those groups.")
    timezone: TimeZoneName = Field(
        "Asia/Shanghai", description="Time zone of the business day that decides what is overdue.")
    timeout_s: float = Field(30.0, gt=0, description="Seconds per HTTP call before it counts as transient.")

    @model_validator(mode="after")
    def _login_for_jsonrpc(self) -> OdooSettings:
        if self.protocol == "jsonrpc" and not self.login:
            raise ValueError("protocol = jsonrpc needs login")
        return self
