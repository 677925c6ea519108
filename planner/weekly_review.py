"""The weekly review of one case: a draft that keeps everything typed, then one submission.

The review of week W (the case summary for that week's supervision):

- marks the intermediary goals set for week W ("last week's goals" at supervision) as met, partly
  met or not met;
- records the advances, the barriers at therapist, family and system level, the fit update
  (updated hypotheses) and any next steps;
- rates each prioritised need 0-10 and the overall safety scale (0 = the child cannot safely live
  at home, 10 = safe enough to close) for week W;
- sets new intermediary goals for week W+1, each linked to the driver(s) it replaces, and may carry
  a goal marked not met or partly met into week W+1 (a new goal row with ``carries_on_from`` set).

Drafts. Until it is submitted a review is a ``draft`` row. ``save_draft`` keeps everything typed
(text as typed, goal marks, carry-ons, ratings, new goals) in ``WeeklyReview.draft_json``, and the
text in the text columns too, so a therapist who leaves and comes back finds the draft as they left
it. Draft saves check each value's form (lengths, hidden characters, ratings 0-10, goals and drivers
that belong to the week and case) but not completeness. A case has at most one draft per week (one
new review, or one amendment).

Submission. ``submit_review`` checks everything (advances filled in, every goal of the week marked,
every prioritised need and the overall scale rated, every new goal with a text and a driver) and
then, in the caller's one unit of work: writes the Rating rows of week W (subject "driver" for each
prioritised need, "overall"), sets each rated ``Driver.rating`` (only when week W is that driver's
latest rated week, so amending an old week does not rewind "now"), sets the marked goals' statuses,
creates next week's goals with their GoalDriver links, and marks the review ``submitted`` with
``submitted_at``/``submitted_by``. Stored text is trimmed of surrounding white space. On submission
``draft_json`` keeps a snapshot of exactly what was submitted, so a review stays viewable as
submitted even after an amendment changes the week's ratings and goal statuses. A refused
submission changes nothing: the draft stays as it was saved.

Amendments. A submitted review is read-only. ``start_amendment`` opens a new draft row with
``amends_review_id`` = the review being amended, pre-filled from it. Submitting the amendment
overwrites that week's Rating rows and the week's goal statuses with the amended values, adds any
new goals for week W+1 (next week's goals already set stay; change them on the plan), and leaves
the original row untouched: still ``submitted``, still viewable, now labelled "amended" because a
submitted review amends it. The values an amendment overwrote are kept in its own ``draft_json``
("replaced"), so an original submitted before snapshots existed still shows what it said. Only the
latest version of a week can be amended.

Every function checks access first (Action.VIEW to read, Action.EDIT to draft and submit), audits
(never the clinical text), and returns plain dataclasses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import func, update
from sqlmodel import Session, select

from goals.model import GOAL_STATUS_LABELS, RATED_GOAL_STATUSES
from goals.timeline import plan_week
from goals.validation import validate_rating, validate_required, validate_week
from planner import audit
from planner.access import Action, Principal, is_allowed
from planner.errors import InvalidInput, StaleEdit
from planner.guard import NotFound, check
from planner.models import Case, Driver, Goal, GoalDriver, Rating, User, WeeklyReview, utcnow

MAX_TEXT = 4000  # advances, barriers, fit update, next steps
MAX_GOAL_TEXT = 300
MAX_OWNER = 80  # goal.owner column
MAX_NEW_GOALS = 12

TEXT_FIELDS: tuple[str, ...] = (
    "advances",
    "barriers_therapist",
    "barriers_family",
    "barriers_system",
    "fit_update",
    "next_steps",
)
# How each field reads inside a message ("Please fill in ...").
TEXT_LABELS: dict[str, str] = {
    "advances": "the advances (what went well this week)",
    "barriers_therapist": "the barriers at therapist level",
    "barriers_family": "the barriers at family level",
    "barriers_system": "the barriers at system level",
    "fit_update": "the fit update",
    "next_steps": "the next steps",
}
REQUIRED_TEXT: frozenset[str] = frozenset({"advances"})  # barriers may be left empty: none this week


# --------------------------------------------------------------------------- plain data


@dataclass(frozen=True)
class NewGoal:
    """An intermediary goal for next week, as typed."""

    text: str = ""
    owner: str = ""
    driver_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ReviewContent:
    """Everything the review form holds. Untrusted: checked by save_draft and submit_review."""

    advances: str = ""
    barriers_therapist: str = ""
    barriers_family: str = ""
    barriers_system: str = ""
    fit_update: str = ""
    next_steps: str = ""
    marks: Mapping[int, str] = field(default_factory=dict)  # goal id -> met / partly_met / not_met
    carry_on: tuple[int, ...] = ()  # goal ids (of week W) to set again for week W+1
    ratings: Mapping[int, int | None] = field(default_factory=dict)  # prioritised need id -> 0-10
    overall: int | None = None
    new_goals: tuple[NewGoal, ...] = ()

    def to_dict(self) -> dict:
        return {
            **{name: getattr(self, name) for name in TEXT_FIELDS},
            "marks": {str(k): v for k, v in self.marks.items()},
            "carry_on": list(self.carry_on),
            "ratings": {str(k): v for k, v in self.ratings.items()},
            "overall": self.overall,
            "new_goals": [{"text": g.text, "owner": g.owner, "driver_ids": list(g.driver_ids)} for g in self.new_goals],
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> ReviewContent:
        """Read stored JSON leniently: a value of the wrong type is dropped, never a crash."""

        def text(name: str) -> str:
            value = data.get(name, "")
            return value if isinstance(value, str) else ""

        def as_int(value: object) -> int | None:
            if isinstance(value, bool):
                return None
            if isinstance(value, int):
                return value
            if isinstance(value, str) and value.lstrip("-").isdigit():
                return int(value)
            return None

        marks = {}
        for key, value in (data.get("marks") or {}).items():
            if as_int(key) is not None and isinstance(value, str):
                marks[as_int(key)] = value
        ratings = {}
        for key, value in (data.get("ratings") or {}).items():
            if as_int(key) is not None:
                ratings[as_int(key)] = as_int(value)
        goals = []
        for item in data.get("new_goals") or []:
            if isinstance(item, Mapping):
                goals.append(
                    NewGoal(
                        text=item.get("text") if isinstance(item.get("text"), str) else "",
                        owner=item.get("owner") if isinstance(item.get("owner"), str) else "",
                        driver_ids=tuple(i for i in (as_int(x) for x in item.get("driver_ids") or []) if i is not None),
                    )
                )
        return cls(
            **{name: text(name) for name in TEXT_FIELDS},
            marks=marks,
            carry_on=tuple(i for i in (as_int(x) for x in data.get("carry_on") or []) if i is not None),
            ratings=ratings,
            overall=as_int(data.get("overall")),
            new_goals=tuple(goals),
        )

    def trimmed(self) -> ReviewContent:
        """As stored on submission: text without surrounding white space."""
        return replace(
            self,
            **{name: getattr(self, name).strip() for name in TEXT_FIELDS},
            new_goals=tuple(NewGoal(g.text.strip(), g.owner.strip(), tuple(dict.fromkeys(g.driver_ids))) for g in self.new_goals),
        )


@dataclass(frozen=True)
class WeekGoal:
    id: int
    week: int
    text: str
    owner: str
    status: str
    driver_ids: tuple[int, ...]
    drivers: str  # the linked drivers' names, "; "-joined
    carries_on_from: int | None = None

    @property
    def status_label(self) -> str:
        return GOAL_STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class RatedDriver:
    """A prioritised need with its rating last week (W-1) and as recorded for week W."""

    id: int
    name: str
    system: str
    last_week: int | None
    this_week: int | None


@dataclass(frozen=True)
class DriverChoice:
    id: int
    name: str
    system: str
    kind: str
    prioritised: bool


@dataclass(frozen=True)
class ReviewVersion:
    """One weekly_review row: a draft, or a submitted review (``amended`` if a later one replaced it)."""

    id: int
    week: int
    status: str
    content: ReviewContent
    version: int
    created_at: datetime
    submitted_at: datetime | None = None
    submitted_by: str | None = None
    amends_review_id: int | None = None
    amended: bool = False

    @property
    def is_amendment(self) -> bool:
        return self.amends_review_id is not None


@dataclass(frozen=True)
class WeekStatus:
    week: int
    status: str  # "submitted", "amended and resubmitted", "draft", "not started"
    submitted_at: datetime | None = None
    signed_off_by: str | None = None  # the supervisor's name, once the submitted review is signed off
    signed_off_at: datetime | None = None


@dataclass(frozen=True)
class ReviewPage:
    case_id: int
    alias: str
    week: int
    current_week: int  # the plan's week today (may run past planned_weeks)
    last_week: int  # the last week that may be reviewed now: min(current, planned)
    planned_weeks: int
    default_week: int
    case_start: date
    can_edit: bool
    goals: list[WeekGoal]  # set for week W: the ones this review marks
    next_goals: list[WeekGoal]  # already set for week W+1
    prioritised: list[RatedDriver]
    overall_last_week: int | None
    overall_this_week: int | None
    drivers: list[DriverChoice]  # live drivers a new goal may replace (prioritised needs first)
    driver_names: dict[int, str]  # every driver, archived too, for showing old ratings
    submitted: ReviewVersion | None  # the week's review as it stands (the latest submitted version)
    history: list[ReviewVersion]  # every submitted version of the week, oldest first
    draft: ReviewVersion | None  # the therapist's draft (a new review or an amendment); None for readers
    has_draft: bool  # a draft exists (supervisors are told, not shown)
    weeks: list[WeekStatus]

    @property
    def next_week_in_plan(self) -> bool:
        return self.week < self.planned_weeks


@dataclass(frozen=True)
class DraftState:
    review_id: int
    version: int


# --------------------------------------------------------------------------- reading


def _case(session: Session, case_id: int) -> Case:
    return session.get(Case, case_id)


def _current_week(case: Case, today: date) -> int:
    return plan_week(case.start_date, case.closed_on or today)


def _week_problem(week: object, case: Case, today: date) -> str | None:
    problem = validate_week(week, case.planned_weeks)
    if problem:
        return problem
    current = _current_week(case, today)
    if week > current:  # type: ignore[operator]
        return f"Week {week} has not started yet: this is week {current} of the plan."
    return None


def _goals(session: Session, case_id: int, week: int, names: Mapping[int, str]) -> list[WeekGoal]:
    rows = session.exec(
        select(Goal).where(Goal.case_id == case_id, Goal.level == "intermediary", Goal.week == week).order_by(Goal.id)
    ).all()
    links: dict[int, list[int]] = {}
    if rows:
        for goal_id, driver_id in session.exec(
            select(GoalDriver.goal_id, GoalDriver.driver_id).where(GoalDriver.goal_id.in_([g.id for g in rows]))
        ).all():
            links.setdefault(goal_id, []).append(driver_id)
    return [
        WeekGoal(
            id=g.id,
            week=g.week,
            text=g.text,
            owner=g.owner,
            status=g.status,
            driver_ids=tuple(sorted(links.get(g.id, []))),
            drivers="; ".join(sorted(names.get(d, "(unknown driver)") for d in links.get(g.id, []))),
            carries_on_from=g.carries_on_from,
        )
        for g in rows
    ]


def _ratings_of_week(session: Session, case_id: int, week: int) -> tuple[dict[int, int], int | None]:
    """(driver id -> value, overall value) recorded for ``week``."""
    drivers: dict[int, int] = {}
    overall = None
    for subject, subject_id, value in session.exec(
        select(Rating.subject, Rating.subject_id, Rating.value).where(Rating.case_id == case_id, Rating.week == week).order_by(Rating.id)
    ).all():
        if subject == "driver" and subject_id is not None:
            drivers[subject_id] = value
        elif subject == "overall":
            overall = value
    return drivers, overall


def _prioritised(session: Session, case_id: int) -> list[Driver]:
    return list(
        session.exec(
            select(Driver)
            .where(Driver.case_id == case_id, Driver.archived_at.is_(None), Driver.prioritised.is_(True), Driver.kind == "need")
            .order_by(Driver.system, Driver.name)
        ).all()
    )


def _parse(raw: str) -> dict:
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _columns_content(review: WeeklyReview) -> ReviewContent:
    return ReviewContent(**{name: getattr(review, name) or "" for name in TEXT_FIELDS})


def _live_values(session: Session, case_id: int, week: int) -> dict:
    """The week's goal statuses and ratings as they stand now (for reviews without a snapshot)."""
    goals = session.exec(
        select(Goal.id, Goal.status).where(Goal.case_id == case_id, Goal.level == "intermediary", Goal.week == week)
    ).all()
    ratings, overall = _ratings_of_week(session, case_id, week)
    return {
        "marks": {gid: status for gid, status in goals if status in RATED_GOAL_STATUSES},
        "ratings": ratings,
        "overall": overall,
    }


