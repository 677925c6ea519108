"""Goal Attainment Scaling: T = 50 + 10·Σwx / sqrt((1-ρ)Σw² + ρ(Σw)²), ρ = 0.3, worked by hand."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goals.gas import gas_series, gas_t_score


def test_one_goal_as_expected_is_fifty():
    # Σwx = 0 -> T = 50 whatever the denominator
    assert gas_t_score([0]) == 50.0


def test_one_goal_one_level_above_is_sixty():
    # Σwx = 1, Σw² = 1, (Σw)² = 1 -> sqrt(0.7·1 + 0.3·1) = 1 -> 50 + 10·1/1 = 60
    assert gas_t_score([1]) == pytest.approx(60.0)


def test_one_goal_weight_does_not_matter():
    # -2 weight 5: Σwx = -10, Σw² = 25, (Σw)² = 25 -> sqrt(17.5 + 7.5) = 5 -> 50 - 100/5 = 30
    assert gas_t_score([-2], [5]) == pytest.approx(30.0)


def test_scores_that_cancel_give_fifty():
    # (1, 0, -1): Σwx = 0 -> 50
    assert gas_t_score([1, 0, -1]) == pytest.approx(50.0)


def test_three_goals_above_expectation():
    # (2, 1, 0) weights 1: Σwx = 3, Σw² = 3, (Σw)² = 9
    # denominator sqrt(0.7·3 + 0.3·9) = sqrt(4.8) = 2.19089 -> 50 + 30/2.19089 = 63.693
    assert gas_t_score([2, 1, 0]) == pytest.approx(63.693, abs=1e-3)


def test_all_goals_much_better_than_expected():
    # (2, 2, 2): Σwx = 6, denominator sqrt(4.8) = 2.19089 -> 50 + 60/2.19089 = 77.386
    assert gas_t_score([2, 2, 2]) == pytest.approx(77.386, abs=1e-3)


def test_weighted_two_goals():
    # (1, -1) weights (2, 1): Σwx = 2 - 1 = 1, Σw² = 4 + 1 = 5, (Σw)² = 9
    # denominator sqrt(0.7·5 + 0.3·9) = sqrt(6.2) = 2.48998 -> 50 + 10/2.48998 = 54.016
    assert gas_t_score([1, -1], [2, 1]) == pytest.approx(54.016, abs=1e-3)


def test_weighted_three_goals():
    # (2, -1, 0) weights (3, 1, 2): Σwx = 6 - 1 + 0 = 5, Σw² = 9 + 1 + 4 = 14, (Σw)² = 36
    # denominator sqrt(0.7·14 + 0.3·36) = sqrt(20.6) = 4.53872 -> 50 + 50/4.53872 = 61.016
    assert gas_t_score([2, -1, 0], [3, 1, 2]) == pytest.approx(61.016, abs=1e-3)


def test_rho_changes_the_denominator():
    # (1, 1), ρ = 0: sqrt(2) -> 50 + 20/1.41421 = 64.142; ρ = 1: sqrt(Σw²·0 + 4) = 2 -> 60
    assert gas_t_score([1, 1], rho=0) == pytest.approx(64.142, abs=1e-3)
    assert gas_t_score([1, 1], rho=1) == pytest.approx(60.0)


def test_accepts_whole_floats_and_tuples():
    assert gas_t_score((1.0, 0.0), (1, 1.5)) == pytest.approx(gas_t_score([1, 0], [1, 1.5]))


@pytest.mark.parametrize(
    ("scores", "weights", "message"),
    [
        ([], None, "at least one goal score"),
        ([3], None, "goal 1 has 3"),
        ([0, -3], None, "goal 2 has -3"),
        ([0.5], None, "whole numbers from -2 to +2"),
        ([True], None, "goal 1 has True"),
        ([1, 1], [1], "2 scores but 1 weights"),
        ([1], [0], "above 0; goal 1 has weight 0"),
        ([1, 1], [1, -2], "goal 2 has weight -2"),
        ([1], [math.inf], "above 0"),
        ([1], [math.nan], "above 0"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(scores, weights, message):
    with pytest.raises(ValueError, match=message.replace("+", r"\+")):
        gas_t_score(scores, weights)


@pytest.mark.parametrize("rho", [-0.1, 1.5, "0.3"])
def test_rho_outside_zero_to_one_is_refused(rho):
    with pytest.raises(ValueError, match="between 0 and 1"):
        gas_t_score([1], rho=rho)


def test_series_gives_one_point_per_scored_week_in_order():
    weekly = {
        8: {10: 1, 11: -1},  # weights 2 and 1 -> 54.016 (as above)
        4: {10: 0, 11: 0},  # 50
        6: {},  # no scores: skipped
        7: {10: None, 11: None},  # nothing scored: skipped
        9: {10: None, 11: 1},  # only goal 11, weight 1: 60
    }
    series = gas_series(weekly, {10: 2.0})
    assert [week for week, _ in series] == [4, 8, 9]
    assert series[0][1] == pytest.approx(50.0)
    assert series[1][1] == pytest.approx(54.016, abs=1e-3)
    assert series[2][1] == pytest.approx(60.0)


def test_series_weights_default_to_one_and_match_the_single_score():
    weekly = {3: {1: 2, 2: 1, 3: 0}}
    assert gas_series(weekly) == [(3, pytest.approx(gas_t_score([2, 1, 0])))]
    assert gas_series({}) == []


def test_series_errors_name_the_week_and_goal():
    with pytest.raises(ValueError, match="goal 12 in week 5 has 4"):
        gas_series({5: {11: 0, 12: 4}})
    with pytest.raises(ValueError, match="goal 11 has weight 0"):
        gas_series({5: {11: 0}}, {11: 0})


# --------------------------------------------------------------------------- properties

scores = st.integers(min_value=-2, max_value=2)
weights = st.floats(min_value=0.01, max_value=100, allow_nan=False, allow_infinity=False)


@given(st.lists(weights, min_size=1, max_size=12))
def test_all_zero_scores_give_fifty_for_any_positive_weights(ws):
    assert gas_t_score([0] * len(ws), ws) == pytest.approx(50.0)


@given(st.lists(st.tuples(scores, weights), min_size=1, max_size=12), st.data())
def test_raising_any_one_score_raises_t(goals, data):
    xs = [x for x, _ in goals]
    ws = [w for _, w in goals]
    raisable = [i for i, x in enumerate(xs) if x < 2]
    if not raisable:
        return
    i = data.draw(st.sampled_from(raisable))
    higher = xs.copy()
    higher[i] += 1
    assert gas_t_score(higher, ws) > gas_t_score(xs, ws)


@given(st.lists(st.tuples(scores, weights), min_size=1, max_size=12), st.floats(0.1, 10))
def test_t_is_mirrored_about_fifty_and_ignores_the_scale_of_weights(goals, factor):
    xs = [x for x, _ in goals]
    ws = [w for _, w in goals]
    t = gas_t_score(xs, ws)
    assert gas_t_score([-x for x in xs], ws) - 50 == pytest.approx(50 - t)
    assert gas_t_score(xs, [w * factor for w in ws]) == pytest.approx(t)
