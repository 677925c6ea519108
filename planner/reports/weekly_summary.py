"""The weekly case summary for supervision, in the standard MST-PSB structure, on screen and as a PDF.

``weekly_summary`` (Action.VIEW) builds a ``WeeklySummary`` dataclass from the week's review as it
stands (the latest submitted version), or, for the case's therapist, from the draft when nothing is
submitted yet (the summary then says "draft"). ``render_pdf`` is pure: the dataclass in, PDF bytes
out, plain text only. ``weekly_summary_pdf`` (Action.EXPORT) does both and audits an "export".

The PDF is a staff document: its header on every page says it is confidential and contains
details of harm and of a child who was harmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from goals.model import GOAL_STATUS_LABELS
from goals.timeline import readable_date, week_label, week_start
from goals.validation import validate_week
from planner import audit
from planner.access import Action, Principal, is_allowed
from planner.errors import InvalidInput
from planner.guard import NotFound, check
from planner.models import Case, DesiredOutcome, Driver, Goal, Rating, ReferralBehaviour, Team, User
from planner.reports.pdf import FONT, ReportPDF
from planner.weekly_review import review_of_week, week_goals

CONFIDENTIAL = "Confidential: contains details of harm and of a child who was harmed"
SECTION_HEADINGS: tuple[str, ...] = (
    "1. Referral behaviours",
    "2. Desired outcomes",
    "3. Overarching goals",
    "4. Last week's goals and status",
    "5. Advances",
    "6. Barriers",
    "7. Fit update",
    "8. Next goals",
    "9. Ratings: this week and last",
)
OVERALL_LABEL = "Overall safety scale (0 = cannot safely live at home, 10 = safe enough to close)"


@dataclass(frozen=True)
class SummaryBehaviour:
    summary: str
    description: str
    frequency: str
    intensity: str
    duration: str
    hackett_level: str
    brook_colour: str


@dataclass(frozen=True)
class SummaryGoal:
    text: str
    owner: str
    status: str  # as people read it: "Met", "Partly met", "Not met", "Not yet marked"
    drivers: str = ""
    carried_on: bool = False


@dataclass(frozen=True)
class SummaryRating:
    subject: str  # a prioritised driver's name, or OVERALL_LABEL
    last_week: int | None
    this_week: int | None


@dataclass(frozen=True)
class WeeklySummary:
    case_id: int
    alias: str
    age: int
    therapist: str
    team: str
    week: int
    planned_weeks: int
    week_starts: date
    status: str  # "submitted" or "draft"
    submitted_at: datetime | None
    referral_behaviours: list[SummaryBehaviour]
    desired_outcomes: list[tuple[str, str]]  # (who, outcome in their own words)
    overarching_goals: list[SummaryGoal]
    last_week_goals: list[SummaryGoal]
    advances: str
    barriers: list[tuple[str, str]]  # (level, text): therapist, family, system
    fit_update: str
    next_goals: list[SummaryGoal]
    next_steps: str
    ratings: list[SummaryRating]  # prioritised drivers, then the overall scale

    @property
    def title(self) -> str:
        return f"Weekly case summary for supervision: {self.alias}, {week_label(self.week, self.planned_weeks)}"


_OVERARCHING_LABELS = {"open": "In progress", "met": "Met", "partly_met": "Partly met", "not_met": "Not met"}


def _status(status: str) -> str:
    return GOAL_STATUS_LABELS.get(status, status.replace("_", " "))


def weekly_summary(session: Session, user: Principal, case_id: int, week: int) -> WeeklySummary:
    """The summary of ``week``. NotFound when the week has no review to summarise yet."""
    ref = check(session, user, Action.VIEW, case_id)
    summary = _build(session, case_id, week, include_draft=is_allowed(user, Action.EDIT, ref))
    audit.record(session, actor=user, action="view", object_type="weekly_summary", object_id=case_id, case_id=case_id)
    return summary


def weekly_summary_pdf(session: Session, user: Principal, case_id: int, week: int) -> bytes:
    """The summary as a PDF (a staff document), audited as an export."""
    ref = check(session, user, Action.EXPORT, case_id)
    summary = _build(session, case_id, week, include_draft=is_allowed(user, Action.EDIT, ref))
    data = render_pdf(summary)
    audit.record(session, actor=user, action="export", object_type="weekly_summary", object_id=case_id, case_id=case_id)
    return data


def _build(session: Session, case_id: int, week: int, *, include_draft: bool) -> WeeklySummary:
    case = session.get(Case, case_id)
    problem = validate_week(week, case.planned_weeks)
    if problem:
        raise InvalidInput({"week": problem})
    review = review_of_week(session, case_id, week, include_draft=include_draft)
    if review is None:
        raise NotFound(f"There is no submitted review for week {week} yet, so there is no summary to show.")
    content = review.content
    therapist = session.get(User, case.therapist_id)
    team = session.get(Team, case.team_id)
    names = dict(session.exec(select(Driver.id, Driver.name).where(Driver.case_id == case_id)).all())

    behaviours = [
        SummaryBehaviour(r.summary, r.description, r.frequency, r.intensity, r.duration, r.hackett_level, r.brook_colour)
        for r in session.exec(select(ReferralBehaviour).where(ReferralBehaviour.case_id == case_id).order_by(ReferralBehaviour.id)).all()
    ]
    outcomes = [
        (o.who, o.outcome)
        for o in session.exec(select(DesiredOutcome).where(DesiredOutcome.case_id == case_id).order_by(DesiredOutcome.id)).all()
    ]
    overarching = [
        SummaryGoal(g.text, g.owner, _OVERARCHING_LABELS.get(g.status, _status(g.status)))
        for g in session.exec(
            select(Goal).where(Goal.case_id == case_id, Goal.level == "overarching").order_by(Goal.id)
        ).all()
    ]

    this_weeks = week_goals(session, case_id, week)
    marks = content.marks
    last_goals = [
        SummaryGoal(g.text, g.owner, _status(marks.get(g.id, g.status if review.status == "submitted" else "open")), g.drivers)
        for g in this_weeks
    ]
    if week < case.planned_weeks and review.status == "submitted":
        next_goals = [
            SummaryGoal(g.text, g.owner, "Carried on" if g.carries_on_from else "New", g.drivers, carried_on=g.carries_on_from is not None)
            for g in week_goals(session, case_id, week + 1)
        ]
    else:  # a draft: what it will set
        by_id = {g.id: g for g in this_weeks}
        next_goals = [
            SummaryGoal(by_id[i].text, by_id[i].owner, "Carried on", by_id[i].drivers, carried_on=True)
            for i in content.carry_on
            if i in by_id
        ] + [
            SummaryGoal(g.text, g.owner, "New", "; ".join(sorted(names.get(d, "?") for d in g.driver_ids)))
            for g in content.new_goals
            if g.text.strip()
        ]

    last: dict[int, int] = {}
    overall_last = None
    if week > 1:
        for subject, subject_id, value in session.exec(
            select(Rating.subject, Rating.subject_id, Rating.value).where(Rating.case_id == case_id, Rating.week == week - 1)
        ).all():
            if subject == "driver" and subject_id is not None:
                last[subject_id] = value
            elif subject == "overall":
                overall_last = value
    prioritised = session.exec(
        select(Driver.id)
        .where(Driver.case_id == case_id, Driver.archived_at.is_(None), Driver.prioritised.is_(True), Driver.kind == "need")
        .order_by(Driver.system, Driver.name)
    ).all()
    ratings = [SummaryRating(names[d], last.get(d), content.ratings.get(d)) for d in prioritised]
    ratings.append(SummaryRating(OVERALL_LABEL, overall_last, content.overall))

    return WeeklySummary(
        case_id=case_id,
        alias=case.alias,
        age=case.age,
        therapist=therapist.display_name if therapist else "",
        team=team.name if team else "",
        week=week,
        planned_weeks=case.planned_weeks,
        week_starts=week_start(case.start_date, week),
        status=review.status,
        submitted_at=review.submitted_at,
        referral_behaviours=behaviours,
        desired_outcomes=outcomes,
        overarching_goals=overarching,
        last_week_goals=last_goals,
        advances=content.advances,
        barriers=[
            ("Therapist", content.barriers_therapist),
            ("Family", content.barriers_family),
            ("System", content.barriers_system),
        ],
        fit_update=content.fit_update,
        next_goals=next_goals,
        next_steps=content.next_steps,
        ratings=ratings,
    )


# --------------------------------------------------------------------------- the PDF


class _SummaryPDF(ReportPDF):
    def header(self) -> None:
        self.set_font(FONT, "B", 8)
        self.set_text_color(150, 0, 0)
        self.cell(0, 5, CONFIDENTIAL, align="C")
        self.set_text_color(0, 0, 0)
        self.ln(8)

    def subheading(self, text: str) -> None:
        if self.get_y() > self.page_break_trigger - 30:  # keep a heading with what follows it
            self.add_page()
        super().subheading(text)


def _value(value: int | None) -> str:
    return "—" if value is None else str(value)


def _change(last: int | None, now: int | None) -> str:
    if last is None or now is None:
        return "—"
    return "no change" if now == last else f"{now - last:+d}"


def render_pdf(summary: WeeklySummary) -> bytes:
    """The summary as PDF bytes: plain text, the nine sections in order."""
    pdf = _SummaryPDF(summary.title, footer_note=f"{summary.alias} · week {summary.week} · confidential")
    pdf.heading("Weekly case summary for supervision")
    when = (
        f"submitted {readable_date(summary.submitted_at.date())}"
        if summary.status == "submitted" and summary.submitted_at
        else "DRAFT: not yet submitted"
    )
    pdf.paragraph(
        f"{summary.alias}, {summary.age} · {week_label(summary.week, summary.planned_weeks)} "
        f"(from {readable_date(summary.week_starts)}) · {when}\n"
        f"Therapist: {summary.therapist} · {summary.team}",
        size=10,
    )
    h = iter(SECTION_HEADINGS)

    pdf.subheading(next(h))
    if not summary.referral_behaviours:
        pdf.paragraph("None recorded.")
    for b in summary.referral_behaviours:
        pdf.paragraph(b.summary, size=10)
        pdf.paragraph(b.description, size=9)
        details = [
            f"Frequency: {b.frequency}" if b.frequency else "",
            f"Intensity: {b.intensity}" if b.intensity else "",
            f"Duration: {b.duration}" if b.duration else "",
            f"Hackett continuum: {b.hackett_level} · Brook traffic light: {b.brook_colour}",
        ]
        pdf.bullets([d for d in details if d], size=9)

    pdf.subheading(next(h))
    pdf.bullets([f"{who}: “{outcome}”" for who, outcome in summary.desired_outcomes])

    pdf.subheading(next(h))
    pdf.table(["Goal", "Status"], [(g.text, g.status) for g in summary.overarching_goals], widths=[140, 34])

    pdf.subheading(next(h))
    pdf.table(
        ["Goal (week %d)" % summary.week, "Owner", "Replaces", "Status"],
        [(g.text, g.owner, g.drivers, g.status) for g in summary.last_week_goals],
        widths=[78, 30, 40, 26],
    )

    pdf.subheading(next(h))
    pdf.paragraph(summary.advances)

    pdf.subheading(next(h))
    pdf.table(["Level", "Barriers"], [(level, text or "None") for level, text in summary.barriers], widths=[26, 148])

    pdf.subheading(next(h))
    pdf.paragraph(summary.fit_update or "No change to the hypotheses this week.")

    pdf.subheading(next(h))
    if summary.week >= summary.planned_weeks and not summary.next_goals:
        pdf.paragraph("The last week of the plan: no goals for next week.")
    else:
        pdf.table(
            ["Goal (week %d)" % (summary.week + 1), "Owner", "Replaces", "New or carried on"],
            [(g.text, g.owner, g.drivers, g.status) for g in summary.next_goals],
            widths=[78, 30, 40, 26],
        )
    if summary.next_steps:
        pdf.paragraph("Next steps: " + summary.next_steps)

    pdf.subheading(next(h))
    pdf.table(
        ["Rated", f"Week {summary.week - 1}" if summary.week > 1 else "Last week", f"Week {summary.week}", "Change"],
        [(r.subject, _value(r.last_week), _value(r.this_week), _change(r.last_week, r.this_week)) for r in summary.ratings],
        widths=[104, 24, 24, 22],
    )
    pdf.paragraph(
        "Needs are rated 0-10 for how strongly they are at work (lower is better); the overall scale "
        "is the Signs of Safety 0-10 scale (higher is safer).",
        size=8,
        colour=(90, 90, 90),
    )
    return pdf.to_bytes()


__all__ = [
    "CONFIDENTIAL",
    "SECTION_HEADINGS",
    "SummaryGoal",
    "SummaryRating",
    "WeeklySummary",
    "render_pdf",
    "weekly_summary",
    "weekly_summary_pdf",
]