def _content(session: Session, review: WeeklyReview, amended_by: WeeklyReview | None) -> ReviewContent:
    """What a review row says. Drafts and reviews submitted here carry their own snapshot; older
    submitted reviews read the columns plus the week's live values (or, once amended, the values
    the amendment replaced)."""
    stored = _parse(review.draft_json).get("content")
    if isinstance(stored, Mapping):
        return ReviewContent.from_dict(stored)
    content = _columns_content(review)
    if review.status != "submitted":
        return content
    values = _live_values(session, review.case_id, review.week)
    if amended_by is not None:
        replaced = _parse(amended_by.draft_json).get("replaced")
        if isinstance(replaced, Mapping):
            old = ReviewContent.from_dict(replaced)
            values = {"marks": dict(old.marks), "ratings": dict(old.ratings), "overall": old.overall}
    return replace(content, marks=values["marks"], ratings=values["ratings"], overall=values["overall"])


def _version(session: Session, review: WeeklyReview, amended_by: WeeklyReview | None, names: Mapping[int, str]) -> ReviewVersion:
    return ReviewVersion(
        id=review.id,
        week=review.week,
        status=review.status,
        content=_content(session, review, amended_by),
        version=review.version,
        created_at=review.created_at,
        submitted_at=review.submitted_at,
        submitted_by=names.get(review.submitted_by) if review.submitted_by else None,
        amends_review_id=review.amends_review_id,
        amended=amended_by is not None,
    )


