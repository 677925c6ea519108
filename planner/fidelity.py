"""Fidelity of a case to MST: the monthly adherence score beside the case's progress, and which of
the nine MST principles the plan's interventions serve.

The adherence score (0 to 1, one per case and month) is what the supervisor records from the
monthly adherence measure; a month below ADHERENCE_THRESHOLD (0.61) is flagged, because MST
outcomes fall off when adherence drops below it. Recording needs Action.RATE_FIDELITY (the team's
supervisor); reading needs Action.VIEW (the case's therapist reads it too). Scores are kept to two
decimals, as the page shows them, so a score shown as 0.61 is never flagged and one shown as 0.60 always is.

Principles coverage counts the planned, active and done interventions. Stopped ones are left out:
an intervention that was stopped no longer delivers the principles it was meant to serve, so a
principle served only by stopped interventions is shown as served by none (the page lists the
stopped ones apart, so nothing is hidden).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from goals.timeline import plan_week, week_start
from planner import audit
from planner.access import Action, Principal, is_allowed
from planner.errors import InvalidInput
from planner.guard import check
from planner.models import AdherenceScore, Case, Intervention, Rating, User, utcnow
from planner.plan import MST_PRINCIPLES, principles_list

ADHERENCE_THRESHOLD = 0.61  # below this a month is flagged
COUNTED_STATUSES = ("planned", "active", "done")  # interventions that count towards principles coverage


def month_start(day: date) -> date:
    return day.replace(day=1)


def months_between(first: date, last: date) -> list[date]:
    """First days of every month from `first`'s month to `last`'s month, inclusive."""
    months, month = [], month_start(first)
    while month <= month_start(last):
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def is_flagged(score: float) -> bool:
    return score < ADHERENCE_THRESHOLD


@dataclass(frozen=True)
class AdherenceEntry:
    case_id: int
    month: date
    score: float
    flagged: bool
    created: bool  # False: an earlier score for the month was replaced


def _validate(case: Case, month: object, score: object, today: date) -> tuple[date, float]:
    errors: dict[str, str] = {}
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
        errors["score"] = "Enter the adherence score as a number from 0 to 1, for example 0.75."
    elif not 0 <= score <= 1:
        errors["score"] = "The adherence score must be between 0 and 1 (for example 0.75)."
    if isinstance(month, datetime) or not isinstance(month, date):
        errors["month"] = "Choose the month the score is for."
    else:
        first, last = month_start(case.start_date), month_start(case.closed_on or today)
        if month_start(month) > month_start(today):
            errors["month"] = "That month has not happened yet: scores are recorded for this month or earlier ones."
        elif month_start(month) < first:
            errors["month"] = f"The case started in {first:%B %Y}: choose that month or a later one."
        elif month_start(month) > last:
            errors["month"] = f"The case closed in {last:%B %Y}: choose that month or an earlier one."
    if errors:
        raise InvalidInput(errors)
    return month_start(month), round(float(score), 2)


def record_adherence(
    session: Session, user: Principal, case_id: int, month: date, score: float, *, today: date | None = None
) -> AdherenceEntry:
    """Record (or replace) the case's adherence score for `month` (any day in it); one score a month."""
    check(session, user, Action.RATE_FIDELITY, case_id)
    case = session.get(Case, case_id)
    month, score = _validate(case, month, score, today or date.today())
    existing = session.exec(
        select(AdherenceScore).where(AdherenceScore.case_id == case_id, AdherenceScore.month == month)
    ).first()
    created = existing is None
    if created:
        try:
            with session.begin_nested():  # a colleague saving the same month at once: replace theirs instead
                row = AdherenceScore(case_id=case_id, month=month, score=score, recorded_by=user.id)
                session.add(row)
                session.flush()
        except IntegrityError:
            created = False
            existing = session.exec(
                select(AdherenceScore).where(AdherenceScore.case_id == case_id, AdherenceScore.month == month)
            ).one()
    if not created:
        existing.score, existing.recorded_by, existing.recorded_at = score, user.id, utcnow()
        session.add(existing)
        session.flush()
        row = existing
    audit.record(
        session, actor=user, action="create" if created else "update", object_type="adherence_score",
        object_id=row.id, case_id=case_id,
    )
    return AdherenceEntry(case_id, month, score, is_flagged(score), created)


