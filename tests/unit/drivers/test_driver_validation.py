"""Driver and link form checks, and their messages."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.analysis import validate_driver_fields, validate_link
from drivers.model import Driver, Link

GOOD = dict(name="Loose supervision", system="family", kind="need", rating=7, changeability=4,
            status="supported")
DRIVERS = [Driver(1, "A", "family", "need", 5, 3, False), Driver(2, "B", "peers", "need", 5, 3, False)]


def check(**changes):
    return validate_driver_fields(**{**GOOD, **changes})


# --------------------------------------------------------------------------- driver fields


def test_good_fields_pass():
    assert check() == {}
    assert check(rating=None) == {}
    assert check(rating=0, changeability=1) == {}
    assert check(rating=10, changeability=5, kind="strength", status="ruled_out") == {}


@pytest.mark.parametrize("name", ["", "   ", None, 42])
def test_name_is_required(name):
    assert check(name=name) == {"name": "Please give the driver a name."}


def test_name_length_counts_after_strip():
    assert check(name="  " + "x" * 120 + "  ") == {}
    assert "120 characters or fewer (it is 121)" in check(name="x" * 121)["name"]


@pytest.mark.parametrize("name", ["Tab\there", "Line\nbreak", "Bell\x07", "C1\x85", "Bidi\u202eevil", "Sep\u2028"])
def test_control_characters_are_refused(name):
    assert "hidden characters" in check(name=name)["name"]


def test_ordinary_unicode_is_fine():
    assert check(name="Ffion's anxiety – when Dad's away 😟") == {}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("system", "neighbourhood"), ("system", None), ("kind", "risk"), ("status", "maybe"),
        ("rating", -1), ("rating", 11), ("rating", 7.5), ("rating", True), ("rating", "7"),
        ("changeability", 0), ("changeability", 6), ("changeability", None), ("changeability", False),
    ],
)
def test_out_of_range_fields_name_the_field(field, value):
    assert list(check(**{field: value})) == [field]


def test_messages_say_what_to_do():
    errors = validate_driver_fields("", "x", "x", 99, 99, "x")
    assert errors == {
        "name": "Please give the driver a name.",
        "system": "Please choose a system: individual, family, peers, school or community.",
        "kind": "Please choose whether this driver is a need or a strength.",
        "rating": "Please rate from 0 (not at work now) to 10 (strongly at work now), or leave it unrated.",
        "changeability": "Please choose changeability from 1 (hard to change) to 5 (very open to change).",
        "status": "Please choose hypothesised, supported or ruled out.",
    }


ANYTHING = st.one_of(st.text(), st.none(), st.integers(), st.floats(), st.booleans(), st.binary())


@given(name=ANYTHING, system=ANYTHING, kind=ANYTHING, rating=ANYTHING, changeability=ANYTHING, status=ANYTHING)
def test_any_input_gives_messages_never_an_exception(name, system, kind, rating, changeability, status):
    errors = validate_driver_fields(name, system, kind, rating, changeability, status)
    assert set(errors) <= {"name", "system", "kind", "rating", "changeability", "status"}
    assert all(isinstance(m, str) and m for m in errors.values())
    # User text is never echoed back into a message.
    assert all(not (isinstance(name, str) and len(name) > 3 and name in m) for m in errors.values())


@given(st.text())
def test_any_text_name_is_accepted_exactly_when_clean(name):
    errors = validate_driver_fields(name, "family", "need", 5, 3, "supported")
    stripped = name.strip()
    clean = all(ord(c) >= 32 and not 0x7F <= ord(c) <= 0x9F for c in name) and not any(
        c in name for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
    )
    assert ("name" not in errors) == (bool(stripped) and len(stripped) <= 120 and clean)


# --------------------------------------------------------------------------- links


def test_good_links_pass():
    assert validate_link(Link(1, 2, 3, "Dad's denial loosens supervision"), DRIVERS, []) == []
    assert validate_link(Link(1, None, 1), DRIVERS, [Link(1, 2, 2)]) == []
    assert validate_link(Link(2, 1, 2), DRIVERS, [Link(1, 2, 2)]) == []  # the reverse makes a loop: allowed


def test_no_link_from_a_driver_to_itself():
    assert validate_link(Link(1, 1, 2), DRIVERS, []) == [
        "A driver can't drive itself: please choose two different drivers."
    ]


def test_no_duplicate_link():
    assert validate_link(Link(1, None, 3), DRIVERS, [Link(1, None, 1)]) == [
        "These two are already linked. To change how strong the link is, edit that link instead."
    ]


def test_unknown_drivers():
    assert validate_link(Link(9, 1, 2), DRIVERS, []) == [
        "We can't find the driver this link starts from; it may have been removed. Please choose it again."
    ]
    assert validate_link(Link(1, 9, 2), DRIVERS, []) == [
        "We can't find the driver this link points to; it may have been removed. Please choose it again."
    ]
    assert validate_link(Link(None, 1, 2), DRIVERS, []) == ["Please choose the driver this link starts from."]


@pytest.mark.parametrize("strength", [0, 4, -1, 2.0, True, None, "2"])
def test_strength_is_one_to_three(strength):
    assert validate_link(Link(1, 2, strength), DRIVERS, []) == [
        "Please choose a strength: 1 (weak), 2 (moderate) or 3 (strong)."
    ]


def test_note_at_most_200_characters():
    assert validate_link(Link(1, 2, 2, "n" * 200), DRIVERS, []) == []
    assert validate_link(Link(1, 2, 2, "n" * 201), DRIVERS, []) == [
        "Please keep the note to 200 characters or fewer (it is 201)."
    ]


def test_several_problems_are_all_reported():
    assert len(validate_link(Link(1, 1, 9, "n" * 300), DRIVERS, [Link(1, 1, 1)])) == 4
