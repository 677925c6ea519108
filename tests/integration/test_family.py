"""The family summary: the allow-list, publishing, what the family sees (and never sees), family logins.

`plant_markers` writes a unique marker into every restricted field of Leon's case (and a family-safe
marker into another case's summary); the page, PDF and browser tests reuse it.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, update
from sqlmodel import Session, select

from planner.access import AccessDenied
from planner.accounts import authenticate, load_principal, principal_for
from planner.db import unit_of_work
from planner.errors import InvalidInput, StaleEdit
from planner.family import (
    ALLOWED_COLUMNS,
    MAX_GRADE,
    FamilySummary,
    _columns,
    build_family_summary,
    family_page,
    preview_family_summary,
    publish_family_summary,
    published_family_summary,
    reading_grade,
)
from planner.family_accounts import (
    WORDS,
    create_family_login,
    family_login,
    generate_family_password,
    reset_family_password,
    revoke_family_login,
    suggested_username,
)
from planner.guard import NotFound
from planner.models import (
    AdherenceScore,
    AuditEvent,
    Case,
    Comment,
    DesiredOutcome,
    Driver,
    DriverLink,
    FamilyAccess,
    FamilySummarySnapshot,
    Goal,
    Intervention,
    Participant,
    ReferralBehaviour,
    SafetyRule,
    User,
    WeeklyReview,
)
from planner.reports.family_pdf import family_summary_pdf
from planner.reports.readability import fk_grade
from tests.conftest import TODAY
from tests.helpers import case_id, person

pytestmark = pytest.mark.db

# Letters and digits only, so no escaping (markdown, JSON, protobuf, PDF) can hide one from a search.
RESTRICTED = "MARKERx7f3ax"  # every restricted marker starts with this
FAMILY_OK = "FAMILYOKx7f3ax"  # family-safe markers: they must show (proof that the search finds text)
ADHERENCE_MARKER = 0.6137
ARCHIVED_AT = datetime.combine(TODAY - timedelta(days=2), time(9), tzinfo=UTC)


# --------------------------------------------------------------------------- planting markers


@dataclass
class Planted:
    case_id: int
    other_case_id: int
    markers: list[str]  # every restricted marker planted
    fields: set[str]  # table.column (or kind of row) planted
    family_ok: list[str]  # family-safe markers that must appear on Leon's family summary
    other_case_marker: str  # family-safe for the other case, never for Leon's family


def _marker(label: str, n: int) -> str:
    return f"{RESTRICTED}{label}x{n}"


def plant_markers(session: Session, *, alias: str = "Leon", other_alias: str = "Kai") -> Planted:
    """Replace every restricted text of the case with a unique marker; add hypotheses, a ruled-out and
    an archived driver, an intermediary goal and an adherence score carrying markers too."""
    case_id = session.exec(select(Case.id).where(Case.alias == alias)).one()
    other_id = session.exec(select(Case.id).where(Case.alias == other_alias)).one()
    markers: list[str] = []
    fields: set[str] = set()

    def plant(model, columns: tuple[str, ...], label: str, json_columns: tuple[str, ...] = ()) -> None:
        rows = session.exec(select(model).where(model.case_id == case_id)).all()
        assert rows, f"{model.__tablename__}: nothing to plant in"
        for row in rows:
            for column in columns:
                value = _marker(f"{label}{column.upper().replace('_', '')}", row.id)
                markers.append(value)
                setattr(row, column, json.dumps({"note": value}) if column in json_columns else value)
                fields.add(f"{model.__tablename__}.{column}")
            session.add(row)

    plant(ReferralBehaviour, ("summary", "description", "frequency", "intensity", "duration"), "REFERRAL")
    for person in session.exec(select(Participant).where(Participant.case_id == case_id)).all():
        label = "VICTIM" if person.role == "victim" else "PERSON"
        person.name, person.relation = _marker(label + "NAME", person.id), _marker(label + "RELATION", person.id)
        markers += [person.name, person.relation]
        fields |= {f"participant.name ({person.role})", f"participant.relation ({person.role})"}
        session.add(person)
    plant(DesiredOutcome, ("who", "outcome"), "OUTCOME")
    plant(Driver, ("name", "description", "evidence_for", "evidence_against"), "DRIVER")
    plant(DriverLink, ("note",), "LINK")
    plant(Intervention, ("name", "description", "who", "frequency"), "INTERVENTION")
    plant(Goal, ("text", "criterion", "owner"), "GOAL")
    plant(
        WeeklyReview,
        ("advances", "barriers_therapist", "barriers_family", "barriers_system", "fit_update", "next_steps", "draft_json"),
        "REVIEW",
        json_columns=("draft_json",),
    )
    plant(SafetyRule, ("rule", "responsible"), "RULE")
    plant(Comment, ("body",), "COMMENT")

    # Drivers and goals whose family wording must never show: a hypothesis, a ruled-out driver, an
    # archived one (with its reason), and an intermediary goal's wording.
    therapist_id = session.exec(select(Case.therapist_id).where(Case.id == case_id)).one()
    extra = [
        Driver(case_id=case_id, name=_marker("HYPNAME", 1), system="family", kind="need", prioritised=True,
               status="hypothesised", family_wording=_marker("HYPOTHESISWORDING", 1), rating=6),
        Driver(case_id=case_id, name=_marker("HYPNAME", 2), system="school", kind="strength", status="hypothesised",
               family_wording=_marker("HYPOTHESISWORDING", 2)),
        Driver(case_id=case_id, name=_marker("RULEDOUTNAME", 1), system="peers", kind="need", prioritised=True,
               status="ruled_out", family_wording=_marker("RULEDOUTWORDING", 1)),
        Driver(case_id=case_id, name=_marker("ARCHIVEDNAME", 1), system="community", kind="strength", status="supported",
               family_wording=_marker("ARCHIVEDWORDING", 1), archived_at=ARCHIVED_AT, archived_by=therapist_id,
               archive_reason=_marker("ARCHIVEREASON", 1)),
    ]
    session.add_all(extra)
    markers += [d.name for d in extra] + [d.family_wording for d in extra] + [extra[3].archive_reason]
    fields |= {"driver.family_wording (hypothesis)", "driver.family_wording (ruled out)", "driver.family_wording (archived)",
               "driver.archive_reason"}
    weekly = session.exec(select(Goal).where(Goal.case_id == case_id, Goal.level == "intermediary").limit(3)).all()
    for goal in weekly:
        goal.family_wording = _marker("WEEKLYGOALWORDING", goal.id)
        markers.append(goal.family_wording)
        session.add(goal)
    fields.add("goal.family_wording (intermediary)")
    # The demo scores every month: overwrite this month's score with the marker.
    this_month = session.exec(
        select(AdherenceScore).where(AdherenceScore.case_id == case_id, AdherenceScore.month == TODAY.replace(day=1))
    ).first() or AdherenceScore(case_id=case_id, month=TODAY.replace(day=1), score=0.0)
    this_month.score, this_month.recorded_by = ADHERENCE_MARKER, therapist_id
    session.add(this_month)
    fields.add("adherence_score.score")

    # Family-safe markers: one strength's wording in Leon's case, and the other case's wording.
    strength = session.exec(
        select(Driver).where(Driver.case_id == case_id, Driver.kind == "strength", Driver.status == "supported",
                             Driver.archived_at.is_(None), Driver.family_wording != "").order_by(Driver.id)
    ).first()
    strength.family_wording = f"{FAMILY_OK}STRENGTH nearby helps"
    session.add(strength)
    other = f"{FAMILY_OK}OTHERCASEWORDING"
    other_strength = session.exec(
        select(Driver).where(Driver.case_id == other_id, Driver.kind == "strength", Driver.status == "supported")
    ).first()
    other_strength.family_wording = other
    session.add(other_strength)
    session.flush()
    return Planted(case_id, other_id, markers, fields, [strength.family_wording], other)


def publish_planted(engine, planted: Planted, message: str = f"Well done all of you. {FAMILY_OK}MESSAGE") -> None:
    """Publish Leon's and the other case's summaries after planting, as their therapists."""
    with unit_of_work(engine) as session:
        for case_id, msg in ((planted.case_id, message), (planted.other_case_id, "")):
            therapist = session.exec(select(User).join(Case, Case.therapist_id == User.id).where(Case.id == case_id)).one()
            publish_family_summary(session, principal_for(session, therapist), case_id, today=TODAY, message=msg)
    planted.family_ok.append(f"{FAMILY_OK}MESSAGE")


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(p.extract_text() for p in reader.pages) + "\n" + json.dumps({k: str(v) for k, v in (reader.metadata or {}).items()})


def leaks(text: str, planted: Planted | None = None) -> list[str]:
    """Restricted markers (and the adherence score, and the other case's words) found in `text`."""
    text = text.replace("\\", "")  # markdown escapes, should a marker ever gain punctuation
    found = re.findall(RESTRICTED + r"[A-Z]+x\d+", text)
    if str(ADHERENCE_MARKER) in text or "61.37" in text:
        found.append("adherence score")
    if RESTRICTED in text and not found:
        found.append("part of a marker")
    if planted is not None and planted.other_case_marker in text:
        found.append(planted.other_case_marker)
    return found


# --------------------------------------------------------------------------- helpers




@pytest.fixture
def planted(demo_engine) -> Planted:
    with unit_of_work(demo_engine) as session:
        result = plant_markers(session)
    publish_planted(demo_engine, result)
    return result


# --------------------------------------------------------------------------- the allow-list


def test_the_summary_reads_only_allow_listed_columns(demo_engine):
    statements: list[str] = []

    def capture(conn, cursor, statement, *args):
        statements.append(statement)

    leon = case_id(demo_engine, "Leon")
    event.listen(demo_engine, "before_cursor_execute", capture)
    try:
        with unit_of_work(demo_engine) as session:
            build_family_summary(session, leon, today=TODAY)
    finally:
        event.remove(demo_engine, "before_cursor_execute", capture)
    others = [s for s in statements if not s.lstrip().upper().startswith("SELECT")]
    assert all(re.match(r"\s*(BEGIN|COMMIT|ROLLBACK)", s, re.I) for s in others), others  # it only reads
    statements = [s for s in statements if s not in others]
    assert len(statements) == 4
    touched = {
        (table, column)
        for s in statements
        for table, column in re.findall(r'"?([a-z_]+)"?\."?([a-z_]+)"?', s.split(" FROM ")[0] + " " + " ".join(s.split(" FROM ")[1:]))
    }
    allowed = {(table, column) for table, columns in ALLOWED_COLUMNS.items() for column in columns}
    assert touched and touched <= allowed, touched - allowed
    tables = {t for s in statements for t in re.findall(r'FROM "?([a-z_]+)"?', s)}
    assert tables <= set(ALLOWED_COLUMNS), tables


def test_a_column_off_the_list_cannot_be_read():
    with pytest.raises(LookupError, match="driver.name"):
        _columns(Driver, "family_wording", "name")
    for table in ("referral_behaviour", "participant", "comment", "weekly_review", "safety_rule", "adherence_score"):
        assert table not in ALLOWED_COLUMNS
    assert not {"name", "description", "evidence_for", "evidence_against"} & set(ALLOWED_COLUMNS["driver"])
    assert not {"text", "criterion", "owner"} & set(ALLOWED_COLUMNS["goal"])


def test_nothing_restricted_reaches_the_family(planted, demo_engine):
    family = person(demo_engine, "family")
    assert len(planted.markers) > 300 and len(planted.fields) >= 40
    with unit_of_work(demo_engine) as session:
        raw = session.exec(
            select(FamilySummarySnapshot.content_json)
            .where(FamilySummarySnapshot.case_id == planted.case_id)
            .order_by(FamilySummarySnapshot.id.desc())
        ).first()
        seen = published_family_summary(session, family, planted.case_id)
        pdf = family_summary_pdf(session, family, planted.case_id)
        audit_rows = session.exec(select(AuditEvent)).all()
    page = family_page(seen.summary, shared_on=seen.shared_on).text()
    places = {"snapshot JSON": raw, "summary": repr(seen), "page words": page, "PDF": pdf_text(pdf),
              "audit trail": "\n".join(repr(a) for a in audit_rows)}
    for place, text in places.items():
        assert leaks(text, planted) == [], place
    for ok in planted.family_ok:  # the search does find what is meant to show
        assert ok in raw and ok in page and ok in places["PDF"].replace("\n", " ")
    print(f"\n{len(planted.markers)} markers in {len(planted.fields)} restricted fields; none in {', '.join(places)}")


def test_the_other_cases_summary_is_its_own(planted, demo_engine):
    family = person(demo_engine, "family")
    with pytest.raises(AccessDenied):
        with unit_of_work(demo_engine) as session:
            published_family_summary(session, family, planted.other_case_id)
    with pytest.raises(AccessDenied):
        with unit_of_work(demo_engine) as session:
            family_summary_pdf(session, family, planted.other_case_id)
    therapist = person(demo_engine, "therapist")
    with unit_of_work(demo_engine) as session:
        other = published_family_summary(session, therapist, planted.other_case_id)
    assert planted.other_case_marker in other.summary.going_well  # it is there, for that case's family only


# --------------------------------------------------------------------------- what the summary says


def test_leons_summary_puts_strengths_first_and_uses_family_words(demo_engine):
    leon = case_id(demo_engine, "Leon")
    with unit_of_work(demo_engine) as session:
        summary = build_family_summary(session, leon, today=TODAY)
        strengths = session.exec(
            select(Driver.family_wording).where(Driver.case_id == leon, Driver.kind == "strength").order_by(Driver.id)
        ).all()
        met = session.exec(
            select(Goal.family_wording).where(Goal.case_id == leon, Goal.level == "overarching", Goal.status == "met").order_by(Goal.id)
        ).all()
        case = session.get(Case, leon)
    assert list(summary.going_well) == list(strengths)
    assert list(summary.goals_reached) == list(met)
    shown = summary.going_well + summary.goals_reached + summary.working_on
    assert len(shown) == len({s.casefold() for s in shown}), "each line once"
    assert "Grown-ups keeping an eye out when cousins visit" in summary.goals_reached
    assert "Grown-ups keeping an eye out when cousins visit" not in summary.working_on
    assert "Dad learning about what happened and how to keep everyone safe" in summary.working_on
    assert summary.week == 24 and summary.weeks_left == 6 and summary.planned_weeks == case.planned_weeks == 30
    assert summary.scale[0] == (1, 3) and summary.scale[-1] == (23, 7)
    page = family_page(summary, shared_on=TODAY).text()
    for clinical in ("Dad minimises", "Mia", "harm", "victim", "hypothes", "supervisor", "GAS", "adherence"):
        assert clinical not in page
    assert FamilySummary.from_json(summary.to_json()) == summary


def test_the_preview_says_what_was_left_out_and_why(demo_engine):
    leon = case_id(demo_engine, "Leon")
    therapist = person(demo_engine, "therapist")
    with unit_of_work(demo_engine) as session:
        session.execute(update(Driver).where(Driver.case_id == leon, Driver.name == "Dad wants Leon to stay at home").values(family_wording=""))
        session.execute(update(Driver).where(Driver.case_id == leon, Driver.name == "Leon engages well at school").values(status="hypothesised"))
        session.execute(update(Goal).where(Goal.case_id == leon, Goal.text == "No further harmful sexual behaviour").values(family_wording="  "))
    with unit_of_work(demo_engine) as session:
        preview = preview_family_summary(session, therapist, leon, today=TODAY)
    why = {row.name: row.reason for row in preview.left_out}
    assert why["Dad wants Leon to stay at home"].startswith("No family wording")
    assert why["Leon engages well at school"].startswith("Still a hypothesis")
    assert why["No further harmful sexual behaviour"].startswith("No family wording")
    assert why["Few friends of his own age"] == "Not a current priority."
    assert why["Loose supervision when cousins visit"] == "Same words as another line already shown."
    assert "Dad wants you to stay at home with him" not in preview.summary.going_well
    assert "You are doing well at school" not in preview.summary.going_well
    assert preview.can_publish and preview.grade <= MAX_GRADE and preview.hard_lines == ()
    assert preview.published is not None and preview.published_by == "Priya Natarajan"


def test_the_preview_flags_wording_that_is_hard_to_read(demo_engine):
    leon = case_id(demo_engine, "Leon")
    hard = "Psychoeducational consolidation of intergenerational communicative competencies"
    with unit_of_work(demo_engine) as session:
        session.execute(update(Driver).where(Driver.case_id == leon, Driver.name == "Leon engages well at school").values(family_wording=hard))
    therapist = person(demo_engine, "therapist")
    with unit_of_work(demo_engine) as session:
        preview = preview_family_summary(session, therapist, leon, today=TODAY)
    assert preview.hard_lines[0][0] == hard and preview.hard_lines[0][1] > 20


# --------------------------------------------------------------------------- publishing


def test_the_family_sees_the_last_published_version_never_live_data(demo_engine):
    therapist, family = person(demo_engine, "therapist"), person(demo_engine, "family")
    leon = case_id(demo_engine, "Leon")
    with unit_of_work(demo_engine) as session:
        before = published_family_summary(session, family, leon)
        session.execute(update(Driver).where(Driver.case_id == leon, Driver.name == "Supportive grandmother nearby").values(family_wording="Nan helps every day"))
    with unit_of_work(demo_engine) as session:
        still = published_family_summary(session, family, leon)
    assert still == before and "Nan helps every day" not in still.summary.going_well  # a change is not live
    with unit_of_work(demo_engine) as session:
        snapshot_id = publish_family_summary(session, therapist, leon, today=TODAY, message="See you on Monday.")
    with unit_of_work(demo_engine) as session:
        after = published_family_summary(session, family, leon)
        actions = session.exec(
            select(AuditEvent.action, AuditEvent.actor, AuditEvent.object_type, AuditEvent.object_id)
            .where(AuditEvent.case_id == leon, AuditEvent.object_type == "family_summary")
        ).all()
    assert "Nan helps every day" in after.summary.going_well and after.summary.message == "See you on Monday."
    assert after.published_at > before.published_at
    assert ("publish", "therapist", "family_summary", snapshot_id) in actions
    assert ("view", "family", "family_summary", snapshot_id) in actions


def test_before_anything_is_published_the_family_sees_nothing_yet(demo_engine):
    therapist = person(demo_engine, "therapist")
    aaron = case_id(demo_engine, "Aaron")  # closed: the demo published nothing for it
    with unit_of_work(demo_engine) as session:
        issued = create_family_login(session, therapist, aaron)
    with unit_of_work(demo_engine) as session:
        family = authenticate(session, issued.username, issued.password)
        assert published_family_summary(session, family, aaron) is None
    with pytest.raises(NotFound):
        with unit_of_work(demo_engine) as session:
            family_summary_pdf(session, family, aaron)
    with unit_of_work(demo_engine) as session:
        publish_family_summary(session, therapist, aaron, today=TODAY)
    with unit_of_work(demo_engine) as session:
        seen = published_family_summary(session, family, aaron)
    assert seen.summary.closed and seen.summary.weeks_left == 0
    assert "The plan has now finished." in family_page(seen.summary, shared_on=seen.shared_on).text()


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("x" * 501, "500 characters or fewer"),
        ("Well done\x00", "hidden characters"),
        ("Hello \u202eeveryone", "hidden characters"),
        (
            "Considerable improvements regarding intergenerational communication demonstrate commendable "
            "perseverance throughout the intervention period.",
            "reads at about grade",
        ),
    ],
)
def test_a_message_the_rules_refuse_publishes_nothing(demo_engine, message, problem):
    leon = case_id(demo_engine, "Leon")
    with unit_of_work(demo_engine) as session:
        count = session.exec(select(func.count()).select_from(FamilySummarySnapshot)).one()
    therapist = person(demo_engine, "therapist")
    with pytest.raises(InvalidInput) as refused:
        with unit_of_work(demo_engine) as session:
            publish_family_summary(session, therapist, leon, today=TODAY, message=message)
    assert problem in refused.value.errors["message"]
    with unit_of_work(demo_engine) as session:
        assert session.exec(select(func.count()).select_from(FamilySummarySnapshot)).one() == count


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=st.text(max_size=560))
def test_any_message_is_published_exactly_or_refused_with_a_reason(demo_engine, message):
    leon = case_id(demo_engine, "Leon")
    therapist = person(demo_engine, "therapist")
    try:
        with unit_of_work(demo_engine) as session:
            snapshot_id = publish_family_summary(session, therapist, leon, today=TODAY, message=message)
    except InvalidInput as error:
        assert set(error.errors) == {"message"} and error.errors["message"]
        return
    with unit_of_work(demo_engine) as session:
        stored = session.get(FamilySummarySnapshot, snapshot_id)
    assert FamilySummary.from_json(stored.content_json).message == message.strip()


