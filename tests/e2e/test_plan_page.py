"""In the browser: a therapist opens Leon's Plan page, adds a safety rule and sees it listed; nothing leaves localhost."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from planner.db import make_engine, unit_of_work
from planner.models import Case
from tests.e2e.ui import pick, select_box, sign_in

pytestmark = pytest.mark.e2e

RULE = "Nan is the named adult whenever the cousins visit on Sundays"


def choose(p, combobox: str, typed: str, option: str, *, multiple: bool = False) -> None:
    """Pick an option from a Streamlit select box by typing to filter it (a multiselect then shows it as a chip)."""
    pick(
        p, p.get_by_role("combobox", name=combobox, exact=True), p.get_by_role("option", name=option), typed=typed,
        chosen=select_box(p, combobox).filter(has_text=option) if multiple else None,
    )


def test_therapist_adds_a_safety_rule_to_leons_plan(server, page, demo_sqlite_url):
    engine = make_engine(demo_sqlite_url)
    with unit_of_work(engine) as session:
        leon = session.exec(select(Case.id).where(Case.alias == "Leon")).one()
    engine.dispose()
    browser_page = page(1400, 1100)
    p = browser_page.page
    sign_in(p, f"{server}/plan?case={leon}", "therapist")  # a link to the page: sign in, then it opens
    expect(p.get_by_role("heading", name="Plan: Leon")).to_be_visible(timeout=30_000)
    expect(p.get_by_text("Written supervision plan for family visits").first).to_be_attached()

    p.get_by_role("tab", name="Safety plan").click()
    p.get_by_text("Add a rule", exact=True).click()
    form = p.get_by_test_id("stForm").filter(has=p.get_by_role("button", name="Add the rule"))
    form.get_by_label("Rule", exact=True).fill(RULE)
    form.get_by_label("Adults responsible").fill("Dad and Nan")
    choose(p, "Risks it manages (needs)", "Loose supervision", "Loose supervision when cousins visit", multiple=True)
    p.keyboard.press("Escape")
    form.get_by_role("button", name="Add the rule").click()
    expect(p.get_by_text("Added the home rule.")).to_be_visible(timeout=30_000)

    # Listed in the plan, with who is responsible and the risk it manages; the Safety plan tab stays open.
    listed = p.get_by_test_id("stMain").get_by_text(RULE, exact=True)
    expect(listed).to_be_visible()
    expect(p.get_by_text("Responsible: Dad and Nan · Manages: Loose supervision when cousins visit")).to_be_visible()
    listed.scroll_into_view_if_needed()
    p.wait_for_load_state("networkidle")
    browser_page.screenshot("plan-leon")

    # Archiving asks first, then lists the rule apart.
    p.get_by_text("Edit or archive a rule", exact=True).click()
    choose(p, "Rule", "Nan is the named", f"Home · {RULE}")
    p.get_by_role("button", name="Archive this rule…").click()
    dialog = p.get_by_role("dialog")
    expect(dialog).to_contain_text("Archive this rule?")
    dialog.get_by_role("button", name="Archive", exact=True).click()
    expect(p.get_by_text("Safety rule archived.")).to_be_visible(timeout=30_000)
    expect(p.get_by_text("Archived rules (1)")).to_be_visible()
    expect(p.get_by_test_id("stMain").get_by_text(RULE, exact=True)).to_have_count(0)
    assert browser_page.foreign_requests() == []
