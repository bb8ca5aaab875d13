"""The factory's results checked against a repair batch's list, and the scrap costs split by who pays. Pure.

Every unit of the list gets exactly one result (串号核对 per unit: nothing lost, nothing added). What testing
a unit on return finds (试机, 串号核对, 防伪贴) is recorded on its line as discrepancies, not refused: the unit
is back either way, and the after-sales department acts on what the list shows.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from hub.core.errors import InvalidInput
from hub.core.lifecycle.repair_batch import PAYER, PAYERS
from hub.core.models import RepairBatchLine

CENT = Decimal("0.01")


def _problem(field: str, message: str) -> dict[str, Any]:
    return {"field": field, "message": message}


def result_problems(ref: str, lines: list[dict[str, Any]], results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What is wrong with ``results`` for the batch's ``lines``: units unknown, twice or missing, serials unread."""
    by_ref = {line["return_ref"]: line for line in lines}
    problems, seen = [], set()
    for i, result in enumerate(results):
        at, unit = f"data.results.{i}", result["return_ref"]
        if unit not in by_ref:
            problems.append(_problem(f"{at}.return_ref", f"{unit} is not in batch {ref}; its units are "
                                                         f"{', '.join(by_ref)}"))
            continue
        if unit in seen:
            problems.append(_problem(f"{at}.return_ref", f"{unit} is given twice: one result per unit"))
            continue
        seen.add(unit)
        expected = result.get("replacement_serial") or by_ref[unit].get("unit_serial")
        if result["result"] == "repaired" and expected and not result.get("serial_read"):
            which = (f"came back as replacement {expected}" if result.get("replacement_serial")
                     else f"went with serial {expected}")
            problems.append(_problem(f"{at}.serial_read", f"{unit} {which}: read the serial of the unit that "
                                                          "came back (串号核对)"))
    missing = [unit for unit in by_ref if unit not in seen]
    if missing:
        problems.append(_problem("data.results", f"no result for {', '.join(missing)}: every unit of batch {ref} "
                                                 "exactly once"))
    return problems


def check_results(ref: str, lines: list[dict[str, Any]], results: list[dict[str, Any]]) -> None:
    """422 naming every problem at once (the first one's field on the error)."""
    problems = result_problems(ref, lines, results)
    if problems:
        message = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        raise InvalidInput(message, field=problems[0]["field"], errors=problems)


def discrepancies(line: dict[str, Any], result: dict[str, Any]) -> list[str]:
    """What testing the returned unit found that the list should show."""
    found = []
    if result.get("fault_resolved") is False:
        found.append("fault_persists")
    expected = result.get("replacement_serial") or line.get("unit_serial")
    if result.get("serial_read") and expected and result["serial_read"] != expected:
        found.append("serial_mismatch")
    if result.get("seal_intact") is False:
        found.append("seal_broken")
    return found


def with_results(lines: list[dict[str, Any]], results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The list with each unit's result on its line (checked first: one result per line)."""
    by_ref = {result["return_ref"]: result for result in results}
    out = []
    for line in lines:
        result = by_ref[line["return_ref"]]
        cause = result.get("cause")
        out.append(RepairBatchLine.model_validate({
            **line, "result": result["result"], "cause": cause, "payer": PAYER[cause] if cause else None,
            "cost": None if result.get("cost") is None else Decimal(str(result["cost"])).quantize(CENT),
            "replacement_serial": result.get("replacement_serial"),
            "serial_read": result.get("serial_read"), "fault_resolved": result.get("fault_resolved"),
            "seal_intact": result.get("seal_intact"), "discrepancies": discrepancies(line, result),
            "result_note": result.get("note")}).model_dump(mode="json"))
    return out


def cost_split(lines: list[dict[str, Any]]) -> dict[str, Decimal]:
    """The scrapped units' costs by who pays (报废品…各自承担相应费用; undetermined: 由总公司承担)."""
    totals = {payer: Decimal(0).quantize(CENT) for payer in PAYERS}
    for line in lines:
        if line.get("result") == "scrapped" and line.get("payer"):
            totals[line["payer"]] += Decimal(str(line.get("cost") or 0))
    return totals
