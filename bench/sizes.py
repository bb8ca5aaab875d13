"""How big each scenario is: the full run (about 20 minutes on 2 cores) and ``--quick`` (seconds)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sizes:
    duration_s: float = 10.0  # each closed-loop load run (wrk -d)
    connections: int = 50
    single_s: float = 5.0  # the one-request-in-flight run, which also warms the server up
    pool: int = 250_000  # distinct signed webhooks per run (more than any run sends)
    drain_count: int = 100_000
    drain_timeout_s: float = 40.0  # a drain that has not emptied by then reports its rate so far
    drain_configs: tuple[tuple[str, str, int], ...] = (
        ("postgresql", "noop", 1), ("postgresql", "noop", 2), ("postgresql", "noop", 4),
        ("postgresql", "sink", 1), ("postgresql", "sink", 2), ("postgresql", "sink", 4),
        ("sqlite", "noop", 1), ("sqlite", "sink", 1))
    # inbox: stored order webhooks applied by one hub serve, or by hub worker processes (no serve)
    inbox_count: int = 50_000
    inbox_timeout_s: float = 45.0  # an inbox (and its deliveries) not done by then reports its rate so far
    inbox_configs: tuple[tuple[str, str, int], ...] = (
        ("sqlite", "serve", 1), ("postgresql", "serve", 1), ("postgresql", "worker", 1), ("postgresql", "worker", 2))
    burst_count: int = 10_000
    burst_rate: float = 1_000.0  # signed order webhooks per second, open loop
    burst_timeout_s: float = 60.0  # waiting, after the last acknowledgement, for every order applied and handed off
    burst_backends: tuple[str, ...] = ("sqlite", "postgresql")
    hung_count: int = 50_000  # stored order webhooks, per variant (with and without bench.hang)
    hung_timeout_s: float = 45.0
    hung_hang_timeout_s: float | None = None  # the variant with bench.hang, when it differs (None: the same)
    hung_call_timeout_s: float = 1.0  # [dispatch.timeouts] "bench.hang"
    e2e_shipments: int = 10_000
    e2e_rate: float = 250.0  # pushes per second, open loop
    e2e_timeout_s: float = 60.0  # waiting for notifications after the last push
    growth_rows: tuple[int, ...] = (1_000_000, 10_000_000)
    growth_load_budget_s: float = 240.0  # per backend: stop loading history past this, say so
    growth_drain: int = 20_000
    growth_drain_timeout_s: float = 25.0
    growth_single: bool = False  # also the one-in-flight run at each history size
    growth_backends: tuple[str, ...] = ("sqlite", "postgresql")
    peer_forward_timeout_s: float = 60.0
    memory_pending: int = 1_000_000
    memory_sample_s: float = 20.0
    node_red: str = "install"  # install (from npm, once) | skip
    e2e_backends: tuple[str, ...] = ("sqlite", "postgresql")
    backends: tuple[str, ...] = ("sqlite", "postgresql")
    scenarios: tuple[str, ...] = field(default=("ingest", "drain", "inbox", "burst", "hung", "e2e", "growth", "peer",
                                                "memory"))


FULL = Sizes()

QUICK = Sizes(
    duration_s=1.0, connections=8, single_s=1.0, pool=4_000, drain_count=200, drain_timeout_s=30.0,
    drain_configs=(("postgresql", "noop", 2), ("sqlite", "sink", 1)),
    e2e_shipments=30, e2e_rate=200.0, e2e_timeout_s=30.0, e2e_backends=("sqlite",), growth_rows=(300, 600),
    growth_load_budget_s=60.0, growth_drain=100, growth_drain_timeout_s=30.0, growth_backends=("sqlite",), peer_forward_timeout_s=30.0,
    memory_pending=2_000, memory_sample_s=1.0, node_red="skip",
    inbox_count=300, inbox_timeout_s=30.0, inbox_configs=(("sqlite", "serve", 1), ("postgresql", "worker", 2)),
    burst_count=300, burst_rate=300.0, burst_timeout_s=30.0,
    # The variant with bench.hang ends at its time limit when the hub lets a hung call hold the rest.
    hung_count=300, hung_timeout_s=30.0, hung_hang_timeout_s=10.0)
