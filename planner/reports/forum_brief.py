"""The forum brief: a one-page PDF per case for a council's multi-agency SHB forum.

Forum members read the brief before the meeting; the forum then records a recommendation and a
review date. ``forum_brief`` (Action.EXPORT) builds a ``ForumBrief`` dataclass from the plan as it
stands: who (alias, age, week and phase), the referral behaviour, the top prioritised drivers with
their ratings, the plan aimed at them and the safety plan's headline, progress (the overall 0-10
scale at the start and now, goals met), the recommendation and the next review date.
``forum_brief_defaults`` proposes a recommendation and a review date from the plan's state, for the
page to prefill. ``render_forum_brief_pdf`` is pure and always gives exactly one A4 page: long text
is cut short with an ellipsis and a note that it continues in the case record. ``forum_brief_pdf``
does both and audits an "export" (never any clinical text in the audit trail).

The pseudonymised variant is built, not filtered: every text field passes through
``planner.reports.pseudonymise`` with every name known to the case (its participants, the child's
alias, the therapists and supervisors of its team, whoever prepares the brief), so no one's name
reaches the dataclass, the preview, the PDF or its metadata; people appear as initials.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from fpdf import FPDF
from fpdf.fonts import FontFace
from sqlmodel import Session, select

from goals.on_track import all_flags
from goals.phases import build_phases, phase_for_week
from goals.progress import goal_counts_by_week
from goals.timeline import plan_end, plan_week, readable_date, week_label
from planner import audit
from planner.access import Action, Principal
from planner.case_progress import case_states, phase_lengths
from planner.errors import InvalidInput
from planner.guard import check
from planner.models import (
    Case,
    CaseAssignment,
    Driver,
    Goal,
    Intervention,
    InterventionDriver,
    Participant,
    Rating,
    ReferralBehaviour,
    SafetyRule,
    Team,
    User,
)
from planner.reports.pdf import FONT, ReportPDF, printable
from planner.reports.pseudonymise import Pseudonymiser, initials

CONFIDENTIAL = "Confidential: multi-agency SHB forum"
SECTION_HEADINGS: tuple[str, ...] = (
    "Referral summary",
    "Top drivers",
    "The plan",
    "Progress",
    "Recommendation",
    "Next review",
)
CONTINUED_NOTE = "… marks text cut short to keep this brief to one page: it is continued in the case record."
RECOMMENDATION_LIMIT = 1200  # characters: about ten lines of the page
MAX_REVIEW_AHEAD_DAYS = 366
DEFAULT_REVIEW_WEEKS = 4  # the next monthly forum
MAX_DRIVERS = 5
MAX_INTERVENTIONS = 6
RECENT_WEEKS = 4  # "goals met lately": the last four weeks with marked goals
_ACTIVE_INTERVENTIONS = ("planned", "active")


@dataclass(frozen=True)
class BriefBehaviour:
    summary: str
    description: str
    frequency: str
    hackett_level: str
    brook_colour: str


@dataclass(frozen=True)
class BriefDriver:
    name: str
    system: str
    kind: str  # need or strength
    at_intake: int | None
    now: int | None


@dataclass(frozen=True)
class BriefIntervention:
    name: str
    who: str
    frequency: str
    status: str
    aimed_at: str  # the top drivers it is aimed at, "; "-separated


@dataclass(frozen=True)
class ForumBrief:
    case_id: int
    pseudonymised: bool
    subject: str  # the alias, or its initials
    subject_initials: str
    age: int
    team: str
    therapist: str  # the name, or its initials
    prepared_by: str
    prepared_on: date
    case_status: str
    week: int
    planned_weeks: int
    phase: str
    referral: list[BriefBehaviour]
    drivers: list[BriefDriver]  # the top prioritised drivers, most at work first
    more_drivers: int  # prioritised drivers left off the page
    interventions: list[BriefIntervention]
    safety_plan: str  # the headline: rules per setting, adults responsible, review date
    overall_first: tuple[int, int] | None  # (week, value) of the overall 0-10 scale
    overall_now: tuple[int, int] | None
    overarching_met: int
    overarching_total: int
    recent_goals_met: int
    recent_goals_marked: int
    recent_weeks: tuple[int, int] | None  # first and last week counted
    flags: list[str]
    recommendation: str
    next_review: date

    @property
    def title(self) -> str:
        return f"Forum brief: {self.subject}"

    @property
    def plan_line(self) -> str:
        closed = " · case closed" if self.case_status == "closed" else ""
        return f"{week_label(self.week, self.planned_weeks).capitalize()} · phase: {self.phase}{closed}"

    @property
    def progress_lines(self) -> list[str]:
        lines = []
        if self.overall_first and self.overall_now:
            (w0, v0), (w1, v1) = self.overall_first, self.overall_now
            change = "no change" if v1 == v0 else f"{v1 - v0:+d}"
            lines.append(f"Overall safety scale: {v0}/10 in week {w0}, {v1}/10 in week {w1} ({change}).")
        else:
            lines.append("Overall safety scale: not rated yet.")
        lines.append(f"Overarching goals met: {self.overarching_met} of {self.overarching_total}.")
        if self.recent_weeks and self.recent_goals_marked:
            first, last = self.recent_weeks
            share = round(100 * self.recent_goals_met / self.recent_goals_marked)
            weeks = f"week {first}" if first == last else f"weeks {first} to {last}"
            lines.append(f"Weekly goals met in {weeks}: {self.recent_goals_met} of {self.recent_goals_marked} ({share}%).")
        else:
            lines.append("Weekly goals: none marked yet.")
        lines.append(f"On-track flags: {len(self.flags) or 'none'}.")
        return lines


@dataclass(frozen=True)
class BriefDefaults:
    alias: str  # for the page's title (a staff screen)
    recommendation: str
    next_review: date


# --------------------------------------------------------------------------- inputs and defaults


def validate_inputs(recommendation: str, next_review: date | None, *, today: date) -> dict[str, str]:
    """Kind messages for the page's two inputs; empty when both are usable."""
    errors: dict[str, str] = {}
    text = recommendation.strip()
    if not text:
        errors["recommendation"] = "Please write the recommendation for the forum."
    elif len(text) > RECOMMENDATION_LIMIT:
        errors["recommendation"] = (
            f"The recommendation is {len(text)} characters; please keep it to {RECOMMENDATION_LIMIT} so the "
            "brief stays on one page. The detail belongs in the case record."
        )
    if next_review is None:
        errors["next_review"] = "Please choose the date of the next review."
    elif next_review < today:
        errors["next_review"] = "The next review date is in the past; please choose today or a later date."
    elif next_review > today + timedelta(days=MAX_REVIEW_AHEAD_DAYS):
        errors["next_review"] = "Please choose a review date within the next year."
    return errors


