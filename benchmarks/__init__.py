"""Benchmarks: run with `make bench` or `python -m benchmarks.<name>`; figures go to docs/benchmarks.md."""
