"""On-track flags: each rule with cases that trip it and cases that do not."""

import pytest

from goals.model import IntermediaryGoal, OverarchingGoal, PrioritisedDriver
from goals.on_track import (
    DRIVER_NOT_IMPROVING,
    FLAG_KINDS,
    GOAL_NOT_MET_TWICE,
    GOAL_UNMET_NEAR_END,
    REVIEW_OVERDUE,
    CaseState,
    Flag,
    all_flags,
    drivers_not_improving,
    intermediary_goals_not_met_twice,
    overarching_goals_unmet_near_end,
    review_overdue,
    same_goal_key,
)

TEXT = "Dad supervises whenever the cousins visit"


def ig(id, week, status, text=TEXT, carries_on_from=None):
    return IntermediaryGoal(id, week, text, status, carries_on_from)


def flagged(flags):
    return [(f.subject_id, f.week) for f in flags]


# --------------------------------------------------------------------------- rule 1: intermediary goals


def test_same_goal_not_met_two_weeks_running_is_flagged():
    goals = [ig(1, 4, "not_met"), ig(2, 5, "not_met"), ig(3, 5, "met", "Leon goes to school every day")]
    flags = intermediary_goals_not_met_twice(goals, current_week=6)
    assert flagged(flags) == [(2, 5)]
    assert flags[0].kind == GOAL_NOT_MET_TWICE
    assert flags[0].message == (
        f"Intermediary goal “{TEXT}” was not met two weeks running (weeks 4 and 5). "
        "Look at the barriers with the family, or break it into a smaller step."
    )


def test_same_wording_ignores_case_spacing_and_a_final_full_stop():
    assert same_goal_key("  Dad SUPERVISES whenever\nthe cousins   visit. ") == same_goal_key(TEXT)
    goals = [ig(1, 4, "not_met", "dad supervises whenever the cousins visit."), ig(2, 5, "not_met")]
    assert flagged(intermediary_goals_not_met_twice(goals, 5)) == [(2, 5)]


def test_different_goals_are_not_the_same_goal():
    goals = [ig(1, 4, "not_met"), ig(2, 5, "not_met", "Leon names two body-safety rules")]
    assert intermediary_goals_not_met_twice(goals, 5) == []


def test_an_explicit_link_joins_a_reworded_goal():
    goals = [ig(1, 4, "not_met"), ig(2, 5, "not_met", "Dad stays in the room at family visits", carries_on_from=1)]
    assert flagged(intermediary_goals_not_met_twice(goals, 5)) == [(2, 5)]


def test_an_explicit_link_wins_over_matching_wording():
    # Goal 3 has the same words as goal 1 but says it carries on goal 2, which was met.
    goals = [ig(1, 4, "not_met"), ig(2, 4, "met", "Another goal"), ig(3, 5, "not_met", carries_on_from=2)]
    assert intermediary_goals_not_met_twice(goals, 5) == []


def test_a_link_to_a_goal_two_weeks_back_is_not_two_weeks_running():
    goals = [ig(1, 3, "not_met", "x"), ig(2, 5, "not_met", "y", carries_on_from=1)]
    assert intermediary_goals_not_met_twice(goals, 5) == []


def test_a_week_between_breaks_the_run():
    goals = [ig(1, 4, "not_met"), ig(2, 6, "not_met")]
    assert intermediary_goals_not_met_twice(goals, 6) == []


@pytest.mark.parametrize(("first", "second"), [("partly_met", "not_met"), ("not_met", "partly_met"), ("not_met", "open"), ("met", "not_met")])
def test_anything_but_not_met_twice_is_not_flagged(first, second):
    goals = [ig(1, 4, first), ig(2, 5, second)]
    assert intermediary_goals_not_met_twice(goals, 5) == []


def test_a_longer_run_gets_one_flag_on_its_latest_week():
    goals = [ig(1, 3, "not_met"), ig(2, 4, "not_met"), ig(3, 5, "not_met")]
    flags = intermediary_goals_not_met_twice(goals, 6)
    assert flagged(flags) == [(3, 5)]
    assert "(weeks 4 and 5)" in flags[0].message


def test_a_run_that_ends_with_the_goal_met_is_not_flagged():
    goals = [ig(1, 3, "not_met"), ig(2, 4, "not_met"), ig(3, 5, "met")]
    assert intermediary_goals_not_met_twice(goals, 6) == []


def test_a_run_carried_into_a_week_not_yet_marked_is_still_flagged():
    # Weeks 4 and 5 not met; carried on into week 6, whose review is late (current week 7).
    goals = [ig(1, 4, "not_met"), ig(2, 5, "not_met"), ig(3, 6, "open")]
    assert flagged(intermediary_goals_not_met_twice(goals, 7)) == [(2, 5)]


@pytest.mark.parametrize(("current", "expected"), [(4, [(2, 4)]), (5, [(2, 4)]), (6, []), (12, [])])
def test_an_old_run_that_was_dropped_is_history(current, expected):
    goals = [ig(1, 3, "not_met"), ig(2, 4, "not_met")]
    assert flagged(intermediary_goals_not_met_twice(goals, current)) == expected


