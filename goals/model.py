"""Plain data for goals, weekly ratings and reviews, as the progress maths and on-track rules read them.

These mirror the stored rows (``planner.models`` Goal, Rating, WeeklyReview) without depending on
them: the service layer copies what it needs into these frozen dataclasses, so everything in
``goals/`` can be tested and benchmarked without a database. Like ``drivers.model``, they do not
validate themselves (see ``goals.validation`` for form input): data that has drifted out of range
must still load and chart rather than crash a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# The same vocabularies as planner.models (a unit test keeps them in step).
GOAL_STATUSES: tuple[str, ...] = ("open", "met", "partly_met", "not_met")
RATED_GOAL_STATUSES: tuple[str, ...] = ("met", "partly_met", "not_met")  # "open" = not yet marked
RATING_SUBJECTS: tuple[str, ...] = ("driver", "goal", "overall")
RATING_RANGE = (0, 10)
MIN_PLAN_WEEKS, MAX_PLAN_WEEKS, DEFAULT_PLAN_WEEKS = 20, 32, 30

GOAL_STATUS_LABELS: dict[str, str] = {
    "open": "Not yet marked",
    "met": "Met",
    "partly_met": "Partly met",
    "not_met": "Not met",
}


@dataclass(frozen=True)
class WeeklyRating:
    """A 0-10 rating of a driver, a goal or the overall safety scale in one week (a Rating row)."""

    week: int
    subject: str  # "driver", "goal" or "overall"
    subject_id: int | None  # driver or goal id; None for the overall scale
    value: int


@dataclass(frozen=True)
class IntermediaryGoal:
    """One week's small step. Intermediary goals are set per week, so a goal kept on for another
    week is a new row; ``carries_on_from`` names the previous week's goal when the therapist said
    so explicitly (otherwise the same wording in consecutive weeks counts as the same goal; see
    ``goals.on_track``)."""

    id: int
    week: int
    text: str
    status: str  # one of GOAL_STATUSES
    carries_on_from: int | None = None


@dataclass(frozen=True)
class OverarchingGoal:
    """A measurable end-of-treatment goal."""

    id: int
    text: str
    status: str  # one of GOAL_STATUSES
    gas_weight: float = 1.0
    gas_score: int | None = None  # -2..+2 once scored


@dataclass(frozen=True)
class PrioritisedDriver:
    """A prioritised driver with its weekly 0-10 ratings (week -> value).

    For a need, lower is better (the driver is fading); for a strength, higher is better.
    """

    id: int
    name: str
    ratings: Mapping[int, int] = field(default_factory=dict)
    kind: str = "need"  # "need" or "strength"
