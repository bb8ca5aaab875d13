"""The console over plain HTTP: sign-in page instead of JSON, a session cookie that is HttpOnly and
SameSite=Strict, forms refused without their CSRF token, tokens never in a page, roles respected,
and the API's watch lists (/api/timers, /api/cases, batch retry)."""
from __future__ import annotations

import re

import aiohttp
from typing import Any

import pytest

from pdf_reading import pdf_text

from .console_support import MoodyErp, Site, site  # noqa: F401 - the fixture
from .web_support import ADMIN_AUTH, ADMIN_TOKEN, AUTH, new_order, user_auth


# A 1x1 PNG: a photo of the damage as the customer sends it.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082")


async def signed_in(client: Any, token: str) -> str:
    """The session cookie a sign-in with ``token`` sets."""
    reply = await client.post("/signin", data={"token": token}, allow_redirects=False)
    assert reply.status == 303, await reply.text()
    cookie = reply.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age=28800" in cookie
    return re.search(r"hub_session=([^;]+)", cookie).group(1)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


async def test_the_root_without_a_session_is_the_sign_in_page_not_json(site: Site):
    page = await site.client.get("/", allow_redirects=False)
    assert page.status == 200 and page.content_type == "text/html"
    html = await page.text()
    assert 'name="token"' in html and "bearer token" not in html
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    # any other page sends the browser to sign in, and back afterwards
    reply = await site.client.get("/console/claims?state=opened", allow_redirects=False)
    assert (reply.status, reply.headers["Location"]) == (303, "/signin?next=%2Fconsole%2Fclaims%3Fstate%3Dopened")


async def test_a_bad_token_is_refused_and_a_good_one_never_reaches_a_page(site: Site):
    reply = await site.client.post("/signin", data={"token": "hub_nonsense"}, allow_redirects=False)
    assert reply.status == 401 and "not valid" in await reply.text()
    cookie = await signed_in(site.client, ADMIN_TOKEN)
    for path in ("/", "/console/handoffs", "/console/orders", "/console/timers"):
        html = await (await site.client.get(path, cookies={"hub_session": cookie})).text()
        assert ADMIN_TOKEN not in html and cookie not in html, path


async def test_a_form_without_its_csrf_token_changes_nothing(site: Site):
    await site.client.post("/api/orders", json=new_order("SO-CSRF"), headers=AUTH)
    await site.runtime.settle()
    cookie = await signed_in(site.client, "hub_tester-token-holding-every-role-0123456789")
    page = await (await site.client.get("/console/handoffs?state=dead", cookies={"hub_session": cookie})).text()
    [handoff] = re.findall(r'href="/console/handoffs/(\d+)"', page)
    for form in ({}, {"csrf": "forged"}):
        reply = await site.client.post(f"/console/handoffs/{handoff}/retry", data=form, cookies={"hub_session": cookie},
                                       allow_redirects=False)
        assert reply.status == 403
    shown = await (await site.client.get(f"/api/handoffs/{handoff}", headers=AUTH)).json()
    assert shown["state"] == "dead" and shown["actions"] == []
    # with the token it works, recorded under the user's name
    html = await (await site.client.get(f"/console/handoffs/{handoff}", cookies={"hub_session": cookie})).text()
    reply = await site.client.post(f"/console/handoffs/{handoff}/retry", data={"csrf": csrf_of(html)},
                                   cookies={"hub_session": cookie}, allow_redirects=False)
    assert reply.status == 303
    shown = await (await site.client.get(f"/api/handoffs/{handoff}", headers=AUTH)).json()
    assert shown["state"] == "pending" and [(a["action"], a["actor"]) for a in shown["actions"]] == [
        ("retry", "tester")]
    trail = (await (await site.client.get("/api/audit?action=handoff.", headers=AUTH)).json())["items"]
    assert trail[0]["origin"].startswith("console ")


