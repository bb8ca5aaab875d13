"""Files written from the event catalogue: the lifecycle hookspecs, docs/hooks.md, docs/domain.md.

``python -m hub.core.docgen`` rewrites them; ``python -m hub.core.docgen --check`` (and
``tests/core/test_catalogue.py``) fails when one is out of step with the catalogue. The examples
in docs/hooks.md are payloads the real core produced on a scripted tour (``hub.core.tour``).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from hub.core import catalogue
from hub.core.catalogue import LIFECYCLE_HOOKS, SNAPSHOT_TYPE, Hook
from hub.core.lifecycle import LIFECYCLES
from hub.core.roles import roles_for
from hub.core.models import (ClaimSnapshot, CustomerSnapshot, OrderSnapshot, ReturnSnapshot, ShipmentSnapshot,
                             StoreSnapshot)
from hub.core.models import ComplaintSnapshot
from hub.core.models import RepairBatchSnapshot

ROOT = Path(__file__).resolve().parents[2]
HOOKSPECS = ROOT / "hub" / "core" / "hookspecs.py"
HOOKS_MD = ROOT / "docs" / "hooks.md"
DOMAIN_MD = ROOT / "docs" / "domain.md"
BEGIN = "# --- generated from hub/core/catalogue.py by `python -m hub.core.docgen`: do not edit by hand ---\n"
END = "# --- end of generated lifecycle hooks ---\n"
MODELS: dict[str, type[BaseModel]] = {"OrderSnapshot": OrderSnapshot, "ShipmentSnapshot": ShipmentSnapshot,
                                      "ClaimSnapshot": ClaimSnapshot, "ReturnSnapshot": ReturnSnapshot,
                                      "CustomerSnapshot": CustomerSnapshot, "StoreSnapshot": StoreSnapshot,
                                      "ComplaintSnapshot": ComplaintSnapshot,
                                      "RepairBatchSnapshot": RepairBatchSnapshot}
RELATED_TEXT = {
    ("order", "shipment"): "the shipment whose booking (or pickup) shipped the order",
    ("claim", "order"): "the claim's order",
    ("claim", "shipment"): "the claimed shipment, or None when the claim names none",
    ("return", "order"): "the request's order",
    ("complaint", "order"): "the complaint's order",
    ("complaint", "shipment"): "the shipment complained of, or None when the complaint names none",
    ("shipment", "order"): "the shipment's order",
}
OPTIONAL_RELATED = {("claim", "shipment"), ("complaint", "shipment")}  # None when the entity names none
RELATED_TYPE = {"order": "OrderSnapshot", "shipment": "ShipmentSnapshot"}
CTX = "Per-delivery context: idempotency_key, attempt, log, http, now, seen(), remember(), emit()."


def fired_by(hook: Hook) -> list[tuple[str, list[str]]]:
    """(event, source states) pairs that lead into the hook's state (customers: the event itself)."""
    lc = LIFECYCLES[hook.entity]
    out = []
    for spec in lc.declared.values():
        if hook.entity in catalogue.HOOKED_BY_EVENT or hook.on_event:
            if hook.trigger == spec.name or hook.trigger in spec.records:
                out.append((spec.name, list(spec.sources)))
            continue
        sources = [m.source for m in spec.moves if m.target == hook.trigger and m.source != hook.trigger]
        if spec.loop_hook == hook.trigger:
            sources = list(spec.sources)  # fired again when the state stays (Event.loop_hook)
        if sources:
            out.append((spec.name, list(dict.fromkeys(sources))))
    if hook.trigger == lc.initial and hook.entity not in catalogue.HOOKED_BY_EVENT:
        out.insert(0, ("(created)", []))
    return out


def data_fields(hook: Hook) -> list[str]:
    names: dict[str, None] = {}
    for event, _ in fired_by(hook):
        if event in LIFECYCLES[hook.entity].declared:
            names.update(dict.fromkeys(LIFECYCLES[hook.entity].declared[event].data.model_fields))
    return list(names)


def _fields(model: type[BaseModel]) -> str:
    return ", ".join(model.model_fields)


def _fired_text(hook: Hook) -> str:
    parts = []
    for event, sources in fired_by(hook):
        if event == "(created)":
            parts.append("its creation")
        else:
            parts.append(f"``{event}``" + (f" (from {', '.join(sources)})" if sources else ""))
    return ", ".join(parts)


