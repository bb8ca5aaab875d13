"""Settings of ``carrier.dhl``: every field described; secrets come from ``{ env = "NAME" }``."""
from __future__ import annotations

from pydantic import Field, SecretStr, field_validator, model_validator

from hub import PluginSettings

PUSH_EVENTS = ("Pre-Transit", "Transit", "Delivered", "Failure", "Unknown")


class DhlSettings(PluginSettings):
    api_key: SecretStr = Field(description="The app's Consumer Key from developer.dhl.com, sent as DHL-API-Key.")
    base_url: str = Field("https://api-eu.dhl.com", description="DHL API root; tests point it at a local server.")
    services: dict[str, str] = Field(
        {"dhl": "express"}, min_length=1,
        description="Hub carrier code → DHL service sent with every call (express, parcel-de, freight, ...). "
                    "Without the service DHL may answer with another shipment that has the same number.")
    language: str = Field("en", description="Language of DHL's event descriptions; the mapping tables are English.")
    requester_country_code: str | None = Field(None, description="Optional ISO country of the requester.")
    daily_call_limit: int = Field(250, gt=0, description="Calls a day granted to the app; resets 24:00 GMT.")
    shipment_daily_limit: int = Field(10, gt=0, description="Fetches per shipment a day, spread evenly (DHL's rule).")
    min_interval_s: float = Field(1.0, ge=0, description="Pause between two calls (DHL's default: 1 call/second).")
    timeout_s: float = Field(10.0, gt=0, description="Seconds to wait for DHL before the call counts as failed.")
    retry_attempts: int = Field(2, ge=1, description="Tries per call for timeouts and 5xx (never for 429, nor when "
                                                     "DHL sends Retry-After: the hub waits that long).")
    retry_wait_s: float = Field(0.5, ge=0, description="Pause between those tries.")
    push_callback_url: str | None = Field(
        None, description="Public URL of /webhooks/carrier.dhl. When set, booked shipments are subscribed to push.")
    push_header: str = Field("X-Hub-Dhl-Token", description="Header DHL echoes on every push (hook.authentication).")
    push_token: SecretStr | None = Field(None, description="Token DHL echoes in push_header; without it: 401.")
    push_events: tuple[str, ...] = Field(PUSH_EVENTS, min_length=1,
                                         description="DHL push event types to subscribe to.")

    @field_validator("base_url", "push_callback_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/") if value else value

    @field_validator("services")
    @classmethod
    def _one_code_per_service(cls, value: dict[str, str]) -> dict[str, str]:
        # A push names the service, and the core finds the shipment by its carrier code.
        if len(set(value.values())) != len(value):
            raise ValueError("each DHL service needs exactly one hub carrier code")
        return value

    @model_validator(mode="after")
    def _push_needs_token(self) -> DhlSettings:
        if self.push_callback_url and self.push_token is None:
            raise ValueError("push_callback_url needs push_token: DHL pushes carry no signature of their own")
        return self

    @property
    def carriers_by_service(self) -> dict[str, str]:
        return {service: code for code, service in self.services.items()}
