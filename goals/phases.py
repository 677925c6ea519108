"""The three phases of an MST-PSB plan, for the timeline and its Gantt chart.

1. Engagement and assessment: meeting the family, desired outcomes, the fit circle.
2. Intervention: the weekly do-loop on the prioritised drivers.
3. Generalisation and discharge: handing the changes to the family's own network, closing.

The lengths are the therapist's to edit. The defaults are 4 / 20 / 6 weeks for a 30-week plan;
for other lengths the first and last phases scale in proportion (rounded half up, at least one
week each) and the intervention phase takes the rest, so the three always add up to the plan:

    weeks   20  22  24  26  28  30  32
    phases  3/13/4  3/15/4  3/16/5  3/18/5  4/18/6  4/20/6  4/22/6
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from numbers import Integral

from goals.timeline import week_start

PHASE_KEYS: tuple[str, ...] = ("engagement", "intervention", "generalisation")
PHASE_LABELS: dict[str, str] = {
    "engagement": "Engagement and assessment",
    "intervention": "Intervention",
    "generalisation": "Generalisation and discharge",
}
REFERENCE_WEEKS = 30
REFERENCE_LENGTHS = (4, 20, 6)  # for a 30-week plan


@dataclass(frozen=True)
class Phase:
    key: str  # one of PHASE_KEYS
    label: str
    start_week: int
    end_week: int  # inclusive

    @property
    def weeks(self) -> int:
        return self.end_week - self.start_week + 1

    def contains(self, week: int) -> bool:
        return self.start_week <= week <= self.end_week


@dataclass(frozen=True)
class PhaseSpan:
    """One bar of the Gantt chart. Dates are None unless the plan's start date was given."""

    key: str
    label: str
    start_week: int
    end_week: int  # inclusive
    start_date: date | None = None  # first day of start_week
    end_date: date | None = None  # last day of end_week


def _is_int(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _round_half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def default_phase_lengths(planned_weeks: int) -> tuple[int, int, int]:
    """Default weeks for (engagement, intervention, generalisation); they add up to the plan."""
    if not _is_int(planned_weeks) or planned_weeks < len(PHASE_KEYS):
        raise ValueError(f"A plan needs at least {len(PHASE_KEYS)} weeks, one per phase.")
    first, _, last = REFERENCE_LENGTHS
    engagement = max(1, _round_half_up(planned_weeks * first, REFERENCE_WEEKS))
    generalisation = max(1, _round_half_up(planned_weeks * last, REFERENCE_WEEKS))
    return engagement, planned_weeks - engagement - generalisation, generalisation


def validate_phase_lengths(lengths: Sequence[object], planned_weeks: int) -> list[str]:
    """Messages for the phase-length form; empty when the lengths are usable."""
    if len(lengths) != len(PHASE_KEYS):
        return [f"Please give a length for each of the {len(PHASE_KEYS)} phases."]
    errors: list[str] = []
    for key, weeks in zip(PHASE_KEYS, lengths, strict=True):
        label = PHASE_LABELS[key]
        if not _is_int(weeks):
            errors.append(f"Please give the length of {label.lower()} in whole weeks.")
        elif weeks < 1:
            errors.append(f"{label} needs at least 1 week.")
    if errors:
        return errors
    total = sum(lengths)  # type: ignore[arg-type]
    if total != planned_weeks:
        errors.append(
            f"The phases add up to {total} weeks but the plan is {planned_weeks} weeks; "
            f"please make them add up to {planned_weeks}."
        )
    return errors


def build_phases(planned_weeks: int, lengths: Sequence[int] | None = None) -> tuple[Phase, ...]:
    """The three phases back to back from week 1; default lengths when none are given.

    Raises ValueError with the messages of ``validate_phase_lengths`` when the lengths do not fit.
    """
    if lengths is None:
        lengths = default_phase_lengths(planned_weeks)
    errors = validate_phase_lengths(lengths, planned_weeks)
    if errors:
        raise ValueError(" ".join(errors))
    phases = []
    start = 1
    for key, weeks in zip(PHASE_KEYS, lengths, strict=True):
        phases.append(Phase(key, PHASE_LABELS[key], start, start + int(weeks) - 1))
        start += int(weeks)
    return tuple(phases)


def phase_for_week(phases: Sequence[Phase], week: int) -> Phase:
    """The phase a week of the plan falls in.

    Weeks after the planned end (a plan that has run over) belong to the last phase.
    Raises ValueError for a week before week 1 or when there are no phases.
    """
    if not phases:
        raise ValueError("There are no phases to look in.")
    if not _is_int(week) or week < 1:
        raise ValueError(f"Weeks of a plan start at 1, not {week!r}.")
    for phase in phases:
        if phase.contains(week):
            return phase
    last = max(phases, key=lambda p: p.end_week)
    if week > last.end_week:
        return last
    raise ValueError(f"Week {week} is in none of the phases (they leave a gap).")


def phase_spans(phases: Sequence[Phase], plan_start: date | None = None) -> list[PhaseSpan]:
    """Gantt rows, one per phase in week order; with dates when the plan's start date is given."""
    spans = []
    for phase in sorted(phases, key=lambda p: p.start_week):
        start_date = end_date = None
        if plan_start is not None:
            start_date = week_start(plan_start, phase.start_week)
            end_date = week_start(plan_start, phase.end_week) + timedelta(days=6)
        spans.append(
            PhaseSpan(phase.key, phase.label, phase.start_week, phase.end_week, start_date, end_date)
        )
    return spans
