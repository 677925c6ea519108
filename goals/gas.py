"""Goal Attainment Scaling (GAS): one summary T-score from goals scored -2..+2.

Each goal is scored on five levels: -2 much less than expected, -1 somewhat less than expected,
0 the expected outcome, +1 somewhat more, +2 much more than expected. Goals may carry weights
(how much each matters). The Kiresuk-Sherman summary score is

    T = 50 + 10 * sum(w*x) / sqrt((1 - rho) * sum(w^2) + rho * sum(w)^2)

where rho is the assumed correlation between goal scores, 0.3 by convention. T = 50 means the goals
were attained as expected; every goal one level above expectation gives about 60, one level below
about 40.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Integral, Real

SCORE_RANGE = (-2, 2)
DEFAULT_RHO = 0.3

SCORE_LABELS: dict[int, str] = {
    -2: "Much less than expected",
    -1: "Somewhat less than expected",
    0: "As expected",
    1: "Somewhat more than expected",
    2: "Much more than expected",
}


def _score(value: object, where: str) -> int:
    """The score as an int, or ValueError naming the goal."""
    whole = (isinstance(value, Integral) and not isinstance(value, bool)) or (
        isinstance(value, float) and value.is_integer()
    )
    low, high = SCORE_RANGE
    if not whole or not low <= value <= high:  # type: ignore[operator]
        raise ValueError(
            f"GAS scores are whole numbers from {low} to +{high}; {where} has {value!r}."
        )
    return int(value)  # type: ignore[call-overload]


def _weight(value: object, where: str) -> float:
    if (
        not isinstance(value, Real)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ValueError(f"GAS weights must be numbers above 0; {where} has weight {value!r}.")
    return float(value)


def _t(scores: Sequence[int], weights: Sequence[float], rho: float) -> float:
    weighted = math.fsum(w * x for w, x in zip(weights, scores, strict=True))
    sum_sq = math.fsum(w * w for w in weights)
    total = math.fsum(weights)
    return 50.0 + 10.0 * weighted / math.sqrt((1.0 - rho) * sum_sq + rho * total * total)


def _check_rho(rho: object) -> float:
    if not isinstance(rho, Real) or isinstance(rho, bool) or not 0 <= rho <= 1:
        raise ValueError(f"rho (the correlation between goal scores) must be between 0 and 1, not {rho!r}.")
    return float(rho)


def gas_t_score(
    scores: Sequence[int], weights: Sequence[float] | None = None, rho: float = DEFAULT_RHO
) -> float:
    """The GAS T-score of goals scored -2..+2, with optional weights (default: all 1).

    Raises ValueError, with a message saying which goal is at fault, when there are no scores,
    a score is not a whole number from -2 to +2, a weight is not above 0, or the number of
    weights differs from the number of scores.
    """
    scores = list(scores)
    if not scores:
        raise ValueError("GAS needs at least one goal score.")
    checked = [_score(x, f"goal {i}") for i, x in enumerate(scores, start=1)]
    if weights is None:
        w = [1.0] * len(checked)
    else:
        weights = list(weights)
        if len(weights) != len(checked):
            raise ValueError(
                f"There are {len(checked)} scores but {len(weights)} weights; give one weight per goal."
            )
        w = [_weight(v, f"goal {i}") for i, v in enumerate(weights, start=1)]
    return _t(checked, w, _check_rho(rho))


def gas_series(
    weekly_scores: Mapping[int, Mapping[int, int | None]],
    weights: Mapping[int, float] | None = None,
    rho: float = DEFAULT_RHO,
) -> list[tuple[int, float]]:
    """T per week, in week order, from weekly GAS scores (week -> {goal_id: score}).

    ``weights`` maps goal id -> weight; goals not in it weigh 1. A score of None means the goal
    was not scored that week and is left out; weeks with no scores are skipped (no point), so
    the series may have gaps. Errors name the week and the goal.
    """
    rho = _check_rho(rho)
    weights = weights or {}
    series: list[tuple[int, float]] = []
    for week in sorted(weekly_scores):
        scored = sorted(
            (goal_id, score) for goal_id, score in weekly_scores[week].items() if score is not None
        )
        if not scored:
            continue
        xs = [_score(score, f"goal {goal_id} in week {week}") for goal_id, score in scored]
        ws = [_weight(weights.get(goal_id, 1.0), f"goal {goal_id}") for goal_id, _ in scored]
        series.append((week, _t(xs, ws, rho)))
    return series
