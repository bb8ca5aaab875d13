"""The `hub` command: serve, worker, demo, plugins, events, config check, handoffs, inbound, report, db upgrade
and prune, stores, complaints, agents, users and audit."""
from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from pathlib import Path
from collections.abc import Awaitable, Callable
from typing import Any

from hub.core.audit import ORIGIN, cli_origin
from hub.core.config import HubConfig, default_config_path, load_config
from hub.core.errors import ConfigError, HubError
from hub.core.logging import configure
from hub.core.plugins import build_plugin_manager, describe


COMMON_HELP = {
    "action": "what to do", "kind": "which report: weekly or monthly", "id": "the handoff's or stored webhook's id (hub … list shows it)",
    "ref": "the reference, e.g. SO-2026-0042", "name": "the person's name",
    "state": "only those in this state", "plugin": "only this plugin's", "source": "only this webhook source's",
    "limit": "at most this many rows", "json": "print JSON instead of lines",
    "actor": "who acts, recorded with the change (the CLI also records the OS user)",
    "host": "listen on this address (default from hub.toml)", "port": "listen on this port (default from hub.toml)",
    "entity": "only this entity: order, shipment, claim, return, customer, store, complaint, repair_batch",
    "customer": "only this customer's (code)", "order": "only this order's (reference)",
    "factory": "only this factory's", "reason": "why, recorded with the change",
    "until": "until this time, with its offset, e.g. 2026-03-09T18:00+08:00",
}
def on_database(args: argparse.Namespace, work: Callable[[Any], Awaitable[Any]]) -> Any:
    """``work(engine)`` on the configured database, migrated first, the engine disposed after: what
    every command that only reads or changes stored rows does."""
    from hub.core.store.db import make_engine, upgrade

    async def run() -> Any:
        engine = make_engine(_config(args).db_url)
        try:
            await upgrade(engine)
            return await work(engine)
        finally:
            await engine.dispose()
    return asyncio.run(run())


# Commands that run the hub's own work (carriers, plugins, timers): not one person's doing.
RUNS_THE_HUB = ("serve", "worker", "demo")


def _config(args: argparse.Namespace) -> HubConfig:
    path = Path(args.config) if args.config else default_config_path()
    return load_config(path, host=getattr(args, "host", None), port=getattr(args, "port", None))


def cmd_serve(args: argparse.Namespace) -> int:
    from hub.app import serve
    config = _config(args)
    build_plugin_manager(config)  # fail fast, before the port is taken
    asyncio.run(serve(config))
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from hub.core.plugin_host import PluginHost
    from hub.core.runtime import Runtime
    from hub.core.service import Hub

    config = _config(args)

    async def run() -> None:
        hub = Hub(config, build_plugin_manager(config))
        await hub.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        loop.add_signal_handler(signal.SIGUSR1, _dump_tasks)
        try:
            # The same plugin start-up, HTTP session and timeouts as hub serve.
            async with PluginHost(hub) as host:
                runtime = Runtime(hub, host=host)
                if args.once:
                    await runtime.settle()
                else:
                    print(f"hub worker {runtime.dispatcher.owner} on {hub.engine.url.render_as_string()}",
                          file=sys.stderr)
                    await runtime.run(stop)
        finally:
            await hub.close()

    asyncio.run(run())
    return 0


def _dump_tasks() -> None:
    """SIGUSR1: where every task of the process waits, on stderr (for a worker that seems stuck)."""
    for task in asyncio.all_tasks():
        print(f"--- task {task.get_name()}", file=sys.stderr)
        task.print_stack(limit=12, file=sys.stderr)


def cmd_demo(args: argparse.Namespace) -> int:
    from hub.demo import run_demo
    configure("WARNING")
    result = asyncio.run(run_demo(sys.stdout))
    ok = result["claim"] == "closed" and all(h["state"] == "done" for h in result["handoffs"])
    return 0 if ok else 1


def cmd_plugins(args: argparse.Namespace) -> int:
    plugins = describe(_config(args))
    if args.json:
        print(json.dumps(plugins, indent=2, default=str))
        return 0
    if not plugins:
        print("no plugins installed")
    for p in plugins:
        mark = "enabled " if p["enabled"] else "        "
        print(f"{mark} {p['name']:<20} {p['kind']:<8} {p['description']}")
        schema = p.get("settings_schema") or {}
        required = set(schema.get("required", ()))
        for field, info in (schema.get("properties") or {}).items():  # each setting, what it means, its default
            default = "required" if field in required else f"default {json.dumps(info.get('default'), default=str)}"
            print(f"{'':<30} {field:<24} {default:<28} {info.get('description', '')}")
    return 0


