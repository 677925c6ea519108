"""The Export and import page through AppTest: download, upload with preview, refusals.

AppTest drives st.file_uploader directly (upload()), so the import is tested through the page itself.
"""

import time
from pathlib import Path

import pytest
from sqlmodel import func, select
from streamlit.testing.v1 import AppTest

from planner.audit import verify
from planner.case_transfer import export_case_json
from planner.db import make_engine, unit_of_work
from planner.models import AuditEvent, Case, Driver, User
from tests.helpers import case_id, person, signed_in

ROOT = Path(__file__).resolve().parents[2]
PAGE = "views/case_transfer.py"


@pytest.fixture
def app_engine(demo_sqlite_url, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", demo_sqlite_url)
    engine = make_engine(demo_sqlite_url)
    yield engine
    engine.dispose()


def on_page(username: str) -> AppTest:
    at = signed_in(username)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, [b.label for b in at.button]
    return matches[0]


def count(engine, model) -> int:
    with unit_of_work(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_therapist_prepares_and_downloads_an_export(app_engine):
    at = on_page("therapist")
    assert at.title[0].value == "Export and import"
    leon = case_id(app_engine, "Leon")
    options = list(at.selectbox[0].options)
    with unit_of_work(app_engine) as session:  # their own cases only, open and closed
        own = session.exec(select(Case.alias).join(User, User.id == Case.therapist_id).where(User.username == "therapist")).all()
    assert sorted(o.split(",")[0] for o in options) == sorted(own)
    assert not at.get("download_button")  # nothing is exported (or audited) until asked for
    before = count(app_engine, AuditEvent)
    at.selectbox[0].select_index(next(i for i, o in enumerate(options) if o.startswith("Leon, 11"))).run()
    button(at, "Prepare the export file").click().run()
    assert not at.exception, at.exception
    downloads = at.get("download_button")
    assert len(downloads) == 1
    assert "case-Leon-" in downloads[0].proto.label and downloads[0].proto.label.endswith(".json")
    assert any("sensitive" in w.value for w in at.warning)
    with unit_of_work(app_engine) as session:
        exports = session.exec(
            select(AuditEvent).where(AuditEvent.id > before, AuditEvent.action == "export", AuditEvent.object_type == "case_json")
        ).all()
        assert [(e.case_id, e.actor) for e in exports] == [(leon, "therapist")]
        assert verify(session).first_bad_id is None


def test_therapist_uploads_a_valid_export_and_imports_it(app_engine):
    leon = case_id(app_engine, "Leon")
    with unit_of_work(app_engine) as session:
        data = export_case_json(session, person(app_engine, "therapist"), leon)
    cases_before = count(app_engine, Case)
    at = on_page("therapist")
    at.file_uploader[0].upload("case-Leon.json", data, "application/json").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.subheader[0].value == "Leon"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Drivers"] == "11" and metrics["Weekly reviews"] == "23"
    assert count(app_engine, Case) == cases_before  # the preview writes nothing
    button(at, "Import as a new case").click().run()
    assert not at.exception, at.exception
    assert at.success and "Imported as a new case" in at.success[0].value
    assert count(app_engine, Case) == cases_before + 1
    with unit_of_work(app_engine) as session:
        new = session.exec(select(Case).order_by(Case.id.desc())).first()
        therapist = session.exec(select(User).where(User.username == "therapist")).one()
        assert (new.alias, new.therapist_id) == ("Leon", therapist.id)
        assert session.exec(select(func.count()).select_from(Driver).where(Driver.case_id == new.id)).one() == 11
    links = [p for p in at.get("page_link") if p.proto.label == "Open the new case"]
    assert links and links[0].proto.query_string == f"case={new.id}"
    # A rerun (or a second click) does not import the same file twice.
    at.run()
    assert count(app_engine, Case) == cases_before + 1
    assert not [b for b in at.button if b.label == "Import as a new case"]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b'{"format": "mst-psb-planner/case", "version": 1,', "line 1"),
        (b'{"format": "something-else", "version": 1, "case": {}}', "format"),
        ("\xff\xfe".encode("latin-1") + b"{}", "not UTF"),
    ],
)
def test_a_malformed_upload_is_refused_with_the_reason_and_changes_nothing(app_engine, content, says):
    cases_before = count(app_engine, Case)
    at = on_page("therapist")
    last_event = count(app_engine, AuditEvent)
    at.file_uploader[0].upload("broken.json", content, "application/json").run()
    assert not at.exception, at.exception
    assert at.error and says in at.error[0].value
    assert not [b for b in at.button if b.label == "Import as a new case"]
    assert count(app_engine, Case) == cases_before
    with unit_of_work(app_engine) as session:  # each run records viewing the caseload; nothing else
        since = session.exec(select(AuditEvent.action, AuditEvent.object_type).where(AuditEvent.id > last_event)).all()
    assert set(since) == {("view", "caseload")}


def test_supervisor_exports_team_cases_but_cannot_import(app_engine):
    at = on_page("supervisor")
    assert not at.exception, at.exception
    options = list(at.selectbox[0].options)
    assert len(options) > 1 and any(o.startswith("Leon, 11") for o in options)
    assert all(" · " in o for o in options)
    assert not at.file_uploader
    assert any("Therapists import cases" in i.value for i in at.info)


@pytest.mark.parametrize("username", ["family", "admin"])
def test_family_and_admin_are_refused(app_engine, username):
    # Not in their menu, so not reachable through the app...
    at = signed_in(username)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)
    # ...and run directly, the page refuses kindly and offers nothing.
    with unit_of_work(app_engine) as session:
        user_id = session.exec(select(User.id).where(User.username == username)).one()
    direct = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    now = time.time()
    direct.session_state["user_id"] = user_id
    direct.session_state["signed_in_at"] = now
    direct.session_state["last_seen"] = now
    direct.run()
    assert not direct.exception, direct.exception
    assert direct.error and "do not have access" in direct.error[0].value
    assert not direct.selectbox and not direct.file_uploader and not direct.get("download_button")


def test_another_therapist_is_not_offered_leons_case(app_engine):
    at = on_page("therapist2")
    options = list(at.selectbox[0].options)
    assert options and not any(o.startswith("Leon, 11") for o in options)
    assert at.file_uploader  # they may still import into their own caseload
