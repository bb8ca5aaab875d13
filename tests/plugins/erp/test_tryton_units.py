"""erp.tryton's pure parts: wire codec, error mapping, review arithmetic, shipment steps, settings, debt reply."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hub import PermanentError, PluginConfigurationError, TransientError
from hub.core.config import HubConfig
from hub.core.errors import ConfigError
from hub.core.plugins import build_plugin_manager
from plugins.erp.common.debt import money_text
from plugins.erp.tryton import errors, mapping, wire

TODAY = dt.date(2026, 11, 22)


def test_values_survive_the_wire_codec():
    raw = wire.dumps(1, "m", [Decimal("12.50"), dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 3, 4, 5, 6)])
    assert wire.loads(raw.encode())["params"] == [Decimal("12.50"), dt.date(2026, 1, 2),
                                                 dt.datetime(2026, 1, 2, 3, 4, 5, 6)]


@pytest.mark.parametrize(("status", "login", "expected"), [
    (401, True, PluginConfigurationError), (429, True, PluginConfigurationError),
    (404, False, PluginConfigurationError), (503, False, TransientError), (504, False, TransientError),
    (500, False, TransientError), (422, False, PermanentError), (403, False, PermanentError)])
def test_http_statuses_map_to_the_hub_errors(status, login, expected):
    assert type(errors.from_http_status("m", status, login=login)) is expected


def test_retry_after_is_kept_for_the_outbox():
    assert errors.from_http_status("m", 503, login=False, retry_after="7").retry_after_s == 7.0


@pytest.mark.parametrize(("name", "payload", "expected"), [
    ("UserError", ["The code on party must be unique.", "", None], PermanentError),
    ("ConcurrencyException", "Records were modified in the meanwhile", TransientError),
    ("UserWarning", ["key", "The complaint is similar", ""], errors.TrytonWarning),
    ("LoginException", ["password", "Password for admin", "password"], PluginConfigurationError),
    ("'no_such_field'", "", PermanentError)])
def test_rpc_errors_map_to_the_hub_errors(name, payload, expected):
    assert type(errors.from_rpc_error("m", name, payload)) is expected


def test_user_error_keeps_trytons_message_without_the_domain():
    error = errors.from_rpc_error("model.party.party.create", "UserError",
                                  ["The code on party must be unique.", "", [["code", "=", "x"]]])
    assert str(error) == "Tryton refused model.party.party.create: The code on party must be unique."


@pytest.mark.parametrize(("short", "incoming", "eta"), [
    (Decimal(3), [(dt.date(2026, 12, 5), Decimal(10))], dt.date(2026, 12, 5)),
    (Decimal(8), [(dt.date(2026, 12, 9), Decimal(5)), (dt.date(2026, 12, 1), Decimal(5))], dt.date(2026, 12, 9)),
    (Decimal(8), [(dt.date(2026, 12, 1), Decimal(5))], None),
    (Decimal(1), [(dt.date(2026, 11, 1), Decimal(5))], TODAY),  # overdue receipt: today at the earliest
])
def test_back_order_eta_is_when_incoming_stock_covers_the_shortage(short, incoming, eta):
    assert mapping.back_order_eta(short, incoming, TODAY) == eta


@pytest.mark.parametrize(("value", "text"), [(7.0, "7"), (2.5, "2.5"), (100.0, "100"), (Decimal("0.10"), "0.1")])
def test_quantities_are_plain_decimal_strings(value, text):
    assert mapping.number_text(value) == text


@pytest.mark.parametrize(("state", "target", "two_step", "button"), [
    ("waiting", "shipped", True, "assign_try"), ("assigned", "shipped", True, "pick"),
    ("assigned", "shipped", False, "pack"), ("picked", "shipped", True, "pack"),
    ("packed", "shipped", True, "ship"), ("packed", "done", True, "do"), ("shipped", "done", True, "do"),
    ("shipped", "shipped", True, None), ("done", "shipped", True, None), ("draft", "done", True, "wait")])
def test_shipment_steps_towards_the_target(state, target, two_step, button):
    assert mapping.next_shipment_button(state, target, two_step) == button


def test_credit_action_credits_one_unit_at_the_approved_amount():
    assert mapping.credit_action(7, Decimal("120.00")) == {
        "action": "credit_note",
        "invoice_lines": [["create", [{"line": 7, "quantity": 1.0, "unit_price": Decimal("120.00")}]]]}


def test_settings_take_the_password_from_the_environment_and_hide_it(monkeypatch):
    monkeypatch.setenv("TRYTON_TEST_PW", "s3cret")
    name = "plugins.erp.tryton:SPEC"
    pm = build_plugin_manager(HubConfig(plugins={"enabled": [name], name: {
        "url": "http://erp:8000", "database": "prod", "username": "hub", "password": {"env": "TRYTON_TEST_PW"}}}))
    settings = pm.get_plugin("erp.tryton").settings
    assert settings.password.get_secret_value() == "s3cret" and "s3cret" not in repr(settings)


def test_unknown_settings_stop_start_up():
    name = "plugins.erp.tryton:SPEC"
    with pytest.raises(ConfigError, match="erp.tryton"):
        build_plugin_manager(HubConfig(plugins={"enabled": [name], name: {
            "url": "http://erp", "database": "d", "username": "u", "password": "p", "colour": "red"}}))


def _sale(state, number="SO7", comment=None):
    return {"number": number, "state": state, "comment": comment}


@pytest.mark.parametrize(("sale", "expected"), [
    (None, None),  # no sale yet: the posting is still being retried
    (_sale("draft", number=None), None),  # the hub's posting, not quoted yet
    (_sale("quotation"), None),
    (_sale("confirmed"), ("finance_approved", {"erp_ref": "SO7", "outbound_ref": "OUT1"})),
    (_sale("processing"), ("finance_approved", {"erp_ref": "SO7", "outbound_ref": "OUT1"})),
    (_sale("done"), ("finance_approved", {"erp_ref": "SO7", "outbound_ref": "OUT1"})),
    (_sale("cancelled", comment="no deposit"), ("finance_rejected", {"reason": "no deposit", "erp_ref": "SO7"})),
    (_sale("draft", comment=" terms\nnot met "), ("finance_rejected", {"reason": "terms not met", "erp_ref": "SO7"})),
    (_sale("cancelled"), ("finance_rejected", {"reason": "sale SO7 was cancelled in Tryton (no comment given)",
                                               "erp_ref": "SO7"})),
])
def test_finance_decision_per_sale_state(sale, expected):
    assert mapping.finance_decision(sale, ["OUT1"]) == expected


def test_finance_refusal_is_cut_to_the_hubs_limit_and_outbound_numbers_to_its_field():
    assert len(mapping.finance_refusal(_sale("cancelled", comment="z" * 700))) == 500
    assert mapping.outbound_ref(["1", "2"]) == "1,2"
    assert mapping.outbound_ref([f"SHIPMENT-{n:04d}" for n in range(10)]) == "SHIPMENT-0000 (+9)"
    assert mapping.outbound_ref([]) is None


def test_a_partys_receivable_as_trytons_read_returns_it_becomes_the_debt_reply():
    # read(["receivable", "receivable_today", "currency.code"]) on party.party: amounts are Decimals rounded
    # to the company currency, the dotted field comes back as a "currency." record.
    party = {"id": 12, "receivable": Decimal("1234.5"), "receivable_today": Decimal("-20"),
             "currency.": {"id": 1, "code": "CNY"}}
    assert mapping.customer_debt(party, "EUR").reply("tryton") == {
        "open_balance": "1234.50", "overdue": "-20.00", "currency": "CNY", "source": "tryton"}
    # a user without a company reads no currency: the claim's stands in
    no_company = {"id": 12, "receivable": Decimal(0), "receivable_today": Decimal(0), "currency.": None}
    assert mapping.customer_debt(no_company, "CNY").reply("tryton")["currency"] == "CNY"


@pytest.mark.parametrize(("value", "text"), [(Decimal("1234.5"), "1234.50"), (Decimal("0.005"), "0.01"),
                                             (Decimal("-0.004"), "0.00"), (Decimal("-75.5"), "-75.50")])
def test_money_in_replies_has_cents_and_rounds_half_up(value, text):
    assert money_text(value) == text