def _replies_text(hook: Hook) -> str:
    if not hook.replies:
        return "nothing (``ctx.emit`` raises PermanentError)"
    return ", ".join(f"``{r}``" for r in hook.replies)


def hookspec_source() -> str:
    out = [BEGIN]
    for hook in LIFECYCLE_HOOKS.values():
        snapshot = SNAPSHOT_TYPE[hook.entity]
        args = [f"{hook.argument}: {snapshot}"]
        args += [f"{name}: {RELATED_TYPE[name]}" + (" | None" if (hook.entity, name) in OPTIONAL_RELATED else "")
                 for name in hook.related]
        args += ["transition: Transition", "ctx: HookContext"]
        params = [f":param {hook.argument}: The {hook.entity} as committed: {_fields(MODELS[snapshot])}."]
        params += [f":param {name}: {RELATED_TEXT[(hook.entity, name)].capitalize()}." for name in hook.related]
        data = ", ".join(data_fields(hook)) or "note"
        params += [f":param transition: entity, ref, event, previous, state, at, actor; ``data`` holds the event's "
                   f"fields: {data}.", f":param ctx: {CTX}"]
        doc = [hook.when, "", f"Fired by {_fired_text(hook)}. Delivered from the outbox after commit, at least once "
               "per plugin; implement as ``async def``.", "", *params, "", f"May emit: {_replies_text(hook)}."]
        out.append("\n\n@hookspec\n")
        out.append(f"def {hook.name}({', '.join(args)}) -> None:\n")
        out.append('    """' + _wrap(doc) + '\n    """\n')
    out.append("\n\n# --- timed hooks: a timer of hub/core/domain/timers.py came due (catalogue TIMED_HOOKS) ---\n")
    for hook in catalogue.TIMED_HOOKS.values():
        out.append(_timed_hookspec(hook))
    out.append("\n\n" + END)
    return "".join(out)


def _timed_hookspec(hook: Hook) -> str:
    """A hook a timer delivers: the entity as it is when the timer fires, its related snapshots, the timer."""
    snapshot = SNAPSHOT_TYPE[hook.entity]
    args = [f"{hook.argument}: {snapshot}", *(f"{name}: {RELATED_TYPE[name]}" for name in hook.related),
            "timer: TimerSnapshot", "ctx: HookContext"]
    params = [f":param {hook.argument}: The {hook.entity} as it is now: {_fields(MODELS[snapshot])}.",
              *(f":param {name}: {RELATED_TEXT[(hook.entity, name)].capitalize()}." for name in hook.related),
              f":param timer: The ``{hook.trigger}`` timer that came due: rule, entity, ref, due_at.",
              f":param ctx: {CTX}"]
    doc = [hook.when, "", f"Delivered when the ``{hook.trigger}`` timer comes due, from the outbox, at least once per "
           "plugin; implement as ``async def``.", "", *params, "", f"May emit: {_replies_text(hook)}."]
    return f"\n\n@hookspec\ndef {hook.name}({', '.join(args)}) -> None:\n" + '    """' + _wrap(doc) + '\n    """\n'


def _wrap(lines: list[str], width: int = 108) -> str:
    out: list[str] = []
    for i, line in enumerate(lines):
        indent = "" if i == 0 else "    "
        if not line:
            out.append("")
            continue
        words, current = line.split(), indent
        for word in words:
            if len(current) + len(word) + 1 > width and current.strip():
                out.append(current.rstrip())
                current = "    " + ("    " if line.startswith(":param") else "")
            current += word + " "
        out.append(current.rstrip())
    return "\n".join(out)


def hookspecs_text() -> str:
    text = HOOKSPECS.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + hookspec_source().removeprefix("\n\n") + text[end:]


# --- docs/hooks.md --------------------------------------------------------------------------

_RANDOM_REF = re.compile(r"\b([A-Z]{2})-[0-9A-F]{10}\b")


def _normalise(payload: Any) -> Any:
    """Generated references vary per run; the docs show them as ``XX-0000000000``. Keys starting with ``_``
    are the outbox's own bookkeeping, never passed to a hook."""
    payload = {k: v for k, v in payload.items() if not k.startswith("_")}
    return json.loads(_RANDOM_REF.sub(lambda m: f"{m.group(1)}-0000000000", json.dumps(payload, ensure_ascii=False)))


def _signature(name: str, argnames: tuple[str, ...]) -> str:
    return f"### `{name}({', '.join(argnames)})`"


