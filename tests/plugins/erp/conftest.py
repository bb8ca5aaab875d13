"""A real Tryton 8.2 for the erp.tryton tests, built once per dependency set and started per session.

The first run on a machine builds trytond's venv and the template database (≈40 s, see
plugins/erp/tryton/testserver.py); later sessions copy the template and start in ≈1.5 s.
Both figures go to .cache/tryton/timings.json and the terminal summary.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import structlog
from pydantic import SecretStr

from hub.core.config import HubConfig
from core_payloads import arguments, changed
from fakes.timed_payloads import hook_arguments
from hub.core.models import HookContext, OrderSnapshot
from hub.core.plugins import build_plugin_manager
from plugins.erp.tryton import testserver, testsetup
from plugins.erp.tryton.client import TrytonClient
from plugins.erp.tryton.settings import TrytonSettings

PLUGIN = "plugins.erp.tryton:SPEC"
_FIGURES: dict[str, float] = {}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _FIGURES:
        shown = ", ".join(f"{k}={v:.2f}s" for k, v in _FIGURES.items())
        terminalreporter.write_line(f"tryton test server: {shown} (see {testserver.cache_root()}/timings.json)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # one xdist worker runs every test that needs the Tryton server: one server started, not two
    for item in items:
        if "tryton_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("tryton"))


@pytest.fixture(scope="session")
def tryton_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[testserver.TrytonServer]:
    server, figures = testserver.start_test_server(tmp_path_factory.mktemp("tryton"))
    _FIGURES.update(figures)
    yield server
    server.stop()


@pytest.fixture
def private_tryton(tmp_path: Path, tryton_server: testserver.TrytonServer) -> Iterator[testserver.TrytonServer]:
    """A second server of its own, for tests that stop and start it."""
    template, _ = testserver.ensure_template()
    server = testserver.TrytonServer(template, tmp_path / "private")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker_queue_tryton(tmp_path: Path, tryton_server: testserver.TrytonServer) -> Iterator[testserver.TrytonServer]:
    """A server of its own configured for a worker queue ([queue] worker = True) with no worker
    running, as in production with a sale_process_after grace period: a confirmed sale waits for
    its queued process."""
    template, _ = testserver.ensure_template()
    server = testserver.TrytonServer(template, tmp_path / "queued", extra_config="[queue]\nworker = True\n")
    server.start()
    yield server
    server.stop()


def settings_for(server: testserver.TrytonServer, **overrides: Any) -> dict[str, Any]:
    return {"url": server.url, "database": server.database, "username": server.username,
            "password": server.password, "payment_term": testsetup.PAYMENT_TERM, **overrides}


def manager(server: testserver.TrytonServer, **overrides: Any) -> Any:
    return build_plugin_manager(HubConfig(plugins={"enabled": [PLUGIN],
                                                   PLUGIN: settings_for(server, **overrides)}))


def context(key: str = "k1") -> HookContext:
    return HookContext(idempotency_key=key, attempt=1, delivery_id=1, event_id="e1", plugin="erp.tryton",
                       log=structlog.get_logger(), now=dt.datetime.now(dt.UTC))


async def shutdown(pm: Any) -> None:
    for call in pm.hook.hub_shutdown(ctx=context()):
        await call


@pytest.fixture
async def erp_factory(tryton_server: testserver.TrytonServer) -> AsyncIterator[Any]:
    """Build the plugin like the hub does (plugin manager, operator settings); closed afterwards."""
    built: list[Any] = []

    def build(server: testserver.TrytonServer | None = None, **overrides: Any) -> Any:
        built.append(manager(server or tryton_server, **overrides))
        return built[-1]

    yield build
    for pm in built:
        await shutdown(pm)


@pytest.fixture
def erp(erp_factory: Any) -> Any:
    return erp_factory()


@pytest.fixture
def ctx() -> Any:
    """A fresh HookContext per call: ``ctx()`` or ``ctx("key")``."""
    return context


@pytest.fixture
def make_order() -> Any:
    return order


async def deliver(pm: Any, hook: str, ctx: HookContext | None = None, **snapshot: Any) -> list[tuple]:
    """Deliver a lifecycle hook like the outbox does, with the arguments the core sends for it (this test's
    snapshot in place of the core's); returns what the plugin reported back."""
    ctx = ctx or context()
    ctx.hook = hook
    args = hook_arguments(hook, snapshot)
    for call in getattr(pm.hook, hook)(ctx=ctx, **args):
        await call
    return [(f.entity, f.ref, f.event, f.data) for f in ctx.followups]


@pytest.fixture(name="deliver")
def deliver_fixture() -> Any:
    return deliver


@pytest.fixture
def tag(request: pytest.FixtureRequest) -> str:
    """Codes and refs unique to the test: every test shares the session's database."""
    return hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:8].upper()


def order(tag: str, *lines: tuple[str, str, str], ref: str | None = None) -> OrderSnapshot:
    """The order the core sends with ``hub_order_received``, with this test's codes and lines."""
    core = arguments("hub_order_received")["order"]
    return changed(core, ref=ref or f"SO-{tag}", customer={"code": f"C-{tag}", "name": f"Customer {tag}"},
                   lines=tuple(changed(core.lines[0], line_no=n, product_code=code, qty=Decimal(qty),
                                       unit_price=Decimal(price), list_price=None)
                               for n, (code, qty, price) in enumerate(lines, start=1)),
                   created_at=dt.datetime.now(dt.UTC))


