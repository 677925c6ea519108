"""Bad input, everywhere: every create and update service saves what was typed exactly or refuses it kindly.

Issue #8 asks for property tests (hypothesis) on every create and update service with arbitrary unicode
(control characters included, surrogates excluded: a browser cannot send them), very long strings (10k+),
markup and SQL fragments. Each call must either save the text exactly (re-read equals the input, surrounding
spaces trimmed) or raise a refusal a page shows kindly (InvalidInput with a message per field; StaleEdit when
the version is old; NotFound for an id not in the case). Never any other exception, and a refused call changes
nothing. Services already covered in their own modules' tests are listed in REGISTRY; the registry test fails
when a new create/update service appears without a property test.

Counts of inputs tried per test are written to artifacts/property-counts.json for the closing note.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, is_hypothesis_test, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlmodel import select

import planner
import pyotp

from planner import account_admin, case_progress, family_accounts, fit_circle, supervision, two_factor
from planner import plan as plan_services
from planner import weekly_review
from planner.access import AccessDenied
from planner.accounts import AccountError, create_user, reset_two_step, sign_in
from planner.db import unit_of_work
from planner.errors import InvalidInput, StaleEdit
from drivers.validation import has_control_characters
from planner.fit_circle import DriverInput
from planner.guard import NotFound
from planner.models import (
    Case,
    CaseAssignment,
    Comment,
    DesiredOutcome,
    Driver,
    DriverLink,
    GasScore,
    Goal,
    Intervention,
    SafetyRule,
    SignInThrottle,
    User,
    UserCreate,
    WeeklyReview,
)
from planner.plan import GoalInput, InterventionInput, OutcomeInput, RuleInput
from tests.conftest import DEMO_PASSWORD, TODAY
from tests.helpers import person

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parents[2]
COUNTS_FILE = ROOT / "artifacts" / "property-counts.json"

# --------------------------------------------------------------------------- hostile text

MARKUP_AND_SQL = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "**bold** _italic_ `code` # heading",
    "[click me](javascript:alert(1))",
    "![x](http://example.invalid/x.png)",
    ":red[loud] :material/lock: $x^2$",
    "'; DROP TABLE account; --",
    "\" OR 1=1 --",
    "Robert'); DELETE FROM driver WHERE ('1'='1",
    "{{ 7*7 }} {% if x %}${jndi:ldap://x}",
    "%s %(x)s {0} \\N \\x00",
    "\x00",
    "\x1b[31mred\x1b[0m",
    "\u202eright-to-left override",
    "zero\u200bwidth\ufeff",
    "line one\nline two\ttabbed\r\n",
    "🙂 👨‍👩‍👧 ﷽ Ünïcödé ß İ",
    "   ",
    "",
]
LIMITS = [79, 80, 81, 119, 120, 121, 199, 200, 201, 299, 300, 301, 499, 500, 501, 999, 1000, 1001,
          1999, 2000, 2001, 3999, 4000, 4001, 10_000, 12_345]


def _sized(seed: str, length: int) -> str:
    return (seed * (length // len(seed) + 1))[:length]


# Hypothesis' text() excludes surrogates (category Cs) and includes control characters (Cc) by default.
UNICODE = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)
LONG = st.builds(_sized, st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=6),
                 st.sampled_from(LIMITS))
MIXED = st.lists(st.one_of(st.sampled_from(MARKUP_AND_SQL), st.text(max_size=12)), min_size=1, max_size=5).map("".join)
TEXT = st.one_of(UNICODE, st.sampled_from(MARKUP_AND_SQL), LONG, MIXED)
# Text a careful person might type: printable, one line, markup and SQL included (all of it must be saved as is).
PRINTABLE = st.text(alphabet=st.characters(categories=("L", "M", "N", "P", "S", "Zs")), min_size=1, max_size=80)
FRIENDLY = st.one_of(PRINTABLE, st.sampled_from([t for t in MARKUP_AND_SQL if t.strip() and t.isprintable()]))
FIELD = st.one_of(FRIENDLY, FRIENDLY, TEXT)  # for forms with several fields: most examples get past validation
SETTINGS = ["home", "school", "community", "online"]
WEEKS = st.one_of(st.integers(), st.integers(-2, 32), st.integers(1, 14), st.integers(1, 14))  # any int, mostly plausible
USERNAME = st.from_regex(r"[a-z0-9][a-z0-9._-]{1,20}", fullmatch=True)
VERSION_OFFSET = st.sampled_from([0, 0, 0, 0, 0, -1, 1, -7])  # mostly current; sometimes stale or from the future
# Any version a tampered form could send, mostly the current one; kept inside the 32-bit column once added to it
# (PostgreSQL refuses a parameter beyond it: pages only send versions they read).
ANY_OFFSET = st.one_of(VERSION_OFFSET, VERSION_OFFSET, st.integers(-(2**30), 2**30))
ANY_ID = st.one_of(st.integers(-(2**31), 2**31 - 1), st.integers(-5, 10**6))  # ids a tampered query string could hold
# What a person types into a 6-digit code box, and what a script could send instead.
CODES = st.one_of(
    st.from_regex(r"\d{6}", fullmatch=True), st.from_regex(r"[\d -]{0,12}", fullmatch=True), TEXT,
    st.sampled_from(["", "000000", "123 456", "123-456", "１２３４５６", "٠١٢٣٤٥", "12345\x00", "\x00" * 6,
                     "9" * 10_000]),
)

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SLOW_PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# --------------------------------------------------------------------------- counting, for the closing note

TRIED: Counter[str] = Counter()
SAVED: Counter[str] = Counter()
REFUSED: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def write_counts():
    yield
    if not TRIED:
        return
    COUNTS_FILE.parent.mkdir(exist_ok=True)
    counts = json.loads(COUNTS_FILE.read_text()) if COUNTS_FILE.exists() else {}
    for name in TRIED:
        counts[f"test_property_inputs.py::{name}"] = {
            "inputs_tried": TRIED[name], "saved": SAVED[name], "refused": REFUSED[name],
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    COUNTS_FILE.write_text(json.dumps(counts, indent=2, sort_keys=True) + "\n")


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def leon(demo_engine):
    with unit_of_work(demo_engine) as session:
        case_id = session.exec(select(Case.id).where(Case.alias == "Leon")).one()
    return demo_engine, case_id, person(demo_engine, "therapist")


def run(engine, service, *args, **kwargs):
    with unit_of_work(engine) as session:
        return service(session, *args, **kwargs)


def row(engine, table, row_id) -> dict | None:
    with unit_of_work(engine) as session:
        found = session.get(table, row_id)
        return None if found is None else found.model_dump()


def kind_message(refused: Exception) -> None:
    """A refusal a page can show: InvalidInput names fields with messages; the others carry one sentence."""
    if isinstance(refused, InvalidInput):
        assert refused.errors and all(isinstance(m, str) and m.strip() for m in refused.errors.values())
    else:
        assert str(refused).strip() and "Traceback" not in str(refused)


def attempt(name: str, call, snapshot, *, may_refuse=(InvalidInput,)) -> bool:
    """Run `call`; True if it saved. A refusal must be one the page shows kindly and must change nothing."""
    TRIED[name] += 1
    before = snapshot()
    try:
        call()
    except may_refuse as refused:
        kind_message(refused)
        assert snapshot() == before, "a refused call changed the database"
        REFUSED[name] += 1
        return False
    SAVED[name] += 1
    return True


def stripped(*values: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in values)


def live_driver_id(engine, case_id, name) -> int:
    with unit_of_work(engine) as session:
        return session.exec(select(Driver.id).where(Driver.case_id == case_id, Driver.name == name)).one()


def new_driver(engine, user, case_id, name="Property test driver") -> int:
    return run(engine, fit_circle.add_driver, user, case_id, DriverInput(name=name, system="peers", kind="need", rating=5))


WARMTH = "Low warmth between Dad and Leon"
SUPERVISION = "Loose supervision when cousins visit"

# --------------------------------------------------------------------------- the fit circle


@PROPERTY
@given(name=FIELD, description=FIELD, family=FIELD, evidence=FIELD, offset=VERSION_OFFSET)
@example(name="Few friends\x00", description="", family="", evidence="", offset=0)
@example(name="Few friends", description="a\x00b", family="", evidence="", offset=0)
@example(name="Few friends", description="", family="a\x00b", evidence="", offset=0)
@example(name="Few friends", description="", family="", evidence="a\x00b", offset=0)
def test_update_driver_saves_exactly_or_refuses(leon, name, description, family, evidence, offset):
    engine, case_id, therapist = leon
    driver_id = live_driver_id(engine, case_id, "Few friends of his own age")
    version = row(engine, Driver, driver_id)["version"]
    fields = DriverInput(name=name, system="peers", kind="need", rating=4, description=description,
                         family_wording=family, evidence_for=evidence, evidence_against=evidence)
    if offset:  # keep the name findable for the next example
        fields = DriverInput(**{**fields.__dict__, "name": "Few friends of his own age"})
    saved = attempt(
        "test_update_driver_saves_exactly_or_refuses",
        lambda: run(engine, fit_circle.update_driver, therapist, case_id, driver_id, fields, version=version + offset),
        lambda: row(engine, Driver, driver_id), may_refuse=(InvalidInput, StaleEdit),
    )
    if saved:
        assert offset == 0
        after = row(engine, Driver, driver_id)
        assert tuple(after[k] for k in ("name", "description", "family_wording", "evidence_for", "evidence_against")) == \
            stripped(fields.name, description, family, evidence, evidence)
        assert after["version"] == version + 1
        with unit_of_work(engine) as session:  # put the name back, so the next example finds the driver
            session.get(Driver, driver_id).name = "Few friends of his own age"


@PROPERTY
@given(reason=FIELD, archive_offset=VERSION_OFFSET, restore_offset=VERSION_OFFSET)
def test_archive_and_restore_driver_save_exactly_or_refuse(leon, reason, archive_offset, restore_offset):
    engine, case_id, therapist = leon
    assume(not has_control_characters(reason))  # the known defect held by the next test
    driver_id = new_driver(engine, therapist, case_id)
    version = row(engine, Driver, driver_id)["version"]
    archived = attempt(
        "test_archive_and_restore_driver_save_exactly_or_refuse",
        lambda: run(engine, fit_circle.archive_driver, therapist, case_id, driver_id, reason=reason,
                    version=version + archive_offset),
        lambda: row(engine, Driver, driver_id), may_refuse=(InvalidInput, StaleEdit),
    )
    if not archived:
        return
    after = row(engine, Driver, driver_id)
    assert archive_offset == 0 and after["archive_reason"] == reason.strip() and after["archived_at"] is not None
    restored = attempt(
        "test_archive_and_restore_driver_save_exactly_or_refuse",
        lambda: run(engine, fit_circle.restore_driver, therapist, case_id, driver_id, version=after["version"] + restore_offset),
        lambda: row(engine, Driver, driver_id), may_refuse=(StaleEdit,),
    )
    assert restored == (restore_offset == 0)
    if restored:
        assert row(engine, Driver, driver_id)["archived_at"] is None


def test_a_control_character_in_an_archive_reason_is_refused_like_in_every_other_field(leon):
    """Regression: archive_driver once checked only the reason's length, so a NUL or escape character was saved
    on SQLite and raised DataError on PostgreSQL."""
    engine, case_id, therapist = leon
    driver_id = new_driver(engine, therapist, case_id)
    with pytest.raises(InvalidInput):
        with unit_of_work(engine) as session:
            fit_circle.archive_driver(session, therapist, case_id, driver_id, reason="Ruled out \x00 \x1b[31m", version=1)


@PROPERTY
@given(note=FIELD, strength=st.one_of(st.integers(), st.sampled_from([1, 2, 3])), to_behaviour=st.booleans(),
       offset=VERSION_OFFSET)
@example(note="<script>alert(1)</script> '; DROP TABLE driver_link; --", strength=3, to_behaviour=False, offset=0)
def test_add_and_archive_link_save_exactly_or_refuse(leon, note, strength, to_behaviour, offset):
    engine, case_id, therapist = leon
    # Control characters in a note are the known defect held by the next test (a crash on PostgreSQL).
    assume(not has_control_characters(note))
    source = new_driver(engine, therapist, case_id)
    target = None if to_behaviour else live_driver_id(engine, case_id, SUPERVISION)
    made: list[int] = []

    def add():
        made.append(run(engine, fit_circle.add_link, therapist, case_id, source=source, target=target, strength=strength,
                        note=note))

    def links():
        with unit_of_work(engine) as session:
            return [k.model_dump() for k in session.exec(select(DriverLink).where(DriverLink.case_id == case_id)).all()]

    if not attempt("test_add_and_archive_link_save_exactly_or_refuse", add, links):
        return
    link = row(engine, DriverLink, made[0])
    saved = (link["source_driver_id"], link["target_driver_id"], link["strength"], link["note"])
    assert saved == (source, target, strength, note.strip())
    archived = attempt(
        "test_add_and_archive_link_save_exactly_or_refuse",
        lambda: run(engine, fit_circle.archive_link, therapist, case_id, made[0], version=link["version"] + offset),
        lambda: row(engine, DriverLink, made[0]), may_refuse=(StaleEdit,),
    )
    assert archived == (offset == 0)


def test_a_control_character_in_a_link_note_is_refused_like_in_every_other_field(leon):
    """Regression: validate_link once checked only the note's length, so add_link saved a NUL or escape
    character on SQLite and crashed with DataError on PostgreSQL."""
    engine, case_id, therapist = leon
    source = new_driver(engine, therapist, case_id)
    with pytest.raises(InvalidInput):
        with unit_of_work(engine) as session:
            fit_circle.add_link(session, therapist, case_id, source=source, target=None, strength=2, note="Dad \x00 \x1b[31m")


# --------------------------------------------------------------------------- the plan: updates (adds are in test_plan.py)


@pytest.fixture
def plan_rows(leon):
    """One intervention, outcome, goal and safety rule of Leon's, made here so each test owns its rows."""
    engine, case_id, therapist = leon
    warmth, supervision = live_driver_id(engine, case_id, WARMTH), live_driver_id(engine, case_id, SUPERVISION)
    ids = {
        "intervention": run(engine, plan_services.add_intervention, therapist, case_id, InterventionInput(
            type="warmth_building", name="Bedtime story", who="Dad", frequency="Weekly", start_week=20, end_week=26,
            driver_ids=(warmth,))),
        "outcome": run(engine, plan_services.add_outcome, therapist, case_id, OutcomeInput(outcome="Calmer evenings", who="Dad")),
        "goal": run(engine, plan_services.add_goal, therapist, case_id, GoalInput(
            text="Dad and Leon do something together each week", criterion="8 weeks running", family_wording="Time together")),
        "rule": run(engine, plan_services.add_rule, therapist, case_id, RuleInput(
            setting="home", rule="An adult is in the room when cousins visit", responsible="Dad", driver_ids=(supervision,))),
    }
    return engine, case_id, therapist, ids, warmth, supervision


