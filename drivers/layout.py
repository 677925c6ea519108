"""Fixed map positions: the behaviour in the centre, one sector per system around it.

Positions depend only on each driver's system, kind and id, never on ratings or scores, so
the map stays still while a case is re-rated week after week; adding a driver moves only
the drivers after it in its own sector. No randomness: the same drivers give the same map.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from drivers.graph import BEHAVIOUR
from drivers.model import KINDS, SYSTEMS, Driver

FIRST_RING = 210  # px from the centre to the first ring of drivers
RING_GAP = 140  # px between rings: room for a four-line label above the next ring
NODE_GAP = 175  # px of arc per driver, room for a wrapped two-line label
SECTOR_FILL = 0.86  # share of each sector's angle used, leaving a gap between systems
X_STRETCH = 1.35  # maps are wider than tall: use the width


def positions(drivers: Iterable[Driver]) -> dict[int | str, tuple[float, float]]:
    """x, y (screen pixels, y down) for the behaviour node and every driver."""
    result: dict[int | str, tuple[float, float]] = {BEHAVIOUR: (0.0, 0.0)}
    sector = 2 * math.pi / len(SYSTEMS)
    by_system: dict[str, list[Driver]] = {s: [] for s in SYSTEMS}
    for driver in drivers:
        # An unknown system (drifted data) still gets drawn, in the last sector.
        by_system.get(driver.system, by_system[SYSTEMS[-1]]).append(driver)
    for index, system in enumerate(SYSTEMS):
        centre = -math.pi / 2 + index * sector  # individual at the top, then clockwise
        members = sorted(by_system[system], key=_order)
        for driver, (radius, angle) in zip(members, _slots(len(members), sector * SECTOR_FILL)):
            theta = centre + angle
            result[driver.id] = (
                round(X_STRETCH * radius * math.cos(theta), 1),
                round(radius * math.sin(theta), 1),
            )
    return result


def _order(driver: Driver) -> tuple[int, int]:
    # Needs sit nearer the behaviour, strengths further out: a protective outer ring.
    kind = KINDS.index(driver.kind) if driver.kind in KINDS else 0
    return (kind, driver.id)


def _slots(count: int, span: float) -> list[tuple[float, float]]:
    """(radius, angle offset within the sector) for ``count`` drivers, filling rings outwards."""
    slots: list[tuple[float, float]] = []
    ring = 0
    while len(slots) < count:
        radius = FIRST_RING + ring * RING_GAP
        capacity = max(1, int(span * radius / NODE_GAP))
        here = min(capacity, count - len(slots))
        # Odd rings move half a slot clockwise, so a label never hangs straight onto the
        # driver in the ring below it.
        shift = 1.0 if ring % 2 else 0.5
        step = span / capacity
        first = -span / 2 + step * shift + (capacity - here) * step / 2
        slots.extend((radius, first + k * step) for k in range(here))
        ring += 1
    return slots

