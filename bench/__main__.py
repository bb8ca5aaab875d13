"""``python -m bench run [--quick] [--scenarios ingest,drain,inbox,burst,hung,e2e,growth,peer,memory] [--out FILE]``
and ``python -m bench profile {ingest,inbox,drain} [--backend sqlite|postgresql]``."""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from bench.runner import SCENARIOS, run_all
from bench.sizes import FULL, QUICK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("run", help="run the benchmark and write its JSON")
    cmd.add_argument("--quick", action="store_true", help="tiny numbers: a smoke run of seconds")
    cmd.add_argument("--scenarios", help=f"comma-separated subset of {','.join(SCENARIOS)}")
    cmd.add_argument("--backends", help="comma-separated subset of sqlite,postgresql")
    cmd.add_argument("--out", type=Path, help="the JSON file (default: bench/results/<time>.json)")
    cmd.add_argument("--python-load", action="store_true", help="use the Python generator even if wrk is there")
    cmd.add_argument("--keep", action="store_true", help="keep the work folder (logs, databases)")
    prof = sub.add_parser("profile", help="py-spy the hub under the ingest, inbox or drain load")
    prof.add_argument("what", choices=["ingest", "inbox", "drain"])
    prof.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args(argv)
    if args.command == "profile":
        from bench.profiling import main as profile
        return profile(args.what, args.backend)
    sizes = QUICK if args.quick else FULL
    if args.scenarios:
        names = tuple(s.strip() for s in args.scenarios.split(",") if s.strip())
        unknown = set(names) - set(SCENARIOS)
        if unknown:
            parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
        sizes = replace(sizes, scenarios=names)
    if args.backends:
        backends = tuple(b.strip() for b in args.backends.split(","))
        sizes = replace(sizes, backends=backends,
                        growth_backends=tuple(b for b in sizes.growth_backends if b in backends),
                        drain_configs=tuple(c for c in sizes.drain_configs if c[0] in backends))
    result = run_all(sizes, out=args.out, quick=args.quick, force_python=args.python_load, keep=args.keep)
    return 0 if not result["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
