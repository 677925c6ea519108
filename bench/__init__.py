"""Benchmarks for the planner: `make bench` (python -m bench). See bench/README.md."""
