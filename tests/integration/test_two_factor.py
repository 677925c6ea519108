"""Two-step sign-in (TOTP): enrolment, codes used once, wrong codes throttled, staff only, the migration."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import text
from sqlmodel import select

from planner import migrate, two_factor
from planner.access import AccessDenied
from planner.accounts import CODE_FAILED, FREE_ATTEMPTS, principal_for, sign_in
from planner.db import make_engine, unit_of_work
from planner.errors import InvalidInput
from planner.models import AuditEvent, FamilyAccess, SignInThrottle, User
from tests import factories

pytestmark = pytest.mark.db
PASSWORD = "correct horse battery"
T0 = datetime(2026, 11, 25, 9, 0, 5, tzinfo=UTC)  # 5 s into a 30-second step


@pytest.fixture
def people(engine):
    with unit_of_work(engine) as session:
        team = factories.team(session)
        therapist = factories.user(session, "alice", "therapist", team_id=team.id, password=PASSWORD)
        case = factories.empty_case(session, alias="Kit", therapist_id=therapist.id, team_id=team.id)
        family = factories.user(session, "family-kit", "family", team_id=None, password=PASSWORD)
        session.add(FamilyAccess(account_id=family.id, case_id=case.id))
    return engine


def who(engine, username):
    with unit_of_work(engine) as session:
        return principal_for(session, session.exec(select(User).where(User.username == username)).one())


def enrol(engine, username="alice", at=T0) -> str:
    """Switch two-step sign-in on for `username`; returns the secret."""
    person = who(engine, username)
    with unit_of_work(engine) as session:
        enrolment = two_factor.begin_enrolment(session, person)
    with unit_of_work(engine) as session:
        two_factor.confirm_enrolment(session, person, pyotp.TOTP(enrolment.secret).at(at), now=at)
    return enrolment.secret


def actions(engine, username="alice"):
    with unit_of_work(engine) as session:
        return session.exec(select(AuditEvent.action).where(AuditEvent.actor == username).order_by(AuditEvent.id)).all()


def test_enrolment_is_on_only_after_a_right_code(people):
    alice = who(people, "alice")
    with unit_of_work(people) as session:
        enrolment = two_factor.begin_enrolment(session, alice)
    assert len(enrolment.secret) == 32
    assert enrolment.uri.startswith("otpauth://totp/MST-PSB%20Planner:alice?") and "issuer=MST-PSB%20Planner" in enrolment.uri
    with unit_of_work(people) as session:
        assert two_factor.status(session, alice) == two_factor.Status(enabled=False, enabled_at=None, enrolling=True)
        assert two_factor.pending_enrolment(session, alice) == enrolment
        # until confirmed, the password alone still signs in
        assert sign_in(session, "alice", PASSWORD, now=T0).principal is not None
    wrong = f"{(int(pyotp.TOTP(enrolment.secret).at(T0)) + 1) % 1_000_000:06d}"
    with pytest.raises(InvalidInput) as refused:
        with unit_of_work(people) as session:
            two_factor.confirm_enrolment(session, alice, wrong, now=T0)
    assert refused.value.errors == {"code": CODE_FAILED}
    with unit_of_work(people) as session:
        assert not two_factor.status(session, alice).enabled
        two_factor.confirm_enrolment(session, alice, pyotp.TOTP(enrolment.secret).at(T0), now=T0)
    with unit_of_work(people) as session:
        state = two_factor.status(session, alice)
    assert state.enabled and state.enabled_at == T0 and not state.enrolling
    assert actions(people) == ["two_step_enrolment", "sign_in", "two_step_failed", "two_step_enabled"]


def test_sign_in_asks_for_the_code_then_accepts_each_code_once(people):
    secret = enrol(people)
    totp = pyotp.TOTP(secret)
    later = T0 + timedelta(minutes=2)
    with unit_of_work(people) as session:
        first = sign_in(session, "alice", PASSWORD, now=later)
    assert first.principal is None and first.code_needed_for == who(people, "alice").id
    with unit_of_work(people) as session:
        done = two_factor.complete_sign_in(session, first.code_needed_for, totp.at(later), now=later)
    assert done.principal is not None and done.principal.username == "alice"
    with unit_of_work(people) as session:  # the same code again, still within its step: refused
        replay = two_factor.complete_sign_in(session, first.code_needed_for, totp.at(later), now=later + timedelta(seconds=3))
    assert replay.principal is None and replay.message == CODE_FAILED and replay.code_needed_for is not None
    with unit_of_work(people) as session:  # so is an older step's code, though within the drift window
        old = two_factor.complete_sign_in(session, first.code_needed_for, totp.at(later - timedelta(seconds=30)), now=later)
    assert old.principal is None
    with unit_of_work(people) as session:  # the next step's code works (clock drift of one step)
        drift = two_factor.complete_sign_in(session, first.code_needed_for, totp.at(later + timedelta(seconds=30)), now=later)
    assert drift.principal is not None
    assert "sign_in_code_asked" in actions(people) and actions(people).count("sign_in") == 2


def test_wrong_codes_count_in_the_password_throttle(people):
    secret = enrol(people)
    clock = T0 + timedelta(minutes=5)
    with unit_of_work(people) as session:
        account_id = sign_in(session, "alice", PASSWORD, now=clock).code_needed_for
    for _ in range(FREE_ATTEMPTS):
        with unit_of_work(people) as session:
            result = two_factor.complete_sign_in(session, account_id, "000000", now=clock)
        assert result.principal is None and result.wait_seconds == 0 and result.message == CODE_FAILED
    with unit_of_work(people) as session:  # even the right code, and the right password, must now wait
        right = two_factor.complete_sign_in(session, account_id, pyotp.TOTP(secret).at(clock), now=clock)
        assert right.principal is None and right.wait_seconds == 1 and "wait 1 second" in right.message
        assert sign_in(session, "alice", PASSWORD, now=clock).wait_seconds == 1
    clock += timedelta(seconds=2)
    with unit_of_work(people) as session:
        assert two_factor.complete_sign_in(session, account_id, "123", now=clock).principal is None  # 4th failure
        assert two_factor.complete_sign_in(session, account_id, pyotp.TOTP(secret).at(clock), now=clock).wait_seconds == 2
    clock += timedelta(seconds=2)
    with unit_of_work(people) as session:
        assert two_factor.complete_sign_in(session, account_id, pyotp.TOTP(secret).at(clock), now=clock).principal
    with unit_of_work(people) as session:
        assert session.get(SignInThrottle, "alice") is None  # a right code clears the count
    assert actions(people).count("two_step_failed") == FREE_ATTEMPTS + 1


def test_a_correct_password_does_not_clear_the_count_when_a_code_is_due(people):
    enrol(people)
    clock = T0 + timedelta(minutes=5)
    for _ in range(FREE_ATTEMPTS):
        with unit_of_work(people) as session:
            account_id = sign_in(session, "alice", PASSWORD, now=clock).code_needed_for
            two_factor.complete_sign_in(session, account_id, "999999", now=clock)
            clock += timedelta(seconds=61)
    with unit_of_work(people) as session:
        assert session.get(SignInThrottle, "alice").failures == FREE_ATTEMPTS


def test_disabling_needs_a_current_code(people):
    secret = enrol(people)
    alice = who(people, "alice")
    later = T0 + timedelta(minutes=1)
    with pytest.raises(InvalidInput):
        with unit_of_work(people) as session:
            two_factor.disable(session, alice, "111111", now=later)
    with unit_of_work(people) as session:
        assert two_factor.status(session, alice).enabled
        assert not two_factor.verify(session, alice, "111111", now=later)
        assert two_factor.verify(session, alice, pyotp.TOTP(secret).at(later), now=later)
        assert not two_factor.verify(session, alice, pyotp.TOTP(secret).at(later), now=later)  # replay
    with unit_of_work(people) as session:
        two_factor.disable(session, alice, pyotp.TOTP(secret).at(later + timedelta(seconds=30)), now=later + timedelta(seconds=30))
    with unit_of_work(people) as session:
        assert two_factor.status(session, alice) == two_factor.Status(enabled=False, enabled_at=None, enrolling=False)
        assert session.get(User, alice.id).totp_secret is None
        assert sign_in(session, "alice", PASSWORD, now=later + timedelta(minutes=2)).principal is not None
    assert "two_step_disabled" in actions(people)


def test_family_accounts_are_refused_and_the_refusal_is_audited(people):
    family = who(people, "family-kit")
    for call in (two_factor.begin_enrolment, two_factor.status, lambda s, u: two_factor.verify(s, u, "123456")):
        with pytest.raises(AccessDenied):
            with unit_of_work(people) as session:
                call(session, family)
    with unit_of_work(people) as session:
        assert session.get(User, family.id).totp_secret is None
        # and a secret planted in the database does not make a family sign-in ask for a code
        row = session.get(User, family.id)
        row.totp_secret, row.totp_enabled_at = pyotp.random_base32(), T0
    with unit_of_work(people) as session:
        assert sign_in(session, "family-kit", PASSWORD, now=T0).principal is not None
    assert actions(people, "family-kit").count("two_step") == 3


def test_no_code_or_secret_reaches_the_audit_trail(people):
    secret = enrol(people)
    with unit_of_work(people) as session:
        rows = session.exec(select(AuditEvent)).all()
    flat = " ".join(str(v) for row in rows for v in row.model_dump().values())
    assert secret not in flat and pyotp.TOTP(secret).at(T0) not in flat


def test_upgrading_keeps_accounts_and_adds_the_columns_empty(db_url):
    from alembic import command

    engine = make_engine(db_url)
    config = migrate.alembic_config(db_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO team (name) VALUES ('Old team')"))
        connection.execute(
            text(
                "INSERT INTO account (username, display_name, role, team_id, password_hash, active, totp_secret, created_at, version) "
                "VALUES ('old', 'Old Hand', 'therapist', 1, 'x', TRUE, 'JBSWY3DPEHPK3PXP', CURRENT_TIMESTAMP, 1)"
            )
        )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT username, totp_secret, totp_enabled_at, totp_last_step FROM account")).one()
    assert tuple(row) == ("old", "JBSWY3DPEHPK3PXP", None, None)  # an old unconfirmed secret stays unconfirmed
    with unit_of_work(engine) as session:
        old = session.exec(select(User).where(User.username == "old")).one()
        assert not two_factor.status(session, principal_for(session, old)).enabled
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT username FROM account")).scalar_one() == "old"
    engine.dispose()