async def test_a_user_sees_only_the_actions_their_role_allows(site: Site):
    await site.client.post("/api/orders", json=new_order("SO-ROLE"), headers=AUTH)
    await site.runtime.settle()
    warehouse = (await user_auth(site.client, "wh.sun", "warehouse"))["Authorization"].split()[1]
    cookie = await signed_in(site.client, warehouse)
    page = await (await site.client.get("/console/handoffs?state=dead", cookies={"hub_session": cookie})).text()
    [handoff] = re.findall(r'href="/console/handoffs/(\d+)"', page)
    html = await (await site.client.get(f"/console/handoffs/{handoff}", cookies={"hub_session": cookie})).text()
    assert 'id="retry"' not in html  # not ops: no button
    reply = await site.client.post(f"/console/handoffs/{handoff}/retry", data={"csrf": csrf_of(html)},
                                   cookies={"hub_session": cookie}, allow_redirects=False)
    assert reply.status == 303 and "notice=" in reply.headers["Location"]  # refused, with the reason shown
    assert (await (await site.client.get(f"/api/handoffs/{handoff}", headers=AUTH)).json())["state"] == "dead"
    # an order page offers no event a warehouse user may not send
    order = await (await site.client.get("/console/orders/SO-ROLE", cookies={"hub_session": cookie})).text()
    assert 'id="event-' not in order


async def test_a_disabled_user_s_session_ends(site: Site):
    agent = (await user_auth(site.client, "agent.chen", "agent"))["Authorization"].split()[1]
    cookie = await signed_in(site.client, agent)
    assert (await site.client.get("/", cookies={"hub_session": cookie}, allow_redirects=False)).status == 200
    await site.client.post("/api/users/agent.chen/disable", headers=ADMIN_AUTH)
    page = await site.client.get("/", cookies={"hub_session": cookie}, allow_redirects=False)
    assert page.status == 200 and 'name="token"' in await page.text()  # signed out: the sign-in page


async def test_the_api_lists_timers_and_cases_and_retries_dead_letters_in_a_batch(site: Site):
    for ref in ("SO-B1", "SO-B2"):
        await site.client.post("/api/orders", json=new_order(ref), headers=AUTH)
    await site.runtime.settle()
    timers = (await (await site.client.get("/api/timers", headers=AUTH)).json())["items"]
    assert {t["state"] for t in timers} == {"open"} and timers == sorted(timers, key=lambda t: t["due_at"])
    due_soon = await (await site.client.get("/api/timers?due_before=2000-01-01T00:00:00Z", headers=AUTH)).json()
    assert due_soon["items"] == []
    assert (await (await site.client.get("/api/cases", headers=AUTH)).json())["items"] == []
    assert (await site.client.get("/api/timers?state=late", headers=AUTH)).status == 422
    # a batch retry by plugin puts both dead letters back, ops only
    agent = await user_auth(site.client, "agent.chen", "agent")
    assert (await site.client.post("/api/handoffs/retry?plugin=erp.moody", headers=agent)).status == 403
    reply = await site.client.post("/api/handoffs/retry?plugin=erp.moody", headers=AUTH)
    assert (reply.status, (await reply.json())["retried"]) == (200, 2)
    site.erp.fixed = True
    await site.runtime.settle()
    dead = (await (await site.client.get("/api/handoffs?state=dead", headers=AUTH)).json())["items"]
    assert dead == []


@pytest.mark.parametrize("lang, word", [("en", "Overview"), ("zh-CN", "总览")])
async def test_the_console_speaks_the_browser_s_language(site: Site, lang, word):
    cookie = await signed_in(site.client, ADMIN_TOKEN)
    html = await (await site.client.get("/", cookies={"hub_session": cookie},
                                        headers={"Accept-Language": f"{lang},en;q=0.5"})).text()
    assert f"<h1>{word}</h1>" in html and f'lang="{lang}"' in html