def test_goals_after_the_current_week_are_ignored():
    goals = [ig(1, 4, "not_met"), ig(2, 5, "not_met")]
    assert intermediary_goals_not_met_twice(goals, 4) == []


def test_very_long_goal_text_is_shortened_in_the_message():
    text = "Dad " + "supervises carefully " * 10
    flags = intermediary_goals_not_met_twice([ig(1, 1, "not_met", text), ig(2, 2, "not_met", text)], 2)
    quoted = flags[0].message.split("“")[1].split("”")[0]
    assert len(quoted) == 80 and quoted.endswith("…")


# --------------------------------------------------------------------------- rule 2: drivers


def need(ratings, id=7, name="Dad minimises the harm"):
    return PrioritisedDriver(id, name, ratings)


def test_a_need_rated_the_same_four_weeks_later_is_flagged():
    flags = drivers_not_improving([need({2: 7, 6: 7})], current_week=6)
    assert flagged(flags) == [(7, 6)]
    assert flags[0].kind == DRIVER_NOT_IMPROVING
    assert flags[0].message == (
        "Prioritised driver “Dad minimises the harm” has not improved in 4 weeks: rated 7 in week 2 "
        "and 7 in week 6 (better is lower). Revisit the fit and the interventions aimed at it."
    )


def test_a_need_that_got_worse_is_flagged():
    assert flagged(drivers_not_improving([need({2: 6, 6: 7})], 6)) == [(7, 6)]


def test_a_need_improving_by_one_is_not_flagged():
    assert drivers_not_improving([need({2: 7, 6: 6})], 6) == []


def test_ratings_three_weeks_apart_are_too_soon_to_tell():
    assert drivers_not_improving([need({3: 7, 6: 7})], 6) == []


def test_four_weekly_ratings_are_not_yet_four_weeks():
    # weeks 1-4: the latest (week 4) has no rating at or before week 0 to compare with
    assert drivers_not_improving([need({1: 7, 2: 7, 3: 7, 4: 7})], 4) == []
    # week 5 compares with week 1
    assert flagged(drivers_not_improving([need({1: 7, 2: 7, 3: 7, 4: 7, 5: 7})], 5)) == [(7, 5)]


def test_a_missing_week_falls_back_to_the_rating_before_it():
    # Latest week 6; nothing in week 2, so the baseline is week 1.
    assert drivers_not_improving([need({1: 8, 3: 6, 6: 6})], 6) == []  # 8 -> 6: improving
    flags = drivers_not_improving([need({1: 6, 3: 5, 6: 6})], 6)  # 6 -> 6: not improving
    assert flagged(flags) == [(7, 6)] and "has not improved in 5 weeks" in flags[0].message


def test_only_the_two_ends_are_compared():
    # A dip in between does not count: week 2 and week 6 are both 7.
    assert flagged(drivers_not_improving([need({2: 7, 4: 4, 6: 7})], 6)) == [(7, 6)]


def test_a_strength_is_better_higher():
    stuck = PrioritisedDriver(3, "Dad wants Leon at home", {1: 5, 5: 5}, kind="strength")
    growing = PrioritisedDriver(4, "Leon engages at school", {1: 5, 5: 6}, kind="strength")
    flags = drivers_not_improving([stuck, growing], 5)
    assert flagged(flags) == [(3, 5)] and "better is stronger" in flags[0].message


def test_ratings_after_the_current_week_and_unrated_drivers_are_ignored():
    assert drivers_not_improving([need({2: 7, 6: 7})], current_week=5) == []
    assert drivers_not_improving([need({})], 10) == []


# --------------------------------------------------------------------------- rule 3: overarching goals


OVERARCHING = [
    OverarchingGoal(1, "No further harmful sexual behaviour", "met"),
    OverarchingGoal(2, "Dad supervises whenever younger children are present", "partly_met"),
    OverarchingGoal(3, "Leon and Dad talk about difficult things", "open"),
    OverarchingGoal(4, "Leon knows the rules about bodies and consent", "not_met"),
]


def test_seven_weeks_before_the_end_nothing_is_flagged():
    assert overarching_goals_unmet_near_end(OVERARCHING, current_week=23, planned_weeks=30) == []


def test_six_weeks_before_the_end_every_goal_not_met_is_flagged():
    flags = overarching_goals_unmet_near_end(OVERARCHING, current_week=24, planned_weeks=30)
    assert flagged(flags) == [(2, 24), (3, 24), (4, 24)]
    assert {f.kind for f in flags} == {GOAL_UNMET_NEAR_END}
    assert flags[0].message == (
        "Overarching goal “Dad supervises whenever younger children are present” is only partly met "
        "and 6 weeks of the plan are left (it ends in week 30). Plan the remaining steps, or discuss "
        "in supervision whether the plan needs more time."
    )
    assert "is not yet met" in flags[1].message
    assert "is not met" in flags[2].message


