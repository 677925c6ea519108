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
from planner.reports.weekly_summary import weekly_summary_pdf
from tests.conftest import DEMO_PASSWORD
from tests.helpers import APP, person

ROOT = Path(__file__).resolve().parents[2]
CASE_PAGES = [
    "views/case_overview.py",
    "views/driver_map.py",
    "views/plan.py",
    "views/weekly_review.py",
    "views/timeline.py",
    "views/family_sharing.py",
]
REFUSAL = "You do not have access to this case, or it does not exist."


def matrix() -> list[dict[str, str]]:
    rows = []
    for line in (ROOT / "docs" / "access-matrix.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0] not in ("Who", "---") and not set(cells[0]) <= {"-"}:
            rows.append(dict(zip(["who", "case", "view", "edit", "export", "family"], cells)))
    return rows


ROWS = matrix()
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
            (lambda s: published_family_summary(s, who, case), row["family"] == "yes"),
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