@PROPERTY
@given(name=FIELD, who=FIELD, frequency=FIELD, description=FIELD, reason=FIELD, stopped=st.booleans(), offset=VERSION_OFFSET)
@example(name="Walk", who="Dad", frequency="Weekly", description="a\x00b", reason="r", stopped=True, offset=0)
@example(name="Walk", who="Dad", frequency="Weekly", description="", reason="r\x00", stopped=True, offset=0)
@example(name="Walk\x00", who="Dad", frequency="Weekly", description="", reason="r", stopped=False, offset=0)
def test_update_intervention_saves_exactly_or_refuses(plan_rows, name, who, frequency, description, reason, stopped, offset):
    engine, case_id, therapist, ids, warmth, _ = plan_rows
    before = row(engine, Intervention, ids["intervention"])
    fields = InterventionInput(type="warmth_building", name=name, who=who, frequency=frequency, start_week=20, end_week=26,
                               status="stopped" if stopped else "active", stop_reason=reason, driver_ids=(warmth,),
                               description=description)
    saved = attempt(
        "test_update_intervention_saves_exactly_or_refuses",
        lambda: run(engine, plan_services.update_intervention, therapist, case_id, ids["intervention"], fields,
                    version=before["version"] + offset),
        lambda: row(engine, Intervention, ids["intervention"]), may_refuse=(InvalidInput, StaleEdit),
    )
    if saved:
        after = row(engine, Intervention, ids["intervention"])
        assert offset == 0 and after["version"] == before["version"] + 1
        texts = (after["name"], after["who"], after["frequency"], after["description"])
        assert texts == stripped(name, who, frequency, description)
        assert after["stop_reason"] == (reason.strip() if stopped else None)


