"""Organisation sign-in: which proven identities become which planner people, and what the audit keeps."""

import pytest
from sqlmodel import select

from planner.db import unit_of_work
from planner.models import AuditEvent, User
from planner.organisation_sign_in import principal_for_identity
from tests import factories

pytestmark = pytest.mark.db
PASSWORD = "correct horse battery"


@pytest.fixture
def people(engine):
    with unit_of_work(engine) as session:
        team = factories.team(session)
        for username, role in [("t.okafor", "therapist"), ("s.lindqvist", "supervisor"), ("a.admin", "admin"),
                               ("f.family", "family"), ("gone.therapist", "therapist")]:
            team_id = None if role in ("admin", "family") else team.id
            factories.user(session, username, role, team_id=team_id, password=PASSWORD)
        session.exec(select(User).where(User.username == "gone.therapist")).one().active = False
    return engine


def claims(username, **extra):
    base = {"iss": "http://idp.test", "sub": "abc-123", "email": "someone@org.example", "name": "Some One", "iat": 1}
    if username is not None:
        base["preferred_username"] = username
    return base | extra


def events(engine):
    with unit_of_work(engine) as session:
        return session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()


@pytest.mark.parametrize(("claimed", "expected", "role"), [
    ("t.okafor", "t.okafor", "therapist"),
    ("s.lindqvist", "s.lindqvist", "supervisor"),
    ("a.admin", "a.admin", "admin"),
    ("  S.Lindqvist ", "s.lindqvist", "supervisor"),  # user names are stored lower-case; providers vary
])
def test_active_staff_are_matched_by_preferred_username_and_audited(people, claimed, expected, role):
    with unit_of_work(people) as session:
        principal = principal_for_identity(session, claims(claimed))
    assert principal is not None and principal.username == expected and principal.role == role
    last = events(people)[-1]
    assert (last.action, last.actor, last.actor_id, last.object_type, last.outcome) == (
        "sign_in", expected, principal.id, "oidc", "ok")


@pytest.mark.parametrize(("claimed", "logged_as"), [
    ("f.family", "f.family"),  # families never sign in through the organisation
    ("gone.therapist", "gone.therapist"),  # deactivated
    ("nobody", "nobody"),  # no planner account: an administrator must create it first
    ("", "(blank)"),
    (None, "(blank)"),  # no preferred_username claim at all
    ("t.okafor@org.example", "t.okafor@org.example"),  # a UPN is not the planner user name
    ("x" * 70, "x" * 64),  # too long to be a user name (and cut to fit the audit column)
])
def test_everyone_else_is_refused_and_audited_without_other_claims(people, claimed, logged_as):
    with unit_of_work(people) as session:
        assert principal_for_identity(session, claims(claimed)) is None
    last = events(people)[-1]
    assert (last.action, last.actor, last.actor_id, last.object_type, last.outcome) == (
        "sign_in_failed", logged_as, None, "oidc", "denied")
    stored = " ".join(f"{e.actor} {e.object_type} {e.object_id} {e.action}" for e in events(people))
    assert "someone@org.example" not in stored and "Some One" not in stored and "abc-123" not in stored


def test_no_fallback_to_the_email_local_part(people):
    # t.okafor@partner.example is not our t.okafor: without preferred_username nothing matches.
    with unit_of_work(people) as session:
        assert principal_for_identity(session, claims(None, email="t.okafor@partner.example")) is None


def test_non_string_claims_are_refused(people):
    with unit_of_work(people) as session:
        assert principal_for_identity(session, claims(None, preferred_username=["t.okafor"])) is None
        assert principal_for_identity(session, claims(None, preferred_username=42)) is None
