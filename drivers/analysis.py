"""What the fit circle says: which needs to prioritise, and where the plan has gaps.

Leverage (principle 5: prioritise the drivers that matter most *and* can change)
-------------------------------------------------------------------------------
Influence is how strongly a driver feeds the behaviour, directly and through other needs:

    influence(v) = sum over walks v -> ... -> behaviour of at most MAX_HOPS links of
                   product(strength / 3 over the walk's links) * DECAY ** (links - 1)

A strong direct link counts 1. DECAY = 2/3 makes each extra hop cost one step on the
clinician's own 1-3 scale: a chain of two strong links counts like one moderate direct link,
because every extra hop is a further hypothesis where other factors can intervene. So a need
that feeds several proximal needs (a caregiver's minimisation loosening supervision *and*
cooling warmth) can outrank them, as MST case conceptualisation expects, while a long weak
chain cannot.

It is computed by dynamic programming over hop counts, O(MAX_HOPS * links), rather than by
enumerating simple paths (which explodes combinatorially on dense maps). It therefore counts
walks: a walk may go round a reinforcing loop, and that extra weight is intended (loops
amplify), bounded by MAX_HOPS and DECAY. Only needs carry drive onward: a strength's links
mean "protects against", so walks never pass *through* a strength, ruled-out drivers are left
out entirely, and the behaviour is the end of every walk.

    need score     = influence * rating/10 * changeability/5   (unrated counts as 5/10)
    strength score = influence * rating/10                     (built on, not changed)

``leverage_ranking`` ranks needs only: that is the list a therapist prioritises from.
``strength_ranking`` ranks strengths separately, as protective factors to build on.
Ties are broken by name, then id, so the order is deterministic.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from drivers.graph import BEHAVIOUR, build_graph
from drivers.model import LINK_STRENGTHS, SYSTEMS, Driver, Intervention, Link
from drivers.validation import validate_driver_fields, validate_link

__all__ = [
    "DECAY",
    "MAX_HOPS",
    "Gaps",
    "Leverage",
    "gap_checks",
    "leverage_ranking",
    "strength_ranking",
    "validate_driver_fields",
    "validate_link",
]

DECAY = 2 / 3
MAX_HOPS = 6
UNRATED_AS = 5  # an unrated driver is scored as mid-scale so it stays visible in the ranking
MAX_LOOP_LENGTH = 5  # longer loops are rare and unreadable in supervision
MAX_LOOPS = 100  # search cap: a map with more loops than this needs a conversation, not a list


@dataclass(frozen=True)
class Leverage:
    driver_id: int
    name: str
    score: float
    influence: float
    reason: str


@dataclass(frozen=True)
class Gaps:
    """Plan gaps to raise in supervision; ids are sorted by driver/intervention name."""

    unaddressed_priorities: tuple[int, ...]  # prioritised drivers no intervention aims at
    idle_interventions: tuple[int, ...]  # interventions aimed at no current driver
    unlinked_drivers: tuple[int, ...]  # current drivers with no path to the behaviour
    empty_systems: tuple[str, ...]  # systems with no driver considered at all
    loops: tuple[str, ...]  # reinforcing loops among needs, "A -> B -> A"
    loop_ids: tuple[tuple[int, ...], ...]  # the same loops as driver ids (first id repeated last)

    @property
    def any(self) -> bool:
        return any(
            (self.unaddressed_priorities, self.idle_interventions, self.unlinked_drivers,
             self.empty_systems, self.loops)
        )


# --------------------------------------------------------------------------- leverage


def leverage_ranking(drivers: Iterable[Driver], links: Iterable[Link]) -> list[Leverage]:
    """Current needs ranked by leverage (see the module docstring for the formula)."""
    return _ranking(drivers, links, want="need")


def strength_ranking(drivers: Iterable[Driver], links: Iterable[Link]) -> list[Leverage]:
    """Current strengths ranked by how much of the behaviour's drive they push against."""
    return _ranking(drivers, links, want="strength")


