"""The driver map page: offline, escaped, stable, and drawn the way the legend says."""

import json
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.model import SYSTEM_COLOURS, SYSTEM_LABELS, SYSTEMS, Driver, Link
from drivers.network_html import map_html

DATA_SCRIPT = re.compile(r'<script type="application/json" id="planner-map-data">(.*?)</script>', re.S)

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    'href="javascript:alert(1)"',
    "<a href=\"https://evil.example/\">click</a>",
    "x</style><style>body{display:none}",
    "<!-- comment --><![CDATA[",
    "\u2028line\u2029separators & entities &amp;",
]


def drivers_and_links():
    drivers = [
        Driver(1, "Father minimises the harm", "family", "need", 9, 4, True),
        Driver(2, "Loose supervision at visits", "family", "need", 8, 5, True),
        Driver(3, "Poor knowledge of consent", "individual", "need", 7, 5, False, "hypothesised"),
        Driver(4, "Engages at school", "school", "strength", 7, 3, False),
        Driver(5, "Neighbours hostile", "community", "need", 3, 2, False, "ruled_out"),
        Driver(6, "Isolated from peers", "peers", "need", 2, 2, False),
    ]
    links = [Link(1, 2, 3, "Dad's view drives the loose rules"), Link(2, None, 3), Link(3, None, 1),
             Link(4, 6, 2), Link(6, None, 1), Link(5, None, 2)]
    return drivers, links


def page_data(page):
    (blob,) = DATA_SCRIPT.findall(page)
    return json.loads(blob)


class _Attrs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.urls = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [v for k, v in attrs if k in ("src", "href", "action", "formaction", "poster", "data")]


@pytest.fixture(scope="module")
def page():
    drivers, links = drivers_and_links()
    return map_html(drivers, links, "Harm to a younger cousin")


# --------------------------------------------------------------------------- offline


def test_no_request_can_leave_the_page(page):
    parser = _Attrs()
    parser.feed(page)
    assert parser.urls == []  # no src/href/... attribute at all: everything is inline
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert "cdn" not in page.lower()
    assert "@import" not in page and not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", page, re.I)
    assert "default-src 'none'" in page  # and the browser is told to refuse any load anyway


def test_vis_network_is_inlined_once(page):
    assert page.count("vis-network") >= 1
    parser = _Attrs()
    parser.feed(page)
    assert parser.tags.count("script") == 3  # data, vis-network, our init
    assert page.count("</script>") == 3
    assert "window.plannerNetwork = network" in page


# --------------------------------------------------------------------------- escaping


@pytest.mark.parametrize("hostile", HOSTILE)
def test_user_text_never_becomes_markup(hostile):
    drivers = [Driver(1, hostile, "family", "need", 5, 3, False, description=hostile),
               Driver(2, "Other", "peers", "strength", 5, 3, False)]
    page = map_html(drivers, [Link(1, None, 2, hostile), Link(2, 1, 1)], hostile)
    baseline = map_html([Driver(1, "a", "family", "need", 5, 3, False, description="a"),
                         Driver(2, "Other", "peers", "strength", 5, 3, False)],
                        [Link(1, None, 2, "a"), Link(2, 1, 1)], "a")
    assert hostile not in page
    for fragment in ("<img", "<script>alert", 'href="javascript', "</style><style>", "<!-- comment"):
        assert fragment not in page
    # Every "<" and ">" on the page is ours: the counts do not move with user text.
    assert page.count("<") == baseline.count("<")
    assert page.count(">") == baseline.count(">")
    # ...and the text still arrives intact, as text, for vis to draw and show.
    data = page_data(page)
    node = next(n for n in data["nodes"] if n["id"] == "d1")
    cleaned = hostile.replace("\u2028", " ").replace("\u2029", " ")
    assert node["label"] == cleaned[:79].rstrip() + "…" if len(cleaned) > 80 else cleaned
    assert hostile.split("\u2028")[0] in node["title"]


