"""Cross-case learning, computed from plain records: which drivers recur, what the interventions
aimed at them were followed by, and how long drivers took to improve.

Pure functions over small dataclasses (no database), so every rule below is unit-tested by hand.
Ratings are 0-10 "how strongly the driver is at work": for a need lower is better, for a strength
higher is better. Every change here is signed so that **positive means improved**, whatever the kind.

The rules, as the team-learning page explains them:

- frequent drivers: a driver counts once per case; drivers are the same driver when they share a
  catalogue key, otherwise when their names match after normalising (case, spaces, punctuation);
- intervention -> driver change: for each (intervention, driver it is aimed at) pair of an
  intervention that has started, the driver's rating at the intervention's start (its latest
  rating at or before the start week, else its first rating) against its rating 8 weeks later
  (the latest at or before start + 8: "or latest" when the case ended or is not there yet); pairs
  with no rating after the baseline week cannot be measured and are counted, not guessed;
- time to improve: weeks from a driver's first rating to the first week it is 3 or more points
  better than that first rating. A driver with no room to improve by 3 (a need first rated below 3,
  a strength above 7) is left out; one that has not improved yet is "never did" if its case is
  closed and "not yet" while the case is open. The median is over the drivers that did.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from drivers.model import SYSTEMS

FOLLOW_UP_WEEKS = 8
IMPROVEMENT_POINTS = 3
RATING_MIN, RATING_MAX = 0, 10

_NOT_WORD = re.compile(r"[^\w]+")


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class DriverRecord:
    """One driver of one case, with its weekly ratings (week -> 0-10)."""

    id: int
    case_id: int
    name: str
    system: str
    kind: str  # need or strength
    catalogue_key: str | None
    ratings: Mapping[int, int]
    case_closed: bool = False


@dataclass(frozen=True)
class InterventionRecord:
    """One intervention: its type, start week, status and the drivers it is aimed at."""

    id: int
    case_id: int
    type: str
    start_week: int
    status: str  # planned, active, done, stopped
    driver_ids: tuple[int, ...]


# --------------------------------------------------------------------------- grouping drivers


def normalise_name(name: str) -> str:
    """'Dad  minimises what happened!' -> 'dad minimises what happened'."""
    return " ".join(_NOT_WORD.sub(" ", name.casefold()).split())


def group_key(driver: DriverRecord) -> str:
    """The catalogue key when the driver came from the catalogue, else its normalised name."""
    if driver.catalogue_key:
        return "catalogue:" + driver.catalogue_key
    return "name:" + normalise_name(driver.name)


@dataclass(frozen=True)
class FrequentDriver:
    system: str
    kind: str
    key: str
    label: str
    cases: int  # cases in which the driver appears (each case once)
    share: float  # of all the cases looked at
    rank: int  # 1 = the most frequent of its system and kind


def frequent_drivers(
    drivers: Iterable[DriverRecord], *, total_cases: int, catalogue_names: Mapping[str, str], top: int = 5
) -> list[FrequentDriver]:
    """The `top` most frequent drivers of each system and kind, by the number of cases having them.

    Ties are broken by label so the order is stable. Catalogue drivers are labelled with the
    catalogue's name; others with the commonest spelling among the cases.
    """
    cases: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for d in drivers:
        key = group_key(d)
        cases[(d.system, d.kind, key)].add(d.case_id)
        spellings[key][d.name.strip()] += 1

    def label(key: str) -> str:
        if key.startswith("catalogue:") and key[10:] in catalogue_names:
            return catalogue_names[key[10:]]
        # The commonest spelling; ties go to the alphabetically first, so the result is stable.
        return min(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0]

    by_group: dict[tuple[str, str], list[tuple[str, str, int]]] = defaultdict(list)
    for (system, kind, key), case_ids in cases.items():
        by_group[(system, kind)].append((key, label(key), len(case_ids)))
    order = {s: i for i, s in enumerate(SYSTEMS)}
    result: list[FrequentDriver] = []
    for (system, kind), rows in sorted(by_group.items(), key=lambda g: (order.get(g[0][0], 99), g[0][0], g[0][1])):
        rows.sort(key=lambda r: (-r[2], r[1]))
        for rank, (key, text, count) in enumerate(rows[:top], start=1):
            result.append(FrequentDriver(system, kind, key, text, count, count / total_cases if total_cases else 0.0, rank))
    return result


# --------------------------------------------------------------------------- rating changes


def improvement(kind: str, before: int, after: int) -> int:
    """after - before, signed so that positive means better (a need falling, a strength rising)."""
    return before - after if kind == "need" else after - before


@dataclass(frozen=True)
class RatingChange:
    baseline_week: int
    baseline: int
    follow_up_week: int
    follow_up: int
    change: int  # positive = improved


def change_after(kind: str, ratings: Mapping[int, int], start_week: int, weeks: int = FOLLOW_UP_WEEKS) -> RatingChange | None:
    """The driver's change from an intervention's start to `weeks` later (or its latest rating before then).

    None when there is no rating to start from or none after the baseline week to compare with.
    """
    if not ratings:
        return None
    at_or_before = [w for w in ratings if w <= start_week]
    base_week = max(at_or_before) if at_or_before else min(ratings)
    later = [w for w in ratings if base_week < w <= start_week + weeks]
    if not later:
        return None
    end_week = max(later)
    before, after = ratings[base_week], ratings[end_week]
    return RatingChange(base_week, before, end_week, after, improvement(kind, before, after))


@dataclass(frozen=True)
class EffectRow:
    type: str
    group: str  # system and kind ("family need") or a driver label
    pairs: int  # intervention-driver pairs measured
    unmeasured: int  # pairs with nothing to compare yet
    median_change: float | None
    improved: int
    unchanged: int
    worse: int


def intervention_effects(
    interventions: Iterable[InterventionRecord], drivers: Mapping[int, DriverRecord], *, by: str = "system_kind",
    labels: Mapping[str, str] | None = None, weeks: int = FOLLOW_UP_WEEKS,
) -> list[EffectRow]:
    """For each intervention type and driver type, how the drivers aimed at moved after the start.

    `by` is "system_kind" (group drivers as "family need") or "driver" (by group_key, labelled with
    `labels[key]` when given). Planned interventions have not started and are left out; stopped ones
    count, from their start (they were tried).
    """
    changes: dict[tuple[str, str], list[int]] = defaultdict(list)
    unmeasured: Counter[tuple[str, str]] = Counter()
    for intervention in interventions:
        if intervention.status == "planned":
            continue
        for driver_id in dict.fromkeys(intervention.driver_ids):
            driver = drivers.get(driver_id)
            if driver is None:
                continue
            if by == "driver":
                key = group_key(driver)
                group = (labels or {}).get(key, driver.name)
            else:
                group = f"{driver.system} {driver.kind}"
            measured = change_after(driver.kind, driver.ratings, intervention.start_week, weeks)
            if measured is None:
                unmeasured[(intervention.type, group)] += 1
            else:
                changes[(intervention.type, group)].append(measured.change)
    rows = []
    for type_, group in sorted(set(changes) | set(unmeasured)):
        values = changes.get((type_, group), [])
        rows.append(
            EffectRow(
                type=type_,
                group=group,
                pairs=len(values),
                unmeasured=unmeasured[(type_, group)],
                median_change=float(statistics.median(values)) if values else None,
                improved=sum(v > 0 for v in values),
                unchanged=sum(v == 0 for v in values),
                worse=sum(v < 0 for v in values),
            )
        )
    return rows


# --------------------------------------------------------------------------- time to improve

REACHED, NEVER, NOT_YET, NO_ROOM, UNRATED = "reached", "never", "not_yet", "no_room", "unrated"


def weeks_to_improve(
    kind: str, ratings: Mapping[int, int], *, case_closed: bool, points: int = IMPROVEMENT_POINTS
) -> tuple[str, int | None]:
    """(outcome, weeks): weeks from the first rating to the first rating `points` better than it."""
    if not ratings:
        return UNRATED, None
    first = min(ratings)
    start = ratings[first]
    room = start - RATING_MIN if kind == "need" else RATING_MAX - start
    if room < points:
        return NO_ROOM, None
    for week in sorted(ratings):
        if week > first and improvement(kind, start, ratings[week]) >= points:
            return REACHED, week - first
    return (NEVER if case_closed else NOT_YET), None


@dataclass(frozen=True)
class TimeToImprove:
    group: str  # "All systems" or a system
    median_weeks: float | None
    reached: int
    never: int  # closed cases: the driver never improved by the points
    not_yet: int  # open cases: not yet
    no_room: int  # first rating too close to the best end to improve by the points


ALL_SYSTEMS = "All systems"


def time_to_improve(drivers: Iterable[DriverRecord], *, points: int = IMPROVEMENT_POINTS) -> list[TimeToImprove]:
    """Median weeks to a `points` improvement, over all rated drivers and per system (in SYSTEMS order)."""
    outcomes: dict[str, list[tuple[str, int | None]]] = defaultdict(list)
    for d in drivers:
        outcome = weeks_to_improve(d.kind, d.ratings, case_closed=d.case_closed, points=points)
        if outcome[0] == UNRATED:
            continue
        outcomes[ALL_SYSTEMS].append(outcome)
        outcomes[d.system].append(outcome)
    rows = []
    for group in (ALL_SYSTEMS, *SYSTEMS, *sorted(set(outcomes) - {ALL_SYSTEMS, *SYSTEMS})):
        found = outcomes.get(group, [])
        if not found and group != ALL_SYSTEMS:
            continue
        weeks = [w for o, w in found if o == REACHED]
        rows.append(
            TimeToImprove(
                group=group,
                median_weeks=float(statistics.median(weeks)) if weeks else None,
                reached=len(weeks),
                never=sum(o == NEVER for o, _ in found),
                not_yet=sum(o == NOT_YET for o, _ in found),
                no_room=sum(o == NO_ROOM for o, _ in found),
            )
        )
    return rows