def _ranking(drivers: Iterable[Driver], links: Iterable[Link], *, want: str) -> list[Leverage]:
    graph = build_graph(drivers, links)
    needs = _active_needs(graph)
    onward = _influence_within(graph, needs, hops=MAX_HOPS - 1)
    result = []
    for node, data in graph.nodes(data=True):
        if node == BEHAVIOUR or not data["active"] or _is_need(data["driver"]) != (want == "need"):
            continue
        driver = data["driver"]
        # influence(v) = direct + DECAY * sum(w * influence_{K-1}(u)) over first hops to needs
        parts = []
        for target in graph.successors(node):
            w = graph.edges[node, target]["weight"]
            if target == BEHAVIOUR:
                parts.append((target, w))
            elif target in needs:
                parts.append((target, w * DECAY * onward[target]))
        influence = sum(v for _, v in parts)
        rating = _rating(driver)
        if want == "need":
            score = influence * rating / 10 * _changeability(driver) / 5
        else:
            score = influence * rating / 10
        reason = _reason(graph, node, driver, parts, want)
        result.append(Leverage(driver.id, driver.name, score, influence, reason))
    result.sort(key=lambda lev: (-round(lev.score, 12), lev.name, lev.driver_id))
    return result


def _influence_within(graph: nx.DiGraph, needs: set, hops: int) -> dict[int, float]:
    """Influence of each need counting walks of at most ``hops`` links (0 when hops < 1)."""
    out = {
        v: [(u, graph.edges[v, u]["weight"]) for u in graph.successors(v) if u in needs]
        for v in needs
    }
    level = {  # walks of exactly one link: the direct link to the behaviour
        v: graph.edges[v, BEHAVIOUR]["weight"] if graph.has_edge(v, BEHAVIOUR) else 0.0
        for v in needs
    }
    total = dict(level) if hops >= 1 else dict.fromkeys(needs, 0.0)
    for _ in range(hops - 1):
        level = {v: DECAY * sum(w * level[u] for u, w in out[v]) for v in needs}
        if not any(level.values()):
            break  # acyclic and exhausted: nothing longer reaches the behaviour
        for v, value in level.items():
            total[v] += value
    return total


def _reason(graph: nx.DiGraph, node: int, driver: Driver, parts: list, want: str) -> str:
    direct = next((v for t, v in parts if t == BEHAVIOUR), None)
    via = sorted(
        ((v, graph.nodes[t]["driver"].name) for t, v in parts if t != BEHAVIOUR and v > 0),
        key=lambda item: (-item[0], item[1]),
    )
    via_text = " and ".join(f"'{name}'" for _, name in via[:2])
    if len(via) > 2:
        via_text += f" and {len(via) - 2} more"
    verb = "Feeds" if want == "need" else "Protects against"
    if direct is not None:
        word = LINK_STRENGTHS[graph.edges[node, BEHAVIOUR]["strength"]]
        first = f"{verb} the behaviour directly ({word} link)"
        if via:
            first += f" and through {via_text}"
    elif via and want == "need":
        first = f"Feeds the behaviour through {via_text}"
    elif via:
        first = f"Protects against {via_text}"
    elif want == "need":
        first = "Not yet linked to the behaviour, directly or through another need"
    else:
        first = "Not yet linked: link it to the need it helps with"
    rating = "not rated yet" if driver.rating is None else f"rated {_rating(driver)}/10"
    bits = [first, rating]
    if want == "need":
        bits.append(f"changeability {_changeability(driver)}/5")
    if driver.status == "hypothesised":
        bits.append("still a hypothesis")
    return "; ".join(bits) + "."


def _active_needs(graph: nx.DiGraph) -> set:
    return {
        n for n, d in graph.nodes(data=True)
        if n != BEHAVIOUR and d["active"] and _is_need(d["driver"])
    }


def _is_need(driver: Driver) -> bool:
    return driver.kind != "strength"  # an unknown kind is treated as a need, never dropped


