"""The family's summary in a real browser: on a phone, and with nothing restricted ever sent to it.

Every websocket frame the page receives (Streamlit's protobuf messages, searched as bytes) and every
HTTP response body from the app is recorded; with a marker planted in every restricted field of
Leon's case, none of them, nor the downloaded PDF, carries one.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import func, select

from planner.db import make_engine, unit_of_work
from planner.models import AuditEvent, Case, FamilySummarySnapshot
from tests.e2e.ui import sign_in
from tests.integration.test_family import FAMILY_OK, leaks, pdf_text, plant_markers, publish_planted

pytestmark = pytest.mark.e2e


@pytest.fixture
def planted(demo_sqlite_url):
    """Markers planted and summaries published before the server starts (list it before `server`)."""
    engine = make_engine(demo_sqlite_url)
    with unit_of_work(engine) as session:
        result = plant_markers(session)
    publish_planted(engine, result)
    engine.dispose()
    return result


def wait_for_summary(p) -> None:
    expect(p.get_by_role("heading", name="Our progress")).to_be_visible(timeout=30_000)
    expect(p.get_by_role("heading", name="What happens next")).to_be_visible(timeout=30_000)
    expect(p.get_by_test_id("stDownloadButton")).to_be_visible(timeout=30_000)
    expect(p.locator("[data-testid='stVegaLiteChart']").first).to_be_visible(timeout=30_000)
    p.wait_for_load_state("networkidle")


def test_family_reads_leons_summary_on_a_phone(server, page):
    browser_page = page(390, 844)
    p = browser_page.page
    sign_in(p, server, "family")
    wait_for_summary(p)
    for heading in ("What is going well", "Goals we have reached", "What we are working on", "How things are going"):
        expect(p.get_by_role("heading", name=heading)).to_be_visible()
    expect(p.get_by_text("Dad wants you to stay at home with him")).to_be_visible()
    # One column that fits the phone: nothing wider than the screen, and the words in large type.
    assert p.evaluate("document.documentElement.scrollWidth") <= 390
    size = p.get_by_text("Dad wants you to stay at home with him").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 18
    body = p.locator("body").inner_text()
    for restricted in ("Mia", "harm", "minimises", "victim", "Supervisor", "hypothes"):
        assert restricted not in body, restricted
    shot = browser_page.screenshot("family-leon-phone")
    assert shot.stat().st_size > 10_000
    # The whole page at phone width (Streamlit scrolls inside the page, so grow the window to fit it).
    height = p.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    p.set_viewport_size({"width": 390, "height": int(height) + 40})
    expect(p.get_by_role("heading", name="What happens next")).to_be_in_viewport()
    browser_page.screenshot("family-leon-phone-whole")
    assert browser_page.foreign_requests() == []


def test_nothing_restricted_reaches_the_familys_browser(planted, server, page, demo_sqlite_url):
    browser_page = page(390, 844)
    p = browser_page.page
    frames: list[bytes] = []
    responses = []

    def on_socket(ws) -> None:
        ws.on("framereceived", lambda payload: frames.append(payload if isinstance(payload, bytes) else payload.encode()))

    p.on("websocket", on_socket)
    p.on("response", lambda response: responses.append(response))
    sign_in(p, server, "family")
    wait_for_summary(p)
    expect(p.get_by_text(f"{FAMILY_OK}MESSAGE")).to_be_visible()

    with p.expect_download() as download:
        p.get_by_role("button", name="Save or print as a PDF").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    with unit_of_work(make_engine(demo_sqlite_url)) as session:
        exports = session.exec(
            select(AuditEvent.actor).where(AuditEvent.action == "export", AuditEvent.case_id == planted.case_id)
        ).all()
    assert exports == ["family"]  # audited when downloaded, not on every view
    p.wait_for_load_state("networkidle")

    bodies = []
    for response in responses:
        try:
            bodies.append(response.body())
        except Exception:  # redirects and aborted requests have no body to read
            continue
    received = b"\n".join(frames).decode("latin-1")
    served = b"\n".join(bodies).decode("latin-1")
    assert len(frames) > 5 and len(bodies) > 5

    assert leaks(received, planted) == []
    assert leaks(served, planted) == []
    assert leaks(pdf_text(pdf), planted) == []
    for ok in planted.family_ok:  # what is meant to show does arrive, so the searches can find text
        assert ok in received and ok in pdf_text(pdf).replace("\n", " ")
    assert browser_page.foreign_requests() == []


def test_therapist_publishes_after_a_preview_and_the_family_sees_it(server, page, demo_sqlite_url):
    with unit_of_work(make_engine(demo_sqlite_url)) as session:
        leon = session.exec(select(Case.id).where(Case.alias == "Leon")).one()
        before = session.exec(select(func.count()).select_from(FamilySummarySnapshot).where(FamilySummarySnapshot.case_id == leon)).one()
    browser_page = page()
    p = browser_page.page
    sign_in(p, f"{server}/family_sharing?case={leon}", "therapist")
    expect(p.get_by_role("heading", name="Family summary: Leon")).to_be_visible(timeout=30_000)
    expect(p.get_by_text("Reading grade")).to_be_visible()
    expect(p.get_by_role("heading", name="Our progress")).to_be_visible()  # the family's page, in the preview
    message = p.get_by_role("textbox", name="Message from your therapist (optional)")
    expect(message).to_be_visible()
    p.wait_for_load_state("networkidle")
    browser_page.screenshot("family-summary-therapist")
    message.fill("You have all worked so hard. See you on Monday!")
    message.press("Control+Enter")
    expect(p.get_by_text("You have all worked so hard. See you on Monday!")).to_be_visible(timeout=30_000)
    p.get_by_role("button", name="Publish to the family…").click()
    dialog = p.get_by_role("dialog")
    expect(dialog.get_by_text("Publish this summary?")).to_be_visible(timeout=30_000)
    p.wait_for_load_state("networkidle")
    browser_page.screenshot("family-summary-therapist-publish")
    dialog.get_by_role("button", name="Publish", exact=True).click()
    expect(p.get_by_text("Published: the family now sees this summary.")).to_be_visible(timeout=30_000)
    expect(p.get_by_role("dialog")).to_have_count(0)
    with unit_of_work(make_engine(demo_sqlite_url)) as session:
        after = session.exec(select(func.count()).select_from(FamilySummarySnapshot).where(FamilySummarySnapshot.case_id == leon)).one()
    assert after == before + 1

    family = page(390, 844)
    sign_in(family.page, server, "family")
    wait_for_summary(family.page)
    expect(family.page.get_by_text("You have all worked so hard. See you on Monday!")).to_be_visible()
    assert re.search(r"Shared by your therapist on", family.page.locator("body").inner_text())
    assert browser_page.foreign_requests() == [] and family.foreign_requests() == []


def test_the_family_tab_title_is_discreet(server, page):
    from tests.e2e.ui import sign_in

    browser_page = page(390, 844)
    p = browser_page.page
    sign_in(p, server, "family")
    expect(p.get_by_role("heading", name="Our progress")).to_be_visible(timeout=30_000)
    p.wait_for_function("() => document.title === 'Our progress'")
    assert "MST" not in p.title() and "PSB" not in p.title()
