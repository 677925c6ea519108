"""Small, explicit records for tests that should not depend on the demo caseload."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from planner.accounts import _hasher
from planner.models import Case, ReferralBehaviour, Team, User

_HASHES: dict[str, str] = {}


def team(session: Session, name: str = "Test team") -> Team:
    found = session.exec(select(Team).where(Team.name == name)).first()
    if found:
        return found
    row = Team(name=name)
    session.add(row)
    session.flush()
    return row


def user(session: Session, username: str, role: str, *, team_id: int | None, password: str) -> User:
    # argon2 is deliberately slow: hash each test password once per run.
    password_hash = _HASHES.setdefault(password, _hasher.hash(password))
    row = User(username=username, display_name=username.title(), role=role, team_id=team_id, password_hash=password_hash)
    session.add(row)
    session.flush()
    return row


def empty_case(session: Session, *, alias: str, therapist_id: int, team_id: int, weeks_ago: int = 3) -> Case:
    """A new case with a referral behaviour and nothing else: no drivers, goals or ratings."""
    row = Case(alias=alias, age=13, start_date=date.today() - timedelta(weeks=weeks_ago), therapist_id=therapist_id, team_id=team_id)
    session.add(row)
    session.flush()
    session.add(
        ReferralBehaviour(
            case_id=row.id,
            summary="Harmful sexual behaviour towards a younger child",
            description="Synthetic test referral.",
            hackett_level="abusive",
            brook_colour="red",
        )
    )
    session.flush()
    return row


def case_with_drivers(session: Session, *, alias: str, therapist_id: int, team_id: int, drivers: int, seed: int = 7) -> Case:
    """A case with `drivers` drivers across the five systems (a third strengths) and ~2 links each."""
    import random

    from drivers.model import SYSTEMS
    from planner.models import Driver, DriverLink

    rng = random.Random(seed)
    case = empty_case(session, alias=alias, therapist_id=therapist_id, team_id=team_id, weeks_ago=10)
    rows = [
        Driver(
            case_id=case.id,
            name=f"{SYSTEMS[i % 5].title()} driver {i + 1}",
            system=SYSTEMS[i % 5],
            kind="strength" if i % 3 == 2 else "need",
            status="supported",
            rating=rng.randint(2, 9),
            changeability=rng.randint(1, 5),
            prioritised=i < 4,
        )
        for i in range(drivers)
    ]
    session.add_all(rows)
    session.flush()
    pairs = set()
    for row in rows:
        pairs.add((row.id, None))
        if len(rows) > 1:
            other = rng.choice(rows)
            if other.id != row.id:
                pairs.add((row.id, other.id))
    session.add_all(
        DriverLink(case_id=case.id, source_driver_id=s, target_driver_id=t, strength=rng.randint(1, 3)) for s, t in pairs
    )
    session.flush()
    return case
