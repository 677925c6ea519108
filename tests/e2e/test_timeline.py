"""Leon's timeline and progress charts in a real browser."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from planner.db import make_engine, unit_of_work
from planner.models import Case
from tests.e2e.ui import sign_in

pytestmark = pytest.mark.e2e


def test_leons_timeline_and_progress(server, page, demo_sqlite_url):
    with unit_of_work(make_engine(demo_sqlite_url)) as session:
        leon = session.exec(select(Case.id).where(Case.alias == "Leon")).one()
    browser_page = page(1400, 1100)
    p = browser_page.page
    sign_in(p, f"{server}/timeline?case={leon}", "therapist")
    expect(p.get_by_role("heading", name="Timeline and progress: Leon")).to_be_visible(timeout=30_000)
    charts = p.get_by_test_id("stVegaLiteChart")
    expect(charts.first.locator("canvas, svg").first).to_be_visible(timeout=30_000)
    expect(p.get_by_text("week 24 of 30")).to_be_visible()
    browser_page.screenshot("timeline-leon")

    p.get_by_role("tab", name="Progress").click()
    expect(p.get_by_role("heading", name="Overall safety scale")).to_be_visible()
    visible = p.locator("[data-testid='stVegaLiteChart']:visible")
    expect(visible.nth(2)).to_be_visible(timeout=30_000)
    p.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')].filter(c => c.offsetParent && c.querySelector('canvas, svg')).length >= 3"
    )
    browser_page.screenshot("progress-leon")

    p.get_by_role("tab", name="On track").click()
    expect(p.get_by_text("Overarching goal unmet near the planned end").first).to_be_visible()
    assert browser_page.foreign_requests() == []
