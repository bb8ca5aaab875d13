"""Every field the API answers is in the OpenAPI document, and nothing the document promises is missing:
real answers for each entity are validated against the response schemas (closed objects)."""
from __future__ import annotations

import orjson
import pytest

from .test_web_catalogue import response_schema
from .test_web_orders_api import released_order
from .web_support import AUTH


async def _get(client, path):
    reply = await client.get(path, headers=AUTH)
    assert reply.status == 200
    return await reply.json()


@pytest.fixture
async def everything(client, runtime):
    """An order shipped and delivered, with a claim, a return and a case-free shipment."""
    await released_order(client, runtime, "SO-SCHEMA-1")
    reply = await client.post("/api/orders/SO-SCHEMA-1/shipments", headers=AUTH, json={
        "ref": "SH-SCHEMA-1", "carrier": "dhl", "tracking_number": "00340434161094015902",
        "carrier_contact": "driver Liu", "plate": "浙B12345", "escort": "Chen"})
    assert reply.status == 201, await reply.text()
    for event in ("in_transit", "delivered"):
        await client.post("/api/shipments/SH-SCHEMA-1/events", headers=AUTH, json={"event": event})
    await client.post("/api/claims", headers=AUTH, json={"ref": "CL-SCHEMA-1", "order_ref": "SO-SCHEMA-1",
                                                         "kind": "damage", "amount_claimed": "300"})
    await client.post("/api/returns", headers=AUTH, json={"ref": "RT-SCHEMA-1", "order_ref": "SO-SCHEMA-1",
                                                          "type": "refund", "reason": "late"})
    await runtime.settle()


@pytest.mark.parametrize(("plural", "ref"), [("orders", "SO-SCHEMA-1"), ("shipments", "SH-SCHEMA-1"),
                                             ("claims", "CL-SCHEMA-1"), ("returns", "RT-SCHEMA-1"),
                                             ("customers", "C-WEB")])
async def test_views_and_pages_answer_exactly_the_documented_fields(client, everything, plural, ref):
    key = "{code}" if plural == "customers" else "{ref}"
    view = await _get(client, f"/api/{plural}/{ref}")
    response_schema(f"/api/{plural}/{key}", "get", 200).validate(view)
    page = await _get(client, f"/api/{plural}")
    assert page["items"]
    response_schema(f"/api/{plural}", "get", 200).validate(page)


async def test_the_order_view_documents_every_field_it_has(client, everything):
    from hub.web.openapi import document_bytes
    documented = orjson.loads(document_bytes())["components"]["schemas"]["OrderView"]["properties"]
    view = await _get(client, "/api/orders/SO-SCHEMA-1")
    assert set(view) == set(documented) and len(documented) >= 35
    assert view["shipments"][0]["plate"] == "浙B12345" and view["allowed_events"]


async def test_a_new_customer_answer_is_the_documented_row(client):
    reply = await client.post("/api/customers", headers=AUTH, json={"code": "C-NEW", "name": "New Co"})
    assert reply.status == 201
    response_schema("/api/customers", "post", 201).validate(await reply.json())