@PROPERTY
@given(outcome=FIELD, who=FIELD, offset=VERSION_OFFSET)
@example(outcome="Calm\x00", who="Dad", offset=0)
@example(outcome="Calm", who="Dad\x00", offset=0)
def test_update_outcome_saves_exactly_or_refuses(plan_rows, outcome, who, offset):
    engine, case_id, therapist, ids, _, _ = plan_rows
    before = row(engine, DesiredOutcome, ids["outcome"])
    saved = attempt(
        "test_update_outcome_saves_exactly_or_refuses",
        lambda: run(engine, plan_services.update_outcome, therapist, case_id, ids["outcome"],
                    OutcomeInput(outcome=outcome, who=who),
                    version=before["version"] + offset),
        lambda: row(engine, DesiredOutcome, ids["outcome"]), may_refuse=(InvalidInput, StaleEdit),
    )
    if saved:
        after = row(engine, DesiredOutcome, ids["outcome"])
        assert offset == 0 and (after["outcome"], after["who"]) == stripped(outcome, who)


@PROPERTY
@given(text=FIELD, criterion=FIELD, family=FIELD, levels=st.one_of(st.just(()), st.just(()), st.tuples(*[FIELD] * 5)),
       weight=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6),
                        st.sampled_from([1, 0.5, 2.5, 100]), st.sampled_from([1, 3])),
       offset=VERSION_OFFSET)
@example(text="t\x00", criterion="c", family="f", levels=(), weight=1, offset=0)
@example(text="t", criterion="c\x00", family="f", levels=(), weight=1, offset=0)
@example(text="t", criterion="c", family="f\x00", levels=(), weight=1, offset=0)
@example(text="t", criterion="c", family="f", levels=("a\x00", "b", "c", "d", "e"), weight=1, offset=0)
def test_update_goal_saves_exactly_or_refuses(plan_rows, text, criterion, family, levels, weight, offset):
    engine, case_id, therapist, ids, _, _ = plan_rows
    before = row(engine, Goal, ids["goal"])
    fields = GoalInput(text=text, criterion=criterion, family_wording=family, gas_weight=weight, gas_levels=levels)
    saved = attempt(
        "test_update_goal_saves_exactly_or_refuses",
        lambda: run(engine, plan_services.update_goal, therapist, case_id, ids["goal"], fields,
                    version=before["version"] + offset),
        lambda: row(engine, Goal, ids["goal"]), may_refuse=(InvalidInput, StaleEdit),
    )
    if saved:
        after = row(engine, Goal, ids["goal"])
        assert offset == 0 and (after["text"], after["criterion"], after["family_wording"]) == stripped(text, criterion, family)
        assert after["gas_weight"] == float(weight)
        expected_levels = list(stripped(*levels)) if any(x.strip() for x in levels) else []
        assert (json.loads(after["gas_levels"]) if after["gas_levels"] else []) == expected_levels


