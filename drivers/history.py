"""The fit circle as it stood at a past week, for replaying the map over treatment."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from drivers.model import Driver


def map_at_week(
    drivers: Iterable[Driver], ratings_by_week: Mapping[int, Mapping[int, int]], week: int
) -> list[Driver]:
    """Each driver with the latest rating recorded at or before ``week`` (None if none yet).

    ``ratings_by_week`` maps week number -> {driver id: rating recorded that week}. Every
    driver is returned, in the order given; the driver's current rating is never used, so a
    driver first rated after ``week`` shows as unrated.
    """
    latest: dict[int, int] = {}
    for recorded_week in sorted(w for w in ratings_by_week if w <= week):
        latest.update(ratings_by_week[recorded_week])
    return [replace(d, rating=latest.get(d.id)) for d in drivers]