def default_next_review(today: date, *, end_of_plan: date, closed: bool) -> date:
    """Four weeks on (the next monthly forum), or the plan's last day if it ends sooner."""
    four_weeks = today + timedelta(weeks=DEFAULT_REVIEW_WEEKS)
    if closed or end_of_plan < today:
        return four_weeks
    return min(four_weeks, max(end_of_plan, today))


def default_recommendation(
    *,
    closed: bool,
    phase_key: str,
    overall_first: int | None,
    overall_now: int | None,
    focus: str | None,
    flags: int,
    weeks_left: int,
) -> str:
    """A starting point for the forum's recommendation, from where the plan stands."""
    if closed:
        return "The MST-PSB plan has ended. No further forum review is needed unless new concerns arise."
    focus_text = f", with the focus on: {focus}" if focus else ""
    if overall_now is None or overall_first is None:
        return (
            "The MST-PSB plan is in its early weeks. Continue the engagement and assessment; the forum to "
            "review the fit assessment and the first safety plan at the next review."
        )
    if overall_now >= 7 and flags == 0 or phase_key == "generalisation" and overall_now > overall_first:
        return (
            f"Good progress (overall safety scale {overall_first} to {overall_now} out of 10). Continue the plan "
            f"into generalisation and discharge{focus_text}; agree the step-down and hand-over to the family's "
            f"own network and universal services before the planned end ({weeks_left} weeks left)."
        )
    if overall_now > overall_first:
        flag_text = f" The forum to note {flags} on-track flag{'s' if flags != 1 else ''}." if flags else ""
        return (
            f"Progress is being made (overall safety scale {overall_first} to {overall_now} out of 10). Continue "
            f"the MST-PSB plan and the safety plan{focus_text}.{flag_text}"
        )
    return (
        f"Progress is slower than hoped (overall safety scale {overall_first} to {overall_now} out of 10). The "
        f"forum is asked to consider what further support the family needs{focus_text}, and whether the "
        "safety plan is enough."
    )