def _example(payloads: dict[str, dict[str, Any]], name: str) -> list[str]:
    payload = payloads.get(name)
    if payload is None:
        return ["_No example: the tour does not reach this hook._", ""]
    text = json.dumps(_normalise(payload), ensure_ascii=False, indent=2, sort_keys=True)
    return ["<details><summary>Example payload (produced by the core on the docs tour)</summary>", "",
            "```json", text, "```", "", "</details>", ""]


def hooks_markdown(payloads: dict[str, dict[str, Any]], other_hooks: list[tuple[str, tuple[str, ...], str]]) -> str:
    out = ["# Hooks", "",
           "Every hook the hub calls, with its exact signature. Generated by `python -m hub.core.docgen` from the",
           "event catalogue (`hub/core/catalogue.py`) and the hookspecs (`hub/core/hookspecs.py`);",
           "`tests/core/test_catalogue.py` fails when this file, the hookspecs or the catalogue drift apart.", "",
           "Lifecycle hooks (`hub_<entity>_<state>`, customers `hub_customer_<event>`) and the anomaly and time-rule",
           "hooks are delivered from the durable outbox after the change committed: at least once per plugin, with",
           "`ctx.idempotency_key` stable across attempts. Implement them as `async def`; raise `TransientError` to be",
           "retried with backoff, `PermanentError` to dead-letter this plugin's delivery only, `Deferred(until)` to",
           "hold it. A plugin may leave out arguments it does not use. Report decisions back with",
           "`ctx.emit(entity, ref, event, **data)`: only the replies a hook lists are accepted, their data is",
           "checked against the event's model at once, and they are applied in the transaction that ends the",
           "delivery. Plugins import everything they need from `hub` (see `hub/__init__.py`).", ""]
    sections = {"order": "Orders", "shipment": "Shipments", "claim": "Claims", "return": "Returns",
                "customer": "Customers", "store": "Stores",
                "complaint": "Complaints", "repair_batch": "Repair batches"}
    for entity, title in sections.items():
        out += [f"## {title}", ""]
        for hook in (h for h in LIFECYCLE_HOOKS.values() if h.entity == entity):
            out += [_signature(hook.name, hook.argnames), "", hook.when, "",
                    f"- **Fired by:** {_fired_text(hook).replace('``', '`')}.",
                    f"- **`{hook.argument}`:** `{SNAPSHOT_TYPE[entity]}`.",
                    *[f"- **`{name}`:** `{RELATED_TYPE[name]}`, {RELATED_TEXT[(entity, name)]}." for name in hook.related],
                    f"- **`transition.data`:** {', '.join(f'`{f}`' for f in data_fields(hook)) or '`note`'}.",
                    f"- **May emit:** {_replies_text(hook).replace('``', '`')}.", "",
                    *_example(payloads, hook.name)]
    out += ["## Anomalies, time rules, webhooks, carriers and the process", ""]
    for name, argnames, doc in other_hooks:
        out += [_signature(name, argnames), "", doc.strip(), "", *_example(payloads, name)]
    out += ["## Snapshots", "", "The fields of each snapshot a hook receives (frozen pydantic models, from `hub`).", ""]
    for type_name, model in MODELS.items():
        out += [f"- **{type_name}:** {', '.join(f'`{f}`' for f in model.model_fields)}."]
    return "\n".join(out).rstrip() + "\n"


def _other_hooks() -> list[tuple[str, tuple[str, ...], str]]:
    import inspect

    import pluggy

    from hub.core import hookspecs
    pm = pluggy.PluginManager("hub")
    pm.add_hookspecs(hookspecs)
    out = []
    for name in sorted(n for n in vars(pm.hook) if n.startswith("hub_") and n not in LIFECYCLE_HOOKS):
        spec = getattr(hookspecs, name)
        out.append((name, tuple(getattr(pm.hook, name).spec.argnames), inspect.getdoc(spec) or ""))
    order = {"hub_shipment_flagged": 0, "hub_case_opened": 1, "hub_sla_breached": 2}
    return sorted(out, key=lambda item: (order.get(item[0], 9), item[0]))


# --- docs/domain.md: the generated tables ------------------------------------------------------

DOMAIN_BEGIN = "<!-- generated from the event catalogue by `python -m hub.core.docgen`: do not edit below -->\n"


