"""The request signature of K3 Cloud's third-party authorisation (第三方系统登录授权).

Follows the official SDK 8.2: every request carries X-Api-* headers signed with the secret
hidden in the AppID, and X-Kd-* headers signed with the AppSecret. Each HMAC-SHA256 digest is
written as lower-case hex and then base64-encoded.
"""
from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import hmac
from urllib.parse import quote_plus

from plugins.erp.kingdee.units import APP_ID_XOR_KEY


def hex_b64_hmac(message: str, key: str) -> str:
    digest = hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()
    return base64.b64encode(digest.encode("ascii")).decode("ascii")


def api_secret(app_id: str) -> str:
    """The X-Api signing key: the AppID's second part, XOR-decoded with the SDK's fixed seed."""
    encoded = app_id.split("_", 1)[1]
    if len(encoded) == 32:
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            return codecs.encode(encoded, "rot_13")
        return base64.b64encode(bytes(b ^ APP_ID_XOR_KEY[i] for i, b in enumerate(raw))).decode("ascii")
    return codecs.encode(encoded, "rot_13")


def api_message(path: str, nonce: str, timestamp: str) -> str:
    """What X-Api-Signature signs: the path URL-encoded with '/' as %2F, then the two headers."""
    return f"POST\n{quote_plus(path, safe='')}\n\nx-api-nonce:{nonce}\nx-api-timestamp:{timestamp}\n"


def app_data(acct_id: str, username: str, lcid: int, org_number: str) -> str:
    return f"{acct_id},{username},{lcid},{org_number}"


def signed_headers(*, app_id: str, app_secret: str, acct_id: str, username: str, lcid: int,
                   org_number: str, path: str, nonce: str, timestamp: str) -> dict[str, str]:
    """The nine headers of one signed request to ``path`` (e.g. /k3cloud/...Save.common.kdsvc)."""
    data = app_data(acct_id, username, lcid, org_number)
    return {
        "X-Api-ClientID": app_id.split("_", 1)[0],
        "X-Api-Auth-Version": "2.0",
        "x-api-timestamp": timestamp,
        "x-api-nonce": nonce,
        "x-api-signheaders": "x-api-timestamp,x-api-nonce",
        "X-Api-Signature": hex_b64_hmac(api_message(path, nonce, timestamp), api_secret(app_id)),
        "X-Kd-Appkey": app_id,
        "X-Kd-Appdata": base64.b64encode(data.encode("utf-8")).decode("ascii"),
        "X-Kd-Signature": hex_b64_hmac(app_id + data, app_secret),
    }
