"""Map positions: behaviour in the centre, one sector per system, stable as the case changes."""

import math

from drivers.graph import BEHAVIOUR
from drivers.layout import X_STRETCH, positions
from drivers.model import SYSTEMS, Driver


def driver(id, system, kind="need", rating=5):
    return Driver(id, f"D{id}", system, kind, rating, 3, False)


def sector_of(x, y):
    """Which of the five sectors a point falls in (individual at the top, then clockwise)."""
    angle = math.atan2(y, x / X_STRETCH) + math.pi / 2  # 0 at the top
    return SYSTEMS[round(angle / (2 * math.pi / 5)) % 5]


def test_behaviour_is_in_the_centre():
    assert positions([])[BEHAVIOUR] == (0.0, 0.0)


def test_each_driver_sits_in_its_systems_sector():
    drivers = [driver(i, SYSTEMS[i % 5], "need" if i % 3 else "strength") for i in range(60)]
    where = positions(drivers)
    for d in drivers:
        assert sector_of(*where[d.id]) == d.system, d


def test_no_two_drivers_share_a_place_even_at_two_hundred():
    where = positions([driver(i, SYSTEMS[i % 5]) for i in range(200)])
    assert len(set(where.values())) == 201


def test_needs_sit_nearer_the_centre_than_strengths_in_a_sector():
    drivers = [driver(1, "family", "strength"), driver(2, "family"), driver(3, "family"), driver(4, "family")]
    where = positions(drivers)
    radius = {d.id: math.hypot(where[d.id][0] / X_STRETCH, where[d.id][1]) for d in drivers}
    assert radius[1] >= max(radius[2], radius[3], radius[4])


def test_ratings_do_not_move_drivers_and_a_new_driver_only_moves_its_own_sector():
    drivers = [driver(i, SYSTEMS[i % 5]) for i in range(20)]
    before = positions(drivers)
    assert positions([driver(d.id, d.system, rating=0) for d in drivers]) == before
    after = positions(drivers + [driver(99, "family")])
    moved = {i for i in before if before[i] != after[i]}
    assert all(i != BEHAVIOUR and drivers[i].system == "family" for i in moved)


def test_same_input_same_output_in_any_order():
    drivers = [driver(i, SYSTEMS[i % 5]) for i in range(30)]
    assert positions(drivers) == positions(list(reversed(drivers)))
