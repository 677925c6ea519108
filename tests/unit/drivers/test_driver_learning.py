"""Cross-case learning rules (drivers.learning), checked on small hand-made records."""

import pytest

from drivers.learning import (
    ALL_SYSTEMS,
    NEVER,
    NO_ROOM,
    NOT_YET,
    REACHED,
    UNRATED,
    DriverRecord,
    InterventionRecord,
    change_after,
    frequent_drivers,
    group_key,
    improvement,
    intervention_effects,
    normalise_name,
    time_to_improve,
    weeks_to_improve,
)


def driver(id, case_id, name="Some driver", system="family", kind="need", key=None, ratings=None, closed=False):
    return DriverRecord(id, case_id, name, system, kind, key, ratings or {}, closed)


def test_names_are_compared_without_case_spacing_or_punctuation():
    assert normalise_name("  Dad  MINIMISES what happened! ") == "dad minimises what happened"
    assert normalise_name("Mum's stress") == normalise_name("mum s   stress")
    assert group_key(driver(1, 1, "Anything", key="loose_supervision")) == "catalogue:loose_supervision"
    assert group_key(driver(1, 1, "Own Words, here")) == "name:own words here"


def test_frequent_drivers_count_cases_not_drivers_and_rank_within_system_and_kind():
    drivers = [
        # the catalogue driver: in cases 1, 2, 3 (twice in case 1: still one case)
        driver(1, 1, "Loose supervision", key="loose_supervision"),
        driver(2, 1, "Loose supervision at visits", key="loose_supervision"),
        driver(3, 2, "Kids left alone", key="loose_supervision"),
        driver(4, 3, "Loose supervision", key="loose_supervision"),
        # a driver in the family's own words, spelt two ways, in cases 2 and 4
        driver(5, 2, "Nan's health worries"),
        driver(6, 4, "nans health worries"),
        driver(7, 4, "Nan's health worries"),  # a second copy in case 4
        # one more family need, one family strength, one school need
        driver(8, 3, "Money worries"),
        driver(9, 1, "Dad wants him home", kind="strength", key="caregiver_commitment_home"),
        driver(10, 2, "Low bonding", system="school", key="low_school_bonding"),
    ]
    names = {"loose_supervision": "Loose supervision (catalogue)", "caregiver_commitment_home": "Committed to home"}
    rows = frequent_drivers(drivers, total_cases=4, catalogue_names=names, top=2)
    got = [(r.system, r.kind, r.label, r.cases, r.share, r.rank) for r in rows]
    assert got == [
        ("family", "need", "Loose supervision (catalogue)", 3, 0.75, 1),
        ("family", "need", "Nan's health worries", 2, 0.5, 2),  # the commonest spelling; "Money worries" is cut by top=2
        ("family", "strength", "Committed to home", 1, 0.25, 1),
        ("school", "need", "Low bonding", 1, 0.25, 1),  # not in the catalogue names given: its own name
    ]
    assert frequent_drivers([], total_cases=0, catalogue_names={}) == []


def test_improvement_is_positive_when_a_need_falls_or_a_strength_rises():
    assert improvement("need", 8, 5) == 3 and improvement("need", 5, 8) == -3
    assert improvement("strength", 4, 6) == 2 and improvement("strength", 6, 4) == -2


def test_change_after_an_intervention_starts():
    ratings = {1: 9, 3: 8, 6: 7, 10: 5, 11: 4, 14: 2}
    # start week 4: baseline is week 3 (latest by then), follow-up week 12 -> latest by then is week 11
    c = change_after("need", ratings, 4)
    assert (c.baseline_week, c.baseline, c.follow_up_week, c.follow_up, c.change) == (3, 8, 11, 4, 4)
    # start week 3 exactly: baseline week 3, follow-up by week 11
    assert change_after("need", ratings, 3).change == 4
    # a start before any rating: the first rating is the baseline
    c = change_after("need", {5: 6, 9: 5}, 2)
    assert (c.baseline_week, c.follow_up_week, c.change) == (5, 9, 1)
    # the case ended (or is not there yet): the latest rating stands in for 8 weeks later
    assert change_after("strength", {2: 3, 4: 5}, 2).change == 2
    # nothing after the baseline to compare with, or no ratings at all
    assert change_after("need", {1: 9, 3: 8}, 3) is None
    assert change_after("need", {}, 1) is None
    # a rating after the 8 weeks is not used
    assert change_after("need", {1: 9, 20: 1}, 1) is None


