"""python -m planner user reset-two-step: an administrator switches the second factor off for a lost phone."""

from datetime import UTC, datetime

import pyotp
import pytest
from sqlmodel import select

from planner.accounts import sign_in
from planner.db import make_engine, unit_of_work
from planner.models import AuditEvent, User
from tests.integration.test_cli import run

pytestmark = pytest.mark.db
PASSWORD = "a long enough password"


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert run(["init"], url).returncode == 0
    added = run(["user", "add", "j.osei", "--name", "Jo Osei", "--role", "admin"], url, stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    return url


def test_reset_switches_two_step_off_and_is_audited(url):
    engine = make_engine(url)
    now = datetime.now(UTC)
    with unit_of_work(engine) as session:
        account = session.exec(select(User).where(User.username == "j.osei")).one()
        account.totp_secret, account.totp_enabled_at, account.totp_last_step = pyotp.random_base32(), now, 1
    with unit_of_work(engine) as session:
        assert sign_in(session, "j.osei", PASSWORD).code_needed_for is not None
    result = run(["user", "reset-two-step", "J.Osei"], url)
    assert result.returncode == 0, result.stderr
    assert "now off for 'J.Osei'" in result.stdout
    with unit_of_work(engine) as session:
        account = session.exec(select(User).where(User.username == "j.osei")).one()
        assert (account.totp_secret, account.totp_enabled_at, account.totp_last_step) == (None, None, None)
        assert sign_in(session, "j.osei", PASSWORD).principal is not None
        entry = session.exec(select(AuditEvent).where(AuditEvent.action == "two_step_disabled")).one()
        assert (entry.actor, entry.object_type, entry.object_id) == ("system", "account", account.id)
    again = run(["user", "reset-two-step", "j.osei"], url)
    assert again.returncode == 1 and "not switched on" in again.stderr and "Traceback" not in again.stderr
    engine.dispose()


def test_reset_of_an_unknown_account_says_so(url):
    result = run(["user", "reset-two-step", "nobody"], url)
    assert result.returncode == 1 and "no account called 'nobody'" in result.stderr and "Traceback" not in result.stderr
    help_text = run(["user", "reset-two-step", "--help"], url)
    assert help_text.returncode == 0 and "lost" not in help_text.stderr and "usage:" in help_text.stdout
    assert run(["user", "reset-two-step"], url).returncode == 2