def test_who_may_preview_publish_and_read(demo_engine):
    leon = case_id(demo_engine, "Leon")
    supervisor = person(demo_engine, "supervisor")
    with unit_of_work(demo_engine) as session:
        preview = preview_family_summary(session, supervisor, leon, today=TODAY)
        assert published_family_summary(session, supervisor, leon) is not None
    assert preview.can_publish is False and preview.summary.going_well
    refusals = [
        ("supervisor", lambda s, u: publish_family_summary(s, u, leon, today=TODAY)),
        ("family", lambda s, u: preview_family_summary(s, u, leon, today=TODAY)),
        ("family", lambda s, u: publish_family_summary(s, u, leon, today=TODAY)),
        ("therapist2", lambda s, u: preview_family_summary(s, u, leon, today=TODAY)),
        ("therapist2", lambda s, u: published_family_summary(s, u, leon)),
        ("admin", lambda s, u: published_family_summary(s, u, leon)),
        ("admin", lambda s, u: family_summary_pdf(s, u, leon)),
    ]
    for username, call in refusals:
        who = person(demo_engine, username)
        with pytest.raises(AccessDenied):
            with unit_of_work(demo_engine) as session:
                call(session, who)
    with unit_of_work(demo_engine) as session:
        denied = session.exec(select(AuditEvent.actor).where(AuditEvent.outcome == "denied", AuditEvent.case_id == leon)).all()
    assert sorted(denied) == sorted(u for u, _ in refusals)


