"""Drivers and links as a directed graph around the referral behaviour."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from drivers.model import Driver, Link

BEHAVIOUR = "behaviour"  # node id of the referral behaviour; drivers use their int ids


def build_graph(drivers: Iterable[Driver], links: Iterable[Link]) -> nx.DiGraph:
    """Every driver (ruled out too, so it can still be drawn) plus the behaviour node.

    Node attributes: ``driver`` (the Driver; absent on the behaviour) and ``active``
    (False for ruled-out drivers). Edge attributes: ``strength``, ``weight`` (strength/3)
    and ``note``. Links that name an unknown driver or have no source are skipped, so a
    stale link cannot break a page; of two links between the same pair the stronger wins.
    Use ``active_graph`` for analysis.
    """
    graph = nx.DiGraph()
    graph.add_node(BEHAVIOUR, active=True)
    for driver in drivers:
        graph.add_node(driver.id, driver=driver, active=not driver.ruled_out)
    for link in links:
        source = link.source
        target = BEHAVIOUR if link.target is None else link.target
        if source is None or source not in graph or target not in graph or source == BEHAVIOUR:
            continue
        strength = _clamp_strength(link.strength)
        if graph.has_edge(source, target) and graph.edges[source, target]["strength"] >= strength:
            continue
        graph.add_edge(source, target, strength=strength, weight=strength / 3, note=link.note)
    return graph


def active_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """A view without ruled-out drivers: they stay on the map but no longer explain anything."""
    return nx.subgraph_view(graph, filter_node=lambda n: graph.nodes[n]["active"])


def _clamp_strength(value: object) -> int:
    # Out-of-range stored data is drawn and analysed at the nearest valid strength.
    try:
        return min(3, max(1, int(value)))  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return 1
