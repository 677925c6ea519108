"""The access check every service runs before it reads or writes case data.

A refusal is itself audited, and committed at once, so the caller's rollback cannot erase it.
"""

from __future__ import annotations

from sqlmodel import Session

from planner import audit
from planner.access import AccessDenied, Action, CaseRef, Principal, is_allowed
from planner.models import Case


class NotFound(LookupError):
    """The record does not exist (or is hidden from this user: both read the same)."""


def case_ref(session: Session, case_id: int) -> CaseRef | None:
    case = session.get(Case, case_id)
    if case is None:
        return None
    return CaseRef(id=case.id, therapist_id=case.therapist_id, team_id=case.team_id)


def check(session: Session, user: Principal | None, action: Action, case_id: int | None = None) -> CaseRef | None:
    """Authorize `user` for `action` on the case, or raise AccessDenied (audited).

    A case that does not exist is refused exactly like one the user may not see, so ids cannot
    be probed for existence.
    """
    ref = case_ref(session, case_id) if case_id is not None else None
    allowed = is_allowed(user, action, ref) if (case_id is None or ref is not None) else False
    if not allowed:
        audit.record(
            session,
            actor=user,
            action=str(action),
            object_type="case" if case_id is not None else "",
            case_id=ref.id if ref else None,
            object_id=case_id,
            outcome="denied",
        )
        session.commit()
        raise AccessDenied("You do not have access to this.")
    return ref
