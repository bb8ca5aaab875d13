"""Settings of the Tryton ERP plugin (``[plugins."erp.tryton"]`` in config/hub.toml)."""
from __future__ import annotations

from pydantic import Field, SecretStr

from hub import PluginSettings


class TrytonSettings(PluginSettings):
    url: str = Field(description="Base URL of trytond, e.g. http://erp.internal:8000 (no database part).")
    database: str = Field(description="Tryton database name; calls go to <url>/<database>/rpc/.")
    username: str = Field(description="Tryton login of the API user (Sales, Sales Administrator, "
                                      "Stock and Account groups).")
    password: SecretStr = Field(description='Password of that user; write { env = "TRYTON_PASSWORD" }.')
    company: int | str | None = Field(
        None, description="Company id or party name to work in; default: the user's current company.")
    warehouse: str | None = Field(
        None, description="Code of the warehouse location (e.g. WH) for stock and sales; default: the first.")
    payment_term: str | None = Field(
        None, description="Name of the payment term put on new sales; default: the customer's or none.")
    language: str = Field("en", description="Language of Tryton's messages (login language).")
    timeout_s: float = Field(30.0, gt=0, description="Seconds before one RPC call counts as timed out.")
    finance_audit: bool = Field(
        True, description="Finance audits each posting in Tryton (000: 交财务审核): the hub takes the sale to "
                          "quotation only; a finance user confirms it (approved: the hub processes it and "
                          "reports the outbound shipments) or cancels it / resets it to draft (rejected, "
                          "the sale's comment as the reason). false: the hub's posting counts as finance's "
                          "approval; the sale is confirmed and processed at once.")
    debt_check: bool = Field(
        True, description="When a claim's settlement is proposed, read the customer's party receivable "
                          "(receivable; receivable_today as the part already due) for the approvers "
                          "(004: 财会部评估客户欠款情况).")
    post_invoices: bool = Field(
        True, description="Post the sale's draft invoice when the goods ship and before crediting a "
                          "claim (Tryton only credits posted invoices).")
    force_assign: bool = Field(
        False, description="When stock is short at shipping, force the reservation instead of "
                           "retrying later (the goods have physically left).")
