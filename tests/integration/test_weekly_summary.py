"""The weekly case summary for supervision: its content, the PDF read back, exports audited, access."""

import io
from dataclasses import replace

import pytest
from pypdf import PdfReader
from sqlmodel import select

from planner.access import AccessDenied
from planner.db import unit_of_work
from planner.guard import NotFound
from planner.errors import InvalidInput
from planner.models import AuditEvent, Case
from planner.reports.weekly_summary import CONFIDENTIAL, OVERALL_LABEL, SECTION_HEADINGS, render_pdf, weekly_summary, weekly_summary_pdf
from planner.weekly_review import NewGoal, ReviewContent, review_page, save_draft, submit_review
from tests.conftest import TODAY
from tests.helpers import person

pytestmark = pytest.mark.db

WEEK = 24
ADVANCE = "Gary ran the family meeting without the therapist leading; Leon chose the topic."
NEW_GOAL = "Gary leads the Sunday family meeting without prompts"



@pytest.fixture
def leon(demo_engine):
    with unit_of_work(demo_engine) as session:
        case_id = session.exec(select(Case.id).where(Case.alias == "Leon")).one()
    return demo_engine, case_id, person(demo_engine, "therapist")


def write_week(engine, therapist, case_id, *, submit=True):
    with unit_of_work(engine) as session:
        data = review_page(session, therapist, case_id, today=TODAY)
        content = ReviewContent(
            advances=ADVANCE,
            barriers_therapist="Therapist off sick one day.",
            fit_update="Minimisation stays low (3); warmth still improving.",
            marks={g.id: ("partly_met" if i == 1 else "met") for i, g in enumerate(data.goals)},
            ratings={d.id: 2 for d in data.prioritised},
            overall=8,
            new_goals=(NewGoal(NEW_GOAL, "Gary", (data.prioritised[0].id,)),),
        )
        state = save_draft(session, therapist, case_id, WEEK, content, today=TODAY)
        if submit:
            submit_review(session, therapist, case_id, state.review_id, content, version=state.version, today=TODAY)
    return data


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    reader = PdfReader(str(path))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_summary_has_the_standard_structure_and_this_weeks_review(leon):
    engine, case_id, therapist = leon
    data = write_week(engine, therapist, case_id)
    with unit_of_work(engine) as session:
        summary = weekly_summary(session, therapist, case_id, WEEK)
    assert (summary.alias, summary.week, summary.planned_weeks, summary.status) == ("Leon", WEEK, 30, "submitted")
    assert summary.referral_behaviours[0].summary.startswith("Sexually harmed his cousin Mia")
    assert ("Dad", "I want Leon to stay at home with us and for this to be behind us.") in summary.desired_outcomes
    assert "No further harmful sexual behaviour" in [g.text for g in summary.overarching_goals]
    assert [(g.text, g.status) for g in summary.last_week_goals][:2] == [(data.goals[0].text, "Met"), (data.goals[1].text, "Partly met")]
    assert summary.advances == ADVANCE and summary.barriers[0] == ("Therapist", "Therapist off sick one day.")
    assert [g.text for g in summary.next_goals] == [NEW_GOAL]
    ratings = {r.subject: (r.last_week, r.this_week) for r in summary.ratings}
    assert ratings["Dad minimises what happened"] == (3, 2)
    assert ratings[OVERALL_LABEL] == (7, 8)
    assert summary.ratings[-1].subject == OVERALL_LABEL
    assert len(summary.ratings) == len(data.prioritised) + 1