@dataclass(frozen=True)
class _WeekRows:
    submitted: list[WeeklyReview]  # oldest first
    amended_by: dict[int, WeeklyReview]  # original id -> the submitted review amending it
    current: WeeklyReview | None  # latest submitted version
    draft: WeeklyReview | None


def _week_rows(session: Session, case_id: int, week: int) -> _WeekRows:
    rows = session.exec(
        select(WeeklyReview).where(WeeklyReview.case_id == case_id, WeeklyReview.week == week).order_by(WeeklyReview.id)
    ).all()
    submitted = [r for r in rows if r.status == "submitted"]
    amended_by = {r.amends_review_id: r for r in submitted if r.amends_review_id is not None}
    current = next((r for r in reversed(submitted) if r.id not in amended_by), None)
    drafts = [r for r in rows if r.status == "draft"]
    # One draft per week: an amendment of the current version, or a new review when none is submitted.
    if current is not None:
        draft = next((r for r in drafts if r.amends_review_id == current.id), None)
    else:
        draft = next((r for r in drafts if r.amends_review_id is None), None)
    return _WeekRows(submitted, amended_by, current, draft)


def _user_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.exec(select(User.id, User.display_name).where(User.id.in_(ids))).all())


def _default_week(submitted_weeks: set[int], last_week: int) -> int:
    """The earliest week up to ``last_week`` with no submitted review, else ``last_week``."""
    return next((w for w in range(1, last_week + 1) if w not in submitted_weeks), last_week)