def domain_tables() -> str:
    out = [DOMAIN_BEGIN, "## The lifecycles, event by event", "",
           "Each table lists an entity's events: the states that accept it, where it leads (a guard decides when "
           "there are several), who sends it and what it means. `GET /api/events` and `hub events` give the same, "
           "with each event's data schema and an example.", ""]
    for entity, lc in LIFECYCLES.items():
        out += [f"### {entity.replace('_', ' ').capitalize()}", "",
                f"States: {', '.join(f'`{s}`' for s in lc.states)}. Starts `{lc.initial}`; final: "
                f"{', '.join(f'`{s}`' for s in sorted(lc.terminal)) or 'none'}.", "",
                "| Event | Accepted in → leads to | Data | Sent by | Roles (API) | Meaning |",
                "|---|---|---|---|---|---|"]
        for spec in lc.declared.values():
            if len(spec.sources) == len(lc.states):
                moves = "any state → stays"
            else:
                moves = "; ".join(f"{s} → {' / '.join(spec.targets(s))}" for s in spec.sources)
            fields = ", ".join(f"`{f}`" for f in spec.data.model_fields if f != "note") or "—"
            who = ", ".join(roles_for(entity, spec.name)) if "api" in spec.sent_by else "—"
            out.append(f"| `{spec.name}` | {moves} | {fields} | {', '.join(spec.sent_by)} | {who} | {spec.meaning} |")
        out.append("")
    from hub.core.domain.timers import RULES
    out += ["## Time rules", "", "Every limit runs from entering a start state; reaching an end state or event stops it, "
            "otherwise it breaches once (`hub_sla_breached`) or, for a window, sends its event.", "",
            "| Rule | Entity | Limit | Starts on | Ends on | Escalates to |", "|---|---|---|---|---|---|"]
    for rule in RULES:
        starts = sorted(rule.start_states) + [f"event {e}" for e in sorted(rule.start_events)]
        out.append(f"| `{rule.name}` | {rule.entity} | {_limit(rule)} | {', '.join(starts) or '—'} | "
                   f"{', '.join(sorted(set(rule.stop_states) | set(rule.stop_events))) or '—'}"
                   f"{_then(rule)} | {rule.escalate_to or '—'} |")
    return "\n".join(out).rstrip() + "\n"


def _then(rule: Any) -> str:
    if rule.on_due == "breach":
        return ""
    if rule.on_due == "hook":
        again = f", again every {_duration(rule.every)}" if rule.every else ""
        return f" (then `{rule.hook}`{again})"
    return f" (then {rule.on_due})"


def _duration(delta: Any) -> str:
    hours = delta.total_seconds() / 3600
    if hours < 1:
        return f"{delta.total_seconds() / 60:g} min"
    if hours < 24:
        return f"{hours:g} h"
    return f"{hours / 24:g} days"


def _limit(rule: Any) -> str:
    if rule.monthly:
        return "the 1st of the next month, 00:00 local"
    if rule.next_day_at is not None:
        return f"the next day, {rule.next_day_at:%H:%M} local"
    if rule.deadline is not None:
        return "the date it carries (18:00 local)"
    try:
        text = _duration(rule.limit({}))
    except KeyError:  # depends on the entity: the claim's insured flag is the only such rule
        text = f"{_duration(rule.limit({'insured': False}))} (insured: {_duration(rule.limit({'insured': True}))})"
    return text + (" (working days)" if rule.working_days else "")


def domain_text() -> str:
    text = DOMAIN_MD.read_text()
    return text[:text.index(DOMAIN_BEGIN)] + domain_tables()


# --- entry point ------------------------------------------------------------------------------

def rendered() -> dict[Path, str]:
    from hub.core.tour import tour_payloads
    payloads = asyncio.run(tour_payloads())
    return {HOOKSPECS: hookspecs_text(), HOOKS_MD: hooks_markdown(payloads, _other_hooks()), DOMAIN_MD: domain_text()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hub.core.docgen", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail when a generated file is out of step")
    args = parser.parse_args(argv)
    stale = []
    # The hookspecs first: the docs read the hooks the (new) hookspecs declare.
    if HOOKSPECS.read_text() != hookspecs_text():
        stale.append(HOOKSPECS)
        if not args.check:
            HOOKSPECS.write_text(hookspecs_text())
    if not args.check and stale:
        import subprocess  # the docs read the rewritten hookspecs: regenerate them in a fresh process
        return subprocess.call([sys.executable, "-m", "hub.core.docgen"])
    for path, text in rendered().items():
        if path.read_text() != text:
            stale.append(path)
            if not args.check:
                path.write_text(text)
    for path in stale:
        print(f"{'out of step' if args.check else 'rewrote'}: {path.relative_to(ROOT)}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
