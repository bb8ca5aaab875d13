"""No call can stop the hub: timeouts cut hung plugin calls, other plugins go on, and a failing
plugin's circuit opens, holds its deliveries back with the reason, and closes after a probe."""
from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa

from hub.core.domain.inputs import NewCustomer, NewOrder
from hub.core.outbox.circuit import circuit_rows
from hub.core.runtime import Runtime
from hub.core.store.tables import deliveries

HANG, FLAKY, RECORDER = "hub_fault_plugins:HANG", "hub_fault_plugins:FLAKY", "hub_test_plugins:RECORDER"


def plugins(tmp_path: Path, *names: str) -> dict:
    config = {"enabled": list(names)}
    for name in names:
        stem = name.split(":")[1].lower()
        config[name] = {"calls_file": str(tmp_path / f"{stem}.calls")}
        if name == FLAKY:
            config[name]["healthy_file"] = str(tmp_path / "flaky.healthy")
    return config


def order(ref: str) -> NewOrder:
    return NewOrder(ref=ref, customer_code="C1", lines=[{"product_code": "SOFA-3", "spec": "grey", "qty": 1,
                                                          "unit_price": "4200"}], contact={"phone": "1", "address": "x"})


async def hub_with(make_hub, engine, tmp_path, *names, **config):
    hub = await make_hub(engine, plugins=plugins(tmp_path, *names), **config)
    await hub.create_customer(NewCustomer(code="C1", name="Zhang", grade="B"))
    return hub


async def by_plugin(hub) -> dict[str, list[str]]:
    async with hub.engine.connect() as conn:
        rows = await conn.execute(sa.select(deliveries.c.plugin, deliveries.c.state).order_by(deliveries.c.id))
        out: dict[str, list[str]] = {}
        for plugin, state in rows:
            out.setdefault(plugin, []).append(state)
        return out


async def test_a_hung_call_is_cut_at_its_plugins_timeout_and_the_others_are_done(make_hub, engine, tmp_path):
    # given a plugin that never answers (timeout 0.2 s) beside one that works
    hub = await hub_with(make_hub, engine, tmp_path, HANG, RECORDER,
                         dispatch={"timeouts": {"test.hang": 0.2}})
    await hub.create_order(order("SO-1"))
    runtime = Runtime(hub, inline_tries=1)
    # when one round of the dispatcher runs
    await asyncio.wait_for(runtime.dispatcher.run_once(), 10)
    # then the hung call failed as a timeout, to be retried later, and the other one is done
    states = await by_plugin(hub)
    assert states == {"test.hang": ["failed"], "test.recorder": ["done"]}
    async with hub.engine.connect() as conn:
        error = (await conn.execute(sa.select(deliveries.c.error_class, deliveries.c.last_error)
                                    .where(deliveries.c.plugin == "test.hang"))).one()
    assert error.error_class == "CallTimedOut" and "0.2 s" in error.last_error


