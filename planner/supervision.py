"""Supervision of one case: comments pinned to its items, signing weekly reviews off, reassigning it.

A supervisor of the case's team reads the map, plan and reviews (Action.VIEW), leaves a comment
pinned to the case, a driver, a goal, an intervention or a submitted weekly review (Action.COMMENT),
signs a submitted review off (Action.SIGN_OFF: who and when are recorded) and hands the case to
another active therapist of the same team (Action.REASSIGN), with every holder kept in
`case_assignment`. The case's therapist sees the comments and marks them addressed (Action.EDIT).

Every service checks access first, returns plain data, saves changes with optimistic locking and
records itself in the audit trail without any clinical text (no comment bodies, no reasons).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import TypeVar

from sqlalchemy import func
from sqlmodel import Session, select

from planner import audit
from planner.access import Action, Principal, is_allowed
from planner.errors import InvalidInput, StaleEdit
from planner.guard import check
from planner.models import (
    Case,
    CaseAssignment,
    Comment,
    Driver,
    Goal,
    Intervention,
    User,
    WeeklyReview,
    utcnow,
)
from planner.versioned import versioned_update

SUBJECTS = ("case", "driver", "goal", "intervention", "review")
SUBJECT_LABELS = {
    "case": "The case as a whole",
    "driver": "Driver",
    "goal": "Goal",
    "intervention": "Intervention",
    "review": "Weekly review",
}
MAX_COMMENT = 2000
MAX_REASON = 500
_LABEL_TEXT = 90  # a goal's text is cut to this in a subject label
R = TypeVar("R")  # a row type a reader returns


# --------------------------------------------------------------------------- plain data


@dataclass(frozen=True)
class Subject:
    """Something a comment can be pinned to."""

    subject: str
    subject_id: int | None
    label: str


@dataclass(frozen=True)
class CommentRow:
    id: int
    subject: str
    subject_id: int | None
    label: str  # "Driver: Dad minimises what happened", "Weekly review, week 9"
    body: str
    author: str
    created_at: datetime
    status: str  # open or addressed
    addressed_at: datetime | None
    addressed_by: str | None
    version: int


@dataclass(frozen=True)
class ReviewRow:
    """A submitted weekly review as the supervisor reads it, with its sign-off."""

    id: int
    week: int
    version: int
    is_amendment: bool
    superseded: bool  # a later submitted amendment replaces it
    submitted_at: datetime | None
    submitted_by: str | None
    signed_off_at: datetime | None
    signed_off_by: str | None
    advances: str
    barriers_therapist: str
    barriers_family: str
    barriers_system: str
    fit_update: str
    next_steps: str

    @property
    def awaiting_sign_off(self) -> bool:
        return self.signed_off_at is None and not self.superseded


@dataclass(frozen=True)
class AssignmentRow:
    therapist: str
    since: datetime
    until: datetime | None  # None: holds the case now
    assigned_by: str | None  # None: allocated when the case was opened
    reason: str


@dataclass(frozen=True)
class Therapist:
    id: int
    name: str


@dataclass(frozen=True)
class SupervisionPage:
    case_id: int
    alias: str
    status: str
    therapist: str
    case_version: int
    can_comment: bool  # the team's supervisor
    can_sign_off: bool
    can_reassign: bool
    can_address: bool  # the case's therapist
    comments: list[CommentRow]
    reviews: list[ReviewRow]  # every submitted review, newest week first
    subjects: list[Subject]  # what a new comment may be pinned to
    history: list[AssignmentRow]
    therapists: list[Therapist]  # who the case may be reassigned to (supervisors only)

    @property
    def awaiting(self) -> list[ReviewRow]:
        return [r for r in self.reviews if r.awaiting_sign_off]

    @property
    def signed_off(self) -> list[ReviewRow]:
        return [r for r in self.reviews if r.signed_off_at is not None]

    @property
    def open_comments(self) -> int:
        return sum(c.status == "open" for c in self.comments)


# --------------------------------------------------------------------------- helpers


def _names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.exec(select(User.id, User.display_name).where(User.id.in_(wanted))).all())


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _LABEL_TEXT else text[: _LABEL_TEXT - 1].rstrip() + "…"


def _review_label(week: int, is_amendment: bool) -> str:
    return f"Weekly review, week {week}" + (" (amendment)" if is_amendment else "")


def _goal_label(goal: Goal) -> str:
    when = "overarching" if goal.level == "overarching" else f"week {goal.week}"
    return f"Goal ({when}): {_short(goal.text)}"


def _subjects(session: Session, case_id: int, *, live_only: bool) -> list[Subject]:
    """Every item of the case a comment may be pinned to (archived drivers too unless `live_only`)."""
    out = [Subject("case", None, SUBJECT_LABELS["case"])]
    drivers = select(Driver.id, Driver.name, Driver.archived_at).where(Driver.case_id == case_id)
    for driver_id, name, archived_at in session.exec(drivers.order_by(Driver.name)).all():
        if archived_at is None or not live_only:
            out.append(Subject("driver", driver_id, f"Driver: {name}" + (" (archived)" if archived_at else "")))
    goals = session.exec(select(Goal).where(Goal.case_id == case_id).order_by(Goal.id)).all()
    overarching = [g for g in goals if g.level == "overarching"]
    weekly = sorted((g for g in goals if g.level != "overarching"), key=lambda g: (-(g.week or 0), g.id))
    out += [Subject("goal", g.id, _goal_label(g)) for g in [*overarching, *weekly]]
    interventions = select(Intervention.id, Intervention.name).where(Intervention.case_id == case_id)
    out += [
        Subject("intervention", i, f"Intervention: {name}")
        for i, name in session.exec(interventions.order_by(Intervention.start_week, Intervention.name)).all()
    ]
    reviews = (
        select(WeeklyReview.id, WeeklyReview.week, WeeklyReview.amends_review_id)
        .where(WeeklyReview.case_id == case_id, WeeklyReview.status == "submitted")
        .order_by(WeeklyReview.week.desc(), WeeklyReview.id.desc())
    )
    out += [Subject("review", i, _review_label(week, amends is not None)) for i, week, amends in session.exec(reviews).all()]
    return out


def _comments(session: Session, case_id: int) -> list[CommentRow]:
    rows = session.exec(
        select(Comment).where(Comment.case_id == case_id).order_by(Comment.created_at.desc(), Comment.id.desc())
    ).all()
    labels = {(s.subject, s.subject_id): s.label for s in _subjects(session, case_id, live_only=False)}
    people = _names(session, [r.author_id for r in rows] + [r.addressed_by for r in rows])
    return [
        CommentRow(
            id=r.id,
            subject=r.subject,
            subject_id=r.subject_id,
            label=labels.get((r.subject, r.subject_id), SUBJECT_LABELS.get(r.subject, r.subject)),
            body=r.body,
            author=people.get(r.author_id, "a former colleague"),
            created_at=r.created_at,
            status=r.status,
            addressed_at=r.addressed_at,
            addressed_by=people.get(r.addressed_by) if r.addressed_by else None,
            version=r.version,
        )
        for r in rows
    ]


def _reviews(session: Session, case_id: int) -> list[ReviewRow]:
    rows = session.exec(
        select(WeeklyReview)
        .where(WeeklyReview.case_id == case_id, WeeklyReview.status == "submitted")
        .order_by(WeeklyReview.week.desc(), WeeklyReview.id.desc())
    ).all()
    superseded = {r.amends_review_id for r in rows if r.amends_review_id is not None}
    people = _names(session, [r.submitted_by for r in rows] + [r.signed_off_by for r in rows])
    return [
        ReviewRow(
            id=r.id,
            week=r.week,
            version=r.version,
            is_amendment=r.amends_review_id is not None,
            superseded=r.id in superseded,
            submitted_at=r.submitted_at,
            submitted_by=people.get(r.submitted_by) if r.submitted_by else None,
            signed_off_at=r.signed_off_at,
            signed_off_by=people.get(r.signed_off_by, "a former colleague") if r.signed_off_by else None,
            advances=r.advances,
            barriers_therapist=r.barriers_therapist,
            barriers_family=r.barriers_family,
            barriers_system=r.barriers_system,
            fit_update=r.fit_update,
            next_steps=r.next_steps,
        )
        for r in rows
    ]


def _case_start(case: Case) -> datetime:
    return datetime.combine(case.start_date, time(0, 0), tzinfo=UTC)


def _history(session: Session, case: Case) -> list[AssignmentRow]:
    rows = session.exec(
        select(CaseAssignment)
        .where(CaseAssignment.case_id == case.id)
        .order_by(CaseAssignment.assigned_at, CaseAssignment.id)
    ).all()
    if not rows:  # never reassigned: the holder has had it from the start
        people = _names(session, [case.therapist_id])
        return [AssignmentRow(people.get(case.therapist_id, "?"), _case_start(case), None, None, "")]
    people = _names(session, [r.therapist_id for r in rows] + [r.assigned_by for r in rows])
    return [
        AssignmentRow(
            therapist=people.get(r.therapist_id, "?"),
            since=r.assigned_at,
            until=rows[i + 1].assigned_at if i + 1 < len(rows) else None,
            assigned_by=people.get(r.assigned_by) if r.assigned_by else None,
            reason=r.reason,
        )
        for i, r in enumerate(rows)
    ]


def _team_therapists(session: Session, case: Case) -> list[Therapist]:
    rows = session.exec(
        select(User.id, User.display_name)
        .where(
            User.team_id == case.team_id,
            User.role == "therapist",
            User.active.is_(True),
            User.id != case.therapist_id,
        )
        .order_by(User.display_name)
    ).all()
    return [Therapist(i, name) for i, name in rows]


# --------------------------------------------------------------------------- reading


def supervision_page(session: Session, user: Principal, case_id: int) -> SupervisionPage:
    """Everything the Supervision page shows, with what this person may do on it (one audit entry)."""
    ref = check(session, user, Action.VIEW, case_id)
    case = session.get(Case, case_id)
    can_reassign = is_allowed(user, Action.REASSIGN, ref)
    page = SupervisionPage(
        case_id=case.id,
        alias=case.alias,
        status=case.status,
        therapist=_names(session, [case.therapist_id]).get(case.therapist_id, "?"),
        case_version=case.version,
        can_comment=is_allowed(user, Action.COMMENT, ref),
        can_sign_off=is_allowed(user, Action.SIGN_OFF, ref),
        can_reassign=can_reassign,
        can_address=is_allowed(user, Action.EDIT, ref),
        comments=_comments(session, case_id),
        reviews=_reviews(session, case_id),
        subjects=_subjects(session, case_id, live_only=True),
        history=_history(session, case),
        therapists=_team_therapists(session, case) if can_reassign else [],
    )
    audit.record(session, actor=user, action="view", object_type="supervision", object_id=case_id, case_id=case_id)
    return page


def _viewed(
    session: Session, user: Principal, case_id: int, object_type: str, read: Callable[[], list[R]],
    action: Action = Action.VIEW,
) -> list[R]:
    """One case read the way every reader here does it: `action` checked first (a refusal is audited by check),
    then `read()`, then one audit entry naming what was seen."""
    check(session, user, action, case_id)
    rows = read()
    audit.record(session, actor=user, action="view", object_type=object_type, object_id=case_id, case_id=case_id)
    return rows


def case_comments(session: Session, user: Principal, case_id: int) -> list[CommentRow]:
    """Every comment on the case, newest first, with what it is pinned to, its author and status."""
    return _viewed(session, user, case_id, "comments", lambda: _comments(session, case_id))


def comment_subjects(session: Session, user: Principal, case_id: int) -> list[Subject]:
    """What a new comment on the case may be pinned to (live drivers, goals, interventions, submitted reviews)."""
    check(session, user, Action.COMMENT, case_id)
    return _subjects(session, case_id, live_only=True)


def open_comment_counts(session: Session, user: Principal, case_ids: Iterable[int]) -> dict[int, int]:
    """Open comments per case, for the cases among `case_ids` this person may see (others are left out)."""
    check(session, user, Action.LIST_CASES)
    wanted = sorted(set(case_ids))
    if not wanted:
        return {}
    scope = Case.therapist_id == user.id if user.role == "therapist" else Case.team_id == user.team_id
    rows = session.exec(
        select(Case.id, func.count(Comment.id))
        .outerjoin(Comment, (Comment.case_id == Case.id) & (Comment.status == "open"))
        .where(Case.id.in_(wanted), scope)
        .group_by(Case.id)
    ).all()
    audit.record(session, actor=user, action="view", object_type="comment_counts")
    return {case_id: count for case_id, count in rows}


def review_sign_offs(session: Session, user: Principal, case_id: int) -> list[ReviewRow]:
    """Every submitted review of the case with its sign-off, newest week first."""
    return _viewed(session, user, case_id, "review_sign_offs", lambda: _reviews(session, case_id))


def reviews_awaiting_sign_off(session: Session, user: Principal, case_id: int) -> list[ReviewRow]:
    """Submitted reviews not yet signed off (an amended original waits no more: its amendment does)."""

    def awaiting() -> list[ReviewRow]:
        return [r for r in _reviews(session, case_id) if r.awaiting_sign_off]

    return _viewed(session, user, case_id, "review_sign_offs", awaiting)


def assignment_history(session: Session, user: Principal, case_id: int) -> list[AssignmentRow]:
    """Who has held the case, oldest first; the last row holds it now."""
    return _viewed(session, user, case_id, "case_assignment", lambda: _history(session, session.get(Case, case_id)))


def team_therapists(session: Session, user: Principal, case_id: int) -> list[Therapist]:
    """The active therapists of the case's team the case could be handed to (not its current holder)."""
    return _viewed(
        session, user, case_id, "team_therapists", lambda: _team_therapists(session, session.get(Case, case_id)),
        Action.REASSIGN,
    )