@pytest.mark.parametrize(
    ("current", "wording"),
    [
        (29, "1 week of the plan is left (it ends in week 30)"),
        (30, "this is the last week of the plan (week 30)"),
        (32, "the plan was due to end in week 30"),
    ],
)
def test_wording_at_the_end_of_the_plan(current, wording):
    flags = overarching_goals_unmet_near_end(OVERARCHING[1:2], current, 30)
    assert wording in flags[0].message


def test_all_goals_met_near_the_end_is_not_flagged():
    assert overarching_goals_unmet_near_end(OVERARCHING[:1], 30, 30) == []


# --------------------------------------------------------------------------- rule 4: weekly reviews


def test_week_one_is_never_overdue():
    assert review_overdue([], current_week=1) == []


def test_nothing_submitted_by_week_two_is_overdue():
    assert review_overdue([], 2) == [
        Flag(REVIEW_OVERDUE, None, 1, "No weekly review has been submitted yet; the review for week 1 is overdue.")
    ]
    assert review_overdue([], 5)[0].message == (
        "No weekly review has been submitted yet; the reviews for weeks 1 to 4 are overdue."
    )


def test_last_week_submitted_is_up_to_date():
    assert review_overdue([1, 2, 3], 4) == []
    assert review_overdue([1, 2, 3, 4], 4) == []  # this week's already in


def test_a_week_missed_is_overdue_from_the_start_of_the_next():
    assert review_overdue([1, 2, 3], 5) == [
        Flag(REVIEW_OVERDUE, None, 4, "The last weekly review submitted was for week 3; the review for week 4 is overdue.")
    ]
    assert review_overdue([3], 7)[0].message.endswith("the reviews for weeks 4 to 6 are overdue.")


def test_an_old_gap_with_later_reviews_is_not_flagged():
    assert review_overdue([1, 2, 4], 5) == []


def test_grace_weeks_give_an_extra_week():
    assert review_overdue([3], 5, grace_weeks=1) == []
    assert flagged(review_overdue([3], 6, grace_weeks=1)) == [(None, 4)]
    assert review_overdue([], 2, grace_weeks=1) == []


def test_a_review_dated_after_the_current_week_does_not_count():
    assert flagged(review_overdue([9], 3)) == [(None, 1)]


# --------------------------------------------------------------------------- all together


def test_all_flags_runs_every_rule_in_order():
    state = CaseState(
        current_week=26,
        planned_weeks=30,
        intermediary_goals=[ig(1, 24, "not_met"), ig(2, 25, "not_met")],
        prioritised_drivers=[need({20: 6, 25: 6}), need({20: 6, 25: 4}, id=8, name="Loose supervision")],
        overarching_goals=OVERARCHING,
        submitted_review_weeks=range(1, 24),
    )
    flags = all_flags(state)
    assert [(f.kind, f.subject_id, f.week) for f in flags] == [
        (GOAL_NOT_MET_TWICE, 2, 25),
        (DRIVER_NOT_IMPROVING, 7, 25),
        (GOAL_UNMET_NEAR_END, 2, 26),
        (GOAL_UNMET_NEAR_END, 3, 26),
        (GOAL_UNMET_NEAR_END, 4, 26),
        (REVIEW_OVERDUE, None, 24),
    ]
    assert [k for k in FLAG_KINDS if k in {f.kind for f in flags}] == list(FLAG_KINDS)


def test_a_case_on_track_has_no_flags():
    state = CaseState(
        current_week=10,
        planned_weeks=30,
        intermediary_goals=[ig(1, 8, "not_met"), ig(2, 9, "met")],
        prioritised_drivers=[need({5: 7, 9: 5})],
        overarching_goals=OVERARCHING,
        submitted_review_weeks=[8, 9],
    )
    assert all_flags(state) == []


def test_a_new_case_in_week_one_has_no_flags():
    assert all_flags(CaseState(current_week=1, planned_weeks=30, overarching_goals=OVERARCHING)) == []


def test_the_rules_do_not_know_a_case_is_closed():
    # A case closed at week 30 with one goal partly met would keep flagging: callers pass open cases only.
    state = CaseState(current_week=40, planned_weeks=30, overarching_goals=OVERARCHING[1:2], submitted_review_weeks=range(1, 31))
    assert {f.kind for f in all_flags(state)} == {GOAL_UNMET_NEAR_END, REVIEW_OVERDUE}


def test_all_flags_refuses_a_week_before_the_plan():
    with pytest.raises(ValueError, match="start at 1"):
        all_flags(CaseState(current_week=0, planned_weeks=30))


# A need held low (<= 3) or a strength held high (>= 7) is where treatment wants it: no flag.
# Boundaries: need 3 flat -> no flag, need 4 flat -> flag; strength 7 flat -> no flag, 6 flat -> flag.
@pytest.mark.parametrize(
    ("kind", "value", "flagged"),
    [("need", 3, False), ("need", 4, True), ("need", 2, False), ("strength", 7, False), ("strength", 6, True)],
)
def test_a_driver_held_where_treatment_wants_it_is_not_flagged(kind, value, flagged):
    driver = PrioritisedDriver(5, "A driver", {w: value for w in range(10, 16)}, kind)
    flags = drivers_not_improving([driver], current_week=15)
    assert bool(flags) is flagged
