"""Hook arguments as the real core produces them, for plugin tests: never hand-built snapshots.

The docs tour (``hub.core.tour``) drives every lifecycle through the engine once per test session;
``arguments(hook)`` rebuilds what the dispatcher would pass for that hook. Tests change only the
identity of what they need (a ref, a phone, a language) with ``changed``; the shape, the related
snapshots and the transition data stay what the core sends.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import functools
from typing import Any

from pydantic import BaseModel

from hub.core.outbox.payloads import rebuild
from hub.core.tour import tour_payloads


@functools.cache
def payloads() -> dict[str, dict[str, Any]]:
    # Tests run inside an event loop; the tour gets a loop of its own on a short-lived thread.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, tour_payloads()).result()


def arguments(hook: str, **changes: Any) -> dict[str, Any]:
    """``hook``'s keyword arguments (ctx aside); ``changes`` maps an argument to a replacement or to a
    dict of field updates, e.g. ``order={"ref": "SO-1"}``."""
    args = rebuild(payloads()[hook])
    for name, change in changes.items():
        current = args.get(name)
        if isinstance(change, dict) and isinstance(current, BaseModel):
            args[name] = changed(current, **change)
        else:
            args[name] = change
    return args


def changed(model: BaseModel, **updates: Any) -> Any:
    """A copy with fields replaced; a dict given for a nested model updates that model's fields."""
    values = {}
    for key, value in updates.items():
        inner = getattr(model, key, None)
        values[key] = changed(inner, **value) if isinstance(value, dict) and isinstance(inner, BaseModel) else value
    return model.model_copy(update=values)


def core_arguments(hook: str, snapshots: dict[str, Any]) -> dict[str, Any]:
    """The core's arguments for ``hook`` around this test's own snapshot(s): the transition names the
    test's entity, and the related snapshots (a claim's order, an order's shipment) point at it."""
    args = arguments(hook)
    args.update(snapshots)
    entity_ref = next((s.ref for s in snapshots.values() if hasattr(s, "ref")), None)
    if entity_ref is not None and "transition" in args:
        args["transition"] = changed(args["transition"], ref=entity_ref)
    main = next(iter(snapshots.values()), None)
    order_ref = getattr(main, "order_ref", None) or (entity_ref if hook.startswith("hub_order_") else None)
    for name in ("order", "shipment"):
        related = args.get(name)
        if name in snapshots or related is None or order_ref is None:
            continue
        args[name] = changed(related, ref=order_ref) if name == "order" else changed(related, order_ref=order_ref)
    return args
