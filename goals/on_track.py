"""On-track flags: the signs a supervisor looks for that a plan is drifting.

Each rule is a pure function over plain data that returns a list of ``Flag``; ``all_flags`` runs
them all over one ``CaseState``. The rules know nothing of case status: callers pass only OPEN
cases (a closed case would keep flagging its unmet goals and missing reviews for ever).

The rules, exactly:

1. Intermediary goal not met two weeks running (``GOAL_NOT_MET_TWICE``).
   Intermediary goals are set per week, so "the same goal" next week is a new row. Goal G of
   week W carries on goal P when
     - G.carries_on_from == P.id and P is in week W-1 (an explicit link always wins: a linked
       goal is not also matched by its wording, so a reworded goal can be linked on purpose), or
     - G has no explicit link and P is in week W-1 with the same wording once normalised
       (Unicode NFKC, case folded, runs of whitespace collapsed, trailing full stops and
       exclamation marks dropped).
   G is flagged when G and P are both "not_met". One flag per run, on its latest week: a run of
   three not-met weeks flags only the third; a run that a later week marks met or partly met
   is over and not flagged. Old runs are history, not alerts: the run must be current, meaning
   G's week is the current week or the week before, or G has been carried on into a week that
   is not marked yet.

2. Prioritised driver not improving for four weeks (``DRIVER_NOT_IMPROVING``).
   Take the driver's latest rating (week W, ignoring weeks after the current week) and its most
   recent rating in a week at or before W-4 (the baseline). For a need (lower is better) flag
   when latest >= baseline; for a strength (higher is better) when latest <= baseline. No
   baseline (ratings span fewer than four weeks) -> no flag. Weeks without a rating are skipped,
   so a missing week neither trips nor hides the rule. Callers pass prioritised drivers only.
   A driver already where treatment wants it is not flagged for staying there: a need rated
   LOW_NEED (3) or below, or a strength rated HIGH_STRENGTH (7) or above, in its latest week.
   (A need held at 2/10 for a month late in treatment is success, not a stall.)

3. Overarching goal unmet near the end (``GOAL_UNMET_NEAR_END``): from week planned_weeks - 6
   on (week 24 of a 30-week plan), every overarching goal whose status is not "met".

4. Weekly review overdue (``REVIEW_OVERDUE``). The review of week X is due by the end of week X
   (it is the case summary for that week's supervision); from the first day of week X+1 it is
   overdue. With L the last week that has a submitted review (0 if none), a flag is raised when
   current_week - L >= 2: so never in week 1, and "nothing submitted" is flagged from week 2.
   Only the last submitted week counts: an older gap followed by later reviews is not flagged.
   ``grace_weeks`` gives whole weeks of grace if a team prefers (1 = the review of week X is
   due by the end of week X+1); ``all_flags`` uses 0.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from goals.model import IntermediaryGoal, OverarchingGoal, PrioritisedDriver
from goals.progress import weeks_left

GOAL_NOT_MET_TWICE = "intermediary_goal_not_met_twice"
DRIVER_NOT_IMPROVING = "driver_not_improving"
GOAL_UNMET_NEAR_END = "overarching_goal_unmet_near_end"
REVIEW_OVERDUE = "review_overdue"
FLAG_KINDS: tuple[str, ...] = (GOAL_NOT_MET_TWICE, DRIVER_NOT_IMPROVING, GOAL_UNMET_NEAR_END, REVIEW_OVERDUE)

NOT_IMPROVING_WEEKS = 4
LOW_NEED = 3  # a need at or below this no longer drives much: flat there is fine
HIGH_STRENGTH = 7  # a strength at or above this is doing its job
NEAR_END_WEEKS = 6
_MARKED = ("met", "partly_met", "not_met")
_QUOTE_LIMIT = 80


@dataclass(frozen=True)
class Flag:
    """A sign the plan may be off track.

    ``subject_id`` is the goal or driver id (None for a review flag); ``week`` is the week the
    flag is about: the later not-met week, the driver's latest rating week, the current week
    (overarching goals) or the first week whose review is overdue.
    """

    kind: str
    subject_id: int | None
    week: int
    message: str


@dataclass(frozen=True)
class CaseState:
    """Everything the rules need about one OPEN case (callers leave closed cases out)."""

    current_week: int
    planned_weeks: int
    intermediary_goals: Sequence[IntermediaryGoal] = ()
    prioritised_drivers: Sequence[PrioritisedDriver] = ()
    overarching_goals: Sequence[OverarchingGoal] = ()
    submitted_review_weeks: Sequence[int] = ()


def _quote(text: str) -> str:
    """User text for a message: on one line, shortened, in curly quotes. Escaping for display
    (Markdown/HTML) is the page's job."""
    text = " ".join(text.split())
    if len(text) > _QUOTE_LIMIT:
        text = text[: _QUOTE_LIMIT - 1].rstrip() + "…"
    return f"“{text}”"