def test_titles_are_plain_strings_for_vis_to_show_as_text(page):
    data = page_data(page)
    assert all(isinstance(n["title"], str) for n in data["nodes"] + data["edges"])
    # vis-network 9 shows string titles with innerText; make sure this copy still does.
    assert "this.frame.innerText=t" in page


def test_control_characters_do_not_reach_labels():
    drivers = [Driver(1, "Tab\there\x00 \x1b[31m red \u202e evil", "family", "need", 5, 3, False)]
    label = next(n for n in page_data(map_html(drivers, [], "b"))["nodes"] if n["id"] == "d1")["label"]
    assert not re.search("[\x00-\x1f\u202e]", label)


def test_lone_surrogates_cannot_break_the_page():
    page = map_html([Driver(1, "bad \ud800 half", "family", "need", 5, 3, False)], [], "\udfff")
    page.encode("utf-8")
    assert next(n for n in page_data(page)["nodes"] if n["id"] == "d1")["label"] == "bad \ufffd half"


def test_behaviour_label_is_escaped_in_the_aria_summary():
    page = map_html([], [], '"><img src=x>')
    assert 'aria-label="Driver map: 0 drivers around the referral behaviour, &quot;&gt;&lt;img src=x&gt;"' in page


# --------------------------------------------------------------------------- drawing


def test_nodes_have_stable_ids_and_fixed_positions(page):
    drivers, links = drivers_and_links()
    assert map_html(drivers, links, "Harm to a younger cousin") == page  # byte-identical on rerun
    nodes = {n["id"]: n for n in page_data(page)["nodes"]}
    assert set(nodes) == {"behaviour", "d1", "d2", "d3", "d4", "d5", "d6"}
    assert (nodes["behaviour"]["x"], nodes["behaviour"]["y"]) == (0, 0)
    assert all(isinstance(n["x"], (int, float)) and isinstance(n["y"], (int, float)) for n in nodes.values())
    assert page_data(page)["options"]["physics"]["enabled"] is False


def test_rerating_does_not_move_anything():
    drivers, links = drivers_and_links()
    rerated = [Driver(d.id, d.name, d.system, d.kind, 0, d.changeability, d.prioritised, d.status) for d in drivers]
    where = {n["id"]: (n["x"], n["y"]) for n in page_data(map_html(drivers, links, "b"))["nodes"]}
    again = {n["id"]: (n["x"], n["y"]) for n in page_data(map_html(rerated, links, "b"))["nodes"]}
    assert where == again


def test_colour_by_system_shape_by_kind_size_by_leverage(page):
    nodes = {n["id"]: n for n in page_data(page)["nodes"]}
    assert nodes["d1"]["color"]["background"] == SYSTEM_COLOURS["family"]
    assert nodes["d3"]["color"]["background"] == SYSTEM_COLOURS["individual"]
    assert nodes["d1"]["shape"] == "dot" and nodes["d4"]["shape"] == "diamond"
    # Loose supervision (direct strong, 8/10, 5/5) outscores isolation (direct weak, 2/10).
    assert nodes["d2"]["size"] > nodes["d6"]["size"]
    assert nodes["behaviour"]["shape"] == "box"


def test_ruled_out_is_grey_dashed_and_says_so(page):
    nodes = {n["id"]: n for n in page_data(page)["nodes"]}
    ruled_out = nodes["d5"]
    assert ruled_out["shapeProperties"]["borderDashes"]
    assert "(ruled out)" in ruled_out["label"]
    edge = next(e for e in page_data(page)["edges"] if e["from"] == "d5")
    assert edge["dashes"] is True
    assert "Ruled out" in ruled_out["title"]


def test_edges_width_by_strength_direction_and_protective_bar(page):
    edges = {(e["from"], e["to"]): e for e in page_data(page)["edges"]}
    assert edges[("d2", "behaviour")]["width"] > edges[("d3", "behaviour")]["width"]
    assert edges[("d1", "d2")]["arrows"]["to"]["type"] == "arrow"
    assert edges[("d4", "d6")]["arrows"]["to"]["type"] == "bar"  # a strength protects against
    assert "Dad's view drives the loose rules" in edges[("d1", "d2")]["title"]


