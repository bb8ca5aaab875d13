"""Prometheus metrics, one registry per app: counters kept in-process, queue figures read on scrape."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.core.clock import as_utc
from hub.core.degraded import reasons
from hub.core.store.tables import circuits, deliveries, inbound_events, timers

LIVE_STATES = ("pending", "failed", "running", "dead")
METHODS = frozenset(("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"))
# Only the states with a partial index: each count reads its index, not the processed history.
INBOUND_STATES = ("pending", "failed")


def _inbound_count(state: str) -> sa.ScalarSelect:
    # The state inline, not bound: a generic PostgreSQL plan cannot match a partial index to $1.
    return (sa.select(sa.func.count()).select_from(inbound_events)
            .where(inbound_events.c.state == sa.literal(state, literal_execute=True)).scalar_subquery())


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        # labels() costs a lock and a lookup per call: the children are kept here.
        self._webhook_children: dict[tuple[str, str], Any] = {}
        self._latency_children: dict[tuple[str, str], Any] = {}
        r = self.registry
        self.webhooks = Counter("hub_webhooks_received", "Inbound webhook requests by source and outcome.",
                                ["source", "outcome"], registry=r)
        self.latency = Histogram("hub_http_request_duration_seconds", "Request latency by route.",
                                 ["method", "route"], registry=r,
                                 buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5))
        self.handoffs = Gauge("hub_handoffs", "Unfinished and dead handoffs (outbox deliveries) by plugin and "
                              "state.", ["plugin", "state"], registry=r)
        self.queue_depth = Gauge("hub_handoff_queue_depth", "Handoffs waiting to run (pending or failed).",
                                 registry=r)
        self.oldest_age = Gauge("hub_handoff_oldest_pending_age_seconds",
                                "Age of the oldest handoff waiting to run; 0 when none waits.", registry=r)
        self.dead = Gauge("hub_handoffs_dead", "Dead-lettered handoffs awaiting ops.", registry=r)
        self.timers = Gauge("hub_timers", "Time-rule timers by state (open, breached).", ["state"], registry=r)
        self.circuit_open = Gauge("hub_plugin_circuit_open", "1 while a plugin's circuit is open or half-open: "
                                  "its handoffs wait.", ["plugin"], registry=r)
        self.degraded = Gauge("hub_degraded", "1 while the hub runs degraded (/readyz says why): an open circuit, "
                              "dead letters, webhooks that could not be applied.", registry=r)
        self.inbound_pending = Gauge("hub_inbound_pending", "Stored webhooks not yet processed.", registry=r)
        self.inbound = Gauge("hub_inbound_events", "Stored webhooks waiting (pending) or kept for ops (failed).",
                             ["state"], registry=r)

    def webhook(self, source: str, outcome: str) -> None:
        key = (source, outcome)
        child = self._webhook_children.get(key)
        if child is None:
            child = self._webhook_children[key] = self.webhooks.labels(*key)
        child.inc()

    def observe(self, method: str, route: str, seconds: float) -> None:
        key = (method if method in METHODS else "other", route)
        child = self._latency_children.get(key)
        if child is None:
            child = self._latency_children[key] = self.latency.labels(*key)
        child.observe(seconds)

    async def refresh(self, engine: AsyncEngine, now: datetime) -> None:
        """Read the queue figures from the database, so every worker process's work counts."""
        async with engine.connect() as conn:
            # Unfinished and dead handoffs only: finished ones are history, and counting them
            # would scan every row ever delivered on each scrape.
            by_state = (await conn.execute(sa.select(deliveries.c.plugin, deliveries.c.state, sa.func.count())
                                           .where(deliveries.c.state.in_(LIVE_STATES))
                                           .group_by(deliveries.c.plugin, deliveries.c.state))).all()
            open_circuits = (await conn.execute(sa.select(circuits.c.plugin, circuits.c.state))).all()
            waiting = deliveries.c.state.in_(("pending", "failed"))
            oldest = (await conn.execute(sa.select(sa.func.min(deliveries.c.created_at)).where(waiting))).scalar()
            timer_counts = dict((await conn.execute(sa.select(timers.c.state, sa.func.count())
                                                    .where(timers.c.state.in_(("open", "breached")))
                                                    .group_by(timers.c.state))).all())
            inbound = dict(zip(INBOUND_STATES, (await conn.execute(sa.select(
                *(_inbound_count(state) for state in INBOUND_STATES)))).one(), strict=True))
        self.handoffs.clear()
        for plugin, state, n in by_state:
            self.handoffs.labels(plugin, state).set(n)
        self.queue_depth.set(sum(n for _, state, n in by_state if state in ("pending", "failed")))
        dead = sum(n for _, state, n in by_state if state == "dead")
        self.dead.set(dead)
        self.oldest_age.set(max(0.0, (now - as_utc(oldest)).total_seconds()) if oldest else 0.0)
        for state in ("open", "breached"):
            self.timers.labels(state).set(timer_counts.get(state, 0))
        self.circuit_open.clear()
        for plugin, state in open_circuits:
            self.circuit_open.labels(plugin).set(0 if state == "closed" else 1)
        circuits_open = {plugin: state for plugin, state in open_circuits if state != "closed"}
        self.degraded.set(int(bool(reasons(circuits_open, dead, inbound["failed"]))))  # /readyz's rule
        self.inbound_pending.set(inbound["pending"])
        for state, n in inbound.items():
            self.inbound.labels(state).set(n)

    def render(self) -> bytes:
        return generate_latest(self.registry)


def route_of(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


def content_type() -> str:
    return CONTENT_TYPE_LATEST
