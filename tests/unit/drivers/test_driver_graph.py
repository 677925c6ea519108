"""The graph behind the analysis and the map."""

from drivers.graph import BEHAVIOUR, active_graph, build_graph
from drivers.model import Driver, Link

DRIVERS = [Driver(1, "A", "family", "need", 5, 3, False),
           Driver(2, "B", "family", "need", 5, 3, False, "ruled_out")]


def test_behaviour_node_and_int_driver_nodes():
    graph = build_graph(DRIVERS, [Link(1, None, 2), Link(1, 2, 3, "why")])
    assert set(graph.nodes) == {BEHAVIOUR, 1, 2}
    assert graph.edges[1, BEHAVIOUR] == {"strength": 2, "weight": 2 / 3, "note": ""}
    assert graph.edges[1, 2]["note"] == "why"


def test_ruled_out_drivers_are_drawable_but_not_analysed():
    graph = build_graph(DRIVERS, [Link(1, 2, 3), Link(2, None, 3)])
    assert graph.nodes[2]["active"] is False and 2 in graph
    assert set(active_graph(graph).nodes) == {BEHAVIOUR, 1}
    assert list(active_graph(graph).edges) == []


def test_stale_or_sourceless_links_are_skipped_and_the_stronger_duplicate_wins():
    links = [Link(None, 1, 2), Link(1, 99, 2), Link(99, None, 2), Link(1, None, 1), Link(1, None, 3), Link(1, None, 2)]
    graph = build_graph(DRIVERS, links)
    assert list(graph.edges(data="strength")) == [(1, BEHAVIOUR, 3)]


def test_out_of_range_strength_is_clamped():
    graph = build_graph(DRIVERS, [Link(1, None, 7), Link(1, 2, 0)])
    assert graph.edges[1, BEHAVIOUR]["strength"] == 3 and graph.edges[1, 2]["strength"] == 1