def test_intervention_effects_median_by_type_and_driver_type():
    drivers = {
        1: driver(1, 1, "Minimises", key="caregiver_minimises_harm", ratings={1: 9, 9: 5}),  # -4 -> +4
        2: driver(2, 2, "Minimises too", key="caregiver_minimises_harm", ratings={2: 7, 6: 6}),  # +1
        3: driver(3, 2, "Low warmth", key="low_family_warmth", ratings={2: 6, 10: 7}),  # worse: -1
        4: driver(4, 3, "Knowledge", system="individual", ratings={1: 8}),  # nothing later: unmeasured
        5: driver(5, 3, "Strength", kind="strength", ratings={1: 3, 5: 5}),  # +2
    }
    interventions = [
        InterventionRecord(10, 1, "caregiver_education", 1, "done", (1,)),
        InterventionRecord(11, 2, "caregiver_education", 2, "stopped", (2, 3, 3)),  # stopped counts; duplicate link once
        InterventionRecord(12, 3, "sex_consent_education", 1, "active", (4,)),
        InterventionRecord(13, 3, "warmth_building", 1, "active", (5, 99)),  # 99: not on the map, ignored
        InterventionRecord(14, 1, "warmth_building", 1, "planned", (1,)),  # not started: left out
    ]
    rows = {(r.type, r.group): r for r in intervention_effects(interventions, drivers)}
    assert set(rows) == {
        ("caregiver_education", "family need"),
        ("sex_consent_education", "individual need"),
        ("warmth_building", "family strength"),
    }
    education = rows[("caregiver_education", "family need")]
    assert (education.pairs, education.median_change, education.improved, education.unchanged, education.worse) == (3, 1.0, 2, 0, 1)
    sex_ed = rows[("sex_consent_education", "individual need")]
    assert (sex_ed.pairs, sex_ed.unmeasured, sex_ed.median_change) == (0, 1, None)
    assert rows[("warmth_building", "family strength")].median_change == 2.0

    labels = {"catalogue:caregiver_minimises_harm": "Caregiver minimises"}
    by_driver = {(r.type, r.group): r for r in intervention_effects(interventions, drivers, by="driver", labels=labels)}
    minimises = by_driver[("caregiver_education", "Caregiver minimises")]
    assert (minimises.pairs, minimises.median_change) == (2, 2.5)  # median of +4 and +1
    assert by_driver[("caregiver_education", "Low warmth")].median_change == -1.0


@pytest.mark.parametrize(
    ("kind", "ratings", "closed", "expected"),
    [
        ("need", {1: 9, 2: 8, 4: 7, 7: 6, 9: 3}, False, (REACHED, 6)),  # 9 -> 6 first at week 7
        ("need", {3: 8, 5: 5}, True, (REACHED, 2)),  # weeks counted from the first rating
        ("strength", {1: 2, 6: 4, 12: 5}, True, (REACHED, 11)),
        ("need", {1: 8, 10: 6}, True, (NEVER, None)),
        ("need", {1: 8, 10: 6}, False, (NOT_YET, None)),
        ("need", {1: 2, 5: 0}, False, (NO_ROOM, None)),  # below 3 at the start: cannot fall 3
        ("strength", {1: 8}, True, (NO_ROOM, None)),
        ("need", {1: 3}, False, (NOT_YET, None)),  # exactly 3 of room: could still get there
        ("need", {}, True, (UNRATED, None)),
    ],
)
def test_weeks_to_improve_by_three(kind, ratings, closed, expected):
    assert weeks_to_improve(kind, ratings, case_closed=closed) == expected


def test_time_to_improve_overall_and_by_system():
    drivers = [
        driver(1, 1, system="family", ratings={1: 9, 5: 6}),  # 4 weeks
        driver(2, 1, system="family", ratings={1: 8, 11: 5}),  # 10 weeks
        driver(3, 2, system="family", ratings={1: 8, 3: 7}, closed=True),  # never
        driver(4, 2, system="school", ratings={2: 7, 8: 4}),  # 6 weeks
        driver(5, 3, system="school", ratings={1: 7, 2: 6}),  # not yet
        driver(6, 3, system="peers", ratings={1: 1}),  # no room
        driver(7, 3, system="community"),  # never rated: left out
    ]
    rows = {r.group: r for r in time_to_improve(drivers)}
    assert list(rows) == [ALL_SYSTEMS, "family", "peers", "school"]
    everyone = rows[ALL_SYSTEMS]
    assert (everyone.median_weeks, everyone.reached, everyone.never, everyone.not_yet, everyone.no_room) == (6.0, 3, 1, 1, 1)
    assert (rows["family"].median_weeks, rows["family"].reached, rows["family"].never) == (7.0, 2, 1)
    assert (rows["school"].median_weeks, rows["school"].not_yet) == (6.0, 1)
    assert rows["peers"].median_weeks is None and rows["peers"].no_room == 1
    empty = time_to_improve([])
    assert len(empty) == 1 and empty[0].group == ALL_SYSTEMS and empty[0].median_weeks is None
