"""Case export and import as JSON (planner.case_transfer): round trips, refusals, malformed files.

A refused file must change nothing: after each, the row count of every table (the audit trail
included) is what it was before.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import select as sm_select

from planner.access import AccessDenied
from planner.audit import verify
from planner.case_transfer import (
    COLLECTIONS,
    MAX_FILE_BYTES,
    export_case,
    export_case_json,
    import_case,
    preview,
    to_json_bytes,
)
from planner.db import unit_of_work
from planner.errors import InvalidInput
from planner.models import AuditEvent, Case, Driver, Goal, User, WeeklyReview, metadata
from planner.weekly_review import NewGoal, ReviewContent, save_draft
from tests.conftest import TODAY
from tests.helpers import case_id, person

pytestmark = pytest.mark.db
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def table_counts(engine) -> dict[str, int]:
    with unit_of_work(engine) as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one() for t in metadata.sorted_tables}


def leon_export(engine) -> dict:
    with unit_of_work(engine) as session:
        return export_case(session, person(engine, "therapist"), case_id(engine, "Leon"), now=NOW)


def do_import(engine, username: str, data: bytes):
    with unit_of_work(engine) as session:
        return import_case(session, person(engine, username), data)


def test_leon_round_trip_is_identical(demo_engine):
    therapist = person(demo_engine, "therapist")
    leon = case_id(demo_engine, "Leon")
    first = leon_export(demo_engine)
    assert first["format"] == "mst-psb-planner/case" and first["version"] == 1
    before = table_counts(demo_engine)
    result = do_import(demo_engine, "therapist", to_json_bytes(first))
    assert result.case_id != leon and result.alias == "Leon"
    with unit_of_work(demo_engine) as session:
        second = export_case(session, therapist, result.case_id, now=NOW)
    assert second["case"] == first["case"]
    assert to_json_bytes(second) == to_json_bytes(first)  # byte for byte, with the same exported_at
    counts = {c.key: len(first["case"][c.key]) for c in COLLECTIONS}
    assert counts["drivers"] == 11 and counts["weekly_reviews"] == 23 and counts["ratings"] >= 23 * 2
    assert {c.key: len(second["case"][c.key]) for c in COLLECTIONS} == counts
    after = table_counts(demo_engine)
    # Every row of the case was copied, and nothing else except the one case row and the audit entries.
    with unit_of_work(demo_engine) as session:
        for table in metadata.sorted_tables:
            if "case_id" in table.c and table.name not in ("audit_event", "family_access"):
                old, new = (
                    session.execute(select(func.count()).select_from(table).where(table.c.case_id == cid)).scalar_one()
                    for cid in (leon, result.case_id)
                )
                assert old == new, table.name
        new_case = session.get(Case, result.case_id)
        assert (new_case.therapist_id, new_case.team_id) == (therapist.id, therapist.team_id)
        events = session.exec(sm_select(AuditEvent).where(AuditEvent.action.in_(["export", "import"]))).all()
        assert [(e.action, e.object_type, e.case_id) for e in events] == [
            ("export", "case_json", leon), ("import", "case_json", result.case_id), ("export", "case_json", result.case_id)
        ]
        assert verify(session).first_bad_id is None
    assert after["plan_case"] == before["plan_case"] + 1
    assert after["family_access"] == before["family_access"]  # family logins are not exported
    assert after["account"] == before["account"]


def test_two_exports_of_the_same_data_are_byte_identical_and_hold_no_ids_or_hashes(demo_engine):
    therapist = person(demo_engine, "therapist")
    leon = case_id(demo_engine, "Leon")
    with unit_of_work(demo_engine) as session:
        one = export_case_json(session, therapist, leon, now=NOW)
        two = export_case_json(session, therapist, leon)
        hashes = [h for h in session.exec(sm_select(User.password_hash)).all()]
    assert json.loads(one)["case"] == json.loads(two)["case"]
    assert one.replace(json.loads(one)["exported_at"].encode(), b"") == two.replace(json.loads(two)["exported_at"].encode(), b"")
    text = one.decode()
    assert '"id"' not in text and "_id" not in text.replace("driver_ids", "")
    assert not any(h in text for h in hashes)
    assert len(one) < MAX_FILE_BYTES // 10  # far inside the upload limit


def test_every_case_of_a_therapist_round_trips(demo_engine):
    therapist = person(demo_engine, "therapist")
    with unit_of_work(demo_engine) as session:
        ids = session.exec(sm_select(Case.id).where(Case.therapist_id == therapist.id).order_by(Case.id)).all()
    assert len(ids) >= 3
    for cid in ids:
        with unit_of_work(demo_engine) as session:
            exported = export_case(session, therapist, cid, now=NOW)
        new_id = do_import(demo_engine, "therapist", to_json_bytes(exported)).case_id
        with unit_of_work(demo_engine) as session:
            assert export_case(session, therapist, new_id, now=NOW)["case"] == exported["case"], cid


def test_a_review_draft_keeps_its_goals_and_drivers_under_new_ids(demo_engine):
    therapist = person(demo_engine, "therapist")
    leon = case_id(demo_engine, "Leon")
    with unit_of_work(demo_engine) as session:
        goals = session.exec(sm_select(Goal.id).where(Goal.case_id == leon, Goal.level == "intermediary", Goal.week == 24)).all()
        needs = session.exec(
            sm_select(Driver.id).where(Driver.case_id == leon, Driver.prioritised.is_(True), Driver.kind == "need",
                                       Driver.archived_at.is_(None))
        ).all()
        assert goals and needs
        content = ReviewContent(
            advances="Dad ran the evening check-in twice.",
            marks={goals[0]: "met"},
            ratings={needs[0]: 4},
            overall=7,
            new_goals=(NewGoal(text="Practise the tell-an-adult plan", owner="Leon", driver_ids=(needs[0],)),),
        )
        save_draft(session, therapist, leon, 24, content, today=TODAY)
    exported = leon_export(demo_engine)
    new_id = do_import(demo_engine, "therapist", to_json_bytes(exported)).case_id
    with unit_of_work(demo_engine) as session:
        draft = session.exec(sm_select(WeeklyReview).where(WeeklyReview.case_id == new_id, WeeklyReview.status == "draft")).one()
        stored = json.loads(draft.draft_json)["content"]
        new_goals = set(session.exec(sm_select(Goal.id).where(Goal.case_id == new_id)).all())
        new_drivers = set(session.exec(sm_select(Driver.id).where(Driver.case_id == new_id)).all())
        assert {int(k) for k in stored["marks"]} <= new_goals and stored["marks"]
        assert {int(k) for k in stored["ratings"]} <= new_drivers and stored["ratings"]
        assert set(stored["new_goals"][0]["driver_ids"]) <= new_drivers
        assert export_case(session, therapist, new_id, now=NOW)["case"] == exported["case"]
    # A snapshot naming a goal that is not in the file is refused like any other dangling ref.
    n, review = next((n, r) for n, r in enumerate(exported["case"]["weekly_reviews"]) if r["snapshot"])
    review["snapshot"]["content"]["marks"]["9999"] = "met"
    before = table_counts(demo_engine)
    with pytest.raises(InvalidInput, match=rf"case\.weekly_reviews\[{n}\]\.snapshot\.content\.marks\.9999 names goals ref 9999"):
        do_import(demo_engine, "therapist", to_json_bytes(exported))
    assert table_counts(demo_engine) == before


def test_access_is_checked_and_refusals_write_only_their_audit_entry(demo_engine):
    leon = case_id(demo_engine, "Leon")
    data = to_json_bytes(leon_export(demo_engine))
    before = table_counts(demo_engine)
    with pytest.raises(AccessDenied), unit_of_work(demo_engine) as session:
        export_case(session, person(demo_engine, "therapist2"), leon)
    for username in ("family", "admin", "supervisor"):
        with pytest.raises(AccessDenied):
            do_import(demo_engine, username, data)
    after = table_counts(demo_engine)
    assert after["audit_event"] == before["audit_event"] + 4  # the four refusals, nothing else
    assert {k: v for k, v in after.items() if k != "audit_event"} == {k: v for k, v in before.items() if k != "audit_event"}
    with unit_of_work(demo_engine) as session:
        denied = session.exec(sm_select(AuditEvent.actor, AuditEvent.action).where(AuditEvent.outcome == "denied")).all()
        assert ("therapist2", "export") in denied and ("family", "import_case") in denied
    # A supervisor exports their team's case.
    with unit_of_work(demo_engine) as session:
        assert export_case(session, person(demo_engine, "supervisor"), leon)["case"]["alias"] == "Leon"


def test_accounts_unknown_here_become_the_importer_and_are_named_in_the_notes(demo_engine):
    data = leon_export(demo_engine)
    for review in data["case"]["weekly_reviews"]:
        review["submitted_by"] = "someone.elsewhere"
    data["case"]["comments"][0]["author"] = "family"  # exists here, but not as staff
    result = do_import(demo_engine, "therapist2", to_json_bytes(data))
    assert any("someone.elsewhere" in n and "family" in n for n in result.notes)
    assert any("now in your caseload" in n for n in result.notes)
    therapist2 = person(demo_engine, "therapist2")
    with unit_of_work(demo_engine) as session:
        submitted_by = set(session.exec(sm_select(WeeklyReview.submitted_by).where(WeeklyReview.case_id == result.case_id)).all())
        assert submitted_by == {therapist2.id}
        assert session.get(Case, result.case_id).therapist_id == therapist2.id


def _set(path, value):
    def mutate(d):
        target = d
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return mutate


def _delete(path):
    def mutate(d):
        target = d
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]
    return mutate


def _carry_on_from_a_later_goal(d):
    goals = d["case"]["goals"]
    goals[0]["carries_on_from"] = goals[1]["ref"]


MUTATIONS = {
    "wrong format": (_set(["format"], "some-other-app/case"), "format should be"),
    "version 2": (_set(["version"], 2), "version is 2"),
    "missing key": (_delete(["case", "drivers", 3, "rating"]), "case.drivers[3] is missing rating"),
    "missing case": (_delete(["case"]), "the file is missing case"),
    "unknown key": (_set(["case", "goals", 0, "colour"], "red"), "case.goals[0] has an unknown entry 'colour'"),
    "dangling ref": (_set(["case", "driver_links", 0, "source"], 999), "case.driver_links[0].source names drivers ref 999"),
    "dangling subject": (_set(["case", "ratings", 0, "subject_ref"], 999), "case.ratings[0].subject_ref"),
    "rating 11": (_set(["case", "drivers", 3, "rating"], 11), "case.drivers[3].rating should be from 0 to 10"),
    "weekly rating 11": (_set(["case", "ratings", 5, "value"], 11), "case.ratings[5].value"),
    "week 0": (_set(["case", "weekly_reviews", 2, "week"], 0), "case.weekly_reviews[2].week"),
    "wrong type": (_set(["case", "age"], "eleven"), "case.age should be a whole number"),
    "bool for number": (_set(["case", "drivers", 0, "changeability"], True), "case.drivers[0].changeability"),
    "number for bool": (_set(["case", "drivers", 0, "prioritised"], 1), "case.drivers[0].prioritised"),
    "unknown system": (_set(["case", "drivers", 1, "system"], "planet"), "case.drivers[1].system should be one of"),
    "unknown status": (_set(["case", "weekly_reviews", 0, "status"], "lost"), "case.weekly_reviews[0].status"),
    "huge name": (_set(["case", "drivers", 0, "name"], "x" * 10_000), "case.drivers[0].name is 10000 characters"),
    "huge text": (_set(["case", "drivers", 0, "description"], "y" * 30_000), "case.drivers[0].description"),
    "control characters": (_set(["case", "participants", 0, "name"], "Ann\x00e"), "case.participants[0].name contains"),
    "blank name": (_set(["case", "drivers", 2, "name"], "   "), "case.drivers[2].name must not be empty"),
    "duplicate ref": (_set(["case", "drivers", 1, "ref"], 1), "case.drivers[1].ref repeats ref 1"),
    "duplicate rating": (lambda d: d["case"]["ratings"].append(copy.deepcopy(d["case"]["ratings"][0])), "repeats the week"),
    "self link": (
        lambda d: d["case"]["driver_links"][0].update(target=d["case"]["driver_links"][0]["source"]),
        "links a driver to itself",
    ),
    "carries on from a later goal": (_carry_on_from_a_later_goal, "must name an earlier entry"),
    "bad date": (_set(["case", "start_date"], "2026-02-30"), "case.start_date is not a date"),
    "week date": (_set(["case", "start_date"], "2026-W01-1"), "case.start_date should be a date like"),
    "time without zone": (_set(["case", "created_at"], "2026-06-14T10:00:00"), "case.created_at needs a time zone"),
    "not a number": (_set(["case", "goals", 0, "gas_weight"], float("nan")), "case.goals[0].gas_weight"),
    "bad gas levels": (_set(["case", "goals", 0, "gas_levels"], '["only one"]'), "case.goals[0].gas_levels"),
    "bad family summary": (_set(["case", "family_summaries", 0, "content"], {"format": 1}), "case.family_summaries[0].content"),
    "case is a list": (_set(["case"], []), "case should be an object"),
    "list where object": (_set(["case", "drivers", 4], "driver"), "case.drivers[4] should be an object"),
    "drivers not a list": (_set(["case", "drivers"], {}), "case.drivers should be a list"),
}


@pytest.fixture(scope="module")
def shared_demo(module_db_url):
    """One demo database for the refusal tests of this module: a refused file changes nothing."""
    from planner import migrate
    from planner.db import make_engine
    from planner.demo import load_demo
    from tests.conftest import DEMO_PASSWORD

    engine = make_engine(module_db_url)
    migrate.upgrade(engine)
    with unit_of_work(engine) as session:
        load_demo(session, password=DEMO_PASSWORD, today=TODAY)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def leon_file(shared_demo):
    return leon_export(shared_demo)


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_a_malformed_file_is_refused_with_where_and_changes_nothing(shared_demo, leon_file, name):
    demo_engine = shared_demo
    mutate, says = MUTATIONS[name]
    data = copy.deepcopy(leon_file)
    mutate(data)
    raw = json.dumps(data, ensure_ascii=False).encode()
    before = table_counts(demo_engine)
    with pytest.raises(InvalidInput) as refused:
        do_import(demo_engine, "therapist", raw)
    message = refused.value.errors["file"]
    assert says in message, message
    assert message.endswith("Nothing was changed.")
    with pytest.raises(InvalidInput):
        preview(raw)
    assert table_counts(demo_engine) == before


RAW_FILES = {
    "not JSON": (lambda raw: b"this is not json", "not valid JSON: Expecting value at line 1, column 1"),
    "truncated": (lambda raw: raw[: len(raw) // 2], "not valid JSON"),
    "non-UTF-8": (lambda raw: raw[:100] + b"\xff\xfe" + raw[100:], "not UTF-8 text (byte 101"),
    "a list": (lambda raw: b"[]", "not an object"),
    "too large": (lambda raw: raw + b" " * MAX_FILE_BYTES, "larger than 5 MB"),
    "nested too deeply": (lambda raw: b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "empty": (lambda raw: b"", "line 1, column 1"),
    "a number too long to read": (lambda raw: b'{"version": ' + b"1" * 5000 + b"}", "not valid JSON"),
}


@pytest.mark.parametrize("name", list(RAW_FILES))
def test_an_unreadable_file_is_refused_with_the_reason_and_changes_nothing(shared_demo, leon_file, name):
    demo_engine = shared_demo
    change, says = RAW_FILES[name]
    before = table_counts(demo_engine)
    with pytest.raises(InvalidInput) as refused:
        do_import(demo_engine, "therapist", change(to_json_bytes(leon_file)))
    assert says in refused.value.errors["file"], refused.value.errors["file"]
    assert table_counts(demo_engine) == before


def _paths(value, prefix=()):
    """Every place in a JSON value, as a path of keys and indexes."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for n, item in enumerate(value[:3]):  # the first few of each list keep the search space useful
            yield from _paths(item, (*prefix, n))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True) | st.text(max_size=30)
    | st.sampled_from(["", "need", "overall", "2026-06-14", "2026-06-14T10:00:00+00:00", "driver", "goal", "therapist"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_changes_are_imported_or_refused_never_crash(shared_demo, leon_file, data):
    demo_engine = shared_demo
    paths = [p for p in _paths(leon_file) if p]
    path = data.draw(st.sampled_from(paths), label="path")
    action = data.draw(st.sampled_from(["replace", "delete", "add key"]), label="action")
    changed = copy.deepcopy(leon_file)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    if action == "replace":
        parent[path[-1]] = data.draw(JSON_VALUES, label="value")
    elif action == "delete":
        del parent[path[-1]]
    elif isinstance(parent[path[-1]], dict):
        parent[path[-1]][data.draw(st.text(min_size=1, max_size=8), label="key")] = data.draw(JSON_VALUES, label="value")
    raw = json.dumps(changed, ensure_ascii=False).encode("utf-8", errors="surrogatepass")
    before = table_counts(demo_engine)
    try:
        result = do_import(demo_engine, "therapist", raw)
    except InvalidInput as refused:
        event("refused")
        assert refused.errors["file"].startswith(("This file cannot be imported", "The file"))
        assert table_counts(demo_engine) == before
    else:
        event("imported")
        after = table_counts(demo_engine)
        assert after["plan_case"] == before["plan_case"] + 1
        with unit_of_work(demo_engine) as session:  # what was imported exports again without trouble
            export_case(session, person(demo_engine, "therapist"), result.case_id)
