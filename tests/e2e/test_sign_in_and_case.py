"""A therapist signs in, opens Leon's case, and the browser never talks to another host."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.ui import sign_in

pytestmark = pytest.mark.e2e


def test_therapist_opens_leons_case_offline(server, page):
    browser_page = page()
    p = browser_page.page
    sign_in(p, server, "therapist")
    expect(p.get_by_role("heading", name="My cases")).to_be_visible(timeout=30_000)
    p.get_by_role("link", name=re.compile(r"^Leon, 11")).click()
    expect(p.get_by_role("heading", name=re.compile(r"^Leon, 11"))).to_be_visible(timeout=30_000)
    expect(p.get_by_text("Safety scale now")).to_be_visible()
    expect(p.get_by_text(re.compile(r"week \d+ of 30"))).to_be_visible()
    # The case's pages are listed under "This case" (links that carry the case), not in the app menu,
    # where a link without the case could only say "choose a case".
    expect(p.get_by_test_id("stSidebarUserContent").get_by_role("link", name="Driver map", exact=True)).to_be_visible()
    expect(p.get_by_test_id("stSidebarNav").get_by_role("link", name="Driver map", exact=True)).to_have_count(0)
    expect(p.get_by_test_id("stSidebarNav").get_by_role("link", name="My cases", exact=True)).to_be_visible()
    p.get_by_role("tab", name="Progress").click()
    expect(p.locator("[data-testid='stVegaLiteChart']").first).to_be_visible(timeout=30_000)
    p.get_by_role("tab", name="Drivers").click()
    p.wait_for_load_state("networkidle")
    shot = browser_page.screenshot("therapist-leon-case")
    assert shot.stat().st_size > 10_000
    assert browser_page.foreign_requests() == []
    assert any("/_stcore/" in url for url in browser_page.requests)  # the recorder saw the app's own traffic


def test_colleague_is_refused_leons_case_by_url(server, page):
    browser_page = page()
    p = browser_page.page
    sign_in(p, server, "therapist")
    expect(p.get_by_role("heading", name="My cases")).to_be_visible(timeout=30_000)
    p.get_by_role("link", name=re.compile(r"^Leon, 11")).click()
    expect(p.get_by_role("heading", name=re.compile(r"^Leon"))).to_be_visible(timeout=30_000)
    leon_url = p.url

    # A colleague is sent the link: it asks them to sign in, then refuses.
    other = page().page
    sign_in(other, leon_url, "therapist2")
    expect(other.get_by_text("You do not have access to this case, or it does not exist.")).to_be_visible(timeout=30_000)
    expect(other.get_by_text("Dad minimises what happened")).to_have_count(0)
    assert "case=" in other.url


def test_a_link_to_a_case_works_after_signing_in(server, page):
    browser_page = page()
    p = browser_page.page
    sign_in(p, server, "therapist")
    p.get_by_role("link", name=re.compile(r"^Leon, 11")).click()
    expect(p.get_by_role("heading", name=re.compile(r"^Leon"))).to_be_visible(timeout=30_000)
    fresh = page().page
    sign_in(fresh, p.url, "therapist")
    expect(fresh.get_by_role("heading", name=re.compile(r"^Leon, 11"))).to_be_visible(timeout=30_000)
    assert browser_page.foreign_requests() == []
