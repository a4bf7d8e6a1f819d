"""Benchmark scripts: run them as `python -m tests.bench.NAME`; they print figures, never assert."""