def test_the_pdf_is_friendly_large_and_audited(demo_engine):
    leon = case_id(demo_engine, "Leon")
    family = person(demo_engine, "family")
    with unit_of_work(demo_engine) as session:
        data = family_summary_pdf(session, family, leon)
        exports = session.exec(select(AuditEvent.actor).where(AuditEvent.action == "export", AuditEvent.case_id == leon)).all()
    assert exports == ["family"]
    text = pdf_text(data)
    assert text.startswith("Our progress") and "What is going well" in text and "Dad wants you to stay at home with him" in text
    for word in ("Confidential", "CONFIDENTIAL", "clinical", "MST", "PSB", "Mia", "harm"):
        assert word not in text, word
    sizes: dict[str, float] = {}
    reader = pypdf.PdfReader(io.BytesIO(data))
    for page in reader.pages:
        page.extract_text(visitor_text=lambda t, cm, tm, font, size: sizes.setdefault(t.strip(), size * tm[0]) if t.strip() else None)
    assert sizes["Our progress"] >= 24
    assert sizes["Dad wants you to stay at home with him"] >= 14  # large type for every line the family reads
    assert sizes["What is going well"] >= 18


# --------------------------------------------------------------------------- the demo


def test_the_demo_publishes_a_summary_for_every_open_case(demo_engine):
    family, leon = person(demo_engine, "family"), case_id(demo_engine, "Leon")
    with unit_of_work(demo_engine) as session:
        counts = dict(
            session.exec(select(FamilySummarySnapshot.case_id, func.count()).group_by(FamilySummarySnapshot.case_id)).all()
        )
        cases = session.exec(select(Case.id, Case.status)).all()
        seen = published_family_summary(session, family, leon)
    assert {c for c, s in cases if s == "open"} == set(counts) and set(counts.values()) == {1}
    assert seen.summary.first_name == "Leon" and seen.summary.going_well and seen.published_at.date() < TODAY + timedelta(days=1)


