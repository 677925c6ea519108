"""Progress series for the charts: the overall scale, driver ratings, weekly goals, time left, trends.

Everything here takes plain data (``goals.model``) and returns lists of tuples or frozen
dataclasses in week order; ``pandas.DataFrame(rows)`` turns any of them into a chart-ready frame.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from goals.model import IntermediaryGoal, WeeklyRating

# A trend flatter than this (points per week on a 0-10 scale) reads as "steady".
FLAT_SLOPE = 0.1


@dataclass(frozen=True)
class DriverRatingRow:
    """One point of the driver-ratings chart (long format: one row per driver per week)."""

    week: int
    driver_id: int
    driver: str
    value: int


@dataclass(frozen=True)
class WeekGoalCounts:
    """How one week's intermediary goals went.

    ``share_met`` is met / marked, where marked = met + partly met + not met; goals still "open"
    (not yet marked) are counted but left out of the share, so the current week does not look
    like a bad week before its review. None when nothing in the week is marked yet.
    """

    week: int
    met: int
    partly_met: int
    not_met: int
    open: int

    @property
    def marked(self) -> int:
        return self.met + self.partly_met + self.not_met

    @property
    def total(self) -> int:
        return self.marked + self.open

    @property
    def share_met(self) -> float | None:
        return self.met / self.marked if self.marked else None


def _by_week(points: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Week order; if a week appears twice (the database forbids it) the later one wins."""
    return sorted(dict(points).items())


def overall_series(ratings: Iterable[WeeklyRating]) -> list[tuple[int, int]]:
    """(week, value) of the overall 0-10 safety scale, in week order; unrated weeks are gaps."""
    return _by_week((r.week, r.value) for r in ratings if r.subject == "overall")


def driver_series(ratings: Iterable[WeeklyRating]) -> dict[int, list[tuple[int, int]]]:
    """driver id -> (week, value) in week order, e.g. for a sparkline per driver."""
    points: dict[int, dict[int, int]] = defaultdict(dict)
    for r in ratings:
        if r.subject == "driver" and r.subject_id is not None:
            points[r.subject_id][r.week] = r.value
    return {driver_id: sorted(weeks.items()) for driver_id, weeks in sorted(points.items())}


def driver_rating_rows(
    ratings: Iterable[WeeklyRating], names: Mapping[int, str]
) -> list[DriverRatingRow]:
    """Long-format rows (week, driver_id, driver, value) for the drivers named in ``names``.

    The caller chooses which drivers to chart by naming them (e.g. the prioritised ones);
    ratings of any other driver, such as an archived one, are left out. Rows are ordered by
    week, then driver name.
    """
    rows = [
        DriverRatingRow(week, driver_id, names[driver_id], value)
        for driver_id, points in driver_series(ratings).items()
        if driver_id in names
        for week, value in points
    ]
    return sorted(rows, key=lambda row: (row.week, row.driver.casefold(), row.driver_id))


def goal_counts_by_week(goals: Iterable[IntermediaryGoal]) -> list[WeekGoalCounts]:
    """Met / partly met / not met / open counts of intermediary goals, one row per week set.

    Statuses outside the vocabulary are counted as open (not yet marked).
    """
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for goal in goals:
        status = goal.status if goal.status in ("met", "partly_met", "not_met") else "open"
        counts[goal.week][status] += 1
    return [
        WeekGoalCounts(week, c["met"], c["partly_met"], c["not_met"], c["open"])
        for week, c in sorted(counts.items())
    ]


def weeks_left(current_week: int, planned_weeks: int) -> int:
    """Weeks of the plan after the current one: 18 in week 12 of 30, 0 in the last week and after."""
    return max(0, planned_weeks - current_week)


def trend(values: Sequence[tuple[int, float]], window: int = 4) -> float | None:
    """Slope per week of the last ``window`` points (by week), by least squares.

    ``values`` are (week, value) pairs in any order; missing weeks are simply absent, and the
    slope uses the real week numbers, so a gap does not steepen it. None with fewer than two
    points (no direction to show).
    """
    if window < 2:
        raise ValueError("A trend needs a window of at least 2 points.")
    points = sorted(values)[-window:]
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(w for w, _ in points) / n
    mean_y = sum(v for _, v in points) / n
    sxx = sum((w - mean_x) ** 2 for w, _ in points)
    if sxx == 0:  # every point in the same week: no slope to speak of
        return None
    sxy = sum((w - mean_x) * (v - mean_y) for w, v in points)
    return sxy / sxx


def direction(slope: float | None, flat: float = FLAT_SLOPE) -> str | None:
    """"up", "down" or "steady" for a sparkline arrow; None when there is no trend.

    Which way is better depends on the scale (a need should go down, the overall scale up),
    so this says only which way it moves.
    """
    if slope is None:
        return None
    if slope > flat:
        return "up"
    if slope < -flat:
        return "down"
    return "steady"