def _week_statuses(session: Session, case_id: int, last_week: int) -> list[WeekStatus]:
    rows = session.exec(
        select(
            WeeklyReview.week, WeeklyReview.status, WeeklyReview.submitted_at, WeeklyReview.amends_review_id,
            User.display_name, WeeklyReview.signed_off_at,
        )
        .outerjoin(User, User.id == WeeklyReview.signed_off_by)
        .where(WeeklyReview.case_id == case_id)
        .order_by(WeeklyReview.id)
    ).all()
    by_week: dict[int, WeekStatus] = {}
    for week, status, submitted_at, amends, signer, signed_at in rows:
        seen = by_week.get(week)
        if status == "submitted":
            label = "amended and resubmitted" if amends else "submitted"
            by_week[week] = WeekStatus(week, label, submitted_at, signer if signed_at else None, signed_at)
        elif seen is None or seen.status == "not started":
            by_week[week] = WeekStatus(week, "draft")
    return [by_week.get(w, WeekStatus(w, "not started")) for w in range(1, last_week + 1)]


def review_page(session: Session, user: Principal, case_id: int, *, week: int | None = None, today: date) -> ReviewPage:
    """Everything the weekly review page shows for one week (default: the first week due).

    A week outside the plan or not yet started raises InvalidInput({"week": message}).
    """
    ref = check(session, user, Action.VIEW, case_id)
    case = _case(session, case_id)
    current = _current_week(case, today)
    last_week = max(1, min(current, case.planned_weeks))
    submitted_weeks = set(
        session.exec(
            select(WeeklyReview.week).where(WeeklyReview.case_id == case_id, WeeklyReview.status == "submitted")
        ).all()
    )
    default = _default_week(submitted_weeks, last_week)
    if week is None:
        week = default
    problem = _week_problem(week, case, today)
    if problem:
        raise InvalidInput({"week": problem})
    can_edit = is_allowed(user, Action.EDIT, ref)

    all_drivers = session.exec(select(Driver).where(Driver.case_id == case_id).order_by(Driver.system, Driver.name)).all()
    names = {d.id: d.name for d in all_drivers}
    live = [d for d in all_drivers if d.archived_at is None]
    prioritised = [d for d in live if d.prioritised and d.kind == "need"]
    this_week, overall_now = _ratings_of_week(session, case_id, week)
    last, overall_last = _ratings_of_week(session, case_id, week - 1) if week > 1 else ({}, None)

    rows = _week_rows(session, case_id, week)
    people = _user_names(session, {r.submitted_by for r in rows.submitted if r.submitted_by})
    history = [_version(session, r, rows.amended_by.get(r.id), people) for r in rows.submitted]
    current_version = next((v for v in history if rows.current is not None and v.id == rows.current.id), None)
    draft = _version(session, rows.draft, None, people) if rows.draft is not None and can_edit else None

    audit.record(session, actor=user, action="view", object_type="weekly_review", object_id=rows.current.id if rows.current else None, case_id=case_id)
    return ReviewPage(
        case_id=case_id,
        alias=case.alias,
        week=week,
        current_week=current,
        last_week=last_week,
        planned_weeks=case.planned_weeks,
        default_week=default,
        case_start=case.start_date,
        can_edit=can_edit,
        goals=_goals(session, case_id, week, names),
        next_goals=_goals(session, case_id, week + 1, names) if week < case.planned_weeks else [],
        prioritised=[RatedDriver(d.id, d.name, d.system, last.get(d.id), this_week.get(d.id)) for d in prioritised],
        overall_last_week=overall_last,
        overall_this_week=overall_now,
        drivers=sorted(
            (DriverChoice(d.id, d.name, d.system, d.kind, d.prioritised) for d in live),
            key=lambda d: (not (d.prioritised and d.kind == "need"), d.kind != "need", d.name.casefold()),
        ),
        driver_names=names,
        submitted=current_version,
        history=history,
        draft=draft,
        has_draft=rows.draft is not None,
        weeks=_week_statuses(session, case_id, last_week),
    )


