"""A therapist completes Leon's weekly review in the browser, submits it, and downloads the case
summary for supervision as a PDF, read back with pypdf; nothing leaves localhost."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlmodel import select

from planner.db import make_engine, unit_of_work
from planner.models import Case, Driver, Goal, Rating, WeeklyReview
from planner.reports.weekly_summary import CONFIDENTIAL, SECTION_HEADINGS
from tests.e2e.ui import pick, settled, sign_in

pytestmark = pytest.mark.e2e

WEEK = 24
ADVANCES = "Gary ran the family meeting without the therapist leading; Leon chose the topic."
NEW_GOAL = "Gary leads the Sunday family meeting without prompts"


@pytest.fixture
def leon(demo_sqlite_url):
    engine = make_engine(demo_sqlite_url)
    with unit_of_work(engine) as session:
        case_id = session.exec(select(Case.id).where(Case.alias == "Leon")).one()
        goals = session.exec(select(Goal.text).where(Goal.case_id == case_id, Goal.week == WEEK).order_by(Goal.id)).all()
        prioritised = session.exec(
            select(Driver.name).where(Driver.case_id == case_id, Driver.prioritised.is_(True), Driver.kind == "need")
        ).all()
    yield engine, case_id, list(goals), list(prioritised)
    engine.dispose()


def commit(locator, value: str) -> None:
    """Type into a field and leave it, as a person would, then wait for the page to save it."""
    locator.fill(value)
    locator.press("Tab")
    settled(locator.page)
    expect(locator).to_have_value(value)


def test_therapist_completes_leons_weekly_review_and_downloads_the_summary(server, page, leon, tmp_path):
    engine, case_id, goals, prioritised = leon
    browser_page = page(1400, 2600)
    p = browser_page.page
    sign_in(p, f"{server}/weekly_review?case={case_id}", "therapist")
    expect(p.get_by_role("heading", name="Weekly review: Leon")).to_be_visible(timeout=30_000)
    main = p.get_by_test_id("stMain")

    # Last week's goals: the second partly met, the rest met.
    for i, text in enumerate(goals):
        group = main.get_by_test_id("stRadio").filter(has_text=text)
        option = "Partly met" if i == 1 else "Met"
        group.get_by_text(option, exact=True).click()
        settled(p)
        expect(group.get_by_role("radio", name=option, exact=True)).to_be_checked()

    commit(main.get_by_label("What went well this week (required)"), ADVANCES)
    commit(main.get_by_label("Family level"), "Gary tired after night shifts.")
    commit(main.get_by_label("System level"), "None")
    commit(main.get_by_label(re.compile("^Updated hypotheses")), "Minimisation stays low; warmth still improving.")

    for name in prioritised:
        commit(main.get_by_test_id("stNumberInput").filter(has_text=name).get_by_role("spinbutton"), "2")
    commit(main.get_by_role("spinbutton", name="Overall safety scale"), "8")

    main.get_by_role("button", name="Add a goal for next week").click()
    settled(p)
    commit(main.get_by_label("New goal 1"), NEW_GOAL)
    commit(main.get_by_label("Owner"), "Gary")
    replaces = main.get_by_test_id("stMultiSelect").filter(has_text="Replaces driver(s)")
    pick(
        p, replaces, p.get_by_role("option", name="Dad minimises what happened (prioritised)"),
        chosen=replaces.filter(has_text="Dad minimises what happened"),
    )
    p.keyboard.press("Escape")
    settled(p)
    expect(main.get_by_test_id("stMultiSelect").filter(has_text="Dad minimises what happened")).to_be_visible()
    expect(main.get_by_text(re.compile(r"^Draft saved at"))).to_be_visible(timeout=30_000)
    browser_page.screenshot("weekly-review-leon")

    # Submit: asked first.
    main.get_by_role("button", name="Submit review…").click()
    dialog = p.get_by_role("dialog")
    expect(dialog.get_by_text("After that the review is read-only")).to_be_visible(timeout=30_000)
    dialog.get_by_role("button", name="Submit", exact=True).click()
    expect(p.get_by_text(f"Week {WEEK} review submitted.")).to_be_visible(timeout=30_000)
    expect(main.get_by_role("button", name="Amend this review")).to_be_visible()
    expect(main.get_by_label("What went well this week (required)")).to_have_count(0)
    expect(main.get_by_role("tabpanel", name="Review").get_by_text(ADVANCES)).to_be_visible()
    browser_page.screenshot("weekly-review-leon-submitted")

    with unit_of_work(engine) as session:
        review = session.exec(select(WeeklyReview).where(WeeklyReview.case_id == case_id, WeeklyReview.week == WEEK)).one()
        assert (review.status, review.advances, review.barriers_family) == ("submitted", ADVANCES, "Gary tired after night shifts.")
        overall = session.exec(select(Rating.value).where(Rating.case_id == case_id, Rating.week == WEEK, Rating.subject == "overall")).one()
        assert overall == 8
        assert session.exec(select(Goal.text).where(Goal.case_id == case_id, Goal.week == WEEK + 1)).all() == [NEW_GOAL]

    # The case summary for supervision, on the page and as a PDF.
    p.get_by_role("tab", name="Case summary").click()
    expect(main.get_by_role("heading", name=SECTION_HEADINGS[0])).to_be_visible(timeout=30_000)
    expect(main.get_by_role("heading", name=SECTION_HEADINGS[-1])).to_be_visible()
    with p.expect_download(timeout=60_000) as download_info:
        main.get_by_role("button", name="Download the summary (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"weekly-summary-Leon-week-{WEEK}.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    reader = PdfReader(str(path))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert text.startswith(CONFIDENTIAL)
    positions = [text.find(heading) for heading in SECTION_HEADINGS]
    assert -1 not in positions and positions == sorted(positions), positions
    assert "Leon, 11" in text and f"week {WEEK} of 30" in text
    assert positions[3] < text.find(goals[0]) < positions[4]
    assert positions[4] < text.find(ADVANCES) < positions[5]
    assert positions[7] < text.find(NEW_GOAL) < positions[8]
    browser_page.screenshot("weekly-summary-leon")
    assert browser_page.foreign_requests() == []
