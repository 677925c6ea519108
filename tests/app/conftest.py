"""Fixtures shared by the page tests."""

import pytest
from sqlmodel import select

from planner.db import make_engine, unit_of_work
from planner.models import Case


@pytest.fixture
def leon(demo_sqlite_url, monkeypatch):
    """The app pointed at a copy of the demo; yields its engine and Leon's case id."""
    monkeypatch.setenv("PLANNER_DATABASE_URL", demo_sqlite_url)
    engine = make_engine(demo_sqlite_url)
    with unit_of_work(engine) as session:
        case_id = session.exec(select(Case.id).where(Case.alias == "Leon")).one()
    yield engine, case_id
    engine.dispose()
