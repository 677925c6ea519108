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
    "PLANNER_IDLE_TIMEOUT_MINUTES": "minutes without a click before a session ends (default 30, 1 to 240)",
    "PLANNER_SESSION_LIMIT_HOURS": "hours after sign-in before a session ends however busy (default 12, 1 to 24)",
}


class InvalidSetting(ValueError):
    """A setting's value cannot be used; the message names the setting and what it accepts."""


def _whole_number(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidSetting(f"{name} must be a whole number from {low} to {high} (it is {raw[:20]!r}).")
    return int(raw)


def idle_timeout_minutes() -> int:
    """Minutes without activity before a session ends: an information-governance policy, 30 by default."""
    return _whole_number("PLANNER_IDLE_TIMEOUT_MINUTES", 30, 1, 240)


def session_limit_hours() -> int:
    """Hours after signing in before a session ends, however busy: 12 by default."""
    return _whole_number("PLANNER_SESSION_LIMIT_HOURS", 12, 1, 24)


def database_url() -> str:
    url = os.environ.get("PLANNER_DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{DEFAULT_SQLITE_PATH}"
    # psycopg 3 is the PostgreSQL driver; accept the plain URLs people copy from their provider.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def check() -> None:
    """Raise InvalidSetting for the first setting the app cannot use, so a wrong value is said at once."""
    idle_timeout_minutes()
    session_limit_hours()
