"""Settings of the Aliyun SMS notifier: the account, the sign name, vendor templates, quiet hours."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from plugins.notify.common import CUSTOMER, NotifySettings, QuietHours
from plugins.notify.common.milestones import base_milestone


class SmsTemplate(BaseModel):
    """A template registered at Aliyun: its code per language and the variables it takes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    codes: dict[str, str] = Field(min_length=1, description='Language → TemplateCode, e.g. {"zh-CN": "SMS_1234"}.')
    params: tuple[str, ...] = Field((), description="Notice variables sent as TemplateParam, e.g. order_ref.")


class SmsSettings(NotifySettings):
    SUPPORTED = CUSTOMER | {"sla_breached"}

    base_url: str = Field("https://dysmsapi.aliyuncs.com/", description="SendSms endpoint (RPC style).")
    region_id: str = Field("cn-hangzhou", description="RegionId parameter.")
    access_key_id: str = Field(description="AccessKeyId of a RAM user allowed dysms:SendSms.")
    access_key_secret: SecretStr = Field(description='Use { env = "HUB_ALIYUN_SMS_SECRET" } in hub.toml.')
    sign_name: str = Field(description="The approved SignName (短信签名).")
    templates: dict[str, SmsTemplate] = Field(
        default_factory=dict, description="Route key (milestone) → the vendor template for it.")
    roles: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="Internal role → mobile numbers (never subject to quiet hours).")
    routes: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="Milestone → 'customer' and/or roles; every routed key needs a template.")
    quiet_hours: QuietHours | None = Field(
        QuietHours(), description="Customers get no SMS in this local window; null to send at any hour.")
    timeout_s: float = Field(10.0, gt=0, description="Total time for one SendSms call.")

    def targets(self) -> set[str]:
        return set(self.roles)

    @model_validator(mode="after")
    def _templates_for_routes(self) -> SmsSettings:
        if missing := sorted(k for k in self.routes if k not in self.templates
                             and base_milestone(k) not in self.templates):
            raise ValueError(f"templates: no vendor template for routed {missing}")
        return self

    def template_for(self, route_keys: tuple[str, ...]) -> SmsTemplate:
        keys = [*route_keys, *map(base_milestone, route_keys)]
        return next(self.templates[k] for k in keys if k in self.templates)
