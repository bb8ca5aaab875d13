"""The `hub` command: serve, worker, demo, plugins, config check, handoffs, db upgrade."""
from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from pathlib import Path
from typing import Any

from hub.core.config import HubConfig, default_config_path, load_config
from hub.core.errors import ConfigError, HubError
from hub.core.logging import configure
from hub.core.plugins import build_plugin_manager, describe


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
    from hub.core.runtime import Runtime
    from hub.core.service import Hub

    config = _config(args)

    async def run() -> None:
        hub = Hub(config, build_plugin_manager(config))
        await hub.start()
        runtime = Runtime(hub)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
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
    for p in plugins:
        mark = "enabled " if p["enabled"] else "        "
        print(f"{mark} {p['name']:<20} {p['kind']:<8} {p['description']}")
    return 0


def cmd_config_check(args: argparse.Namespace) -> int:
    config = _config(args)
    pm = build_plugin_manager(config)
    names = ", ".join(name for name, _ in pm.list_name_plugin())
    print(f"configuration OK: database {config.db_url.split('@')[-1]}; plugins: {names}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from hub.core.store.db import make_engine, upgrade

    async def run() -> None:
        engine = make_engine(_config(args).db_url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())
    print("database is at the latest revision")
    return 0


def cmd_handoffs(args: argparse.Namespace) -> int:
    from hub.core.clock import SystemClock
    from hub.core.outbox import admin
    from hub.core.store.db import make_engine, upgrade

    async def run() -> Any:
        engine = make_engine(_config(args).db_url)
        try:
            await upgrade(engine)
            if args.action == "list":
                return await admin.list_handoffs(engine, state=args.state, plugin=args.plugin, limit=args.limit)
            change = admin.retry if args.action == "retry" else admin.discard
            return [await change(engine, args.id, f"cli:{args.actor}", SystemClock().now())]
        finally:
            await engine.dispose()

    rows = asyncio.run(run())
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
    for h in [] if args.json else rows:
        error = f"  {h['error_class']}: {(h['last_error'] or '')[:80]}" if h["last_error"] else ""
        print(f"#{h['id']:<6} {h['state']:<9} {h['plugin']:<18} {h['hook']:<34} {h['entity']} {h['ref']}"
              f" attempts={h['attempts']}{error}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="hub", description=__doc__)
    top.add_argument("--config", help="path to hub.toml (default: $HUB_CONFIG or ./config/hub.toml)")
    top.add_argument("--log-level", default="INFO")
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
    config = sub.add_parser("config", help="configuration")
    config.add_argument("action", choices=["check"])
    config.set_defaults(func=cmd_config_check)
    db = sub.add_parser("db", help="database")
    db.add_argument("action", choices=["upgrade"])
    db.set_defaults(func=cmd_db_upgrade)
    handoffs = sub.add_parser("handoffs", help="list, retry or discard handoffs")
    handoffs.add_argument("action", choices=["list", "retry", "discard"])
    handoffs.add_argument("id", nargs="?", type=int)
    handoffs.add_argument("--state", choices=["pending", "running", "failed", "dead", "done", "discarded"])
    handoffs.add_argument("--plugin")
    handoffs.add_argument("--limit", type=int, default=100)
    handoffs.add_argument("--actor", default="ops")
    handoffs.add_argument("--json", action="store_true")
    handoffs.set_defaults(func=cmd_handoffs)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "handoffs" and args.action != "list" and args.id is None:
        parser().error("handoffs retry/discard need the handoff id")
    configure(args.log_level)
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
