"""Need-to-know access: one `authorize(user, action, case)` that every service calls.

Deny by default. Hiding a menu item is not access control: any page can be reached by URL, so
the check lives here, below the pages, and runs on every request.

- therapist: their own cases only (not colleagues' cases, even in the same team);
- supervisor: the cases of their own team, to read, comment on, sign off, rate for fidelity and
  reassign within the team, not to edit; team-wide pages (dashboard, cross-case learning) for their team;
- family: the published family summary of their own case, nothing else;
- admin: accounts and the whole audit trail, never clinical content (supervisors see their team's trail);
- anyone deactivated or signed out: nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    VIEW = "view"  # the full clinical plan
    EDIT = "edit"
    ARCHIVE = "archive"
    EXPORT = "export"
    COMMENT = "comment"
    SIGN_OFF = "sign_off"
    VIEW_FAMILY_SUMMARY = "view_family_summary"
    REASSIGN = "reassign"  # hand the case to another therapist of the same team
    RATE_FIDELITY = "rate_fidelity"  # record a monthly adherence score
    LIST_CASES = "list_cases"  # a caseload list (the case is None)
    SUPERVISE = "supervise"  # team-wide supervisor pages: dashboard, cross-case learning (the case is None)
    VIEW_AUDIT = "view_audit"  # the audit trail: admins all of it, supervisors their teams' (the case is None)
    IMPORT_CASE = "import_case"  # bring a case in from a JSON export, into one's own caseload (the case is None)
    MANAGE_ACCOUNTS = "manage_accounts"  # (the case is None)


class AccessDenied(PermissionError):
    """Raised by authorize(); pages show a kind refusal, never the data."""


@dataclass(frozen=True)
class Principal:
    """The signed-in person, as plain data (nothing ORM outlives its session)."""

    id: int
    username: str
    display_name: str
    role: str
    team_id: int | None
    family_case_id: int | None = None  # family accounts only
    active: bool = True


@dataclass(frozen=True)
class CaseRef:
    """What access decisions need to know about a case."""

    id: int
    therapist_id: int
    team_id: int


_THERAPIST_OWN = {Action.VIEW, Action.EDIT, Action.ARCHIVE, Action.EXPORT, Action.VIEW_FAMILY_SUMMARY}
_SUPERVISOR_TEAM = {
    Action.VIEW,
    Action.EXPORT,
    Action.COMMENT,
    Action.SIGN_OFF,
    Action.REASSIGN,
    Action.RATE_FIDELITY,
    Action.VIEW_FAMILY_SUMMARY,
}


def is_allowed(user: Principal | None, action: Action, case: CaseRef | None = None) -> bool:
    if user is None or not user.active:
        return False
    if case is None:
        if action is Action.LIST_CASES:
            return user.role in ("therapist", "supervisor")
        if action is Action.MANAGE_ACCOUNTS:
            return user.role == "admin"
        if action is Action.SUPERVISE:
            return user.role == "supervisor" and user.team_id is not None
        if action is Action.VIEW_AUDIT:
            return user.role == "admin" or (user.role == "supervisor" and user.team_id is not None)
        if action is Action.IMPORT_CASE:
            return user.role == "therapist" and user.team_id is not None
        return False
    if user.role == "therapist":
        return case.therapist_id == user.id and action in _THERAPIST_OWN
    if user.role == "supervisor":
        return user.team_id is not None and case.team_id == user.team_id and action in _SUPERVISOR_TEAM
    if user.role == "family":
        return case.id == user.family_case_id and action is Action.VIEW_FAMILY_SUMMARY
    return False


def authorize(user: Principal | None, action: Action, case: CaseRef | None = None) -> None:
    """Raise AccessDenied unless `user` may do `action` to `case`."""
    if not is_allowed(user, action, case):
        raise AccessDenied("You do not have access to this.")
