"""Sign-in with local accounts: argon2id hashes, one answer for every failure, audit."""

import pytest
from pydantic import ValidationError
from sqlmodel import select

from planner.accounts import AccountError, authenticate, create_user
from planner.db import unit_of_work
from planner.models import AuditEvent, Team, User, UserCreate

pytestmark = pytest.mark.db
PASSWORD = "correct horse battery"


@pytest.fixture
def alice(engine):
    with unit_of_work(engine) as session:
        team = Team(name="Test team")
        session.add(team)
        session.flush()
        create_user(session, UserCreate(username="alice", display_name="Alice Moreno", role="therapist", team_id=team.id), PASSWORD)
    return engine


def test_password_is_stored_as_argon2id(alice):
    with unit_of_work(alice) as session:
        user = session.exec(select(User).where(User.username == "alice")).one()
    assert user.password_hash.startswith("$argon2id$")
    memory_kib = int(user.password_hash.split("m=")[1].split(",")[0])
    passes = int(user.password_hash.split("t=")[1].split(",")[0])
    assert memory_kib >= 19 * 1024 and passes >= 2
    assert PASSWORD not in user.password_hash


def test_right_password_signs_in_and_is_audited(alice):
    with unit_of_work(alice) as session:
        person = authenticate(session, "  Alice ", PASSWORD)
    assert person is not None and person.username == "alice" and person.role == "therapist"
    with unit_of_work(alice) as session:
        events = session.exec(select(AuditEvent.action, AuditEvent.actor)).all()
    assert ("sign_in", "alice") in events


@pytest.mark.parametrize(("username", "password"), [("alice", "wrong password"), ("nobody", PASSWORD), ("", "")])
def test_every_failure_looks_the_same_and_is_audited(alice, username, password):
    with unit_of_work(alice) as session:
        assert authenticate(session, username, password) is None
    with unit_of_work(alice) as session:
        failures = session.exec(select(AuditEvent).where(AuditEvent.action == "sign_in_failed")).all()
    assert len(failures) == 1 and failures[0].outcome == "denied"


def test_deactivated_account_cannot_sign_in(alice):
    with unit_of_work(alice) as session:
        user = session.exec(select(User).where(User.username == "alice")).one()
        user.active = False
    with unit_of_work(alice) as session:
        assert authenticate(session, "alice", PASSWORD) is None


def test_bad_account_input_is_refused_with_a_reason(alice):
    with pytest.raises(AccountError, match="taken"):
        with unit_of_work(alice) as session:
            create_user(session, UserCreate(username="alice", display_name="Other", role="therapist"), PASSWORD)
    with pytest.raises(AccountError, match="at least 10"):
        with unit_of_work(alice) as session:
            create_user(session, UserCreate(username="bob", display_name="Bob", role="therapist"), "short")
    with pytest.raises(AccountError, match="belong to a case"):
        with unit_of_work(alice) as session:
            create_user(session, UserCreate(username="fam", display_name="Fam", role="family"), PASSWORD)
    for bad in ({"username": "Has Space"}, {"role": "superuser"}, {"display_name": "bell\x07"}):
        with pytest.raises(ValidationError):
            UserCreate(**({"username": "ok", "display_name": "Ok", "role": "therapist"} | bad))


@pytest.mark.parametrize("username", ["alice", "nobody-at-all"])
def test_repeated_failures_bring_a_growing_wait_the_same_for_known_and_unknown_names(alice, username):
    from datetime import UTC, datetime, timedelta

    from planner.accounts import FREE_ATTEMPTS, MAX_DELAY_S, sign_in

    clock = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def attempt(password, after_seconds=0.0):
        nonlocal clock
        clock += timedelta(seconds=after_seconds)
        with unit_of_work(alice) as session:
            return sign_in(session, username, password, now=clock)

    for _ in range(FREE_ATTEMPTS):
        assert attempt("wrong password").wait_seconds == 0
    throttled = attempt(PASSWORD)  # even the right password waits its turn
    assert throttled.principal is None and throttled.wait_seconds == 1 and "wait 1 second" in throttled.message
    waits = []
    for _ in range(10):
        assert attempt("wrong again", after_seconds=MAX_DELAY_S).wait_seconds == 0  # allowed, and fails
        waits.append(attempt("wrong again").wait_seconds)
    assert waits[:4] == [2, 4, 8, 16] and waits[-1] == MAX_DELAY_S  # grows, never past the cap
    assert attempt(PASSWORD, after_seconds=30).wait_seconds == 30  # the wait counts down
    with unit_of_work(alice) as session:
        events = session.exec(select(AuditEvent.action).where(AuditEvent.actor == username)).all()
    assert "sign_in_throttled" in events


def test_a_successful_sign_in_clears_the_count(alice):
    from datetime import UTC, datetime, timedelta

    from planner.accounts import FREE_ATTEMPTS, sign_in
    from planner.models import SignInThrottle

    clock = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    for _ in range(FREE_ATTEMPTS):
        with unit_of_work(alice) as session:
            sign_in(session, "alice", "wrong password", now=clock)
    with unit_of_work(alice) as session:
        assert sign_in(session, "alice", PASSWORD, now=clock + timedelta(seconds=5)).principal is not None
    with unit_of_work(alice) as session:
        assert session.get(SignInThrottle, "alice") is None
