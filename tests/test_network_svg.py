"""The server-side SVG picture of the explorer's network graph (viz.svg.network_svg)."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from mtor_network import BooleanNetwork, find_attractors
from mtor_network.models import load_bundled
from mtor_network.network import Node
from mtor_network.viz.cytoscape import elements, positions, stylesheet
from mtor_network.viz.svg import network_svg

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<b>&\"x'</b>"


def parse(document: str) -> ET.Element:
    """The document parsed by xml.etree, and by defusedxml where installed."""
    try:
        from defusedxml import ElementTree as SafeET  # type: ignore[import-untyped]
    except ImportError:
        pass
    else:
        SafeET.fromstring(document.encode("utf-8"))
    return ET.fromstring(document.encode("utf-8"))


def groups(root: ET.Element, kind: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class", "").split()[:1] == [kind]]


def rule_style(selector: str) -> dict[str, Any]:
    """The style the explorer's stylesheet gives ``selector`` (the picture's one source)."""
    return next(dict(r["style"]) for r in stylesheet() if r["selector"] == selector)


def points(d: str) -> list[tuple[float, float]]:
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


@pytest.fixture(scope="module")
def small() -> BooleanNetwork:
    """Three nodes, a self-loop, an inhibition and a two-way pair (bundled edges)."""
    return BooleanNetwork.from_rules({"A": "A", "B": "A & !C", "C": "B | A"}, name="small")


def edge_count(network: BooleanNetwork) -> int:
    return sum(len(rule.regulators) for rule in network.rules.values())


def check_counts(network: BooleanNetwork, root: ET.Element) -> None:
    nodes = groups(root, "node")
    assert sorted(str(g.get("data-name")) for g in nodes) == sorted(network.node_names)
    for g in nodes:
        assert len([e for e in g if "shape" in e.get("class", "").split()]) == 1
        assert len([e for e in g if e.tag == f"{SVG}text"]) == 1
    assert len(list(root.iter(f"{SVG}text"))) == len(network) + len(
        {n.module for n in network.nodes if n.module}
    )
    edges = groups(root, "edge")
    assert len(edges) == edge_count(network)
    assert len(list(root.iter(f"{SVG}path"))) == edge_count(network)
    assert all(len(g.findall(f"{SVG}path")) == 1 for g in edges)
    pairs = Counter((g.get("data-source"), g.get("data-target")) for g in edges)
    assert pairs == Counter(
        (source, target) for target, rule in network.rules.items() for source in rule.regulators
    )


def test_flagship_has_every_node_edge_and_module(flagship: BooleanNetwork) -> None:
    network = load_bundled("hr_breast_cancer")
    document = network_svg(network)
    root = parse(document)
    assert root.tag == f"{SVG}svg" and root.get("version") == "1.1"
    x, y, width, height = (float(v) for v in root.get("viewBox", "").split())
    assert width > 0 and height > 0
    assert root.find(f"{SVG}title") is not None and network.title in document
    background = root.find(f"{SVG}rect")
    assert background is not None and background.get("fill") == "white"
    check_counts(network, root)
    regions = groups(root, "region")
    assert [g.get("data-module") for g in regions] == list(
        dict.fromkeys(n.module for n in network.nodes)
    )
    # every node lies inside its module's box and inside the picture
    box = {g.get("data-module"): g.find(f"{SVG}rect") for g in regions}
    for name, (px, py) in positions(network).items():
        rect = box[network.node(name).module]
        assert rect is not None
        left, top = float(rect.get("x", 0)), float(rect.get("y", 0))
        assert left < px < left + float(rect.get("width", 0))
        assert top < py < top + float(rect.get("height", 0))
        assert x < px < x + width and y < py < y + height
    # edges across columns take right-angled routes (horizontal first); all the others are
    # straight or one quadratic curve
    long_edges = [g for g in groups(root, "edge") if "long" in g.get("class", "").split()]
    assert long_edges
    for g in long_edges:
        path = g.find(f"{SVG}path")
        assert path is not None
        route = points(path.get("d", ""))
        assert len(route) >= 3
        assert abs(route[0][1] - route[1][1]) < 0.01  # leaves the source horizontally
        for (ax, ay), (bx, by) in pairwise(route):
            assert abs(ax - bx) < 0.01 or abs(ay - by) < 0.01
    assert len(long_edges) == sum("long" in e.get("classes", "") for e in elements(network))


def test_nothing_is_fetched(flagship: BooleanNetwork) -> None:
    document = network_svg(flagship)
    assert re.findall(r"https?://[^\s\"'<>]*", document) == ["http://www.w3.org/2000/svg"]
    for forbidden in ("href", "<script", "<image", "<style", "@import", "url(", "<foreignObject"):
        assert forbidden not in document


def test_same_inputs_same_picture(flagship: BooleanNetwork, small: BooleanNetwork) -> None:
    again = load_bundled("hr_breast_cancer")  # another object: nothing cached per object
    assert network_svg(flagship) == network_svg(again)
    kwargs: dict[str, Any] = {"knockouts": ["B"], "inspected": "C", "highlighted": ["A"]}
    assert network_svg(small, **kwargs) == network_svg(small, **kwargs)
    assert network_svg(small, **kwargs) != network_svg(small)


def test_small_network_states_borders_and_arrowheads(small: BooleanNetwork) -> None:
    attractor = find_attractors(small)[0]
    root = parse(network_svg(small, attractor=attractor, knockouts=["B"], overexpressed=["C"]))
    check_counts(small, root)
    nodes = {g.get("data-name"): g for g in groups(root, "node")}
    shapes = {
        name: next(e for e in g if "shape" in e.get("class", "")) for name, g in nodes.items()
    }
    fills = {0: rule_style("node.off"), 1: rule_style("node.on"), "*": rule_style("node.osc")}
    for name, value in attractor.value_map.items():
        assert shapes[name].get("fill") == fills[value]["background-color"]
    ko, oe = rule_style("node.ko"), rule_style("node.oe")
    assert ko["border-style"] == "dashed"
    assert shapes["B"].get("stroke") == ko["border-color"] == "#d7191c"
    assert float(shapes["B"].get("stroke-width", 0)) == ko["border-width"] == 6
    assert shapes["B"].get("stroke-dasharray")
    assert shapes["C"].get("stroke") == oe["border-color"]
    assert shapes["C"].get("stroke-dasharray") is None
    assert shapes["A"].get("stroke") == rule_style("node")["border-color"]
    assert "knocked out" in "".join(nodes["B"].itertext())
    edges = {(g.get("data-source"), g.get("data-target")): g for g in groups(root, "edge")}
    heads = {pair: g.find(f"{SVG}polygon") for pair, g in edges.items()}
    assert all(head is not None for head in heads.values())
    assert heads[("C", "B")].get("class") == "arrow tee"  # type: ignore[union-attr]
    assert heads[("A", "B")].get("class") == "arrow triangle"  # type: ignore[union-attr]
    inhibition = rule_style("edge.inhibition")
    line = edges[("C", "B")].find(f"{SVG}path")
    assert line is not None and line.get("stroke") == inhibition["line-color"]
    # the two-way pair B -> C, C -> B bends apart; the self-loop is a curve back to A
    assert "Q" in edges[("B", "C")].find(f"{SVG}path").get("d", "")  # type: ignore[union-attr]
    assert edges[("B", "C")].find(f"{SVG}path").get("d") != line.get("d")  # type: ignore[union-attr]
    loop = edges[("A", "A")].find(f"{SVG}path")
    assert loop is not None and " C" in loop.get("d", "")
    (ax, ay), (bx, by) = points(loop.get("d", ""))[0], points(loop.get("d", ""))[-1]
    (x, y), half = positions(small)["A"], rule_style("node")["width"] / 2
    assert x < ax < x + half and ay < y and x - half < bx < x and by < y  # above the node


def test_arrowhead_tips_touch_the_target_border(flagship: BooleanNetwork) -> None:
    root = parse(network_svg(flagship))
    pos = positions(flagship)
    base = rule_style("node")
    half_w = (base["width"] + base["border-width"]) / 2
    half_h = (base["height"] + base["border-width"]) / 2
    checked: Counter[str] = Counter()
    for g in groups(root, "edge"):
        source, target = g.get("data-source"), g.get("data-target")
        assert source is not None and target is not None
        if source == target or flagship.node(target).kind != "internal":
            continue  # loops; hexagons and ellipses
        head = g.find(f"{SVG}polygon")
        assert head is not None
        shape = head.get("class", "").split()[-1]
        corners = points(head.get("points", "").replace(",", " "))
        if shape == "tee":  # the middle of the bar's far side
            tip = ((corners[0][0] + corners[3][0]) / 2, (corners[0][1] + corners[3][1]) / 2)
        else:  # the triangle's and the diamond's point
            tip = corners[{"triangle": 1, "diamond": 3}[shape]]
        dx, dy = abs(tip[0] - pos[target][0]), abs(tip[1] - pos[target][1])
        assert dx <= half_w + 1.5 and dy <= half_h + 1.5, (source, target)
        assert dx >= half_w - 2.5 or dy >= half_h - 2.5, (source, target)
        checked[shape] += 1
    assert checked["triangle"] and checked["tee"]


def test_hostile_labels_and_modules_are_escaped() -> None:
    nodes = [
        Node("A", label=HOSTILE + "\nsecond line", module="M<&>\"'"),
        Node("B", label="bell\x07 and \ud800 surrogate", module="M<&>\"'"),
    ]
    network = BooleanNetwork.create("hostile<&>", {"A": "A", "B": "!A"}, nodes=nodes)
    document = network_svg(network, knockouts=["A"], highlighted=["A"], inspected="B")
    assert "<b>" not in document and "\x07" not in document
    document.encode("utf-8")  # no lone surrogate left
    root = parse(document)
    check_counts(network, root)
    label = next(g for g in groups(root, "node") if g.get("data-name") == "A").find(f"{SVG}text")
    assert label is not None
    lines = ["".join(t.itertext()) for t in label]
    assert lines[0] == HOSTILE and "second line" in lines and lines[-1] == "(knocked out)"
    region = groups(root, "region")
    assert [g.get("data-module") for g in region] == ["M<&>\"'"]
    title = root.find(f"{SVG}title")
    assert title is not None and (title.text or "").startswith("hostile<&>")


def test_long_labels_wrap_and_keep_their_newlines() -> None:
    words = "phosphorylated ribosomal protein S6 kinase beta-1 at threonine 389"
    nodes = [Node("A", label=words + "\nsecond"), Node("B", label="x")]
    network = BooleanNetwork.create("wrap", {"A": "B", "B": "A"}, nodes=nodes)
    root = parse(network_svg(network))
    label = next(g for g in groups(root, "node") if g.get("data-name") == "A").find(f"{SVG}text")
    assert label is not None
    lines = ["".join(t.itertext()) for t in label]
    assert len(lines) >= 4 and lines[-1] == "second"
    assert " ".join(lines[:-1]) == words
    ys = [float(t.get("y", 0)) for t in label]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)


def test_highlight_fades_the_rest_and_inspected_has_an_outline(small: BooleanNetwork) -> None:
    root = parse(network_svg(small, highlighted=["A"], inspected="C"))
    nodes = {g.get("data-name"): g for g in groups(root, "node")}
    assert nodes["B"].get("opacity") == "0.35"
    assert nodes["A"].get("opacity") is None and nodes["C"].get("opacity") is None
    assert any(e.get("class") == "underlay" for e in nodes["A"])
    outline = [e for e in nodes["C"] if e.get("class") == "outline"]
    assert len(outline) == 1 and outline[0].get("stroke") == "#111111"
    assert all(g.get("opacity") == "0.2" for g in groups(root, "edge"))
    plain = parse(network_svg(small))
    assert all(g.get("opacity") is None for g in groups(plain, "node"))


def test_named_perturbations_draw_their_borders(flagship: BooleanNetwork) -> None:
    drug = flagship.drugs["everolimus"]
    root = parse(network_svg(flagship, perturbations=[drug]))
    target = drug.effects[0][0]
    g = next(g for g in groups(root, "node") if g.get("data-name") == target)
    style = rule_style("node.drug")
    borders = [e for e in g if "double" in e.get("class", "").split()]
    assert len(borders) == 2 and all(e.get("stroke") == style["border-color"] for e in borders)
    assert "[everolimus]" in "".join(g.itertext())


def test_a_model_file_with_positions(shared_dir: Path) -> None:
    """A GINsim model draws its nodes where the file put them, with every edge."""
    from mtor_network.io import read_network

    network = read_network(shared_dir / "reference-models/sahin2009_erbb_g1s/ErbB2_model.zginml")
    root = parse(network_svg(network))
    check_counts(network, root)
    shapes = {
        g.get("data-name"): next(e for e in g if "shape" in e.get("class", ""))
        for g in groups(root, "node")
    }
    for name, (x, y) in positions(network).items():
        shape = shapes[name]
        if shape.tag == f"{SVG}ellipse":
            centre = (float(shape.get("cx", 0)), float(shape.get("cy", 0)))
        elif shape.tag == f"{SVG}polygon":  # a hexagon: the middle of its corners
            corners = points(shape.get("points", "").replace(",", " "))
            centre = (sum(c[0] for c in corners) / 6, sum(c[1] for c in corners) / 6)
        else:
            left, top = float(shape.get("x", 0)), float(shape.get("y", 0))
            centre = (
                left + float(shape.get("width", 0)) / 2,
                top + float(shape.get("height", 0)) / 2,
            )
        assert abs(centre[0] - x) < 0.01 and abs(centre[1] - y) < 0.01


def test_a_network_without_modules_has_no_regions(small: BooleanNetwork) -> None:
    root = parse(network_svg(small))
    assert groups(root, "region") == []


RENDERERS = [name for name in ("rsvg-convert",) if shutil.which(name)]


def test_renders_where_a_renderer_is_installed(flagship: BooleanNetwork, tmp_path: Path) -> None:
    document = network_svg(flagship, knockouts=["ERK"], inspected="AKT", highlighted=["MTORC1"])
    try:
        import cairosvg  # type: ignore[import-not-found]
    except ImportError:
        cairosvg = None
    if cairosvg is None and not RENDERERS:
        pytest.skip("neither cairosvg nor rsvg-convert is installed: rendering not checked")
    if cairosvg is not None:
        png = cairosvg.svg2png(bytestring=document.encode("utf-8"))
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
    if RENDERERS:
        source = tmp_path / "network.svg"
        source.write_text(document, encoding="utf-8")
        done = subprocess.run(
            [RENDERERS[0], "-f", "png", "-o", str(tmp_path / "network.png"), str(source)],
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert (tmp_path / "network.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
