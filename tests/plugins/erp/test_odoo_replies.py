"""Pure Odoo reply parsing: JSON-RPC error envelopes and JSON-2 statuses → hub error classes."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import orjson
import pytest

from hub import PermanentError, PluginConfigurationError, TransientError
from plugins.erp.common.http import HttpReply
from plugins.erp.odoo import errors, mapping


def reply(status: int, body: object, content: bytes | None = None) -> HttpReply:
    raw = content if content is not None else orjson.dumps(body)
    return HttpReply(status, {}, {}, raw)


def rpc_error(name: str, code: int = 200) -> dict:
    return {"jsonrpc": "2.0", "id": 1, "error": {"code": code, "message": "Odoo Server Error",
                                                  "data": {"name": name, "message": "m", "arguments": ["m"],
                                                           "context": {}, "debug": ""}}}


def test_jsonrpc_branches_on_data_name_not_on_the_top_level_code():
    for code in (0, 200):
        with pytest.raises(PermanentError):
            errors.check_jsonrpc(reply(200, rpc_error("odoo.exceptions.ValidationError", code)), "create")
    with pytest.raises(TransientError):
        errors.check_jsonrpc(reply(200, rpc_error("psycopg2.errors.SerializationFailure")), "create")


def test_jsonrpc_access_denied_and_session_expired_ask_for_a_new_authentication():
    for name in ("odoo.exceptions.AccessDenied", "odoo.http.SessionExpiredException"):
        with pytest.raises(errors.Relogin):
            errors.check_jsonrpc(reply(200, rpc_error(name, 100)), "read")


def test_jsonrpc_result_false_is_a_result_not_an_error():
    assert errors.check_jsonrpc(reply(200, {"jsonrpc": "2.0", "id": 1, "result": False}), "authenticate") is False


@pytest.mark.parametrize(("status", "name", "error"), [
    (401, "werkzeug.exceptions.Unauthorized", PluginConfigurationError),
    (403, "odoo.exceptions.AccessError", PluginConfigurationError),
    (422, "odoo.exceptions.UserError", PermanentError),
    (404, "werkzeug.exceptions.NotFound", PermanentError),
    (500, "psycopg2.errors.SerializationFailure", TransientError),
    (500, "builtins.KeyError", PermanentError),
    (502, "", TransientError),
    (409, "", TransientError),
])
def test_json2_statuses_and_names(status, name, error):
    body = {"name": name, "message": "m", "arguments": ["m"], "context": {}, "debug": ""}
    with pytest.raises(error):
        errors.check_json2(reply(status, body), "sale.order.create")


def test_json2_proxy_page_with_retry_after_keeps_the_delay():
    page = HttpReply(503, {"Retry-After": "30"}, {}, b"<html>busy</html>")
    with pytest.raises(TransientError) as info:
        errors.check_json2(page, "sale.order.create")
    assert info.value.retry_after_s == 30.0


def test_a_json_rpc_429_keeps_an_http_date_retry_after():
    # the JSON-RPC transport's non-200 path, where the delay used to be dropped
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    with pytest.raises(TransientError) as info:
        errors.check_jsonrpc(HttpReply(429, {"Retry-After": when}, {}, b"Too Many Requests"), "sale.order.create")
    assert 85 <= info.value.retry_after_s <= 90


@pytest.mark.parametrize(("state", "expected"), [
    ("sale", ("finance_approved", {"erp_ref": "S1", "outbound_ref": "WH/OUT/1,WH/OUT/2"})),
    ("done", ("finance_approved", {"erp_ref": "S1", "outbound_ref": "WH/OUT/1,WH/OUT/2"})),
    ("cancel", ("finance_rejected", {"reason": "Customer withdrew", "erp_ref": "S1"})),
    ("draft", None),
    ("sent", None),
])
def test_finance_decision_per_sale_order_state(state, expected):
    so = {"name": "S1", "state": state}
    assert mapping.finance_decision(so, ["WH/OUT/1", "WH/OUT/2"], [4, "Customer withdrew"]) == expected


def test_reason_text_reads_many2one_names_html_and_empty_values():
    assert mapping.reason_text([3, "Price too low"]) == "Price too low"
    assert mapping.reason_text("<p>No <em>deposit</em></p>") == "No deposit"
    assert mapping.reason_text(False) == "" and mapping.reason_text(None) == ""
    assert len(mapping.reason_text("y" * 900)) == 500


def test_many_deliveries_still_fit_the_hubs_outbound_reference():
    names = [f"WH/OUT/{n:05d}" for n in range(1, 9)]
    assert mapping.outbound_ref(names) == "WH/OUT/00001 (+7)"
    assert mapping.outbound_ref([]) is None


def test_a_state_the_adapter_does_not_know_is_permanent():
    with pytest.raises(PermanentError, match="state 'locked'"):
        mapping.finance_decision({"name": "S1", "state": "locked"}, [], None)