def same_goal_key(text: str) -> str:
    """The wording two weeks' intermediary goals must share to count as the same goal."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split()).rstrip(".! ")


def _weeks(first: int, last: int) -> str:
    return f"week {first}" if first == last else f"weeks {first} to {last}"


# --------------------------------------------------------------------------- rule 1


def intermediary_goals_not_met_twice(
    goals: Iterable[IntermediaryGoal], current_week: int
) -> list[Flag]:
    """Intermediary goals not met two weeks running (rule 1 in the module docstring)."""
    goals = [g for g in goals if g.week <= current_week]
    by_id = {g.id: g for g in goals}
    by_wording: dict[tuple[int, str], list[IntermediaryGoal]] = defaultdict(list)
    for g in goals:
        by_wording[(g.week, same_goal_key(g.text))].append(g)

    def carried_from(g: IntermediaryGoal) -> list[IntermediaryGoal]:
        if g.carries_on_from is not None:
            previous = by_id.get(g.carries_on_from)
            return [previous] if previous is not None and previous.week == g.week - 1 else []
        return by_wording.get((g.week - 1, same_goal_key(g.text)), [])

    carried_into: dict[int, list[IntermediaryGoal]] = defaultdict(list)
    for g in goals:
        for previous in carried_from(g):
            carried_into[previous.id].append(g)

    flags = []
    for g in sorted(goals, key=lambda g: (g.week, g.id)):
        if g.status != "not_met":
            continue
        if not any(p.status == "not_met" for p in carried_from(g)):
            continue
        later = carried_into.get(g.id, [])
        if any(n.status in _MARKED for n in later):
            continue  # the run goes on (flagged there) or has ended with the goal met or partly met
        if g.week < current_week - 1 and not later:
            continue  # an old run: history, not an alert
        flags.append(
            Flag(
                GOAL_NOT_MET_TWICE,
                g.id,
                g.week,
                f"Intermediary goal {_quote(g.text)} was not met two weeks running "
                f"(weeks {g.week - 1} and {g.week}). Look at the barriers with the family, "
                "or break it into a smaller step.",
            )
        )
    return flags


# --------------------------------------------------------------------------- rule 2


def drivers_not_improving(
    drivers: Iterable[PrioritisedDriver], current_week: int, weeks: int = NOT_IMPROVING_WEEKS
) -> list[Flag]:
    """Prioritised drivers whose rating has not improved over ``weeks`` weeks (rule 2)."""
    flags = []
    for driver in drivers:
        rated = sorted((w, v) for w, v in driver.ratings.items() if v is not None and w <= current_week)
        if not rated:
            continue
        latest_week, latest = rated[-1]
        baseline = [(w, v) for w, v in rated if w <= latest_week - weeks]
        if not baseline:
            continue
        base_week, base = baseline[-1]
        if driver.kind == "strength":
            stuck = latest <= base and latest < HIGH_STRENGTH
            better = "stronger"
        else:
            stuck = latest >= base and latest > LOW_NEED
            better = "lower"
        if not stuck:
            continue
        flags.append(
            Flag(
                DRIVER_NOT_IMPROVING,
                driver.id,
                latest_week,
                f"Prioritised driver {_quote(driver.name)} has not improved in {latest_week - base_week} "
                f"weeks: rated {base} in week {base_week} and {latest} in week {latest_week} "
                f"(better is {better}). Revisit the fit and the interventions aimed at it.",
            )
        )
    return sorted(flags, key=lambda f: (f.week, f.subject_id))


# --------------------------------------------------------------------------- rule 3

_UNMET_WORDS = {"partly_met": "only partly met", "not_met": "not met"}


def overarching_goals_unmet_near_end(
    goals: Iterable[OverarchingGoal],
    current_week: int,
    planned_weeks: int,
    within: int = NEAR_END_WEEKS,
) -> list[Flag]:
    """Overarching goals not met once the plan is within ``within`` weeks of its end (rule 3)."""
    if current_week < planned_weeks - within:
        return []
    left = weeks_left(current_week, planned_weeks)
    if current_week > planned_weeks:
        when = f"the plan was due to end in week {planned_weeks}"
    elif left == 0:
        when = f"this is the last week of the plan (week {planned_weeks})"
    elif left == 1:
        when = f"1 week of the plan is left (it ends in week {planned_weeks})"
    else:
        when = f"{left} weeks of the plan are left (it ends in week {planned_weeks})"
    flags = [
        Flag(
            GOAL_UNMET_NEAR_END,
            goal.id,
            current_week,
            f"Overarching goal {_quote(goal.text)} is {_UNMET_WORDS.get(goal.status, 'not yet met')} "
            f"and {when}. Plan the remaining steps, or discuss in supervision whether the plan "
            "needs more time.",
        )
        for goal in goals
        if goal.status != "met"
    ]
    return sorted(flags, key=lambda f: f.subject_id)


# --------------------------------------------------------------------------- rule 4


def review_overdue(
    submitted_weeks: Iterable[int], current_week: int, grace_weeks: int = 0
) -> list[Flag]:
    """A flag when weekly reviews are overdue (rule 4); at most one flag."""
    last = max((w for w in submitted_weeks if w <= current_week), default=0)
    first_overdue = last + 1
    last_overdue = current_week - 1 - grace_weeks
    if last_overdue < first_overdue:
        return []
    if last == 0:
        start = "No weekly review has been submitted yet"
    else:
        start = f"The last weekly review submitted was for week {last}"
    reviews = "the review" if first_overdue == last_overdue else "the reviews"
    verb = "is" if first_overdue == last_overdue else "are"
    return [
        Flag(
            REVIEW_OVERDUE,
            None,
            first_overdue,
            f"{start}; {reviews} for {_weeks(first_overdue, last_overdue)} {verb} overdue.",
        )
    ]


# --------------------------------------------------------------------------- all together


def all_flags(case: CaseState) -> list[Flag]:
    """Every rule over one open case, in the order of FLAG_KINDS."""
    if case.current_week < 1:
        raise ValueError(f"Weeks of a plan start at 1, not {case.current_week}.")
    return [
        *intermediary_goals_not_met_twice(case.intermediary_goals, case.current_week),
        *drivers_not_improving(case.prioritised_drivers, case.current_week),
        *overarching_goals_unmet_near_end(case.overarching_goals, case.current_week, case.planned_weeks),
        *review_overdue(case.submitted_review_weeks, case.current_week),
    ]
