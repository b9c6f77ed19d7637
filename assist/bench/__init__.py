"""Benchmarks: `python -m assist.bench <name>` (see `__main__`); the last line printed is JSON."""
