"""The supervisor's caseload dashboard: one row per open case of their team, with what needs attention.

Each row: therapist, week and phase of the plan, the overall 0-10 safety scale now and its last
TREND_WEEKS weekly values (a sparkline), intermediary goals met in the last four weeks, prioritised
needs with no planned or active intervention aimed at them, the on-track flags (goals.on_track,
run for open cases only), days since the last submitted weekly review, open supervisor comments
and the latest monthly adherence score.

The flags, goals and prioritised drivers come from planner.case_progress.case_states (the same
data the Timeline page's "On track" tab uses, so the two can never disagree); three more
queries and the audit entry add the rest. The number of statements is the same for 5 cases or 50,000.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pandas as pd
from sqlalchemy import and_, func
from sqlmodel import Session, select

from goals.on_track import (
    DRIVER_NOT_IMPROVING,
    FLAG_KINDS,
    GOAL_NOT_MET_TWICE,
    GOAL_UNMET_NEAR_END,
    REVIEW_OVERDUE,
    CaseState,
    all_flags,
)
from goals.phases import build_phases, phase_for_week
from planner import audit
from planner.access import Action, Principal
from planner.case_progress import case_states, phase_lengths
from planner.cases import caseload_filter
from planner.guard import check
from planner.models import AdherenceScore, Case, Comment, Intervention, InterventionDriver, Rating, User, WeeklyReview

TREND_WEEKS = 12  # weeks of the overall scale in the sparkline
GOAL_WINDOW_WEEKS = 4  # "intermediary goals met in the last four weeks": the current week and the three before
LOW_ADHERENCE = 0.61  # MST adherence below this is flagged
FLAG_LABELS: dict[str, str] = {
    GOAL_NOT_MET_TWICE: "Goal not met twice",
    DRIVER_NOT_IMPROVING: "Driver not improving",
    GOAL_UNMET_NEAR_END: "Goal unmet near end",
    REVIEW_OVERDUE: "Review overdue",
}
_CLOSED_INTERVENTION = ("done", "stopped")

DASHBOARD_COLUMNS = [
    "case_id",
    "alias",
    "age",
    "therapist_id",
    "therapist",
    "week",
    "planned_weeks",
    "plan",
    "phase",
    "overall",
    "trend",
    "goals_met",
    "goals_marked",
    "goals",
    "uncovered",
    "uncovered_count",
    "flags",
    "flag_kinds",
    "flag_messages",
    "flag_count",
    "last_review_week",
    "days_since_review",
    "open_comments",
    "adherence",
    "low_adherence",
]


def flag_labels(kinds: list[str]) -> list[str]:
    """One human label per kind of flag raised, in FLAG_KINDS order, with a count when it is raised more than once."""
    labels = []
    for kind in FLAG_KINDS:
        n = kinds.count(kind)
        if n:
            labels.append(FLAG_LABELS[kind] + (f" ×{n}" if n > 1 else ""))
    return labels


def caseload_flags(session: Session, user: Principal, *, today: date) -> dict[int, list[str]]:
    """The on-track flags of each open case in this person's caseload (My cases, Team cases), labelled as on
    the Team dashboard: the same rules on the same data, in case_states' fixed number of statements."""
    check(session, user, Action.LIST_CASES)
    states = case_states(session, and_(caseload_filter(user), Case.status == "open"), today=today)
    return {case_id: flag_labels([f.kind for f in all_flags(state)]) for case_id, state in states.items()}


