"""The supervisor's Team dashboard in a real browser: the landing page, its flags, a screenshot, opening a case."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from planner.dashboard import team_dashboard
from planner.db import make_engine, unit_of_work
from tests.e2e.ui import settled, sign_in
from tests.helpers import person

pytestmark = pytest.mark.e2e


def expected_rows(url: str):
    """The dashboard as the service computes it for the demo supervisor (default order: most flags first)."""
    engine = make_engine(url)
    try:
        with unit_of_work(engine) as session:
            rows = team_dashboard(session, person(engine, "supervisor"), today=date.today())
    finally:
        engine.dispose()
    return rows.sort_values(["flag_count", "uncovered_count", "alias"], ascending=[False, False, True]).reset_index(drop=True)


def wait_for_grid(p) -> None:
    # Glide's grid draws on a canvas once it knows its width: wait for that, as a reader would.
    p.wait_for_function(
        "() => { const g = document.querySelector('[data-testid=stDataFrame]');"
        " return g && g.getBoundingClientRect().width > 400 && g.querySelector('canvas'); }",
        timeout=60_000,
    )


def test_supervisor_lands_on_the_team_dashboard(server, page, demo_sqlite_url):
    rows = expected_rows(demo_sqlite_url)
    top = rows.iloc[0]
    assert top["flag_count"] > 0
    browser_page = page(1600, 1000)
    p = browser_page.page
    sign_in(p, server, "supervisor")
    expect(p.get_by_role("heading", name="Team dashboard")).to_be_visible(timeout=30_000)
    expect(p.get_by_text("Cases with flags", exact=True)).to_be_visible()
    wait_for_grid(p)
    settled(p)
    p.wait_for_load_state("networkidle")
    browser_page.screenshot("team-dashboard")

    # The flags the rules raise are spelled out under the table, case by case.
    p.get_by_text(re.compile(r"^What the flags say")).click()
    for message in top["flag_messages"]:
        expect(p.get_by_text(message, exact=False).first).to_be_visible()
    flags = f"{top['flag_count']} flags"
    expect(p.get_by_text(re.compile(rf"^{re.escape(str(top['alias']))} · .* · {flags}$"))).to_be_visible()
    browser_page.screenshot("team-dashboard-flags")
    assert browser_page.foreign_requests() == []


def test_selecting_a_row_opens_that_case(server, page, demo_sqlite_url):
    top = expected_rows(demo_sqlite_url).iloc[0]
    browser_page = page(1600, 1000)
    p = browser_page.page
    sign_in(p, server, "supervisor")
    expect(p.get_by_role("heading", name="Team dashboard")).to_be_visible(timeout=30_000)
    wait_for_grid(p)
    settled(p)
    grid = p.get_by_test_id("stDataFrame").first.bounding_box()
    # The first data row's selection box: just right of the grid's left edge, below the header row.
    p.mouse.click(grid["x"] + 14, grid["y"] + 35 + 17)
    expect(p.get_by_role("heading", name=re.compile(rf"^{re.escape(str(top['alias']))}"))).to_be_visible(timeout=30_000)
    assert f"case={top['case_id']}" in p.url
    # Back on the dashboard, the old selection does not bounce the supervisor into the case again.
    p.get_by_test_id("stSidebarNav").get_by_role("link", name="Team dashboard").click()
    expect(p.get_by_role("heading", name="Team dashboard")).to_be_visible(timeout=30_000)
    settled(p)
    expect(p.get_by_role("heading", name="Team dashboard")).to_be_visible()
    assert "case=" not in p.url


def test_a_link_opens_a_case(server, page, demo_sqlite_url):
    rows = expected_rows(demo_sqlite_url)
    leon = rows[rows["alias"] == "Leon"].iloc[0]
    browser_page = page(1600, 1000)
    p = browser_page.page
    sign_in(p, server, "supervisor")
    expect(p.get_by_role("heading", name="Team dashboard")).to_be_visible(timeout=30_000)
    p.locator(f"a[href$='case_overview?case={leon['case_id']}']").click()
    expect(p.get_by_role("heading", name=re.compile(r"^Leon, 11"))).to_be_visible(timeout=30_000)
    assert browser_page.foreign_requests() == []