@PROPERTY
@given(week=st.one_of(st.integers(), st.integers(-2, 40)), score=st.one_of(st.integers(), st.integers(-3, 3)))
def test_score_gas_saves_exactly_or_refuses(plan_rows, week, score):
    engine, case_id, therapist, ids, _, _ = plan_rows

    def scores():
        with unit_of_work(engine) as session:
            return sorted((s.week, s.score) for s in session.exec(select(GasScore).where(GasScore.goal_id == ids["goal"])).all())

    saved = attempt(
        "test_score_gas_saves_exactly_or_refuses",
        lambda: run(engine, plan_services.score_gas, therapist, case_id, ids["goal"], week=week, score=score),
        lambda: (scores(), row(engine, Goal, ids["goal"])),
    )
    if saved:
        assert 1 <= week <= 30 and -2 <= score <= 2 and (week, score) in scores()


@PROPERTY
@given(rule=FIELD, responsible=FIELD, setting=st.one_of(st.sampled_from(SETTINGS), st.sampled_from(SETTINGS), TEXT),
       offset=VERSION_OFFSET, archive_offset=VERSION_OFFSET)
@example(rule="r\x00", responsible="Dad", setting="home", offset=0, archive_offset=0)
@example(rule="r", responsible="Dad\x00", setting="home", offset=0, archive_offset=0)
def test_update_and_archive_rule_save_exactly_or_refuse(plan_rows, rule, responsible, setting, offset, archive_offset):
    engine, case_id, therapist, ids, _, supervision = plan_rows
    before = row(engine, SafetyRule, ids["rule"])
    if before["archived_at"] is not None:  # an earlier example archived it: start again from a new rule
        ids["rule"] = run(engine, plan_services.add_rule, therapist, case_id, RuleInput(
            setting="home", rule="An adult is in the room when cousins visit", responsible="Dad", driver_ids=(supervision,)))
        before = row(engine, SafetyRule, ids["rule"])
    fields = RuleInput(setting=setting, rule=rule, responsible=responsible, driver_ids=(supervision,))
    saved = attempt(
        "test_update_and_archive_rule_save_exactly_or_refuse",
        lambda: run(engine, plan_services.update_rule, therapist, case_id, ids["rule"], fields,
                    version=before["version"] + offset),
        lambda: row(engine, SafetyRule, ids["rule"]), may_refuse=(InvalidInput, StaleEdit),
    )
    if not saved:
        return
    after = row(engine, SafetyRule, ids["rule"])
    assert offset == 0 and (after["setting"], after["rule"], after["responsible"]) == (setting, *stripped(rule, responsible))
    archived = attempt(
        "test_update_and_archive_rule_save_exactly_or_refuse",
        lambda: run(engine, plan_services.archive_rule, therapist, case_id, ids["rule"],
                    version=after["version"] + archive_offset),
        lambda: row(engine, SafetyRule, ids["rule"]), may_refuse=(StaleEdit,),
    )
    assert archived == (archive_offset == 0)


# --------------------------------------------------------------------------- phases, amendments, accounts


@PROPERTY
@given(engagement=WEEKS, generalisation=WEEKS,
       offset=VERSION_OFFSET)
def test_set_phase_lengths_saves_exactly_or_refuses(leon, engagement, generalisation, offset):
    engine, case_id, therapist = leon
    before = row(engine, Case, case_id)
    saved = attempt(
        "test_set_phase_lengths_saves_exactly_or_refuses",
        lambda: run(engine, case_progress.set_phase_lengths, therapist, case_id, engagement=engagement,
                    generalisation=generalisation, version=before["version"] + offset),
        lambda: row(engine, Case, case_id), may_refuse=(InvalidInput, StaleEdit),
    )
    if saved:
        after = row(engine, Case, case_id)
        assert offset == 0 and engagement >= 1 and generalisation >= 1 and engagement + generalisation <= 29
        assert (after["phase_engagement_weeks"], after["phase_generalisation_weeks"]) == (engagement, generalisation)


@SLOW_PROPERTY
@given(review_id=st.one_of(st.integers(-5, 10**6), st.just(None), st.just(None)))
def test_start_amendment_opens_a_faithful_draft_or_refuses(leon, review_id):
    engine, case_id, therapist = leon
    with unit_of_work(engine) as session:
        submitted = session.exec(select(WeeklyReview).where(WeeklyReview.case_id == case_id, WeeklyReview.status == "submitted",
                                                            WeeklyReview.week == 5)).first()
        target = submitted.id if review_id is None else review_id

    def drafts():
        with unit_of_work(engine) as session:
            return [r.model_dump() for r in session.exec(select(WeeklyReview).where(WeeklyReview.status == "draft")).all()]

    state = []
    saved = attempt(
        "test_start_amendment_opens_a_faithful_draft_or_refuses",
        lambda: state.append(run(engine, weekly_review.start_amendment, therapist, case_id, target, today=TODAY)),
        drafts, may_refuse=(NotFound, StaleEdit),
    )
    if saved:
        draft = row(engine, WeeklyReview, state[0].review_id)
        original = row(engine, WeeklyReview, draft["amends_review_id"])
        assert original["case_id"] == case_id and original["status"] == "submitted"
        assert {f: draft[f] for f in weekly_review.TEXT_FIELDS} == {f: original[f] for f in weekly_review.TEXT_FIELDS}


@SLOW_PROPERTY
@given(active=st.booleans(), offset=VERSION_OFFSET, who=st.sampled_from(["therapist2", "family", "supervisor2", "admin"]))
def test_set_active_saves_exactly_or_refuses(demo_engine, active, offset, who):
    admin = person(demo_engine, "admin")
    with unit_of_work(demo_engine) as session:
        account_id = session.exec(select(User.id).where(User.username == who)).one()
    before = row(demo_engine, User, account_id)
    saved = attempt(
        "test_set_active_saves_exactly_or_refuses",
        lambda: run(demo_engine, account_admin.set_active, admin, account_id, active=active, version=before["version"] + offset),
        lambda: row(demo_engine, User, account_id), may_refuse=(StaleEdit, account_admin.AccountRuleError),
    )
    if saved:
        after = row(demo_engine, User, account_id)
        assert offset == 0 and after["active"] is active and after["version"] == before["version"] + 1