def test_legend_lists_systems_and_shapes_outside_the_canvas(page):
    legend = page[page.index('<div class="map-legend"'):]
    legend = legend[: legend.index("</div>")]
    for system in SYSTEMS:
        assert SYSTEM_LABELS[system] in legend and SYSTEM_COLOURS[system] in legend
    for words in ("Need", "Strength", "Ruled out", "Hypothesised", "Drives", "Protects against"):
        assert words in legend
    assert page.index('id="planner-map"') < page.index('class="map-legend"')


def test_height_is_applied():
    assert "#planner-map { height: 480px; }" in map_html([], [], "b", height_px=480)


def test_renders_two_hundred_drivers():
    drivers = [Driver(i, f"Driver {i}", SYSTEMS[i % 5], "need" if i % 3 else "strength", i % 11, 1 + i % 5,
                      False, ("supported", "hypothesised", "ruled_out")[i % 3]) for i in range(200)]
    links = [Link(i, (i * 7 + 3) % 200, 1 + i % 3) for i in range(200)] + [Link(i, None, 2) for i in range(0, 200, 4)]
    data = page_data(map_html(drivers, links, "b"))
    assert len(data["nodes"]) == 201
    positions = {(n["x"], n["y"]) for n in data["nodes"]}
    assert len(positions) == 201  # nobody sits on anybody else


# --------------------------------------------------------------------------- properties

TEXT = st.text(max_size=300)


@settings(max_examples=60, deadline=None)
@given(name=TEXT, description=TEXT, note=TEXT, behaviour=TEXT, other=TEXT)
def test_any_text_renders_and_never_adds_markup(name, description, note, behaviour, other):
    drivers = [Driver(1, name, "family", "need", 5, 3, True, "hypothesised", description, other),
               Driver(2, other, "school", "strength", 9, 2, False, "supported", name),
               Driver(3, description, "community", "need", None, 1, False, "ruled_out")]
    links = [Link(1, None, 3, note), Link(2, 1, 1, name), Link(3, 1, 2, other)]
    page = map_html(drivers, links, behaviour)
    assert page.count("<") == _BASELINE.count("<")
    assert page.count(">") == _BASELINE.count(">")
    assert page.count("</script>") == 3
    data = page_data(page)
    assert {n["id"] for n in data["nodes"]} == {"behaviour", "d1", "d2", "d3"}
    page.encode("utf-8")  # no lone surrogates or anything else that cannot be sent


_BASELINE = map_html(
    [Driver(1, "a", "family", "need", 5, 3, True, "hypothesised", "a", "a"),
     Driver(2, "a", "school", "strength", 9, 2, False, "supported", "a"),
     Driver(3, "a", "community", "need", None, 1, False, "ruled_out")],
    [Link(1, None, 3, "a"), Link(2, 1, 1, "a"), Link(3, 1, 2, "a")],
    "a",
)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.sampled_from(SYSTEMS), st.sampled_from(["need", "strength"]),
                          st.one_of(st.none(), st.integers(0, 10)), st.integers(1, 5),
                          st.sampled_from(["hypothesised", "supported", "ruled_out"])),
                unique_by=lambda t: t[0], max_size=40),
       st.lists(st.tuples(st.integers(0, 60), st.one_of(st.none(), st.integers(0, 60)), st.integers(1, 3)),
                max_size=80))
def test_any_valid_shaped_map_renders(rows, link_rows):
    drivers = [Driver(i, f"D{i}", s, k, r, c, False, st_) for i, s, k, r, c, st_ in rows]
    links = [Link(a, b, w) for a, b, w in link_rows]
    data = page_data(map_html(drivers, links, "b"))
    assert len(data["nodes"]) == len(drivers) + 1
