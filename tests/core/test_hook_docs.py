"""The hook contract, the lifecycles and docs/hooks.md cannot drift apart."""
from __future__ import annotations

import re
from pathlib import Path

import pluggy
import pytest

from hub.core import hookspecs
from hub.core.lifecycle import LIFECYCLES

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "hooks.md").read_text()
PM = pluggy.PluginManager("hub")
PM.add_hookspecs(hookspecs)
HOOKS = sorted(name for name in vars(PM.hook) if name.startswith("hub_"))


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_documented_with_its_exact_signature(name):
    args = ", ".join(getattr(PM.hook, name).spec.argnames)
    assert f"### `{name}({args})`" in DOCS, f"docs/hooks.md lacks {name}({args})"


@pytest.mark.parametrize("name", HOOKS)
def test_every_argument_has_a_param_line(name):
    spec = getattr(hookspecs, name)
    for arg in getattr(PM.hook, name).spec.argnames:
        assert f":param {arg}:" in (spec.__doc__ or ""), f"{name} does not document {arg}"


def test_docs_name_no_hook_that_does_not_exist():
    documented = set(re.findall(r"^### `(hub_\w+)\(", DOCS, flags=re.M))
    assert documented == set(HOOKS)


@pytest.mark.parametrize("entity", ["order", "shipment", "claim", "return"])
def test_every_state_an_entity_can_enter_has_a_hook(entity):
    lifecycle = LIFECYCLES[entity]
    for state in lifecycle.states:
        assert f"hub_{entity}_{state}" in HOOKS


def test_every_customer_event_has_a_hook():
    for event in LIFECYCLES["customer"].events:
        assert f"hub_customer_{event}" in HOOKS
