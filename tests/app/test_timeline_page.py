"""The timeline and progress page through AppTest."""

from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from planner.db import make_engine, unit_of_work
from planner.models import Case, GasScore, Rating
from tests.helpers import open_case_page

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def leon(demo_sqlite_url, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", demo_sqlite_url)
    with unit_of_work(make_engine(demo_sqlite_url)) as session:
        return demo_sqlite_url, session.exec(select(Case.id).where(Case.alias == "Leon")).one()


def open_timeline(username: str, case_id: int) -> AppTest:
    return open_case_page(username, "views/timeline.py", case_id)


def test_leons_timeline_shows_phases_charts_and_flags(leon):
    url, case_id = leon
    with unit_of_work(make_engine(url)) as session:
        has_gas = session.exec(select(GasScore.id).where(GasScore.case_id == case_id)).first() is not None
    at = open_timeline("therapist", case_id)
    assert at.title[0].value.startswith("Timeline and progress")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Week"] == "week 24 of 30" and metrics["Phase"] == "Intervention"
    charts = at.get("vega_lite_chart")
    # Gantt, overall scale, drivers, goals met; and GAS once the goals have been scored.
    assert len(charts) == 4 + has_gas
    assert any("No GAS scores yet" in i.value for i in at.info) is (not has_gas)
    phases = at.dataframe[0].value
    assert list(phases["phase"]) == ["Engagement and assessment", "Intervention", "Generalisation and discharge"]
    # Leon's only flags: overarching goals still open six weeks from the end, one per goal.
    warnings = [w.value for w in at.warning]
    assert metrics["On-track flags"] == str(len(warnings)) and len(warnings) >= 1
    assert all("Overarching goal unmet near the planned end" in w for w in warnings)


def test_bad_phase_lengths_are_refused_and_nothing_changes(leon):
    _, case_id = leon
    at = open_timeline("therapist", case_id)
    at.number_input(key="phase_engagement").set_value(20)
    at.number_input(key="phase_generalisation").set_value(12)
    next(b for b in at.button if b.label == "Save phases").click().run()
    assert any("Phases" in e.value for e in at.error)
    assert at.dataframe[0].value["end_week"].tolist() == [4, 24, 30]
    at.number_input(key="phase_engagement").set_value(6)
    at.number_input(key="phase_generalisation").set_value(6)
    next(b for b in at.button if b.label == "Save phases").click().run()
    assert not at.error
    assert at.dataframe[0].value["end_week"].tolist() == [6, 24, 30]


def test_supervisor_reads_without_editing_and_colleague_is_refused(leon):
    _, case_id = leon
    at = open_timeline("supervisor", case_id)
    assert at.title[0].value.startswith("Timeline and progress") and not [b for b in at.button if b.label == "Save phases"]
    at = open_timeline("therapist2", case_id)
    assert [e.value for e in at.error] == ["You do not have access to this case, or it does not exist."]
    assert not at.get("vega_lite_chart")


def test_a_rerun_reuses_the_chart_specs_and_new_data_redraws_them(leon):
    """Charts are kept per session while their data is unchanged (views.shared.chart); a new rating must
    never be hidden behind a kept spec."""
    url, case_id = leon
    at = open_timeline("therapist", case_id)
    kept = at.session_state["_chart_specs"]["timeline.overall"]
    at.run()
    assert at.session_state["_chart_specs"]["timeline.overall"] is kept  # nothing changed: not rebuilt

    def weeks_plotted(spec) -> set[int]:
        return {row["week"] for rows in spec["datasets"].values() for row in rows if "value" in row}

    assert 24 not in weeks_plotted(kept[1])
    with unit_of_work(make_engine(url)) as session:
        session.add(Rating(case_id=case_id, week=24, subject="overall", value=9))
    at.run()
    redrawn = at.session_state["_chart_specs"]["timeline.overall"]
    assert redrawn is not kept and 24 in weeks_plotted(redrawn[1])
    assert {m.label: m.value for m in at.metric}["Safety scale now"] == "9/10"
