"""The forum brief: the PDF read back (one page, every section), the pseudonymised variant naming no one,
very long inputs, markup printed literally, input checks, defaults, audit and access; and the pure
name replacement under Hypothesis."""

import io
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlmodel import select

from goals.timeline import readable_date
from planner.access import AccessDenied
from planner.db import unit_of_work
from planner.errors import InvalidInput
from planner.models import (
    AuditEvent,
    Case,
    Driver,
    Intervention,
    InterventionDriver,
    Participant,
    ReferralBehaviour,
    User,
)
from planner.reports.forum_brief import (
    CONFIDENTIAL,
    RECOMMENDATION_LIMIT,
    SECTION_HEADINGS,
    default_next_review,
    file_name,
    forum_brief,
    forum_brief_defaults,
    forum_brief_pdf,
    render_forum_brief_pdf,
)
from planner.reports.pseudonymise import Pseudonymiser, initials, name_words
from tests.conftest import TODAY
from planner.accounts import principal_for
from tests import factories
from tests.helpers import person

db = pytest.mark.db
RECOMMENDATION = "Continue the plan; the forum to hear from school and the social worker at the next review."
REVIEW = TODAY + timedelta(days=30)


@pytest.fixture
def leon(demo_engine):
    with unit_of_work(demo_engine) as session:
        case_id = session.exec(select(Case.id).where(Case.alias == "Leon")).one()
    return demo_engine, case_id


def read_pdf(data: bytes) -> tuple[int, str, dict]:
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return len(reader.pages), text, dict(reader.metadata or {})


def export(engine, username, case_id, **kwargs) -> bytes:
    kwargs = {"recommendation": RECOMMENDATION, "next_review": REVIEW} | kwargs
    with unit_of_work(engine) as session:
        return forum_brief_pdf(session, person(engine, username), case_id, today=TODAY, **kwargs)


def people_names(engine, case_id) -> list[str]:
    """Everyone the pseudonymised brief must not name: the family, the child, therapist and supervisor."""
    with unit_of_work(engine) as session:
        case = session.get(Case, case_id)
        names = list(session.exec(select(Participant.name).where(Participant.case_id == case_id)).all())
        names.append(case.alias)
        names.append(session.get(User, case.therapist_id).display_name)
        names += session.exec(select(User.display_name).where(User.team_id == case.team_id, User.role == "supervisor")).all()
    return names


def named(text: str, names: list[str]) -> list[str]:
    """Every word of a name found as a whole word in `text`, any case."""
    words = {w for n in names for w in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", n) if len(w) > 1}
    return sorted(w for w in words if re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE))


@db
def test_the_full_brief_reads_back_on_one_page_with_every_section(leon):
    engine, case_id = leon
    pages, text, meta = read_pdf(export(engine, "therapist", case_id))
    assert pages == 1
    for expected in (CONFIDENTIAL, "Forum brief: Leon", "Leon, age 11", "Week 24 of 30", "phase: Intervention",
                     "Therapist: Priya Natarajan", "prepared by Priya Natarajan", RECOMMENDATION,
                     f"Next review: {readable_date(REVIEW)}", "Hackett continuum: abusive", "Brook traffic light: red",
                     "Dad minimises what happened", "9/10", "Overall safety scale: 3/10 in week 1, 7/10 in week 23",
                     "Safety plan: 5 rules"):
        assert expected in text, expected
    positions = [text.index(h) for h in SECTION_HEADINGS]
    assert positions == sorted(positions)
    assert meta["/Title"] == "Forum brief: Leon"
    # The name check used on the pseudonymised variant finds the names when they are there.
    assert {"Leon", "Mia", "Tyler", "Gary", "Priya", "Natarajan"} <= set(named(text, people_names(engine, case_id)))


