"""The ``agents`` command (003): who of the after-sales agents and supervisors is in, and marking one away
(their customers' new requests go to the first supervisor in) or back."""
from __future__ import annotations

import argparse
import asyncio
import json
from datetime import datetime
from typing import Any

from hub.cli import _actor, _config


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("a date and time with its offset, e.g. 2026-03-09T09:00+08:00") from None
    if moment.tzinfo is None:  # a bare local time is ambiguous: the business zone is the API's to apply
        raise argparse.ArgumentTypeError("give the offset, e.g. 2026-03-09T09:00+08:00")
    return moment


def cmd_agents(args: argparse.Namespace) -> int:
    from hub.core.domain import agents
    from hub.core.plugins import build_plugin_manager
    from hub.core.service import Hub

    config = _config(args)
    # Presence calls no plugin: none are started, so none of their settings or secrets are needed.
    hub = Hub(config, build_plugin_manager(config.model_copy(update={"plugins": {"enabled": []}})))

    async def run() -> Any:
        await hub.start()
        try:
            if args.action == "list":
                async with hub.engine.connect() as conn:
                    return await agents.roster(conn, config, hub.clock.now())
            async with hub.unit(f"cli:{args.actor}") as tx:
                if args.action == "absent":
                    return [await agents.mark_absent(tx, args.name, args.reason, args.until)]
                return [await agents.mark_present(tx, args.name)]
        finally:
            await hub.close()

    rows = asyncio.run(run())
    if args.json:
        print(json.dumps(rows, indent=2, default=str, ensure_ascii=False))
        return 0
    for row in rows:
        print(_line(row))
    return 0


def _line(row: dict[str, Any]) -> str:
    roles = "+".join(row["roles"])
    if row["present"]:
        status = "present"
    else:
        back = f" until {row['until']:%Y-%m-%d %H:%M} UTC" if row["until"] else ""
        status = f"ABSENT since {row['since']:%Y-%m-%d %H:%M} UTC{back}: {row['reason']}"
    return f"{row['name']:<20} {roles:<17} open requests {row['open_requests']:<4} {status}"


def agents_usage(args: argparse.Namespace) -> str | None:
    """What is wrong with an ``agents`` command line, if anything."""
    if args.action != "list" and not args.name:
        return f"agents {args.action} needs the agent's name"
    if args.action == "absent" and not (args.reason or "").strip():
        return "agents absent needs --reason (why they are away)"
    if args.action != "absent" and (args.reason or args.until):
        return "--reason and --until go with agents absent"
    return None


def agents_parser(sub: Any) -> None:
    command = sub.add_parser("agents", help="after-sales agents' presence (003): list, mark absent or present")
    command.add_argument("action", choices=["list", "absent", "present"])
    command.add_argument("name", nargs="?", help="absent/present: a configured agent or supervisor")
    command.add_argument("--reason", help="absent: why they are away")
    command.add_argument("--until", type=_moment, help="absent: when they are expected back (with its offset)")
    command.add_argument("--actor", type=_actor, default="ops", help="who marks them, for the record")
    command.add_argument("--json", action="store_true")
    command.set_defaults(func=cmd_agents)
