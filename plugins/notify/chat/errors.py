"""Robot replies (``errcode``) → hub errors."""
from __future__ import annotations

from hub import PermanentError, PluginConfigurationError, PluginError, TransientError

# errcode → class, per vendor; unknown non-zero codes dead-letter with the vendor's errmsg.
WECOM = {
    -1: TransientError,  # system busy
    45009: TransientError,  # API call frequency exceeds the limit (20 messages a minute per robot)
    93000: PluginConfigurationError,  # invalid webhook url: the robot was removed or the key is wrong
    93004: PluginConfigurationError,  # the robot's group was dissolved or the robot disabled
    93008: PluginConfigurationError,  # not in the group
}
DINGTALK = {
    -1: TransientError,  # system busy
    130101: TransientError,  # sending too fast (20 messages a minute per robot)
    310000: PluginConfigurationError,  # sign mismatch, keyword missing or IP not allowed
    300001: PluginConfigurationError,  # access_token is not valid
    400013: PluginConfigurationError,  # the group was dissolved
}


def classify(vendor: str, status: int, payload: dict) -> PluginError | None:
    """None when the robot took the message (errcode 0), else the hub error to raise."""
    if status >= 500 or status == 429:
        return TransientError(f"{vendor} robot: HTTP {status}")
    code = payload.get("errcode")
    if code == 0 and status == 200:
        return None
    table = WECOM if vendor == "wecom" else DINGTALK
    reason = f"{vendor} robot errcode {code if code is not None else f'HTTP {status}'}: {payload.get('errmsg', '')}"
    return table.get(code, PermanentError)(reason)
