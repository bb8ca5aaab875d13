"""Plugins the benchmark enables as ``bench.plugins.<name>:SPEC``: a no-op, an HTTP sink and one that hangs."""
