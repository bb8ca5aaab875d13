"""Aliyun RPC request signing (SignatureVersion 1.0, HMAC-SHA1) and the SendSms parameters (pure).

Signature = Base64(HMAC-SHA1(secret + "&", method + "&%2F&" + percentEncode(sorted, encoded query))),
where percentEncode is RFC 3986: only A-Z a-z 0-9 - _ . ~ stay, space is %20 (never '+').
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from urllib.parse import quote

API_VERSION = "2017-05-25"


def percent_encode(value: str) -> str:
    return quote(value, safe="")


def string_to_sign(method: str, params: dict[str, str]) -> str:
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"


def signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    digest = hmac.new(f"{secret}&".encode(), string_to_sign(method, params).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def send_sms_params(*, access_key_id: str, region_id: str, phone: str, sign_name: str, template_code: str,
                    template_param: dict[str, str], out_id: str, nonce: str, at: datetime) -> dict[str, str]:
    """Common and SendSms parameters, unsigned. ``out_id`` ties the vendor's receipt to our delivery."""
    return {
        "AccessKeyId": access_key_id, "Action": "SendSms", "Format": "JSON", "RegionId": region_id,
        "SignatureMethod": "HMAC-SHA1", "SignatureNonce": nonce, "SignatureVersion": "1.0",
        "Timestamp": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": API_VERSION,
        "PhoneNumbers": phone, "SignName": sign_name, "TemplateCode": template_code,
        "TemplateParam": json.dumps(template_param, ensure_ascii=False, separators=(",", ":")),
        "OutId": out_id,
    }


def signed(params: dict[str, str], secret: str) -> dict[str, str]:
    return {**params, "Signature": signature(params, secret)}
