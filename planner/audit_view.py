"""Reading the audit trail: administrators see all of it, supervisors their own team's part.

A supervisor's part is every entry about a case of their team (whoever acted, refusals included)
plus every entry made by an account of their team (their therapists, themselves and the families
of their team's cases: sign-ins and the like), including failed sign-ins typed under one of those
user names. Nothing else: not other teams' people, not administrators' account work.

Entries hold no clinical text (planner.audit), so rows are shown as they are, with a readable
action. Reading the trail is itself audited. Checking the chain of seals is for administrators only
and on request (a button), since it reads every entry: about 4 s per 100,000 entries on SQLite.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from planner import audit
from planner.access import AccessDenied, Action, Principal
from planner.db import unit_of_work
from planner.errors import InvalidInput
from planner.guard import check
from planner.models import AuditEvent, Case, FamilyAccess, User

MAX_PAGE = 200
CHAIN_SLICE = 5000  # entries read per short transaction when checking the chain

ACTION_LABELS = {
    "sign_in": "Signed in",
    "sign_in_failed": "Sign-in failed",
    "sign_in_throttled": "Sign-in slowed down (too many tries)",
    "sign_in_code_asked": "Password right, code asked",
    "two_step": "Two-step sign-in (not for this account)",
    "two_step_enrolment": "Two-step setup started",
    "two_step_cancelled": "Two-step setup cancelled",
    "two_step_enabled": "Two-step sign-in switched on",
    "two_step_disabled": "Two-step sign-in switched off",
    "two_step_failed": "Wrong two-step code",
    "view": "Viewed",
    "create": "Created",
    "update": "Changed",
    "edit": "Edit",
    "archive": "Archived",
    "restore": "Restored",
    "submit": "Submitted",
    "publish": "Published for the family",
    "export": "Exported",
    "import": "Imported",
    "comment": "Commented",
    "sign_off": "Signed off",
    "reassign": "Reassigned",
    "rate_fidelity": "Rated fidelity",
    "list_cases": "Case list",
    "supervise": "Team pages",
    "view_family_summary": "Family summary viewed",
    "import_case": "Case import",
    "manage_accounts": "Account administration",
    "account_created": "Account created",
    "account_revoked": "Family login revoked",
    "password_reset": "Password reset",
    "deactivate": "Account deactivated",
    "reactivate": "Account reactivated",
    "demo_loaded": "Demo caseload loaded",
    "view_audit": "Audit trail viewed",
    "verify_audit": "Audit chain checked",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action.replace("_", " ").capitalize())


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # UTC
    actor: str  # the user name (as typed, for failed sign-ins)
    actor_name: str  # the account's display name, when the entry names an account
    action: str
    what: str  # the action in words
    object: str  # e.g. "case 12", "account 5", or ""
    case_id: int | None
    outcome: str  # "ok", or "denied" for a refusal


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int  # entries matching the filters, over all pages
    offset: int
    limit: int
    newest_id: int | None  # pass as up_to for the next pages, so entries added meanwhile do not shift them


def _scope(user: Principal):
    """The WHERE clause limiting a supervisor to their team's part; None for administrators."""
    if user.role == "admin":
        return None
    team_cases = select(Case.id).where(Case.team_id == user.team_id)
    family_ids = (
        select(FamilyAccess.account_id).join(Case, Case.id == FamilyAccess.case_id).where(Case.team_id == user.team_id)
    )
    team_ids = select(User.id).where(or_(User.team_id == user.team_id, User.id.in_(family_ids)))
    team_names = select(User.username).where(User.id.in_(team_ids))
    return or_(
        AuditEvent.case_id.in_(team_cases),
        AuditEvent.actor_id.in_(team_ids),
        and_(AuditEvent.actor_id.is_(None), AuditEvent.actor.in_(team_names)),
    )


def _allowed(session: Session, user: Principal) -> None:
    check(session, user, Action.VIEW_AUDIT)
    if user.role not in ("admin", "supervisor"):  # access.py already says so; this page must never widen it
        raise AccessDenied("You do not have access to this.")


