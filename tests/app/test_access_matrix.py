"""Walk docs/access-matrix.md: every row, every case page, by URL, through the real sign-in page.

The table is the specification; this test reads it, so the document and the behaviour cannot drift.
"""

import re
from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from planner.access import AccessDenied
from planner.db import make_engine, unit_of_work
from planner.family import published_family_summary
from planner.models import Case, Team, User
from planner.account_admin import list_accounts
from planner.audit_view import audit_events
from planner.case_transfer import export_case, import_case
from planner.dashboard import team_dashboard
from planner.errors import InvalidInput
from planner.fidelity import record_adherence
from planner.reports.forum_brief import forum_brief_pdf
from planner.reports.weekly_summary import weekly_summary_pdf
from planner.supervision import add_comment
from planner.team_learning import team_learning
from tests.conftest import DEMO_PASSWORD, TODAY
from tests.helpers import APP, person

ROOT = Path(__file__).resolve().parents[2]
CASE_PAGES = [
    "views/case_overview.py",
    "views/driver_map.py",
    "views/plan.py",
    "views/weekly_review.py",
    "views/timeline.py",
    "views/family_sharing.py",
    "views/supervision.py",
    "views/fidelity.py",
    "views/forum_brief.py",
]
REFUSAL = "You do not have access to this case, or it does not exist."


DOC = (ROOT / "docs" / "access-matrix.md").read_text()
CASE_TABLE, TEAM_TABLE = DOC.split("## Team-wide pages")


def table(text: str, columns: list[str]) -> list[dict[str, str]]:
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == len(columns) and cells[0] != "Who" and not set(cells[0]) <= {"-"}:
            rows.append(dict(zip(columns, cells)))
    return rows


ROWS = table(CASE_TABLE, ["who", "case", "view", "edit", "export", "family", "supervise"])
TEAM_ROWS = table(TEAM_TABLE, ["who", "dashboard", "learning", "audit", "import", "accounts"])
# Who signs in, and which demo case, for each row of the table.
ACTORS = {
    ("anonymous", "any case"): (None, "Leon"),
    ("therapist", "own case"): ("therapist", "Leon"),
    ("therapist", "same team, a colleague's case"): ("therapist2", "Leon"),
    ("therapist", "another team's case"): ("therapist", "Riverside"),
    ("supervisor", "own team's case"): ("supervisor", "Leon"),
    ("supervisor", "another team's case"): ("supervisor", "Riverside"),
    ("family", "own case"): ("family", "Leon"),
    ("family", "another family's case"): ("family", "Kai"),
    ("admin", "any case"): ("admin", "Leon"),
    ("deactivated", "own case"): ("therapist", "Leon"),
}


def test_the_table_covers_every_row_we_walk():
    assert {(r["who"], r["case"]) for r in ROWS} == set(ACTORS)
    assert [r["who"] for r in TEAM_ROWS] == [who for who, _ in TEAM_ACTORS.items()]


@pytest.fixture
def demo(demo_sqlite_url, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", demo_sqlite_url)
    engine = make_engine(demo_sqlite_url)
    with unit_of_work(engine) as session:
        riverside = session.exec(select(Case.id).join(Team, Team.id == Case.team_id).where(Team.name == "Riverside MST-PSB", Case.status == "open")).first()
        cases = dict(session.exec(select(Case.alias, Case.id)).all()) | {"Riverside": riverside}
    return engine, cases


def page_outcome(at: AppTest, page: str, case: int) -> str:
    """'shown', 'refused' or 'sign-in', for one case page opened by URL."""
    at.query_params["case"] = str(case)
    try:
        at.switch_page(page).run()
    except ValueError:  # not in this person's menu: the address falls back to their home page
        at.run()
        if [t.value for t in at.title][:1] == ["MST-PSB Planner"]:
            return "sign-in"
        return "refused"
    assert not at.exception, at.exception
    if any(e.value == REFUSAL for e in at.error):
        return "refused"
    return "shown"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['who']}/{r['case']}")