# --------------------------------------------------------------------------- gathering the plan


@dataclass(frozen=True)
class _Facts:
    """The case as it stands, with full names (pseudonymising happens afterwards)."""

    case: Case
    team: str
    therapist: str
    names: list[str]  # every known person's name
    week: int
    phase_key: str
    phase: str
    referral: list[BriefBehaviour]
    drivers: list[BriefDriver]
    more_drivers: int
    interventions: list[BriefIntervention]
    safety_plan: str
    overall_first: tuple[int, int] | None
    overall_now: tuple[int, int] | None
    overarching_met: int
    overarching_total: int
    recent_goals_met: int
    recent_goals_marked: int
    recent_weeks: tuple[int, int] | None
    flags: list[str]
    defaults: BriefDefaults


def _gather(session: Session, case_id: int, *, today: date) -> _Facts:
    case = session.get(Case, case_id)
    therapist = session.get(User, case.therapist_id)
    team = session.get(Team, case.team_id)
    state = case_states(session, Case.id == case_id, today=today)[case_id]
    week = plan_week(case.start_date, case.closed_on or today)
    phase = phase_for_week(build_phases(case.planned_weeks, phase_lengths(case)), week)

    # Everyone whose name could appear: the family, the child, and the staff around the case.
    names = [case.alias, *session.exec(select(Participant.name).where(Participant.case_id == case_id)).all()]
    staff_ids = {case.therapist_id} | set(
        session.exec(select(CaseAssignment.therapist_id).where(CaseAssignment.case_id == case_id)).all()
    )
    names += session.exec(
        select(User.display_name).where(
            (User.id.in_(staff_ids)) | ((User.team_id == case.team_id) & User.role.in_(("therapist", "supervisor")))
        )
    ).all()

    referral = [
        BriefBehaviour(r.summary, r.description, r.frequency, r.hackett_level, r.brook_colour)
        for r in session.exec(
            select(ReferralBehaviour).where(ReferralBehaviour.case_id == case_id).order_by(ReferralBehaviour.id)
        ).all()
    ]

    prioritised = session.exec(
        select(Driver).where(
            Driver.case_id == case_id, Driver.archived_at.is_(None), Driver.prioritised, Driver.status != "ruled_out"
        )
    ).all()
    series: dict[int, dict[int, int]] = defaultdict(dict)
    for driver_id, rated_week, value in session.exec(
        select(Rating.subject_id, Rating.week, Rating.value).where(Rating.case_id == case_id, Rating.subject == "driver")
    ).all():
        series[driver_id][rated_week] = value

    def rated(d: Driver) -> BriefDriver:
        points = series.get(d.id, {})
        intake = points[min(points)] if points else None
        now = points[max(points)] if points else d.rating
        return BriefDriver(d.name, d.system, d.kind, intake, now)

    # Needs most at work first (a strength is listed after them): what the forum should look at.
    ordered = sorted(
        prioritised,
        key=lambda d: (d.kind != "need", -(rated(d).now if rated(d).now is not None else -1), d.name.casefold()),
    )
    top = ordered[:MAX_DRIVERS]
    drivers = [rated(d) for d in top]
    top_names = {d.id: d.name for d in top}

    links: dict[int, list[str]] = defaultdict(list)
    for intervention_id, driver_id in session.exec(
        select(InterventionDriver.intervention_id, InterventionDriver.driver_id)
        .join(Intervention, Intervention.id == InterventionDriver.intervention_id)
        .where(Intervention.case_id == case_id)
    ).all():
        if driver_id in top_names:
            links[intervention_id].append(top_names[driver_id])
    interventions = [
        BriefIntervention(i.name, i.who, i.frequency, i.status, "; ".join(links[i.id]))
        for i in session.exec(
            select(Intervention)
            .where(Intervention.case_id == case_id, Intervention.status.in_(_ACTIVE_INTERVENTIONS))
            .order_by(Intervention.start_week, Intervention.id)
        ).all()
        if links.get(i.id)
    ]

    rules = session.exec(
        select(SafetyRule).where(SafetyRule.case_id == case_id, SafetyRule.archived_at.is_(None)).order_by(SafetyRule.id)
    ).all()
    safety_plan = _safety_headline(rules)

    overall = session.exec(
        select(Rating.week, Rating.value).where(Rating.case_id == case_id, Rating.subject == "overall").order_by(Rating.week)
    ).all()
    overall_first = tuple(overall[0]) if overall else None
    overall_now = tuple(overall[-1]) if overall else None

    overarching = session.exec(select(Goal.status).where(Goal.case_id == case_id, Goal.level == "overarching")).all()
    marked = [c for c in goal_counts_by_week(state.intermediary_goals) if c.marked][-RECENT_WEEKS:]
    flags = [f.message for f in all_flags(state)] if case.status == "open" else []

    defaults = BriefDefaults(
        alias=case.alias,
        recommendation=default_recommendation(
            closed=case.status == "closed",
            phase_key=phase.key,
            overall_first=overall_first[1] if overall_first else None,
            overall_now=overall_now[1] if overall_now else None,
            focus=drivers[0].name if drivers and drivers[0].kind == "need" else None,
            flags=len(flags),
            weeks_left=max(0, case.planned_weeks - week),
        ),
        next_review=default_next_review(
            today, end_of_plan=plan_end(case.start_date, case.planned_weeks), closed=case.status == "closed"
        ),
    )
    return _Facts(
        case=case,
        team=team.name if team else "",
        therapist=therapist.display_name if therapist else "",
        names=[n for n in names if n],
        week=week,
        phase_key=phase.key,
        phase=phase.label,
        referral=referral,
        drivers=drivers,
        more_drivers=max(0, len(ordered) - len(top)),
        interventions=interventions,
        safety_plan=safety_plan,
        overall_first=overall_first,
        overall_now=overall_now,
        overarching_met=sum(1 for s in overarching if s == "met"),
        overarching_total=len(overarching),
        recent_goals_met=sum(c.met for c in marked),
        recent_goals_marked=sum(c.marked for c in marked),
        recent_weeks=(marked[0].week, marked[-1].week) if marked else None,
        flags=flags,
        defaults=defaults,
    )


