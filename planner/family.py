"""The family's summary of their own plan: built from an allow-list, previewed, published, read back.

**The allow-list.** `ALLOWED_COLUMNS` names every column the summary reads, and `_columns()` refuses
any other: the summary is assembled field by field from family-safe columns, never copied from the
clinical plan and trimmed. The behaviour that brought the family in, victims and other people,
driver names, descriptions, evidence and hypotheses, goal texts and criteria, weekly reviews,
comments, safety rules, desired outcomes and adherence scores are never read. Drivers and goals
reach the family only through the `family_wording` the therapist wrote for them; one with no such
wording is left out (the therapist's preview lists what was left out and why).

**Publishing.** The therapist previews the summary (the same page the family will see), may add a
short message, and publishes it: a `FamilySummarySnapshot` holds the serialised `FamilySummary`.
The family only ever sees the latest published snapshot: never a draft, never live data.

Access: preview needs Action.VIEW (the case's therapist, their supervisor), publishing Action.EDIT
(the therapist), reading the published summary Action.VIEW_FAMILY_SUMMARY (the family too).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from goals.progress import weeks_left as _weeks_left
from goals.timeline import plan_end, plan_week, readable_date
from planner import audit
from planner.access import Action, Principal, is_allowed
from planner.errors import InvalidInput
from planner.guard import check
from planner.models import Case, Driver, FamilySummarySnapshot, Goal, Rating, User, utcnow
from planner.reports.readability import fk_grade, words

# Every column the family summary reads (filters and ordering included). Nothing else is touched.
ALLOWED_COLUMNS: dict[str, tuple[str, ...]] = {
    "plan_case": ("id", "alias", "start_date", "planned_weeks", "status", "closed_on"),
    "driver": ("id", "case_id", "kind", "prioritised", "status", "archived_at", "family_wording"),
    "goal": ("id", "case_id", "level", "status", "family_wording"),
    "rating": ("case_id", "subject", "week", "value"),
}

MAX_GRADE = 6.0  # Flesch-Kincaid grade a child of about 11 can read
MAX_MESSAGE = 500
MIN_WORDS_TO_MEASURE = 10  # the grade of a shorter text swings on a single long word
SNAPSHOT_FORMAT = 1
_INVISIBLE_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")


def _columns(model, *names: str) -> list:
    """The model's columns `names`, refusing any column outside the allow-list."""
    allowed = ALLOWED_COLUMNS[model.__tablename__]
    outside = [n for n in names if n not in allowed]
    if outside:
        raise LookupError(f"{model.__tablename__}.{', '.join(outside)} is not on the family allow-list")
    return [getattr(model, n) for n in names]


def _column(model, name: str):
    return _columns(model, name)[0]


