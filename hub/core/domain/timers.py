"""The time rules (docs/domain.md) as stored timers: started and stopped by transitions, fired once.

A timer either *breaches* (the hook ``hub_sla_breached`` goes to the plugins: escalate) or,
for windows that simply end, applies a lifecycle event (the inspection window closes the order).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from hub.core.business_days import DEFAULT_CALENDAR, BusinessCalendar
from hub.core.clock import as_utc
from hub.core.domain.lines import back_order_eta, undated_short_lines
from hub.core.domain import store_lists, vip
from hub.core.domain.tx import Tx
from hub.core.lifecycle.order import OrderState
from hub.core.store.tables import timers


@dataclass(frozen=True)
class TimerRule:
    name: str
    entity: str
    limit: Callable[[dict[str, Any]], timedelta]
    start_states: frozenset[str]
    stop_states: frozenset[str] = frozenset()
    stop_events: frozenset[str] = frozenset()
    on_due: str = "breach"  # "hook" (deliver ``hook``), or a lifecycle event applied to the entity
    escalate_to: str = "supervisor"
    working_days: bool = False
    condition: Callable[[dict[str, Any]], bool] = lambda row: True
    # Satisfied by what the entity now is, whatever event made it so (an order clarified in full).
    done_when: Callable[[dict[str, Any]], bool] | None = None
    recheck_events: frozenset[str] = frozenset()  # the events after which done_when is asked
    start_events: frozenset[str] = frozenset()  # events that start it without a state change
    # A limit that is a date the entity carries (a back order's ETA), rather than a span from now.
    deadline: Callable[[dict[str, Any]], date | datetime | None] | None = None
    hook: str | None = None  # on_due "hook": the hook delivered with the entity and the timer
    every: timedelta | None = None  # a hook timer asks again this often while the entity still qualifies
    next_day_at: time | None = None  # due the next calendar day at this local time (000: 第二日)
    once: bool = False  # at most one timer of the rule per entity, ever (one delivery note a shipment)
    # The moment the limit runs from, when it is not now (the carrier's delivery time).
    starts_from: Callable[[dict[str, Any]], datetime | None] | None = None
    survives_end: bool = False  # still runs after the entity ended (a delivered shipment's delivery note)
    monthly: bool = False  # due at 00:00 local on the 1st of the next month (004: the monthly VIP review)
    # An event timer's data, computed by the hub when the timer fires, from the timer row (the VIP review
    # measures the month's shipments); without it the event carries {"timer": <rule name>}.
    event_data: Callable[[Tx, Mapping[str, Any]], Awaitable[dict[str, Any]]] | None = None

    def qualifies(self, row: dict[str, Any], state: str) -> bool:
        """Whether the entity, as it is now, is still what the rule watches (a hook timer re-arms)."""
        return state in self.start_states and self.condition(row)


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
              on_due="inspection_window_elapsed", starts_from=lambda row: row.get("delivered_at")),
    # 004: claim documents back within 3 days. Every claim step's limit ends when the case goes to legal
    # (视情况转行政部交律师处理): the lawyers' pace is not customer service's to keep; closing ends them all.
    # ... all of them: one document does not end the limit (the rest is listed as missing)
    TimerRule("claim_documents", "claim", fixed(days=3), _fs("opened"), _fs("with_legal"),
              escalate_to="customer_service_manager", done_when=lambda row: not row.get("documents_missing"),
              recheck_events=_fs("documents_received")),
    # 004: the departments involved answer within 3 days
    TimerRule("claim_departments_answer", "claim", fixed(days=3), _fs("documents_received"),
              _fs("with_insurer", "negotiating", "with_legal"), escalate_to="customer_service_manager"),
    # 004: the customer files the insurer's forms within 1 day
    TimerRule("insurer_forms", "claim", fixed(days=1), _fs("with_insurer"), _fs("settlement_proposed", "with_legal"),
              _fs("insurer_forms_filed"), escalate_to="customer_service_manager"),
    # 004: no agreement on the amount within 2 weeks → finance is notified
    TimerRule("claim_agreement", "claim", fixed(weeks=2), _fs("negotiating"), _fs("settlement_proposed", "with_legal"),
              escalate_to="finance"),
    # 004: 出《理赔申请报告书》(后续1天): the claim report within a day of the amount; a rejection back to
    # negotiation ends it (the next amount starts a new one)
    TimerRule("claim_report", "claim", fixed(days=1), _fs("settlement_proposed"), _fs("negotiating", "with_legal"),
              _fs("report_issued"), escalate_to="customer_service_manager"),
    # 004: payment within 7 days of approval
    TimerRule("claim_payment", "claim", fixed(days=7), _fs("approved"), _fs("paid"), escalate_to="finance"),
    # 004: whole claim within 1 month, 2 months when insured. The limit is internal (指内部流程): a case handed
    # to legal leaves customer service's process, so it stops too rather than breach while the lawyers work.
    TimerRule("claim_total", "claim", lambda row: timedelta(days=61 if row["insured"] else 30),
              _fs("opened"), _fs("with_legal"), escalate_to="general_manager"),
    # 003 (淘宝客服售后流程): the agent looks the buyer's orders and conversations up and answers within 10
    # minutes of the enquiry (查询情况的时间不得超出10分钟)
    TimerRule("after_sales_lookup", "return", fixed(minutes=10), _fs("pending_review"),
              stop_events=_fs("looked_up", "replied", "approved", "rejected", "withdrawn"),
              escalate_to="customer_service_supervisor"),
    # 003 (电动机售后服务流程): an equipment fault gets its first answer, with the first analysis, within 4 hours
    TimerRule("after_sales_first_reply", "return", fixed(hours=4), _fs("pending_review"),
              stop_events=_fs("approved", "rejected", "replied", "withdrawn"), escalate_to="customer_service_manager",
              condition=lambda row: row["type"] == "repair"),
    # ... and, where service on site is needed, a technician there within 24 hours
    TimerRule("on_site_visit", "return", fixed(hours=24), _fs("pending_review"),
              stop_events=_fs("on_site_visited", "rejected", "withdrawn"), escalate_to="customer_service_manager",
              condition=lambda row: bool(row["details"].get("on_site"))),
    # 003 (服装售后服务工作流程): from the unit leaving the customer's hands to its return, 15 days at most
    TimerRule("repair_turnaround", "return", fixed(days=15), _fs("awaiting_return_receipt"),
              _fs("completed"), escalate_to="customer_service_manager",
              condition=lambda row: row["type"] == "repair"),
    # 004: delivered to the broker → follow customs clearance up; agent hand-off → confirm POD
    TimerRule("customs_follow_up", "shipment", fixed(days=2), _fs("customs"),
              _fs("in_transit", "out_for_delivery", "delivered"), escalate_to="courier_desk"),
    TimerRule("pod_follow_up", "shipment", fixed(days=2), _fs("handed_off"), _fs("delivered"),
              stop_events=_fs("pod_confirmed"), escalate_to="courier_desk"),
    # 000 (新开店): within 1 working day of store development's data, the start documents go to the customer
    TimerRule("store_documents", "store", fixed(days=1), _fs("received"), _fs("documents_sent"),
              escalate_to="sales_supervisor", working_days=True),
    # ... and the product list is prepared from the allocation requirements and stock, within the same day
    TimerRule("store_product_list", "store", fixed(days=1), _fs("received"), _fs("lists_prepared"),
              escalate_to="sales_supervisor", working_days=True),
    # ... then product and decor lists go to the customer for confirmation within 2 working days
    TimerRule("store_lists_to_customer", "store", fixed(days=2), _fs("lists_prepared"), _fs("lists_sent"),
              escalate_to="sales_supervisor", working_days=True),
    # ... the first shipment leaves on the shipping date agreed at confirmation (按期将货品发出)
    TimerRule("store_shipping_date", "store", fixed(days=0), _fs("confirmed"),
              _fs("back_orders_open", "fully_shipped"), escalate_to="sales_supervisor",
              deadline=store_lists.shipping_date),
    # ... and each back order on the date planning gave (到期需及时发出); re-armed as lines ship
    TimerRule("store_back_order_eta", "store", fixed(days=0), _fs("back_orders_open"), _fs("fully_shipped"),
              escalate_to="planning_supervisor", condition=lambda row: store_lists.back_order_due(row) is not None,
              deadline=store_lists.back_order_due),
    # 000 (收货后投诉): a shortage or damage complaint is investigated at once (立即) and the customer has the
    # reply (cause, responsibility, remedy) within 1 working day of receipt
    TimerRule("complaint_reply", "complaint", fixed(days=1), _fs("received"), _fs("answered"),
              escalate_to="customer_service_manager", working_days=True),
    # ... and the replenishment or exchange ships (a credit is settled) by the date the reply promised
    TimerRule("complaint_remedy", "complaint", fixed(days=0), _fs("answered"), _fs("remedy_shipped", "resolved"),
              escalate_to="sales_supervisor", condition=lambda row: row.get("promised_date") is not None,
              deadline=lambda row: row.get("promised_date")),
    # 003 (服装售后服务工作流程): a repair batch is back from the factory within 15 days of leaving, the whole
    # store-to-store turnaround (从专卖店寄出到返还的时间在15天之内) counted from the batch's sending
    TimerRule("repair_batch_turnaround", "repair_batch", fixed(days=15), _fs("sent"), _fs("returned"),
              escalate_to="after_sales_manager"),
    # 004 (根据每月客户走货量统计): a VIP is reviewed each month on the month's shipment volume; the hub counts it
    # when the month is over and records vip_reviewed, or asks sales to re-evaluate. Re-armed by each kept review.
    TimerRule("vip_review", "customer", fixed(days=0), _fs("vip"), _fs("regular", "under_reevaluation"),
              on_due="vip_review", escalate_to="", start_events=_fs("vip_reviewed"), monthly=True,
              event_data=vip.review_data),
)
# For rules that run only while an order stays in one state: every other state stops them.
_ORDER_STATES = frozenset(OrderState)


# Timers that deliver a hook to the plugins instead of escalating: asking the ERP for finance's
# decision, reminding a customer, sending the next day's delivery note.
TIMED_RULES = (
    # 000: 提请该订单在ERP中交财务审核: the ERP plugin reads finance's decision off its own document
    TimerRule("finance_check", "order", fixed(minutes=10), _fs("posted"), _ORDER_STATES - {"posted"},
              on_due="hook", hook="hub_order_finance_check", every=timedelta(minutes=10), escalate_to=""),
    # 002: the signed confirmation comes back the business day it went out (如当日未收到…回传); a
    # reminder each day it does not
    TimerRule("confirmation_return", "order", fixed(days=1), _fs("awaiting_confirmation"),
              _ORDER_STATES - {"awaiting_confirmation"}, on_due="hook", hook="hub_order_confirmation_overdue",
              every=timedelta(days=1), deadline=lambda row: row.get("confirmation_due_at"), escalate_to=""),
    # 000: 在货物发出的第二日 the delivery note (送货单) goes to the customer
    TimerRule("delivery_note", "shipment", fixed(days=1),
              _fs("booked", "in_transit", "customs", "handed_off", "out_for_delivery", "available_for_pickup",
                  "attempt_failed", "delivered"), _fs("cancelled"), on_due="hook",
              hook="hub_shipment_delivery_note_due", next_day_at=time(9), once=True, survives_end=True,
              escalate_to=""),
)
RULES = RULES + TIMED_RULES
RULES_BY_NAME = {rule.name: rule for rule in RULES}
SURVIVING = {entity: tuple(r.name for r in RULES if r.entity == entity and r.survives_end)
             for entity in {r.entity for r in RULES}}
WINDOW_EVENTS = {rule.on_due for rule in RULES if rule.on_due != "breach"}


def due_at(rule: TimerRule, row: dict[str, Any], now: datetime,
           calendar: BusinessCalendar = DEFAULT_CALENDAR) -> datetime:
    """Working-day limits count the business's working days in its time zone (``[calendar]``)."""
    if rule.deadline is not None and (day := rule.deadline(row)) is not None:
        if isinstance(day, datetime):  # the business day that moment falls on, in the business's zone
            day = day.astimezone(calendar.zone).date()
        due = calendar.end_of(day)
        # a rule that repeats is never due in the past: the first reminder comes at the next end of day
        return due if rule.every is None or due > now else calendar.end_of(now.astimezone(calendar.zone).date()
                                                                           + timedelta(days=1))
    if rule.monthly:
        return vip.start_of_next_month(now, calendar.zone)
    if rule.next_day_at is not None:
        day = now.astimezone(calendar.zone).date() + timedelta(days=1)
        return datetime.combine(day, rule.next_day_at, calendar.zone).astimezone(now.tzinfo or calendar.zone)
    limit = rule.limit(row)
    if rule.starts_from is not None and (start := rule.starts_from(row)) is not None:
        now = as_utc(start)
    return calendar.add_working_days(now, limit.days) if rule.working_days else now + limit