async def test_handoffs_are_filtered_by_hook_and_age_and_retried_or_discarded_in_a_batch(site: Site, clock):
    for ref in ("SO-F1", "SO-F2", "SO-F3"):
        await site.client.post("/api/orders", json=new_order(ref), headers=AUTH)
    await site.runtime.settle()
    cookie = await signed_in(site.client, "hub_tester-token-holding-every-role-0123456789")
    page = await (await site.client.get("/console/handoffs?state=dead&hook=hub_order_received",
                                        cookies={"hub_session": cookie})).text()
    assert page.count('href="/console/handoffs/') == 3
    assert 'href="/console/handoffs/' not in await (await site.client.get(
        "/console/handoffs?state=dead&hook=hub_order_shipped", cookies={"hub_session": cookie})).text()
    clock.advance(hours=2)
    assert page.count("/console/handoffs/") == (await (await site.client.get(
        "/console/handoffs?state=dead&older_than=1h", cookies={"hub_session": cookie})).text()).count("/console/handoffs/")
    # when ops discard the dead letters of that plugin changed in the last 24 hours
    reply = await site.client.post("/console/handoffs/batch", cookies={"hub_session": cookie}, allow_redirects=False,
                                   data={"csrf": csrf_of(page), "plugin": "erp.moody", "hook": "hub_order_received",
                                         "state": "dead", "within": "24h", "action": "discard"})
    assert reply.status == 303 and "discard%3A+3" in reply.headers["Location"]
    listed = (await (await site.client.get("/api/handoffs?state=discarded", headers=AUTH)).json())["items"]
    assert len(listed) == 3
    # and the API does the same by plugin: the discarded come back with a batch retry
    reply = await site.client.post("/api/handoffs/retry?plugin=erp.moody&state=discarded", headers=AUTH)
    assert (await reply.json())["retried"] == 3
    reply = await site.client.post("/api/handoffs/discard?plugin=erp.moody&state=pending", headers=AUTH)
    assert (await reply.json())["discarded"] == 3


async def flagged_shipments(client: Any, hub: Any, runtime: Any) -> None:
    """Two shipments of one order; the carrier reports 30 kg for the first's 10 kg waybill."""
    from decimal import Decimal

    from hub import TrackingEvent, TrackingUpdate
    from hub.core.domain.inputs import NewShipment
    from .test_web_orders_api import released_order
    await released_order(client, runtime, "SO-SHF")
    await hub.create_shipment("SO-SHF", NewShipment(ref="SH-SHF-1", carrier="sandbox", tracking_number="SBX-F1",
                                                    waybill_weight_kg=Decimal("10"), lines={1: Decimal(1)}))
    await hub.create_shipment("SO-SHF", NewShipment(ref="SH-SHF-2", carrier="sandbox", tracking_number="SBX-F2",
                                                    lines={1: Decimal(1)}))
    await hub.record_tracking(TrackingUpdate(carrier="sandbox", tracking_number="SBX-F1",
                                             reported_weight_kg=Decimal("30"), events=(TrackingEvent(
                                                 occurred_at=hub.clock.now(), state="in_transit",
                                                 description="picked up"),)))


async def test_the_shipment_filters_agree_on_both_backends(served):
    from hub.core import overview
    from hub.core.runtime import Runtime
    client, hub = served
    await flagged_shipments(client, hub, Runtime(hub, inline_tries=1))
    async with hub.engine.connect() as conn:
        by_flag = await overview.list_shipments(conn, flag="weight_discrepancy")
        by_case = await overview.list_shipments(conn, anomaly="weight_discrepancy")
        none = await overview.list_shipments(conn, flag="no_such_flag")
    assert [r["ref"] for r in by_flag] == [r["ref"] for r in by_case] == ["SH-SHF-1"] and none == []