@dataclass(frozen=True)
class FamilySummary:
    """Everything the family sees, and nothing more. Published snapshots hold exactly this."""

    first_name: str
    week: int
    planned_weeks: int
    weeks_left: int
    plan_end: date
    closed: bool
    going_well: tuple[str, ...]  # strengths, in the family's words
    goals_reached: tuple[str, ...]
    working_on: tuple[str, ...]  # prioritised needs, then goals not reached yet
    scale: tuple[tuple[int, int], ...]  # (week, overall 0-10)
    message: str = ""  # from the therapist, optional

    def to_json(self) -> str:
        content = asdict(self)
        content["plan_end"] = self.plan_end.isoformat()
        return json.dumps({"format": SNAPSHOT_FORMAT, "summary": content}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> FamilySummary:
        data = json.loads(text)
        if data.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(f"unknown family summary format {data.get('format')!r}")
        s = data["summary"]
        return cls(
            first_name=str(s["first_name"]),
            week=int(s["week"]),
            planned_weeks=int(s["planned_weeks"]),
            weeks_left=int(s["weeks_left"]),
            plan_end=date.fromisoformat(s["plan_end"]),
            closed=bool(s["closed"]),
            going_well=tuple(map(str, s["going_well"])),
            goals_reached=tuple(map(str, s["goals_reached"])),
            working_on=tuple(map(str, s["working_on"])),
            scale=tuple((int(w), int(v)) for w, v in s["scale"]),
            message=str(s.get("message", "")),
        )


# --------------------------------------------------------------------------- choosing what is shown


@dataclass(frozen=True)
class _Row:
    id: int
    what: str  # strength, need or goal
    wording: str
    prioritised: bool = False
    status: str = ""


def _same(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip(".!").casefold()


def _choose(drivers: list[_Row], goals: list[_Row]) -> tuple[dict[str, list[str]], dict[tuple[str, int], str]]:
    """What goes in each section, and why each driver or goal that is not shown was left out.

    Strengths come first; a need shows when prioritised; overarching goals show as reached (met) or
    being worked on. Only drivers supported by evidence show: a hypothesis is never shared. The same
    words twice are shown once (a goal reached is not also "being worked on").
    """
    shown: dict[str, list[str]] = {"going_well": [], "goals_reached": [], "working_on": []}
    why: dict[tuple[str, int], str] = {}
    seen: set[str] = set()

    def add(section: str, row: _Row, kind: str) -> None:
        if _same(row.wording) in seen:
            why[(kind, row.id)] = "Same words as another line already shown."
            return
        seen.add(_same(row.wording))
        shown[section].append(row.wording.strip())

    candidates: list[tuple[str, _Row, str]] = []
    for row in drivers:
        if row.status == "ruled_out":
            why[("driver", row.id)] = "Ruled out."
        elif row.what == "need" and not row.prioritised:
            why[("driver", row.id)] = "Not a current priority."
        elif row.status != "supported":
            why[("driver", row.id)] = "Still a hypothesis: shown once it is supported by evidence."
        elif not row.wording.strip():
            why[("driver", row.id)] = "No family wording yet: add it in the driver map."
        else:
            candidates.append(("going_well" if row.what == "strength" else "working_on", row, "driver"))
    for row in goals:
        if not row.wording.strip():
            why[("goal", row.id)] = "No family wording yet: add it to the goal."
        else:
            candidates.append(("goals_reached" if row.status == "met" else "working_on", row, "goal"))
    # Strengths, then goals reached, then needs, then goals still ahead: a reached goal wins over a
    # need worded the same.
    order = {("going_well", "driver"): 0, ("goals_reached", "goal"): 1, ("working_on", "driver"): 2, ("working_on", "goal"): 3}
    for section, row, kind in sorted(candidates, key=lambda c: order[(c[0], c[2])]):
        add(section, row, kind)
    return shown, why


def _read_rows(session: Session, case_id: int) -> tuple[list[_Row], list[_Row]]:
    d_id, d_kind, d_prio, d_status, d_wording = _columns(Driver, "id", "kind", "prioritised", "status", "family_wording")
    drivers = session.exec(
        select(d_id, d_kind, d_prio, d_status, d_wording)
        .where(_column(Driver, "case_id") == case_id, _column(Driver, "archived_at").is_(None))
        .order_by(d_id)
    ).all()
    g_id, g_status, g_wording = _columns(Goal, "id", "status", "family_wording")
    goals = session.exec(
        select(g_id, g_status, g_wording)
        .where(_column(Goal, "case_id") == case_id, _column(Goal, "level") == "overarching")
        .order_by(g_id)
    ).all()
    return (
        [_Row(i, kind, wording or "", bool(prio), status) for i, kind, prio, status, wording in drivers],
        [_Row(i, "goal", wording or "", status=status) for i, status, wording in goals],
    )


def build_family_summary(session: Session, case_id: int, *, today: date, message: str = "") -> FamilySummary:
    """The family summary of a case as it stands on `today`, read through the allow-list only.

    No access check here: it is for the services below (which check first) and the demo loader.
    """
    alias, start, planned, status, closed_on = session.exec(
        select(*_columns(Case, "alias", "start_date", "planned_weeks", "status", "closed_on")).where(
            _column(Case, "id") == case_id
        )
    ).one()
    week = min(plan_week(start, closed_on or today), planned)
    drivers, goals = _read_rows(session, case_id)
    shown, _ = _choose(drivers, goals)
    r_week, r_value = _columns(Rating, "week", "value")
    scale = session.exec(
        select(r_week, r_value)
        .where(_column(Rating, "case_id") == case_id, _column(Rating, "subject") == "overall", r_week <= week)
        .order_by(r_week)
    ).all()
    return FamilySummary(
        first_name=alias,
        week=week,
        planned_weeks=planned,
        weeks_left=0 if status == "closed" else _weeks_left(week, planned),
        plan_end=plan_end(start, planned),
        closed=status == "closed",
        going_well=tuple(shown["going_well"]),
        goals_reached=tuple(shown["goals_reached"]),
        working_on=tuple(shown["working_on"]),
        scale=tuple((int(w), int(v)) for w, v in scale),
        message=message.strip(),
    )


def new_snapshot(summary: FamilySummary, *, case_id: int, published_by: int, published_at: datetime | None = None) -> FamilySummarySnapshot:
    """The row that publishes `summary` (the caller adds it to the session)."""
    return FamilySummarySnapshot(
        case_id=case_id, published_by=published_by, published_at=published_at or utcnow(), content_json=summary.to_json()
    )


# --------------------------------------------------------------------------- the words the family reads


@dataclass(frozen=True)
class Section:
    heading: str
    intro: str
    items: tuple[str, ...]
    empty: str


@dataclass(frozen=True)
class FamilyPage:
    """The family page as words, in the order shown: the screen, the PDF and the reading grade all use it."""

    title: str
    subtitle: str
    message_heading: str
    message: str
    metrics: tuple[tuple[str, str], ...]  # (label, value)
    sections: tuple[Section, ...]
    scale_heading: str
    scale_lines: tuple[str, ...]
    scale: tuple[tuple[int, int], ...]
    next_heading: str
    next_lines: tuple[str, ...]
    closing: str

    def text(self) -> str:
        """Every word on the page, one line per heading, item or sentence (for the reading grade)."""
        lines = [self.title, self.subtitle]
        if self.message:
            lines += [self.message_heading, self.message]
        lines += [f"{label}: {value}." for label, value in self.metrics]
        for section in self.sections:
            lines += [section.heading, section.intro, *(section.items or (section.empty,))]
        lines += [self.scale_heading, *self.scale_lines, self.next_heading, *self.next_lines, self.closing]
        return "\n".join(line for line in lines if line)


PAGE_TITLE = "Our progress"
NOTHING_YET = "Your therapist will share your first summary soon."


def family_page(summary: FamilySummary, *, shared_on: date) -> FamilyPage:
    s = summary
    scale_lines = ["Each week we give a score from 0 to 10.", "0 means things are very hard.", "10 means things feel safe and calm."]
    if s.scale:
        first, latest = s.scale[0][1], s.scale[-1][1]
        scale_lines.append(f"The latest score is {latest}.")
        if len(s.scale) > 1:
            scale_lines.append(f"At the start it was {first}.")
        if latest < max(v for _, v in s.scale):
            scale_lines.append("Scores can go up and down. That is OK.")
    else:
        scale_lines.append("Your first score will show here soon.")
    if s.closed:
        next_lines = ("The plan has now finished.", "Thank you for all your hard work.")
        metrics: tuple[tuple[str, str], ...] = (("Weeks in the plan", str(s.week)),)
    else:
        if s.weeks_left == 0:
            left = "This is the last week of the plan."
        elif s.weeks_left == 1:
            left = "There is 1 week left in the plan."
        else:
            left = f"There are {s.weeks_left} weeks left in the plan."
        next_lines = ("We will keep meeting each week.", left, f"It ends around {readable_date(s.plan_end)}.")
        metrics = (("Week of the plan", f"{s.week} of {s.planned_weeks}"), ("Weeks left", str(s.weeks_left)))
    return FamilyPage(
        title=PAGE_TITLE,
        subtitle=f"{s.first_name}'s plan, in a few words. Shared by your therapist on {readable_date(shared_on)}.",
        message_heading="A message from your therapist",
        message=s.message,
        metrics=metrics,
        sections=(
            Section("What is going well", "Here are some good things we see.", s.going_well, "Your therapist will add this soon."),
            Section("Goals we have reached", "Well done on these.", s.goals_reached, "We are still working on our goals."),
            Section("What we are working on", "We are working on these together.", s.working_on, "Your therapist will add this soon."),
        ),
        scale_heading="How things are going",
        scale_lines=tuple(scale_lines),
        scale=s.scale,
        next_heading="What happens next",
        next_lines=next_lines,
        closing="You can talk about any of this with your therapist.",
    )


def reading_grade(summary: FamilySummary, *, shared_on: date) -> float:
    return round(fk_grade(family_page(summary, shared_on=shared_on).text()), 1)


# --------------------------------------------------------------------------- the therapist's message


def validate_message(message: object) -> dict[str, str]:
    """Errors for the optional message (empty dict when it is fine): length, hidden characters, reading grade."""
    if not isinstance(message, str):
        return {"message": "The message must be text."}
    text = message.strip()
    if len(text) > MAX_MESSAGE:
        return {"message": f"Please keep the message to {MAX_MESSAGE} characters or fewer (it is {len(text)})."}
    if any((ord(ch) < 32 and ch not in "\n\r\t") or 0x7F <= ord(ch) < 0xA0 or ch in _INVISIBLE_CONTROLS for ch in text):
        return {"message": "The message contains hidden characters, perhaps pasted with the text. Please retype it."}
    if len(words(text)) >= MIN_WORDS_TO_MEASURE:
        grade = fk_grade(text)
        if grade > MAX_GRADE:
            return {
                "message": f"This message reads at about grade {grade:.1f}; families need grade 6 or below "
                "(about age 11). Try shorter sentences and shorter words."
            }
    return {}


# --------------------------------------------------------------------------- services


@dataclass(frozen=True)
class LeftOut:
    kind: str  # strength, need or goal
    name: str  # the clinical name: for the therapist's preview only
    reason: str


@dataclass(frozen=True)
class PublishedSummary:
    summary: FamilySummary
    published_at: datetime

    @property
    def shared_on(self) -> date:
        return self.published_at.date()


@dataclass(frozen=True)
class FamilyPreview:
    """The therapist's view before publishing: the summary as the family would see it, and checks on it."""

    case_id: int
    alias: str
    summary: FamilySummary
    grade: float
    hard_lines: tuple[tuple[str, float], ...]  # family wording reading above grade 6, hardest first
    left_out: tuple[LeftOut, ...]
    message_errors: dict[str, str]
    can_publish: bool
    published: PublishedSummary | None
    published_by: str | None


def _latest_snapshot(session: Session, case_id: int) -> tuple[int, PublishedSummary] | None:
    row = session.exec(
        select(FamilySummarySnapshot.id, FamilySummarySnapshot.published_at, FamilySummarySnapshot.content_json)
        .where(FamilySummarySnapshot.case_id == case_id)
        .order_by(FamilySummarySnapshot.published_at.desc(), FamilySummarySnapshot.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    snapshot_id, published_at, content = row
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    return snapshot_id, PublishedSummary(FamilySummary.from_json(content), published_at)


def _left_out(session: Session, case_id: int) -> tuple[LeftOut, ...]:
    drivers, goals = _read_rows(session, case_id)
    _, why = _choose(drivers, goals)
    if not why:
        return ()
    # The therapist's own view (Action.VIEW was checked): clinical names say which is which.
    driver_names = dict(
        session.exec(select(Driver.id, Driver.name).where(Driver.id.in_([i for k, i in why if k == "driver"]))).all()
    )
    goal_names = dict(session.exec(select(Goal.id, Goal.text).where(Goal.id.in_([i for k, i in why if k == "goal"]))).all())
    kinds = {row.id: row.what for row in drivers}
    rows = [
        LeftOut(kinds[i] if k == "driver" else "goal", driver_names[i] if k == "driver" else goal_names[i], reason)
        for (k, i), reason in why.items()
    ]
    order = {"No family wording": 0, "Still a hypothesis": 1, "Same words": 2, "Ruled out": 3, "Not a current": 4}
    return tuple(sorted(rows, key=lambda r: (next((v for p, v in order.items() if r.reason.startswith(p)), 9), r.kind, r.name)))


def preview_family_summary(session: Session, user: Principal, case_id: int, *, today: date, message: str = "") -> FamilyPreview:
    ref = check(session, user, Action.VIEW, case_id)
    summary = build_family_summary(session, case_id, today=today, message=message)
    items = summary.going_well + summary.goals_reached + summary.working_on
    hard = sorted(((item, round(fk_grade(item), 1)) for item in items), key=lambda p: -p[1])
    latest = _latest_snapshot(session, case_id)
    published_by = None
    if latest is not None:
        published_by = session.exec(
            select(User.display_name)
            .join(FamilySummarySnapshot, FamilySummarySnapshot.published_by == User.id)
            .where(FamilySummarySnapshot.id == latest[0])
        ).first()
    audit.record(session, actor=user, action="view", object_type="family_summary_preview", case_id=case_id)
    return FamilyPreview(
        case_id=case_id,
        alias=summary.first_name,
        summary=summary,
        grade=reading_grade(summary, shared_on=today),
        hard_lines=tuple((item, grade) for item, grade in hard if grade > MAX_GRADE),
        left_out=_left_out(session, case_id),
        message_errors=validate_message(message),
        can_publish=is_allowed(user, Action.EDIT, ref),
        published=latest[1] if latest else None,
        published_by=published_by,
    )


def publish_family_summary(session: Session, user: Principal, case_id: int, *, today: date, message: str = "") -> int:
    """Publish the summary as it stands now (with the optional message); returns the snapshot id."""
    check(session, user, Action.EDIT, case_id)
    errors = validate_message(message)
    if errors:
        raise InvalidInput(errors)
    summary = build_family_summary(session, case_id, today=today, message=message)
    snapshot = new_snapshot(summary, case_id=case_id, published_by=user.id)
    session.add(snapshot)
    session.flush()
    audit.record(session, actor=user, action="publish", object_type="family_summary", object_id=snapshot.id, case_id=case_id)
    return snapshot.id


def published_family_summary(session: Session, user: Principal, case_id: int) -> PublishedSummary | None:
    """The latest published summary (None before the first is published): what the family sees."""
    check(session, user, Action.VIEW_FAMILY_SUMMARY, case_id)
    latest = _latest_snapshot(session, case_id)
    audit.record(
        session, actor=user, action="view", object_type="family_summary", object_id=latest[0] if latest else None, case_id=case_id
    )
    return latest[1] if latest else None


def latest_published(session: Session, case_id: int) -> PublishedSummary | None:
    """The latest snapshot with no access check or audit: for services that have done both (the PDF)."""
    latest = _latest_snapshot(session, case_id)
    return latest[1] if latest else None
