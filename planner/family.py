"""The family's view of their own plan, built from an allow-list of family-safe fields.

Nothing is copied from the clinical plan and then trimmed: each line below names the one field it
reads. The harmful behaviour, victims, notes, hypotheses, evidence and comments are never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from goals.timeline import plan_end, plan_week
from planner import audit
from planner.access import Action, Principal
from planner.guard import check
from planner.models import Case, Driver, Goal, Rating


@dataclass(frozen=True)
class FamilySummary:
    first_name: str
    week: int
    planned_weeks: int
    weeks_left: int
    plan_end: date
    going_well: list[str]
    working_on: list[str]
    goals_reached: list[str]
    goals_ahead: list[str]
    scale: list[tuple[int, int]]  # (week, 0-10)


def family_summary(session: Session, user: Principal, case_id: int, *, today: date) -> FamilySummary:
    check(session, user, Action.VIEW_FAMILY_SUMMARY, case_id)
    case = session.get(Case, case_id)
    week = min(plan_week(case.start_date, case.closed_on or today), case.planned_weeks)
    # Allow-list: only family_wording, kind, prioritised and status are read from drivers and goals.
    drivers = session.exec(
        select(Driver.family_wording, Driver.kind, Driver.prioritised).where(
            Driver.case_id == case_id, Driver.archived_at.is_(None), Driver.status != "ruled_out"
        )
    ).all()
    goals = session.exec(
        select(Goal.family_wording, Goal.status).where(Goal.case_id == case_id, Goal.level == "overarching")
    ).all()
    scale = session.exec(
        select(Rating.week, Rating.value)
        .where(Rating.case_id == case_id, Rating.subject == "overall")
        .order_by(Rating.week)
    ).all()
    audit.record(session, actor=user, action="view", object_type="family_summary", case_id=case_id)
    return FamilySummary(
        first_name=case.alias,
        week=week,
        planned_weeks=case.planned_weeks,
        weeks_left=max(0, case.planned_weeks - week),
        plan_end=plan_end(case.start_date, case.planned_weeks),
        going_well=[w for w, kind, _ in drivers if kind == "strength" and w],
        working_on=[w for w, kind, prioritised in drivers if kind == "need" and prioritised and w],
        goals_reached=[w for w, status in goals if status == "met" and w],
        goals_ahead=[w for w, status in goals if status != "met" and w],
        scale=[(w, v) for w, v in scale],
    )