async def test_shipments_are_listed_by_flag_and_by_anomaly(site: Site):
    site.erp.fixed = True
    await flagged_shipments(site.client, site.hub, site.runtime)
    cookie = await signed_in(site.client, ADMIN_TOKEN)
    by_flag = await (await site.client.get("/console/shipments?flag=weight_discrepancy",
                                           cookies={"hub_session": cookie})).text()
    by_case = await (await site.client.get("/console/shipments?anomaly=weight_discrepancy",
                                           cookies={"hub_session": cookie})).text()
    for page in (by_flag, by_case):
        assert "SH-SHF-1" in page and "SH-SHF-2" not in page


async def test_signing_in_from_a_deep_link_goes_back_to_it_and_never_elsewhere(site: Site):
    page = await (await site.client.get("/console/timers?due=4h")).text()
    assert 'action="/signin?next=/console/timers%3Fdue%3D4h"' in page
    reply = await site.client.post("/signin?next=/console/timers%3Fdue%3D4h", data={"token": ADMIN_TOKEN},
                                   allow_redirects=False)
    assert reply.headers["Location"] == "/console/timers?due=4h"
    for elsewhere in ("//evil.example/x", "https://evil.example/"):
        reply = await site.client.post(f"/signin?next={elsewhere}", data={"token": ADMIN_TOKEN}, allow_redirects=False)
        assert reply.headers["Location"] == "/"


async def test_an_orders_page_links_its_documents_and_serves_them_to_the_session(site: Site):
    await site.client.post("/api/orders", json=new_order("SO-PAPER"), headers=AUTH)
    await site.runtime.settle()
    cookie = await signed_in(site.client, ADMIN_TOKEN)
    page = await (await site.client.get("/console/orders/SO-PAPER", cookies={"hub_session": cookie})).text()
    links = re.findall(r'href="(/console/orders/SO-PAPER/documents/[a-z_]+\.pdf\?lang=[a-zA-Z-]+)"', page)
    assert "/console/orders/SO-PAPER/documents/order_confirmation.pdf?lang=zh-CN" in links
    assert not any("loading_notice" in link for link in links)  # delivered, not collected: said, not linked
    assert "装车通知单 / Loading notice" in page
    reply = await site.client.get(links[0], cookies={"hub_session": cookie})
    assert reply.status == 200 and reply.content_type == "application/pdf"
    assert "SO-PAPER" in pdf_text(await reply.read())
    # without a session, the paper is not served; a document the order has nothing to say in is 404
    site.client.session.cookie_jar.clear()
    reply = await site.client.get(links[0], allow_redirects=False)
    assert reply.status == 303 and reply.headers["Location"].startswith("/signin")
    reply = await site.client.get("/console/orders/SO-PAPER/documents/loading_notice.pdf",
                                  cookies={"hub_session": cookie})
    assert reply.status == 404


async def test_an_orders_page_lists_the_papers_sent_in_and_serves_them_to_the_session(site: Site):
    await site.client.post("/api/orders", json=new_order("SO-EVIDENCE"), headers=AUTH)
    form = aiohttp.FormData()
    form.add_field("file", PNG, filename="破损照片.png", content_type="image/png")
    reply = await site.client.post("/api/orders/SO-EVIDENCE/attachments", data=form, headers=AUTH)
    assert reply.status == 201, await reply.text()
    cookie = await signed_in(site.client, ADMIN_TOKEN)
    page = await (await site.client.get("/console/orders/SO-EVIDENCE", cookies={"hub_session": cookie})).text()
    [link] = re.findall(r'href="(/console/orders/SO-EVIDENCE/attachments/\d+)">破损照片.png</a>', page)
    reply = await site.client.get(link, cookies={"hub_session": cookie})
    assert reply.status == 200 and await reply.read() == PNG and reply.headers["X-Content-Type-Options"] == "nosniff"
    site.client.session.cookie_jar.clear()
    assert (await site.client.get(link, allow_redirects=False)).status == 303  # no session, no file
