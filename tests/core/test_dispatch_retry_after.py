"""A vendor's ``Retry-After`` is honoured: a short one is waited for inside the call, a long one
moves the delivery to the persisted backoff no sooner than it, and a hostile one is cut at
``dispatch.retry_after_max_s``. Driven through the dispatcher against a local HTTP server."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from aiohttp import web

from hub import retry_after_seconds
from hub.core.clock import as_utc
from hub.core.domain.inputs import NewCustomer, NewOrder
from hub.core.outbox import admin
from hub.core.runtime import Runtime

VENDOR = "hub_http_plugins:VENDOR"


@dataclass
class Vendor:
    """Answers the scripted replies in turn, then 200; notes when each request came (monotonic)."""

    script: list[web.Response] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.arrivals.append(time.monotonic())
        await request.read()
        return self.script.pop(0) if self.script else web.json_response({"ok": True})


@pytest.fixture
async def vendor(aiohttp_server) -> Vendor:
    fake = Vendor()
    app = web.Application()
    app.router.add_post("/orders", fake.handle)
    server = await aiohttp_server(app)
    fake.url = str(server.make_url("/orders"))
    return fake


async def one_order(make_hub, engine, vendor: Vendor, **config):
    hub = await make_hub(engine, plugins={"enabled": [VENDOR], VENDOR: {"url": vendor.url}}, **config)
    await hub.create_customer(NewCustomer(code="C1", name="Zhang", grade="B"))
    await hub.create_order(NewOrder(ref="SO-1", customer_code="C1", contact={"phone": "1", "address": "x"},
                                    lines=[{"product_code": "SOFA-3", "spec": "grey", "qty": 1, "unit_price": "4200"}]))
    return hub


def in_(seconds: float) -> str:
    """An HTTP-date ``seconds`` from the wall clock (IMF-fixdate)."""
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)


@pytest.mark.parametrize(("header", "wait_s"), [(lambda: "30", 30), (lambda: in_(120), 120),
                                               (lambda: "31536000", 3600)],
                         ids=["delay-seconds", "http-date", "a year, cut to an hour"])
async def test_a_long_retry_after_moves_the_delivery_to_the_backoff_no_sooner_than_it(
        make_hub, engine, clock, vendor, header, wait_s):
    # given a vendor that answers the first call 429 with Retry-After, and three tries in a call
    hub = await one_order(make_hub, engine, vendor)
    vendor.script.append(web.Response(status=429, text="Too Many Requests", headers={"Retry-After": header()}))
    runtime = Runtime(hub, inline_tries=3)
    # when the dispatcher runs
    await runtime.dispatcher.drain()
    # then it did not retry inside the call: one request, and the next attempt is Retry-After away
    # (the plain backoff of a first failure is under 7.5 s, so Retry-After decides it)
    assert len(vendor.arrivals) == 1
    [row] = await admin.list_handoffs(hub.engine)
    assert row["state"] == "failed" and row["attempts"] == 1 and "HTTP 429" in row["last_error"]
    wait = (as_utc(row["next_attempt_at"]) - clock.now()).total_seconds()
    assert wait_s - 3 <= wait <= wait_s  # an HTTP-date loses the seconds the test took to get here
    # and nothing is tried before then; once it has passed the delivery goes through
    clock.advance(seconds=wait - 1)
    await runtime.dispatcher.drain()
    assert len(vendor.arrivals) == 1
    clock.advance(seconds=1)
    await runtime.dispatcher.drain()
    assert len(vendor.arrivals) == 2
    [row] = await admin.list_handoffs(hub.engine)
    assert (row["state"], row["attempts"]) == ("done", 2)


async def test_a_short_retry_after_is_waited_for_inside_the_call(make_hub, engine, vendor):
    # given a vendor that answers 503 with Retry-After: 1 (within dispatch.inline_wait_max_s), in JSON
    hub = await one_order(make_hub, engine, vendor)
    vendor.script.append(web.json_response({"error": "busy"}, status=503, headers={"Retry-After": "1"}))
    # when the dispatcher runs
    await Runtime(hub, inline_tries=3).dispatcher.drain()
    # then the second call came after the wait, inside the same attempt, and went through
    first, second = vendor.arrivals
    assert second - first >= 1.0
    [row] = await admin.list_handoffs(hub.engine)
    assert (row["state"], row["attempts"]) == ("done", 1)


async def test_a_retry_after_over_the_inline_budget_is_not_waited_for_in_the_call(make_hub, engine, clock,
                                                                                 vendor):
    # given a budget of 0.5 s in the call and a vendor asking for 1 s
    hub = await one_order(make_hub, engine, vendor, dispatch={"inline_wait_max_s": 0.5})
    vendor.script.append(web.Response(status=503, headers={"Retry-After": "1"}))
    await Runtime(hub, inline_tries=3).dispatcher.drain()
    # then one request, and the persisted backoff (at least 1 s away) takes it from there
    assert len(vendor.arrivals) == 1
    [row] = await admin.list_handoffs(hub.engine)
    assert row["state"] == "failed" and as_utc(row["next_attempt_at"]) >= clock.now() + timedelta(seconds=1)


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), (" 7 ", 7.0), ("0", 0.0), ("1.5", 1.5),
    ("Mon, 02 Mar 2026 09:02:00 GMT", 120.0),  # IMF-fixdate
    ("Monday, 02-Mar-26 09:02:00 GMT", 120.0),  # RFC 850, obsolete but allowed
    ("Mon Mar  2 09:02:00 2026", 120.0),  # asctime: no zone, GMT by definition
    ("Mon, 02 Mar 2026 08:00:00 GMT", 0.0),  # already past
    ("9" * 400, 86400.0), ("Fri, 31 Dec 9999 23:59:59 GMT", 86400.0),  # never past a day
    (None, None), ("", None), ("soon", None), ("-5", None), ("1e9", None), ("٣", None),
    ("Mon, 99 Mar 2026 09:02:00 GMT", None),
])
def test_retry_after_is_read_in_both_forms_and_junk_is_no_hint(value, seconds):
    assert retry_after_seconds(value, NOW) == seconds
