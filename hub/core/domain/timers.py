"""The time rules (docs/domain.md) as stored timers: started and stopped by transitions, fired once.

A timer either *breaches* (the hook ``hub_sla_breached`` goes to the plugins: escalate) or,
for windows that simply end, applies a lifecycle event (the inspection window closes the order).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from hub.core.business_days import DEFAULT_CALENDAR, BusinessCalendar
from hub.core.domain.lines import back_order_eta, undated_short_lines
from hub.core.domain.tx import Tx
from hub.core.store.tables import timers


@dataclass(frozen=True)
class TimerRule:
    name: str
    entity: str
    limit: Callable[[dict[str, Any]], timedelta]
    start_states: frozenset[str]
    stop_states: frozenset[str] = frozenset()
    stop_events: frozenset[str] = frozenset()
    on_due: str = "breach"  # or a lifecycle event applied to the entity
    escalate_to: str = "supervisor"
    working_days: bool = False
    condition: Callable[[dict[str, Any]], bool] = lambda row: True
    # Satisfied by what the entity now is, whatever event made it so (an order clarified in full).
    done_when: Callable[[dict[str, Any]], bool] | None = None
    recheck_events: frozenset[str] = frozenset()  # the events after which done_when is asked
    start_events: frozenset[str] = frozenset()  # events that start it without a state change
    # A limit that is a date the entity carries (a back order's ETA), rather than a span from now.
    deadline: Callable[[dict[str, Any]], date | None] | None = None


def fixed(**delta: float) -> Callable[[dict[str, Any]], timedelta]:
    return lambda row: timedelta(**delta)


def _fs(*items: str) -> frozenset[str]:
    return frozenset(items)


RULES = (
    # 000: unclear points clarified with the customer within 4 hours
    # ... and the timer ends when the clarification makes the order complete, not at the review.
    TimerRule("clarify_order", "order", fixed(hours=4), _fs("received"), escalate_to="sales_supervisor",
              condition=lambda row: bool(row["missing_fields"]), done_when=lambda row: not row["missing_fields"],
              recheck_events=_fs("clarified")),
    # 000: a short line needs the date planning can supply it; a review without one stays with planning
    TimerRule("planning_date", "order", fixed(days=1), _fs(), _fs("price_escalated", "reviewed"),
              escalate_to="planning_supervisor", working_days=True, start_events=_fs("reviewed"),
              condition=lambda row: bool(undated_short_lines(row["lines"]))),
    # 000: a back order is watched to its ETA: planning says it is ready (back_order_ready) by then
    TimerRule("back_order_eta", "order", fixed(days=0), _fs("released"), _fs("delivered"),
              escalate_to="planning_supervisor", start_events=_fs("back_order_ready"),
              condition=lambda row: back_order_eta(row["lines"]) is not None,
              done_when=lambda row: back_order_eta(row["lines"]) is None, recheck_events=_fs("back_order_ready"),
              deadline=lambda row: back_order_eta(row["lines"])),
    # 000: the reviewed confirmation goes out within 1 working day of intake
    TimerRule("send_confirmation", "order", fixed(days=1), _fs("received"), _fs("awaiting_confirmation"),
              escalate_to="sales_supervisor", working_days=True),
    # 001: follow-up call within 3 days of shipping
    TimerRule("shipping_follow_up", "order", fixed(days=3), _fs("shipped"), _fs(), _fs("followed_up"),
              escalate_to="customer_service_manager"),
    # 000: the customer inspects within 3 days of receipt; then the order may close
    TimerRule("inspection_window", "order", fixed(days=3), _fs("delivered"),
              on_due="inspection_window_elapsed"),
    # 004: claim documents back within 3 days
    TimerRule("claim_documents", "claim", fixed(days=3), _fs("opened"), _fs("documents_received"),
              escalate_to="customer_service_manager"),
    # 004: the departments involved answer within 3 days
    TimerRule("claim_departments_answer", "claim", fixed(days=3), _fs("documents_received"),
              _fs("with_insurer", "negotiating"), escalate_to="customer_service_manager"),
    # 004: the customer files the insurer's forms within 1 day
    TimerRule("insurer_forms", "claim", fixed(days=1), _fs("with_insurer"), _fs("settlement_proposed"),
              _fs("insurer_forms_filed"), escalate_to="customer_service_manager"),
    # 004: no agreement on the amount within 2 weeks → finance is notified
    TimerRule("claim_agreement", "claim", fixed(weeks=2), _fs("negotiating"), _fs("settlement_proposed"),
              escalate_to="finance"),
    # 004: payment within 7 days of approval
    TimerRule("claim_payment", "claim", fixed(days=7), _fs("approved"), _fs("paid"), escalate_to="finance"),
    # 004: whole claim within 1 month, 2 months when insured
    TimerRule("claim_total", "claim", lambda row: timedelta(days=61 if row["insured"] else 30),
              _fs("opened"), escalate_to="general_manager"),
    # 003: first reply to an after-sales request (equipment fault) within 4 hours
    TimerRule("after_sales_first_reply", "return", fixed(hours=4), _fs("pending_review"),
              stop_events=_fs("approved", "rejected", "replied"), escalate_to="customer_service_manager"),
    # 003: on-site service for an equipment fault within 24 hours
    TimerRule("on_site_visit", "return", fixed(hours=24), _fs("pending_review"),
              stop_events=_fs("on_site_visited"), escalate_to="customer_service_manager",
              condition=lambda row: bool(row["details"].get("on_site"))),
    # 003: repair turnaround store to store within 15 days
    TimerRule("repair_turnaround", "return", fixed(days=15), _fs("awaiting_customer_shipment"),
              _fs("completed"), escalate_to="customer_service_manager",
              condition=lambda row: row["type"] == "repair"),
    # 004: delivered to the broker → follow customs clearance up; agent hand-off → confirm POD
    TimerRule("customs_follow_up", "shipment", fixed(days=2), _fs("customs"),
              _fs("in_transit", "out_for_delivery", "delivered"), escalate_to="courier_desk"),
    TimerRule("pod_follow_up", "shipment", fixed(days=2), _fs("handed_off"), _fs("delivered"),
              stop_events=_fs("pod_confirmed"), escalate_to="courier_desk"),
)
RULES_BY_NAME = {rule.name: rule for rule in RULES}
WINDOW_EVENTS = {rule.on_due for rule in RULES if rule.on_due != "breach"}


def due_at(rule: TimerRule, row: dict[str, Any], now: datetime,
           calendar: BusinessCalendar = DEFAULT_CALENDAR) -> datetime:
    """Working-day limits count the business's working days in its time zone (``[calendar]``)."""
    if rule.deadline is not None and (day := rule.deadline(row)) is not None:
        return calendar.end_of(day)
    limit = rule.limit(row)
    return calendar.add_working_days(now, limit.days) if rule.working_days else now + limit


