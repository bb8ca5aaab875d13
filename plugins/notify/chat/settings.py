"""Settings of the chat-robot notifier: named WeCom and DingTalk group robots, and what goes where."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from plugins.notify.common import INTERNAL, NotifySettings


class WeComRobot(BaseModel):
    """A WeCom (企业微信) group robot: its webhook key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vendor: Literal["wecom"]
    key: SecretStr = Field(description='The key= of the webhook URL; use { env = "..." }.')
    base_url: str = Field("https://qyapi.weixin.qq.com", description="WeCom API origin.")


class DingTalkRobot(BaseModel):
    """A DingTalk (钉钉) group robot with signing ("加签") enabled."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vendor: Literal["dingtalk"]
    access_token: SecretStr = Field(description="The access_token= of the webhook URL.")
    secret: SecretStr = Field(description="The robot's signing secret (SEC...).")
    base_url: str = Field("https://oapi.dingtalk.com", description="DingTalk API origin.")


Robot = Annotated[WeComRobot | DingTalkRobot, Field(discriminator="vendor")]


class ChatSettings(NotifySettings):
    SUPPORTED = INTERNAL

    robots: dict[str, Robot] = Field(min_length=1, description="Robot name → robot; routes name robots.")
    routes: dict[str, tuple[str, ...]] = Field(
        default_factory=lambda: {"sla_breached": ("escalation",)},
        description="Milestone → robot names. Default: every SLA breach to the robot named 'escalation'.")
    timeout_s: float = Field(10.0, gt=0, description="Total time for one robot call.")

    def targets(self) -> set[str]:
        return set(self.robots)
