"""The driver map page through AppTest: ranking, the week control, editing, validation, refusals."""

from pathlib import Path

import pytest
from sqlmodel import func, select
from streamlit.testing.v1 import AppTest

from planner.db import make_engine, unit_of_work
from planner.models import Case, Driver
from tests.helpers import open_case_page

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "views/driver_map.py"


@pytest.fixture
def leon(demo_sqlite_url, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", demo_sqlite_url)
    with unit_of_work(make_engine(demo_sqlite_url)) as session:
        return demo_sqlite_url, session.exec(select(Case.id).where(Case.alias == "Leon")).one()


def open_map(username: str, case_id: int) -> AppTest:
    return open_case_page(username, PAGE, case_id)


def ranking(at: AppTest) -> list[str]:
    frame = next(df.value for df in at.dataframe if "why" in df.value.columns)
    return list(frame["driver"])


def driver_count(url: str, case_id: int) -> int:
    with unit_of_work(make_engine(url)) as session:
        return session.exec(select(func.count()).select_from(Driver).where(Driver.case_id == case_id, Driver.archived_at.is_(None))).one()


def submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def test_leons_map_ranking_and_week_control(leon):
    url, case_id = leon
    at = open_map("therapist", case_id)
    assert at.title[0].value == "Driver map: Leon"
    assert at.get("iframe"), "the map is drawn"
    now = ranking(at)
    assert len(now) >= 8
    at.slider[0].set_value(1).run()  # the map as it stood at intake
    assert "Dad minimises what happened" in ranking(at)[:3]
    assert ranking(at) != now


def test_adding_a_driver_with_no_name_is_refused_and_the_draft_is_kept(leon):
    url, case_id = leon
    at = open_map("therapist", case_id)
    at.radio(key="add_source").set_value("My own wording").run()
    before = driver_count(url, case_id)
    at.text_area(key="add_own_desc").input("Grandad visits most weekends")
    submit(at, "Add to the map")
    assert any("Name" in e.value and "name" in e.value for e in at.error)
    assert at.text_area(key="add_own_desc").value == "Grandad visits most weekends"
    assert driver_count(url, case_id) == before

    at.text_input(key="add_own_name").input("Grandad is a steady adult presence")
    at.radio(key="add_own_kind").set_value("strength")
    submit(at, "Add to the map")
    assert not at.error
    assert driver_count(url, case_id) == before + 1
    with unit_of_work(make_engine(url)) as session:
        saved = session.exec(select(Driver).where(Driver.case_id == case_id, Driver.name == "Grandad is a steady adult presence")).one()
    assert (saved.kind, saved.description) == ("strength", "Grandad visits most weekends")
    assert [t.value.replace("\\", "") for t in at.toast] == ["Added “Grandad is a steady adult presence” to the map."]


def test_adding_from_the_catalogue_prefills_the_form(leon):
    url, case_id = leon
    at = open_map("therapist", case_id)
    choice = at.selectbox(key="add_catalogue")
    assert len(choice.options) >= 24
    label = next(o for o in choice.options if o.startswith("Peers"))
    choice.set_value(_catalogue_key(label)).run()
    name = at.text_input(key=f"add_{_catalogue_key(label)}_name").value
    assert name and name in label
    before = driver_count(url, case_id)
    submit(at, "Add to the map")
    assert driver_count(url, case_id) == before + 1


def _catalogue_key(label: str) -> str:
    from drivers.catalogue import load_catalogue

    return next(e.key for e in load_catalogue() if label.startswith("Peers · " + e.name))


def test_supervisor_reads_the_map_without_editing(leon):
    _, case_id = leon
    at = open_map("supervisor", case_id)
    assert at.title[0].value == "Driver map: Leon" and ranking(at)
    assert "Read-only" in " ".join(c.value for c in at.caption)
    assert not [b for b in at.button if b.label == "Add to the map"]


def test_colleague_is_refused(leon):
    _, case_id = leon
    at = open_map("therapist2", case_id)
    assert [e.value for e in at.error] == ["You do not have access to this case, or it does not exist."]
    assert not at.get("iframe") and not at.dataframe


def test_a_save_after_someone_elses_is_refused_and_shows_their_version(leon):
    url, case_id = leon
    at = open_map("therapist", case_id)
    with unit_of_work(make_engine(url)) as session:
        driver = session.exec(select(Driver).where(Driver.case_id == case_id, Driver.name == "Few friends of his own age")).one()
    at.selectbox(key="edit_choice").set_value(driver.id).run()
    prefix = f"edit_{driver.id}_{driver.version}"
    at.slider(key=f"{prefix}_rating").set_value(9)
    # Meanwhile a colleague's save lands (the same person in another tab, or a supervisor-approved fix).
    with unit_of_work(make_engine(url)) as session:
        row = session.get(Driver, driver.id)
        row.rating, row.version = 1, row.version + 1
        session.add(row)
    submit(at, "Save changes")
    assert any("Someone else saved this driver" in e.value for e in at.error)
    with unit_of_work(make_engine(url)) as session:
        assert session.get(Driver, driver.id).rating == 1  # theirs kept, nothing overwritten
    assert at.slider(key=f"edit_{driver.id}_{driver.version + 1}_rating").value == 1  # the form shows theirs
