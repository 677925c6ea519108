"""Benchmarks for the planner: `make bench` (python -m bench). See bench/README.md."""

import os

# Every database the benchmarks touch is a throwaway copy: seal its audit entries with a throwaway
# key rather than creating or reading the service's own key file (data/audit.key).
os.environ.setdefault("PLANNER_AUDIT_KEY", "bench-throwaway-audit-key")
