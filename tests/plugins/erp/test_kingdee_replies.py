"""Pure K3 Cloud reply parsing: the documented success and failure shapes → hub error classes."""
from __future__ import annotations

import pytest

from hub import PermanentError, PluginConfigurationError, TransientError
from plugins.erp.common.http import HttpReply
from plugins.erp.kingdee import errors, mapping


def failed(msg_code: int, message: str, is_success: object = False) -> dict:
    return {"Result": {"ResponseStatus": {"ErrorCode": 500, "IsSuccess": is_success, "MsgCode": msg_code,
                                          "Errors": [{"FieldName": "FCustId", "Message": message, "DIndex": 0}],
                                          "SuccessEntitys": [], "SuccessMessages": []},
                       "Id": "", "Number": "", "NeedReturnData": []}}


def test_a_string_false_is_a_failure_and_a_string_true_a_success():
    # The published templates write IsSuccess as a string.
    with pytest.raises(PermanentError, match="客户不存在"):
        errors.check_result(failed(11, "客户不存在", is_success="false"), "save")
    ok = {"Result": {"ResponseStatus": {"IsSuccess": "true", "SuccessEntitys": [{"Id": 1, "Number": "X"}]}}}
    assert errors.check_result(ok, "save")["ResponseStatus"]["IsSuccess"] == "true"


def test_a_lost_session_is_recognised_by_its_message_even_without_msg_code_1():
    with pytest.raises(errors.SessionLost):
        errors.check_rows([[failed(0, "会话信息已丢失，请重新登录")]], "query")


def test_query_rows_pass_through_and_an_empty_result_is_no_rows():
    assert errors.check_rows([[100123, "XSDD000123", "C"]], "query") == [[100123, "XSDD000123", "C"]]
    assert errors.check_rows([], "query") == []


@pytest.mark.parametrize(("code", "error"), [(13, TransientError), (14, TransientError), (7, PluginConfigurationError),
                                             (15, PluginConfigurationError), (8, PermanentError),
                                             (99, PermanentError)])
def test_msg_codes(code, error):
    with pytest.raises(error):
        errors.check_result(failed(code, "x"), "save")


@pytest.mark.parametrize("reply", [{"LoginResultType": 0, "Message": "用户名或密码错误"},
                                   {"LoginResultType": -1, "Message": "登录失败"}])
def test_a_login_that_did_not_succeed_is_a_configuration_error(reply):
    with pytest.raises(PluginConfigurationError, match="LoginResultType"):
        errors.check_login(reply)


@pytest.mark.parametrize(("status", "submitted", "expected"), [
    ("C", True, ("finance_approved", {"erp_ref": "SO1"})),
    ("B", True, None),
    ("D", True, ("finance_rejected", {"reason": "余额不足", "erp_ref": "SO1"})),
    ("D", False, ("finance_rejected", {"reason": "余额不足", "erp_ref": "SO1"})),  # D only follows an audit
    ("A", True, ("finance_rejected", {"reason": "余额不足", "erp_ref": "SO1"})),
    ("Z", True, ("finance_rejected", {"reason": "余额不足", "erp_ref": "SO1"})),
    ("A", False, None),  # the hub's own posting, its submit not done yet
    ("Z", False, None),
])
def test_finance_decision_per_document_status(status, submitted, expected):
    assert mapping.finance_decision("SO1", status, "余额不足", submitted=submitted) == expected


def test_a_refusal_without_a_note_names_the_status_and_a_long_note_is_cut_to_the_hubs_limit():
    _, data = mapping.finance_decision("SO1", "D", None, submitted=True)
    assert data["reason"] == "sales order SO1 was un-audited in K3, now in status D 重新审核 (re-audit) (no note given)"
    _, data = mapping.finance_decision("SO1", "D", "x" * 900, submitted=True)
    assert len(data["reason"]) == 500 and data["reason"].endswith("…")


def test_a_status_the_adapter_does_not_know_is_permanent():
    with pytest.raises(PermanentError, match="status 'X'"):
        mapping.finance_decision("SO1", "X", None, submitted=True)


def test_a_gateway_429_carries_its_retry_after_to_the_dispatcher():
    with pytest.raises(TransientError) as info:
        errors.check_http(HttpReply(429, {"Retry-After": "45"}, {}, b"busy"), "save")
    assert info.value.retry_after_s == 45.0