# --------------------------------------------------------------------------- changing


def _control_characters(text: str) -> bool:
    return any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text) or "\x7f" in text


def _subject_exists(session: Session, case_id: int, subject: str, subject_id: int | None) -> bool:
    if subject == "case":
        return subject_id is None
    if subject_id is None:
        return False
    if subject == "driver":
        row = session.get(Driver, subject_id)
    elif subject == "goal":
        row = session.get(Goal, subject_id)
    elif subject == "intervention":
        row = session.get(Intervention, subject_id)
    else:
        row = session.get(WeeklyReview, subject_id)
        if row is not None and row.status != "submitted":  # a draft is the therapist's own until submitted
            return False
    return row is not None and row.case_id == case_id


def add_comment(
    session: Session, user: Principal, case_id: int, subject: str, subject_id: int | None, body: str
) -> int:
    """Pin a new open comment to the case or one of its items; the body is stored exactly as typed."""
    check(session, user, Action.COMMENT, case_id)
    errors: dict[str, str] = {}
    if subject not in SUBJECTS:
        errors["subject"] = "Choose what the comment is about: the case, a driver, a goal, an intervention or a review."
    elif not _subject_exists(session, case_id, subject, subject_id):
        errors["subject"] = "That item is not part of this case (it may have been removed). Choose another."
    if not isinstance(body, str) or not body.strip():
        errors["body"] = "Write the comment before saving it."
    elif len(body) > MAX_COMMENT:
        errors["body"] = f"Keep the comment to {MAX_COMMENT} characters or fewer (it has {len(body)})."
    elif _control_characters(body):
        errors["body"] = "The comment contains characters that cannot be stored. Retype it without them."
    if errors:
        raise InvalidInput(errors)
    row = Comment(case_id=case_id, author_id=user.id, subject=subject, subject_id=subject_id, body=body, status="open")
    session.add(row)
    session.flush()
    audit.record(session, actor=user, action="create", object_type="comment", object_id=row.id, case_id=case_id)
    return row.id