async def on_transition(tx: Tx, entity: str, row: dict[str, Any], event: str, state: str,
                        changed: bool, terminal: bool, order_ref: str | None, fresh: bool = False) -> None:
    """Start and stop the entity's timers after a transition (same transaction); ``fresh``: the
    entity was created in this unit, so no timer of it can be open yet."""
    ref = row["code"] if entity == "customer" else row["ref"]
    for rule in RULES:
        if rule.entity != entity:
            continue
        if event in rule.stop_events or (changed and state in rule.stop_states) or terminal:
            await _close(tx, entity, ref, rule.name, "satisfied" if not terminal else "cancelled")
        elif event in rule.recheck_events and rule.done_when is not None and rule.done_when(row):
            await _close(tx, entity, ref, rule.name, "satisfied")
        elif ((changed and state in rule.start_states) or event in rule.start_events) and rule.condition(row):
            await start(tx, rule, entity, ref, row, order_ref, fresh=fresh)
    if terminal:  # windows that merely end (inspection) are done with the entity
        await _close(tx, entity, ref, None, "cancelled")


_OPEN_TIMER = sa.select(timers.c.id).where(
    timers.c.entity == sa.bindparam("entity"), timers.c.ref == sa.bindparam("ref"),
    timers.c.rule == sa.bindparam("rule"), timers.c.state == "open")


async def start(tx: Tx, rule: TimerRule, entity: str, ref: str, row: dict[str, Any],
                order_ref: str | None, fresh: bool = False) -> None:
    """Open the rule's timer unless one is open already (stored, or buffered in this unit)."""
    if tx.appends.timer_buffered(entity, ref, rule.name):
        return
    if not fresh:
        found = await tx.conn.execute(_OPEN_TIMER, {"entity": entity, "ref": ref, "rule": rule.name})
        if found.first() is not None:
            return
    tx.appends.add(timers, {"rule": rule.name, "entity": entity, "ref": ref, "order_ref": order_ref,
                            "due_at": due_at(rule, row, tx.now, tx.config.calendar.business_calendar), "state": "open", "created_at": tx.now,
                            "closed_at": None})


async def _close(tx: Tx, entity: str, ref: str, rule: str | None, state: str) -> None:
    if tx.appends.timer_buffered(entity, ref):
        await tx.flush(timers)  # a timer opened earlier in this unit closes like a stored one
    cond = [timers.c.entity == entity, timers.c.ref == ref, timers.c.state == "open"]
    if rule:
        cond.append(timers.c.rule == rule)
    await tx.conn.execute(timers.update().where(*cond).values(state=state, closed_at=tx.now))
