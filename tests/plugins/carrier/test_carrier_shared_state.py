"""Carrier state shared by workers through the database (``ctx.state``): DHL's daily call budget
and Kuaidi100's abort follow-up. Each "worker" is its own engine and plugin instance, as in
two ``hub worker`` processes, against one SQLite file or one PostgreSQL schema."""
from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from carrier_fakes import md5_upper
from carrier_support import DHL, FORM, KUAIDI100, NOW, SALT, build, form_body, make_ctx, shipment
from hub_testing import PG_URL, fresh_pg_schema
from structlog.testing import capture_logs

from hub import PluginState
from hub.core.store.db import make_engine, upgrade


@asynccontextmanager
async def sqlite_workers(tmp_path: Path) -> AsyncIterator[list]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}"
    engines = [make_engine(url), make_engine(url)]
    await upgrade(engines[0])
    try:
        yield engines
    finally:
        for engine in engines:
            await engine.dispose()


@asynccontextmanager
async def pg_workers() -> AsyncIterator[list]:
    async with fresh_pg_schema("carrier") as first:
        await upgrade(first)
        async with first.connect() as conn:
            schema = (await conn.execute(sa.text("SELECT current_schema()"))).scalar_one()
        second = make_engine(PG_URL, connect_args={"server_settings": {"search_path": schema}})
        try:
            yield [first, second]
        finally:
            await second.dispose()


def workers(kind: str, tmp_path: Path):
    return sqlite_workers(tmp_path) if kind == "sqlite" else pg_workers()


def dhl_settings(url: str, **extra):
    return {"api_key": "dhl-test-key", "base_url": url, "min_interval_s": 0, "retry_wait_s": 0, **extra}


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_two_workers_together_stop_at_dhl_s_daily_limit(kind, tmp_path, dhl, http) -> None:
    fake, url = dhl
    async with workers(kind, tmp_path) as engines:
        # given two workers, each with its own DHL plugin, sharing one database and a limit of 5
        hubs = [build(DHL, dhl_settings(url, daily_call_limit=5)) for _ in engines]
        states = [PluginState(engine, "carrier.dhl") for engine in engines]
        # when both poll eight shipments each, turn about
        for n in range(8):
            for worker, (pm, state) in enumerate(zip(hubs, states)):
                ctx = make_ctx(http, plugin="carrier.dhl")
                ctx.state = state
                await pm.hook.hub_tracking_poll(shipment=shipment("dhl", f"10000{worker}{n}"), ctx=ctx)
        # then DHL was called five times in all, not five times each
        assert len(fake.calls) == 5
        # and the next GMT day both may call again
        ctx = make_ctx(http, now=NOW.replace(hour=0) + timedelta(days=1), plugin="carrier.dhl")
        ctx.state = states[1]
        await hubs[1].hook.hub_tracking_poll(shipment=shipment("dhl", "1000099"), ctx=ctx)
        assert len(fake.calls) == 6


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_one_shipment_is_not_fetched_twice_by_two_workers(kind, tmp_path, dhl, http) -> None:
    fake, url = dhl
    async with workers(kind, tmp_path) as engines:
        hubs = [build(DHL, dhl_settings(url)) for _ in engines]
        for pm, engine in zip(hubs, engines):
            ctx = make_ctx(http, plugin="carrier.dhl")
            ctx.state = PluginState(engine, "carrier.dhl")
            await pm.hook.hub_tracking_poll(shipment=shipment("dhl", "1000000001"), ctx=ctx)
        assert len(fake.calls) == 1  # DHL's 10 a day, spread evenly, counts per shipment for all workers


def abort_push(pm, number: str) -> None:
    param = json.dumps({"status": "abort", "message": "3天查询无记录", "autoCheck": "0", "comOld": "", "comNew": "",
                        "lastResult": {"nu": number, "com": "yuantong", "state": "0", "data": []}},
                       ensure_ascii=False)
    body = form_body({"param": param, "sign": md5_upper(param + SALT)})
    pm.hook.hub_webhook_verify(source="carrier.kuaidi100", headers=FORM, body=body)
    pm.hook.hub_webhook_parse(source="carrier.kuaidi100", headers=FORM, body=body)


def k100_settings(url: str, **extra):
    return {"key": "k100-test-key", "salt": SALT, "callback_url": "https://hub.example/webhooks/carrier.kuaidi100",
            "base_url": url, "retry_wait_s": 0, "timeout_s": 2, "customer": "CUSTOMER-1", **extra}