def _rating(driver: Driver) -> int:
    if driver.rating is None or isinstance(driver.rating, bool):
        return UNRATED_AS
    return min(10, max(0, int(driver.rating)))


def _changeability(driver: Driver) -> int:
    return min(5, max(1, int(driver.changeability)))


# --------------------------------------------------------------------------- gap checks


def gap_checks(
    drivers: Iterable[Driver], links: Iterable[Link], interventions: Iterable[Intervention]
) -> Gaps:
    drivers = list(drivers)
    graph = build_graph(drivers, links)
    by_id = {d.id: d for d in drivers}
    current = {d.id for d in drivers if not d.ruled_out}
    interventions = list(interventions)

    def by_name(ids):
        return tuple(sorted(ids, key=lambda i: (by_id[i].name, i)))

    aimed_at = {i for iv in interventions for i in iv.driver_ids}
    unaddressed = by_name(d.id for d in drivers if d.prioritised and d.id in current and d.id not in aimed_at)
    idle = tuple(
        iv.id for iv in sorted(interventions, key=lambda iv: (iv.name, iv.id))
        if not any(i in current for i in iv.driver_ids)
    )
    reaching = _reaching_behaviour(graph)
    unlinked = by_name(i for i in current if i not in reaching)
    considered = {d.system for d in drivers}
    empty = tuple(s for s in SYSTEMS if s not in considered)
    loop_ids = _loops(graph)
    loops = tuple(" -> ".join(by_id[i].name for i in loop) for loop in loop_ids)
    return Gaps(unaddressed, idle, unlinked, empty, loops, loop_ids)


def _reaching_behaviour(graph: nx.DiGraph) -> set:
    """Current drivers with a drive path to the behaviour: the same paths influence counts."""
    seen: set = set()
    queue = deque([BEHAVIOUR])
    while queue:
        node = queue.popleft()
        for pred in graph.predecessors(node):
            data = graph.nodes[pred]
            if pred in seen or not data["active"]:
                continue
            seen.add(pred)
            if _is_need(data["driver"]):  # drive passes on through needs only
                queue.append(pred)
    return seen


def _loops(graph: nx.DiGraph) -> tuple[tuple[int, ...], ...]:
    """Reinforcing loops among current needs, each starting (and ending) at its first name.

    A bounded depth-first search rather than ``nx.simple_cycles(length_bound=...)``, which
    took 1-2.5 s on a sparse 1,000-driver map: loops only live inside strongly connected
    components, and starting each search at the loop's alphabetically first driver (never
    stepping to an earlier one) finds every loop exactly once, already rotated for reading.
    """
    needs = graph.subgraph(_active_needs(graph))
    rank = {n: i for i, n in enumerate(sorted(needs, key=lambda n: (graph.nodes[n]["driver"].name, n)))}
    component = {}
    for index, members in enumerate(nx.strongly_connected_components(needs)):
        component.update(dict.fromkeys(members, index))
    succ = {
        n: sorted((u for u in needs.successors(n) if component[u] == component[n]), key=rank.__getitem__)
        for n in needs
    }
    found: list[tuple[int, ...]] = []
    for start in sorted((n for n in needs if succ[n]), key=rank.__getitem__):
        path, on_path, stack = [start], {start}, [iter(succ[start])]
        while stack:
            for nxt in stack[-1]:
                if nxt == start:
                    found.append((*path, start))
                    if len(found) >= MAX_LOOPS:
                        return _by_names(graph, found)
                elif rank[nxt] > rank[start] and nxt not in on_path and len(path) < MAX_LOOP_LENGTH:
                    path.append(nxt)
                    on_path.add(nxt)
                    stack.append(iter(succ[nxt]))
                    break
            else:  # every successor tried: step back
                stack.pop()
                on_path.discard(path.pop())
    return _by_names(graph, found)


def _by_names(graph: nx.DiGraph, loops: list[tuple[int, ...]]) -> tuple[tuple[int, ...], ...]:
    return tuple(sorted(loops, key=lambda loop: ([graph.nodes[i]["driver"].name for i in loop], loop)))
