"""The ``handoffs`` and ``inbound`` commands: what the hub owes plugins and what senders sent it, listed,
retried and discarded (one by one, or all of a plugin / source), each change recorded with its actor."""
from __future__ import annotations

import argparse
import json
from typing import Any

from hub.cli import _actor, on_database


def cmd_handoffs(args: argparse.Namespace) -> int:
    from hub.core.clock import SystemClock
    from hub.core.outbox import admin

    async def work(engine: Any) -> Any:
        if args.action == "list":
            return await admin.list_handoffs(engine, state=args.state, plugin=args.plugin, limit=args.limit)
        if args.all:
            many = admin.retry_many if args.action == "retry" else admin.discard_many
            return await many(engine, f"cli:{args.actor}", SystemClock().now(), plugin=args.plugin,
                              hook=args.hook, state=args.state or "dead")
        change = admin.retry if args.action == "retry" else admin.discard
        return [await change(engine, args.id, f"cli:{args.actor}", SystemClock().now())]

    rows = on_database(args, work)
    if isinstance(rows, int):
        done = "retried" if args.action == "retry" else "discarded"
        print(json.dumps({done: rows}) if args.json else f"{done} {rows} handoffs")
        return 0
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
    if not rows and not args.json:
        print("no handoffs")
    for h in [] if args.json else rows:
        error = f"  {h['error_class']}: {(h['last_error'] or '')[:80]}" if h["last_error"] else ""
        print(f"#{h['id']:<6} {h['state']:<9} {h['plugin']:<18} {h['hook']:<34} {h['entity']} {h['ref']}"
              f" attempts={h['attempts']}{error}")
    return 0


async def _inbound_action(engine: Any, args: argparse.Namespace) -> Any:
    """The rows to print, or the number of events a bulk retry put back."""
    from hub.core import inbound_admin
    from hub.core.clock import SystemClock

    actor, now = f"cli:{args.actor}", SystemClock().now()
    if args.action == "list":
        return await inbound_admin.list_events(engine, state=args.state, source=args.source, limit=args.limit)
    if args.failed:
        return await inbound_admin.retry_failed(engine, actor, now, source=args.source)
    change = inbound_admin.retry if args.action == "retry" else inbound_admin.discard
    return [await change(engine, args.id, actor, now)]


def cmd_inbound(args: argparse.Namespace) -> int:
    result = on_database(args, lambda engine: _inbound_action(engine, args))
    if isinstance(result, int):
        print(json.dumps({"retried": result}) if args.json else f"retried {result} failed inbound events")
        return 0
    if args.json:
        print(json.dumps(result, indent=2, default=str))
        return 0
    if not result:
        print("no stored webhooks")
    for e in result:
        error = f"  {(e['error'] or '')[:100]}" if e["error"] else ""
        print(f"#{e['id']:<6} {e['state']:<9} {e['source']:<20} attempts={e['attempts']:<3} "
              f"{e['received_at']:%Y-%m-%d %H:%M:%S}{error}")
    return 0


def inbound_usage(args: argparse.Namespace) -> str | None:
    """What is wrong with an ``inbound`` command line, if anything."""
    if args.failed and args.action != "retry":
        return "--failed goes with inbound retry"
    if args.action == "retry" and (args.id is None) == (not args.failed):
        return "inbound retry takes either an event id or --failed"
    if args.action == "discard" and args.id is None:
        return "inbound discard needs the event id"
    return None


def queues_parsers(sub: Any) -> None:
    handoffs = sub.add_parser("handoffs", help="list, retry or discard handoffs")
    handoffs.add_argument("action", choices=["list", "retry", "discard"])
    handoffs.add_argument("id", nargs="?", type=int)
    handoffs.add_argument("--state", choices=["pending", "running", "failed", "dead", "done", "discarded"])
    handoffs.add_argument("--plugin")
    handoffs.add_argument("--hook", help="with --all: only this hook")
    handoffs.add_argument("--all", action="store_true",
                          help="retry or discard every handoff in --state (default dead) of --plugin / --hook")
    handoffs.add_argument("--limit", type=int, default=100)
    handoffs.add_argument("--actor", type=_actor, default="ops")
    handoffs.add_argument("--json", action="store_true")
    handoffs.set_defaults(func=cmd_handoffs)
    _inbound_parser(sub)


def _inbound_parser(sub: Any) -> None:
    inbound = sub.add_parser("inbound", help="list, retry or discard stored webhooks")
    inbound.add_argument("action", choices=["list", "retry", "discard"])
    inbound.add_argument("id", nargs="?", type=int)
    inbound.add_argument("--failed", action="store_true", help="retry every failed event (of --source)")
    inbound.add_argument("--state", choices=["pending", "processed", "failed", "discarded"])
    inbound.add_argument("--source", help="webhook source, e.g. orders")
    inbound.add_argument("--limit", type=int, default=100)
    inbound.add_argument("--actor", type=_actor, default="ops")
    inbound.add_argument("--json", action="store_true")
    inbound.set_defaults(func=cmd_inbound)
