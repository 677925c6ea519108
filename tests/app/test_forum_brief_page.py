"""The Forum brief page through AppTest: preview, download, the pseudonymised preview, input checks, refusals."""

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from planner.db import make_engine, unit_of_work
from planner.models import AuditEvent, Case, Participant, User
from planner.reports.forum_brief import CONFIDENTIAL, RECOMMENDATION_LIMIT, SECTION_HEADINGS
from tests.conftest import TODAY
from tests.helpers import APP, open_case_page, signed_in

PAGE = "views/forum_brief.py"
REFUSAL = "You do not have access to this case, or it does not exist."


@pytest.fixture
def leon(demo_sqlite_url, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", demo_sqlite_url)
    engine = make_engine(demo_sqlite_url)
    with unit_of_work(engine) as session:
        case = session.exec(select(Case).where(Case.alias == "Leon")).one()
        names = list(session.exec(select(Participant.name).where(Participant.case_id == case.id)).all())
        staff = (User.id == case.therapist_id) | ((User.team_id == case.team_id) & (User.role == "supervisor"))
        names += session.exec(select(User.display_name).where(staff)).all()
        names.append(case.alias)
        case_id = case.id
    return engine, case_id, names


def preview_text(at: AppTest) -> str:
    """Everything the page shows below its title (not the sidebar, which names who is signed in)."""
    main = at.main
    parts = [m.value for m in main.markdown] + [c.value for c in main.caption] + [e.value for e in main.error]
    parts += [" ".join(map(str, df.value.to_numpy().ravel())) for df in main.dataframe]
    return " ".join(parts).replace("\\", "")  # md() escapes: read the text as shown


def names_in(text: str, names: list[str]) -> list[str]:
    words = {w for n in names for w in re.findall(r"[^\W\d_]+", n) if len(w) > 1}
    return sorted(w for w in words if re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE))


def exports(engine) -> int:
    with unit_of_work(engine) as session:
        return len(session.exec(select(AuditEvent.id).where(AuditEvent.action == "export")).all())


def test_therapist_sees_the_preview_with_defaults_and_a_download(leon):
    engine, case_id, names = leon
    before = exports(engine)
    at = open_case_page("therapist", PAGE, case_id)
    assert at.title[0].value == "Forum brief: Leon" and not at.error
    assert "3 to 7 out of 10" in at.text_area[0].value
    assert at.date_input[0].value == TODAY + timedelta(weeks=4)
    assert [r for r in at.radio[0].options] == ["Full names", "Pseudonymised (initials only)"]
    text = preview_text(at)
    for expected in (CONFIDENTIAL, "Leon, age 11", "Week 24 of 30", *SECTION_HEADINGS, "Dad minimises what happened",
                     "Therapist: Priya Natarajan", "Overall safety scale: 3/10 in week 1, 7/10 in week 23",
                     f"forum-brief-L-{TODAY.isoformat()}.pdf"):
        assert expected in text, expected
    assert {"Leon", "Mia", "Gary"} <= set(names_in(text, names))  # the full version names people
    assert [b.proto.label for b in at.get("download_button")] == ["Download the forum brief (PDF)"]
    assert exports(engine) == before  # the PDF is made (and recorded) only when the button is pressed


def test_the_pseudonymised_preview_names_no_one(leon):
    engine, case_id, names = leon
    at = open_case_page("therapist", PAGE, case_id)
    at.radio[0].set_value("Pseudonymised (initials only)").run()
    assert not at.exception and not at.error
    text = preview_text(at)
    assert names_in(text, names) == []
    for expected in ("Forum brief: L.", "L., age 11", "M. (7)", "Therapist: P. N.", "initials only", *SECTION_HEADINGS):
        assert expected in text, expected
    assert at.get("download_button")


def test_supervisor_prepares_the_brief_for_their_team(leon):
    engine, case_id, names = leon
    at = open_case_page("supervisor", PAGE, case_id)
    assert at.title[0].value == "Forum brief: Leon" and not at.error
    assert "prepared by Ruth Mensah" in preview_text(at)
    at.radio[0].set_value("Pseudonymised (initials only)").run()
    text = preview_text(at)
    assert "prepared by R. M." in text and names_in(text, names) == []
    assert at.get("download_button")


@pytest.mark.parametrize(
    ("recommendation", "days", "message"),
    [
        ("", 7, "Recommendation: Please write the recommendation for the forum."),
        ("x" * (RECOMMENDATION_LIMIT + 5), 7, f"please keep it to {RECOMMENDATION_LIMIT}"),
        ("Continue.", -3, "Next review: The next review date is in the past"),
    ],
)
def test_unusable_inputs_get_a_kind_message_and_no_download(leon, recommendation, days, message):
    _, case_id, _ = leon
    at = open_case_page("therapist", PAGE, case_id)
    at.text_area[0].set_value(recommendation)
    at.date_input[0].set_value(TODAY + timedelta(days=days))
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error).replace("\\", "").replace("*", "")
    assert message in errors
    assert not at.get("download_button") and not any(m.value.startswith("#### ") for m in at.markdown)


def test_typed_markup_is_shown_literally(leon):
    _, case_id, _ = leon
    at = open_case_page("therapist", PAGE, case_id)
    typed = "<b>x</b> **bold** [link](http://example.org) :red[alarm]"
    at.text_area[0].set_value(typed).run()
    shown = [m.value for m in at.markdown if "bold" in m.value]
    assert shown == [r"\<b\>x\</b\> \*\*bold\*\* \[link\]\(http\:\/\/example\.org\) \:red\[alarm\]".replace(r"\/", "/")]


@pytest.mark.parametrize("username", ["therapist2", "supervisor2"])
def test_colleagues_and_other_teams_are_refused_kindly(leon, username):
    _, case_id, _ = leon
    at = open_case_page(username, PAGE, case_id)
    assert [e.value for e in at.error] == [REFUSAL]
    assert not at.get("download_button") and not at.text_area


@pytest.mark.parametrize("username", ["family", "admin"])
def test_family_and_admin_cannot_open_the_page(leon, username):
    _, case_id, _ = leon
    at = signed_in(username)
    at.query_params["case"] = str(case_id)
    with pytest.raises(ValueError):  # not in their menu
        at.switch_page(PAGE).run()
    at.run()
    assert not at.exception
    assert not any(t.value.startswith("Forum brief") for t in at.title)
    assert "forum_pdf" not in [b.key for b in at.get("download_button")] and not at.text_area


@pytest.mark.parametrize("username", ["family", "admin", "therapist2"])
def test_the_page_itself_refuses_when_run_directly(leon, username):
    """Belt and braces: even run outside the menu, the page asks the service, which refuses."""
    engine, case_id, _ = leon
    with unit_of_work(engine) as session:
        user_id = session.exec(select(User.id).where(User.username == username)).one()
    at = AppTest.from_file(str(Path(APP).parent / PAGE), default_timeout=60)
    at.session_state["user_id"] = user_id
    at.session_state["signed_in_at"] = at.session_state["last_seen"] = time.time()
    at.query_params["case"] = str(case_id)
    at.run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [REFUSAL]
    assert not at.get("download_button") and not at.text_area and not at.markdown
