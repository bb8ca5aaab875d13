"""The ``stores`` and ``complaints`` commands (000): list the entities of one kind with filters, or show one
with its lists, timers and timeline; ``--json`` prints what the query returned."""
from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any

from hub.cli import on_database


def _entity_command(args: argparse.Namespace, kind: str, filters: dict[str, Any],
                    line: Callable[[dict[str, Any]], str], detail: Callable[[dict[str, Any]], None]) -> int:
    """``list`` the ``kind`` entities matching ``filters`` (one ``line`` a row) or ``show`` ``args.ref`` (its
    ``detail``), on the configured database brought up to date first."""
    from hub.core import queries

    async def work(engine: Any) -> Any:
        async with engine.connect() as conn:
            if args.action == "list":
                return await queries.list_entities(conn, kind, state=args.state, limit=args.limit, **filters)
            return await queries.entity_view(conn, kind, args.ref)

    result = on_database(args, work)
    if args.json:
        print(json.dumps(result, indent=2, default=str, ensure_ascii=False))
    elif args.action == "list":
        for row in result:
            print(line(row))
    else:
        detail(result)
    return 0


def _entity_parser(sub: Any, name: str, help: str, ref_help: str, states: Iterable[Enum],
                   func: Callable[[argparse.Namespace], int], **filters: str) -> None:
    """The ``name`` command: ``list`` (``--state``, one option a filter of ``filters``, ``--limit``) or
    ``show REF``, with ``--json``."""
    command = sub.add_parser(name, help=help)
    command.add_argument("action", choices=["list", "show"])
    command.add_argument("ref", nargs="?", help=ref_help)
    command.add_argument("--state", choices=[s.value for s in states])
    for option, option_help in filters.items():
        command.add_argument(f"--{option}", help=option_help)
    command.add_argument("--limit", type=int, default=100)
    command.add_argument("--json", action="store_true")
    command.set_defaults(func=func)


def _print_timers_and_timeline(entity: dict[str, Any]) -> None:
    for timer in entity["open_timers"]:
        print(f"  timer {timer['rule']} due {timer['due_at']:%Y-%m-%d %H:%M} UTC")
    for entry in entity["timeline"]:
        print(f"  {entry['at']:%Y-%m-%d %H:%M} {entry['event']:<22} {entry['previous'] or '-'} -> {entry['state']}"
              f"  by {entry['actor']}")


def _store_line(s: dict[str, Any]) -> str:
    data = s["data"] or {}
    owed = sum(1 for line in data.get("back_orders", ()) if not line.get("shipped_at"))
    return (f"{s['ref']:<16} {s['state']:<17} customer {s['customer_code']:<12} order {s['order_ref'] or '-':<12} "
            f"ship {data.get('shipping_date') or '-':<10} back orders owed {owed}")


def _print_store(s: dict[str, Any]) -> None:
    data = s["data"] or {}
    print(_store_line(s))
    intake = data.get("intake", {})
    print(f"  {intake.get('name') or '-'}, {intake.get('address') or '-'} (from {intake.get('developer') or '-'})")
    print(f"  documents sent: {', '.join(data.get('documents_sent', ())) or '-'}")
    for title, key in (("products", "product_lines"), ("decor", "decor_items"), ("image items", "image_items")):
        items = ", ".join(f"{i['code']} x {i['qty']}" for i in data.get(key, ()))
        print(f"  {title}: {items or '-'}")
    for line in data.get("back_orders", ()):
        done = f"shipped {line['shipped_at'][:10]}" if line.get("shipped_at") else "owed"
        print(f"  back order {line['line_no']}: {line['kind']} {line['code']} x {line['qty']} eta {line['eta']} ({done})")
    _print_timers_and_timeline(s)


def cmd_stores(args: argparse.Namespace) -> int:
    """New stores being set up (000): ``list`` with filters, ``show REF`` with lists, timers and timeline."""
    return _entity_command(args, "store", {"customer": args.customer}, _store_line, _print_store)


def stores_parser(sub: Any) -> None:
    from hub.core.lifecycle.store import StoreState
    _entity_parser(sub, "stores", "new stores being set up (000): list them, show one",
                   "show: the store's reference", StoreState, cmd_stores, customer="customer code")


def _complaint_line(c: dict[str, Any]) -> str:
    late = " LATE" if c["late"] else ""
    lines = ", ".join(f"line {k} x {v}" for k, v in (c["lines"] or {}).items())
    return (f"{c['ref']:<16} {c['state']:<15} order {c['order_ref']:<14} {c['kind']:<12} via {c['channel']:<6} "
            f"remedy {c['remedy'] or '-':<10} due {c['promised_date'] or '-'}{late}  {lines}")


def _print_complaint(c: dict[str, Any]) -> None:
    data = c["data"] or {}
    print(_complaint_line(c))
    print(f"  {c['description']}")
    if c["shipment_ref"]:
        print(f"  shipment complained of: {c['shipment_ref']}")
    print(f"  inspection window ended: {data.get('window_ends_at') or '-'}")
    if answer := data.get("answer"):
        who = answer.get("responsibility") or {}
        print(f"  cause: {answer.get('cause')}")
        print(f"  responsibility: {who.get('party')} {who.get('department') or ''} {who.get('person') or ''}"
              f"{'; sanction: ' + who['sanction'] if who.get('sanction') else ''}")
        print(f"  remedy: {answer.get('remedy')}: {answer.get('plan')}")
    if c["remedy_shipment_ref"]:
        print(f"  remedy shipped in: {c['remedy_shipment_ref']}")
    _print_timers_and_timeline(c)


def cmd_complaints(args: argparse.Namespace) -> int:
    """Complaints after delivery (000): ``list`` with filters, ``show REF`` with the answer, timers and timeline."""
    return _entity_command(args, "complaint", {"order_ref": args.order}, _complaint_line, _print_complaint)


def complaints_parser(sub: Any) -> None:
    from hub.core.lifecycle.complaint import ComplaintState
    _entity_parser(sub, "complaints", "complaints after delivery (000): list them, show one",
                   "show: the complaint's reference", ComplaintState, cmd_complaints,
                   order="only this order's complaints")
