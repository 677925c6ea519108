"""The audit trail: every view, change, export and sign-in touching case data.

Entries never hold clinical text: only who, which action, which object and case, when (UTC), and
whether it was allowed. Rows are only ever added.
"""

from __future__ import annotations

from sqlmodel import Session

from planner.access import Principal
from planner.models import AuditEvent


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
    session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            actor=(actor.username if actor else (actor_name or "anonymous"))[:64],
            action=action,
            object_type=object_type,
            object_id=object_id,
            case_id=case_id,
            outcome=outcome,
        )
    )