def cmd_events(args: argparse.Namespace) -> int:
    """The event catalogue: per entity and state, the events it accepts (``--json``: with data schemas)."""
    from hub.core import catalogue
    described = catalogue.describe()
    chosen = {args.entity: described[args.entity]} if args.entity else described
    if args.json:
        print(json.dumps(chosen, indent=2, ensure_ascii=False, default=str))
        return 0
    for entity, lc in chosen.items():
        print(f"{entity}  (starts {lc['initial']}; final: {', '.join(lc['terminal']) or 'none'})")
        for state, info in lc["states"].items():
            print(f"  {state:<28} accepts: {', '.join(info['accepts']) or '-'}")
        print("  events:")
        for name, event in lc["events"].items():
            fields = ", ".join(f for f in event["data_schema"].get("properties", {}) if f != "note") or "-"
            print(f"    {name:<28} data: {fields:<40} sent by: {', '.join(event['sent_by'])}")
            print(f"    {'':<28} {event['meaning']}")
        print()
    return 0


def cmd_config_check(args: argparse.Namespace) -> int:
    config = _config(args)
    pm = build_plugin_manager(config)
    names = ", ".join(name for name, _ in pm.list_name_plugin())
    print(f"configuration OK: database {config.db_url.split('@')[-1]}; plugins: {names}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from hub.core.store.db import make_engine, upgrade

    if args.action == "prune":
        return cmd_db_prune(args)

    async def run() -> None:
        engine = make_engine(_config(args).db_url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())
    print("database is at the latest revision")
    return 0


def cmd_db_prune(args: argparse.Namespace) -> int:
    from hub.core.clock import SystemClock
    from hub.core.retention import prune
    from hub.core.store.db import make_engine, upgrade

    config = _config(args)

    async def run() -> dict[str, int]:
        engine = make_engine(config.db_url)
        try:
            await upgrade(engine)
            return await prune(engine, config.retention, SystemClock().now(),
                               retry_horizon_hours=config.retry_horizon_hours, dry_run=args.dry_run)
        finally:
            await engine.dispose()

    mark = " (dry run)" if args.dry_run else ""
    for table, count in asyncio.run(run()).items():
        print(f"{table:<16} {count}{mark}")
    return 0


def _actor(value: str) -> str:
    import re
    if not re.match(r"^[A-Za-z0-9._:-]{1,48}$", value):  # it lands in inbound_actions.actor, 64 characters
        raise argparse.ArgumentTypeError("1-48 letters, digits or . _ : -")
    return value


def cmd_report(args: argparse.Namespace) -> int:
    """A periodic report (000) of the period before ``--at`` (default: today): printed, and with
    ``--send`` stored and handed to the notify plugins as the worker's schedule does, once."""
    from hub.core import report_schedule
    from hub.core.report_text import report_text
    from hub.core.reports import period_for, previous_period
    from hub.core.service import Hub

    config = _config(args)
    # Printing calls no plugin: only --send needs them (and their secrets) to route the handoff.
    pm = build_plugin_manager(config if args.send else config.model_copy(update={"plugins": {"enabled": []}}))

    async def run() -> tuple[Any, str | None]:
        hub = Hub(config, pm)
        await hub.start()
        try:
            period = previous_period(args.kind, args.at) if args.at else \
                period_for(args.kind, hub.clock.now(), config.calendar.business_calendar)
            report = await report_schedule.build(hub, args.kind, period)
            if not args.send:
                return report, None
            if await report_schedule.store_and_send(hub, report, actor=f"cli:{args.actor}"):
                return report, f"stored and queued {report_schedule.HOOK} for " \
                               f"{', '.join(hub.router.implementers(report_schedule.HOOK)) or 'no plugin'}"
            # Sent before (by the schedule or an earlier --send): show what its recipients got.
            return await report_schedule.load(hub, args.kind, period[0]), "already stored: nothing queued"
        finally:
            await hub.close()

    report, status = asyncio.run(run())
    print(report.model_dump_json(indent=2) if args.json else report_text(report), end="\n" if args.json else "")
    if status:
        print(f"hub report {report.ref}: {status}", file=sys.stderr)
    return 0


def _day(value: str) -> Any:
    from datetime import date
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("a date, YYYY-MM-DD") from None


def _report_parser(sub: Any) -> None:
    report = sub.add_parser("report", help="the weekly or monthly report (000): print it, or --send it")
    report.add_argument("kind", choices=["weekly", "monthly"])
    report.add_argument("--at", type=_day, help="report of the week/month before this local date (default: today)")
    report.add_argument("--json", action="store_true")
    report.add_argument("--send", action="store_true", help="store it and hand it to the plugins (once per period)")
    report.add_argument("--actor", type=_actor, default="ops")
    report.set_defaults(func=cmd_report)


def parser() -> argparse.ArgumentParser:
    from hub.cli_agents import agents_parser
    from hub.cli_documents import documents_parser
    from hub.cli_entities import complaints_parser, stores_parser
    from hub.cli_repair_batches import repair_batches_parser
    from hub.cli_users import audit_parser, users_parser
    from hub.cli_queues import queues_parsers
    from hub.cli_watch import watch_parsers

    top = argparse.ArgumentParser(prog="hub", description=__doc__)
    top.add_argument("--config", help="path to hub.toml (default: $HUB_CONFIG or ./config/hub.toml)")
    top.add_argument("--log-level", default="info", type=str.lower, choices=["debug", "info", "warning", "error"],
                     help="the lowest level logged (JSON lines on stderr)")
    top.add_argument("--log-format", default="json", choices=["json", "console"],
                     help="json lines (for log collectors), or console: readable lines for a terminal")
    sub = top.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="HTTP API, webhooks and background work in one process")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(func=cmd_serve)
    worker = sub.add_parser("worker", help="background work only (dispatcher, timers, inbox, polling)")
    worker.add_argument("--once", action="store_true", help="work until nothing is due, then exit")
    worker.set_defaults(func=cmd_worker)
    sub.add_parser("demo", help="walk one order to a closed claim on a temporary database").set_defaults(func=cmd_demo)
    plugins = sub.add_parser("plugins", help="installed plugins and their settings")
    plugins.add_argument("--json", action="store_true")
    plugins.set_defaults(func=cmd_plugins)
    events = sub.add_parser("events", help="the event catalogue: what each state accepts, with what data")
    events.add_argument("entity", nargs="?", choices=["order", "shipment", "claim", "return", "customer", "store",
                                                      "complaint", "repair_batch"])
    events.add_argument("--json", action="store_true", help="everything GET /api/events answers")
    events.set_defaults(func=cmd_events)
    config = sub.add_parser("config", help="configuration")
    config.add_argument("action", choices=["check"])
    config.set_defaults(func=cmd_config_check)
    db = sub.add_parser("db", help="database")
    db.add_argument("action", choices=["upgrade", "prune"])
    db.add_argument("--dry-run", action="store_true", help="prune: count what is due, delete nothing")
    db.set_defaults(func=cmd_db_upgrade)
    queues_parsers(sub)
    _report_parser(sub)
    stores_parser(sub)
    complaints_parser(sub)
    repair_batches_parser(sub)
    agents_parser(sub)
    users_parser(sub)
    audit_parser(sub)
    watch_parsers(sub)
    documents_parser(sub)
    for command in sub.choices.values():  # `hub config check --config FILE` as well as `hub --config FILE …`
        command.add_argument("--config", default=argparse.SUPPRESS, help="path to hub.toml")
        for action in command._actions:  # the options many commands share say the same everywhere
            if not action.help:
                action.help = COMMON_HELP.get(action.dest)
    return top


