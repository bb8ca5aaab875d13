"""The console in a real browser (Debian's chromium, driven by Playwright): sign in, find the dead
handoff from the overview, read the vendor's message, retry it and see it done; move an order along
with an event form; switch the language; a page without a session goes to sign-in, and a form
without its CSRF token is refused. Each page is saved as a screenshot (test-artifacts/console/)."""
from __future__ import annotations

import pytest

from .console_support import Site, browser, shot, site  # noqa: F401 - fixtures
from .web_support import ADMIN_TOKEN, AUTH, new_order, user_auth

pytestmark = pytest.mark.browser


async def sign_in(page, site: Site, token: str) -> None:
    await page.goto(site.url + "/")
    assert await page.locator("#token").count() == 1  # no session: the sign-in page, not JSON
    await page.fill("#token", token)
    await page.click("#sign-in")
    await page.wait_for_url(site.url + "/")


async def test_ops_find_a_dead_handoff_read_why_retry_it_and_see_it_done(site: Site, browser):
    # given an order whose ERP handoff died with the vendor's message
    await site.client.post("/api/orders", json=new_order("SO-UI-1"), headers=AUTH)
    await site.runtime.settle()
    ops = (await user_auth(site.client, "ops.zhou", "ops"))["Authorization"].split()[1]
    page = await browser.new_page(locale="en-US")
    # when ops sign in, the overview shows one dead letter
    await sign_in(page, site, ops)
    assert await page.inner_text("#user") == "ops.zhou"
    assert (await page.inner_text("#tile-dead")).startswith("1")
    await shot(page, "overview")
    # and lead, through the list, to the handoff with the vendor's own words
    await page.click("#tile-dead")
    await shot(page, "handoffs-dead")
    await page.click("table a >> nth=0")
    assert "credit hold (code 4031)" in await page.inner_text("#vendor-message")
    assert await page.inner_text("#handoff-state") == "dead"
    await shot(page, "handoff")
    # when the ERP is fixed and ops retry it
    site.erp.fixed = True
    await page.click("#retry")
    assert await page.inner_text("#handoff-state") == "pending"
    await site.runtime.settle()
    await page.reload()
    # then it is done, and the record says who retried it
    assert await page.inner_text("#handoff-state") == "done"
    assert "retry · ops.zhou" in await page.inner_text("main")
    await page.close()


async def test_an_agent_moves_an_order_along_with_its_event_form(site: Site, browser):
    site.erp.fixed = True
    await site.client.post("/api/orders", json=new_order("SO-UI-2"), headers=AUTH)
    await site.runtime.settle()  # the ERP reviewed it: the confirmation is next
    agent = (await user_auth(site.client, "agent.chen", "agent"))["Authorization"].split()[1]
    page = await browser.new_page(locale="en-US")
    await sign_in(page, site, agent)
    await page.goto(site.url + "/console/orders/SO-UI-2")
    await shot(page, "order")
    # the page offers what the state accepts now, as forms; finance's decisions are not offered to an agent
    assert await page.locator("#event-confirmation_sent").count() == 1
    assert await page.locator("#event-finance_approved").count() == 0
    await page.click("#event-confirmation_sent button")
    assert "confirmation_sent → awaiting_confirmation" in await page.inner_text(".notice")
    order = await (await site.client.get("/api/orders/SO-UI-2", headers=AUTH)).json()
    assert order["state"] == "awaiting_confirmation" and order["timeline"][-1]["actor"] == "agent.chen"
    await shot(page, "order-moved")
    await page.close()


async def test_the_language_switches_and_stays(site: Site, browser):
    page = await browser.new_page(locale="en-US")
    await sign_in(page, site, ADMIN_TOKEN)
    assert await page.inner_text("h1") == "Overview"
    await page.click("#lang")
    assert await page.inner_text("h1") == "总览"
    await page.goto(site.url + "/console/handoffs")
    assert await page.inner_text("h1") == "外发任务"
    await shot(page, "handoffs-zh")
    await page.close()


async def test_no_session_means_sign_in_and_a_form_without_csrf_is_refused(site: Site, browser):
    page = await browser.new_page(locale="en-US")
    await page.goto(site.url + "/console/orders")
    assert "/signin?next=" in page.url and await page.locator("#token").count() == 1
    await shot(page, "signin")
    await sign_in(page, site, ADMIN_TOKEN)
    # a form posted from the signed-in browser without its token (as a forged page would) changes nothing
    status = await page.evaluate("""async () => {
        const reply = await fetch('/console/handoffs/retry-dead', {method: 'POST', body: new URLSearchParams({plugin: 'erp.moody'})});
        return reply.status; }""")
    assert status == 403
    await page.close()