def review_of_week(session: Session, case_id: int, week: int, *, include_draft: bool) -> ReviewVersion | None:
    """The week's review as it stands (latest submitted version), or the draft when there is no
    submitted one and ``include_draft``. No access check: callers have made it (reports)."""
    rows = _week_rows(session, case_id, week)
    people = _user_names(session, {r.submitted_by for r in rows.submitted if r.submitted_by})
    if rows.current is not None:
        return _version(session, rows.current, None, people)
    if include_draft and rows.draft is not None:
        return _version(session, rows.draft, None, people)
    return None


def week_goals(session: Session, case_id: int, week: int) -> list[WeekGoal]:
    """The intermediary goals set for ``week`` (no access check: callers have made it)."""
    names = dict(session.exec(select(Driver.id, Driver.name).where(Driver.case_id == case_id)).all())
    return _goals(session, case_id, week, names)


# --------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class _Context:
    case: Case
    week: int
    goals: dict[int, Goal]  # week W's intermediary goals
    prioritised: dict[int, Driver]
    live_drivers: dict[int, Driver]
    carried_already: set[int]  # week W goals that a week W+1 goal already carries on


def _context(session: Session, case: Case, week: int) -> _Context:
    goals = session.exec(
        select(Goal).where(Goal.case_id == case.id, Goal.level == "intermediary", Goal.week == week).order_by(Goal.id)
    ).all()
    live = session.exec(select(Driver).where(Driver.case_id == case.id, Driver.archived_at.is_(None))).all()
    carried = set(
        session.exec(
            select(Goal.carries_on_from).where(
                Goal.case_id == case.id, Goal.week == week + 1, Goal.carries_on_from.is_not(None)
            )
        ).all()
    )
    return _Context(
        case=case,
        week=week,
        goals={g.id: g for g in goals},
        prioritised={d.id: d for d in live if d.prioritised and d.kind == "need"},
        live_drivers={d.id: d for d in live},
        carried_already=carried,
    )


