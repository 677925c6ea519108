"""Seeded synthetic data for the benchmarks: fit circles of any size, and a whole service.

Everything is deterministic: the same size gives the same data, run after run, so figures compare
between runs and cached database files stay valid. Nothing here is realistic clinical content:
names are made of stock phrases and a number.

- `fit_circle(n)`: n drivers across the five systems (a third strengths), about 2.5 links per
  driver (loops included), and interventions aimed at some of them. Plain tuples, so building the
  `drivers.model` dataclasses from them can serve as the floor of the analysis figures.
- `add_case_with_drivers(...)`: one case in a real database with such a fit circle and 20 weeks of
  ratings, goals and reviews, for the page figures.
- `service_tables(n)`: the rows of a service with n cases in one team (~30 weeks of overall and
  driver ratings each), as column lists and row generators for bulk loading.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from drivers.model import SYSTEMS
from drivers.model import Driver as MapDriver
from drivers.model import Intervention as MapIntervention
from drivers.model import Link as MapLink

LINKS_PER_DRIVER = 2.5

_OPENINGS = ("Dad", "Mum", "Carer", "Nan", "Older brother", "Form tutor", "Youth worker", "Neighbour",
             "Step-parent", "Aunt", "Coach", "Social worker")
_MIDDLES = ("struggles with", "avoids talking about", "is unsure about", "gets angry about", "worries about",
            "keeps quiet about", "has little time for", "supports", "is warm about", "helps with")
_ENDS = ("supervision at home", "online safety", "time together", "friendships", "school attendance",
         "bedtime routines", "what happened", "family visits", "consent and boundaries", "calming down",
         "screen time", "weekend plans")
_WORDS = ("the", "family", "reports", "often", "evenings", "school", "worried", "weekly", "after", "visits",
          "plan", "agreed", "shouting", "calm", "sessions", "progress", "slowly", "with", "support", "home")


# =========================================================================== fit circles


@dataclass(frozen=True)
class FitCircle:
    """Plain rows: drivers as Driver field tuples, links as (source, target|None, strength, note)."""

    drivers: list[tuple]
    links: list[tuple]
    interventions: list[tuple]  # (id, name, driver ids)

    def map_drivers(self) -> list[MapDriver]:
        return [MapDriver(*row) for row in self.drivers]

    def map_links(self) -> list[MapLink]:
        return [MapLink(*row) for row in self.links]

    def map_interventions(self) -> list[MapIntervention]:
        return [MapIntervention(*row) for row in self.interventions]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def fit_circle(n: int, seed: int = 0) -> FitCircle:
    """n drivers (a third strengths, all five systems), ~2.5 links each, n/4 interventions."""
    rng = random.Random(f"bench-fit-circle:{n}:{seed}")
    drivers = []
    for i in range(1, n + 1):
        kind = "strength" if i % 3 == 0 else "need"
        system = SYSTEMS[i % len(SYSTEMS)] if i <= len(SYSTEMS) else rng.choice(SYSTEMS)
        roll = rng.random()
        status = "ruled_out" if roll < 0.05 else "hypothesised" if roll < 0.25 else "supported"
        rating = None if rng.random() < 0.05 else rng.randint(1, 10)
        name = f"{rng.choice(_OPENINGS)} {rng.choice(_MIDDLES)} {rng.choice(_ENDS)} ({i})"
        drivers.append((
            i, name, system, kind, rating, rng.randint(1, 5), kind == "need" and rng.random() < 0.2,
            status, _sentence(rng, rng.randint(20, 40)), "",
        ))
    needs = [d[0] for d in drivers if d[3] == "need"] or [None]
    wanted = round(LINKS_PER_DRIVER * n)
    seen: set[tuple] = set()
    links = []

    def add(source: int, target: int | None) -> None:
        if source == target or (source, target) in seen:
            return
        seen.add((source, target))
        links.append((source, target, rng.randint(1, 3), "" if rng.random() < 0.6 else _sentence(rng, 8)))

    for driver_id, *_rest in drivers:  # every driver is linked at least once
        is_need = drivers[driver_id - 1][3] == "need"
        add(driver_id, None if is_need and rng.random() < 0.35 else rng.choice(needs))
    attempts = 0
    while len(links) < wanted and attempts < 20 * wanted:
        attempts += 1
        add(rng.randint(1, n), None if rng.random() < 0.15 else rng.choice(needs))
    interventions = []
    for k in range(1, max(1, n // 4) + 1):
        aimed = tuple(sorted({rng.randint(1, n) for _ in range(rng.randint(1, 3))}))
        interventions.append((k, f"Intervention {k}: {rng.choice(_ENDS)}", aimed))
    return FitCircle(drivers, links, interventions)


# =========================================================================== one case, for pages


def add_case_with_drivers(session, *, therapist_id: int, team_id: int, alias: str, n_drivers: int,
                          today: date, weeks: int = 20) -> int:
    """A case at week weeks+1 of 30 with an n-driver fit circle and `weeks` weeks of history."""
    from planner.models import (
        Case, DesiredOutcome, Driver, DriverLink, Goal, Intervention, InterventionDriver, Participant,
        Rating, ReferralBehaviour, SafetyRule, WeeklyReview,
    )

    rng = random.Random(f"bench-case:{n_drivers}")
    circle = fit_circle(n_drivers, seed=1)
    start = today - timedelta(weeks=weeks, days=2)
    case = Case(alias=alias, age=13, start_date=start, planned_weeks=30, therapist_id=therapist_id, team_id=team_id)
    session.add(case)
    session.flush()
    cid = case.id
    session.add(ReferralBehaviour(case_id=cid, summary="Harmful sexual behaviour towards a younger child",
                                  description=_sentence(rng, 60), hackett_level="problematic", brook_colour="amber"))
    people = [Participant(case_id=cid, name=n, relation=r, role=role) for n, r, role in (
        ("Alex", "father", "caregiver"), ("Sam", "mother", "caregiver"), ("Jo", "younger sister", "sibling"))]
    session.add_all(people)
    session.flush()
    session.add_all(DesiredOutcome(case_id=cid, participant_id=p.id, who=p.name, outcome=_sentence(rng, 15))
                    for p in people[:2])

    rows = {}
    for (i, name, system, kind, _rating, change, prio, status, desc, _fw) in circle.drivers:
        rows[i] = Driver(case_id=cid, name=name, system=system, kind=kind, description=desc, status=status,
                         changeability=change, prioritised=prio)
    session.add_all(rows.values())
    session.flush()
    session.add_all(DriverLink(case_id=cid, source_driver_id=rows[s].id,
                               target_driver_id=None if t is None else rows[t].id, strength=w, note=note)
                    for s, t, w, note in circle.links)
    interventions = {}
    for k, name, aimed in circle.interventions:
        interventions[k] = Intervention(case_id=cid, type="other", name=name, who="Therapist with the family",
                                        frequency="Weekly", start_week=1 + k % weeks, status="active")
    session.add_all(interventions.values())
    session.flush()
    session.add_all(InterventionDriver(intervention_id=interventions[k].id, driver_id=rows[d].id)
                    for k, _n, aimed in circle.interventions for d in aimed)
    goals = [Goal(case_id=cid, level="overarching", text=_sentence(rng, 10), criterion=_sentence(rng, 12))
             for _ in range(3)]
    goals += [Goal(case_id=cid, level="intermediary", text=_sentence(rng, 10), week=w, owner="Dad",
                   status="met" if rng.random() < 0.6 else "not_met") for w in range(1, weeks + 1) for _ in range(3)]
    session.add_all(goals)
    session.add_all(SafetyRule(case_id=cid, setting=s, rule=_sentence(rng, 12), responsible="Dad")
                    for s in ("home", "school", "online"))
    session.add_all(WeeklyReview(case_id=cid, week=w, status="submitted", advances=_sentence(rng, 40),
                                 next_steps=_sentence(rng, 20), submitted_at=_at(start + timedelta(weeks=w, days=-1)),
                                 submitted_by=therapist_id) for w in range(1, weeks + 1))
    ratings = []
    for i, driver in rows.items():
        value = rng.randint(4, 10)
        for w in range(1, weeks + 1):
            value = max(0, min(10, value + rng.choice((-1, 0, 0, 1)) - (w % 4 == 0)))
            ratings.append(dict(case_id=cid, week=w, subject="driver", subject_id=driver.id, value=value,
                                recorded_by=therapist_id, recorded_at=_at(start + timedelta(weeks=w, days=-2))))
        driver.rating = value
    for w in range(1, weeks + 1):
        ratings.append(dict(case_id=cid, week=w, subject="overall", subject_id=None, value=min(10, 2 + w // 3),
                            recorded_by=therapist_id, recorded_at=_at(start + timedelta(weeks=w, days=-2))))
    session.add_all(rows.values())
    session.flush()
    session.execute(Rating.__table__.insert(), ratings)
    return cid


def _at(day: date, hour: int = 13) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


# =========================================================================== a whole service, for scale

SERVICE_TODAY = date(2026, 11, 25)  # the service data is anchored here, so cached files stay valid
SERVICE_DATA_VERSION = 1  # bump whenever the generator below changes: cache files are keyed by it
CASES_PER_THERAPIST = 20
DRIVERS_PER_CASE = 6
OTHER_TEAM_CASES = 3  # a second team the supervisor must not see


@dataclass(frozen=True)
class CaseShape:
    id: int
    therapist_id: int
    team_id: int
    alias: str
    age: int
    start: date
    planned_weeks: int
    status: str
    closed_on: date | None
    rated_weeks: int  # weeks 1..rated_weeks have an overall and every driver rated
    submitted_until: int  # weekly reviews submitted for weeks 1..submitted_until
    draft_week: int | None  # a draft review for this week, if any


@dataclass(frozen=True)
class Service:
    n_cases: int
    team_id: int
    supervisor_id: int
    cases: list[CaseShape]
    accounts: list[tuple]  # (id, username, display name, role, team id)

    @property
    def rating_rows(self) -> int:
        return sum(c.rated_weeks for c in self.cases) * (1 + DRIVERS_PER_CASE)

    @property
    def review_rows(self) -> int:
        return sum(c.submitted_until + (c.draft_week is not None) for c in self.cases)


def service(n_cases: int) -> Service:
    """n cases in team 1 (all seen by its supervisor, account 1) plus a small second team."""
    therapists = max(1, -(-n_cases // CASES_PER_THERAPIST))
    accounts = [(1, "bench.supervisor", "Supervisor of the bench service", "supervisor", 1)]
    accounts += [(1 + k, f"bench.t{k:04d}", f"Therapist {k:04d}", "therapist", 1) for k in range(1, therapists + 1)]
    other_therapist = therapists + 2
    accounts += [(other_therapist, "bench.other", "Therapist in another team", "therapist", 2),
                 (other_therapist + 1, "bench.other.sup", "Other supervisor", "supervisor", 2)]
    cases = []
    for i in range(1, n_cases + OTHER_TEAM_CASES + 1):
        rng = random.Random(f"bench-service:{i}")
        mine = i <= n_cases
        rated = 0 if i % 50 == 0 else rng.randint(26, 34)  # every 50th case is brand new: nothing yet
        closed = i % 4 == 0
        if closed:
            start = SERVICE_TODAY - timedelta(days=rng.randint(40 * 7, 5 * 365))
            closed_on = start + timedelta(weeks=max(rated, 1), days=3)
        else:
            start = SERVICE_TODAY - timedelta(weeks=rated, days=rng.randint(0, 6))
            closed_on = None
        submitted = max(0, rated - 4) if i % 7 == 0 else rated  # every 7th: reviews overdue
        cases.append(CaseShape(
            id=i,
            therapist_id=2 + (i - 1) % therapists if mine else other_therapist,
            team_id=1 if mine else 2,
            alias=f"{rng.choice(('Ash', 'Bo', 'Cal', 'Dee', 'Eli', 'Fin', 'Gus', 'Hal', 'Ivy', 'Jay'))} {i:05d}",
            age=rng.randint(10, 17),
            start=start,
            planned_weeks=rng.randint(20, 32),
            status="closed" if closed else "open",
            closed_on=closed_on,
            rated_weeks=rated,
            submitted_until=submitted,
            draft_week=rated + 1 if (i % 3 == 0 and not closed) else None,
        ))
    return Service(n_cases, team_id=1, supervisor_id=1, cases=cases, accounts=accounts)


Table = tuple[str, list[str], Callable[[], Iterator[tuple]]]


def service_tables(svc: Service, *, text_dates: bool) -> list[Table]:
    """(table, columns, row generator) in foreign-key order.

    `text_dates`: dates and times as the strings SQLAlchemy stores in SQLite; otherwise as
    Python objects (for psycopg's COPY).
    """
    if text_dates:
        def d(value):
            return None if value is None else value.isoformat()

        def ts(value):
            return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        true = 1
    else:
        def d(value):
            return value

        def ts(value):
            return value
        true = True
    created = ts(datetime(2021, 11, 25, 9, tzinfo=UTC))

    def teams():
        yield (1, "Bench service")
        yield (2, "Bench other team")

    def accounts():
        for account_id, username, name, role, team in svc.accounts:
            yield (account_id, username, name, role, team, "!bench: no sign-in", true, created, 1)

    def cases():
        for c in svc.cases:
            yield (c.id, c.alias, c.age, d(c.start), c.planned_weeks, c.status, d(c.closed_on), c.therapist_id,
                   c.team_id, ts(_at(c.start - timedelta(days=3), 10)), 1)

    def drivers():
        for c in svc.cases:
            for k in range(DRIVERS_PER_CASE):
                driver_id = (c.id - 1) * DRIVERS_PER_CASE + k + 1
                kind = "strength" if k >= 4 else "need"
                yield (driver_id, c.id, f"{_ENDS[(c.id + k) % len(_ENDS)]} ({k})", SYSTEMS[k % 5], kind,
                       "A driver of the bench service.", "", "", "", "supported", 3, k == 0, created, 1)

    def ratings():
        rating_id = 0
        for c in svc.cases:
            first_driver = (c.id - 1) * DRIVERS_PER_CASE + 1
            for w in range(1, c.rated_weeks + 1):
                at = ts(_at(c.start + timedelta(weeks=w, days=-2)))
                rating_id += 1
                yield (rating_id, c.id, w, "overall", None, min(10, 2 + w // 5 + (c.id + w) % 3), c.therapist_id, at)
                for k in range(DRIVERS_PER_CASE):
                    rating_id += 1
                    yield (rating_id, c.id, w, "driver", first_driver + k, max(0, 9 - w // 4 - (c.id + k + w) % 3),
                           c.therapist_id, at)

    def reviews():
        review_id = 0
        for c in svc.cases:
            weeks = [(w, "submitted") for w in range(1, c.submitted_until + 1)]
            if c.draft_week is not None:
                weeks.append((c.draft_week, "draft"))
            for w, status in weeks:
                review_id += 1
                submitted = ts(_at(c.start + timedelta(weeks=w, days=-1), 15)) if status == "submitted" else None
                yield (review_id, c.id, w, status, f"Week {w}: the family kept to the plan; sessions held as agreed.",
                       "", "", "", "", "Keep going with the plan.", submitted,
                       c.therapist_id if submitted else None, 1)

    return [
        ("team", ["id", "name"], teams),
        ("account", ["id", "username", "display_name", "role", "team_id", "password_hash", "active", "created_at",
                     "version"], accounts),
        ("plan_case", ["id", "alias", "age", "start_date", "planned_weeks", "status", "closed_on", "therapist_id",
                       "team_id", "created_at", "version"], cases),
        ("driver", ["id", "case_id", "name", "system", "kind", "description", "family_wording", "evidence_for",
                    "evidence_against", "status", "changeability", "prioritised", "created_at", "version"], drivers),
        ("rating", ["id", "case_id", "week", "subject", "subject_id", "value", "recorded_by", "recorded_at"], ratings),
        ("weekly_review", ["id", "case_id", "week", "status", "advances", "barriers_therapist", "barriers_family",
                           "barriers_system", "fit_update", "next_steps", "submitted_at", "submitted_by", "version"],
         reviews),
    ]
