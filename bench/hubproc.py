"""The real hub as the benchmark runs it: ``hub serve`` and ``hub worker`` processes with a
``hub.toml`` written for the run (its real loading, secrets from the environment, plugins
named as ``module:SPEC``), a temporary data dir and ``HUB_ADMIN_TOKEN`` set."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.payloads import KUAIDI100_SALT, ORDERS_SECRET
from bench.procs import Proc, child_env, free_port, python, wait_http

NOOP = "bench.plugins.noop:SPEC"
SINK = "bench.plugins.sink:SPEC"
HANG = "bench.plugins.hang:SPEC"
KUAIDI100 = "carrier.kuaidi100"
ADMIN_TOKEN = "bench-admin-token-0123456789abcdef"


def _toml(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value))


def plugin_settings(sink_url: str | None = None) -> dict[str, dict[str, Any]]:
    settings: dict[str, dict[str, Any]] = {
        NOOP: {},
        HANG: {},
        KUAIDI100: {"key": {"env": "BENCH_KUAIDI100_KEY"}, "salt": {"env": "BENCH_KUAIDI100_SALT"},
                    "callback_url": "http://127.0.0.1:9/webhooks/carrier.kuaidi100",
                    "base_url": "http://127.0.0.1:9"},
    }
    if sink_url:
        settings[SINK] = {"url": sink_url}
    return settings


def write_config(workdir: Path, plugins: list[str], *, sink_url: str | None = None,
                 sections: dict[str, dict[str, Any]] | None = None, **top: Any) -> Path:
    """A hub.toml enabling ``plugins``; ``top`` adds top-level settings (worker_concurrency, ...),
    ``sections`` whole tables by their dotted name (``{"dispatch.timeouts": {"bench.hang": 1.0}}``)."""
    settings = plugin_settings(sink_url)
    lines = [f'data_dir = {_toml(str(workdir / "data"))}']
    lines += [f"{key} = {_toml(value)}" for key, value in top.items()]
    lines += ["", "[webhooks]", 'orders_secrets = [{ env = "BENCH_ORDERS_SECRET" }]',
              # The backlog guard answers 429 above this; a run must measure the store, not the guard.
              "max_pending = 10000000"]
    for table, values in (sections or {}).items():
        lines += ["", f"[{'.'.join(json.dumps(part) if not part.isidentifier() else part for part in table.split('.'))}]"]
        lines += [f"{json.dumps(key)} = {_toml(value)}" for key, value in values.items()]
    lines += ["", "[plugins]", f"enabled = {_toml(plugins)}"]
    for name in plugins:
        lines += ["", f"[plugins.{json.dumps(name)}]"]
        lines += [f"{key} = {_toml(value)}" for key, value in settings[name].items()]
    path = workdir / "hub.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def hub_env(config: Path, database_url: str, port: int | None = None) -> dict[str, str]:
    env = child_env(HUB_CONFIG=str(config), HUB_DATABASE_URL=database_url, HUB_HOST="127.0.0.1",
                    HUB_ADMIN_TOKEN=ADMIN_TOKEN, BENCH_ORDERS_SECRET=ORDERS_SECRET,
                    BENCH_KUAIDI100_KEY="bench-kuaidi100-key", BENCH_KUAIDI100_SALT=KUAIDI100_SALT)
    if port:
        env["HUB_PORT"] = str(port)
    return env


def start_serve(workdir: Path, config: Path, database_url: str, *, log_level: str = "INFO",
                tag: str = "serve") -> tuple[Proc, str]:
    """``hub serve`` until ``/readyz`` answers; returns it and its base URL. A port taken between
    choosing it and the hub binding it (processes side by side) gets one more try on another."""
    for attempt in range(2):
        port = free_port()
        proc = Proc(f"hub serve ({tag})", python("-m", "hub", "--log-level", log_level, "serve"),
                    workdir / f"hub-{tag}.log", env=hub_env(config, database_url, port))
        base = f"http://127.0.0.1:{port}"
        try:
            wait_http(base + "/readyz", proc, timeout_s=90)
        except Exception:
            proc.stop()
            if attempt == 0 and "address already in use" in proc.tail(5):
                continue
            raise
        return proc, base
    raise AssertionError("unreachable")


def start_workers(count: int, workdir: Path, config: Path, database_url: str, *,
                  log_level: str = "INFO", tag: str = "worker") -> list[Proc]:
    return [Proc(f"hub worker {i} ({tag})", python("-m", "hub", "--log-level", log_level, "worker"),
                 workdir / f"hub-{tag}-{i}.log", env=hub_env(config, database_url))
            for i in range(count)]
