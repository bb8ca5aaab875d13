"""Settings of the carrier sandbox: a scripted journey and a token for pushed events."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from hub import PluginSettings


class ScriptStep(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    after_hours: float = Field(ge=0, description="Hours after booking when the carrier reports it.")
    state: str = Field(description="Canonical shipment state reported.")
    description: str = ""
    substatus: str | None = None


DEFAULT_SCRIPT = (
    ScriptStep(after_hours=2, state="in_transit", description="Picked up by the courier"),
    ScriptStep(after_hours=20, state="out_for_delivery", description="With delivery courier"),
    ScriptStep(after_hours=26, state="delivered", description="Delivered, signed by consignee"),
)


class CarrierSandboxSettings(PluginSettings):
    carrier_code: str = Field("sandbox", description="Shipments booked with this carrier code are tracked here.")
    token: SecretStr = Field(SecretStr("sandbox-token"), description="Value of x-sandbox-token on pushes.")
    script: tuple[ScriptStep, ...] = Field(DEFAULT_SCRIPT, description="The journey every shipment makes.")
