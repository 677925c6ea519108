"""Fit-circle analysis and map HTML at growing sizes, against a floor proportional to the data.

Subject (analysis): drivers.analysis leverage_ranking + strength_ranking + gap_checks, what the
driver map page computes on every rerun.
Subject (map): drivers.network_html.map_html, the page's iframe document.
Floor: building the drivers.model Driver and Link dataclasses from plain rows, which the page
does for the same data anyway (MapData.map_drivers / map_links); it grows linearly with the map.
"""

from __future__ import annotations

import re

from bench import report
from bench.synthetic import fit_circle
from bench.timing import paired
from drivers.analysis import gap_checks, leverage_ranking, strength_ranking
from drivers.model import Driver, Link
from drivers.network_html import map_html

ANALYSIS_SIZES = (10, 50, 200, 1000)
QUICK_ANALYSIS_SIZES = (10, 50, 200)
MAP_SIZES = (10, 40, 200)
TARGET_DRIVERS, TARGET_S = 200, 0.1
FLOOR = "building the Driver + Link dataclasses from rows"
_DATA = re.compile(r'id="planner-map-data">(.*?)</script>', re.S)


def run(*, quick: bool) -> list[report.Table]:
    repeats = 9 if quick else 31  # cheap: more rounds steady the sub-millisecond figures
    table = report.Table(
        "analysis",
        "Analysis: drivers.analysis and map_html (floor: " + FLOOR + ")",
        ["What", "Drivers", "Links", "Median", "Floor", "Ratio", "HTML", "of which map data", "Target"],
    )
    for n in QUICK_ANALYSIS_SIZES if quick else ANALYSIS_SIZES:
        circle = fit_circle(n)
        drivers, links, interventions = circle.map_drivers(), circle.map_links(), circle.map_interventions()

        def analyse(drivers=drivers, links=links, interventions=interventions):
            leverage_ranking(drivers, links)
            strength_ranking(drivers, links)
            gap_checks(drivers, links, interventions)

        def floor(rows=circle.drivers, link_rows=circle.links):
            [Driver(*row) for row in rows]
            [Link(*row) for row in link_rows]

        result = paired(analyse, floor, repeats)
        mark = ""
        if n == TARGET_DRIVERS:
            mark = table.target(f"analysis of {n} drivers < {TARGET_S} s", result.subject.median_s < TARGET_S)
            mark = f"< {TARGET_S} s: {mark}"
        table.add(
            ["rank + gaps", n, len(links), report.seconds(result.subject.median_s), report.seconds(result.floor.median_s),
             report.ratio(result.ratio), "", "", mark],
            {"what": "leverage_ranking + strength_ranking + gap_checks", "floor_is": FLOOR, "drivers": n, "links": len(links),
             **result.as_json()},
        )
    for n in MAP_SIZES:
        circle = fit_circle(n)
        drivers, links = circle.map_drivers(), circle.map_links()
        page = map_html(drivers, links, "Referral behaviour")
        data_size = len(_DATA.search(page).group(1).encode())

        def build(drivers=drivers, links=links):
            map_html(drivers, links, "Referral behaviour")

        def floor(rows=circle.drivers, link_rows=circle.links):
            [Driver(*row) for row in rows]
            [Link(*row) for row in link_rows]

        result = paired(build, floor, repeats)
        size = len(page.encode())
        table.add(
            ["map_html", n, len(links), report.seconds(result.subject.median_s), report.seconds(result.floor.median_s),
             report.ratio(result.ratio), report.kilobytes(size), report.kilobytes(data_size), ""],
            {"what": "map_html", "floor_is": FLOOR, "drivers": n, "links": len(links), "html_bytes": size, "map_data_bytes": data_size,
             **result.as_json()},
        )
    table.notes.append(
        "Synthetic maps: seeded, ~2.5 links per driver, all five systems, a third strengths, 5% ruled out, "
        "n/4 interventions."
    )
    table.notes.append(
        "HTML = the whole iframe document; the rest of it is vis-network's JS and CSS, inlined (the same at every size)."
    )
    return [table]