@db
def test_the_brief_holds_the_top_prioritised_drivers_and_the_plan_aimed_at_them(leon):
    engine, case_id = leon
    with unit_of_work(engine) as session:
        brief = forum_brief(session, person(engine, "therapist"), case_id, today=TODAY, recommendation="x", next_review=REVIEW)
        prioritised = {
            d.name: d.rating
            for d in session.exec(
                select(Driver).where(Driver.case_id == case_id, Driver.prioritised, Driver.archived_at.is_(None))
            )
        }
    assert 3 <= len(brief.drivers) <= 5 and {d.name for d in brief.drivers} <= set(prioritised)
    assert all(d.now == prioritised[d.name] for d in brief.drivers)
    assert [d.now for d in brief.drivers] == sorted((d.now for d in brief.drivers), reverse=True)
    top = {d.name for d in brief.drivers}
    assert brief.interventions and all(set(i.aimed_at.split("; ")) <= top for i in brief.interventions)
    assert all(i.status in ("planned", "active") for i in brief.interventions)
    assert (brief.week, brief.planned_weeks, brief.phase) == (24, 30, "Intervention")
    assert brief.overall_first == (1, 3) and brief.overall_now == (23, 7)
    assert 0 < brief.recent_goals_met <= brief.recent_goals_marked


@db
def test_the_pseudonymised_brief_names_no_one(leon):
    engine, case_id = leon
    names = people_names(engine, case_id)
    assert {"Gary", "Mia", "Tyler", "Leon", "Priya Natarajan", "Ruth Mensah"} <= set(names)
    data = export(engine, "therapist", case_id, pseudonymise=True)
    pages, text, meta = read_pdf(data)
    assert pages == 1
    assert named(text, names) == []
    assert named(" ".join(str(v) for v in meta.values()), names) == []
    # Initials instead: the child, the cousin, the brother, the father; and the therapist.
    for expected in ("Forum brief: L.", "L., age 11", "M. (7)", "T. (8)", "G.", "Therapist: P. N.", "initials only"):
        assert expected in text, expected
    assert b"Leon" not in data and b"Natarajan" not in data  # the metadata, stored uncompressed, included
    with unit_of_work(engine) as session:
        brief = forum_brief(session, person(engine, "supervisor"), case_id, today=TODAY, pseudonymise=True)
    assert named(repr(brief), names) == []  # every field of the dataclass the page previews
    assert brief.prepared_by == "R. M." and file_name(brief) == f"forum-brief-L-{TODAY.isoformat()}.pdf"


@db
def test_names_typed_into_the_recommendation_are_pseudonymised_too(leon):
    engine, case_id = leon
    typed = "Gary and Jade to meet Nadia Qureshi; Leon's school (Mr Hughes) to report to Priya."
    _, text, _ = read_pdf(export(engine, "therapist", case_id, recommendation=typed, pseudonymise=True))
    assert "G. and J. to meet N. Q.; L.'s school (Mr H.) to report to P." in text
    _, text, _ = read_pdf(export(engine, "therapist", case_id, recommendation=typed))
    assert typed in text


@db
def test_very_long_inputs_still_give_one_page(leon):
    engine, case_id = leon
    with unit_of_work(engine) as session:
        behaviour = session.exec(select(ReferralBehaviour).where(ReferralBehaviour.case_id == case_id)).first()
        behaviour.description = ("Leon said a great deal more about it. " * 600) + "\n\n" * 50
        behaviour.frequency = "often " * 30
        session.add(ReferralBehaviour(case_id=case_id, summary="S" * 120, description="word " * 3000,
                                      hackett_level="abusive", brook_colour="red"))
        for n in range(12):
            driver = Driver(case_id=case_id, name=f"A very long driver name number {n} " + "x" * 80, system="family",
                            kind="need", rating=9, prioritised=True)
            session.add(driver)
            session.flush()
            intervention = Intervention(case_id=case_id, type="other", name="Long intervention " + "y" * 100,
                                        who="Gary and Jade " * 12, frequency="daily " * 20, status="active")
            session.add(intervention)
            session.flush()
            session.add(InterventionDriver(intervention_id=intervention.id, driver_id=driver.id))
    long_recommendation = ("Recommend continuing with the plan. " * 40)[:RECOMMENDATION_LIMIT]
    pages, text, _ = read_pdf(export(engine, "therapist", case_id, recommendation=long_recommendation))
    assert pages == 1
    assert "continued in the case record" in text and "…" in text
    assert all(h in text for h in SECTION_HEADINGS) and f"Next review: {readable_date(REVIEW)}" in text
    assert "more prioritised in the case record" in text
    # The recommendation, within its limit, is printed whole: the rest was shortened instead.
    assert text.count("Recommend continuing") == long_recommendation.count("Recommend continuing")
    pages, text, _ = read_pdf(export(engine, "therapist", case_id, recommendation=long_recommendation, pseudonymise=True))
    assert pages == 1 and "Leon" not in text


