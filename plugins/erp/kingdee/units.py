"""K3 Cloud code tables: service paths, form ids, document states and MsgCode meanings."""
from __future__ import annotations

from enum import IntEnum

_FORM = "Kingdee.BOS.WebApi.ServicesStub.DynamicFormService."
_AUTH = "Kingdee.BOS.WebApi.ServicesStub.AuthService."
SUFFIX = ".common.kdsvc"

VALIDATE_USER = _AUTH + "ValidateUser"
SAVE = _FORM + "Save"
SUBMIT = _FORM + "Submit"
AUDIT = _FORM + "Audit"
PUSH = _FORM + "Push"
BILL_QUERY = _FORM + "ExecuteBillQuery"

SALE_ORDER = "SAL_SaleOrder"
OUTBOUND = "SAL_OUTSTOCK"
CUSTOMER = "BD_Customer"  # base data: FCUSTID the internal id, FNumber the customer's code

# ExecuteBillQuery pages: 2000 rows is the Limit the published samples use; a customer with more open
# receivables than QUERY_PAGE * QUERY_MAX_PAGES is a data problem for ops, not a reason to loop forever.
QUERY_PAGE = 2000
QUERY_MAX_PAGES = 50

# FDocumentStatus: Z draft, A created, B under audit, C audited, D re-audit (only C is confirmed
# by the sources; see PROTOCOLS.md).
NEEDS_SUBMIT = frozenset({"Z", "A", "D"})
UNDER_AUDIT = "B"
AUDITED = "C"
REAUDIT = "D"
STATUS_NAMES = {"Z": "Z 暂存 (draft)", "A": "A 创建 (created)", "B": "B 审核中 (under audit)",
                "C": "C 已审核 (audited)", "D": "D 重新审核 (re-audit)"}

LOGIN_OK = 1  # LoginResultType: 1 ok, 0 wrong password, -1 failure, others refused


class MsgCode(IntEnum):
    """Result.ResponseStatus.MsgCode values as published by the community SDKs."""

    DEFAULT = 0
    CONTEXT_LOST = 1  # session gone: log in again and replay
    NO_PERMISSION = 2
    EMPTY_OPERATION = 3
    EXCEPTION = 4
    EMPTY_FORM_ID = 5
    DB_OPERATION_FAILED = 6
    LICENCE = 7
    BAD_PARAMETER = 8
    FIELD_NOT_FOUND = 9
    DATA_NOT_FOUND = 10
    VALIDATION_FAILED = 11
    NOT_OPERABLE = 12
    NETWORK_CONTROL = 13  # another user holds the document (网络控制): retry later
    CALL_LIMIT = 14
    ADMIN_LOGIN_FORBIDDEN = 15


TRANSIENT_CODES = frozenset({MsgCode.EXCEPTION, MsgCode.DB_OPERATION_FAILED, MsgCode.NETWORK_CONTROL,
                             MsgCode.CALL_LIMIT})
CONFIGURATION_CODES = frozenset({MsgCode.NO_PERMISSION, MsgCode.LICENCE, MsgCode.ADMIN_LOGIN_FORBIDDEN})

# Message fragments the server uses for a lost session and for a busy/locked document.
SESSION_LOST_TEXT = ("会话信息已丢失", "请重新登录", "context lost")
BUSY_TEXT = ("网络控制", "正在被", "锁定", "busy", "locked")
SIGNATURE_REFUSED_TEXT = ("授权密钥", "第三方系统登录授权", "签名校验", "应用ID", "signature")

# The fixed XOR seed the official SDKs use to decode the secret part of an AppID.
APP_ID_XOR_KEY = b"0054f397c6234378b09ca7d3e5debce7"