def test_access_matrix_row(demo, row):
    engine, cases = demo
    username, alias = ACTORS[(row["who"], row["case"])]
    case = cases[alias]
    at = AppTest.from_file(APP, default_timeout=60).run()
    if row["who"] == "deactivated":
        with unit_of_work(engine) as session:
            user = session.exec(select(User).where(User.username == username)).one()
            user.active = False
    if username is not None:
        at.text_input[0].input(username)
        at.text_input[1].input(DEMO_PASSWORD)
        at.button[0].click().run()
    signed_in = "user_id" in at.session_state
    assert signed_in is (row["who"] not in ("anonymous", "deactivated"))

    cells = 0
    for page in CASE_PAGES:
        outcome = page_outcome(at, page, case)
        expected = "shown" if row["view"] == "yes" else ("sign-in" if not signed_in else "refused")
        assert outcome == expected, (page, outcome)
        cells += 1
        if outcome == "shown" and page == "views/driver_map.py":
            can_add = any(b.label == "Add to the map" for b in at.button)
            assert can_add is (row["edit"] == "yes"), "driver map editing"
            cells += 1
        if outcome == "shown" and page == "views/timeline.py":
            can_save = any(b.label == "Save phases" for b in at.button)
            assert can_save is (row["edit"] == "yes"), "timeline editing"
            cells += 1

    if signed_in:
        who = person(engine, username)
        for check, allowed in (
            (lambda s: weekly_summary_pdf(s, who, case, 1), row["export"] == "yes"),
            (lambda s: forum_brief_pdf(s, who, case, today=TODAY, pseudonymise=True), row["export"] == "yes"),
            (lambda s: export_case(s, who, case), row["export"] == "yes"),
            (lambda s: published_family_summary(s, who, case), row["family"] == "yes"),
            (lambda s: add_comment(s, who, case, "case", None, "Matrix check"), row["supervise"] == "yes"),
            (lambda s: record_adherence(s, who, case, TODAY, 0.8, today=TODAY), row["supervise"] == "yes"),
        ):
            if allowed:
                with unit_of_work(engine) as session:
                    check(session)
            else:
                with pytest.raises(AccessDenied):
                    with unit_of_work(engine) as session:
                        check(session)
            cells += 1
    print(f"{row['who']}/{row['case']}: {cells} cells checked")


# Who signs in for each row of the team-wide table.
TEAM_ACTORS = {
    "anonymous": None, "therapist": "therapist", "supervisor": "supervisor", "family": "family", "admin": "admin",
    "deactivated": "therapist",
}
TEAM_PAGES = {
    "dashboard": ("views/team_dashboard.py", "Team dashboard"),
    "learning": ("views/team_learning.py", "Team learning"),
    "audit": ("views/audit_log.py", "Audit trail"),
    "import": ("views/case_transfer.py", "Export and import"),
    "accounts": ("views/accounts.py", "Accounts"),
}


def team_services(who, engine):
    """Each team-wide page's service, called as `who`; AccessDenied when refused."""

    def import_nothing(session):
        try:
            import_case(session, who, b"{}")  # past the access check, an empty file is refused as malformed
        except InvalidInput:
            pass

    def with_session(call):
        def run():
            with unit_of_work(engine) as session:
                call(session)
        return run

    return {
        "dashboard": with_session(lambda s: team_dashboard(s, who, today=TODAY)),
        "learning": with_session(lambda s: team_learning(s, who, today=TODAY)),
        "audit": with_session(lambda s: audit_events(s, who, limit=5)),
        "import": with_session(import_nothing),
        "accounts": with_session(lambda s: list_accounts(s, who)),
    }


@pytest.mark.parametrize("row", TEAM_ROWS, ids=lambda r: r["who"])
def test_team_pages_row(demo, row):
    engine, _cases = demo
    username = TEAM_ACTORS[row["who"]]
    if row["who"] == "deactivated":
        with unit_of_work(engine) as session:
            session.exec(select(User).where(User.username == username)).one().active = False
    cells = 0
    if username is not None:
        who = person(engine, username)
        for column, call in team_services(who, engine).items():
            if row[column].startswith("yes"):
                call()
            else:
                with pytest.raises(AccessDenied):
                    call()
            cells += 1
    at = AppTest.from_file(APP, default_timeout=60).run()
    if username is not None:
        at.text_input[0].input(username)
        at.text_input[1].input(DEMO_PASSWORD)
        at.button[0].click().run()
    signed_in = "user_id" in at.session_state
    for column, (page, title) in TEAM_PAGES.items():
        try:
            at.switch_page(page).run()
        except ValueError:  # not in this person's menu: nothing at that address for them
            assert not row[column].startswith("yes"), (page, "not in the menu")
            cells += 1
            continue
        assert not at.exception, at.exception
        shown = [t.value for t in at.title][:1] == [title]
        refused = any("do not have access" in e.value for e in at.error)
        if row[column].startswith("yes"):
            assert shown and not refused, (page, "should be shown")
            if column == "import":
                assert at.file_uploader, (page, "no import offered")
        elif column == "import" and shown:  # a supervisor's Export and import page: export only
            assert not at.file_uploader, (page, "import offered")
        elif signed_in:
            assert refused or not shown, (page, "should be refused")
        cells += 1
    print(f"team pages, {row['who']}: {cells} cells checked")