@db
def test_render_is_one_page_even_for_absurd_text(leon):
    engine, case_id = leon
    with unit_of_work(engine) as session:
        brief = forum_brief(session, person(engine, "therapist"), case_id, today=TODAY)
    huge = "\n".join(["Line of text that goes on and on"] * 2000)
    absurd = replace(
        brief,
        subject="Z" * 60,
        team="T" * 80,
        recommendation=huge,
        safety_plan=huge,
        flags=[huge] * 30,
        referral=[replace(b, summary=huge, description=huge, frequency=huge) for b in brief.referral * 5],
        drivers=[replace(d, name=huge) for d in brief.drivers * 5],
        interventions=[replace(i, name=huge, who=huge, aimed_at=huge) for i in brief.interventions * 10],
    )
    pages, text, _ = read_pdf(render_forum_brief_pdf(absurd))
    assert pages == 1 and "continued in the case record" in text
    assert all(h in text for h in SECTION_HEADINGS)
    assert read_pdf(render_forum_brief_pdf(brief))[0] == 1


@db
def test_markup_is_printed_literally(leon):
    engine, case_id = leon
    typed = "<b>x</b> **bold** [link](http://example.org) :red[alarm] $x^2$"
    _, text, _ = read_pdf(export(engine, "therapist", case_id, recommendation=typed))
    assert typed in text


@db
@pytest.mark.parametrize(
    ("recommendation", "days", "field", "words"),
    [
        ("   ", 10, "recommendation", "Please write the recommendation"),
        ("x" * (RECOMMENDATION_LIMIT + 1), 10, "recommendation", f"keep it to {RECOMMENDATION_LIMIT}"),
        ("Fine.", -1, "next_review", "in the past"),
        ("Fine.", 400, "next_review", "within the next year"),
    ],
)
def test_unusable_inputs_are_refused_kindly(leon, recommendation, days, field, words):
    engine, case_id = leon
    with pytest.raises(InvalidInput) as error:
        export(engine, "therapist", case_id, recommendation=recommendation, next_review=TODAY + timedelta(days=days))
    assert words in error.value.errors[field]


@db
def test_defaults_come_from_the_plans_state(leon):
    engine, case_id = leon
    with unit_of_work(engine) as session:
        defaults = forum_brief_defaults(session, person(engine, "supervisor"), case_id, today=TODAY)
    assert defaults.alias == "Leon"
    assert "3 to 7 out of 10" in defaults.recommendation and "Dad minimises what happened" in defaults.recommendation
    assert defaults.next_review == TODAY + timedelta(weeks=4)  # six weeks of Leon's plan are left
    # A plan ending within four weeks is reviewed at its end; a closed one four weeks on.
    end = TODAY + timedelta(days=10)
    assert default_next_review(TODAY, end_of_plan=end, closed=False) == end
    assert default_next_review(TODAY, end_of_plan=end, closed=True) == TODAY + timedelta(weeks=4)
    assert default_next_review(TODAY, end_of_plan=TODAY - timedelta(days=3), closed=False) == TODAY + timedelta(weeks=4)


@db
def test_exports_are_audited_by_variant_without_clinical_text(leon):
    engine, case_id = leon
    export(engine, "therapist", case_id)
    export(engine, "supervisor", case_id, pseudonymise=True)
    with unit_of_work(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "export", AuditEvent.case_id == case_id)).all()
        rows = [(e.actor, e.object_type, e.object_id, e.outcome) for e in events]
    assert ("therapist", "forum_brief", case_id, "ok") in rows
    assert ("supervisor", "forum_brief_pseudonymised", case_id, "ok") in rows
    assert all(RECOMMENDATION not in " ".join(map(str, r)) for r in rows)


@db
@pytest.mark.parametrize("username", ["therapist2", "family", "admin", "supervisor2"])
def test_others_are_refused_and_the_refusal_is_audited(leon, username):
    engine, case_id = leon
    who = person(engine, username)
    for call in (
        lambda s: forum_brief_defaults(s, who, case_id, today=TODAY),
        lambda s: forum_brief(s, who, case_id, today=TODAY),
        lambda s: forum_brief_pdf(s, who, case_id, today=TODAY, pseudonymise=True),
    ):
        with pytest.raises(AccessDenied):
            with unit_of_work(engine) as session:
                call(session)
    with unit_of_work(engine) as session:
        denied = session.exec(
            select(AuditEvent).where(
                AuditEvent.actor == username, AuditEvent.outcome == "denied", AuditEvent.object_id == case_id
            )
        ).all()
    assert len(denied) == 3