def _case_of_comment(session: Session, user: Principal, comment_id: int, action: Action) -> Comment:
    """The comment, once `user` may do `action` to its case; a missing comment is refused like a hidden one."""
    row = session.get(Comment, comment_id)
    check(session, user, action, row.case_id if row is not None else -1)
    return row


def mark_addressed(session: Session, user: Principal, comment_id: int, version: int) -> None:
    """The case's therapist marks an open comment addressed (who and when are recorded)."""
    row = _case_of_comment(session, user, comment_id, Action.EDIT)
    if row.status != "open":
        raise StaleEdit("This comment has already been marked addressed. Reload to see it.")
    case_id = row.case_id
    versioned_update(
        session, Comment, comment_id, version,
        {"status": "addressed", "addressed_at": utcnow(), "addressed_by": user.id}, "comment",
    )
    session.expire(row)
    audit.record(session, actor=user, action="update", object_type="comment", object_id=comment_id, case_id=case_id)


def reopen_comment(session: Session, user: Principal, comment_id: int, version: int) -> None:
    """The supervisor reopens an addressed comment that needs more work."""
    row = _case_of_comment(session, user, comment_id, Action.COMMENT)
    if row.status != "addressed":
        raise StaleEdit("This comment is already open. Reload to see it.")
    case_id = row.case_id
    versioned_update(
        session, Comment, comment_id, version, {"status": "open", "addressed_at": None, "addressed_by": None}, "comment"
    )
    session.expire(row)
    audit.record(session, actor=user, action="update", object_type="comment", object_id=comment_id, case_id=case_id)


