"""Plan phases: engagement and assessment, intervention, generalisation and discharge."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goals.phases import (
    PHASE_KEYS,
    Phase,
    build_phases,
    default_phase_lengths,
    phase_for_week,
    phase_spans,
    validate_phase_lengths,
)
from goals.timeline import plan_end


@pytest.mark.parametrize(
    ("planned", "lengths"),
    [
        # first = round(planned·4/30), last = round(planned·6/30), middle = the rest
        (30, (4, 20, 6)),
        (20, (3, 13, 4)),  # 2.67 -> 3, 4.0 -> 4
        (22, (3, 15, 4)),  # 2.93 -> 3, 4.4 -> 4
        (24, (3, 16, 5)),  # 3.2 -> 3, 4.8 -> 5
        (26, (3, 18, 5)),
        (28, (4, 18, 6)),  # 3.73 -> 4, 5.6 -> 6
        (32, (4, 22, 6)),  # 4.27 -> 4, 6.4 -> 6
        (3, (1, 1, 1)),  # the smallest plan still has a week per phase
    ],
)
def test_default_lengths_scale_with_the_plan(planned, lengths):
    assert default_phase_lengths(planned) == lengths


def test_a_plan_shorter_than_three_weeks_has_no_defaults():
    with pytest.raises(ValueError, match="at least 3 weeks"):
        default_phase_lengths(2)


def test_build_phases_runs_back_to_back_from_week_one():
    engagement, intervention, generalisation = build_phases(30)
    assert engagement == Phase("engagement", "Engagement and assessment", 1, 4)
    assert intervention == Phase("intervention", "Intervention", 5, 24)
    assert generalisation == Phase("generalisation", "Generalisation and discharge", 25, 30)
    assert [p.weeks for p in (engagement, intervention, generalisation)] == [4, 20, 6]


def test_edited_lengths_are_used():
    phases = build_phases(26, [2, 20, 4])
    assert [(p.start_week, p.end_week) for p in phases] == [(1, 2), (3, 22), (23, 26)]


def test_good_lengths_have_no_messages():
    assert validate_phase_lengths([4, 20, 6], 30) == []


@pytest.mark.parametrize(
    ("lengths", "planned", "messages"),
    [
        ([4, 20, 4], 30, ["The phases add up to 28 weeks but the plan is 30 weeks; please make them add up to 30."]),
        ([0, 24, 6], 30, ["Engagement and assessment needs at least 1 week."]),
        ([4, 26, 0], 30, ["Generalisation and discharge needs at least 1 week."]),
        ([4, -1, 0], 3, ["Intervention needs at least 1 week.", "Generalisation and discharge needs at least 1 week."]),
        ([4, 20.5, 5.5], 30, ["Please give the length of intervention in whole weeks.",
                               "Please give the length of generalisation and discharge in whole weeks."]),
        ([4, 26], 30, ["Please give a length for each of the 3 phases."]),
    ],
)
def test_bad_lengths_get_messages(lengths, planned, messages):
    assert validate_phase_lengths(lengths, planned) == messages


def test_build_phases_refuses_lengths_that_do_not_fit():
    with pytest.raises(ValueError, match="add up to 28 weeks but the plan is 30"):
        build_phases(30, [4, 18, 6])


def test_phase_for_week_at_the_boundaries():
    phases = build_phases(30)
    assert phase_for_week(phases, 1).key == "engagement"
    assert phase_for_week(phases, 4).key == "engagement"
    assert phase_for_week(phases, 5).key == "intervention"
    assert phase_for_week(phases, 24).key == "intervention"
    assert phase_for_week(phases, 25).key == "generalisation"
    assert phase_for_week(phases, 30).key == "generalisation"


def test_a_plan_that_runs_over_stays_in_the_last_phase():
    assert phase_for_week(build_phases(30), 33).key == "generalisation"


@pytest.mark.parametrize("week", [0, -1, 2.5])
def test_phase_for_week_refuses_weeks_before_the_plan(week):
    with pytest.raises(ValueError, match="start at 1"):
        phase_for_week(build_phases(30), week)


def test_phase_for_week_with_no_phases():
    with pytest.raises(ValueError, match="no phases"):
        phase_for_week((), 3)


def test_spans_for_a_gantt_with_dates():
    spans = phase_spans(build_phases(30), date(2026, 1, 5))  # a Monday
    assert [(s.label, s.start_week, s.end_week) for s in spans] == [
        ("Engagement and assessment", 1, 4),
        ("Intervention", 5, 24),
        ("Generalisation and discharge", 25, 30),
    ]
    assert (spans[0].start_date, spans[0].end_date) == (date(2026, 1, 5), date(2026, 2, 1))
    assert spans[1].start_date == date(2026, 2, 2)
    assert spans[2].end_date == date(2026, 8, 2) == plan_end(date(2026, 1, 5), 30)


def test_spans_without_a_start_date_have_no_dates_and_come_in_week_order():
    spans = phase_spans(tuple(reversed(build_phases(20))))
    assert [s.key for s in spans] == list(PHASE_KEYS)
    assert all(s.start_date is None and s.end_date is None for s in spans)


@given(st.integers(min_value=3, max_value=60))
def test_default_phases_cover_every_week_exactly_once(planned):
    lengths = default_phase_lengths(planned)
    assert sum(lengths) == planned and min(lengths) >= 1
    phases = build_phases(planned)
    assert [phase_for_week(phases, w).key for w in range(1, planned + 1)] == [
        key for key, n in zip(PHASE_KEYS, lengths) for _ in range(n)
    ]