def _text_problem(value: object, label: str, max_len: int, *, required: bool) -> str | None:
    if not isinstance(value, str):
        return f"Please fill in {label} as text."
    if not value.strip():
        return f"Please fill in {label}." if required else None
    return validate_required(value, label, max_len)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check(content: ReviewContent, ctx: _Context, *, final: bool) -> dict[str, str]:
    """Field -> message. ``final`` (submitting) also requires completeness."""
    errors: dict[str, str] = {}
    for name in TEXT_FIELDS:
        problem = _text_problem(getattr(content, name), TEXT_LABELS[name], MAX_TEXT, required=final and name in REQUIRED_TEXT)
        if problem:
            errors[name] = problem

    for goal_id, mark in content.marks.items():
        if goal_id not in ctx.goals:
            errors["marks"] = "A goal marked here is no longer one of this week's goals. Reload the page."
        elif mark not in RATED_GOAL_STATUSES:
            errors[f"mark_{goal_id}"] = "Please mark the goal as met, partly met or not met."
    if final:
        for goal_id in ctx.goals:
            if content.marks.get(goal_id) is None:
                errors[f"mark_{goal_id}"] = "Please mark this goal: met, partly met or not met."

    next_week_problem = validate_week(ctx.week + 1, ctx.case.planned_weeks)
    for goal_id in content.carry_on:
        if goal_id not in ctx.goals:
            errors["marks"] = "A goal carried on here is no longer one of this week's goals. Reload the page."
        elif content.marks.get(goal_id) not in ("not_met", "partly_met"):
            errors[f"carry_{goal_id}"] = "Only a goal marked not met or partly met can be carried on."
        elif goal_id in ctx.carried_already:
            errors[f"carry_{goal_id}"] = f"This goal is already carried on into week {ctx.week + 1}."
        elif next_week_problem:
            errors[f"carry_{goal_id}"] = f"{next_week_problem} This is the last week: nothing can be carried on."

    for driver_id, value in content.ratings.items():
        if driver_id not in ctx.prioritised:
            errors["ratings"] = "A driver rated here is no longer a prioritised need. Reload the page."
        elif value is not None:
            problem = validate_rating(value)
            if problem:
                errors[f"rating_{driver_id}"] = problem
    if final:
        for driver_id in ctx.prioritised:
            if content.ratings.get(driver_id) is None:
                errors[f"rating_{driver_id}"] = "Please rate this driver from 0 to 10."
    if content.overall is not None:
        problem = validate_rating(content.overall)
        if problem:
            errors["overall"] = problem
    elif final:
        errors["overall"] = (
            "Please give the overall safety scale from 0 (the child cannot safely live at home) "
            "to 10 (safe enough to close)."
        )

    if len(content.new_goals) > MAX_NEW_GOALS:
        errors["new_goals"] = f"Please set at most {MAX_NEW_GOALS} goals for one week."
    elif content.new_goals and next_week_problem:
        errors["new_goals"] = f"{next_week_problem} This is the last week of the plan: no goals for next week."
    else:
        for i, goal in enumerate(content.new_goals):
            blank = not (isinstance(goal.text, str) and goal.text.strip()) and not (isinstance(goal.owner, str) and goal.owner.strip()) and not goal.driver_ids
            if blank and not final:
                continue  # an empty row in a draft
            problem = _text_problem(goal.text, "the goal", MAX_GOAL_TEXT, required=True)
            if problem:
                errors[f"new_goal_{i}_text"] = problem + (" (or remove this row)" if blank else "")
            problem = _text_problem(goal.owner, "who owns the goal", MAX_OWNER, required=False)
            if problem:
                errors[f"new_goal_{i}_owner"] = problem
            unknown = [d for d in goal.driver_ids if not _is_int(d) or d not in ctx.live_drivers]
            if unknown:
                errors[f"new_goal_{i}_drivers"] = "A driver chosen here is no longer on the map. Choose again."
            elif final and not goal.driver_ids:
                errors[f"new_goal_{i}_drivers"] = "Please link the goal to the driver (or drivers) it replaces."
    return errors


# --------------------------------------------------------------------------- drafting


def _json(content: ReviewContent, **extra) -> str:
    return json.dumps({"v": 1, "content": content.to_dict(), **extra}, ensure_ascii=False, sort_keys=True)


def _text_values(content: ReviewContent) -> dict[str, str]:
    return {name: getattr(content, name) for name in TEXT_FIELDS}


def _versioned(session: Session, review_id: int, version: int, values: dict, *, status: str = "draft") -> int:
    changed = session.execute(
        update(WeeklyReview)
        .where(WeeklyReview.id == review_id, WeeklyReview.version == version, WeeklyReview.status == status)
        .values(**values, version=WeeklyReview.version + 1)
    ).rowcount
    if changed != 1:
        raise StaleEdit(
            "This review was saved or submitted from another window after you opened it, so your change was "
            "not saved. Reload to see the saved version, then make your change again."
        )
    return version + 1


