"""Kuaidi100's two signatures. Pure.

Push: ``sign = upper(md5(param + salt))`` over the exact ``param`` form value (carriers.md §2.4).
Real-time query: ``sign = upper(md5(param + key + customer))`` (Kuaidi100's official demos).
"""
from __future__ import annotations

import hashlib
import hmac


def _md5_upper(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest().upper()


def push_sign(param: str, salt: str) -> str:
    return _md5_upper(param + salt)


def push_sign_valid(param: str, sign: str, salt: str) -> bool:
    """Constant-time and case-insensitive, as Kuaidi100's hex case is not promised."""
    return hmac.compare_digest(push_sign(param, salt).encode(), sign.strip().upper().encode())


def query_sign(param: str, key: str, customer: str) -> str:
    return _md5_upper(param + key + customer)
