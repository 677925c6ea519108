"""A therapist builds a small driver map in the browser, sees it drawn, hovers a node; nothing leaves localhost."""

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from planner.db import make_engine, unit_of_work
from planner.models import Case, User
from tests import factories
from tests.e2e.ui import pick, settled, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def empty_case_id(demo_sqlite_url):
    engine = make_engine(demo_sqlite_url)
    with unit_of_work(engine) as session:
        therapist = session.exec(select(User).where(User.username == "therapist")).one()
        case = factories.empty_case(session, alias="Jayden", therapist_id=therapist.id, team_id=therapist.team_id)
        case_id = case.id
    engine.dispose()
    return case_id


def add_driver(p, name: str, system: str, kind: str) -> None:
    p.get_by_role("radiogroup", name="Start from").get_by_text("My own wording").click()
    # The choice reruns the page and redraws the form in a new place, which drops anything typed before the
    # redraw: wait until the catalogue's list has gone (the rerun has arrived), then for the run to end.
    expect(p.get_by_role("combobox", name="Catalogue driver")).to_have_count(0, timeout=30_000)
    settled(p)
    form = p.get_by_test_id("stForm").first
    pick(p, form.get_by_test_id("stSelectbox").filter(has_text="System"), p.get_by_role("option", name=system, exact=True))
    form.get_by_role("radiogroup", name="Kind").get_by_text(kind, exact=True).click()
    form.get_by_test_id("stCheckbox").filter(has_text="Prioritised").click()
    form.get_by_label("Name").fill(name)
    expect(form.get_by_label("Name")).to_have_value(name)
    form.get_by_role("button", name="Add to the map").click()
    expect(p.get_by_text(f"Added “{name}” to the map.")).to_be_visible(timeout=30_000)


def test_build_a_small_map_and_hover_a_node(server, page, empty_case_id):
    browser_page = page(1500, 1100)
    p = browser_page.page
    sign_in(p, server, "therapist")
    expect(p.get_by_role("heading", name="My cases")).to_be_visible(timeout=30_000)
    p.get_by_role("link", name=re.compile(r"^Jayden, 13")).click()
    expect(p.get_by_role("heading", name=re.compile(r"^Jayden"))).to_be_visible(timeout=30_000)
    p.get_by_test_id("stMain").get_by_role("link", name="Driver map", exact=True).first.click()
    expect(p.get_by_role("heading", name="Driver map: Jayden")).to_be_visible(timeout=30_000)
    expect(p.get_by_text("No drivers yet: start from the catalogue below.")).to_be_visible()

    add_driver(p, "Mum <b>minimises</b> what happened", "Family", "Need")
    add_driver(p, "Plays for a football club", "Peers", "Strength")

    # Link the need to the behaviour.
    p.get_by_role("tab", name="Links").click()
    links = p.get_by_test_id("stForm").filter(has_text="Add link")
    pick(p, links.get_by_label("From"), p.get_by_role("option", name=re.compile("Mum")))
    links.get_by_label("Sequence (what happens)").fill("Mum says it was nothing -> no supervision")
    links.get_by_role("button", name="Add link").click()
    expect(p.get_by_text("Link added.")).to_be_visible(timeout=30_000)

    # The map is drawn with both drivers and the behaviour; user markup shows as text.
    frame = p.frame_locator("iframe").first
    expect(frame.locator("canvas").first).to_be_visible(timeout=30_000)
    iframe = p.locator("iframe").first
    iframe.scroll_into_view_if_needed()
    handle = iframe.element_handle().content_frame()
    handle.wait_for_function("() => window.plannerNetwork && window.plannerNetwork.body.data.nodes.length === 3")
    labels = handle.evaluate("() => window.plannerNetwork.body.data.nodes.get().map(n => n.label)")
    assert any("<b>minimises</b>" in label for label in labels), labels

    # Hover the need: its tooltip appears, as plain text.
    node = handle.evaluate(
        """() => {
            const net = window.plannerNetwork;
            const id = net.body.data.nodes.get().find(n => n.label.includes('Mum')).id;
            const dom = net.canvasToDOM(net.getPositions([id])[id]);
            const box = net.canvas.frame.canvas.getBoundingClientRect();
            return {x: box.left + dom.x, y: box.top + dom.y};
        }"""
    )
    frame_box = iframe.bounding_box()
    p.mouse.move(frame_box["x"] + node["x"], frame_box["y"] + node["y"])
    tooltip = frame.locator(".vis-tooltip")
    expect(tooltip).to_be_visible(timeout=10_000)
    expect(tooltip).to_contain_text("<b>minimises</b>")
    assert handle.evaluate("() => document.querySelectorAll('b').length") == 0
    browser_page.screenshot("driver-map-built")
    assert browser_page.foreign_requests() == []


def test_leons_map_and_ranking(server, page, demo_sqlite_url):
    with unit_of_work(make_engine(demo_sqlite_url)) as session:
        leon = session.exec(select(Case.id).where(Case.alias == "Leon")).one()
    browser_page = page(1500, 1200)
    p = browser_page.page
    sign_in(p, server, "therapist")
    expect(p.get_by_role("heading", name="My cases")).to_be_visible(timeout=30_000)
    p.get_by_role("link", name=re.compile(r"^Leon, 11")).click()
    p.get_by_test_id("stMain").get_by_role("link", name="Driver map", exact=True).first.click()
    expect(p.get_by_role("heading", name="Driver map: Leon")).to_be_visible(timeout=30_000)
    frame = p.locator("iframe").first.element_handle().content_frame()
    frame.wait_for_function("() => window.plannerNetwork && window.plannerNetwork.body.data.nodes.length >= 9")
    expect(p.get_by_text("Where change would matter most")).to_be_visible()
    # Wait for vis-network to finish a full paint before the screenshot (an event, not a sleep).
    frame.evaluate("() => new Promise(done => { window.plannerNetwork.once('afterDrawing', done); window.plannerNetwork.redraw(); })")
    browser_page.screenshot("driver-map-leon")
    assert browser_page.foreign_requests() == []
    assert leon > 0
