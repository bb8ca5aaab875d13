"""What the load generators send: signed order webhooks and Kuaidi100 pushes.

wrk's Lua has no HMAC, so Standard Webhooks requests are signed here into a pool file just
before each run (the hub accepts timestamps within 300 s), each with its own webhook-id
and order ref; ``bench/wrk/signed.lua`` builds the requests from it.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from pathlib import Path
from urllib.parse import urlencode

import orjson

from plugins.carrier.kuaidi100.signing import push_sign

ORDERS_SECRET = "whsec_" + base64.b64encode(b"bench-orders-secret-0123456789abcdef").decode()
KUAIDI100_SALT = "bench-kuaidi100-salt"
ORDERS_PATH = "/webhooks/orders"
KUAIDI100_PATH = "/webhooks/carrier.kuaidi100"
_REF = "@@REF@@"


def order_message_parts() -> tuple[bytes, bytes]:
    """(prefix, suffix) of a ~1 KB ``order.created`` message: body = prefix + ref + suffix."""
    lines = [{"product_code": f"SOFA-{n}", "spec": f"3-seat, fabric grade {n}, colour grey-blue, legs oak",
              "qty": 1 + n % 3, "unit_price": "4200.00", "category": "main_unit"} for n in range(1, 7)]
    message = {"type": "order.created", "data": {
        "ref": _REF, "customer": {"code": "C-BENCH", "name": "Bench Customer", "grade": "B"},
        "lines": lines, "delivery_mode": "delivery",
        "contact": {"name": "Li Lei", "phone": "+86 138 0000 0001", "address": "1 Harbour Road, Pudong, Shanghai"}}}
    prefix, suffix = orjson.dumps(message).split(_REF.encode())
    return prefix, suffix


def _signature(key: bytes, msg_id: str, timestamp: str, body: bytes) -> str:
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def write_pool(path: Path, count: int, tag: str, secret: str = ORDERS_SECRET) -> Path:
    """``count`` distinct signed order webhooks, stamped now: line 1 the URL path, 2 the body
    prefix, 3 the body suffix, then one ``webhook-id timestamp signature`` per line."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    prefix, suffix = order_message_parts()
    timestamp = str(int(time.time()))
    rows = [ORDERS_PATH, prefix.decode(), suffix.decode()]
    for n in range(count):
        msg_id = f"{tag}-{n}"
        rows.append(f"{msg_id} {timestamp} {_signature(key, msg_id, timestamp, prefix + msg_id.encode() + suffix)}")
    path.write_text("\n".join(rows) + "\n")
    return path


def write_order_requests(path: Path, count: int, tag: str, secret: str = ORDERS_SECRET) -> Path:
    """``count`` distinct signed order webhooks, stamped now, one JSON line each (``path``,
    ``headers``, ``body``) for the open-loop sender (``bench.loadgen open``)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    prefix, suffix = order_message_parts()
    timestamp = str(int(time.time()))
    with path.open("wb") as out:
        for n in range(count):
            msg_id = f"{tag}-{n}"
            body = prefix + msg_id.encode() + suffix
            out.write(orjson.dumps({"path": ORDERS_PATH, "body": body.decode(), "headers": {
                "webhook-id": msg_id, "webhook-timestamp": timestamp, "Content-Type": "application/json",
                "webhook-signature": _signature(key, msg_id, timestamp, body)}}) + b"\n")
    return path


def read_pool(path: Path) -> tuple[str, list[tuple[dict[str, str], bytes]]]:
    """The pool as (path, [(headers, body)]) for the Python load generator."""
    lines = path.read_text().splitlines()
    url_path, prefix, suffix = lines[0], lines[1].encode(), lines[2].encode()
    requests = []
    for line in lines[3:]:
        msg_id, timestamp, signature = line.split(" ")
        requests.append(({"webhook-id": msg_id, "webhook-timestamp": timestamp, "webhook-signature": signature,
                          "Content-Type": "application/json"}, prefix + msg_id.encode() + suffix))
    return url_path, requests


def kuaidi100_push(number: str, salt: str = KUAIDI100_SALT) -> bytes:
    """One in-transit push (状态 0 在途) for a shunfeng number, signed as Kuaidi100 signs it."""
    param = orjson.dumps({"status": "polling", "billstatus": "", "message": "", "autoCheck": "0", "lastResult": {
        "message": "ok", "nu": number, "ischeck": "0", "condition": "F00", "com": "shunfeng", "status": "200",
        "state": "0", "data": [
            {"time": "2026-03-03 06:12:45", "ftime": "2026-03-03 06:12:45", "status": "在途",
             "context": "[杭州市] 快件到达 【杭州萧山中转场】"},
            {"time": "2026-03-02 18:05:32", "ftime": "2026-03-02 18:05:32", "status": "揽收",
             "context": "[深圳市] 顺丰速运 已收取快件"}]}}).decode()
    return urlencode({"param": param, "sign": push_sign(param, salt)}).encode()