def sign_off_review(session: Session, user: Principal, review_id: int, version: int) -> None:
    """Sign a submitted, not yet signed review off: the supervisor's name and the time are recorded."""
    row = session.get(WeeklyReview, review_id)
    check(session, user, Action.SIGN_OFF, row.case_id if row is not None else -1)
    if row.status != "submitted":
        raise InvalidInput({"review": "Only a submitted review can be signed off: this one is still a draft."})
    if row.signed_off_at is not None:
        raise StaleEdit("This review has already been signed off. Reload to see by whom.")
    amended = session.exec(
        select(WeeklyReview.id).where(WeeklyReview.amends_review_id == review_id, WeeklyReview.status == "submitted")
    ).first()
    if amended is not None:
        raise StaleEdit("This review has been amended since: sign off the amendment instead. Reload to see it.")
    case_id = row.case_id
    versioned_update(
        session, WeeklyReview, review_id, version, {"signed_off_at": utcnow(), "signed_off_by": user.id}, "review"
    )
    session.expire(row)
    audit.record(session, actor=user, action="sign_off", object_type="weekly_review", object_id=review_id, case_id=case_id)


def reassign_case(
    session: Session, user: Principal, case_id: int, new_therapist_id: int, reason: str, version: int
) -> None:
    """Hand the case to another active therapist of its team; every earlier holder stays in the history."""
    check(session, user, Action.REASSIGN, case_id)
    case = session.get(Case, case_id)
    errors: dict[str, str] = {}
    if case.status != "open":
        errors["case"] = "A closed case cannot be reassigned."
    new = session.get(User, new_therapist_id) if isinstance(new_therapist_id, int) else None
    if new is None or new.role != "therapist" or not new.active or new.team_id != case.team_id:
        errors["therapist"] = "Choose an active therapist of this case's team."
    elif new.id == case.therapist_id:
        errors["therapist"] = "This therapist already holds the case: choose someone else."
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        errors["reason"] = "Say why the case is being reassigned: it is kept in the case's history."
    elif len(reason) > MAX_REASON:
        errors["reason"] = f"Keep the reason to {MAX_REASON} characters or fewer (it has {len(reason)})."
    elif _control_characters(reason):
        errors["reason"] = "The reason contains characters that cannot be stored. Retype it without them."
    if errors:
        raise InvalidInput(errors)
    previous, start = case.therapist_id, _case_start(case)
    has_history = session.exec(select(CaseAssignment.id).where(CaseAssignment.case_id == case_id).limit(1)).first()
    # The version check comes first, so a stale reassignment writes nothing.
    versioned_update(session, Case, case_id, version, {"therapist_id": new.id}, "case")
    if has_history is None:
        session.add(CaseAssignment(case_id=case_id, therapist_id=previous, assigned_at=start, assigned_by=None, reason=""))
    session.add(CaseAssignment(case_id=case_id, therapist_id=new.id, assigned_by=user.id, reason=reason))
    session.flush()
    session.expire(case)  # the ORM copy still holds the old therapist
    audit.record(session, actor=user, action="reassign", object_type="case", object_id=case_id, case_id=case_id)


def week_sign_offs(session: Session, user: Principal, case_id: int, week: int) -> dict[int, tuple[str, datetime]]:
    """Who signed off each submitted review of one week, and when: {review id: (name, time)}."""
    check(session, user, Action.VIEW, case_id)
    rows = session.exec(
        select(WeeklyReview.id, WeeklyReview.signed_off_by, WeeklyReview.signed_off_at).where(
            WeeklyReview.case_id == case_id,
            WeeklyReview.week == week,
            WeeklyReview.status == "submitted",
            WeeklyReview.signed_off_at.is_not(None),
        )
    ).all()
    people = _names(session, [by for _, by, _ in rows])
    audit.record(session, actor=user, action="view", object_type="review_sign_offs", object_id=case_id, case_id=case_id)
    return {review_id: (people.get(by, "a former colleague"), at) for review_id, by, at in rows}