def _safety_headline(rules: list[SafetyRule]) -> str:
    if not rules:
        return "No safety plan recorded yet."
    settings: dict[str, int] = defaultdict(int)
    adults: list[str] = []
    for rule in rules:
        settings[rule.setting] += 1
        for adult in re.split(r",| and |;|/", rule.responsible):
            if adult.strip() and adult.strip() not in adults:
                adults.append(adult.strip())
    per_setting = ", ".join(f"{setting} {count}" for setting, count in sorted(settings.items()))
    reviews = [r.review_date for r in rules if r.review_date]
    review = f"; next safety plan review {readable_date(min(reviews))}" if reviews else ""
    who = f"; adults responsible: {', '.join(adults)}" if adults else ""
    return f"{len(rules)} rule{'s' if len(rules) != 1 else ''} ({per_setting}){who}{review}."


def forum_brief_defaults(session: Session, user: Principal, case_id: int, *, today: date) -> BriefDefaults:
    """The recommendation and next review date the page proposes, from the plan's state."""
    check(session, user, Action.EXPORT, case_id)
    facts = _gather(session, case_id, today=today)
    audit.record(session, actor=user, action="view", object_type="forum_brief_defaults", object_id=case_id, case_id=case_id)
    return facts.defaults


def forum_brief(
    session: Session,
    user: Principal,
    case_id: int,
    *,
    today: date,
    recommendation: str | None = None,
    next_review: date | None = None,
    pseudonymise: bool = False,
) -> ForumBrief:
    """The brief as a dataclass; None for the recommendation or review date means the default.

    Raises InvalidInput (fields "recommendation", "next_review") for unusable inputs.
    """
    check(session, user, Action.EXPORT, case_id)
    brief = _build(
        session, user, case_id, today=today, recommendation=recommendation, next_review=next_review, pseudonymise=pseudonymise
    )
    audit.record(session, actor=user, action="view", object_type=_object_type(pseudonymise), object_id=case_id, case_id=case_id)
    return brief