def save_draft(
    session: Session,
    user: Principal,
    case_id: int,
    week: int,
    content: ReviewContent,
    *,
    review_id: int | None = None,
    version: int | None = None,
    today: date,
) -> DraftState:
    """Save what is typed so far. ``review_id`` None starts the week's draft (a new review).

    Refuses (InvalidInput) a week outside the plan or not yet started, a week that already has a
    submitted review (amend it instead), and values of the wrong form; StaleEdit if the draft was
    saved elsewhere since ``version``.
    """
    check(session, user, Action.EDIT, case_id)
    case = _case(session, case_id)
    problem = _week_problem(week, case, today)
    if problem:
        raise InvalidInput({"week": problem})
    if review_id is None:
        rows = _week_rows(session, case_id, week)
        if rows.current is not None:
            raise InvalidInput({"review": f"Week {week} already has a submitted review: amend it instead."})
        if rows.draft is not None:
            raise StaleEdit(
                f"A draft of the week {week} review was started in another window. Reload to carry on with it."
            )
    else:
        row = session.get(WeeklyReview, review_id)
        if row is None or row.case_id != case_id or row.week != week:
            raise NotFound("That review is not in this case.")
        if row.status != "draft":
            raise StaleEdit("This review has been submitted, so it is read-only now. Reload to see it.")
    errors = _check(content, _context(session, case, week), final=False)
    if errors:
        raise InvalidInput(errors)
    if review_id is None:
        row = WeeklyReview(case_id=case_id, week=week, status="draft", draft_json=_json(content), **_text_values(content))
        session.add(row)
        session.flush()
        audit.record(session, actor=user, action="create", object_type="weekly_review", object_id=row.id, case_id=case_id)
        return DraftState(row.id, row.version)
    amends = row.amends_review_id
    extra = _parse(row.draft_json)
    keep = {"amends": amends} if amends else {}
    if "replaced" in extra:
        keep["replaced"] = extra["replaced"]
    new_version = _versioned(session, review_id, version, {"draft_json": _json(content, **keep), **_text_values(content)})
    audit.record(session, actor=user, action="update", object_type="weekly_review", object_id=review_id, case_id=case_id)
    return DraftState(review_id, new_version)


def start_amendment(session: Session, user: Principal, case_id: int, review_id: int, *, today: date) -> DraftState:
    """Open a draft amending the submitted review ``review_id`` (or return the one already open)."""
    check(session, user, Action.EDIT, case_id)
    original = session.get(WeeklyReview, review_id)
    if original is None or original.case_id != case_id or original.status != "submitted":
        raise NotFound("That submitted review is not in this case.")
    rows = _week_rows(session, case_id, original.week)
    if rows.current is None or rows.current.id != review_id:
        raise StaleEdit("This review has already been amended. Reload and amend the latest version.")
    if rows.draft is not None:
        return DraftState(rows.draft.id, rows.draft.version)
    people = _user_names(session, {original.submitted_by} if original.submitted_by else set())
    content = _version(session, original, None, people).content
    content = replace(content, carry_on=(), new_goals=())
    row = WeeklyReview(
        case_id=case_id,
        week=original.week,
        status="draft",
        amends_review_id=original.id,
        draft_json=_json(content, amends=original.id),
        **_text_values(content),
    )
    session.add(row)
    session.flush()
    audit.record(session, actor=user, action="create", object_type="weekly_review", object_id=row.id, case_id=case_id)
    return DraftState(row.id, row.version)


# --------------------------------------------------------------------------- submitting


def _upsert_rating(session: Session, user: Principal, case_id: int, week: int, subject: str, subject_id: int | None, value: int) -> None:
    query = select(Rating).where(Rating.case_id == case_id, Rating.week == week, Rating.subject == subject)
    query = query.where(Rating.subject_id.is_(None)) if subject_id is None else query.where(Rating.subject_id == subject_id)
    rows = session.exec(query.order_by(Rating.id)).all()
    if rows:
        for row in rows:  # (the overall scale has no unique key: keep every copy in step)
            row.value, row.recorded_by, row.recorded_at = value, user.id, utcnow()
            session.add(row)
        session.flush()
        audit.record(session, actor=user, action="update", object_type="rating", object_id=rows[0].id, case_id=case_id)
        return
    row = Rating(case_id=case_id, week=week, subject=subject, subject_id=subject_id, value=value, recorded_by=user.id)
    session.add(row)
    session.flush()
    audit.record(session, actor=user, action="create", object_type="rating", object_id=row.id, case_id=case_id)


