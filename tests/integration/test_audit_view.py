"""The audit trail as administrators and supervisors read it: scope, filters, paging, the chain check."""

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from planner import audit
from planner.access import AccessDenied
from planner.audit_view import audit_actions, audit_events, audit_people, check_chain
from planner.db import unit_of_work
from planner.errors import InvalidInput
from planner.models import AuditEvent, FamilyAccess
from tests import factories
from tests.conftest import TODAY
from tests.helpers import person

pytestmark = pytest.mark.db
PASSWORD = "correct horse battery"


@pytest.fixture
def trail(engine):
    """Two teams, and distinct entries, each marked by its object id, to see who sees which."""
    with unit_of_work(engine) as session:
        north, river = factories.team(session, "North"), factories.team(session, "River")
        staff = {
            name: factories.user(session, name, role, team_id=team, password=PASSWORD)
            for name, role, team in (
                ("therapist", "therapist", north.id), ("therapist2", "therapist", north.id),
                ("supervisor", "supervisor", north.id), ("r.evans", "therapist", river.id),
                ("supervisor2", "supervisor", river.id), ("admin", "admin", None),
            )
        }
        staff["supervisor2"].display_name = "Farida Haddad"
        leon = factories.empty_case(session, alias="Leon", therapist_id=staff["therapist"].id, team_id=north.id).id
        riverside_case = factories.empty_case(session, alias="Sam", therapist_id=staff["r.evans"].id, team_id=river.id).id
        family = factories.user(session, "family", "family", team_id=None, password=PASSWORD)
        session.add(FamilyAccess(account_id=family.id, case_id=leon))
    who = {name: person(engine, name) for name in ("therapist", "supervisor2", "r.evans", "family", "admin")}
    with unit_of_work(engine) as session:
        session.execute(text("DELETE FROM audit_event"))  # only the entries below (the chain stays valid)
        audit.record(session, actor=who["therapist"], action="view", object_type="case", object_id=9001, case_id=leon)
        audit.record(session, actor=who["supervisor2"], action="view", object_type="case", object_id=9002, case_id=riverside_case)
        audit.record(session, actor=who["r.evans"], action="sign_in", object_id=9003)
        audit.record(session, actor=None, actor_name="therapist2", action="sign_in_failed", object_id=9004, outcome="denied")
        audit.record(session, actor=None, actor_name="nobody", action="sign_in_failed", object_id=9005, outcome="denied")
        audit.record(session, actor=who["admin"], action="deactivate", object_type="account", object_id=9006)
        audit.record(session, actor=who["family"], action="sign_in", object_id=9007)
        audit.record(
            session, actor=who["supervisor2"], action="view", object_type="case", object_id=9008, case_id=leon, outcome="denied"
        )
    return engine, leon


def seen(engine, username, **filters) -> set[int]:
    user = person(engine, username)
    with unit_of_work(engine) as session:
        page = audit_events(session, user, **filters)
    # the planted entries are told apart by their object id (9001...); the page views' own entries have none
    return {int(r.object.split()[-1]) for r in page.rows if r.object and r.object.split()[-1].isdigit()}


def test_supervisor_sees_only_their_team_part(trail):
    engine, leon = trail
    assert seen(engine, "supervisor") == {9001, 9004, 9007, 9008}
    assert seen(engine, "supervisor2") == {9002, 9003, 9008}  # 9008: their own refused try on Leon
    with unit_of_work(engine) as session:
        names = {name for name, _ in audit_people(session, person(engine, "supervisor"))}
    assert {"supervisor", "therapist", "therapist2", "family"} <= names and not names & {"supervisor2", "r.evans", "admin"}


def test_admin_sees_everything_newest_first_in_readable_rows(trail):
    engine, leon = trail
    assert seen(engine, "admin") == set(range(9001, 9009))
    with unit_of_work(engine) as session:
        page = audit_events(session, person(engine, "admin"), limit=3)
    assert page.total == 9 and len(page.rows) == 3  # the 8 planted, and the admin's reading above
    assert page.rows[0].id > page.rows[1].id > page.rows[2].id
    assert [r.what for r in page.rows[:1]] == ["Audit trail viewed"]  # the admin's reading just above
    with unit_of_work(engine) as session:
        first = audit_events(session, person(engine, "admin"), action="view", limit=1).rows[0]
    assert (first.actor, first.actor_name, first.what, first.object, first.case_id, first.outcome) == (
        "supervisor2", "Farida Haddad", "Viewed", "case 9008", leon, "denied")
    assert first.at.tzinfo is not None and abs(first.at.date() - TODAY) <= timedelta(days=1)