def forum_brief_pdf(
    session: Session,
    user: Principal,
    case_id: int,
    *,
    today: date,
    recommendation: str | None = None,
    next_review: date | None = None,
    pseudonymise: bool = False,
) -> bytes:
    """The brief as one A4 page of PDF, audited as an export of the variant chosen."""
    check(session, user, Action.EXPORT, case_id)
    brief = _build(
        session, user, case_id, today=today, recommendation=recommendation, next_review=next_review, pseudonymise=pseudonymise
    )
    data = render_forum_brief_pdf(brief)
    audit.record(session, actor=user, action="export", object_type=_object_type(pseudonymise), object_id=case_id, case_id=case_id)
    return data


def _object_type(pseudonymise: bool) -> str:
    return "forum_brief_pseudonymised" if pseudonymise else "forum_brief"


def _build(
    session: Session,
    user: Principal,
    case_id: int,
    *,
    today: date,
    recommendation: str | None,
    next_review: date | None,
    pseudonymise: bool,
) -> ForumBrief:
    facts = _gather(session, case_id, today=today)
    recommendation = facts.defaults.recommendation if recommendation is None else recommendation
    next_review = facts.defaults.next_review if next_review is None else next_review
    errors = validate_inputs(recommendation, next_review, today=today)
    if errors:
        raise InvalidInput(errors)

    names = [*facts.names, user.display_name]
    plain: Callable[[str], str] = Pseudonymiser(names) if pseudonymise else (lambda text: text)
    case = facts.case
    subject = (initials(case.alias) or "the young person") if pseudonymise else case.alias
    return ForumBrief(
        case_id=case_id,
        pseudonymised=pseudonymise,
        subject=subject,
        subject_initials=initials(case.alias),
        age=case.age,
        team=plain(facts.team),
        therapist=initials(facts.therapist) if pseudonymise else facts.therapist,
        prepared_by=initials(user.display_name) if pseudonymise else user.display_name,
        prepared_on=today,
        case_status=case.status,
        week=facts.week,
        planned_weeks=case.planned_weeks,
        phase=facts.phase,
        referral=[
            BriefBehaviour(plain(b.summary), plain(b.description), plain(b.frequency), b.hackett_level, b.brook_colour)
            for b in facts.referral
        ],
        drivers=[BriefDriver(plain(d.name), d.system, d.kind, d.at_intake, d.now) for d in facts.drivers],
        more_drivers=facts.more_drivers,
        interventions=[
            BriefIntervention(plain(i.name), plain(i.who), plain(i.frequency), i.status, plain(i.aimed_at))
            for i in facts.interventions
        ],
        safety_plan=plain(facts.safety_plan),
        overall_first=facts.overall_first,
        overall_now=facts.overall_now,
        overarching_met=facts.overarching_met,
        overarching_total=facts.overarching_total,
        recent_goals_met=facts.recent_goals_met,
        recent_goals_marked=facts.recent_goals_marked,
        recent_weeks=facts.recent_weeks,
        flags=[plain(f) for f in facts.flags],
        recommendation=plain(recommendation.strip()),
        next_review=next_review,
    )


def file_name(brief: ForumBrief) -> str:
    """forum-brief-L-2026-11-25.pdf: initials only, in either variant."""
    letters = re.sub(r"[^A-Za-z]+", "", brief.subject_initials) or "case"
    return f"forum-brief-{letters}-{brief.prepared_on.isoformat()}.pdf"