@SLOW_PROPERTY
@given(revoke=st.booleans(), offset=VERSION_OFFSET)
def test_reset_and_revoke_family_login_save_exactly_or_refuse(demo_engine, revoke, offset):
    therapist = person(demo_engine, "therapist")
    with unit_of_work(demo_engine) as session:
        leon = session.exec(select(Case.id).where(Case.alias == "Leon")).one()
        account_id = session.exec(select(User.id).where(User.username == "family")).one()
    before = row(demo_engine, User, account_id)
    issued = []

    def call():
        with unit_of_work(demo_engine) as session:
            if revoke:
                family_accounts.revoke_family_login(session, therapist, leon, version=before["version"] + offset)
            else:
                issued.append(family_accounts.reset_family_password(session, therapist, leon, version=before["version"] + offset))

    saved = attempt("test_reset_and_revoke_family_login_save_exactly_or_refuse", call,
                    lambda: row(demo_engine, User, account_id), may_refuse=(InvalidInput, StaleEdit))
    if saved:
        after = row(demo_engine, User, account_id)
        assert offset == 0 and after["version"] == before["version"] + 1
        assert after["active"] is (not revoke)
        if not revoke:
            assert issued[0].username == "family" and after["password_hash"] != before["password_hash"]
    else:
        assert offset != 0 or (revoke and not before["active"])


@SLOW_PROPERTY
@given(username=st.one_of(TEXT, USERNAME, USERNAME), display_name=FIELD, password=FIELD)
@example(username="nul.user", display_name="N\x00", password="long enough password")
@example(username="nul.user2", display_name="Nul", password="pass\x00word12")
def test_create_user_saves_exactly_or_refuses(engine, username, display_name, password):
    name = "test_create_user_saves_exactly_or_refuses"

    def accounts():
        with unit_of_work(engine) as session:
            return [u.model_dump() for u in session.exec(select(User)).all()]

    made = []

    def create():
        account = UserCreate(username=username, display_name=display_name, role="therapist")
        with unit_of_work(engine) as session:
            made.append(create_user(session, account, password).id)

    if not attempt(name, create, accounts, may_refuse=(ValidationError, AccountError)):
        return
    saved = row(engine, User, made[0])
    assert saved["username"] == username
    assert saved["display_name"] == UserCreate(username="x1", display_name=display_name, role="admin").display_name
    assert saved["password_hash"].startswith("$argon2id$") and password not in saved["password_hash"]


@SLOW_PROPERTY
@given(username=TEXT, password=TEXT)
@example(username="thera\x00pist", password=DEMO_PASSWORD)
def test_sign_in_with_any_text_fails_the_same_way(demo_engine, username, password):
    """Not a create service, but the one form anyone can reach: any text is a plain failure, never a crash."""
    TRIED["test_sign_in_with_any_text_fails_the_same_way"] += 1
    with unit_of_work(demo_engine) as session:
        result = sign_in(session, username, password, now=datetime.now(UTC))
    assert result.principal is None
    REFUSED["test_sign_in_with_any_text_fails_the_same_way"] += 1


def test_a_nul_character_in_the_user_name_is_a_plain_failure(demo_engine):
    """Regression: sign_in once passed the name as typed to the throttle query and the audit row, and
    PostgreSQL refuses NUL in text (a crash, not the usual answer)."""
    with unit_of_work(demo_engine) as session:
        result = sign_in(session, "thera\x00pist", DEMO_PASSWORD, now=datetime.now(UTC))
    assert result.principal is None


# --------------------------------------------------------------------------- supervision


def _stores(text: str) -> bool:
    """What the supervision forms accept: C0 control characters and DEL cannot be stored (PostgreSQL refuses NUL)."""
    return not any((ord(ch) < 32 and ch not in "\n\r\t") or ch == "\x7f" for ch in text)


def leon_comments(engine, case_id) -> list[dict]:
    with unit_of_work(engine) as session:
        rows = session.exec(select(Comment).where(Comment.case_id == case_id).order_by(Comment.id)).all()
        return [r.model_dump() for r in rows]


@pytest.fixture
def supervised(leon):
    """Leon's case with his team's supervisor, a live driver and a submitted review a comment may be pinned to."""
    engine, case_id, therapist = leon
    with unit_of_work(engine) as session:
        review_id = session.exec(select(WeeklyReview.id).where(
            WeeklyReview.case_id == case_id, WeeklyReview.status == "submitted")).first()
        other_goal = session.exec(select(Goal.id).where(Goal.case_id != case_id)).first()
    return engine, case_id, therapist, person(engine, "supervisor"), {
        "driver": live_driver_id(engine, case_id, WARMTH), "review": review_id, "other_goal": other_goal}


@PROPERTY
@given(body=st.one_of(TEXT, FRIENDLY), pin=st.sampled_from(["case", "case", "driver", "review", "other case", "no id",
                                                            "any id", "any subject"]),
       any_id=ANY_ID, any_subject=TEXT)
@example(body="Bring the safety plan \x00 on Thursday", pin="case", any_id=1, any_subject="")
@example(body="x" * 2000, pin="driver", any_id=1, any_subject="")
@example(body="x" * 2001, pin="case", any_id=1, any_subject="")
@example(body="<script>alert(1)</script> '; DROP TABLE comment; --", pin="review", any_id=1, any_subject="")
def test_add_comment_saves_exactly_or_refuses(supervised, body, pin, any_id, any_subject):
    engine, case_id, _, supervisor, ids = supervised
    subject, subject_id = {
        "case": ("case", None), "driver": ("driver", ids["driver"]), "review": ("review", ids["review"]),
        "other case": ("goal", ids["other_goal"]), "no id": ("driver", None), "any id": ("intervention", any_id),
        "any subject": (any_subject, None),
    }[pin]
    made = []
    saved = attempt(
        "test_add_comment_saves_exactly_or_refuses",
        lambda: made.append(run(engine, supervision.add_comment, supervisor, case_id, subject, subject_id, body)),
        lambda: leon_comments(engine, case_id),
    )
    body_ok = bool(body.strip()) and len(body) <= supervision.MAX_COMMENT and _stores(body)
    subject_ok = pin in ("case", "driver", "review")
    assert saved == (body_ok and subject_ok), (pin, body_ok)
    if saved:
        stored = row(engine, Comment, made[0])
        assert (stored["body"], stored["subject"], stored["subject_id"]) == (body, subject, subject_id)
        assert (stored["case_id"], stored["author_id"], stored["status"], stored["version"]) == \
            (case_id, supervisor.id, "open", 1)


