"""The fit circle as one interactive, offline, self-contained HTML page (a string).

pyvis builds the node, edge and option data; the page around it is ours, because pyvis's
template loads vis-network and Bootstrap from CDNs (a third-party request from a page about
a child) and inserts titles as raw HTML once any title contains "href". vis-network itself
is inlined from the copy shipped in the pyvis wheel, and a Content-Security-Policy forbids
the page from loading anything at all.

User text (names, notes, descriptions, the behaviour label) reaches the page only as
JSON inside a script (with <, >, & escaped so it cannot close the script) or as an
HTML-escaped attribute. Tooltips are plain strings, which vis-network 9 shows with
``innerText``, never as markup.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Iterable
from pathlib import Path

import pyvis
from pyvis.network import Network

from drivers.analysis import leverage_ranking, strength_ranking
from drivers.graph import BEHAVIOUR, build_graph
from drivers.history import map_at_week  # re-exported: the view replays past weeks from here
from drivers.layout import positions
from drivers.model import (
    BEHAVIOUR_COLOUR,
    KIND_LABELS,
    LINK_STRENGTHS,
    RULED_OUT_COLOUR,
    STATUS_LABELS,
    SYSTEM_COLOURS,
    SYSTEM_LABELS,
    SYSTEMS,
    Driver,
    Link,
)

__all__ = ["map_html", "map_at_week", "node_id"]

_VIS_DIR = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"

MIN_SIZE, MAX_SIZE, RULED_OUT_SIZE = 12, 32, 10  # node radius in px, by leverage
_LABEL_LIMIT, _BEHAVIOUR_LABEL_LIMIT, _TITLE_LIMIT = 80, 64, 500
_SHAPES = {"need": "dot", "strength": "diamond"}

# Characters that must not reach a label: C0/C1 controls, bidi overrides, line separators.
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_SURROGATES = re.compile("[\ud800-\udfff]")  # cannot be encoded as UTF-8
_ICON_RULE = re.compile(r'[^{}]*\{[^{}]*url\("?data:[^{}]*\}')


def node_id(driver_id: int) -> str:
    """The vis node id of a driver, stable across reruns (browser tests hover by it)."""
    return f"d{driver_id}"


@functools.cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS from the pyvis wheel, read once per process."""
    js = (_VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    css = (_VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    # Drop the rules carrying base64 icons: they style the navigation and editing buttons,
    # which the map turns off, and they are 94% of the file (207 of 220 kB).
    css = _ICON_RULE.sub("", css)
    # Inlined verbatim, so neither may contain text that ends its element early.
    if re.search(r"</script|<!--", js, re.I) or re.search(r"</style", css, re.I):
        raise RuntimeError("vis-network assets cannot be inlined safely")
    return js, css


def map_html(
    drivers: Iterable[Driver],
    links: Iterable[Link],
    behaviour_label: str,
    *,
    height_px: int = 640,
) -> str:
    """The whole interactive driver map as one HTML document, with no external requests.

    Behaviour in the centre (vis id "behaviour"), drivers in one sector per system (vis ids
    ``node_id(driver.id)``), fixed positions and physics off. Colour = system, shape = kind,
    size = leverage, line width = link strength; ruled-out drivers grey and dashed. The
    page sets ``window.plannerNetwork`` to the vis Network for browser tests.
    """
    drivers = list(drivers)
    links = list(links)
    height_px = min(4000, max(240, int(height_px)))
    graph = build_graph(drivers, links)
    ranked = {"need": leverage_ranking(drivers, links), "strength": strength_ranking(drivers, links)}
    rank_text = _rank_texts(ranked)
    scores = {lev.driver_id: lev.score for levs in ranked.values() for lev in levs}
    top = max(scores.values(), default=0.0) or 1.0
    where = positions(drivers)
    # The centre box is wider and shorter than a driver's label, so it never reaches the ring around it;
    # the whole description is in its tooltip.
    label = _plain(behaviour_label, _BEHAVIOUR_LABEL_LIMIT) or "Referral behaviour"

    net = Network(height=f"{height_px}px", width="100%", directed=True)
    net.add_node(
        BEHAVIOUR, label=label, shape="box", x=0, y=0,
        color={"background": BEHAVIOUR_COLOUR, "border": BEHAVIOUR_COLOUR,
               "highlight": {"background": "#333333", "border": "#000000"},
               "hover": {"background": "#333333", "border": "#000000"}},
        font={"color": "#FFFFFF", "size": 18, "background": "rgba(0,0,0,0)"},
        widthConstraint={"maximum": 280}, margin=10, title=f"Referral behaviour\n{_plain(behaviour_label, _TITLE_LIMIT)}",
    )
    for node in graph.nodes:
        if node == BEHAVIOUR:
            continue
        driver = graph.nodes[node]["driver"]
        x, y = where[driver.id]
        score = scores.get(driver.id, 0.0)
        size = RULED_OUT_SIZE if driver.ruled_out else MIN_SIZE + (MAX_SIZE - MIN_SIZE) * score / top
        net.add_node(node_id(driver.id), x=x, y=y, size=round(size, 1), **_driver_look(driver),
                     title=_driver_title(driver, rank_text.get(driver.id)))
    for source, target, data in graph.edges(data=True):
        source_driver = graph.nodes[source]["driver"]
        target_driver = graph.nodes[target].get("driver")
        faded = source_driver.ruled_out or (target_driver is not None and target_driver.ruled_out)
        protective = source_driver.kind == "strength"
        net.add_edge(
            node_id(source), BEHAVIOUR if target == BEHAVIOUR else node_id(target),
            width=round(1.6 * data["strength"], 1),
            dashes=faded,
            color=_edge_colour(RULED_OUT_COLOUR if faded else _colour(source_driver)),
            arrows={"to": {"enabled": True, "type": "bar" if protective else "arrow"}},
            title=_link_title(source_driver, target_driver, label, data),
        )
    net.options = _OPTIONS
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    data = {"nodes": nodes, "edges": edges, "options": json.loads(options)}
    summary = f"Driver map: {len(drivers)} drivers around the referral behaviour, {label}"
    return _page(data, summary, height_px)


# --------------------------------------------------------------------------- node look


def _colour(driver: Driver) -> str:
    return SYSTEM_COLOURS.get(driver.system, RULED_OUT_COLOUR)


def _edge_colour(colour: str) -> dict:
    # Same colour on hover and select: vis would otherwise grey out the system colour.
    return {"color": colour, "highlight": colour, "hover": colour, "opacity": 0.8}


def _driver_look(driver: Driver) -> dict:
    name = _plain(driver.name, _LABEL_LIMIT) or "(unnamed)"
    shape = _SHAPES.get(driver.kind, "dot")
    if driver.ruled_out:
        return {
            "label": f"{name}\n(ruled out)", "shape": shape,
            "color": {"background": "#FFFFFF", "border": RULED_OUT_COLOUR},
            "font": {"color": "#6B6B6B"}, "borderWidth": 2,
            "shapeProperties": {"borderDashes": [4, 4]},
        }
    colour = _colour(driver)
    look = {
        "label": name, "shape": shape, "borderWidth": 2,
        "color": {"background": colour, "border": colour,
                  "highlight": {"background": colour, "border": "#000000"},
                  "hover": {"background": colour, "border": "#000000"}},
    }
    if driver.status == "hypothesised":  # still to be evidenced: dark dashed outline
        look["color"] = {**look["color"], "border": "#333333"}
        look["shapeProperties"] = {"borderDashes": [3, 3]}
    return look


def _driver_title(driver: Driver, rank: str | None) -> str:
    system = SYSTEM_LABELS.get(driver.system, str(driver.system))
    kind = KIND_LABELS.get(driver.kind, str(driver.kind)).lower()
    rating = "not rated yet" if driver.rating is None else f"rated {driver.rating}/10"
    lines = [
        _plain(driver.name, _TITLE_LIMIT),
        f"{system} {kind} · {rating} · changeability {driver.changeability}/5",
        STATUS_LABELS.get(driver.status, str(driver.status)) + (" · prioritised" if driver.prioritised else ""),
    ]
    if rank:
        lines.append(rank)
    if driver.description:
        lines.append(_plain(driver.description, _TITLE_LIMIT, keep_newlines=True))
    return "\n".join(lines)


def _link_title(source: Driver, target: Driver | None, behaviour: str, data: dict) -> str:
    verb = "protects against" if source.kind == "strength" else "drives"
    target_name = behaviour if target is None else _plain(target.name, _LABEL_LIMIT)
    text = f"{_plain(source.name, _LABEL_LIMIT)} {verb} {target_name}\n{LINK_STRENGTHS[data['strength']]} link"
    note = _plain(data["note"], _TITLE_LIMIT, keep_newlines=True) if isinstance(data["note"], str) else ""
    return f"{text}\n{note}" if note else text


def _rank_texts(ranked: dict) -> dict[int, str]:
    texts = {}
    for kind, levs in ranked.items():
        noun = "needs" if kind == "need" else "strengths"
        for place, lev in enumerate(levs, start=1):
            texts[lev.driver_id] = f"Leverage {lev.score:.2f} (rank {place} of {len(levs)} {noun})"
    return texts


def _plain(text: object, limit: int, *, keep_newlines: bool = False) -> str:
    """One user string made safe to show as text: no controls, no lone surrogates, bounded."""
    text = _SURROGATES.sub("\ufffd", text if isinstance(text, str) else str(text))
    if not keep_newlines:
        text = text.replace("\n", " ")
    text = _CONTROLS.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- page

_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

_OPTIONS = {
    "physics": {"enabled": False},  # positions are ours: the map must not jump
    "layout": {"improvedLayout": False},
    "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False,
                    "keyboard": {"enabled": False}, "multiselect": False},
    "nodes": {"font": {"size": 21, "face": _FONT, "background": "rgba(255,255,255,0.85)"},
              "widthConstraint": {"maximum": 170}},
    "edges": {"smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.12},
              "arrowStrikethrough": False, "hoverWidth": 1.5,
              "arrows": {"to": {"enabled": True, "scaleFactor": 0.7}}},
}

_MAP_CSS = f"""
body {{ margin: 0; font-family: {_FONT}; color: #1f1f1f; background: #ffffff; }}
#planner-map {{ width: 100%; border: 1px solid #d9d9d9; border-radius: 6px; box-sizing: border-box; }}
div.vis-tooltip {{ white-space: pre-wrap; max-width: 340px; font-family: {_FONT}; font-size: 13px;
  line-height: 1.35; background: #ffffff; border: 1px solid #8c8c8c; }}
.map-legend {{ display: flex; flex-wrap: wrap; gap: 6px 18px; padding: 8px 2px 0; font-size: 13px; }}
.map-legend .key {{ display: inline-flex; align-items: center; gap: 6px; white-space: nowrap; }}
.map-legend svg {{ flex: none; }}
"""


def _legend() -> str:
    keys = []
    for system in SYSTEMS:
        colour = SYSTEM_COLOURS[system]
        keys.append(_key(f'<circle cx="8" cy="8" r="6.5" fill="{colour}"/>', SYSTEM_LABELS[system]))
    keys += [
        _key('<rect x="1" y="4" width="14" height="8" rx="2" fill="#000000"/>', "Referral behaviour"),
        _key('<circle cx="8" cy="8" r="6" fill="#ffffff" stroke="#333333" stroke-width="1.6"/>', "Need"),
        _key('<path d="M8 1.5 L14.5 8 L8 14.5 L1.5 8 Z" fill="#ffffff" stroke="#333333" stroke-width="1.6"/>',
             "Strength"),
        _key('<circle cx="8" cy="8" r="6" fill="#ffffff" stroke="#333333" stroke-width="1.6" '
             'stroke-dasharray="2.5 2"/>', "Hypothesised"),
        _key(f'<circle cx="8" cy="8" r="6" fill="#ffffff" stroke="{RULED_OUT_COLOUR}" stroke-width="1.6" '
             'stroke-dasharray="3 3"/>', "Ruled out"),
        _key('<path d="M1 8 H12" stroke="#333333" stroke-width="2"/><path d="M11 4 L15 8 L11 12 Z" fill="#333333"/>',
             "Drives"),
        _key('<path d="M1 8 H14" stroke="#333333" stroke-width="2"/><path d="M14 3 V13" stroke="#333333" '
             'stroke-width="2.5"/>', "Protects against"),
        '<span class="key">Thicker line = stronger link · bigger node = more leverage</span>',
    ]
    return '<div class="map-legend" aria-label="Legend">' + "".join(keys) + "</div>"


def _key(svg_body: str, text: str) -> str:
    return (
        '<span class="key"><svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">'
        f"{svg_body}</svg>{html.escape(text)}</span>"
    )


_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; base-uri 'none'; form-action 'none'"
)

