"""The ``repair-batches`` command (003): the week's repair units sent to the factories, listed with filters,
or one batch shown with its packing list, the factory's results, the cost split, timers and timeline."""
from __future__ import annotations

import argparse
from typing import Any

from hub.cli_entities import _entity_command, _entity_parser, _print_timers_and_timeline


def _batch_line(b: dict[str, Any]) -> str:
    lines = b["lines"] or []
    scrapped = sum(1 for line in lines if line.get("result") == "scrapped")
    sent = f"sent {b['sent_at']:%Y-%m-%d}" if b["sent_at"] else "not sent"
    extra = "  EXTRA: " + b["extra_batch_reason"] if b["extra_batch_reason"] else ""
    return (f"{b['ref']:<16} {b['state']:<9} {b['factory']:<20} week {b['week']} units {len(lines):<3} "
            f"scrapped {scrapped:<3} {sent}{extra}")


def _unit(line: dict[str, Any]) -> str:
    head = f"  {line['return_ref']:<14} serial {line['unit_serial'] or '-':<14} store {line['customer_code']:<10} "
    head += f"fault: {line['fault']}"
    if line.get("evidence"):
        head += f"  photos: {', '.join(line['evidence'])}"
    if line.get("result") == "scrapped":
        head += f"\n      scrapped: cause {line['cause']}, {line['payer']} pays {line['cost']}"
    elif line.get("result") == "repaired":
        swapped = f", replaced by {line['replacement_serial']}" if line.get("replacement_serial") else ""
        head += f"\n      repaired{swapped}"
    if line.get("discrepancies"):
        head += f"  CHECK: {', '.join(line['discrepancies'])}"
    return head


def _print_batch(b: dict[str, Any]) -> None:
    print(_batch_line(b))
    if b["carrier"]:
        print(f"  carrier {b['carrier']} tracking {b['tracking_number']}")
    for line in b["lines"] or []:
        print(_unit(line))
    if b["returned_at"]:
        print(f"  costs: supplier {b['supplier_cost']}, store {b['store_cost']}, head office {b['head_office_cost']}")
    _print_timers_and_timeline(b)


def cmd_repair_batches(args: argparse.Namespace) -> int:
    """Repair batches (003): ``list`` with filters, ``show REF`` with its list, results, costs and timeline."""
    return _entity_command(args, "repair_batch", {"factory": args.factory}, _batch_line, _print_batch)


def repair_batches_parser(sub: Any) -> None:
    from hub.core.lifecycle.repair_batch import RepairBatchState
    _entity_parser(sub, "repair-batches", "repair units sent to the factories each week (003): list them, show one",
                   "show: the batch's reference", RepairBatchState, cmd_repair_batches,
                   factory="only this factory's batches")