def test_every_demo_summary_reads_at_grade_six_or_below(demo_engine):
    with unit_of_work(demo_engine) as session:
        rows = session.exec(
            select(Case.alias, FamilySummarySnapshot.content_json, FamilySummarySnapshot.published_at)
            .join(Case, Case.id == FamilySummarySnapshot.case_id)
            .order_by(Case.id)
        ).all()
    grades, wording_grades = {}, {}
    for alias, content, published_at in rows:
        summary = FamilySummary.from_json(content)
        grades[alias] = reading_grade(summary, shared_on=published_at.date())  # everything on the page
        lines = summary.going_well + summary.goals_reached + summary.working_on
        wording_grades[alias] = round(fk_grade("\n".join(lines)), 1)  # the case's own family wording alone
        for line in lines:  # and each line on its own
            assert fk_grade(line) <= MAX_GRADE, (alias, line, fk_grade(line))
    print("\nFlesch-Kincaid grade of each demo family summary (whole page / family wording only): "
          + ", ".join(f"{a} {g:.1f}/{wording_grades[a]:.1f}" for a, g in grades.items()))
    assert len(grades) >= 15 and max(grades.values()) <= MAX_GRADE and max(wording_grades.values()) <= MAX_GRADE


# --------------------------------------------------------------------------- family logins


