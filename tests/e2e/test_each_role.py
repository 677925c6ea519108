"""Each role's first page in a real browser: the right page, nothing from other hosts, a screenshot to look at."""

import pytest
from playwright.sync_api import expect

from tests.e2e.ui import sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("username", "heading", "width", "must_show"),
    [
        ("supervisor", "Team dashboard", 1400, "Cases with flags"),
        ("therapist", "My cases", 1400, "Open a case"),
        ("family", "Our progress", 390, "What is going well"),
        ("admin", "Accounts", 1400, "Active accounts"),
    ],
)
def test_role_landing_page(server, page, username, heading, width, must_show):
    browser_page = page(width, 900)
    p = browser_page.page
    sign_in(p, server, username)
    expect(p.get_by_role("heading", name=heading)).to_be_visible(timeout=30_000)
    expect(p.get_by_text(must_show).first).to_be_visible()
    grids = p.get_by_test_id("stDataFrame")
    if grids.count():
        # Glide's grid draws on a canvas once it knows its width: wait for that, as a reader would.
        p.wait_for_function(
            "() => { const g = document.querySelector('[data-testid=stDataFrame]');"
            " return g && g.getBoundingClientRect().width > 400 && g.querySelector('canvas'); }",
            timeout=60_000,
        )
    p.wait_for_load_state("networkidle")
    browser_page.screenshot(f"{username}-landing")
    assert browser_page.foreign_requests() == []


def test_family_page_shows_nothing_restricted(server, page):
    browser_page = page(390, 900)
    p = browser_page.page
    sign_in(p, server, "family")
    expect(p.get_by_role("heading", name="Our progress")).to_be_visible(timeout=30_000)
    p.wait_for_load_state("networkidle")
    body = p.locator("body").inner_text()
    for restricted in ("Mia", "harmed", "minimises", "victim", "Supervisor", "hypothes"):
        assert restricted not in body, restricted
