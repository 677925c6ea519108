"""Small helpers shared by the test modules: who is signed in, which case, a page opened as someone."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from planner.access import Principal
from planner.accounts import principal_for
from planner.db import unit_of_work
from planner.models import Case, User
from tests.conftest import DEMO_PASSWORD

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def person(engine, username: str) -> Principal:
    """The demo person `username`, as the services see them."""
    with unit_of_work(engine) as session:
        return principal_for(session, session.exec(select(User).where(User.username == username)).one())


def case_id(engine, alias: str) -> int:
    with unit_of_work(engine) as session:
        return session.exec(select(Case.id).where(Case.alias == alias)).one()


def signed_in(username: str, password: str = DEMO_PASSWORD) -> AppTest:
    """AppTest of the app after typing `username` and `password` into the sign-in form (on their home page when
    they are right; still on the form, with its message, when not)."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def open_case_page(username: str, page: str, case: int, *, password: str = DEMO_PASSWORD) -> AppTest:
    """AppTest of the app, signed in by typing, showing `page` for ?case=`case`."""
    at = signed_in(username, password)
    at.query_params["case"] = str(case)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at
