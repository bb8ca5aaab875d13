"""Plugins are entry points enabled by name; bad names and bad settings stop start-up, named."""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from hub.cli import main
from hub.core.config import HubConfig, load_config
from hub.core.errors import ConfigError
from hub.core.plugins import build_plugin_manager, installed_plugins

ROOT = Path(__file__).resolve().parents[2]


def test_every_plugin_folder_is_an_entry_point_with_a_matching_spec():
    folders = {f"{p.parent.name}.{p.name}" for p in (ROOT / "plugins").glob("*/*")
               if (p / "__init__.py").exists() and p.name != "common"}
    installed = installed_plugins()
    assert folders <= set(installed), folders - set(installed)
    for name, ep in installed.items():
        assert ep.load().name == name


def test_unknown_plugin_names_the_installed_ones():
    with pytest.raises(ConfigError, match=r"unknown plugin 'erp.sap'.*erp.sandbox"):
        build_plugin_manager(HubConfig(plugins={"enabled": ["erp.sap"]}))


def test_a_bad_setting_names_the_plugin_and_the_field():
    config = HubConfig(plugins={"enabled": ["erp.sandbox"], "erp.sandbox": {"stock": {"SOFA": "many"}}})
    with pytest.raises(ConfigError, match=r"plugin 'erp.sandbox': stock.SOFA"):
        build_plugin_manager(config)


def test_unknown_setting_keys_are_rejected():
    config = HubConfig(plugins={"enabled": ["notify.sandbox"], "notify.sandbox": {"colour": "red"}})
    with pytest.raises(ConfigError, match=r"notify.sandbox.*colour.*Extra inputs are not permitted"):
        build_plugin_manager(config)


def test_settings_for_a_plugin_that_is_not_enabled_are_a_warning_not_a_stop():
    import structlog.testing
    with structlog.testing.capture_logs() as logs:
        pm = build_plugin_manager(HubConfig(plugins={"enabled": [], "erp.sandbox": {}}))
    assert pm.list_name_plugin() == []
    assert [(e["event"], e["plugins"]) for e in logs] == [("plugins.settings_not_used", ["erp.sandbox"])]


def test_every_plugin_problem_and_missing_secret_is_reported_at_once(tmp_path, monkeypatch, capsys):
    for var in ("HUB_NOPE_1", "HUB_NOPE_2"):
        monkeypatch.delenv(var, raising=False)
    config = HubConfig(plugins={"enabled": ["carrier.sandbox", "notify.sandbox"],
                                "carrier.sandbox": {"token": {"env": "HUB_NOPE_1"}},
                                "notify.sandbox": {"colour": "red"}})
    with pytest.raises(ConfigError, match=r"carrier.sandbox.*HUB_NOPE_1.*; .*notify.sandbox.*colour"):
        build_plugin_manager(config)
    toml = tmp_path / "hub.toml"
    toml.write_text('[webhooks]\norders_secrets = [{ env = "HUB_NOPE_1" }, { env = "HUB_NOPE_2" }]\n'
                    '[plugins]\nenabled = []\n')
    assert main(["config", "check", "--config", str(toml)]) == 2  # --config after the command works too
    err = capsys.readouterr().err
    assert "HUB_NOPE_1 is not set" in err and "HUB_NOPE_2 is not set" in err


def test_secrets_come_from_the_environment_and_are_masked(monkeypatch):
    monkeypatch.setenv("HUB_TEST_TOKEN", "s3cret-value")
    config = HubConfig(plugins={"enabled": ["carrier.sandbox"],
                                "carrier.sandbox": {"token": {"env": "HUB_TEST_TOKEN"}}})
    pm = build_plugin_manager(config)
    settings = pm.get_plugin("carrier.sandbox").settings
    assert settings.token.get_secret_value() == "s3cret-value"
    assert "s3cret-value" not in repr(settings)


def test_a_missing_secret_names_the_plugin_and_the_variable(monkeypatch):
    monkeypatch.delenv("HUB_NOPE", raising=False)
    config = HubConfig(plugins={"enabled": ["carrier.sandbox"], "carrier.sandbox": {"token": {"env": "HUB_NOPE"}}})
    with pytest.raises(ConfigError, match="carrier.sandbox.*HUB_NOPE is not set"):
        build_plugin_manager(config)


def test_the_shipped_configs_validate(monkeypatch):
    for var in ("HUB_SMTP_PASSWORD", "HUB_ALIYUN_SMS_SECRET", "HUB_WECOM_KEY", "HUB_DINGTALK_SECRET",
                "HUB_DHL_API_KEY", "HUB_KUAIDI100_KEY", "HUB_KUAIDI100_SALT", "HUB_TRYTON_PASSWORD",
                "HUB_KINGDEE_PASSWORD", "HUB_ODOO_API_KEY", "HUB_ORDERS_WEBHOOK_SECRET", "HUB_SHOPIFY_SECRET",
                "HUB_WOOCOMMERCE_SECRET"):
        monkeypatch.setenv(var, "x" if "SECRET" not in var else "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    for name in ("hub.toml", "hub.example.toml"):
        path = ROOT / "config" / name
        config = load_config(path)
        pm = build_plugin_manager(config)
        assert [n for n, _ in pm.list_name_plugin()] == tomllib.loads(path.read_text())["plugins"]["enabled"]


def test_cli_plugins_json_prints_every_schema(capsys):
    assert main(["plugins", "--json"]) == 0
    plugins = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert plugins["erp.sandbox"]["enabled"] is True
    assert "stock" in plugins["erp.sandbox"]["settings_schema"]["properties"]


def test_cli_config_check_fails_with_the_plugin_and_field(tmp_path, capsys):
    bad = tmp_path / "hub.toml"
    bad.write_text('[plugins]\nenabled = ["erp.sandbox"]\n[plugins."erp.sandbox"]\nauto_review = "maybe"\n')
    assert main(["--config", str(bad), "config", "check"]) == 2
    assert "erp.sandbox" in capsys.readouterr().err
