"""Aliyun SMS error codes → hub errors (codes from the dysmsapi error-code table)."""
from __future__ import annotations

from hub import PermanentError, PluginConfigurationError, PluginError, TransientError
from plugins.notify.common import redact

# Flow control and vendor faults: the same message goes through later.
TRANSIENT = {"isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "isp.OUT_OF_SERVICE",
             "ServiceUnavailable", "InternalError", "SDK.ServerUnreachable"}
# Ops must act: credentials, signature, the registered sign name or template, the account.
CONFIGURATION = {"InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive", "SignatureDoesNotMatch",
                 "IncompleteSignature", "isp.RAM_PERMISSION_DENY", "isv.SMS_SIGNATURE_ILLEGAL",
                 "isv.SMS_TEMPLATE_ILLEGAL", "isv.SMS_SIGN_ILLEGAL", "isv.ACCOUNT_NOT_EXISTS",
                 "isv.ACCOUNT_ABNORMAL", "isv.OUT_OF_SERVICE", "isv.AMOUNT_NOT_ENOUGH", "Forbidden.RAM",
                 "isv.TEMPLATE_MISSING_PARAMETERS", "isv.TEMPLATE_PARAMS_ILLEGAL"}
# Everything else (isv.MOBILE_NUMBER_ILLEGAL, isv.BLACK_KEY_CONTROL_LIMIT, ...) is about this message:
# retrying cannot fix it, so it dead-letters with the vendor's reason.


def classify(status: int, payload: dict) -> PluginError | None:
    """None when Aliyun accepted the message (Code "OK"), else the hub error to raise."""
    code = str(payload.get("Code") or "")
    if code == "OK":
        return None
    reason = f"aliyun sms {code or f'HTTP {status}'}: {redact(str(payload.get('Message') or ''))}"
    if code in TRANSIENT or code.startswith("Throttling") or status >= 500 or status == 429:
        return TransientError(reason)
    if code in CONFIGURATION or status in (401, 403):
        return PluginConfigurationError(reason)
    return PermanentError(reason)