@db
def test_a_missing_case_reads_like_a_refusal(leon):
    engine, _ = leon
    with pytest.raises(AccessDenied):
        export(engine, "therapist", 999_999)


@db
def test_a_new_case_with_nothing_rated_yet_still_gets_a_brief(engine):
    with unit_of_work(engine) as session:
        team = factories.team(session)
        therapist = factories.user(session, "t.new", "therapist", team_id=team.id, password="pw-for-tests-1")
        case = factories.empty_case(session, alias="Robin", therapist_id=therapist.id, team_id=team.id, weeks_ago=1)
        who, case_id = principal_for(session, therapist), case.id
    with unit_of_work(engine) as session:
        defaults = forum_brief_defaults(session, who, case_id, today=TODAY)
        data = forum_brief_pdf(session, who, case_id, today=TODAY, pseudonymise=True)
    assert "early weeks" in defaults.recommendation and defaults.next_review == TODAY + timedelta(weeks=4)
    pages, text, _ = read_pdf(data)
    assert pages == 1 and "Robin" not in text and "R., age 13" in text and "Therapist: N." in text  # "T.New": one-letter words are not names
    for expected in ("No drivers prioritised yet.", "not rated yet", "Overarching goals met: 0 of 0",
                     "Weekly goals: none marked yet.", "No safety plan recorded yet.", "early weeks"):
        assert expected in text, expected


# --------------------------------------------------------------------------- the name replacement (pure)


def test_initials_and_replacement_examples():
    assert initials("Leon") == "L." and initials("Nadia Qureshi") == "N. Q." and initials("Mrs Patel") == "P."
    p = Pseudonymiser(["Leon", "Nadia Qureshi", "O'Neill", "Mary-Jane Ellis", "Pat"])
    assert p("Leon's dad told LEON, then leon.") == "L.'s dad told L., then L."
    assert p("Nadia Qureshi and Ms Qureshi") == "N. Q. and Ms Q."
    assert p("O'Neill's pattern; Mary-Jane and Ellis") == "O.'s pattern; M.-J. and E."
    assert p("Pat patted Pat’s dog; Patrick stayed") == "P. patted P.’s dog; Patrick stayed"
    assert Pseudonymiser([])("Leon") == "Leon"


NAME = st.text(alphabet=st.characters(categories=("Lu", "Ll")), min_size=1, max_size=8)
SEPARATOR = st.sampled_from([" ", ", ", "'s ", "’s ", ". ", "-", " (", ") ", "\n", "...", "!", "_", "1"])


@settings(max_examples=200, deadline=None)
@given(
    names=st.lists(st.builds(lambda a, b: f"{a} {b}", NAME, NAME), min_size=1, max_size=4),
    pieces=st.lists(st.tuples(st.one_of(NAME, st.text(max_size=6)), SEPARATOR, st.booleans()), max_size=25),
)
def test_no_name_word_survives_and_replacing_again_changes_nothing(names, pieces):
    words = [w for n in names for w in name_words(n)]
    text = ""
    for other, separator, use_name in pieces:
        text += (words[len(text) % len(words)] if use_name and words else other) + separator
    p = Pseudonymiser(names)
    out = p(text)
    assert p.names_left(out) == []
    assert p(out) == out


@settings(max_examples=200, deadline=None)
@given(
    name=st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=10),
    before=st.sampled_from(["", "With ", "(", "and "]),
    after=st.sampled_from(["", "'s home", " said", ")", ", then", "."]),
)
def test_whole_words_are_replaced_case_insensitively_keeping_the_possessive(name, before, after):
    assume(name_words(name) == [name])  # not a title such as "Mr"
    assume(name.casefold() not in {"with", "and", "home", "said", "then"})  # the words around it
    p = Pseudonymiser([name])
    for variant in (name, name.upper(), name.lower()):
        assert p(before + variant + after) == before + variant[0].upper() + "." + after.removeprefix(".")
    # Inside a longer word it is left alone.
    assert p("x" + name + "y") == "x" + name + "y"
    assert not re.search(rf"\b{re.escape(name)}\b", p(f"{name} met {name.lower()}'s friend"), re.IGNORECASE)