def test_filters_and_paging(trail):
    engine, leon = trail
    assert seen(engine, "admin", action="sign_in_failed") == {9004, 9005}
    assert seen(engine, "admin", actor=" Therapist2 ") == {9004}
    assert seen(engine, "admin", case_id=leon) == {9001, 9008}
    assert seen(engine, "supervisor", case_id=leon, actor="supervisor2") == {9008}
    assert seen(engine, "admin", since=TODAY + timedelta(days=2)) == set()
    assert seen(engine, "admin", until=TODAY - timedelta(days=2)) == set()
    assert seen(engine, "admin", since=TODAY - timedelta(days=1), until=TODAY + timedelta(days=1)) == set(range(9001, 9009))
    pages = []
    for offset in (0, 3, 6):
        with unit_of_work(engine) as session:
            pages.append([r.id for r in audit_events(session, person(engine, "admin"), action="view", limit=3, offset=offset).rows])
    assert [len(p) for p in pages] == [3, 0, 0]
    with pytest.raises(InvalidInput):
        with unit_of_work(engine) as session:
            audit_events(session, person(engine, "admin"), since=TODAY, until=TODAY - timedelta(days=1))


def test_paging_pinned_to_the_first_page_walks_every_entry_once(trail):
    engine, _ = trail
    with unit_of_work(engine) as session:
        first = audit_events(session, person(engine, "admin"), limit=3)
    ids = [r.id for r in first.rows]
    for offset in range(3, first.total, 3):
        # each reading adds an entry at the top: pinned to the first page's newest entry, nothing shifts
        with unit_of_work(engine) as session:
            ids += [r.id for r in audit_events(session, person(engine, "admin"), limit=3, offset=offset, up_to=first.newest_id).rows]
    assert len(ids) == len(set(ids)) == first.total == 8
    assert ids == sorted(ids, reverse=True)


def test_reading_the_trail_is_itself_audited(trail):
    engine, _ = trail
    seen(engine, "supervisor")
    with unit_of_work(engine) as session:
        entry = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (entry.actor, entry.action, entry.object_type, entry.outcome) == ("supervisor", "view_audit", "audit_trail", "ok")


@pytest.mark.parametrize("username", ["therapist", "family"])
def test_therapists_and_families_are_refused_and_that_is_audited(trail, username):
    engine, _ = trail
    for call in (audit_events, audit_people, audit_actions):
        with pytest.raises(AccessDenied):
            with unit_of_work(engine) as session:
                call(session, person(engine, username))
    with pytest.raises(AccessDenied):
        check_chain(engine, person(engine, username))
    with unit_of_work(engine) as session:
        refusals = session.exec(
            select(AuditEvent).where(AuditEvent.actor == username, AuditEvent.action == "view_audit", AuditEvent.outcome == "denied")
        ).all()
    assert len(refusals) == 4


def test_only_admins_check_the_chain_and_it_names_an_altered_entry(trail, monkeypatch):
    engine, _ = trail
    monkeypatch.setattr("planner.audit_view.CHAIN_SLICE", 3)  # several slices, as on a long trail
    with pytest.raises(AccessDenied):
        check_chain(engine, person(engine, "supervisor"))
    result = check_chain(engine, person(engine, "admin"))
    with unit_of_work(engine) as session:
        whole = audit.verify(session)
    assert (whole.first_bad_id, whole.checked) == (None, result.checked + 1)  # + the check's own entry
    assert result.first_bad_id is None and result.checked == 9  # the 8 planted and the supervisor's refusal
    with unit_of_work(engine) as session:
        assert session.exec(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first() == "verify_audit"
        victim = session.exec(select(AuditEvent.id).where(AuditEvent.object_id == 9005)).one()
        session.execute(text("UPDATE audit_event SET actor = 'someone' WHERE id = :id"), {"id": victim})
    result = check_chain(engine, person(engine, "admin"))
    with unit_of_work(engine) as session:
        assert result == audit.verify(session)
    assert result.first_bad_id == victim and result.checked == 4 and f"Entry {victim}" in result.detail
