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