@PROPERTY
@given(address_offset=ANY_OFFSET, reopen_offset=ANY_OFFSET, again_offset=ANY_OFFSET, comment_id=st.one_of(st.none(), ANY_ID))
def test_mark_addressed_and_reopen_comment_save_or_refuse_stale(supervised, address_offset, reopen_offset, again_offset,
                                                               comment_id):
    """Any version (and any comment id, as a tampered form could send): saved only with the current version of
    a comment of this case; otherwise StaleEdit (or AccessDenied for an id not in reach), nothing changed."""
    name = "test_mark_addressed_and_reopen_comment_save_or_refuse_stale"
    engine, case_id, therapist, supervisor, _ = supervised
    own = run(engine, supervision.add_comment, supervisor, case_id, "case", None, "Bring the safety plan on Thursday")
    target = own if comment_id is None else comment_id
    with unit_of_work(engine) as session:
        found = session.get(Comment, target)
        # A comment on any case the therapist holds is theirs to mark; any other id is refused like a hidden one.
        reachable = found is not None and session.get(Case, found.case_id).therapist_id == therapist.id
        version = found.version if found is not None else 1
        open_now = found is not None and found.status == "open"

    addressed = attempt(name, lambda: run(engine, supervision.mark_addressed, therapist, target, version + address_offset),
                        lambda: leon_comments(engine, case_id), may_refuse=(StaleEdit, AccessDenied))
    assert addressed == (reachable and open_now and address_offset == 0)
    if target != own:
        return
    if addressed:
        stored = row(engine, Comment, own)
        assert (stored["status"], stored["addressed_by"], stored["version"]) == ("addressed", therapist.id, 2)
        assert stored["addressed_at"] is not None
    current = row(engine, Comment, own)
    reopened = attempt(name, lambda: run(engine, supervision.reopen_comment, supervisor, own,
                                         current["version"] + reopen_offset),
                       lambda: leon_comments(engine, case_id), may_refuse=(StaleEdit,))
    assert reopened == (addressed and reopen_offset == 0)
    if reopened:
        stored = row(engine, Comment, own)
        assert (stored["status"], stored["addressed_by"], stored["addressed_at"]) == ("open", None, None)
        assert stored["version"] == 3
    # Marking addressed twice, or with a version from before the last change, is refused.
    current = row(engine, Comment, own)
    again = attempt(name, lambda: run(engine, supervision.mark_addressed, therapist, own, current["version"] + again_offset),
                    lambda: leon_comments(engine, case_id), may_refuse=(StaleEdit,))
    assert again == (current["status"] == "open" and again_offset == 0)


def leon_reviews(engine, case_id) -> list[dict]:
    with unit_of_work(engine) as session:
        rows = session.exec(select(WeeklyReview).where(WeeklyReview.case_id == case_id).order_by(WeeklyReview.id)).all()
        return [r.model_dump() for r in rows]


@PROPERTY
@given(pick=st.sampled_from(["fresh", "fresh", "fresh", "signed", "draft", "amended", "any id"]), any_id=ANY_ID,
       offset=ANY_OFFSET)
def test_sign_off_review_saves_or_refuses(supervised, pick, any_id, offset):
    """A submitted, unsigned, unamended review of the case with its current version is signed off; anything else
    (a draft, a signed or amended review, a stale version, an id out of reach) is refused and changes nothing."""
    engine, case_id, _, supervisor, _ = supervised
    with unit_of_work(engine) as session:  # a new review of each kind, so every example has its own
        fresh = WeeklyReview(case_id=case_id, week=23, status="submitted", advances="Calmer evenings")
        signed = WeeklyReview(case_id=case_id, week=22, status="submitted", signed_off_at=datetime.now(UTC),
                              signed_off_by=supervisor.id)
        draft = WeeklyReview(case_id=case_id, week=24, status="draft")
        session.add_all([fresh, signed, draft])
        session.flush()
        session.add(WeeklyReview(case_id=case_id, week=23, status="submitted", amends_review_id=fresh.id)
                    if pick == "amended" else fresh)
        targets = {"fresh": fresh.id, "signed": signed.id, "draft": draft.id, "amended": fresh.id, "any id": any_id}
    target = targets[pick]
    found = row(engine, WeeklyReview, target)
    version = found["version"] if found else 1
    saved = attempt(
        "test_sign_off_review_saves_or_refuses",
        lambda: run(engine, supervision.sign_off_review, supervisor, target, version + offset),
        lambda: leon_reviews(engine, case_id), may_refuse=(InvalidInput, StaleEdit, AccessDenied),
    )
    if pick == "any id" and found is not None:  # any review of the supervisor's team may be the one the id names
        team_case = row(engine, Case, found["case_id"])["team_id"] == supervisor.team_id
        with unit_of_work(engine) as session:
            amended = session.exec(select(WeeklyReview.id).where(
                WeeklyReview.amends_review_id == target, WeeklyReview.status == "submitted")).first() is not None
        signable = team_case and found["status"] == "submitted" and found["signed_off_at"] is None and not amended
    else:
        signable = pick == "fresh"
    assert saved == (signable and offset == 0)
    if saved:
        after = row(engine, WeeklyReview, target)
        assert after["signed_off_by"] == supervisor.id and after["signed_off_at"] is not None
        assert after["version"] == version + 1
        assert {k: v for k, v in after.items() if k not in ("signed_off_by", "signed_off_at", "version")} == \
            {k: v for k, v in found.items() if k not in ("signed_off_by", "signed_off_at", "version")}


@PROPERTY
@given(reason=st.one_of(FIELD, TEXT), to=st.sampled_from(["therapist2", "a.kowalski", "holder", "supervisor", "m.osei",
                                                          "family", "any id"]),
       any_id=ANY_ID, offset=ANY_OFFSET)
@example(reason="Leave \x00", to="therapist2", any_id=1, offset=0)
@example(reason="  Priya is on leave  ", to="a.kowalski", any_id=1, offset=0)
@example(reason="x" * 501, to="therapist2", any_id=1, offset=0)
def test_reassign_case_saves_exactly_or_refuses(supervised, reason, to, any_id, offset):
    """Any reason and target: the case moves with the reason saved exactly (trimmed) and one history row per
    reassignment (two the first time: the original holder is written down too), or it is refused and nothing moves."""
    engine, case_id, _, supervisor, _ = supervised
    with unit_of_work(engine) as session:
        case = session.get(Case, case_id)
        holder, version = case.therapist_id, case.version
        ids = dict(session.exec(select(User.username, User.id)).all())
    target = {"holder": holder, "any id": any_id}.get(to, ids.get(to))
    found = row(engine, User, target)

    def history():
        with unit_of_work(engine) as session:
            return [r.model_dump() for r in session.exec(
                select(CaseAssignment).where(CaseAssignment.case_id == case_id).order_by(CaseAssignment.id)).all()]

    before = history()
    saved = attempt(
        "test_reassign_case_saves_exactly_or_refuses",
        lambda: run(engine, supervision.reassign_case, supervisor, case_id, target, reason, version + offset),
        lambda: (row(engine, Case, case_id), history()), may_refuse=(InvalidInput, StaleEdit),
    )
    clean = reason.strip()
    target_ok = (found is not None and found["role"] == "therapist" and found["active"]
                 and found["team_id"] == supervisor.team_id and target != holder)
    assert saved == (target_ok and bool(clean) and len(clean) <= supervision.MAX_REASON and _stores(clean)
                     and offset == 0)
    if not saved:
        return
    after, rows = row(engine, Case, case_id), history()
    assert (after["therapist_id"], after["version"]) == (target, version + 1)
    assert rows[: len(before)] == before and len(rows) == len(before) + (1 if before else 2)
    if not before:
        assert (rows[0]["therapist_id"], rows[0]["assigned_by"], rows[0]["reason"]) == (holder, None, "")
    assert (rows[-1]["therapist_id"], rows[-1]["assigned_by"], rows[-1]["reason"]) == (target, supervisor.id, clean)


