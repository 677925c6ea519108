"""Settings read from the environment. Every setting is documented in README.md (a test checks)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = ROOT / "data" / "planner.db"

# name -> one-line description; README.md must mention every name (tests/unit/test_settings_documented.py)
SETTINGS = {
    "PLANNER_DATABASE_URL": "SQLAlchemy URL of the database; default sqlite:///data/planner.db",
    "PLANNER_DEMO_PASSWORD": "password given to the demo accounts by `python -m planner demo`",
    "PLANNER_AUDIT_KEY": "key sealing the audit trail; default: the file data/audit.key",
    "PLANNER_AUDIT_KEY_FILE": "where the audit key file lives, when PLANNER_AUDIT_KEY is not set",
    "PLANNER_BENCH_POSTGRES_URL": "PostgreSQL URL for the PostgreSQL leg of make bench",
    "PLANNER_TEST_DATABASE_URL": "PostgreSQL URL for make test-postgres",
    "PLANNER_REQUIRE_BROWSER": "tests: fail, rather than skip, the browser tests when chromium is missing",
}


def database_url() -> str:
    url = os.environ.get("PLANNER_DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{DEFAULT_SQLITE_PATH}"
    # psycopg 3 is the PostgreSQL driver; accept the plain URLs people copy from their provider.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
