"""The access rules, walked over every role, relation to the case, and action."""

import itertools

import pytest

from planner.access import AccessDenied, Action, CaseRef, Principal, authorize, is_allowed

CASE = CaseRef(id=10, therapist_id=1, team_id=100)
PEOPLE = {
    "own therapist": Principal(1, "therapist", "T", "therapist", 100),
    "same-team therapist": Principal(2, "therapist2", "T2", "therapist", 100),
    "other-team therapist": Principal(3, "t3", "T3", "therapist", 200),
    "own supervisor": Principal(4, "supervisor", "S", "supervisor", 100),
    "other-team supervisor": Principal(5, "s2", "S2", "supervisor", 200),
    "own family": Principal(6, "family", "F", "family", None, family_case_id=10),
    "another family": Principal(7, "family2", "F2", "family", None, family_case_id=11),
    "admin": Principal(8, "admin", "A", "admin", None),
    "deactivated own therapist": Principal(1, "therapist", "T", "therapist", 100, active=False),
    "anonymous": None,
}
ALLOWED = {
    "own therapist": {"view", "edit", "archive", "export", "view_family_summary"},
    "own supervisor": {"view", "export", "comment", "sign_off", "reassign", "rate_fidelity", "view_family_summary"},
    "own family": {"view_family_summary"},
}
CASELESS = (Action.LIST_CASES, Action.MANAGE_ACCOUNTS, Action.SUPERVISE, Action.VIEW_AUDIT, Action.IMPORT_CASE)
CASE_ACTIONS = [a for a in Action if a not in CASELESS]


@pytest.mark.parametrize(("who", "action"), list(itertools.product(PEOPLE, CASE_ACTIONS)))
def test_case_actions(who, action):
    expected = action.value in ALLOWED.get(who, set())
    assert is_allowed(PEOPLE[who], action, CASE) is expected
    if not expected:
        with pytest.raises(AccessDenied):
            authorize(PEOPLE[who], action, CASE)


@pytest.mark.parametrize("who", list(PEOPLE))
def test_actions_without_a_case(who):
    person = PEOPLE[who]
    role = person.role if person and person.active else None
    assert is_allowed(person, Action.LIST_CASES) is (role in ("therapist", "supervisor"))
    assert is_allowed(person, Action.MANAGE_ACCOUNTS) is (role == "admin")
    assert is_allowed(person, Action.SUPERVISE) is (role == "supervisor")
    assert is_allowed(person, Action.VIEW_AUDIT) is (role in ("supervisor", "admin"))
    assert is_allowed(person, Action.IMPORT_CASE) is (role == "therapist")
    # A case action with no case is never allowed: deny by default.
    assert is_allowed(person, Action.VIEW) is False


def test_supervisor_without_team_sees_nothing():
    lone = Principal(9, "s0", "S0", "supervisor", None)
    assert not is_allowed(lone, Action.VIEW, CaseRef(id=1, therapist_id=1, team_id=0))
    assert not is_allowed(lone, Action.SUPERVISE)
    assert not is_allowed(lone, Action.VIEW_AUDIT)
