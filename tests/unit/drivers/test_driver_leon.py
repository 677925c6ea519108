"""Leon's fit circle (domain.md's worked example): the father's minimisation is a top priority.

Why it holds, by hand (DECAY 2/3, score = influence * rating/10 * changeability/5):
  loose supervision     direct strong                        1.000 * 0.8 * 1.0 = 0.800
  father minimises      via supervision (1)(1)(2/3) = 0.667
                        via warmth (2/3)(2/3)(2/3)  = 0.296
                        via warmth->regulation (2/3)(2/3)(2/3)(4/9) = 0.132   1.095 * 0.9 * 0.8 = 0.788
  poor knowledge        direct strong                        1.000 * 0.7 * 1.0 = 0.700
  low warmth            direct moderate 0.667 + via regulation (2/3)(2/3)(2/3) = 0.296
                                                             0.963 * 0.8 * 0.8 = 0.616
The minimisation feeds two proximal needs at once; that breadth, not any case-specific
weight, puts it above low warmth (which it also drives).
"""

import pytest

from drivers.analysis import gap_checks, leverage_ranking, strength_ranking
from drivers.model import Driver, Intervention, Link

MINIMISES, WARMTH, SUPERVISION, TYLER, KNOWLEDGE, REGULATION, PEERS, AT_HOME, SCHOOL = range(1, 10)

DRIVERS = [
    Driver(MINIMISES, "Father minimises the harm", "family", "need", 9, 4, True),
    Driver(WARMTH, "Low warmth between father and Leon", "family", "need", 8, 4, True),
    Driver(SUPERVISION, "Loose supervision at cousins' visits", "family", "need", 8, 5, True),
    Driver(TYLER, "Tyler's exposure to the harm", "family", "need", 6, 3, False),
    Driver(KNOWLEDGE, "Leon's poor knowledge of bodies and consent", "individual", "need", 7, 5, True),
    Driver(REGULATION, "Leon's emotional regulation when angry", "individual", "need", 5, 3, False),
    Driver(PEERS, "Isolated from same-age peers", "peers", "need", 4, 3, False),
    Driver(AT_HOME, "Father wants Leon to stay at home", "family", "strength", 8, 3, False),
    Driver(SCHOOL, "Leon engages at school", "school", "strength", 7, 3, False),
]
LINKS = [
    Link(MINIMISES, SUPERVISION, 3),
    Link(MINIMISES, WARMTH, 2),
    Link(WARMTH, None, 2),
    Link(SUPERVISION, None, 3),
    Link(KNOWLEDGE, None, 3),
    Link(TYLER, None, 1),
    Link(WARMTH, REGULATION, 2),
    Link(REGULATION, None, 2),
    Link(PEERS, REGULATION, 1),
    Link(AT_HOME, MINIMISES, 2),
    Link(SCHOOL, PEERS, 1),
]


def test_father_minimising_is_in_the_top_three():
    ranking = leverage_ranking(DRIVERS, LINKS)
    top_three = [lev.driver_id for lev in ranking[:3]]
    assert MINIMISES in top_three
    assert ranking[top_three.index(MINIMISES)].score == pytest.approx(0.788, abs=0.001)


def test_minimisation_outranks_the_warmth_it_drives():
    order = [lev.driver_id for lev in leverage_ranking(DRIVERS, LINKS)]
    assert order.index(MINIMISES) < order.index(WARMTH)


def test_minimisation_holds_its_place_as_the_map_grows_more_proximal_needs():
    # Two more strong, changeable proximal needs arrive: it still outranks both, because it
    # reaches the behaviour two ways.
    more = DRIVERS + [
        Driver(20, "Shared bedroom with Tyler", "family", "need", 8, 4, False),
        Driver(21, "Unsupervised tablet at night", "individual", "need", 8, 4, False),
    ]
    ranking = leverage_ranking(more, LINKS + [Link(20, None, 3), Link(21, None, 3)])
    order = [lev.driver_id for lev in ranking]
    assert order.index(MINIMISES) < order.index(20)
    assert order.index(MINIMISES) < order.index(21)


def test_reason_for_the_minimisation():
    lev = next(lev for lev in leverage_ranking(DRIVERS, LINKS) if lev.driver_id == MINIMISES)
    assert lev.reason == (
        "Feeds the behaviour through 'Loose supervision at cousins' visits' and "
        "'Low warmth between father and Leon'; rated 9/10; changeability 4/5."
    )


def test_fathers_wish_to_keep_leon_home_is_the_leading_strength():
    assert strength_ranking(DRIVERS, LINKS)[0].driver_id == AT_HOME


def test_leons_plan_gaps():
    interventions = [
        Intervention(1, "Psychoeducation with father on SHB", (MINIMISES,)),
        Intervention(2, "Written supervision plan for visits", (SUPERVISION,)),
        Intervention(3, "Daily one-to-one time, father and Leon", (WARMTH,)),
        Intervention(4, "Sex and consent education for Leon", (KNOWLEDGE,)),
    ]
    gaps = gap_checks(DRIVERS, LINKS, interventions)
    assert gaps.unaddressed_priorities == ()
    assert gaps.idle_interventions == ()
    assert gaps.unlinked_drivers == ()
    assert gaps.empty_systems == ("community",)
    assert gaps.loops == ()
