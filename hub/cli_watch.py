"""The ``timers`` and ``cases`` commands: what breaches next, and the open investigations."""
from __future__ import annotations

import argparse
import json
from datetime import timedelta
from typing import Any

from hub.cli import on_database


def cmd_watch(args: argparse.Namespace) -> int:
    from hub.core import overview
    from hub.core.clock import SystemClock

    async def work(engine: Any) -> Any:
        async with engine.connect() as conn:
            if args.command == "timers":
                within = SystemClock().now() + timedelta(hours=args.due_within) if args.due_within else None
                return await overview.list_timers(conn, state=args.state, rule=args.rule, due_before=within,
                                                  limit=args.limit)
            return await overview.list_cases(conn, state=args.state, anomaly=args.anomaly, limit=args.limit)

    rows = on_database(args, work)
    if args.json:
        print(json.dumps(rows, indent=2, default=str, ensure_ascii=False))
    elif not rows:
        print("no timers" if args.command == "timers" else "no cases")
    for row in [] if args.json else rows:
        if args.command == "timers":
            print(f"{row['due_at']:%Y-%m-%d %H:%M} UTC  {row['rule']:<28} {row['entity']} {row['ref']}  {row['state']}")
        else:
            print(f"{row['ref']:<16} {row['anomaly']:<30} shipment {row['shipment_ref']}  {row['state']}")
    return 0


def watch_parsers(sub: Any) -> None:
    timers = sub.add_parser("timers", help="time limits, soonest due first (open unless --state)")
    timers.add_argument("action", choices=["list"])
    timers.add_argument("--state", default="open", choices=["open", "breached", "satisfied", "cancelled"])
    timers.add_argument("--rule", help="one time rule, e.g. claim_report")
    timers.add_argument("--due-within", type=float, metavar="HOURS", help="only those due within HOURS")
    timers.add_argument("--limit", type=int, default=100)
    timers.add_argument("--json", action="store_true")
    timers.set_defaults(func=cmd_watch)
    cases = sub.add_parser("cases", help="investigation cases (open unless --state)")
    cases.add_argument("action", choices=["list"])
    cases.add_argument("--state", default="open")
    cases.add_argument("--anomaly", help="e.g. shortage, delivered_to_broker")
    cases.add_argument("--limit", type=int, default=100)
    cases.add_argument("--json", action="store_true")
    cases.set_defaults(func=cmd_watch)
