"""The Audit trail page through AppTest: admins see all and check the chain, supervisors their team, others refused."""

import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from planner import audit
from planner.db import make_engine, unit_of_work
from planner.models import AuditEvent, User
from tests.helpers import person, signed_in

ROOT = Path(__file__).resolve().parents[2]
PAGE = "views/audit_log.py"
REFUSAL = "The audit trail is for administrators and supervisors."


@pytest.fixture
def app_url(demo_sqlite_url, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


def on_audit_page(username: str) -> AppTest:
    at = signed_in(username)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def entries(at: AppTest) -> str:
    return next(c.value for c in at.main.caption if c.value.startswith("Entries"))


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def page_as_signed_in(url: str, username: str) -> AppTest:
    """The page file itself, run for a signed-in person (for roles whose menu does not offer it)."""
    with unit_of_work(make_engine(url)) as session:
        account_id = session.exec(select(User.id).where(User.username == username)).one()
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["user_id"] = account_id
    at.session_state["signed_in_at"] = at.session_state["last_seen"] = time.time()
    return at.run()


def test_admin_sees_every_entry_filters_and_checks_the_chain(app_url):
    on_audit_page("supervisor2")  # another team's sign-in: the admin sees it
    at = on_audit_page("admin")
    assert at.title[0].value == "Audit trail"
    frame = at.dataframe[0].value
    assert {"admin", "supervisor2"} <= set(frame["Who"]) and "Signed in" in set(frame["What"])
    assert list(frame.columns) == ["When (UTC)", "Who", "Name", "What", "Object", "Case", "Outcome"]
    at.selectbox(key="audit_actor").select("supervisor2").run()
    assert set(at.dataframe[0].value["Who"]) == {"supervisor2"}
    at.selectbox(key="audit_action").select("sign_in").run()
    assert set(at.dataframe[0].value["What"]) == {"Signed in"}
    button(at, "Check the chain").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith("OK. All ") and "intact" in at.success[0].value


def test_admin_chain_check_names_an_altered_entry(app_url):
    at = on_audit_page("admin")
    with unit_of_work(make_engine(app_url)) as session:
        victim = session.exec(select(AuditEvent.id).where(AuditEvent.action == "sign_in")).first()
        session.execute(text("UPDATE audit_event SET actor = 'someone-else' WHERE id = :id"), {"id": victim})
    button(at, "Check the chain").click().run()
    assert not at.success and f"Entry {victim}" in at.error[0].value


def test_supervisor_sees_only_the_team_part_and_no_chain_check(app_url):
    on_audit_page("supervisor2")
    signed_in("therapist2")
    at = on_audit_page("supervisor")
    who = set(at.dataframe[0].value["Who"])
    assert {"supervisor", "therapist2"} <= who and not who & {"supervisor2", "admin"}
    assert "Check the chain" not in [b.label for b in at.button]
    assert "Your team's part" in at.caption[0].value


def test_paging_moves_through_older_entries(app_url):
    engine = make_engine(app_url)
    riverside = person(engine, "supervisor2")
    with unit_of_work(engine) as session:
        for n in range(60):
            audit.record(session, actor=riverside, action="view", object_type="team_dashboard", object_id=n)
    at = on_audit_page("admin")
    assert entries(at).startswith("Entries 1 to 50 of ")
    total = int(entries(at).rsplit(" of ", 1)[1].rstrip("."))
    first_page = at.dataframe[0].value
    button(at, "Older").click().run()
    assert entries(at) == f"Entries 51 to {total} of {total}."
    assert button(at, "Older").disabled and not button(at, "Newer").disabled
    button(at, "Newer").click().run()
    assert at.dataframe[0].value.equals(first_page)  # pinned: the page's own readings did not shift the rows
    button(at, "Show the latest").click().run()
    assert entries(at) == f"Entries 1 to 50 of {total + 3}."  # the three readings above, now shown


@pytest.mark.parametrize("username", ["therapist", "family"])
def test_others_get_a_kind_refusal(app_url, username):
    at = page_as_signed_in(app_url, username)
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [REFUSAL] and not at.dataframe
    with unit_of_work(make_engine(app_url)) as session:
        refused = session.exec(
            select(AuditEvent).where(AuditEvent.actor == username, AuditEvent.action == "view_audit")
        ).all()
    assert [e.outcome for e in refused] == ["denied"]
