"""Cross-case learning for a supervisor: what recurs across the team's cases, open and closed, and
what followed the interventions aimed at it.

Three analyses (rules in drivers.learning, which is pure and unit-tested):
the most frequent drivers by system; intervention type x driver type with the median change in the
drivers' ratings over the 8 weeks after the intervention started; the median weeks until a driver's
rating improved by 3 points. Only drivers still on the map count (not archived, not ruled out), and
only ratings up to each case's current week (its closing week once closed): `today` decides that.

Access: Action.SUPERVISE (a supervisor with a team), scoped to `Case.team_id == user.team_id`.
Five queries (cases, drivers, driver ratings, interventions with their drivers, and the audit
entry's predecessor) whatever the number of cases: the work is done in Python over those rows.
The result holds counts and driver labels (the catalogue's name, or for a driver in a therapist's
own words its name, which the team's supervisor may read in the case anyway), never a case's alias.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pandas as pd
from sqlmodel import Session, select

from drivers.catalogue import load_catalogue
from drivers.learning import (
    FOLLOW_UP_WEEKS,
    IMPROVEMENT_POINTS,
    DriverRecord,
    InterventionRecord,
    frequent_drivers,
    group_key,
    intervention_effects,
    time_to_improve,
)
from drivers.model import INTERVENTION_TYPES, KIND_LABELS, SYSTEM_LABELS
from goals.timeline import plan_week
from planner import audit
from planner.access import Action, Principal
from planner.guard import check
from planner.models import Case, Driver, Intervention, InterventionDriver, Rating

FREQUENT_COLUMNS = ["system", "kind", "driver", "cases", "share", "rank"]
EFFECT_COLUMNS = [
    "type", "intervention", "system", "kind", "driver_type", "pairs", "median_change", "improved", "unchanged", "worse", "unmeasured",
]
EFFECT_BY_DRIVER_COLUMNS = ["intervention", "driver", "pairs", "median_change", "improved", "unchanged", "worse", "unmeasured"]
TIME_COLUMNS = ["group", "median_weeks", "reached", "never", "not_yet", "no_room"]


@dataclass(frozen=True)
class TeamLearning:
    open_cases: int
    closed_cases: int
    drivers: int  # drivers looked at (on the map, across every case)
    frequent: pd.DataFrame  # FREQUENT_COLUMNS: top drivers per system and kind
    effects: pd.DataFrame  # EFFECT_COLUMNS: intervention type x driver system and kind
    effects_by_driver: pd.DataFrame  # EFFECT_BY_DRIVER_COLUMNS: intervention type x driver
    time_to_improve: pd.DataFrame  # TIME_COLUMNS: "All systems" then each system
    follow_up_weeks: int = FOLLOW_UP_WEEKS
    improvement_points: int = IMPROVEMENT_POINTS

    @property
    def cases(self) -> int:
        return self.open_cases + self.closed_cases


@lru_cache(maxsize=1)
def _catalogue_names() -> dict[str, str]:
    return {entry.key: entry.name for entry in load_catalogue()}


def team_learning(session: Session, user: Principal, *, today: date, top: int = 5) -> TeamLearning:
    """The three analyses over every case of the supervisor's team, open and closed."""
    check(session, user, Action.SUPERVISE)
    scope = Case.team_id == user.team_id
    on_map = (Driver.archived_at.is_(None), Driver.status != "ruled_out")
    case_rows = session.exec(select(Case.id, Case.status, Case.start_date, Case.closed_on).where(scope)).all()
    driver_rows = session.exec(
        select(Driver.id, Driver.case_id, Driver.name, Driver.system, Driver.kind, Driver.catalogue_key)
        .join(Case, Case.id == Driver.case_id)
        .where(scope, *on_map)
    ).all()
    rating_rows = session.exec(
        select(Rating.case_id, Rating.subject_id, Rating.week, Rating.value)
        .join(Case, Case.id == Rating.case_id)
        .where(scope, Rating.subject == "driver", Rating.subject_id.is_not(None))
    ).all()
    link_rows = session.exec(
        select(Intervention.id, Intervention.case_id, Intervention.type, Intervention.start_week, Intervention.status,
               InterventionDriver.driver_id)
        .join(Case, Case.id == Intervention.case_id)
        .join(InterventionDriver, InterventionDriver.intervention_id == Intervention.id)
        .where(scope)
    ).all()

    closed = {case_id for case_id, status, _, _ in case_rows if status == "closed"}
    # A rating dated after the case's current week (or its closing week) is not history yet: ignored.
    last_week = {case_id: plan_week(start, closed_on or today) for case_id, _, start, closed_on in case_rows}
    ratings: dict[int, dict[int, int]] = defaultdict(dict)
    for case_id, driver_id, week, value in rating_rows:
        if week <= last_week.get(case_id, 0):
            ratings[driver_id][week] = value
    drivers = {
        driver_id: DriverRecord(driver_id, case_id, name, system, kind, key, ratings.get(driver_id, {}), case_id in closed)
        for driver_id, case_id, name, system, kind, key in driver_rows
    }
    linked: dict[int, list[int]] = defaultdict(list)
    heads: dict[int, tuple] = {}
    for intervention_id, case_id, type_, start_week, status, driver_id in link_rows:
        heads[intervention_id] = (case_id, type_, start_week, status)
        linked[intervention_id].append(driver_id)
    interventions = [
        InterventionRecord(i, case_id, type_, start_week, status, tuple(linked[i]))
        for i, (case_id, type_, start_week, status) in heads.items()
    ]

    names = _catalogue_names()
    frequent = frequent_drivers(drivers.values(), total_cases=len(case_rows), catalogue_names=names, top=top)
    labels = {f.key: f.label for f in frequent}
    for d in drivers.values():  # drivers not in the top lists still need a readable label
        key = group_key(d)
        labels.setdefault(key, names.get(d.catalogue_key or "", d.name))
    effects = intervention_effects(interventions, drivers)
    by_driver = intervention_effects(interventions, drivers, by="driver", labels=labels)
    times = time_to_improve(drivers.values())

    audit.record(session, actor=user, action="view", object_type="team_learning", object_id=user.team_id)

    def type_label(type_: str) -> str:
        return INTERVENTION_TYPES.get(type_, type_.replace("_", " ").capitalize())

    effect_rows = []
    for row in effects:
        system, kind = row.group.split(" ", 1)
        effect_rows.append(
            {
                "type": row.type,
                "intervention": type_label(row.type),
                "system": SYSTEM_LABELS.get(system, system),
                "kind": KIND_LABELS.get(kind, kind),
                "driver_type": f"{SYSTEM_LABELS.get(system, system)} {kind}",
                "pairs": row.pairs,
                "median_change": row.median_change,
                "improved": row.improved,
                "unchanged": row.unchanged,
                "worse": row.worse,
                "unmeasured": row.unmeasured,
            }
        )
    return TeamLearning(
        open_cases=len(case_rows) - len(closed),
        closed_cases=len(closed),
        drivers=len(drivers),
        frequent=pd.DataFrame(
            [
                {"system": SYSTEM_LABELS.get(f.system, f.system), "kind": KIND_LABELS.get(f.kind, f.kind), "driver": f.label,
                 "cases": f.cases, "share": round(f.share, 3), "rank": f.rank}
                for f in frequent
            ],
            columns=FREQUENT_COLUMNS,
        ),
        effects=pd.DataFrame(effect_rows, columns=EFFECT_COLUMNS),
        effects_by_driver=pd.DataFrame(
            [
                {"intervention": type_label(r.type), "driver": r.group, "pairs": r.pairs, "median_change": r.median_change,
                 "improved": r.improved, "unchanged": r.unchanged, "worse": r.worse, "unmeasured": r.unmeasured}
                for r in by_driver
            ],
            columns=EFFECT_BY_DRIVER_COLUMNS,
        ),
        time_to_improve=pd.DataFrame(
            [
                {"group": SYSTEM_LABELS.get(t.group, t.group), "median_weeks": t.median_weeks, "reached": t.reached,
                 "never": t.never, "not_yet": t.not_yet, "no_room": t.no_room}
                for t in times
            ],
            columns=TIME_COLUMNS,
        ),
    )