# --------------------------------------------------------------------------- two-step sign-in


def test_a_nul_character_in_a_reset_two_step_name_is_no_such_account(demo_engine):
    """Regression: reset_two_step passed the name as typed to the account query, and PostgreSQL refuses NUL in
    text (a DataError instead of the command's usual 'there is no account called ...')."""
    with pytest.raises(AccountError, match="There is no account called"), unit_of_work(demo_engine) as session:
        reset_two_step(session, "thera\x00pist")


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "１２３４５６", "12345٦"])
def test_digits_of_other_scripts_are_a_wrong_code_not_a_crash(demo_engine, code):
    """Regression: the code pattern was \\d{6}, which matches Arabic-Indic and full-width digits too, and
    hmac.compare_digest raises TypeError for non-ASCII text: confirming (and the sign-in's second step) crashed."""
    _switch_two_step_off(demo_engine, "therapist")
    therapist = person(demo_engine, "therapist")
    run(demo_engine, two_factor.begin_enrolment, therapist)
    with pytest.raises(InvalidInput) as refused:
        run(demo_engine, two_factor.confirm_enrolment, therapist, code)
    kind_message(refused.value)
    assert account_row(demo_engine, "therapist")["totp_enabled_at"] is None


def _switch_two_step_off(engine, username: str) -> None:
    with unit_of_work(engine) as session:
        account = session.exec(select(User).where(User.username == username)).one()
        account.totp_secret = account.totp_enabled_at = account.totp_last_step = None
        session.add(account)
        throttle = session.get(SignInThrottle, username)
        if throttle is not None:
            session.delete(throttle)


def account_row(engine, username: str) -> dict:
    with unit_of_work(engine) as session:
        return session.exec(select(User).where(User.username == username)).one().model_dump()


@SLOW_PROPERTY
@given(username=st.one_of(TEXT, st.sampled_from(["therapist2", "  Therapist2 ", "THERAPIST2", "therapist", "nobody",
                                                  "therapist2\x00", "\x00"])))
@example(username="therapist2\x00")
@example(username="thera\x00pist2")
def test_reset_two_step_saves_or_refuses_any_user_name(demo_engine, username):
    """The administrator's command with any name typed: switches two-step off for that account only, or says
    there is no such account (or it is not on) with an AccountError the command line prints; never a crash."""
    with unit_of_work(demo_engine) as session:  # two-step on for therapist2 before each example
        account = session.exec(select(User).where(User.username == "therapist2")).one()
        account.totp_secret, account.totp_enabled_at, account.totp_last_step = pyotp.random_base32(), datetime.now(UTC), 7
        session.add(account)

    def accounts():
        with unit_of_work(demo_engine) as session:
            return [u.model_dump() for u in session.exec(select(User).order_by(User.id)).all()]

    before = accounts()
    saved = attempt("test_reset_two_step_saves_or_refuses_any_user_name",
                    lambda: run(demo_engine, reset_two_step, username), accounts, may_refuse=(AccountError,))
    assert saved == (username.strip().lower() == "therapist2")
    if saved:
        after = accounts()
        changed = [(b["username"], a) for b, a in zip(before, after, strict=True) if a != b]
        assert [name for name, _ in changed] == ["therapist2"]
        assert (changed[0][1]["totp_secret"], changed[0][1]["totp_enabled_at"], changed[0][1]["totp_last_step"]) == \
            (None, None, None)


@SLOW_PROPERTY
@given(code=CODES, right=st.sampled_from([False, False, False, "plain", "spaced"]), off_code=CODES)
@example(code="12345\x00", right=False, off_code="\x00")
@example(code="9" * 10_000, right=False, off_code="9" * 10_000)
def test_two_step_enrolment_with_any_code_is_refused_kindly_or_switched_on(demo_engine, code, right, off_code):
    """begin, confirm and cancel enrolment with any code typed: only a right code switches two-step sign-in
    on; any other text is refused with a message (never another exception), and a refused code changes nothing."""
    name = "test_two_step_enrolment_with_any_code_is_refused_kindly_or_switched_on"
    _switch_two_step_off(demo_engine, "therapist")
    therapist = person(demo_engine, "therapist")
    now = datetime.now(UTC)
    issued = []
    assert attempt(name, lambda: issued.append(run(demo_engine, two_factor.begin_enrolment, therapist)),
                   lambda: account_row(demo_engine, "therapist"))
    secret = issued[0].secret
    assert account_row(demo_engine, "therapist")["totp_secret"] == secret
    if right:
        good = pyotp.TOTP(secret).at(now)
        code = good if right == "plain" else f" {good[:3]} {good[3:]} "
    on = attempt(name, lambda: run(demo_engine, two_factor.confirm_enrolment, therapist, code, now=now),
                 lambda: account_row(demo_engine, "therapist"))
    account = account_row(demo_engine, "therapist")
    assert on == bool(right) == (account["totp_enabled_at"] is not None)
    assert account["totp_secret"] == secret  # a wrong code keeps the secret issued; a right one keeps it too

    # Beginning again replaces an unconfirmed secret; once on, it is refused ("switch it off first").
    again = attempt(name, lambda: issued.append(run(demo_engine, two_factor.begin_enrolment, therapist)),
                    lambda: account_row(demo_engine, "therapist"))
    assert again == (not on)
    # Cancelling forgets an unconfirmed secret and leaves a switched-on one alone.
    assert attempt(name, lambda: run(demo_engine, two_factor.cancel_enrolment, therapist),
                   lambda: account_row(demo_engine, "therapist"))
    account = account_row(demo_engine, "therapist")
    assert (account["totp_secret"] is None) == (not on) and (account["totp_enabled_at"] is not None) == on
    if on:  # switching off with any other text is refused too, and leaves it on
        assume(off_code.replace(" ", "").replace("-", "") != pyotp.TOTP(secret).at(now))
        refused = not attempt(name, lambda: run(demo_engine, two_factor.disable, therapist, off_code, now=now),
                              lambda: account_row(demo_engine, "therapist"))
        assert refused and account_row(demo_engine, "therapist")["totp_enabled_at"] is not None
    _switch_two_step_off(demo_engine, "therapist")


