"""Maps of 40 and 200 drivers render in the browser, with the analysis beside them."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from planner.db import make_engine, unit_of_work
from planner.models import User
from tests import factories
from tests.e2e.ui import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def big_cases(demo_sqlite_url):
    engine = make_engine(demo_sqlite_url)
    with unit_of_work(engine) as session:
        therapist = session.exec(select(User).where(User.username == "therapist")).one()
        ids = {
            n: factories.case_with_drivers(session, alias=f"Map{n}", therapist_id=therapist.id, team_id=therapist.team_id, drivers=n).id
            for n in (40, 200)
        }
    engine.dispose()
    return ids


@pytest.mark.parametrize("size", [40, 200])
def test_large_map_renders_with_its_ranking(server, page, big_cases, size):
    browser_page = page(1500, 1300)
    p = browser_page.page
    sign_in(p, f"{server}/driver_map?case={big_cases[size]}", "therapist")
    expect(p.get_by_role("heading", name=f"Driver map: Map{size}")).to_be_visible(timeout=60_000)
    frame = p.locator("iframe").first.element_handle().content_frame()
    frame.wait_for_function(f"() => window.plannerNetwork && window.plannerNetwork.body.data.nodes.length === {size + 1}", timeout=60_000)
    frame.evaluate("() => new Promise(done => { window.plannerNetwork.once('afterDrawing', done); window.plannerNetwork.redraw(); })")
    expect(p.get_by_text("Where change would matter most")).to_be_visible()
    expect(p.get_by_text(f"Full ranking ({size - size // 3} needs)")).to_be_visible()
    browser_page.screenshot(f"driver-map-{size}")
    assert browser_page.foreign_requests() == []
