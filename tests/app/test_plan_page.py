"""The Plan page through AppTest: interventions, validation that keeps what was typed, GAS, safety rules, roles."""

from pathlib import Path

import pytest
from sqlmodel import func, select
from streamlit.testing.v1 import AppTest

from planner.db import make_engine, unit_of_work
from planner.models import Case, Driver, GasScore, Goal, Intervention, SafetyRule, User
from tests import factories
from tests.helpers import open_case_page

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "views/plan.py"
WARMTH = "Low warmth between Dad and Leon"
SUPERVISION = "Loose supervision when cousins visit"


@pytest.fixture
def leon(demo_sqlite_url, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", demo_sqlite_url)
    with unit_of_work(make_engine(demo_sqlite_url)) as session:
        return demo_sqlite_url, session.exec(select(Case.id).where(Case.alias == "Leon")).one()


def open_plan(username: str, case_id: int) -> AppTest:
    return open_case_page(username, PAGE, case_id)


def submit(at: AppTest, label: str, index: int = 0) -> AppTest:
    [b for b in at.button if b.label == label][index].click()
    return at.run()


def one(url: str, query):
    with unit_of_work(make_engine(url)) as session:
        return session.exec(query).one()


def driver(url: str, case_id: int, name: str) -> int:
    return one(url, select(Driver.id).where(Driver.case_id == case_id, Driver.name == name))


def interventions(url: str, case_id: int) -> int:
    return one(url, select(func.count()).select_from(Intervention).where(Intervention.case_id == case_id))


def table_with(at: AppTest, column: str):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def fill_intervention(at: AppTest, url: str, case_id: int, name: str, start: int, end: int | None) -> None:
    at.text_input(key="iv_add0_name").input(name)
    at.text_input(key="iv_add0_who").input("Dad and Leon, coached by the therapist")
    at.text_input(key="iv_add0_freq").input("Three evenings a week")
    at.selectbox(key="iv_add0_type").set_value("warmth_building")
    at.number_input(key="iv_add0_start").set_value(start)
    if end is not None:
        at.number_input(key="iv_add0_end").set_value(end)
    at.multiselect(key="iv_add0_drivers").select(driver(url, case_id, WARMTH))
    at.multiselect(key="iv_add0_principles").select(2).select(7)


def test_therapist_adds_an_intervention_aimed_at_a_driver_and_it_shows(leon):
    url, case_id = leon
    at = open_plan("therapist", case_id)
    assert at.title[0].value == "Plan: Leon"
    assert [t.label for t in at.tabs] == ["Interventions", "Goals", "Safety plan"]
    before = interventions(url, case_id)
    fill_intervention(at, url, case_id, "Bedtime story with Dad", 24, 28)
    submit(at, "Add the intervention")
    assert not at.error, [e.value for e in at.error]
    assert interventions(url, case_id) == before + 1
    assert [t.value for t in at.toast] == ["Added “Bedtime story with Dad” to the plan."]
    row = table_with(at, "aimed_at").set_index("name").loc["Bedtime story with Dad"]
    assert row["aimed_at"] == WARMTH and row["weeks"] == "weeks 24–28" and row["status_label"] == "Planned"
    assert list(row["principle_names"]) == ["2 Positive and strength-focused", "7 Continuous effort"]
    assert row["type_label"] == "Warmth-building time between caregiver and young person"
    assert at.text_input(key="iv_add1_name").value == ""  # a fresh form for the next one


def test_end_week_before_start_week_is_refused_and_what_was_typed_stays(leon):
    url, case_id = leon
    at = open_plan("therapist", case_id)
    before = interventions(url, case_id)
    fill_intervention(at, url, case_id, "Bedtime story with Dad", 20, 12)
    submit(at, "Add the intervention")
    assert [e.value for e in at.error] == ["**End week:** The end week comes before the start week\\."]
    assert interventions(url, case_id) == before
    assert at.text_input(key="iv_add0_name").value == "Bedtime story with Dad"
    assert at.number_input(key="iv_add0_end").value == 12
    assert at.multiselect(key="iv_add0_drivers").value == [driver(url, case_id, WARMTH)]
    # A week outside the plan is refused too.
    at.number_input(key="iv_add0_end").set_value(40)
    submit(at, "Add the intervention")
    assert [e.value for e in at.error] == ["**End week:** Week 40 is outside this plan \\(weeks 1 to 30\\)\\."]
    assert interventions(url, case_id) == before


def test_stopping_without_a_reason_is_refused_then_stopped_with_one(leon):
    url, case_id = leon
    at = open_plan("therapist", case_id)
    iid, version = one(url, select(Intervention.id, Intervention.version).where(Intervention.case_id == case_id, Intervention.name == "Saturday football group"))
    at.selectbox(key="iv_edit_choice").set_value(iid).run()
    prefix = f"iv_edit_{iid}_{version}"
    assert at.text_input(key=f"{prefix}_name").value == "Saturday football group"
    at.radio(key=f"{prefix}_status").set_value("stopped")
    submit(at, "Save changes")
    assert len(at.error) == 1 and at.error[0].value.startswith("**Reason for stopping:**")
    assert one(url, select(Intervention.status).where(Intervention.id == iid)) == "active"
    assert at.radio(key=f"{prefix}_status").value == "stopped"
    at.text_input(key=f"{prefix}_reason").input("Club closed for the summer")
    submit(at, "Save changes")
    assert not at.error
    assert one(url, select(Intervention.status, Intervention.stop_reason).where(Intervention.id == iid)) == ("stopped", "Club closed for the summer")
    row = table_with(at, "aimed_at").set_index("name").loc["Saturday football group"]
    assert row["status_label"] == "Stopped: Club closed for the summer"


def test_goals_show_gas_levels_and_a_score_is_saved_for_this_week(leon):
    url, case_id = leon
    at = open_plan("therapist", case_id)
    goal_id = one(url, select(Goal.id).where(Goal.case_id == case_id, Goal.text == "Dad can say what happened was harmful, and why"))
    assert any("Dad can say what happened was harmful" in e.label for e in at.expander)
    levels = table_with(at, "for this goal")
    assert list(levels["score"]) == ["-2", "-1", "0", "+1", "+2"] and levels["for this goal"].str.len().min() > 10
    at.radio(key=f"gas_{goal_id}_score").set_value(1)
    [b for b in at.button if b.label == "Save GAS score"][4].click()  # the fifth goal's form
    at.run()
    assert not at.error
    assert one(url, select(GasScore.score).where(GasScore.goal_id == goal_id, GasScore.week == 24)) == 1
    assert one(url, select(Goal.gas_score).where(Goal.id == goal_id)) == 1
    assert [t.value for t in at.toast] == ["GAS score +1 saved for week 24."]
    # This week's intermediary goals, read-only.
    weekly = table_with(at, "owner")
    assert len(weekly) >= 3 and set(weekly["status"]) == {"Not yet marked"}


def test_a_rule_written_as_a_ban_is_saved_with_a_kind_hint(leon):
    url, case_id = leon
    at = open_plan("therapist", case_id)
    at.selectbox(key="rule_add0_setting").set_value("online")
    at.text_area(key="rule_add0_rule").input("Don't take the tablet upstairs")
    at.text_input(key="rule_add0_responsible").input("Dad and Jade")
    at.multiselect(key="rule_add0_drivers").select(driver(url, case_id, SUPERVISION))
    submit(at, "Add the rule")
    assert not at.error
    assert one(url, select(SafetyRule.rule).where(SafetyRule.case_id == case_id, SafetyRule.setting == "online", SafetyRule.rule.startswith("Don"))) == "Don't take the tablet upstairs"
    assert any("what to do, not what not to do" in i.value for i in at.info)
    # A rule with no risk linked is refused, and the typed rule stays.
    at.text_area(key="rule_add1_rule").input("Phones charge in the kitchen overnight")
    at.text_input(key="rule_add1_responsible").input("Jade")
    submit(at, "Add the rule")
    assert [e.value for e in at.error] == ["**Drivers:** Please choose at least one risk \\(need\\) this rule manages\\."]
    assert at.text_area(key="rule_add1_rule").value == "Phones charge in the kitchen overnight"


def test_supervisor_reads_the_plan_without_forms(leon):
    _, case_id = leon
    at = open_plan("supervisor", case_id)
    assert at.title[0].value == "Plan: Leon"
    assert "Read-only" in " ".join(c.value for c in at.caption)
    assert len(table_with(at, "aimed_at")) > 5
    labels = {b.label for b in at.button}
    assert not labels & {"Add the intervention", "Save changes", "Save GAS score", "Add the rule", "Add the goal", "Add the outcome"}
    assert not at.get("form")


def test_colleague_is_refused(leon):
    _, case_id = leon
    at = open_plan("therapist2", case_id)
    assert [e.value for e in at.error] == ["You do not have access to this case, or it does not exist."]
    assert not at.dataframe and not at.title


def test_an_empty_case_says_what_to_do_next(leon):
    url, _ = leon
    with unit_of_work(make_engine(url)) as session:
        therapist = session.exec(select(User).where(User.username == "therapist")).one()
        case_id = factories.empty_case(session, alias="Jayden", therapist_id=therapist.id, team_id=therapist.team_id).id
    at = open_plan("therapist", case_id)
    assert at.title[0].value == "Plan: Jayden"
    infos = " ".join(i.value for i in at.info)
    for words in ("No interventions yet", "Add drivers on the driver map first", "No desired outcomes yet",
                  "No overarching goals yet", "No safety rules yet", "Add the needs (risks) on the driver map first"):
        assert words in infos, words
    assert [m.value for m in at.metric] == ["0", "—", "—", "0"]