def main(argv: list[str] | None = None) -> int:
    from hub.cli_agents import agents_usage
    from hub.cli_queues import inbound_usage
    from hub.cli_users import users_usage

    args = parser().parse_args(argv)
    if args.command == "handoffs" and args.action != "list" and args.id is None and not args.all:
        parser().error("handoffs retry/discard need the handoff id (or --all with --plugin/--hook/--state)")
    if args.command == "inbound" and (problem := inbound_usage(args)):
        parser().error(problem)
    if args.command == "documents" and args.action == "render" and not args.kind:
        parser().error("documents render needs the document, e.g. order_confirmation")
    if args.command == "stores" and args.action == "show" and not args.ref:
        parser().error("stores show needs the store's reference")
    if args.command == "complaints" and args.action == "show" and not args.ref:
        parser().error("complaints show needs the complaint's reference")
    if args.command == "repair-batches" and args.action == "show" and not args.ref:
        parser().error("repair-batches show needs the batch's reference")
    if args.command == "agents" and (problem := agents_usage(args)):
        parser().error(problem)
    if args.command == "users" and (problem := users_usage(args)):
        parser().error(problem)
    configure(args.log_level, style=args.log_format)
    if args.command not in RUNS_THE_HUB:  # a person at a terminal: what they change is audited as theirs
        ORIGIN.set(cli_origin(getattr(args, "actor", None)))
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"hub: configuration error: {exc}", file=sys.stderr)
        return 2
    except HubError as exc:
        print(f"hub: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
