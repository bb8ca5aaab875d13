"""Plugins the benchmark enables as ``bench.plugins.<name>:SPEC``: a no-op and an HTTP sink."""