_INIT = """(function () {
  var data = JSON.parse(document.getElementById("planner-map-data").textContent);
  var container = document.getElementById("planner-map");
  var network = new vis.Network(
    container,
    { nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges) },
    data.options
  );
  // Fit the box around every node (plus room for the labels hanging below them): a case
  // whose drivers sit mostly in one system must not leave half the frame empty.
  var box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  var where = network.getPositions();
  Object.keys(where).forEach(function (id) {
    box.x0 = Math.min(box.x0, where[id].x); box.x1 = Math.max(box.x1, where[id].x);
    box.y0 = Math.min(box.y0, where[id].y); box.y1 = Math.max(box.y1, where[id].y);
  });
  // Streamlit sizes the frame after it loads, so fit again whenever the frame resizes.
  function centre() {
    var scale = Math.min(container.clientWidth / (box.x1 - box.x0 + 200), container.clientHeight / (box.y1 - box.y0 + 200));
    network.moveTo({
      position: { x: (box.x0 + box.x1) / 2, y: (box.y0 + box.y1) / 2 + 20 },
      scale: Math.min(1.4, scale),
      animation: false
    });
  }
  centre();
  network.on("resize", centre);
  window.addEventListener("resize", function () { network.redraw(); centre(); });
  window.plannerNetwork = network;
})();"""


def _script_json(value: object) -> str:
    """JSON that cannot end or confuse the <script> element it sits in."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _page(data: dict, summary: str, height_px: int) -> str:
    js, css = _vis_assets()
    return "".join([
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n',
        '<meta name="referrer" content="no-referrer">\n<title>Driver map</title>\n',
        "<style>", css, "</style>\n<style>", _MAP_CSS,
        f"#planner-map {{ height: {height_px}px; }}</style>\n</head>\n<body>\n",
        f'<div id="planner-map" role="img" aria-label="{html.escape(summary, quote=True)}"></div>\n',
        _legend(), "\n",
        '<script type="application/json" id="planner-map-data">', _script_json(data), "</script>\n",
        "<script>", js, "</script>\n<script>", _INIT, "</script>\n</body>\n</html>\n",
    ])