async def on_transition(tx: Tx, entity: str, row: dict[str, Any], event: str, state: str,
                        changed: bool, terminal: bool, order_ref: str | None, fresh: bool = False) -> None:
    """Start and stop the entity's timers after a transition (same transaction); ``fresh``: the
    entity was created in this unit, so no timer of it can be open yet."""
    ref = row["code"] if entity == "customer" else row["ref"]
    for rule in RULES:
        if rule.entity != entity:
            continue
        ends = terminal and not rule.survives_end
        if event in rule.stop_events or (changed and state in rule.stop_states) or ends:
            await _close(tx, entity, ref, rule.name, "satisfied" if not ends else "cancelled")
        elif event in rule.recheck_events and rule.done_when is not None and rule.done_when(row):
            await _close(tx, entity, ref, rule.name, "satisfied")
        elif ((changed and state in rule.start_states) or event in rule.start_events) and rule.condition(row):
            await start(tx, rule, entity, ref, row, order_ref, fresh=fresh)
    if terminal:  # windows that merely end (inspection) are done with the entity
        await _close(tx, entity, ref, None, "cancelled", keep=SURVIVING.get(entity, ()))


_OPEN_TIMER = sa.select(timers.c.id).where(
    timers.c.entity == sa.bindparam("entity"), timers.c.ref == sa.bindparam("ref"),
    timers.c.rule == sa.bindparam("rule"), timers.c.state == "open")