def test_the_pdf_reads_back_with_every_section_in_order(leon, tmp_path):
    engine, case_id, therapist = leon
    data = write_week(engine, therapist, case_id)
    with unit_of_work(engine) as session:
        pdf = weekly_summary_pdf(session, therapist, case_id, WEEK)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    positions = [text.find(heading) for heading in SECTION_HEADINGS]
    assert -1 not in positions, [h for h, p in zip(SECTION_HEADINGS, positions, strict=True) if p == -1]
    assert positions == sorted(positions)
    assert text.startswith(CONFIDENTIAL)
    assert "Leon, 11" in text and "week 24 of 30" in text
    goals_at, advances_at, next_at = positions[3], positions[4], positions[7]
    assert goals_at < text.find(data.goals[0].text) < advances_at
    assert advances_at < text.find(ADVANCE) < positions[5]
    assert next_at < text.find(NEW_GOAL) < positions[8]
    assert "Dad minimises what happened 3 2 -1" in text[positions[8]:]
    with unit_of_work(engine) as session:
        exports = session.exec(
            select(AuditEvent).where(AuditEvent.action == "export", AuditEvent.object_type == "weekly_summary", AuditEvent.case_id == case_id)
        ).all()
    assert len(exports) == 1 and exports[0].actor == "therapist"


def test_every_page_says_it_is_confidential(leon, tmp_path):
    engine, case_id, therapist = leon
    write_week(engine, therapist, case_id)
    with unit_of_work(engine) as session:
        summary = weekly_summary(session, therapist, case_id, WEEK)
    long = replace(summary, advances="\n".join(f"Session {i}: a long account of the week." for i in range(120)))
    reader = PdfReader(io.BytesIO(render_pdf(long)))
    assert len(reader.pages) >= 3
    assert all(page.extract_text().startswith(CONFIDENTIAL) for page in reader.pages)


def test_user_text_prints_as_typed(leon):
    engine, case_id, therapist = leon
    write_week(engine, therapist, case_id)
    with unit_of_work(engine) as session:
        summary = weekly_summary(session, therapist, case_id, WEEK)
    odd = replace(summary, advances="<b>bold?</b> **not bold** [link](http://example.org) ünïcödé ✓")
    reader = PdfReader(io.BytesIO(render_pdf(odd)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "<b>bold?</b> **not bold** [link](http://example.org) ünïcödé ✓" in text


def test_a_draft_is_summarised_for_its_therapist_only(leon, tmp_path):
    engine, case_id, therapist = leon
    with unit_of_work(engine) as session:
        with pytest.raises(NotFound):
            weekly_summary(session, therapist, case_id, WEEK)
    write_week(engine, therapist, case_id, submit=False)
    with unit_of_work(engine) as session:
        summary = weekly_summary(session, therapist, case_id, WEEK)
        pdf = weekly_summary_pdf(session, therapist, case_id, WEEK)
    assert summary.status == "draft" and [g.text for g in summary.next_goals] == [NEW_GOAL]
    assert "DRAFT: not yet submitted" in pdf_text(pdf, tmp_path)
    supervisor = person(engine, "supervisor")
    with unit_of_work(engine) as session:
        with pytest.raises(NotFound):
            weekly_summary_pdf(session, supervisor, case_id, WEEK)


def test_supervisor_exports_a_submitted_week(leon, tmp_path):
    engine, case_id, therapist = leon
    supervisor = person(engine, "supervisor")
    with unit_of_work(engine) as session:
        pdf = weekly_summary_pdf(session, supervisor, case_id, 23)
    text = pdf_text(pdf, tmp_path)
    assert "week 23 of 30" in text and "Planning for closure" in text
    with unit_of_work(engine) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "export", AuditEvent.actor == "supervisor")).one()


def test_a_week_outside_the_plan_is_refused(leon):
    engine, case_id, therapist = leon
    with unit_of_work(engine) as session:
        with pytest.raises(InvalidInput) as refused:
            weekly_summary_pdf(session, therapist, case_id, 34)
    assert refused.value.errors == {"week": "Week 34 is outside this plan (weeks 1 to 30)."}


@pytest.mark.parametrize("username", ["therapist2", "family", "admin"])
def test_others_cannot_export_and_the_refusal_is_audited(leon, username):
    engine, case_id, therapist = leon
    write_week(engine, therapist, case_id)
    user = person(engine, username)
    with unit_of_work(engine) as session:
        with pytest.raises(AccessDenied):
            weekly_summary_pdf(session, user, case_id, WEEK)
    with unit_of_work(engine) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.actor == username, AuditEvent.action == "export")).one().outcome == "denied"