def audit_events(
    session: Session,
    user: Principal,
    *,
    since: date | None = None,
    until: date | None = None,
    action: str | None = None,
    actor: str | None = None,
    case_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
    up_to: int | None = None,
) -> AuditPage:
    """One page of entries, newest first, within the person's scope and the filters (dates inclusive, UTC).

    Reading the trail adds an entry, so paging by offset alone would shift by one each time: pass
    the first page's `newest_id` as `up_to` to page through the trail as it stood then.
    """
    _allowed(session, user)
    if since and until and until < since:
        raise InvalidInput({"until": "The end date is before the start date."})
    limit = max(1, min(MAX_PAGE, int(limit)))
    offset = max(0, int(offset))
    conditions = []
    scope = _scope(user)
    if scope is not None:
        conditions.append(scope)
    if since:
        conditions.append(AuditEvent.at >= datetime.combine(since, time.min, tzinfo=UTC))
    if until:
        conditions.append(AuditEvent.at < datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC))
    if action:
        conditions.append(AuditEvent.action == action)
    if actor:
        conditions.append(AuditEvent.actor == actor.strip().lower())
    if case_id is not None:
        conditions.append(AuditEvent.case_id == case_id)
    if up_to is not None:
        conditions.append(AuditEvent.id <= up_to)
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()
    found = session.exec(
        select(AuditEvent, User.display_name)
        .join(User, User.id == AuditEvent.actor_id, isouter=True)
        .where(*conditions)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    newest = up_to
    if newest is None:
        newest = session.exec(select(func.max(AuditEvent.id))).one()
    audit.record(session, actor=user, action="view_audit", object_type="audit_trail")
    rows = [
        AuditRow(
            id=event.id,
            at=event.at if event.at.tzinfo else event.at.replace(tzinfo=UTC),
            actor=event.actor,
            actor_name=display_name or "",
            action=event.action,
            what=action_label(event.action),
            object=f"{event.object_type.replace('_', ' ')} {event.object_id}".strip()
            if event.object_id is not None
            else event.object_type.replace("_", " "),
            case_id=event.case_id,
            outcome=event.outcome,
        )
        for event, display_name in found
    ]
    return AuditPage(rows=rows, total=total, offset=offset, limit=limit, newest_id=newest)


def audit_people(session: Session, user: Principal) -> list[tuple[str, str]]:
    """(user name, display name) of the accounts whose entries this person may filter by."""
    _allowed(session, user)
    query = select(User.username, User.display_name).order_by(User.username)
    if user.role != "admin":
        family_ids = (
            select(FamilyAccess.account_id).join(Case, Case.id == FamilyAccess.case_id).where(Case.team_id == user.team_id)
        )
        query = query.where(or_(User.team_id == user.team_id, User.id.in_(family_ids)))
    return [(username, name) for username, name in session.exec(query).all()]


def audit_actions(session: Session, user: Principal) -> list[tuple[str, str]]:
    """(action, label) choices for the filter: the known actions, in words."""
    _allowed(session, user)
    return sorted(ACTION_LABELS.items(), key=lambda item: item[1])


def check_chain(engine: Engine, user: Principal) -> audit.Verification:
    """Recompute every entry's seal (administrators only): OK, or the first altered or removed entry.

    Unlike the other services this takes the engine, not a session: it reads the trail in slices,
    each in its own short transaction. On SQLite every transaction takes the write lock (planner.db),
    so one long walk (about 4 s per 100,000 entries) would make sign-ins and saves wait past the
    5-second busy timeout; sliced, they wait for one slice at most. The verdict is the same as
    planner.audit.verify's, entry for entry.
    """
    with unit_of_work(engine) as session:
        _allowed(session, user)
        if user.role != "admin":
            audit.record(session, actor=user, action="verify_audit", object_type="audit_trail", outcome="denied")
            session.commit()
            raise AccessDenied("Only administrators check the whole chain.")
    key = audit.audit_key()
    previous, checked, last = "", 0, 0
    result = None
    while result is None:
        with unit_of_work(engine) as session:
            events = session.exec(
                select(AuditEvent).where(AuditEvent.id > last).order_by(AuditEvent.id).limit(CHAIN_SLICE)
            ).all()
        for event in events:
            if not hmac.compare_digest(audit.seal(event, previous, key), event.chain_hmac or ""):
                when = event.at.strftime("%d %b %Y %H:%M:%S UTC")
                result = audit.Verification(
                    checked,
                    event.id,
                    f"Entry {event.id} ({when}, {event.actor} {event.action}) does not match its seal: "
                    f"it was altered, or an entry just before it was removed.",
                )
                break
            previous, checked, last = event.chain_hmac, checked + 1, event.id
        if not events:
            result = audit.Verification(checked, None, f"All {checked} audit entries are intact.")
    with unit_of_work(engine) as session:
        audit.record(session, actor=user, action="verify_audit", object_type="audit_trail")
    return result
