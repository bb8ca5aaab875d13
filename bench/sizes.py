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
    scenarios: tuple[str, ...] = field(default=("ingest", "drain", "e2e", "growth", "peer", "memory"))


FULL = Sizes()

QUICK = Sizes(
    duration_s=1.0, connections=8, single_s=1.0, pool=4_000, drain_count=200, drain_timeout_s=30.0,
    drain_configs=(("postgresql", "noop", 2), ("sqlite", "sink", 1)),
    e2e_shipments=30, e2e_rate=200.0, e2e_timeout_s=30.0, e2e_backends=("sqlite",), growth_rows=(300, 600),
    growth_load_budget_s=20.0, growth_drain=100, growth_drain_timeout_s=30.0, growth_backends=("sqlite",), peer_forward_timeout_s=30.0,
    memory_pending=2_000, memory_sample_s=1.0, node_red="skip")
