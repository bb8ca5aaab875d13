"""What ops see when they configure the carrier plugins: errors naming the plugin and the field,
secrets read from the environment and never printed."""
from __future__ import annotations

from typing import Any

import pytest
from carrier_support import DHL, KUAIDI100, build, plugin_of

from hub.core.errors import ConfigError
from hub.core.plugins import load_spec

KUAIDI100_OK = {"key": "k", "salt": "saltsalt", "callback_url": "https://hub.example/webhooks/carrier.kuaidi100"}


@pytest.mark.parametrize(("enabled", "raw", "field"), [
    (DHL, {}, "api_key"),
    (DHL, {"api_key": "x", "colour": "red"}, "colour"),
    (DHL, {"api_key": "x", "base_url": "api-eu.dhl.com"}, "base_url"),
    (DHL, {"api_key": "x", "daily_call_limit": 0}, "daily_call_limit"),
    (DHL, {"api_key": "x", "push_callback_url": "https://hub.example/webhooks/carrier.dhl"}, "push_token"),
    (KUAIDI100, {**KUAIDI100_OK, "salt": "short"}, "salt"),
    (KUAIDI100, {**KUAIDI100_OK, "resultv2": "9"}, "resultv2"),
    (KUAIDI100, {"key": "k", "salt": "saltsalt"}, "callback_url"),
    (KUAIDI100, {**KUAIDI100_OK, "carriers": {"sf": "shunfeng", "shunfeng": "shunfeng"}}, "carriers"),
    (DHL, {"api_key": "x", "services": {"dhl": "express", "dhl-express": "express"}}, "services"),
], ids=["dhl-no-key", "dhl-unknown-field", "dhl-bad-url", "dhl-zero-budget", "dhl-push-without-token",
        "k100-short-salt", "k100-bad-resultv2", "k100-no-callback", "k100-company-twice", "dhl-service-twice"])
def test_a_bad_setting_stops_start_up_naming_plugin_and_field(enabled: str, raw: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError) as error:
        build(enabled, raw)
    message = str(error.value)
    assert load_spec(enabled).name in message and field in message


def test_secrets_come_from_the_environment_and_are_never_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_TEST_DHL_KEY", "s3cr3t-dhl-key")
    pm = build(DHL, {"api_key": {"env": "HUB_TEST_DHL_KEY"}})
    settings = plugin_of(pm).settings
    assert settings.api_key.get_secret_value() == "s3cr3t-dhl-key"
    assert "s3cr3t-dhl-key" not in repr(settings) and "s3cr3t-dhl-key" not in str(settings.model_dump())


def test_a_missing_secret_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="HUB_TEST_UNSET_SALT"):
        build(KUAIDI100, {**KUAIDI100_OK, "salt": {"env": "HUB_TEST_UNSET_SALT"}})


@pytest.mark.parametrize("enabled", [DHL, KUAIDI100])
def test_every_setting_is_described_for_hub_plugins(enabled: str) -> None:
    schema = load_spec(enabled).settings.model_json_schema()
    assert all(prop.get("description") for prop in schema["properties"].values())
