"""Case services: the caseload list and the case overview.

Each function checks access first (planner.guard.check), records the view in the audit trail,
and returns plain data (DataFrames and dataclasses), never ORM objects that outlive the session.
The caseload issues a fixed number of statements whatever the number of cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import and_, func
from sqlmodel import Session, select

from goals.timeline import plan_end, plan_week
from planner import audit
from planner.access import Action, Principal
from planner.guard import check
from planner.models import (
    Case,
    Comment,
    DesiredOutcome,
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
    WeeklyReview,
)

CASELOAD_COLUMNS = [
    "case_id",
    "alias",
    "age",
    "therapist",
    "team",
    "status",
    "start_date",
    "planned_weeks",
    "week",
    "overall",
    "last_review_week",
    "open_comments",
]


def caseload_filter(user: Principal):
    """The cases in this person's caseload, as a WHERE clause (callers check LIST_CASES first)."""
    if user.role == "therapist":
        return Case.therapist_id == user.id
    return Case.team_id == user.team_id  # supervisor: their team


def caseload(session: Session, user: Principal, *, today: date, include_closed: bool = False) -> pd.DataFrame:
    """The cases this person works on (therapist) or oversees (supervisor), one row a case.

    One statement whatever the number of cases: the latest overall rating, the last submitted
    review and the count of open supervisor comments come from correlated subqueries that walk an
    index for each case (ix_rating_case_subject_week, ix_weekly_review_case_status_week,
    ix_comment_case_id), not from grouping every rating of the team.
    """
    check(session, user, Action.LIST_CASES)
    scope = caseload_filter(user)
    if not include_closed:
        scope = and_(scope, Case.status == "open")
    latest_overall = (
        select(Rating.value)
        .where(Rating.case_id == Case.id, Rating.subject == "overall")
        .order_by(Rating.week.desc())
        .limit(1)
        .correlate(Case)
        .scalar_subquery()
    )
    last_review = (
        select(func.max(WeeklyReview.week))
        .where(WeeklyReview.case_id == Case.id, WeeklyReview.status == "submitted")
        .correlate(Case)
        .scalar_subquery()
    )
    open_comments = (  # supervisors' comments the therapist has not yet marked addressed
        select(func.count(Comment.id))
        .where(Comment.case_id == Case.id, Comment.status == "open")
        .correlate(Case)
        .scalar_subquery()
    )
    rows = session.exec(
        select(
            Case.id, Case.alias, Case.age, User.display_name, Team.name, Case.status, Case.start_date,
            Case.planned_weeks, Case.closed_on, latest_overall, last_review, open_comments,
        )
        .join(User, User.id == Case.therapist_id)
        .join(Team, Team.id == Case.team_id)
        .where(scope)
        .order_by(Case.status.desc(), Case.alias)
    ).all()
    records = []
    for case_id, alias, age, therapist, team, status, start, planned, closed_on, overall, reviewed, comments in rows:
        week = plan_week(start, closed_on or today)
        records.append(
            {
                "case_id": case_id,
                "alias": alias,
                "age": age,
                "therapist": therapist,
                "team": team,
                "status": status,
                "start_date": start,
                "planned_weeks": planned,
                "week": min(week, planned) if status == "closed" else week,
                "overall": overall,
                "last_review_week": reviewed,
                "open_comments": comments,
            }
        )
    audit.record(session, actor=user, action="view", object_type="caseload")
    return pd.DataFrame.from_records(records, columns=CASELOAD_COLUMNS)


@dataclass(frozen=True)
class CaseSummary:
    id: int
    alias: str
    age: int
    status: str
    start_date: date
    planned_weeks: int
    week: int
    plan_end: date
    therapist: str
    team: str
    version: int


@dataclass(frozen=True)
class Referral:
    summary: str
    description: str
    frequency: str
    intensity: str
    duration: str
    hackett_level: str
    brook_colour: str


@dataclass(frozen=True)
class CaseOverview:
    case: CaseSummary
    referrals: list[Referral]
    participants: pd.DataFrame  # name, relation, role
    outcomes: pd.DataFrame  # who, outcome
    drivers: pd.DataFrame  # id, name, system, kind, status, rating, previous, changeability, prioritised, interventions
    interventions: pd.DataFrame  # name, type, who, frequency, start_week, end_week, status, drivers
    overarching_goals: pd.DataFrame  # text, criterion, status, gas_score
    weekly_goals: pd.DataFrame  # week, goal, owner, status: the latest week that has goals
    marked_goals: pd.DataFrame  # the same for the latest week whose goals have been marked
    overall: pd.DataFrame  # week, value
    safety_rules: pd.DataFrame  # setting, rule, responsible, review_date
    last_review_week: int | None = None
    notes: list[str] = field(default_factory=list)
    open_comments: int = 0  # supervisors' comments not yet marked addressed


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=columns)


