"""The map as it stood at a past week."""

from drivers.history import map_at_week
from drivers.model import Driver
from drivers.network_html import map_at_week as reexported

DRIVERS = [
    Driver(1, "Father minimises the harm", "family", "need", 2, 4, True),
    Driver(2, "Low warmth", "family", "need", 3, 4, True),
    Driver(3, "Added late", "peers", "need", 6, 3, False),
]
# week -> {driver id: rating recorded that week}
RATINGS = {1: {1: 9, 2: 8}, 4: {1: 7}, 9: {2: 5, 3: 6}, 12: {1: 2, 2: 3}}


def ratings(drivers):
    return {d.id: d.rating for d in drivers}


def test_latest_rating_at_or_before_the_week():
    assert ratings(map_at_week(DRIVERS, RATINGS, 1)) == {1: 9, 2: 8, 3: None}
    assert ratings(map_at_week(DRIVERS, RATINGS, 3)) == {1: 9, 2: 8, 3: None}
    assert ratings(map_at_week(DRIVERS, RATINGS, 4)) == {1: 7, 2: 8, 3: None}
    assert ratings(map_at_week(DRIVERS, RATINGS, 10)) == {1: 7, 2: 5, 3: 6}
    assert ratings(map_at_week(DRIVERS, RATINGS, 30)) == {1: 2, 2: 3, 3: 6}


def test_before_any_rating_everything_is_unrated():
    assert ratings(map_at_week(DRIVERS, RATINGS, 0)) == {1: None, 2: None, 3: None}
    assert ratings(map_at_week(DRIVERS, {}, 5)) == {1: None, 2: None, 3: None}


def test_everything_else_is_kept_and_the_input_is_untouched():
    past = map_at_week(DRIVERS, RATINGS, 4)
    assert [(d.id, d.name, d.prioritised) for d in past] == [(d.id, d.name, d.prioritised) for d in DRIVERS]
    assert DRIVERS[0].rating == 2


def test_also_available_next_to_the_map():
    assert reexported is map_at_week