def test_a_therapist_creates_resets_and_revokes_the_family_login(demo_engine):
    therapist = person(demo_engine, "therapist")
    kai = case_id(demo_engine, "Kai")
    with unit_of_work(demo_engine) as session:
        assert family_login(session, therapist, kai) is None
        issued = create_family_login(session, therapist, kai)
    assert issued.username == f"family-kai-{kai}" == suggested_username("Kai", kai)
    assert re.fullmatch(r"[a-z]+-[a-z]+-[a-z]+-\d{3}", issued.password)
    with unit_of_work(demo_engine) as session:
        row = session.exec(select(User).where(User.username == issued.username)).one()
        assert row.role == "family" and row.password_hash.startswith("$argon2id$") and issued.password not in row.password_hash
        signed_in = authenticate(session, issued.username, issued.password)
        login = family_login(session, therapist, kai)
    assert signed_in.family_case_id == kai and login.active and login.username == issued.username

    with pytest.raises(InvalidInput, match="already has a login"):
        with unit_of_work(demo_engine) as session:
            create_family_login(session, therapist, kai, username="family-kai-two")

    with unit_of_work(demo_engine) as session:
        revoke_family_login(session, therapist, kai, version=login.version)
    with unit_of_work(demo_engine) as session:
        assert authenticate(session, issued.username, issued.password) is None
        assert load_principal(session, row.id) is None  # signed out at the next click
        assert session.get(FamilyAccess, row.id).case_id == kai  # nothing removed
        assert session.exec(select(func.count()).select_from(FamilySummarySnapshot).where(FamilySummarySnapshot.case_id == kai)).one() == 1
        revoked = family_login(session, therapist, kai)
    assert revoked.active is False
    with pytest.raises(InvalidInput, match="already revoked"):
        with unit_of_work(demo_engine) as session:
            revoke_family_login(session, therapist, kai, version=revoked.version)
    with pytest.raises(StaleEdit):
        with unit_of_work(demo_engine) as session:
            reset_family_password(session, therapist, kai, version=login.version)  # the version before the revoke

    with unit_of_work(demo_engine) as session:
        again = reset_family_password(session, therapist, kai, version=revoked.version)
    assert again.password != issued.password and again.username == issued.username
    with unit_of_work(demo_engine) as session:
        assert authenticate(session, issued.username, issued.password) is None
        assert authenticate(session, again.username, again.password).family_case_id == kai
        actions = session.exec(
            select(AuditEvent.action, AuditEvent.actor, AuditEvent.object_id)
            .where(AuditEvent.case_id == kai, AuditEvent.object_type == "account")
            .order_by(AuditEvent.id)
        ).all()
    assert actions == [("account_created", "therapist", row.id), ("account_revoked", "therapist", row.id), ("password_reset", "therapist", row.id)]


