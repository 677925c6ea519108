"""The supervisor's pages in a real browser: each draws, its charts render, nothing leaves localhost.

Screenshots (artifacts/screenshots/) are for people to look at: the Supervision page of Leon's case,
Fidelity with its adherence and safety-scale charts, Team learning, the Forum brief preview and the
Audit trail.
"""

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from planner.db import make_engine, unit_of_work
from planner.models import Case
from tests.e2e.ui import settled, sign_in

pytestmark = pytest.mark.e2e


def open_from_menu(p, name: str) -> None:
    """Click a team page in the sidebar menu, showing the whole menu first (Streamlit folds long ones)."""
    more = p.get_by_test_id("stSidebarNav").get_by_text(re.compile(r"^View \d+ more$"))
    if more.count():
        more.click()
    p.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()


def open_case_page(p, name: str) -> None:
    """Click one of this case's pages in the sidebar's "This case" links (they carry the case)."""
    p.get_by_test_id("stSidebarUserContent").get_by_role("link", name=name, exact=True).click()


def charts_drawn(p, at_least: int) -> None:
    """Wait until `at_least` Vega-Lite charts on the page have drawn into a canvas or SVG."""
    p.wait_for_function(
        "n => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]"
        ".filter(c => c.offsetParent && c.querySelector('canvas, svg')).length >= n",
        arg=at_least,
        timeout=60_000,
    )


def test_supervisor_pages_in_the_browser(server, page, demo_sqlite_url):
    engine = make_engine(demo_sqlite_url)
    with unit_of_work(engine) as session:
        leon = session.exec(select(Case.id).where(Case.alias == "Leon")).one()
    engine.dispose()
    browser_page = page(1400, 1100)
    p = browser_page.page

    sign_in(p, f"{server}/supervision?case={leon}", "supervisor")
    expect(p.get_by_role("heading", name="Supervision: Leon", level=1)).to_be_visible(timeout=30_000)
    expect(p.get_by_role("tab", name="Sign-off (1 waiting)")).to_be_visible()
    settled(p)
    browser_page.screenshot("supervision-leon")

    open_case_page(p, "Fidelity")
    expect(p.get_by_role("heading", name="Fidelity: Leon", level=1)).to_be_visible(timeout=30_000)
    expect(p.get_by_role("heading", name="MST principles served by the plan")).to_be_visible()
    charts_drawn(p, 2)
    browser_page.screenshot("fidelity-leon")

    open_case_page(p, "Forum brief")
    expect(p.get_by_role("heading", name="Forum brief: Leon", level=1)).to_be_visible(timeout=30_000)
    expect(p.get_by_role("button", name="Download the PDF").or_(p.get_by_test_id("stDownloadButton")).first).to_be_visible()
    browser_page.screenshot("forum-brief-leon")

    open_from_menu(p, "Team learning")
    expect(p.get_by_role("heading", name="Team learning", level=1)).to_be_visible(timeout=30_000)
    expect(p.get_by_role("heading", name="Most frequent drivers by system")).to_be_visible()
    charts_drawn(p, 1)
    browser_page.screenshot("team-learning")

    open_from_menu(p, "Audit trail")
    expect(p.get_by_role("heading", name="Audit trail", level=1)).to_be_visible(timeout=30_000)
    settled(p)
    browser_page.screenshot("audit-trail-supervisor")

    p.wait_for_load_state("networkidle")
    assert browser_page.foreign_requests() == []