_ANY_TIMER = sa.select(timers.c.id).where(
    timers.c.entity == sa.bindparam("entity"), timers.c.ref == sa.bindparam("ref"),
    timers.c.rule == sa.bindparam("rule"))


async def start(tx: Tx, rule: TimerRule, entity: str, ref: str, row: dict[str, Any],
                order_ref: str | None, fresh: bool = False, due: datetime | None = None) -> None:
    """Open the rule's timer unless one is open already (stored, or buffered in this unit); a
    ``once`` rule unless it ever had one."""
    if tx.appends.timer_buffered(entity, ref, rule.name):
        return
    if rule.hook and not tx.router.implementers(rule.hook):
        return  # nobody listens: no timer to wait for, no rows every ten minutes
    if not fresh:
        found = await tx.conn.execute(_ANY_TIMER if rule.once else _OPEN_TIMER,
                                      {"entity": entity, "ref": ref, "rule": rule.name})
        if found.first() is not None:
            return
    tx.appends.add(timers, {"rule": rule.name, "entity": entity, "ref": ref, "order_ref": order_ref,
                            "due_at": due or due_at(rule, row, tx.now, tx.config.calendar.business_calendar),
                            "state": "open", "created_at": tx.now,
                            "closed_at": None})


async def _close(tx: Tx, entity: str, ref: str, rule: str | None, state: str, keep: tuple[str, ...] = ()) -> None:
    if tx.appends.timer_buffered(entity, ref):
        await tx.flush(timers)  # a timer opened earlier in this unit closes like a stored one
    cond = [timers.c.entity == entity, timers.c.ref == ref, timers.c.state == "open"]
    if rule:
        cond.append(timers.c.rule == rule)
    if keep:
        cond.append(timers.c.rule.not_in(keep))
    await tx.conn.execute(timers.update().where(*cond).values(state=state, closed_at=tx.now))