class Back:
    """The ERP user's side: seeds master data and stock, and reads what the plugin left behind."""

    def __init__(self, client: TrytonClient) -> None:
        self.client = client

    async def location(self, code: str) -> int:
        found, = await self.client.search("stock.location", [["code", "=", code]])
        return found

    async def product(self, code: str, price: str, stock: int = 0, salable: bool = True) -> int:
        c = self.client
        category, = await c.search("product.category", [["name", "=", testsetup.CATEGORY]])
        unit = await c.xml_id("product", "uom_unit")
        template, = await c.create("product.template", [{
            "name": f"Widget {code}", "type": "goods", "salable": salable, "list_price": Decimal(price),
            "default_uom": unit, "sale_uom": unit, "account_category": category,
            "products": [["create", [{"suffix_code": code}]]]}])
        product, = await c.search("product.product", [["template", "=", template]])
        if stock:
            inventory, = await c.create("stock.inventory", [{
                "location": await self.location("STO"),
                "lines": [["create", [{"product": product, "quantity": float(stock)}]]]}])
            await c.button("stock.inventory", "confirm", [inventory])
        return product

    async def incoming(self, product: int, quantity: int, planned: dt.date) -> None:
        """A purchase on its way: a draft move from the supplier into the warehouse."""
        c = self.client
        await c.create("stock.move", [{
            "product": product, "quantity": float(quantity), "unit": await c.xml_id("product", "uom_unit"),
            "from_location": await self.location("SUP"), "to_location": await self.location("IN"),
            "planned_date": planned, "unit_price": Decimal("5"), "currency": 1, "company": 1}])

    async def sales(self, reference: str) -> list[dict[str, Any]]:
        return await self.client.search_read(
            "sale.sale", [["reference", "=", reference]],
            ["number", "state", "shipments", "invoices", "origin", "total_amount"], order=[["id", "ASC"]])

    async def shipment_states(self, shipment_ids: list[int]) -> list[str]:
        return [s["state"] for s in await self.client.read("stock.shipment.out", shipment_ids, ["state"])]


def _back(server: testserver.TrytonServer) -> Back:
    return Back(TrytonClient(TrytonSettings(url=server.url, database=server.database,
                                            username=server.username, password=SecretStr(server.password))))


@pytest.fixture
async def back(tryton_server: testserver.TrytonServer) -> AsyncIterator[Back]:
    seeder = _back(tryton_server)
    yield seeder
    await seeder.client.close()


@pytest.fixture
async def private_back(private_tryton: testserver.TrytonServer) -> AsyncIterator[Back]:
    seeder = _back(private_tryton)
    yield seeder
    await seeder.client.close()


FINANCE_LOGIN = "hub-finance"
FINANCE_PASSWORD = "Finance-Audit-2026"


class Finance:
    """A finance user (Sales and Sales Administrator groups) in Tryton's own client: confirms the
    hub's quotation, or refuses it with a comment."""

    def __init__(self, client: TrytonClient) -> None:
        self.client = client

    async def _sale(self, reference: str) -> int:
        sale, = await self.client.search("sale.sale", [["reference", "=", reference], ["origin", "=", None]])
        return sale

    async def confirm(self, reference: str) -> None:
        await self.client.button("sale.sale", "confirm", [await self._sale(reference)])

    async def cancel(self, reference: str, comment: str | None = None) -> None:
        sale = await self._sale(reference)
        if comment:
            await self.client.write("sale.sale", [sale], {"comment": comment})
        await self.client.button("sale.sale", "cancel", [sale])

    async def send_back(self, reference: str, comment: str | None = None) -> None:
        """The quotation back to draft (the "Draft" button)."""
        sale = await self._sale(reference)
        if comment:
            await self.client.write("sale.sale", [sale], {"comment": comment})
        await self.client.button("sale.sale", "draft", [sale])


async def finance_user(server: testserver.TrytonServer, admin: TrytonClient) -> Finance:
    """The finance user of ``server``'s database, created by the admin the first time."""
    if not await admin.search("res.user", [["login", "=", FINANCE_LOGIN]]):
        groups = [await admin.xml_id("sale", name) for name in ("group_sale", "group_sale_admin")]
        company = admin.context["company"]
        await admin.create("res.user", [{
            "name": "Finance", "login": FINANCE_LOGIN, "password": FINANCE_PASSWORD,
            "groups": [["add", groups]], "companies": [["add", [company]]], "company": company}])
    return Finance(TrytonClient(TrytonSettings(url=server.url, database=server.database, username=FINANCE_LOGIN,
                                               password=SecretStr(FINANCE_PASSWORD))))


@pytest.fixture
async def finance(tryton_server: testserver.TrytonServer, back: Back) -> AsyncIterator[Finance]:
    user = await finance_user(tryton_server, back.client)
    yield user
    await user.client.close()


@pytest.fixture
async def queued_back(worker_queue_tryton: testserver.TrytonServer) -> AsyncIterator[Back]:
    seeder = _back(worker_queue_tryton)
    yield seeder
    await seeder.client.close()


@pytest.fixture
async def queued_finance(worker_queue_tryton: testserver.TrytonServer, queued_back: Back) -> AsyncIterator[Finance]:
    user = await finance_user(worker_queue_tryton, queued_back.client)
    yield user
    await user.client.close()
