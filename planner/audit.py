"""The audit trail: every view, change, export and sign-in touching case data.

Entries never hold clinical text: only who, which action, which object and case, when (UTC), and
whether it was allowed. Rows are only ever added, and each is sealed with an HMAC over its own
fields and the previous entry's HMAC, under a key kept outside the database
(PLANNER_AUDIT_KEY, or the file data/audit.key, created owner-only on first use). Whoever can
edit the database but not read the key cannot alter or remove an entry without `verify` naming
the first entry whose seal no longer matches.

Entries are sealed in the order they are written: SQLite write transactions are serialised
(BEGIN IMMEDIATE, see planner.db) and on PostgreSQL an advisory lock is held from the entry's
insert to its commit, so two sessions can never seal onto the same predecessor.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, select

from planner.access import Principal
from planner.models import AuditEvent
from planner.settings import ROOT

_LOCK_ID = 7_431_001  # PostgreSQL advisory lock serialising the chain
DEFAULT_KEY_FILE = ROOT / "data" / "audit.key"


def audit_key() -> bytes:
    configured = os.environ.get("PLANNER_AUDIT_KEY", "")
    if configured:
        return configured.encode()
    path = Path(os.environ.get("PLANNER_AUDIT_KEY_FILE", "") or DEFAULT_KEY_FILE)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            pass  # another process created it first: read theirs
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def _message(event: AuditEvent, previous: str) -> bytes:
    at = event.at if event.at.tzinfo else event.at.replace(tzinfo=UTC)
    fields = (
        previous,
        event.id,
        at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f"),
        event.actor_id,
        event.actor,
        event.action,
        event.object_type,
        event.object_id,
        event.case_id,
        event.outcome,
    )
    return "\x1f".join("" if f is None else str(f) for f in fields).encode()


def seal(event: AuditEvent, previous: str, key: bytes) -> str:
    return hmac.new(key, _message(event, previous), hashlib.sha256).hexdigest()


def add(session: Session, event: AuditEvent) -> None:
    """Add `event` to the session's transaction, sealed onto the newest entry."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _LOCK_ID})
    session.add(event)
    session.flush()
    previous = session.exec(
        select(AuditEvent.chain_hmac).where(AuditEvent.id < event.id).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    event.chain_hmac = seal(event, previous or "", audit_key())


def record(
    session: Session,
    *,
    actor: Principal | None,
    action: str,
    object_type: str = "",
    object_id: int | None = None,
    case_id: int | None = None,
    outcome: str = "ok",
    actor_name: str | None = None,
) -> None:
    """Add one audit entry to the session's transaction (it commits with the change it records)."""
    add(
        session,
        AuditEvent(
            actor_id=actor.id if actor else None,
            actor=(actor.username if actor else (actor_name or "anonymous"))[:64],
            action=action,
            object_type=object_type,
            object_id=object_id,
            case_id=case_id,
            outcome=outcome,
        ),
    )


@dataclass(frozen=True)
class Verification:
    checked: int
    first_bad_id: int | None  # None when every entry's seal matches
    detail: str


def _entries(session: Session, batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = session.exec(select(AuditEvent).where(AuditEvent.id > last).order_by(AuditEvent.id).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def verify(session: Session, key: bytes | None = None) -> Verification:
    """Walk the chain in order; name the first entry altered, or the first after a removed one."""
    key = key or audit_key()
    previous, checked = "", 0
    for event in _entries(session):
        if not hmac.compare_digest(seal(event, previous, key), event.chain_hmac or ""):
            when = event.at.strftime("%d %b %Y %H:%M:%S UTC")
            return Verification(
                checked,
                event.id,
                f"Entry {event.id} ({when}, {event.actor} {event.action}) does not match its seal: "
                f"it was altered, or an entry just before it was removed.",
            )
        previous, checked = event.chain_hmac, checked + 1
    return Verification(checked, None, f"All {checked} audit entries are intact.")
