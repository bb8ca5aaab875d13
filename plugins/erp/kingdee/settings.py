"""Settings of the Kingdee K3 Cloud (金蝶云星空) adapter."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator

from hub import PluginSettings, TimeZoneName


class KingdeeSettings(PluginSettings):
    """Where the K3 Cloud site is, how to log in, and the codes of this account set (账套)."""

    base_url: str = Field(description="The K3 Cloud site, e.g. https://erp.example.com/k3cloud/ "
                                      "(every call is POST <base_url><Service>.common.kdsvc).")
    acct_id: str = Field(description="Data-centre (account set) id, 账套ID.")
    username: str = Field(description="The integration user.")
    auth: Literal["password", "app_signature"] = Field(
        "password", description="password: ValidateUser and the session cookie; app_signature: "
                                "the signed X-Api-*/X-Kd-* headers of a 第三方系统登录授权 on every request.")
    password: SecretStr | None = Field(None, description="The user's password (auth = password).")
    app_id: str | None = Field(None, description="AppID '<clientId>_<secret part>' of the third-party "
                                                 "authorisation (auth = app_signature).")
    app_secret: SecretStr | None = Field(None, description="AppSecret of the authorisation (auth = app_signature).")
    lcid: int = Field(2052, description="Locale id of the session; 2052 is simplified Chinese.")
    org_number: str = Field(description="Number of the sales / settlement organisation (FNumber).")
    sale_order_bill_type: str = Field("XSDD01_SYS", description="Bill type of sales orders (FBillTypeID).")
    receivable_form_id: str = Field("AR_receivable", description="Form of the claim's credit document.")
    receivable_bill_type: str = Field("YSD01_SYS", description="Bill type of the credit document.")
    claim_material_number: str = Field(description="Material (or expense item) the credit line is booked on.")
    unit_number: str = Field("Pcs", description="Unit of measure number of order lines (FUnitID).")
    currency_numbers: dict[str, str] = Field(
        {"CNY": "PRE001"}, description="ISO currency → K3 currency number (PRE001 is CNY in a new account set).")
    reference_field: str = Field(
        "FBillNo", description="Header field holding the hub's reference on orders and credit documents; "
                               "FBillNo needs a numbering rule that allows manual numbers, else name a "
                               "custom text field such as F_HUB_Ref.")
    outbound_reference_field: str = Field(
        "FNote", description="Header text field of the pushed outbound document that gets the hub's key.")
    finance_audit: bool = Field(
        True, description="Finance audits each sales order in K3 (000: 交财务审核): the hub saves and submits "
                          "it only (FDocumentStatus B 审核中), and reads finance's decision off the status: "
                          "C 已审核 approved; D 重新审核, or A 创建 again after the submit (returned, "
                          "un-audited), rejected. false: the hub's posting counts as finance's approval; "
                          "the adapter audits the order itself.")
    finance_note_field: str | None = Field(
        None, description="Header text field of the sales order where finance writes why it returned or "
                          "un-audited it (e.g. FNote, or a custom F_HUB_FinanceNote), sent to the order desk as "
                          "the reason; none: the reason names the status. The WebAPI exposes no audit opinion "
                          "(审核意见) of its own on the bill.")
    debt_check: bool = Field(
        True, description="When a claim's settlement is proposed, read the customer's open receivables in K3 "
                          "for the approvers (004: 财会部评估客户欠款情况): per bill, the amount field less the "
                          "settled field, summed over the bills debt_filter keeps; the part past its due date "
                          "as overdue.")
    debt_form_id: str = Field("AR_receivable", description="Form of the receivable bills (应收单) the balance sums.")
    debt_customer_field: str = Field(
        "FCUSTOMERID.FNumber", description="Field matched against the hub's customer code (the bill's customer).")
    debt_amount_field: str = Field(
        "FALLAMOUNTFOR", description="Bill amount in the bill's currency (价税合计); red bills are negative.")
    debt_settled_field: str | None = Field(
        "FRELATEHADPAYAMOUNT", description="What has been received against the bill (收(退)款单的关联金额), taken "
                                           "off its amount; none: each bill counts in full.")
    debt_due_field: str | None = Field(
        "FENDDATE_H", description="Due date of the bill (到期日); none: the overdue part is not reported.")
    debt_currency_field: str = Field(
        "FCURRENCYID.FNumber", description="Currency number of the bill; only bills in the claim's currency "
                                           "(by currency_numbers) count.")
    debt_filter: str = Field(
        "FDocumentStatus='C' AND FWRITTENOFFSTATUS IN ('A','B') AND FCancelStatus='A'",
        description="FilterString clauses a bill must also meet: audited, not (fully) written off, not "
                    "cancelled (作废).")
    timezone: TimeZoneName = Field(
        "Asia/Shanghai", description="Time zone of the business day that decides what is overdue.")
    timeout_s: float = Field(30.0, gt=0, description="Seconds per HTTP call before it counts as transient.")

    @model_validator(mode="after")
    def _credentials_for_auth(self) -> KingdeeSettings:
        if self.auth == "password" and self.password is None:
            raise ValueError("auth = password needs password")
        if self.auth == "app_signature" and (not self.app_id or self.app_secret is None):
            raise ValueError("auth = app_signature needs app_id and app_secret")
        if self.auth == "app_signature" and "_" not in (self.app_id or ""):
            raise ValueError("app_id must look like '<clientId>_<secret part>'")
        return self