async def k100_poll(pm, engine, http, minutes: float, number: str = "YT9", subscription: str = "stopped"):
    ctx = make_ctx(http, now=NOW + timedelta(minutes=minutes), plugin="carrier.kuaidi100")
    ctx.state = PluginState(engine, "carrier.kuaidi100")
    snapshot = shipment("yuantong", number).model_copy(update={"subscription": subscription})
    return await pm.hook.hub_tracking_poll(shipment=snapshot, ctx=ctx)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_abort_waits_30_minutes_verifies_once_and_resubscribes(kind, tmp_path, kuaidi100, http) -> None:
    fake, url = kuaidi100
    fake.results["YT9"] = {"message": "ok", "nu": "YT9", "com": "yuantong", "status": "200", "state": "0", "data": [
        {"ftime": "2026-03-05 08:00:00", "context": "快件已到达【杭州中转部】", "status": "在途"}]}
    async with workers(kind, tmp_path) as engines:
        first, second = (build(KUAIDI100, k100_settings(url)) for _ in engines)
        # given Kuaidi100 stopped monitoring YT9, seen by the first worker
        abort_push(first, "YT9")
        with capture_logs() as logs:
            # when both workers poll during the next 30 minutes
            for minutes in (0, 5, 10, 20, 29):
                for pm, engine in ((first, engines[0]), (second, engines[1])):
                    assert await k100_poll(pm, engine, http, minutes) is None
            # then nothing was queried or subscribed, and the abort was logged once
            assert fake.queries == [] and fake.subscriptions == []
            # when the try is due, a worker that never saw the push makes it
            update = await k100_poll(second, engines[1], http, 30)
            # then one paid query, one subscription, and the shipment's subscription shown active
            assert update is not None and update.subscription == "active"
            assert [e.state for e in update.events] == ["in_transit"]
            # and later polls, by either worker and even while the snapshot still lags, do nothing
            for minutes in (31, 40):
                for pm, engine in ((first, engines[0]), (second, engines[1])):
                    await k100_poll(pm, engine, http, minutes)
        assert len(fake.queries) == 1 and len(fake.subscriptions) == 1
        events = [log["event"] for log in logs]
        assert events.count("carrier.kuaidi100.abort_recorded") == 1
        assert events.count("carrier.kuaidi100.resubscribed") == 1


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_abort_gives_up_after_three_failed_tries_logged_once(kind, tmp_path, kuaidi100, http) -> None:
    fake, url = kuaidi100
    async with workers(kind, tmp_path) as engines:
        pm = build(KUAIDI100, k100_settings(url, customer=None))
        with capture_logs() as logs:
            # given each re-subscription is aborted again by Kuaidi100 (the snapshot stays stopped)
            for hour in range(6):
                fake.polling.clear()
                await k100_poll(pm, engines[0], http, hour * 60)
            # when a new hub instance (another worker, restarted) polls for hours more
            restarted = build(KUAIDI100, k100_settings(url, customer=None))
            for hour in range(6, 12):
                assert await k100_poll(restarted, engines[1], http, hour * 60) is None
        # then it re-subscribed three times, and gave up once, logged once at error level
        assert len(fake.subscriptions) == 3
        gave_up = [log for log in logs if log["event"] == "carrier.kuaidi100.resubscribe_gave_up"]
        assert len(gave_up) == 1 and gave_up[0]["log_level"] == "error"
        assert fake.queries == []  # no customer id: the paid query is never made


async def test_abort_state_survives_a_new_hub_instance(tmp_path, kuaidi100, http) -> None:
    fake, url = kuaidi100
    async with sqlite_workers(tmp_path) as engines:
        pm = build(KUAIDI100, k100_settings(url, customer=None))
        assert await k100_poll(pm, engines[0], http, 0) is None  # the abort is recorded
        # when the process restarts 10 minutes later and polls at 20 and 30 minutes
        restarted = build(KUAIDI100, k100_settings(url, customer=None))
        assert await k100_poll(restarted, engines[1], http, 20) is None
        assert fake.subscriptions == []  # still within the 30 minutes counted from the abort
        update = await k100_poll(restarted, engines[1], http, 30)
        assert update is not None and update.subscription == "active"
        assert len(fake.subscriptions) == 1