def test_leons_existing_family_login_is_found_and_only_the_therapist_changes_it(demo_engine):
    leon = case_id(demo_engine, "Leon")
    supervisor = person(demo_engine, "supervisor")
    with unit_of_work(demo_engine) as session:
        login = family_login(session, supervisor, leon)
    assert login.username == "family" and login.active
    for username in ("supervisor", "therapist2", "family", "admin"):
        who = person(demo_engine, username)
        for change in (
            lambda s, u: create_family_login(s, u, leon, username="family-leon-new"),
            lambda s, u: reset_family_password(s, u, leon, version=login.version),
            lambda s, u: revoke_family_login(s, u, leon, version=login.version),
        ):
            with pytest.raises(AccessDenied):
                with unit_of_work(demo_engine) as session:
                    change(session, who)
    with unit_of_work(demo_engine) as session:
        assert session.exec(select(User.active).where(User.username == "family")).one() is True


@pytest.mark.parametrize(
    ("username", "problem"),
    [("Family Kai", "lower-case"), ("-kai", "lower-case"), ("k" * 65, "lower-case"), ("therapist", "is taken"), ("x", "lower-case")],
)
def test_a_chosen_user_name_is_checked(demo_engine, username, problem):
    therapist, kai = person(demo_engine, "therapist"), case_id(demo_engine, "Kai")
    with pytest.raises(InvalidInput) as refused:
        with unit_of_work(demo_engine) as session:
            create_family_login(session, therapist, kai, username=username)
    assert problem in refused.value.errors["username"]
    with unit_of_work(demo_engine) as session:
        assert session.exec(select(func.count()).select_from(FamilyAccess)).one() == 1  # only Leon's


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=st.text(max_size=70))
def test_any_user_name_is_saved_as_typed_or_refused_with_a_reason(demo_engine, username):
    therapist = person(demo_engine, "therapist")
    kai = case_id(demo_engine, "Kai")
    try:
        with unit_of_work(demo_engine) as session:
            issued = create_family_login(session, therapist, kai, username=username)
    except InvalidInput as error:
        assert set(error.errors) == {"username"} and error.errors["username"]
        return
    expected = username.strip() or suggested_username("Kai", kai)
    assert issued.username == expected
    with unit_of_work(demo_engine) as session:  # unlink it, so the next example may create one again
        account_id = session.exec(select(User.id).where(User.username == expected)).one()
        session.delete(session.get(FamilyAccess, account_id))


