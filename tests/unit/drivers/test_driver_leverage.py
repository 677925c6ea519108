"""Leverage ranking on small maps whose numbers are worked out by hand in the comments.

DECAY = 2/3 per link beyond the first; a link of strength s carries s/3.
"""

import pytest

from drivers.analysis import DECAY, leverage_ranking, strength_ranking
from drivers.model import Driver, Link


def need(id, name, *, rating=10, changeability=5, status="supported"):
    return Driver(id, name, "family", "need", rating, changeability, False, status)


def strength(id, name, *, rating=10):
    return Driver(id, name, "family", "strength", rating, 3, False)


def by_name(ranking):
    return {lev.name: lev for lev in ranking}


def test_decay_is_two_thirds():
    assert DECAY == pytest.approx(2 / 3)


def test_chain_and_direct_link_by_hand():
    # A -3-> B -3-> behaviour, and C -1-> behaviour.
    #   B: one direct strong link                 = 3/3             = 1
    #   A: A->B->behaviour, two links             = (3/3)(3/3)(2/3) = 0.6667
    #   C: one direct weak link                   = 1/3             = 0.3333
    # Scores = influence * rating/10 * changeability/5:
    #   B rated 5, changeability 5 -> 1 * 0.5 * 1       = 0.5
    #   A rated 10, changeability 5 -> 0.6667 * 1 * 1   = 0.6667
    #   C rated 10, changeability 3 -> 0.3333 * 1 * 0.6 = 0.2
    drivers = [need(1, "A"), need(2, "B", rating=5), need(3, "C", changeability=3)]
    links = [Link(1, 2, 3), Link(2, None, 3), Link(3, None, 1)]
    ranking = leverage_ranking(drivers, links)
    got = by_name(ranking)
    assert got["B"].influence == pytest.approx(1.0)
    assert got["A"].influence == pytest.approx(2 / 3)
    assert got["C"].influence == pytest.approx(1 / 3)
    assert got["A"].score == pytest.approx(2 / 3)
    assert got["B"].score == pytest.approx(0.5)
    assert got["C"].score == pytest.approx(0.2)
    assert [lev.name for lev in ranking] == ["A", "B", "C"]


def test_two_routes_add_up():
    # M feeds S (strong) and W (moderate); S -3-> behaviour; W -2-> behaviour.
    #   via S: (3/3)(3/3)(2/3) = 0.6667
    #   via W: (2/3)(2/3)(2/3) = 0.2963
    #   M = 0.9630, more than either route alone.
    drivers = [need(1, "M"), need(2, "S"), need(3, "W")]
    links = [Link(1, 2, 3), Link(1, 3, 2), Link(2, None, 3), Link(3, None, 2)]
    assert by_name(leverage_ranking(drivers, links))["M"].influence == pytest.approx(2 / 3 + 8 / 27)


def test_a_loop_adds_bounded_weight():
    # A -3-> B, B -3-> A, B -3-> behaviour; walks of at most 6 links are counted.
    #   B: lengths 1, 3, 5 (B->beh, B->A->B->beh, ...) = 1 + (2/3)^2 + (2/3)^4 = 1.6420
    #   A: lengths 2, 4, 6                             = (2/3) + (2/3)^3 + (2/3)^5 = 1.0947
    drivers = [need(1, "A"), need(2, "B")]
    links = [Link(1, 2, 3), Link(2, 1, 3), Link(2, None, 3)]
    got = by_name(leverage_ranking(drivers, links))
    assert got["B"].influence == pytest.approx(1 + (2 / 3) ** 2 + (2 / 3) ** 4)
    assert got["A"].influence == pytest.approx(2 / 3 + (2 / 3) ** 3 + (2 / 3) ** 5)


def test_walks_longer_than_six_links_do_not_count():
    # A chain of 7 strong links: the driver at the far end is 7 links away -> 0;
    # the one 6 links away gets (2/3)^5 = 0.1317.
    drivers = [need(i, f"D{i}") for i in range(1, 8)]
    links = [Link(i, i + 1, 3) for i in range(1, 7)] + [Link(7, None, 3)]
    got = by_name(leverage_ranking(drivers, links))
    assert got["D2"].influence == pytest.approx((2 / 3) ** 5)
    assert got["D1"].influence == 0
    assert got["D1"].reason.startswith("Not yet linked to the behaviour")


def test_drive_does_not_pass_through_a_strength_or_a_ruled_out_driver():
    # N1 -> strength -> behaviour and N2 -> ruled-out -> behaviour: neither carries drive on.
    drivers = [need(1, "N1"), strength(2, "S"), need(3, "N2"), need(4, "R", status="ruled_out")]
    links = [Link(1, 2, 3), Link(2, None, 3), Link(3, 4, 3), Link(4, None, 3)]
    ranking = leverage_ranking(drivers, links)
    assert [lev.name for lev in ranking] == ["N1", "N2"]  # R is ruled out: not ranked
    assert all(lev.influence == 0 for lev in ranking)


def test_needs_and_strengths_are_ranked_separately():
    # Strength S -3-> need A -3-> behaviour: S pushes against (3/3)(2/3)(A's 1) = 0.6667,
    # score = influence * rating/10 = 0.6667 * 0.6 = 0.4 (changeability does not apply).
    drivers = [need(1, "A"), strength(2, "S", rating=6)]
    links = [Link(2, 1, 3), Link(1, None, 3)]
    assert [lev.name for lev in leverage_ranking(drivers, links)] == ["A"]
    (protective,) = strength_ranking(drivers, links)
    assert protective.influence == pytest.approx(2 / 3)
    assert protective.score == pytest.approx(0.4)
    assert protective.reason == "Protects against 'A'; rated 6/10."


def test_unrated_need_counts_as_mid_scale():
    drivers = [need(1, "A", rating=None)]
    (lev,) = leverage_ranking(drivers, [Link(1, None, 3)])
    assert lev.score == pytest.approx(0.5)
    assert "not rated yet" in lev.reason


def test_ties_are_broken_by_name():
    drivers = [need(1, "Zed"), need(2, "Abe"), need(3, "Mo")]
    links = [Link(i, None, 2) for i in (1, 2, 3)]
    assert [lev.name for lev in leverage_ranking(drivers, links)] == ["Abe", "Mo", "Zed"]


def test_reason_names_the_routes_in_clinician_words():
    drivers = [need(1, "Father minimises the harm", rating=9, changeability=4),
               need(2, "Loose supervision at cousins' visits")]
    links = [Link(1, None, 3), Link(1, 2, 3), Link(2, None, 3)]
    reason = by_name(leverage_ranking(drivers, links))["Father minimises the harm"].reason
    assert reason == (
        "Feeds the behaviour directly (strong link) and through "
        "'Loose supervision at cousins' visits'; rated 9/10; changeability 4/5."
    )


def test_hypothesis_is_flagged_in_the_reason():
    (lev,) = leverage_ranking([need(1, "A", status="hypothesised")], [Link(1, None, 1)])
    assert lev.reason == "Feeds the behaviour directly (weak link); rated 10/10; changeability 5/5; still a hypothesis."


def test_empty_map():
    assert leverage_ranking([], []) == []
    assert strength_ranking([], []) == []