@dataclass(frozen=True)
class FidelityView:
    case_id: int
    alias: str
    status: str
    start_date: date
    current_week: int
    planned_weeks: int
    months: list[date]  # every month of the case so far (the months a score may be recorded for)
    adherence: pd.DataFrame  # month, score, flagged, recorded_by, recorded_at
    overall: pd.DataFrame  # week, date (first day of the week), month, value
    principles: pd.DataFrame  # number, principle, interventions (names, "; "), count, stopped (names)
    uncovered: list[tuple[int, str]]  # principles no counted intervention serves
    can_rate: bool

    @property
    def flagged_months(self) -> int:
        return int(self.adherence["flagged"].sum()) if not self.adherence.empty else 0

    @property
    def latest(self) -> tuple[date, float, bool] | None:
        if self.adherence.empty:
            return None
        last = self.adherence.iloc[-1]
        return last["month"], float(last["score"]), bool(last["flagged"])


def fidelity_view(session: Session, user: Principal, case_id: int, *, today: date) -> FidelityView:
    ref = check(session, user, Action.VIEW, case_id)
    case = session.get(Case, case_id)
    scores = session.exec(
        select(AdherenceScore.month, AdherenceScore.score, User.display_name, AdherenceScore.recorded_at)
        .join(User, User.id == AdherenceScore.recorded_by, isouter=True)
        .where(AdherenceScore.case_id == case_id)
        .order_by(AdherenceScore.month)
    ).all()
    overall = session.exec(
        select(Rating.week, Rating.value).where(Rating.case_id == case_id, Rating.subject == "overall").order_by(Rating.week)
    ).all()
    interventions = session.exec(
        select(Intervention.name, Intervention.status, Intervention.principles)
        .where(Intervention.case_id == case_id)
        .order_by(Intervention.start_week, Intervention.name)
    ).all()

    served: dict[int, list[str]] = {n: [] for n in MST_PRINCIPLES}
    stopped: dict[int, list[str]] = {n: [] for n in MST_PRINCIPLES}
    for name, status, principles in interventions:
        for number in principles_list(principles):
            (served if status in COUNTED_STATUSES else stopped)[number].append(name)
    principle_rows = [
        {"number": n, "principle": label, "interventions": "; ".join(served[n]), "count": len(served[n]),
         "stopped": "; ".join(stopped[n])}
        for n, label in MST_PRINCIPLES.items()
    ]
    audit.record(session, actor=user, action="view", object_type="fidelity", case_id=case_id)
    return FidelityView(
        case_id=case_id,
        alias=case.alias,
        status=case.status,
        start_date=case.start_date,
        current_week=plan_week(case.start_date, case.closed_on or today),
        planned_weeks=case.planned_weeks,
        months=months_between(case.start_date, min(case.closed_on or today, today)),
        adherence=pd.DataFrame(
            [
                {"month": m, "score": s, "flagged": is_flagged(s), "recorded_by": who or "", "recorded_at": at}
                for m, s, who, at in scores
            ],
            columns=["month", "score", "flagged", "recorded_by", "recorded_at"],
        ),
        overall=pd.DataFrame(
            [
                {"week": w, "date": week_start(case.start_date, w), "month": month_start(week_start(case.start_date, w)), "value": v}
                for w, v in overall
            ],
            columns=["week", "date", "month", "value"],
        ),
        principles=pd.DataFrame(principle_rows, columns=["number", "principle", "interventions", "count", "stopped"]),
        uncovered=[(n, MST_PRINCIPLES[n]) for n in MST_PRINCIPLES if not served[n]],
        can_rate=is_allowed(user, Action.RATE_FIDELITY, ref),
    )
