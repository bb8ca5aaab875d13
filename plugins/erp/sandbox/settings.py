"""Settings of the ERP sandbox: stock, incoming goods and prices from the config file."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from hub import PluginSettings


class Incoming(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    qty: Decimal = Field(gt=0)
    eta: date


class ErpSandboxSettings(PluginSettings):
    stock: dict[str, Decimal] = Field({}, description="Product code → quantity on hand.")
    incoming: dict[str, Incoming] = Field({}, description="Product code → planned incoming stock.")
    prices: dict[str, Decimal] = Field({}, description="Product code → list price (the price list).")
    postings_file: Path | None = Field(None, description="JSON-lines ledger; default <data_dir>/erp-sandbox.jsonl.")
    auto_review: bool = Field(True, description="Answer every complete new order's review.")
    open_balances: dict[str, Decimal] = Field({}, description=(
        "Customer code → what the customer owes (negative: in credit), the debt check's answer to a claim's "
        "proposed settlement; a customer not named owes 0."))
    finance_audit: bool = Field(True, description=(
        "Play finance too: approve every posting at once. false: the posting is only recorded "
        "(erp_recorded) and a finance user approves or rejects it through the API, as in production."))
