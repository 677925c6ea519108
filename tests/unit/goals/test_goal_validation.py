"""Kind messages for goal, rating and weekly review input."""

import math

import pytest

from goals import model
from goals.validation import (
    validate_gas_score,
    validate_gas_weight,
    validate_rating,
    validate_required,
    validate_week,
    validate_week_range,
)


@pytest.mark.parametrize("week", [1, 15, 30])
def test_weeks_inside_the_plan_are_fine(week):
    assert validate_week(week, 30) is None


@pytest.mark.parametrize(("week", "message"), [(34, "Week 34"), (31, "Week 31"), (0, "Week 0"), (-2, "Week -2")])
def test_weeks_outside_the_plan(week, message):
    assert validate_week(week, 30) == f"{message} is outside this plan (weeks 1 to 30)."


@pytest.mark.parametrize("week", [None, "3", 2.5, True])
def test_a_week_must_be_a_whole_number(week):
    assert validate_week(week, 30) == "Please give the week as a whole number."


def test_week_ranges():
    assert validate_week_range(3, 10, 30) is None
    assert validate_week_range(3, 3, 30) is None  # a one-week intervention
    assert validate_week_range(3, None, 30) is None  # still going
    assert validate_week_range(10, 3, 30) == "The end week comes before the start week."
    assert validate_week_range(0, 3, 30) == "Start: Week 0 is outside this plan (weeks 1 to 30)."
    assert validate_week_range(3, 34, 30) == "End: Week 34 is outside this plan (weeks 1 to 30)."


@pytest.mark.parametrize("value", [0, 5, 10])
def test_ratings_from_zero_to_ten(value):
    assert validate_rating(value) is None


@pytest.mark.parametrize("value", [-1, 11, 7.5, "7", None, False])
def test_ratings_out_of_range_or_not_whole(value):
    assert validate_rating(value) == "Please give a rating from 0 to 10 in whole numbers."


def test_gas_scores_and_weights():
    assert [validate_gas_score(v) for v in (-2, 0, 2)] == [None, None, None]
    for bad in (-3, 3, 0.5, None, True):
        assert validate_gas_score(bad) == (
            "Please score the goal from -2 (much less than expected) to +2 (much more than expected); "
            "0 means as expected."
        )
    assert validate_gas_weight(1) is None and validate_gas_weight(0.5) is None
    for bad in (0, -1, math.nan, math.inf, "1", None, True):
        assert validate_gas_weight(bad) == "Please give the weight as a number above 0 (1 means ordinary importance)."


def test_required_text():
    assert validate_required("Dad stayed in the room", "what went well this week", 200) is None
    assert validate_required("Line one\nline two\twith a tab", "the barriers", 200) is None
    assert validate_required("  ", "the goal", 200) == "Please fill in the goal."
    assert validate_required(None, "the goal", 200) == "Please fill in the goal."
    assert validate_required("x" * 11, "the goal", 10) == "Please keep the goal to 10 characters or fewer (it is 11)."
    assert validate_required("  " + "x" * 10 + "  ", "the goal", 10) is None  # trimmed first
    hidden = "the goal contains hidden characters, perhaps pasted with the text. Please retype it."
    assert validate_required("Dad\x00 visits", "the goal", 200) == "T" + hidden[1:]
    assert validate_required("Dad \u202evisits", "the goal", 200) == "T" + hidden[1:]


def test_vocabularies_match_the_store():
    from planner import models

    assert model.GOAL_STATUSES == models.GOAL_STATUSES
    assert model.RATING_SUBJECTS == models.RATING_SUBJECTS
    assert (model.MIN_PLAN_WEEKS, model.MAX_PLAN_WEEKS, model.DEFAULT_PLAN_WEEKS) == (
        models.MIN_PLAN_WEEKS,
        models.MAX_PLAN_WEEKS,
        models.DEFAULT_PLAN_WEEKS,
    )
