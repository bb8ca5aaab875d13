"""Settings of ``carrier.kuaidi100``: every field described; secrets come from ``{ env = "NAME" }``."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator

from hub import PluginSettings

# Hub carrier code → Kuaidi100 company code (快递公司编码).
DEFAULT_CARRIERS = {"shunfeng": "shunfeng", "ems": "ems", "yuantong": "yuantong",
                    "zhongtong": "zhongtong", "yunda": "yunda", "shentong": "shentong", "jd": "jd",
                    "jtexpress": "jtexpress", "debangwuliu": "debangwuliu"}


class Kuaidi100Settings(PluginSettings):
    key: SecretStr = Field(description="The account's 授权key, sent with every subscription and query.")
    salt: SecretStr = Field(min_length=8, description="Salt Kuaidi100 signs pushes with (sign = MD5(param+salt)). "
                                                     "Without one anyone could forge a push.")
    callback_url: str = Field(description="Public URL of /webhooks/carrier.kuaidi100, given when subscribing.")
    customer: str | None = Field(None, description="查询公司编号 for the real-time query, used to re-verify a number "
                                                   "after Kuaidi100 stopped monitoring it; None: re-subscribe only.")
    base_url: str = Field("https://poll.kuaidi100.com", description="Kuaidi100 API root; tests use a local server.")
    carriers: dict[str, str] = Field(DEFAULT_CARRIERS, min_length=1,
                                     description="Hub carrier code → Kuaidi100 company code this plugin tracks.")
    resultv2: Literal["1", "4", "8"] = Field("4", description="Push detail: 4 adds the advanced state codes.")
    phone_required_for: tuple[str, ...] = Field(
        ("shunfeng", "fengwang"),
        description="Companies that need the consignee's phone to subscribe; others never receive it.")
    max_resubscriptions: int = Field(3, ge=0, description="Re-subscriptions per number after abort "
                                                          "(Kuaidi100 allows 4 subscriptions a month).")
    timeout_s: float = Field(10.0, gt=0, description="Seconds to wait for Kuaidi100.")
    retry_attempts: int = Field(2, ge=1, description="Tries per call for timeouts and server errors "
                                                     "(not when Kuaidi100 sends Retry-After: the hub waits that long).")
    retry_wait_s: float = Field(0.5, ge=0, description="Pause between those tries.")

    @field_validator("base_url", "callback_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")

    @field_validator("carriers")
    @classmethod
    def _one_code_per_company(cls, value: dict[str, str]) -> dict[str, str]:
        # A push names the company, and the core finds the shipment by its carrier code.
        if len(set(value.values())) != len(value):
            raise ValueError("each Kuaidi100 company needs exactly one hub carrier code")
        return value

    @property
    def carriers_by_com(self) -> dict[str, str]:
        return {com: code for code, com in self.carriers.items()}
