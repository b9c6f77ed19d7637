"""Benchmarks: `python -m assist.bench latency|soak ...`; the last line printed is JSON."""