# --------------------------------------------------------------------------- the PDF (one page)


class _BriefPDF(ReportPDF):
    def header(self) -> None:
        self.set_font(FONT, "B", 8)
        self.set_text_color(150, 0, 0)
        self.cell(0, 5, CONFIDENTIAL, align="C")
        self.set_text_color(0, 0, 0)
        self.ln(6)


class _Cutter:
    """Shortens text to a share of its allowance, at a word, and remembers whether it cut anything."""

    def __init__(self, share: float):
        self.share = share
        self.cut = False

    def __call__(self, text: str, allowance: int) -> str:
        text = " ".join(printable(text).split())  # one line per item: newlines would cost lines
        limit = max(24, int(allowance * self.share))
        if len(text) <= limit:
            return text
        self.cut = True
        head = text[: limit - 1]
        if " " in head[limit // 2 :]:
            head = head[: head.rindex(" ")]
        return head.rstrip(" ,;:.") + "…"

    def count(self, allowance: int) -> int:
        return max(1, int(allowance * self.share))


# Shares of every allowance tried in turn until the brief fits one page; the last always fits.
_SHARES = (1.0, 0.8, 0.6, 0.45, 0.3, 0.2, 0.12, 0.06)


def render_forum_brief_pdf(brief: ForumBrief) -> bytes:
    """The brief as exactly one A4 page of PDF: plain text, the sections in SECTION_HEADINGS order."""
    for share in _SHARES:
        pdf = _render(brief, share)
        if pdf.page_no() == 1:
            return pdf.to_bytes()
    raise AssertionError("the forum brief did not fit one page even at its shortest")  # pragma: no cover


def _section(pdf: ReportPDF, heading: str) -> None:
    pdf.ln(1.5)
    pdf.set_font(FONT, "B", 11)
    pdf.set_fill_color(235, 235, 235)
    pdf.cell(0, 6, " " + heading, fill=True, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _line(pdf: ReportPDF, text: str, *, size: float = 9, bold: bool = False, colour=(0, 0, 0), indent: float = 0) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*colour)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(pdf.epw - indent, size * 0.47, text or "—", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _bullet(pdf: ReportPDF, text: str, *, size: float = 9) -> None:
    y = pdf.get_y()
    pdf.set_font(FONT, "", size)
    pdf.set_xy(pdf.l_margin, y)
    pdf.cell(4, size * 0.47, "•")
    _line(pdf, text, size=size, indent=4)
    pdf.ln(0.4)


def _sentence(text: str) -> str:
    """End with one full stop: a name cut to its initial ("L.") already has one."""
    return text if text.endswith((".", "…", "!", "?")) else text + "."


def _rating(value: int | None) -> str:
    return "—" if value is None else f"{value}/10"


def _render(brief: ForumBrief, share: float) -> ReportPDF:
    cut = _Cutter(share)
    pdf = _BriefPDF(
        cut(brief.title, 80),
        footer_note=f"{cut(brief.subject, 40)} · {'pseudonymised · ' if brief.pseudonymised else ''}confidential",
    )
    pdf.set_author(cut(brief.prepared_by, 60))
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(0, 7, cut(brief.title, 80), new_x="LMARGIN", new_y="NEXT")
    _line(pdf, f"{cut(brief.subject, 60)}, age {brief.age} · {brief.plan_line}", size=10, bold=True)
    therapist = f"Therapist: {cut(brief.therapist, 60)} · " if brief.therapist else ""
    _line(
        pdf,
        f"{therapist}{cut(brief.team, 60)} · prepared by {cut(brief.prepared_by, 60)} on {readable_date(brief.prepared_on)}"
        + (" · pseudonymised: initials only" if brief.pseudonymised else ""),
        size=9,
        colour=(70, 70, 70),
    )
    heads = iter(SECTION_HEADINGS)

    _section(pdf, next(heads))
    if not brief.referral:
        _line(pdf, "No referral behaviour recorded.")
    behaviours = brief.referral[: cut.count(2)]
    for b in behaviours:
        _line(pdf, cut(b.summary, 160), bold=True)
        _line(pdf, cut(b.description, 700 // len(behaviours)))
        details = [f"Frequency: {cut(b.frequency, 120)}" if b.frequency else "",
                   f"Hackett continuum: {b.hackett_level}", f"Brook traffic light: {b.brook_colour}"]
        _line(pdf, " · ".join(d for d in details if d), colour=(50, 50, 50))
        pdf.ln(0.6)
    if len(brief.referral) > len(behaviours):
        _line(pdf, f"and {len(brief.referral) - len(behaviours)} more in the case record.", colour=(90, 90, 90))

    _section(pdf, next(heads))
    if not brief.drivers:
        _line(pdf, "No drivers prioritised yet.")
    else:
        rows = brief.drivers[: max(3, cut.count(MAX_DRIVERS))]
        pdf.set_font(FONT, "", 9)
        with FPDF.table(  # the base class's table: ReportPDF.table has a simpler signature
            pdf,
            col_widths=(104, 26, 22, 22),
            text_align="LEFT",
            line_height=4.4,
            headings_style=_HEAD_STYLE,
        ) as grid:
            head = grid.row()
            for cell in ("Driver (prioritised)", "System", "At intake", "Now"):
                head.cell(cell)
            for d in rows:
                row = grid.row()
                row.cell(cut(d.name, 120) + (" (strength)" if d.kind == "strength" else ""))
                row.cell(d.system)
                row.cell(_rating(d.at_intake))
                row.cell(_rating(d.now))
        more = brief.more_drivers + len(brief.drivers) - len(rows)
        note = f"{more} more prioritised in the case record. " if more else ""
        legend = "Needs are rated 0-10 for how strongly they are at work (lower is better)."
        _line(pdf, note + legend, size=7.5, colour=(90, 90, 90))

    _section(pdf, next(heads))
    interventions = brief.interventions[: cut.count(MAX_INTERVENTIONS)]
    if not interventions:
        _line(pdf, "No planned or active intervention is aimed at these drivers yet.")
    for i in interventions:
        detail = "; ".join(p for p in (cut(i.who, 100), cut(i.frequency, 60), i.status) if p)
        _bullet(pdf, f"{cut(i.name, 120)} ({detail}). Aimed at: {_sentence(cut(i.aimed_at, 160))}")
    if len(brief.interventions) > len(interventions):
        _line(pdf, f"and {len(brief.interventions) - len(interventions)} more in the case record.", colour=(90, 90, 90))
    _line(pdf, "Safety plan: " + cut(brief.safety_plan, 300))

    _section(pdf, next(heads))
    for line in brief.progress_lines:
        _bullet(pdf, cut(line, 400))
    for flag in brief.flags[: cut.count(3)]:
        _line(pdf, "– " + cut(flag, 240), size=8, indent=8, colour=(50, 50, 50))
    if len(brief.flags) > cut.count(3):
        _line(pdf, f"and {len(brief.flags) - cut.count(3)} more in the case record.", size=8, indent=8, colour=(90, 90, 90))

    _section(pdf, next(heads))
    # The forum's own words are cut last: whole (up to the page's limit) until everything else is short.
    _line(pdf, cut(brief.recommendation, int(1400 / max(share, 0.3))), size=10)

    _section(pdf, next(heads))
    _line(pdf, f"Next review: {readable_date(brief.next_review)}", size=10, bold=True)

    if cut.cut:
        pdf.ln(1)
        _line(pdf, CONTINUED_NOTE, size=7.5, colour=(90, 90, 90))
    return pdf


_HEAD_STYLE = FontFace(emphasis="BOLD", fill_color=(245, 245, 245))


__all__ = [
    "CONFIDENTIAL",
    "CONTINUED_NOTE",
    "RECOMMENDATION_LIMIT",
    "SECTION_HEADINGS",
    "BriefDefaults",
    "ForumBrief",
    "default_next_review",
    "default_recommendation",
    "file_name",
    "forum_brief",
    "forum_brief_defaults",
    "forum_brief_pdf",
    "render_forum_brief_pdf",
    "validate_inputs",
]
