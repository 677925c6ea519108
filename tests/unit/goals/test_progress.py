"""Progress series for the charts, and the trend behind each sparkline's arrow."""

import pandas as pd
import pytest

from goals.model import IntermediaryGoal, WeeklyRating
from goals.progress import (
    DriverRatingRow,
    WeekGoalCounts,
    direction,
    driver_rating_rows,
    driver_series,
    goal_counts_by_week,
    overall_series,
    trend,
    weeks_left,
)


def overall(week, value):
    return WeeklyRating(week, "overall", None, value)


def driver(week, driver_id, value):
    return WeeklyRating(week, "driver", driver_id, value)


RATINGS = [
    overall(3, 4),
    driver(1, 7, 8),
    overall(1, 2),
    driver(3, 7, 6),
    driver(1, 9, 5),
    WeeklyRating(1, "goal", 40, 3),  # a goal rating: in neither series
    driver(2, 12, 4),  # a driver the caller does not chart
]


def test_overall_series_is_in_week_order_with_gaps():
    assert overall_series(RATINGS) == [(1, 2), (3, 4)]
    assert overall_series([]) == []


def test_driver_series_per_driver():
    assert driver_series(RATINGS) == {7: [(1, 8), (3, 6)], 9: [(1, 5)], 12: [(2, 4)]}


def test_driver_rows_are_long_format_for_the_named_drivers_only():
    rows = driver_rating_rows(RATINGS, {7: "Dad minimises the harm", 9: "Loose supervision at visits"})
    assert rows == [
        DriverRatingRow(1, 7, "Dad minimises the harm", 8),
        DriverRatingRow(1, 9, "Loose supervision at visits", 5),
        DriverRatingRow(3, 7, "Dad minimises the harm", 6),
    ]
    frame = pd.DataFrame(rows)
    assert list(frame.columns) == ["week", "driver_id", "driver", "value"]


def goal(id, week, status, text="Dad and Leon have 20 minutes together"):
    return IntermediaryGoal(id, week, text, status)


def test_goal_counts_per_week_and_share_of_marked_goals_met():
    goals = [
        goal(1, 1, "met"),
        goal(2, 1, "not_met"),
        goal(3, 1, "partly_met"),
        goal(4, 1, "met"),
        goal(5, 2, "met"),
        goal(6, 2, "open"),  # not marked yet: counted, but not in the share
        goal(7, 3, "open"),
        goal(8, 3, "archived?"),  # unknown status counts as not yet marked
    ]
    counts = goal_counts_by_week(goals)
    assert counts == [
        WeekGoalCounts(1, met=2, partly_met=1, not_met=1, open=0),
        WeekGoalCounts(2, met=1, partly_met=0, not_met=0, open=1),
        WeekGoalCounts(3, met=0, partly_met=0, not_met=0, open=2),
    ]
    assert [c.share_met for c in counts] == [0.5, 1.0, None]  # 2 of 4; 1 of 1; nothing marked
    assert [(c.marked, c.total) for c in counts] == [(4, 4), (1, 2), (0, 2)]


@pytest.mark.parametrize(("current", "planned", "left"), [(1, 30, 29), (12, 30, 18), (30, 30, 0), (33, 30, 0)])
def test_weeks_left(current, planned, left):
    assert weeks_left(current, planned) == left


def test_trend_of_a_straight_line_is_its_slope():
    # 2, 3, 4, 5 a week apart: slope 1 a week
    assert trend([(1, 2), (2, 3), (3, 4), (4, 5)]) == pytest.approx(1.0)


def test_trend_uses_only_the_last_window_points_in_week_order():
    # unsorted; the last four weeks (3..6) are 8, 7, 6, 5: slope -1 (the early 0 and 10 are ignored)
    points = [(6, 5), (1, 0), (4, 7), (2, 10), (3, 8), (5, 6)]
    assert trend(points) == pytest.approx(-1.0)
    # window 2: weeks 5 and 6 only: (5 - 6) / 1 = -1
    assert trend(points, window=2) == pytest.approx(-1.0)


def test_trend_by_least_squares_worked_by_hand():
    # weeks 1..4, values 2, 4, 3, 5: mean x 2.5, mean y 3.5
    # Sxy = (-1.5)(-1.5) + (-0.5)(0.5) + (0.5)(-0.5) + (1.5)(1.5) = 2.25 - 0.25 - 0.25 + 2.25 = 4
    # Sxx = 2.25 + 0.25 + 0.25 + 2.25 = 5 -> slope 0.8
    assert trend([(1, 2), (2, 4), (3, 3), (4, 5)]) == pytest.approx(0.8)


def test_trend_counts_real_weeks_across_a_gap():
    # weeks 1 and 5 (a month apart), 6 -> 2: a fall of 4 in 4 weeks = -1 a week, not -4
    assert trend([(1, 6), (5, 2)]) == pytest.approx(-1.0)


def test_no_trend_from_fewer_than_two_points():
    assert trend([]) is None
    assert trend([(3, 5)]) is None
    assert trend([(3, 5), (3, 6)]) is None  # both in one week: no slope


def test_trend_window_must_be_at_least_two():
    with pytest.raises(ValueError, match="at least 2"):
        trend([(1, 1), (2, 2)], window=1)


@pytest.mark.parametrize(
    ("slope", "expected"), [(None, None), (0.0, "steady"), (0.1, "steady"), (-0.1, "steady"), (0.5, "up"), (-0.11, "down")]
)
def test_direction(slope, expected):
    assert direction(slope) == expected