def submit_review(
    session: Session,
    user: Principal,
    case_id: int,
    review_id: int,
    content: ReviewContent,
    *,
    version: int,
    today: date,
) -> None:
    """Check everything, then write the week's ratings, goal statuses and next week's goals and
    mark the review submitted (see the module docstring, including what an amendment overwrites).

    Run it inside one unit of work: an error leaves the database as it was.
    """
    check(session, user, Action.EDIT, case_id)
    case = _case(session, case_id)
    row = session.get(WeeklyReview, review_id)
    if row is None or row.case_id != case_id:
        raise NotFound("That review is not in this case.")
    if row.status != "draft":
        raise StaleEdit("This review has already been submitted, so it is read-only. Reload to see it.")
    week = row.week
    problem = validate_week(week, case.planned_weeks)
    if problem:
        raise InvalidInput({"week": problem})
    rows = _week_rows(session, case_id, week)
    original = session.get(WeeklyReview, row.amends_review_id) if row.amends_review_id else None
    if original is None and rows.current is not None:
        raise InvalidInput({"review": f"Week {week} already has a submitted review: amend it instead."})
    if original is not None and (rows.current is None or rows.current.id != original.id):
        raise StaleEdit("The review this amends has already been amended. Reload and amend the latest version.")
    ctx = _context(session, case, week)
    errors = _check(content, ctx, final=True)
    if errors:
        raise InvalidInput(errors)

    content = content.trimmed()
    ratings = {driver_id: value for driver_id, value in content.ratings.items() if value is not None}
    extra: dict = {}
    if original is not None:
        live = _live_values(session, case_id, week)
        extra = {"amends": original.id, "replaced": ReviewContent(marks=live["marks"], ratings=live["ratings"], overall=live["overall"]).to_dict()}
    _versioned(
        session,
        review_id,
        version,
        {
            **_text_values(content),
            "status": "submitted",
            "submitted_at": utcnow(),
            "submitted_by": user.id,
            "draft_json": _json(replace(content, ratings=ratings), **extra),
        },
    )

    # Ratings for week W, and each driver's "now" if W is its latest rated week.
    for driver_id, value in ratings.items():
        _upsert_rating(session, user, case_id, week, "driver", driver_id, value)
        latest = session.exec(
            select(func.max(Rating.week)).where(Rating.case_id == case_id, Rating.subject == "driver", Rating.subject_id == driver_id)
        ).one()
        if latest is None or week >= latest:
            session.execute(update(Driver).where(Driver.id == driver_id).values(rating=value, version=Driver.version + 1))
            audit.record(session, actor=user, action="update", object_type="driver", object_id=driver_id, case_id=case_id)
    _upsert_rating(session, user, case_id, week, "overall", None, content.overall)

    # The week's goals as marked.
    for goal_id, mark in content.marks.items():
        if ctx.goals[goal_id].status != mark:
            session.execute(update(Goal).where(Goal.id == goal_id).values(status=mark, version=Goal.version + 1))
            audit.record(session, actor=user, action="update", object_type="goal", object_id=goal_id, case_id=case_id)

    # Next week's goals: carried on, then new.
    links = {
        goal_id: [d for (d,) in session.execute(select(GoalDriver.driver_id).where(GoalDriver.goal_id == goal_id)).all()]
        for goal_id in content.carry_on
    }
    planned = [
        (Goal(case_id=case_id, level="intermediary", text=ctx.goals[g].text, criterion=ctx.goals[g].criterion,
              family_wording=ctx.goals[g].family_wording, week=week + 1, owner=ctx.goals[g].owner, carries_on_from=g),
         [d for d in links[g] if d in ctx.live_drivers])
        for g in dict.fromkeys(content.carry_on)
    ]
    planned += [
        (Goal(case_id=case_id, level="intermediary", text=g.text, week=week + 1, owner=g.owner), list(g.driver_ids))
        for g in content.new_goals
    ]
    for goal, driver_ids in planned:
        session.add(goal)
        session.flush()
        session.add_all(GoalDriver(goal_id=goal.id, driver_id=d) for d in dict.fromkeys(driver_ids))
        audit.record(session, actor=user, action="create", object_type="goal", object_id=goal.id, case_id=case_id)
    session.flush()
    audit.record(session, actor=user, action="submit", object_type="weekly_review", object_id=review_id, case_id=case_id)
