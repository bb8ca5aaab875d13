"""The plugin host: entry points in the ``hub.plugins`` group, enabled by name in the config."""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, Literal

import pluggy
import structlog
from pydantic import ValidationError

from hub.core import hookspecs
from hub.core.config import HubConfig, PluginSettings, format_errors, resolve_secrets
from hub.core.errors import ConfigError

ENTRY_POINT_GROUP = "hub.plugins"


@dataclass(frozen=True)
class PluginSpec:
    """What a plugin package exports as ``SPEC``: built-ins and third parties alike."""

    name: str
    kind: Literal["erp", "carrier", "notify", "shop", "core"]
    settings: type[PluginSettings]
    factory: Callable[[Any], object]
    description: str = ""


def installed_plugins() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def load_spec(name: str) -> PluginSpec:
    """Find a plugin by entry-point name, or by ``module:ATTR`` (development and tests)."""
    if ":" in name:
        module, _, attr = name.partition(":")
        try:
            spec = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise ConfigError(f"plugin {name!r} cannot be imported: {exc}") from exc
        return spec
    installed = installed_plugins()
    if name not in installed:
        raise ConfigError(f"unknown plugin {name!r}; installed: {', '.join(sorted(installed)) or 'none'}")
    spec = installed[name].load()
    if spec.name != name:
        raise ConfigError(f"plugin entry point {name!r} declares the name {spec.name!r}")
    return spec


def validate_settings(spec: PluginSpec, raw: dict[str, Any]) -> PluginSettings:
    try:
        return spec.settings.model_validate(resolve_secrets(raw, f"plugins.{spec.name}"))
    except ValidationError as exc:
        raise ConfigError(f"plugin {spec.name!r}: {format_errors(exc)}") from exc
    except ConfigError as exc:
        raise ConfigError(f"plugin {spec.name!r}: {exc}") from exc


def build_plugin_manager(config: HubConfig) -> pluggy.PluginManager:
    """A fresh manager with every enabled plugin built from validated settings; fails fast."""
    pm = pluggy.PluginManager("hub")
    pm.add_hookspecs(hookspecs)
    seen, problems = set(), []
    for name in config.enabled_plugins:
        if name in seen:
            problems.append(f"plugin {name!r} is enabled twice")
            continue
        seen.add(name)
        try:  # every plugin's problems at once: a newcomer fixes them in one go
            spec = load_spec(name)
            settings = validate_settings(spec, config.plugin_settings(name))
            pm.register(spec.factory(settings), name=spec.name)
        except ConfigError as exc:
            problems.append(str(exc))
    if problems:
        raise ConfigError("; ".join(problems))
    unknown = set(config.plugins) - {"enabled"} - set(config.enabled_plugins)
    if unknown:  # kept for later, perhaps: not a reason to refuse to start
        structlog.get_logger("hub.plugins").warning("plugins.settings_not_used", plugins=sorted(unknown),
                                                    hint="listed in [plugins] but not in enabled")
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise ConfigError(f"plugin {exc.plugin!r} implements an unknown hook: {exc}") from exc
    return pm


def implementers(pm: pluggy.PluginManager, hook: str) -> list[str]:
    """Names of the plugins that implement ``hook``: each gets its own outbox delivery."""
    caller = getattr(pm.hook, hook)
    return [pm.get_name(impl.plugin) for impl in caller.get_hookimpls()]


def describe(config: HubConfig) -> list[dict[str, Any]]:
    """Every installed plugin with its kind, enabled flag and settings schema (``hub plugins``)."""
    out = []
    for name in sorted(set(installed_plugins()) | set(config.enabled_plugins)):
        spec = load_spec(name)
        out.append({"name": spec.name, "kind": spec.kind, "enabled": name in config.enabled_plugins,
                    "description": spec.description or (spec.factory.__doc__ or "").strip().split("\n")[0],
                    "settings_schema": spec.settings.model_json_schema()})
    return out