def team_dashboard(session: Session, user: Principal, *, today: date) -> pd.DataFrame:
    """One row per open case of the supervisor's team (columns DASHBOARD_COLUMNS), ordered by alias.

    Statements: case_states' five, then the cases with their therapist, last review, comments and
    adherence (correlated subqueries walking per-case indexes), the overall scale's last
    TREND_WEEKS ratings per case (a window function), the drivers with a live intervention, and
    the audit entry. None of them is repeated per case.
    """
    check(session, user, Action.SUPERVISE)
    scope = and_(Case.team_id == user.team_id, Case.status == "open")
    states = case_states(session, scope, today=today)

    last_submitted = (
        select(func.max(WeeklyReview.submitted_at))
        .where(WeeklyReview.case_id == Case.id, WeeklyReview.status == "submitted")
        .correlate(Case)
        .scalar_subquery()
    )
    open_comments = (
        select(func.count(Comment.id))
        .where(Comment.case_id == Case.id, Comment.status == "open")
        .correlate(Case)
        .scalar_subquery()
    )
    adherence = (
        select(AdherenceScore.score)
        .where(AdherenceScore.case_id == Case.id)
        .order_by(AdherenceScore.month.desc())
        .limit(1)
        .correlate(Case)
        .scalar_subquery()
    )
    cases = session.exec(
        select(
            Case.id, Case.alias, Case.age, Case.planned_weeks, Case.phase_engagement_weeks,
            Case.phase_generalisation_weeks, Case.therapist_id, User.display_name,
            last_submitted.label("last_submitted"), open_comments.label("open_comments"), adherence.label("adherence"),
        )
        .join(User, User.id == Case.therapist_id)
        .where(scope)
        .order_by(Case.alias, Case.id)
    ).all()

    ranked = (
        select(
            Rating.case_id,
            Rating.week,
            Rating.value,
            func.row_number().over(partition_by=Rating.case_id, order_by=Rating.week.desc()).label("newest"),
        )
        .join(Case, Case.id == Rating.case_id)
        .where(scope, Rating.subject == "overall")
        .subquery()
    )
    trend: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for case_id, week, value in session.exec(
        select(ranked.c.case_id, ranked.c.week, ranked.c.value).where(ranked.c.newest <= TREND_WEEKS)
    ).all():
        trend[case_id].append((week, value))

    covered = set(
        session.exec(
            select(InterventionDriver.driver_id)
            .join(Intervention, Intervention.id == InterventionDriver.intervention_id)
            .join(Case, Case.id == Intervention.case_id)
            .where(scope, Intervention.status.notin_(_CLOSED_INTERVENTION))
            .distinct()
        ).all()
    )

    records = [
        dashboard_row(
            row, states[row.id], [value for _week, value in sorted(trend.get(row.id, []))], covered, today=today
        )
        for row in cases
        if row.id in states  # a case opened between the two reads waits for the next rerun
    ]
    audit.record(session, actor=user, action="view", object_type="team_dashboard")
    return dashboard_frame(records)


def dashboard_row(case, state: CaseState, trend: list[int], covered: set[int], *, today: date) -> dict:
    """One row of the dashboard from plain data.

    `case` has the attributes id, alias, age, therapist_id, display_name, planned_weeks,
    phase_engagement_weeks, phase_generalisation_weeks, last_submitted (datetime or None),
    open_comments and adherence; `trend` is the overall scale's last values, oldest first;
    `covered` the ids of drivers with a planned or active intervention aimed at them.
    """
    week = state.current_week
    flags = all_flags(state)
    kinds = [f.kind for f in flags]
    recent = [g for g in state.intermediary_goals if week - GOAL_WINDOW_WEEKS < g.week <= week and g.status != "open"]
    met = sum(g.status == "met" for g in recent)
    uncovered = sorted(
        (d.name for d in state.prioritised_drivers if d.kind == "need" and d.id not in covered), key=str.casefold
    )
    submitted_weeks = state.submitted_review_weeks
    last_at = case.last_submitted
    return {
        "case_id": case.id,
        "alias": case.alias,
        "age": case.age,
        "therapist_id": case.therapist_id,
        "therapist": case.display_name,
        "week": week,
        "planned_weeks": case.planned_weeks,
        "plan": f"week {week} of {case.planned_weeks}",
        "phase": phase_for_week(build_phases(case.planned_weeks, phase_lengths(case)), week).label,
        "overall": trend[-1] if trend else None,
        "trend": trend,
        "goals_met": met,
        "goals_marked": len(recent),
        "goals": f"{met} of {len(recent)}" if recent else "none marked",
        "uncovered": uncovered,
        "uncovered_count": len(uncovered),
        "flags": flag_labels(kinds),
        "flag_kinds": kinds,
        "flag_messages": [f.message for f in flags],
        "flag_count": len(flags),
        "last_review_week": max(submitted_weeks) if submitted_weeks else None,
        "days_since_review": (today - last_at.date()).days if last_at is not None else None,
        "open_comments": int(case.open_comments or 0),
        "adherence": case.adherence,
        "low_adherence": case.adherence is not None and case.adherence < LOW_ADHERENCE,
    }


def dashboard_frame(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=DASHBOARD_COLUMNS)
    return frame.astype({"last_review_week": "Int64", "days_since_review": "Int64", "overall": "Int64", "adherence": "Float64"})
