"""Gap checks: each one with a map that trips it and a map that does not."""

from drivers.analysis import gap_checks
from drivers.model import SYSTEMS, Driver, Intervention, Link


def need(id, name=None, *, system="family", prioritised=False, status="supported"):
    return Driver(id, name or f"N{id}", system, "need", 5, 3, prioritised, status)


def strength(id, name=None):
    return Driver(id, name or f"S{id}", "family", "strength", 5, 3, False)


def one_per_system():
    return [need(100 + i, f"Z{i}", system=s) for i, s in enumerate(SYSTEMS)]


# --------------------------------------------------------------------------- priorities


def test_prioritised_driver_without_intervention_is_reported():
    drivers = [need(1, prioritised=True), need(2, prioritised=True)]
    gaps = gap_checks(drivers, [], [Intervention(1, "Safety plan", (2,))])
    assert gaps.unaddressed_priorities == (1,)


def test_prioritised_driver_with_intervention_is_not_reported():
    gaps = gap_checks([need(1, prioritised=True)], [], [Intervention(1, "Safety plan", (1,))])
    assert gaps.unaddressed_priorities == ()


def test_ruled_out_priority_needs_no_intervention():
    gaps = gap_checks([need(1, prioritised=True, status="ruled_out")], [], [])
    assert gaps.unaddressed_priorities == ()


# --------------------------------------------------------------------------- interventions


def test_intervention_aimed_at_nothing_current_is_reported():
    drivers = [need(1), need(2, status="ruled_out")]
    interventions = [
        Intervention(1, "Aimed at nothing", ()),
        Intervention(2, "Aimed at a ruled-out driver", (2,)),
        Intervention(3, "Aimed at a removed driver", (99,)),
        Intervention(4, "Aimed well", (1,)),
    ]
    assert gap_checks(drivers, [], interventions).idle_interventions == (3, 2, 1)  # by name


def test_intervention_aimed_at_a_current_driver_is_not_reported():
    gaps = gap_checks([need(1)], [], [Intervention(1, "Warm time", (1,))])
    assert gaps.idle_interventions == ()


# --------------------------------------------------------------------------- paths


def test_driver_with_no_path_to_the_behaviour_is_reported():
    drivers = [need(1, "Linked"), need(2, "Alone"), need(3, "Feeds a strength"), strength(4, "Strength")]
    links = [Link(1, None, 2), Link(3, 4, 2), Link(4, None, 2)]
    # The strength protects against the behaviour; the need that "feeds" it does not drive anything.
    assert gap_checks(drivers, links, []).unlinked_drivers == (2, 3)


def test_indirect_path_counts_and_ruled_out_drivers_are_not_gaps():
    drivers = [need(1), need(2), need(3, status="ruled_out"), strength(4)]
    links = [Link(1, 2, 1), Link(2, None, 1), Link(4, 1, 2)]
    assert gap_checks(drivers, links, []).unlinked_drivers == ()


def test_a_path_only_through_a_ruled_out_driver_does_not_count():
    drivers = [need(1), need(2, status="ruled_out")]
    assert gap_checks(drivers, [Link(1, 2, 3), Link(2, None, 3)], []).unlinked_drivers == (1,)


# --------------------------------------------------------------------------- systems


def test_systems_with_no_driver_are_reported_in_order():
    drivers = [need(1, system="family"), need(2, system="school", status="ruled_out")]
    # A ruled-out driver still shows the system was considered.
    assert gap_checks(drivers, [], []).empty_systems == ("individual", "peers", "community")


def test_no_empty_system_when_all_five_are_considered():
    assert gap_checks(one_per_system(), [], []).empty_systems == ()


# --------------------------------------------------------------------------- loops


def test_two_driver_loop_is_reported_readably():
    drivers = [need(1, "Warmth low"), need(2, "Anger")]
    gaps = gap_checks(drivers, [Link(1, 2, 2), Link(2, 1, 2), Link(2, None, 2)], [])
    assert gaps.loops == ("Anger -> Warmth low -> Anger",)
    assert gaps.loop_ids == ((2, 1, 2),)


def test_loop_starts_at_its_first_name_and_all_loops_are_found():
    # B -> C -> A -> B and A -> C -> A
    drivers = [need(1, "A"), need(2, "B"), need(3, "C")]
    links = [Link(2, 3, 1), Link(3, 1, 1), Link(1, 2, 1), Link(1, 3, 1)]
    assert gap_checks(drivers, links, []).loops == ("A -> B -> C -> A", "A -> C -> A")


def test_chain_has_no_loop():
    drivers = [need(1), need(2), need(3)]
    assert gap_checks(drivers, [Link(1, 2, 1), Link(2, 3, 1), Link(1, 3, 1)], []).loops == ()


def test_loops_through_strengths_or_ruled_out_drivers_are_not_reinforcing():
    drivers = [need(1), strength(2), need(3), need(4, status="ruled_out")]
    links = [Link(1, 2, 1), Link(2, 1, 1), Link(3, 4, 1), Link(4, 3, 1)]
    assert gap_checks(drivers, links, []).loops == ()


def test_loops_longer_than_five_are_left_out():
    drivers = [need(i) for i in range(1, 7)]
    six = [Link(i, i % 6 + 1, 1) for i in range(1, 7)]
    five = [Link(i, i % 5 + 1, 1) for i in range(1, 6)]
    assert gap_checks(drivers, six, []).loops == ()
    assert gap_checks(drivers[:5], five, []).loops == ("N1 -> N2 -> N3 -> N4 -> N5 -> N1",)


def test_clean_plan_has_no_gaps():
    drivers = one_per_system()
    links = [Link(d.id, None, 2) for d in drivers]
    interventions = [Intervention(1, "All", tuple(d.id for d in drivers))]
    assert not gap_checks(drivers, links, interventions).any