# --------------------------------------------------------------------------- the registry

# A write service is a public function whose name starts with one of these verbs.
WRITE_VERBS = re.compile(
    r"^(create|update|add|set|record|save|submit|publish|archive|restore|score|reset|revoke|start|mark|sign|reassign"
    r"|import|confirm|begin|disable|cancel|reopen)_"
)

HERE = "tests/integration/test_property_inputs.py"
REGISTRY = {
    "planner.fit_circle.add_driver":
        "tests/integration/test_fit_circle.py::test_any_text_is_saved_exactly_or_refused_with_a_message",
    "planner.fit_circle.update_driver": f"{HERE}::test_update_driver_saves_exactly_or_refuses",
    "planner.fit_circle.archive_driver": f"{HERE}::test_archive_and_restore_driver_save_exactly_or_refuse",
    "planner.fit_circle.restore_driver": f"{HERE}::test_archive_and_restore_driver_save_exactly_or_refuse",
    "planner.fit_circle.add_link": f"{HERE}::test_add_and_archive_link_save_exactly_or_refuse",
    "planner.fit_circle.archive_link": f"{HERE}::test_add_and_archive_link_save_exactly_or_refuse",
    "planner.plan.add_intervention": "tests/integration/test_plan.py::test_intervention_text_is_saved_exactly_or_refused",
    "planner.plan.update_intervention": f"{HERE}::test_update_intervention_saves_exactly_or_refuses",
    "planner.plan.add_outcome": "tests/integration/test_plan.py::test_outcome_text_is_saved_exactly_or_refused",
    "planner.plan.update_outcome": f"{HERE}::test_update_outcome_saves_exactly_or_refuses",
    "planner.plan.add_goal": "tests/integration/test_plan.py::test_goal_text_is_saved_exactly_or_refused",
    "planner.plan.update_goal": f"{HERE}::test_update_goal_saves_exactly_or_refuses",
    "planner.plan.score_gas": f"{HERE}::test_score_gas_saves_exactly_or_refuses",
    "planner.plan.add_rule": "tests/integration/test_plan.py::test_rule_text_is_saved_exactly_or_refused",
    "planner.plan.update_rule": f"{HERE}::test_update_and_archive_rule_save_exactly_or_refuse",
    "planner.plan.archive_rule": f"{HERE}::test_update_and_archive_rule_save_exactly_or_refuse",
    "planner.weekly_review.save_draft":
        "tests/integration/test_weekly_review.py::test_any_review_text_is_saved_exactly_or_refused_with_a_message",
    "planner.weekly_review.submit_review":
        "tests/integration/test_weekly_review.py::test_any_review_text_is_saved_exactly_or_refused_with_a_message",
    "planner.weekly_review.start_amendment": f"{HERE}::test_start_amendment_opens_a_faithful_draft_or_refuses",
    "planner.family.publish_family_summary":
        "tests/integration/test_family.py::test_any_message_is_published_exactly_or_refused_with_a_reason",
    "planner.family_accounts.create_family_login":
        "tests/integration/test_family.py::test_any_user_name_is_saved_as_typed_or_refused_with_a_reason",
    "planner.family_accounts.reset_family_password": f"{HERE}::test_reset_and_revoke_family_login_save_exactly_or_refuse",
    "planner.family_accounts.revoke_family_login": f"{HERE}::test_reset_and_revoke_family_login_save_exactly_or_refuse",
    "planner.account_admin.set_active": f"{HERE}::test_set_active_saves_exactly_or_refuses",
    "planner.case_progress.set_phase_lengths": f"{HERE}::test_set_phase_lengths_saves_exactly_or_refuses",
    "planner.accounts.create_user": f"{HERE}::test_create_user_saves_exactly_or_refuses",
    "planner.accounts.sign_in": f"{HERE}::test_sign_in_with_any_text_fails_the_same_way",
    "planner.accounts.reset_two_step": f"{HERE}::test_reset_two_step_saves_or_refuses_any_user_name",
    "planner.fidelity.record_adherence":
        "tests/integration/test_fidelity.py::test_record_adherence_saves_exactly_or_refuses",
    "planner.case_transfer.import_case":
        "tests/integration/test_case_transfer.py::test_random_changes_are_imported_or_refused_never_crash",
    "planner.supervision.add_comment": f"{HERE}::test_add_comment_saves_exactly_or_refuses",
    "planner.supervision.mark_addressed": f"{HERE}::test_mark_addressed_and_reopen_comment_save_or_refuse_stale",
    "planner.supervision.reopen_comment": f"{HERE}::test_mark_addressed_and_reopen_comment_save_or_refuse_stale",
    "planner.supervision.sign_off_review": f"{HERE}::test_sign_off_review_saves_or_refuses",
    "planner.supervision.reassign_case": f"{HERE}::test_reassign_case_saves_exactly_or_refuses",
    "planner.two_factor.begin_enrolment":
        f"{HERE}::test_two_step_enrolment_with_any_code_is_refused_kindly_or_switched_on",
    "planner.two_factor.confirm_enrolment":
        f"{HERE}::test_two_step_enrolment_with_any_code_is_refused_kindly_or_switched_on",
    "planner.two_factor.cancel_enrolment":
        f"{HERE}::test_two_step_enrolment_with_any_code_is_refused_kindly_or_switched_on",
}

# Plumbing, not services a page calls with typed input.
NOT_SERVICES = {
    "planner.__main__", "planner.cli", "planner.demo", "planner.db", "planner.migrate", "planner.migrations",
    "planner.settings", "planner.models", "planner.access", "planner.guard", "planner.audit", "planner.versioned",
    "planner.errors", "planner.backup",
}


def _write_services() -> set[str]:
    found = set()
    for info in pkgutil.walk_packages(planner.__path__, "planner."):
        name = info.name
        if any(name == skip or name.startswith(skip + ".") for skip in NOT_SERVICES):
            continue
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if callable(value) and getattr(value, "__module__", None) == name and WRITE_VERBS.match(attr):
                found.add(f"{name}.{attr}")
    return found


def test_every_write_service_has_a_property_test():
    found = _write_services()
    assert found - set(REGISTRY) == set(), "new create/update services need a hypothesis property test registered here"
    assert set(REGISTRY) - found == set(), "the registry names services that no longer exist"
    for service, node in REGISTRY.items():
        path, test_name = node.split("::")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        test = getattr(module, test_name, None)
        assert test is not None and is_hypothesis_test(test), f"{service}: {node} is not a hypothesis test"
