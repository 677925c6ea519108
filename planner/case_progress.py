"""Timeline and progress of a case: phases, the interventions over time, ratings, goals, GAS, flags.

`case_states` loads what the on-track rules need for any number of cases in six statements, so a
caseload-wide flag check costs the same number of queries for 5 cases or 5,000.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import ColumnElement, update
from sqlmodel import Session, select

from drivers.model import INTERVENTION_TYPES
from goals.gas import gas_series
from goals.model import IntermediaryGoal, OverarchingGoal, PrioritisedDriver
from goals.on_track import CaseState, Flag, all_flags
from goals.phases import Phase, build_phases, phase_for_week, phase_spans, validate_phase_lengths
from goals.progress import goal_counts_by_week
from goals.timeline import plan_week
from planner import audit
from planner.access import Action, Principal, is_allowed
from planner.errors import InvalidInput, StaleEdit
from planner.guard import check
from planner.models import Case, Driver, GasScore, Goal, Intervention, Rating, WeeklyReview


def phase_lengths(case: Case) -> tuple[int, int, int] | None:
    """The case's own phase lengths, or None for the default split of its planned length."""
    if case.phase_engagement_weeks is None or case.phase_generalisation_weeks is None:
        return None
    middle = case.planned_weeks - case.phase_engagement_weeks - case.phase_generalisation_weeks
    return (case.phase_engagement_weeks, middle, case.phase_generalisation_weeks)


def case_states(session: Session, scope: ColumnElement[bool], *, today: date) -> dict[int, CaseState]:
    """What the on-track rules need, for every case matching `scope` (callers check access)."""
    cases = session.exec(select(Case.id, Case.start_date, Case.planned_weeks, Case.closed_on).where(scope)).all()
    goals = session.exec(
        select(Goal.case_id, Goal.id, Goal.level, Goal.week, Goal.text, Goal.status, Goal.carries_on_from, Goal.gas_weight, Goal.gas_score)
        .join(Case, Case.id == Goal.case_id)
        .where(scope)
    ).all()
    drivers = session.exec(
        select(Driver.case_id, Driver.id, Driver.name, Driver.kind)
        .join(Case, Case.id == Driver.case_id)
        .where(scope, Driver.prioritised, Driver.archived_at.is_(None), Driver.status != "ruled_out")
    ).all()
    ratings = session.exec(
        select(Rating.case_id, Rating.subject_id, Rating.week, Rating.value)
        .join(Case, Case.id == Rating.case_id)
        .join(Driver, Driver.id == Rating.subject_id)
        .where(scope, Rating.subject == "driver", Driver.prioritised)
    ).all()
    reviews = session.exec(
        select(WeeklyReview.case_id, WeeklyReview.week)
        .join(Case, Case.id == WeeklyReview.case_id)
        .where(scope, WeeklyReview.status == "submitted")
    ).all()

    by_driver: dict[int, dict[int, int]] = defaultdict(dict)
    for _case_id, driver_id, week, value in ratings:
        by_driver[driver_id][week] = value
    intermediary: dict[int, list[IntermediaryGoal]] = defaultdict(list)
    overarching: dict[int, list[OverarchingGoal]] = defaultdict(list)
    for case_id, goal_id, level, week, text, status, carries, weight, score in goals:
        if level == "intermediary" and week is not None:
            intermediary[case_id].append(IntermediaryGoal(goal_id, week, text, status, carries))
        elif level == "overarching":
            overarching[case_id].append(OverarchingGoal(goal_id, text, status, weight, score))
    prioritised: dict[int, list[PrioritisedDriver]] = defaultdict(list)
    for case_id, driver_id, name, kind in drivers:
        prioritised[case_id].append(PrioritisedDriver(driver_id, name, dict(by_driver.get(driver_id, {})), kind))
    submitted: dict[int, list[int]] = defaultdict(list)
    for case_id, week in reviews:
        submitted[case_id].append(week)

    return {
        case_id: CaseState(
            current_week=plan_week(start, closed or today),
            planned_weeks=planned,
            intermediary_goals=tuple(intermediary[case_id]),
            prioritised_drivers=tuple(prioritised[case_id]),
            overarching_goals=tuple(overarching[case_id]),
            submitted_review_weeks=tuple(sorted(submitted[case_id])),
        )
        for case_id, start, planned, closed in cases
    }


