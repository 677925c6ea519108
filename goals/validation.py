"""Field checks for goals, ratings and weekly reviews, with messages a clinician can act on.

Every function accepts any value (form input is untrusted), never raises, and returns the message
to show, or None when the value is fine.
"""

from __future__ import annotations

import math
import unicodedata
from numbers import Integral, Real

from goals.gas import SCORE_RANGE
from goals.model import RATING_RANGE

# Bidirectional overrides and isolates can make text display as something it is not.
_INVISIBLE_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")
_ALLOWED_CONTROLS = frozenset("\n\r\t")  # review fields are multi-line


def _is_int(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _has_hidden_characters(text: str) -> bool:
    return any(
        (unicodedata.category(ch) in ("Cc", "Cs") and ch not in _ALLOWED_CONTROLS)
        or ch in _INVISIBLE_CONTROLS
        for ch in text
    )


def validate_week(week: object, planned_weeks: int) -> str | None:
    """A week of the plan: a whole number from 1 to planned_weeks.

    Weeks after the planned end are refused: to record them, extend the plan first.
    """
    if not _is_int(week):
        return "Please give the week as a whole number."
    if not 1 <= week <= planned_weeks:  # type: ignore[operator]
        return f"Week {week} is outside this plan (weeks 1 to {planned_weeks})."
    return None


def validate_week_range(start: object, end: object, planned_weeks: int) -> str | None:
    """A start week and an end week (None = still going) inside the plan, end not before start."""
    problem = validate_week(start, planned_weeks)
    if problem:
        return f"Start: {problem}"
    if end is None:
        return None
    problem = validate_week(end, planned_weeks)
    if problem:
        return f"End: {problem}"
    if end < start:  # type: ignore[operator]
        return "The end week comes before the start week."
    return None


def validate_rating(value: object) -> str | None:
    """A 0-10 rating in whole numbers. Leave unrated items out before calling (None is refused)."""
    low, high = RATING_RANGE
    if not _is_int(value) or not low <= value <= high:  # type: ignore[operator]
        return f"Please give a rating from {low} to {high} in whole numbers."
    return None


def validate_gas_score(value: object) -> str | None:
    """A Goal Attainment Scaling score: a whole number from -2 to +2."""
    low, high = SCORE_RANGE
    if not _is_int(value) or not low <= value <= high:  # type: ignore[operator]
        return (
            f"Please score the goal from {low} (much less than expected) to +{high} "
            "(much more than expected); 0 means as expected."
        )
    return None


def validate_gas_weight(value: object) -> str | None:
    """A goal's GAS weight: a number above 0 (1 = ordinary importance)."""
    if (
        not isinstance(value, Real)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or value <= 0
    ):
        return "Please give the weight as a number above 0 (1 means ordinary importance)."
    return None


def validate_required(text: object, label: str, max_len: int) -> str | None:
    """Text that must be filled in, at most ``max_len`` characters once trimmed.

    ``label`` reads inside a sentence: "the goal", "what went well this week".
    Line breaks and tabs are allowed; other hidden characters are not.
    """
    if not isinstance(text, str) or not text.strip():
        return f"Please fill in {label}."
    length = len(text.strip())
    if length > max_len:
        return f"Please keep {label} to {max_len} characters or fewer (it is {length})."
    if _has_hidden_characters(text):
        return (
            f"{label[:1].upper()}{label[1:]} contains hidden characters, perhaps pasted with the "
            "text. Please retype it."
        )
    return None