def test_generated_passwords_are_readable_aloud_and_varied():
    assert len(WORDS) >= 200 and len(set(WORDS)) == len(WORDS)
    assert all(re.fullmatch(r"[a-z]{3,8}", w) for w in WORDS)
    passwords = {generate_family_password() for _ in range(200)}
    assert len(passwords) == 200 and all(len(p) >= 10 for p in passwords)
    assert all(re.fullmatch(r"([a-z]+-){3}\d{3}", p) for p in passwords)


def test_a_password_reset_clears_the_sign_in_wait(demo_engine):
    from planner.accounts import FREE_ATTEMPTS, sign_in

    therapist = person(demo_engine, "therapist")
    kai = case_id(demo_engine, "Kai")
    with unit_of_work(demo_engine) as session:
        issued = create_family_login(session, therapist, kai)
    for _ in range(FREE_ATTEMPTS + 1):
        with unit_of_work(demo_engine) as session:
            sign_in(session, issued.username, "forgotten it")
    with unit_of_work(demo_engine) as session:
        assert sign_in(session, issued.username, issued.password).wait_seconds > 0
        login = family_login(session, therapist, kai)
    with unit_of_work(demo_engine) as session:
        fresh = reset_family_password(session, therapist, kai, version=login.version)
    with unit_of_work(demo_engine) as session:
        assert sign_in(session, fresh.username, fresh.password).principal is not None
