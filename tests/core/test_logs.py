"""One JSON log line per delivery attempt, and no personal data or secret in any line."""
from __future__ import annotations

import io
import json

import pytest

from hub.core.domain.inputs import NewCustomer, NewOrder
from hub.core.logging import configure, scrub
from hub.core.runtime import Runtime

EMAIL, PHONE, NAME, ADDRESS = "li.wei.canary@example.cn", "+86 139 8765 4321", "Li Weicanary", "77 Canary Lane, Suzhou"


@pytest.fixture
def log_stream():
    stream = io.StringIO()
    configure("DEBUG", stream=stream)
    yield stream
    configure("INFO")


async def test_delivery_attempts_are_logged_without_personal_data(make_hub, sqlite_engine, log_stream):
    # given a customer whose contacts are canaries and a plugin that tries to leak them
    hub = await make_hub(sqlite_engine, plugins={"enabled": ["hub_leaky_plugin:LEAKY", "notify.sandbox"]})
    await hub.create_customer(NewCustomer(code="C1", name=NAME, grade="B", email=EMAIL, phone=PHONE))
    await hub.create_order(NewOrder(ref="SO-1", customer_code="C1", lines=[
        {"product_code": "P", "spec": "s", "qty": 1, "unit_price": "1"}],
        contact={"name": NAME, "phone": PHONE, "address": ADDRESS}))
    # when the handoff is attempted and dead-lettered with the plugin's leaky message
    await Runtime(hub, inline_tries=1).settle()
    output = log_stream.getvalue()
    # then every line is JSON, the attempt line has the fields ops need, and no canary is there
    lines = [json.loads(line) for line in output.splitlines()]
    (attempt,) = [line for line in lines if line["event"] == "outbox.delivery_attempt"]
    assert {"delivery_id", "event_id", "plugin", "hook", "entity", "entity_ref", "attempt", "outcome",
            "duration_ms", "error_class"} <= set(attempt)
    assert attempt["outcome"] == "dead" and attempt["error_class"] == "PermanentError"
    for canary in (EMAIL, PHONE, NAME, ADDRESS, "8765 4321", "Weicanary", "Canary Lane"):
        assert canary not in output


@pytest.mark.parametrize(("value", "kept"), [
    ("2026-03-02", True), ("week 2026-03-02 to 2026-03-08", True), ("due 2026-03-02 09:00", True),
    ("+86 139 8765 4321", False), ("13800000000", False), ("138-0000-0000", False), ("021-6234 5678", False),
])
def test_the_scrubber_masks_phone_numbers_and_keeps_iso_dates(value, kept):
    assert (scrub(value) == value) is kept


@pytest.mark.parametrize("kept", [
    "SO-2026-000123", "00340434161094015902", "773312345678", "YT1000000000022", "JD0012345678901",
    "2026-03-04 12:05:33", "2026-03-04T12:05:33+00:00", "收件人拒收",
])
def test_the_scrubber_keeps_order_references_tracking_numbers_and_times(kept):
    assert scrub(f"shipment {kept} updated") == f"shipment {kept} updated"


@pytest.mark.parametrize(("line", "name"), [
    ("派送业务员：赵子龙 正在为您派件", "赵子龙"), ("快递员钱多多正在为您派件", "钱多多"), ("投递员 孙悦", "孙悦"),
    ("派件员【周杰】", "周杰"), ("业务员：吴磊", "吴磊"), ("配送员：郑爽", "郑爽"), ("收派员:冯巩", "冯巩"),
    ("签收人：陈坤", "陈坤"), ("代收人是【褚玉】", "褚玉"), ("收件人 卫青", "卫青"), ("联系人：蒋勤", "蒋勤"),
    ("courier: Hans Brandt", "Brandt"), ("signed by A.KOWALSKI", "KOWALSKI"), ("received by Maria Lopez", "Lopez"),
])
def test_names_after_carrier_titles_are_masked_in_log_lines(log_stream, line, name):
    # given the real logging configuration, when a carrier text is logged as it came
    from hub.core.logging import get_logger
    get_logger().warning("carrier.unmapped_description", text=line, tracking_number="773312345678")
    # then the name is gone and the tracking number is there
    (record,) = [json.loads(x) for x in log_stream.getvalue().splitlines()]
    assert name not in record["text"] and "[redacted]" in record["text"]
    assert record["tracking_number"] == "773312345678"