async def test_while_one_plugin_hangs_the_inbox_and_other_plugins_go_on(make_hub, engine, tmp_path):
    # given a plugin whose calls hang for its whole 30 s timeout, and a running hub
    hub = await hub_with(make_hub, engine, tmp_path, HANG, RECORDER, lease_seconds=60,
                         dispatch={"timeouts": {"test.hang": 30}})
    runtime = Runtime(hub, inline_tries=1)
    stop = asyncio.Event()
    task = asyncio.create_task(runtime.run(stop, idle_seconds=0.02))
    try:
        # when 20 orders come in while the first calls hang
        for n in range(20):
            await hub.create_order(order(f"SO-{n}"))

        async def recorder_done() -> bool:
            return (await by_plugin(hub)).get("test.recorder", []).count("done") == 20

        # then every working plugin's delivery is done, while the hung ones are still running
        for _ in range(500):
            if await recorder_done():
                break
            await asyncio.sleep(0.02)
        assert await recorder_done()
        assert set((await by_plugin(hub))["test.hang"]) <= {"running", "pending"}
        assert len((tmp_path / "hang.calls").read_text().split()) >= 1
    finally:
        stop.set()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_the_circuit_opens_holds_deliveries_back_and_closes_after_a_probe(make_hub, engine, tmp_path, clock):
    # given a plugin whose vendor is down, with a circuit that opens after 3 failures
    hub = await hub_with(make_hub, engine, tmp_path, FLAKY, RECORDER,
                         dispatch={"circuit": {"failure_threshold": 3, "cooldown_s": 60}})
    runtime = Runtime(hub, inline_tries=1)
    dispatcher = runtime.dispatcher
    for n in range(6):
        await hub.create_order(order(f"SO-{n}"))
    # when its deliveries are tried (they run side by side in one batch, so all six fail at once)
    await dispatcher.drain()
    # then its circuit is open with the vendor's message
    async with hub.engine.connect() as conn:
        [circuit] = await circuit_rows(conn)
    assert (circuit["plugin"], circuit["state"]) == ("test.flaky", "open")
    assert "vendor answered 503" in circuit["reason"]
    assert (await by_plugin(hub))["test.recorder"] == ["done"] * 6  # the other plugin was not held back
    # and while it is open, nothing of it is tried, even when the backoff of its deliveries passes
    calls_when_opened = len((tmp_path / "flaky.calls").read_text().split())
    for _ in range(3):
        clock.advance(seconds=15)
        dispatcher.circuits._read_at = -1e9
        await dispatcher.drain()
    assert len((tmp_path / "flaky.calls").read_text().split()) == calls_when_opened
    assert set((await by_plugin(hub))["test.flaky"]) == {"failed"}
    # when the vendor is back and the cooldown has passed
    (tmp_path / "flaky.healthy").write_text("up")
    clock.advance(seconds=20)
    dispatcher.circuits._read_at = -1e9  # as if a second had passed: the view is read again
    await dispatcher.drain()
    # then the probe succeeded, the circuit closed and every waiting delivery went out
    async with hub.engine.connect() as conn:
        [circuit] = await circuit_rows(conn)
    assert circuit["state"] == "closed"
    assert (await by_plugin(hub))["test.flaky"] == ["done"] * 6


async def test_a_failed_probe_reopens_the_circuit_for_twice_as_long(make_hub, engine, tmp_path, clock):
    hub = await hub_with(make_hub, engine, tmp_path, FLAKY,
                         dispatch={"circuit": {"failure_threshold": 1, "cooldown_s": 10}})
    dispatcher = Runtime(hub, inline_tries=1).dispatcher
    await hub.create_order(order("SO-1"))
    await dispatcher.drain()
    async with hub.engine.connect() as conn:
        [first] = await circuit_rows(conn)
    assert first["state"] == "open" and first["cooldown_s"] == 10
    clock.advance(seconds=30)
    dispatcher.circuits._read_at = -1e9
    await dispatcher.drain()
    async with hub.engine.connect() as conn:
        [second] = await circuit_rows(conn)
    assert second["state"] == "open" and second["cooldown_s"] == 20
    assert len((tmp_path / "flaky.calls").read_text().split()) == 2


async def test_a_carrier_poll_that_never_answers_costs_one_poll(make_hub, engine, tmp_path):
    from hub.core.domain.inputs import NewShipment
    # given two booked shipments of a carrier whose tracking API never answers (timeout 0.2 s)
    hub = await hub_with(make_hub, engine, tmp_path, "hub_fault_plugins:SLOW_CARRIER",
                         dispatch={"timeouts": {"test.slowcarrier": 0.2}})
    for n in (1, 2):
        await hub.create_order(order(f"SO-{n}"))
        for event, data in (("reviewed", {}), ("confirmation_sent", {}), ("confirmation_received", {}),
                            ("payment_received", {"amount": "4200"}), ("finance_approved", {"erp_ref": "E"})):
            await hub.apply("order", f"SO-{n}", event, data)
        await hub.create_shipment(f"SO-{n}", NewShipment(ref=f"SH-{n}", carrier="slowco", tracking_number=f"S{n}"))
    # when the polling round runs
    polled = await asyncio.wait_for(Runtime(hub).poll_tracking(), 10)
    # then each shipment was polled once, cut at the timeout, and the round ended
    assert polled == 2
    assert sorted((tmp_path / "slow_carrier.calls").read_text().split()) == ["SH-1", "SH-2"]