@dataclass(frozen=True)
class ProgressView:
    case_id: int
    alias: str
    start_date: date
    planned_weeks: int
    current_week: int
    version: int
    phases: tuple[Phase, ...]
    current_phase: Phase
    custom_phases: bool
    phase_table: pd.DataFrame  # phase, start_week, end_week, start_date, end_date
    interventions: pd.DataFrame  # name, type, start_week, end_week, status
    overall: pd.DataFrame  # week, value
    drivers: pd.DataFrame  # week, driver, value (prioritised needs)
    goals_by_week: pd.DataFrame  # week, met, partly met, not met, share_met
    gas: pd.DataFrame  # week, t_score
    flags: list[Flag]
    can_edit: bool


def progress_view(session: Session, user: Principal, case_id: int, *, today: date) -> ProgressView:
    ref = check(session, user, Action.VIEW, case_id)
    case = session.get(Case, case_id)
    current = plan_week(case.start_date, case.closed_on or today)
    lengths = phase_lengths(case)
    phases = build_phases(case.planned_weeks, lengths)
    state = case_states(session, Case.id == case_id, today=today)[case_id]

    interventions = session.exec(
        select(Intervention).where(Intervention.case_id == case_id).order_by(Intervention.start_week, Intervention.name)
    ).all()
    intervention_rows = [
        {
            "name": i.name,
            "type": INTERVENTION_TYPES.get(i.type, i.type.replace("_", " ")),
            "start_week": i.start_week,
            "end_week": i.end_week or case.planned_weeks,
            "ongoing": i.end_week is None,
            "status": i.status,
        }
        for i in interventions
    ]
    overall = session.exec(
        select(Rating.week, Rating.value).where(Rating.case_id == case_id, Rating.subject == "overall").order_by(Rating.week)
    ).all()
    names = {d.id: d.name for d in state.prioritised_drivers if d.kind == "need"}
    driver_rows = [
        {"week": week, "driver": names[d.id], "value": value}
        for d in state.prioritised_drivers
        if d.id in names
        for week, value in sorted(d.ratings.items())
    ]
    counts = goal_counts_by_week(state.intermediary_goals)
    goal_rows = [
        {"week": c.week, "met": c.met, "partly met": c.partly_met, "not met": c.not_met, "share_met": c.share_met}
        for c in counts
        if c.marked
    ]
    weights = {g.id: g.gas_weight for g in state.overarching_goals}
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for goal_id, week, score in session.exec(
        select(GasScore.goal_id, GasScore.week, GasScore.score).where(GasScore.case_id == case_id)
    ).all():
        scores[week][goal_id] = score
    gas_rows = [{"week": week, "t_score": round(t, 1)} for week, t in gas_series(scores, weights)] if scores else []
    flags = all_flags(state) if case.status == "open" else []
    audit.record(session, actor=user, action="view", object_type="progress", case_id=case_id)
    return ProgressView(
        case_id=case_id,
        alias=case.alias,
        start_date=case.start_date,
        planned_weeks=case.planned_weeks,
        current_week=current,
        version=case.version,
        phases=phases,
        current_phase=phase_for_week(phases, current),
        custom_phases=lengths is not None,
        phase_table=pd.DataFrame(
            [
                {"phase": s.label, "start_week": s.start_week, "end_week": s.end_week, "start_date": s.start_date, "end_date": s.end_date}
                for s in phase_spans(phases, case.start_date)
            ]
        ),
        interventions=pd.DataFrame(intervention_rows, columns=["name", "type", "start_week", "end_week", "ongoing", "status"]),
        overall=pd.DataFrame(overall, columns=["week", "value"]),
        drivers=pd.DataFrame(driver_rows, columns=["week", "driver", "value"]),
        goals_by_week=pd.DataFrame(goal_rows, columns=["week", "met", "partly met", "not met", "share_met"]),
        gas=pd.DataFrame(gas_rows, columns=["week", "t_score"]),
        flags=flags,
        can_edit=is_allowed(user, Action.EDIT, ref),
    )


def set_phase_lengths(
    session: Session, user: Principal, case_id: int, *, engagement: int, generalisation: int, version: int
) -> None:
    """Change the phase lengths; the intervention phase takes the rest of the planned weeks."""
    check(session, user, Action.EDIT, case_id)
    case = session.get(Case, case_id)
    middle = case.planned_weeks - engagement - generalisation
    problems = validate_phase_lengths((engagement, middle, generalisation), case.planned_weeks)
    if problems:
        raise InvalidInput({"phases": " ".join(problems)})
    changed = session.execute(
        update(Case)
        .where(Case.id == case_id, Case.version == version)
        .values(phase_engagement_weeks=engagement, phase_generalisation_weeks=generalisation, version=Case.version + 1)
    ).rowcount
    if changed != 1:
        raise StaleEdit("Someone else changed this case after you opened it, so the phases were not saved. Reload and try again.")
    audit.record(session, actor=user, action="update", object_type="case_phases", object_id=case_id, case_id=case_id)
