"""Plugins see one face, ``hub``; and one component calls them (``hub.core.plugin_host``)."""
from __future__ import annotations

import ast
from pathlib import Path

import hub

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_FILES = sorted((ROOT / "plugins").rglob("*.py"))


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            out += [(alias.name, []) for alias in node.names]
    return out


def test_plugins_import_nothing_of_the_hub_but_its_face():
    reaching = [f"{path.relative_to(ROOT)}: {module}" for path in PLUGIN_FILES
                for module, _ in _imports(path) if module.startswith("hub.")]
    assert reaching == [], "plugins must import from `hub` only:\n" + "\n".join(reaching)


def test_everything_plugins_take_from_the_face_is_exported():
    taken = {name for path in PLUGIN_FILES for module, names in _imports(path) if module == "hub" for name in names}
    assert taken <= set(hub.__all__), taken - set(hub.__all__)
    assert all(hasattr(hub, name) for name in hub.__all__)


def test_only_the_plugin_host_calls_an_implementation():
    callers = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "hub").rglob("*.py"))
               if ".function(" in path.read_text()]
    assert callers == ["hub/core/plugin_host.py"]
