"""Pure K3 Cloud reply parsing: the documented success and failure shapes → hub error classes."""
from __future__ import annotations

import pytest

from hub import PermanentError, PluginConfigurationError, TransientError
from plugins.erp.kingdee import errors


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
