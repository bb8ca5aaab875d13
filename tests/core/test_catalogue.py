"""The event catalogue, the lifecycles, the hookspecs, the payloads and the docs cannot drift apart."""
from __future__ import annotations

import re
from pathlib import Path

import pluggy
import pytest
from pydantic import ValidationError

from hub.core import catalogue, docgen, hookspecs
from hub.core.lifecycle import LIFECYCLES
from hub.core.lifecycle.table import SENDERS

ROOT = Path(__file__).resolve().parents[2]
PM = pluggy.PluginManager("hub")
PM.add_hookspecs(hookspecs)
HOOKS = sorted(name for name in vars(PM.hook) if name.startswith("hub_"))
EVENTS = [(entity, name) for entity, lc in LIFECYCLES.items() for name in lc.declared]


def test_the_generated_hookspecs_and_docs_are_in_step_with_the_catalogue():
    # python -m hub.core.docgen rewrites them; this is its --check.
    stale = [path.name for path, text in docgen.rendered().items() if path.read_text() != text]
    assert stale == [], f"run `python -m hub.core.docgen`: {stale} out of step"


def test_a_plugin_author_finds_each_lifecycle_hook_by_grep():
    source = (ROOT / "hub" / "core" / "hookspecs.py").read_text()
    for name in catalogue.LIFECYCLE_HOOKS:
        assert re.search(rf"^def {name}\(", source, flags=re.M), name
    assert "def hub_order_shipped(order: OrderSnapshot, shipment: ShipmentSnapshot" in source


@pytest.mark.parametrize("name", sorted(catalogue.LIFECYCLE_HOOKS))
def test_each_lifecycle_hook_takes_the_arguments_the_catalogue_declares(name):
    assert tuple(getattr(PM.hook, name).spec.argnames) == catalogue.LIFECYCLE_HOOKS[name].argnames


def test_each_timed_hook_is_declared_where_its_timer_delivers_it():
    from hub.core.domain.timers import RULES
    delivered = {rule.hook: rule for rule in RULES if rule.on_due == "hook"}
    assert set(delivered) == set(catalogue.TIMED_HOOKS)
    for name, hook in catalogue.TIMED_HOOKS.items():
        assert tuple(getattr(PM.hook, name).spec.argnames) == hook.argnames
        assert (delivered[name].entity, delivered[name].name) == (hook.entity, hook.trigger)
        for reply in hook.replies:  # replies name real events
            entity, event = reply.split(".")
            assert event in LIFECYCLES[entity].declared, reply


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_documented_with_its_exact_signature_and_params(name):
    docs = (ROOT / "docs" / "hooks.md").read_text()
    args = getattr(PM.hook, name).spec.argnames
    assert f"### `{name}({', '.join(args)})`" in docs
    for arg in args:
        assert f":param {arg}:" in (getattr(hookspecs, name).__doc__ or ""), f"{name} does not document {arg}"


def test_the_docs_name_no_hook_that_does_not_exist():
    documented = set(re.findall(r"^### `(hub_\w+)\(", (ROOT / "docs" / "hooks.md").read_text(), flags=re.M))
    assert documented == set(HOOKS)


@pytest.mark.parametrize("entity", ["order", "shipment", "claim", "return"])
def test_every_state_an_entity_can_enter_has_its_hook(entity):
    for state in LIFECYCLES[entity].states:
        assert catalogue.hook_entering(entity, state) is not None, f"hub_{entity}_{state}"


def test_every_customer_event_fires_a_hook():
    for name, spec in LIFECYCLES["customer"].declared.items():
        assert catalogue.hooks_of("customer", spec), name


def test_every_hook_of_the_catalogue_is_a_hookspec_and_fires_from_some_event():
    fired = {hook for entity, lc in LIFECYCLES.items() for spec in lc.declared.values()
             for hook in catalogue.hooks_of(entity, spec)}
    initial = {f"hub_{entity}_{lc.initial}" for entity, lc in LIFECYCLES.items()}
    assert set(catalogue.LIFECYCLE_HOOKS) <= set(HOOKS)
    assert set(catalogue.LIFECYCLE_HOOKS) == (fired | initial) & set(catalogue.LIFECYCLE_HOOKS)
    assert set(catalogue.LIFECYCLE_HOOKS) - fired <= initial


@pytest.mark.parametrize(("entity", "name"), EVENTS, ids=[f"{e}.{n}" for e, n in EVENTS])
def test_each_event_is_declared_whole(entity, name):
    spec = LIFECYCLES[entity].declared[name]
    assert spec.meaning.endswith(".") and len(spec.meaning) >= 20
    assert spec.moves and set(spec.sent_by) <= set(SENDERS)
    spec.data.model_validate(spec.example)
    with pytest.raises(ValidationError):  # unknown keys are refused, never ignored
        spec.data.model_validate({**spec.example, "no_such_key": 1})


def test_every_reply_a_hook_declares_is_an_event_a_plugin_may_send():
    for hook in catalogue.LIFECYCLE_HOOKS.values():
        for reply in hook.replies:
            entity, name = reply.split(".")
            spec = catalogue.event(entity, name)
            assert "plugin" in spec.sent_by, reply


def test_the_payload_the_core_writes_is_what_the_hook_declares():
    from core_payloads import payloads
    produced = payloads()
    for name, hook in catalogue.LIFECYCLE_HOOKS.items():
        keys = {k for k in produced[name] if not k.startswith("_")}
        assert keys == set(hook.argnames) - {"ctx"}, name
    assert produced["hub_order_shipped"]["shipment"]["tracking_number"]
    assert produced["hub_claim_opened"]["order"]["ref"] == produced["hub_claim_opened"]["claim"]["order_ref"]


def test_ctx_emit_accepts_only_declared_replies_with_valid_data():
    from hub.core.errors import PermanentError
    catalogue.check_reply("hub_order_posted", "order", "finance_approved", {"erp_ref": "SO-1"})
    with pytest.raises(PermanentError, match="may emit only: order.finance_approved, order.finance_rejected, order.erp_recorded"):
        catalogue.check_reply("hub_order_posted", "order", "released", {})
    with pytest.raises(PermanentError, match="unknown key"):
        catalogue.check_reply("hub_order_posted", "order", "finance_approved", {"erp_number": "SO-1"})
    with pytest.raises(PermanentError, match="takes no replies"):
        catalogue.check_reply("hub_sla_breached", "order", "reviewed", {})


def test_the_catalogue_size_per_entity():
    assert catalogue.size() == {entity: len(lc.declared) for entity, lc in LIFECYCLES.items()}
    assert sum(catalogue.size().values()) == len(EVENTS)
