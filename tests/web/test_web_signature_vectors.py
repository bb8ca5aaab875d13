"""The orders source against the Standard Webhooks specification rather than against itself: the
specification's published test vector, and the official ``standardwebhooks`` library signing
what the hub accepts and verifying what the hub signs."""
from __future__ import annotations

import time
from datetime import UTC, datetime

import orjson
import pytest
from standardwebhooks import Webhook

from hub.core.errors import WebhookRejected
from hub.web.signatures import StandardWebhookVerifier, sign

from .test_web_webhooks import stored
from .web_support import ORDERS_SECRET, order_message

# The vector every library of github.com/standard-webhooks/standard-webhooks tests its sign()
# against (libraries/python/tests/test_webhooks.py test_sign_function, go TestSign, javascript
# "sign function works", php testSignFunctionWorks, csharp); checked by hand as
# base64(HMAC-SHA256(b64decode(secret after "whsec_"), f"{id}.{timestamp}.{payload}")).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_PAYLOAD = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
# From the same tests: signatures that match nothing, and a list holding one good signature.
SPEC_WRONG = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="


def spec_headers(signature: str = SPEC_SIGNATURE) -> dict[str, str]:
    return {"webhook-id": SPEC_ID, "webhook-timestamp": str(SPEC_TIMESTAMP), "webhook-signature": signature}


def verify_at_spec_time(signature: str, *, late_s: int = 0) -> str:
    verifier = StandardWebhookVerifier([SPEC_SECRET], tolerance_s=300)
    return verifier.verify(spec_headers(signature), SPEC_PAYLOAD, SPEC_TIMESTAMP + late_s)


def test_the_hubs_sign_produces_the_spec_vector():
    assert sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD) == SPEC_SIGNATURE


@pytest.mark.parametrize("signature", [
    SPEC_SIGNATURE,
    " ".join([SPEC_WRONG, SPEC_WRONG.replace("v1,", "v2,"), SPEC_SIGNATURE, SPEC_WRONG]),  # multi sig payload
], ids=["the vector", "among other signatures"])
def test_the_hubs_verify_accepts_the_spec_vector(signature):
    assert verify_at_spec_time(signature) == SPEC_ID


@pytest.mark.parametrize(("signature", "late_s"), [
    ("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=", 0),  # the spec's "invalid signature": one bit off
    ("v1,dawfeoifkpqwoekfpqoekf", 0),  # not even base64
    (SPEC_SIGNATURE.replace("v1,", "v2,"), 0),  # right bytes, unknown version
    (SPEC_SIGNATURE, 301),  # right signature, past the 5-minute tolerance
], ids=["one bit off", "not base64", "v2", "too old"])
def test_the_hubs_verify_refuses_what_the_spec_refuses(signature, late_s):
    with pytest.raises(WebhookRejected) as info:
        verify_at_spec_time(signature, late_s=late_s)
    assert info.value.status == 401


def test_the_official_library_agrees_with_the_vector():
    # the library the next tests compare against is the specification's own
    signature = Webhook(SPEC_SECRET).sign(SPEC_ID, datetime.fromtimestamp(SPEC_TIMESTAMP, UTC), SPEC_PAYLOAD)
    assert signature == SPEC_SIGNATURE


async def test_a_message_signed_by_the_official_library_is_accepted(client, hub, clock):
    # given a shop order signed by standardwebhooks, as a sender using the library signs it
    body = order_message("SO-LIB-1")
    at = clock.now()
    headers = {"webhook-id": "msg_lib_1", "webhook-timestamp": str(int(at.timestamp())),
               "webhook-signature": Webhook(ORDERS_SECRET).sign("msg_lib_1", at, body),
               "content-type": "application/json"}
    # when it is posted
    reply = await client.post("/webhooks/orders", data=body, headers=headers)
    # then the hub accepts and stores it
    assert reply.status == 202, await reply.text()
    [row] = await stored(hub, "orders")
    assert (row["dedupe_key"], row["body"]) == ("msg_lib_1", body)


def test_the_hubs_signature_verifies_with_the_official_library():
    # the library checks the timestamp against the wall clock, so the hub signs with it here
    body = order_message("SO-LIB-2")
    timestamp = int(time.time())
    headers = {"webhook-id": "msg_lib_2", "webhook-timestamp": str(timestamp),
               "webhook-signature": sign(ORDERS_SECRET, "msg_lib_2", timestamp, body)}
    assert Webhook(ORDERS_SECRET).verify(body, headers) == orjson.loads(body)