def case_overview(session: Session, user: Principal, case_id: int, *, today: date) -> CaseOverview:
    """Everything a therapist or supervisor needs to see the plan at a glance."""
    check(session, user, Action.VIEW, case_id)
    case = session.get(Case, case_id)
    therapist = session.get(User, case.therapist_id)
    team = session.get(Team, case.team_id)
    week = plan_week(case.start_date, case.closed_on or today)
    summary = CaseSummary(
        id=case.id,
        alias=case.alias,
        age=case.age,
        status=case.status,
        start_date=case.start_date,
        planned_weeks=case.planned_weeks,
        week=week,
        plan_end=plan_end(case.start_date, case.planned_weeks),
        therapist=therapist.display_name,
        team=team.name,
        version=case.version,
    )
    referrals = [
        Referral(r.summary, r.description, r.frequency, r.intensity, r.duration, r.hackett_level, r.brook_colour)
        for r in session.exec(select(ReferralBehaviour).where(ReferralBehaviour.case_id == case_id)).all()
    ]
    participants = _frame(
        [
            {"name": p.name, "relation": p.relation, "role": p.role.replace("_", " ")}
            for p in session.exec(select(Participant).where(Participant.case_id == case_id)).all()
        ],
        ["name", "relation", "role"],
    )
    outcomes = _frame(
        [
            {"who": o.who, "outcome": o.outcome}
            for o in session.exec(select(DesiredOutcome).where(DesiredOutcome.case_id == case_id)).all()
        ],
        ["who", "outcome"],
    )

    drivers = session.exec(
        select(Driver).where(Driver.case_id == case_id, Driver.archived_at.is_(None)).order_by(Driver.system, Driver.name)
    ).all()
    driver_names = {d.id: d.name for d in drivers}
    links = session.exec(
        select(InterventionDriver.intervention_id, InterventionDriver.driver_id)
        .join(Intervention, Intervention.id == InterventionDriver.intervention_id)
        .where(Intervention.case_id == case_id)
    ).all()
    aimed_at: dict[int, list[int]] = {}
    for intervention_id, driver_id in links:
        aimed_at.setdefault(intervention_id, []).append(driver_id)
    interventions_per_driver: dict[int, int] = {}
    for driver_ids in aimed_at.values():
        for driver_id in driver_ids:
            interventions_per_driver[driver_id] = interventions_per_driver.get(driver_id, 0) + 1

    driver_ratings = session.exec(
        select(Rating.subject_id, Rating.week, Rating.value)
        .where(Rating.case_id == case_id, Rating.subject == "driver")
        .order_by(Rating.subject_id, Rating.week)
    ).all()
    history: dict[int, list[int]] = {}
    for driver_id, _week, value in driver_ratings:
        history.setdefault(driver_id, []).append(value)

    driver_rows = []
    for d in drivers:
        past = history.get(d.id, [])
        driver_rows.append(
            {
                "id": d.id,
                "name": d.name,
                "system": d.system,
                "kind": d.kind,
                "status": d.status.replace("_", " "),
                "rating": d.rating if d.rating is not None else (past[-1] if past else None),
                "intake": past[0] if past else None,
                "changeability": d.changeability,
                "prioritised": d.prioritised,
                "interventions": interventions_per_driver.get(d.id, 0),
            }
        )
    drivers_frame = _frame(
        driver_rows,
        ["id", "name", "system", "kind", "status", "rating", "intake", "changeability", "prioritised", "interventions"],
    )

    interventions = session.exec(
        select(Intervention).where(Intervention.case_id == case_id).order_by(Intervention.start_week, Intervention.name)
    ).all()
    interventions_frame = _frame(
        [
            {
                "name": i.name,
                "type": i.type.replace("_", " "),
                "who": i.who,
                "frequency": i.frequency,
                "weeks": f"{i.start_week}–{i.end_week}" if i.end_week else f"from {i.start_week}",
                "status": i.status,
                "drivers": "; ".join(sorted(driver_names.get(x, "(archived driver)") for x in aimed_at.get(i.id, []))),
            }
            for i in interventions
        ],
        ["name", "type", "who", "frequency", "weeks", "status", "drivers"],
    )

    goals = session.exec(select(Goal).where(Goal.case_id == case_id).order_by(Goal.week, Goal.id)).all()
    overarching = _frame(
        [
            {"goal": g.text, "criterion": g.criterion, "status": g.status.replace("_", " "), "gas_score": g.gas_score}
            for g in goals
            if g.level == "overarching"
        ],
        ["goal", "criterion", "status", "gas_score"],
    )
    weekly = [g for g in goals if g.level == "intermediary" and g.week is not None]

    def goals_of(week: int | None) -> pd.DataFrame:
        return _frame(
            [
                {"week": g.week, "goal": g.text, "owner": g.owner, "status": g.status.replace("_", " ")}
                for g in weekly
                if g.week == week
            ],
            ["week", "goal", "owner", "status"],
        )

    latest_goal_week = max((g.week for g in weekly), default=None)
    last_marked_week = max((g.week for g in weekly if g.status != "open"), default=None)

    overall = _frame(
        [
            {"week": w, "safety scale": v}
            for w, v in session.exec(
                select(Rating.week, Rating.value)
                .where(Rating.case_id == case_id, Rating.subject == "overall")
                .order_by(Rating.week)
            ).all()
        ],
        ["week", "safety scale"],
    )
    rules = _frame(
        [
            {"setting": r.setting, "rule": r.rule, "responsible": r.responsible, "review_date": r.review_date}
            for r in session.exec(select(SafetyRule).where(SafetyRule.case_id == case_id).order_by(SafetyRule.setting)).all()
        ],
        ["setting", "rule", "responsible", "review_date"],
    )
    last_review_week = session.exec(
        select(func.max(WeeklyReview.week)).where(WeeklyReview.case_id == case_id, WeeklyReview.status == "submitted")
    ).one()
    open_comments = session.exec(
        select(func.count(Comment.id)).where(Comment.case_id == case_id, Comment.status == "open")
    ).one()
    audit.record(session, actor=user, action="view", object_type="case", object_id=case_id, case_id=case_id)
    return CaseOverview(
        case=summary,
        referrals=referrals,
        participants=participants,
        outcomes=outcomes,
        drivers=drivers_frame,
        interventions=interventions_frame,
        overarching_goals=overarching,
        weekly_goals=goals_of(latest_goal_week),
        marked_goals=goals_of(last_marked_week),
        overall=overall,
        safety_rules=rules,
        last_review_week=last_review_week,
        open_comments=open_comments,
    )
