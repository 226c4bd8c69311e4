"""The web app's pure parts, tested without a browser: state transitions, views, exports."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from dash import html
from plotly.utils import PlotlyJSONEncoder

from mtor_network import BooleanNetwork, find_attractors, scenario
from mtor_network.analysis.compare import compare
from mtor_network.analysis.equivalence import rule_differences
from mtor_network.io import READERS, read_network, read_network_bytes
from mtor_network.models import FLAGSHIP, load_bundled
from mtor_network.viz import elements, heatmap, positions, stylesheet
from mtor_network.viz.cytoscape import COLUMN_WIDTH
from mtor_network.viz.svg import data_uri, heatmap_svg
from mtor_network.webapp import create_app, ids
from mtor_network.webapp.callbacks import (
    model_panel,
    next_state,
    node_details,
    summary,
    table,
    upload_model,
)
from mtor_network.webapp.exports import TABLE_FORMATS, export, formats, model_formats
from mtor_network.webapp.layout import validation_panel
from mtor_network.webapp.state import (
    MAX_UPLOAD_BYTES,
    Analysis,
    ExplorerState,
    UploadedModel,
    analyze,
)

SMALL_BNET = b"""targets, factors
EGF, EGF
EGFR, EGF & !ERK
ERK, EGFR
Proliferation, ERK
"""


def as_upload(data: bytes, mime: str = "text/plain") -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def test_clicks_cycle_normal_knockout_forced_on() -> None:
    state = ExplorerState()
    state = next_state(ids.GRAPH, state.to_dict(), tapped="MTORC1")
    assert state.knockouts == ("MTORC1",)
    state = next_state({"type": ids.NODE_TOGGLE, "node": "MTORC1"}, state.to_dict())
    assert state.knockouts == () and state.overexpressed == ("MTORC1",)
    state = next_state(ids.GRAPH, state.to_dict(), tapped="MTORC1")
    assert state.status("MTORC1") == "normal"


def test_choices_reset_and_url_round_trip() -> None:
    state = next_state(
        ids.DRUGS, ExplorerState().to_dict(), drugs=["everolimus"], genotypes=["pten_loss"],
        environments=["estrogen_deprived"], semantics="most_permissive",
    )  # fmt: skip
    state = state.cycle("ERK")
    query = state.to_query()
    assert "drug=everolimus" in query and "ko=ERK" in query and "semantics=most_permissive" in query
    assert next_state(ids.URL, None, search=query) == state
    assert next_state(ids.RESET, state.to_dict()) == ExplorerState()
    assert ExplorerState().to_query() == ""


def test_bad_names_from_a_url_give_an_error_message_not_a_crash() -> None:
    analysis = analyze(ExplorerState.from_query("?drug=evrolimus&ko=MTORC1"))
    assert analysis.result is None
    assert "unknown drug 'evrolimus'" in (analysis.error or "")
    conflict = analyze(ExplorerState(knockouts=("AKT",), overexpressed=("AKT",)))
    assert conflict.error and "AKT" in conflict.error


def test_summary_names_gained_and_lost_phenotypes() -> None:
    analysis = analyze(
        ExplorerState(genotypes=("pik3ca_mutant",), drugs=("letrozole", "everolimus"))
    )
    labels = {c.reference_label: c for c in analysis.comparisons}
    assert set(labels) == {"unperturbed model", "same background without drugs", "letrozole alone"}
    assert analysis.result is not None
    alone = analyze(ExplorerState(genotypes=("pik3ca_mutant",), drugs=("letrozole",))).result
    assert alone is not None
    assert labels["letrozole alone"].messages == compare(alone, analysis.result, "x").messages
    text = str(summary(analysis))
    assert "vs letrozole alone" in text


def test_compare_reports_no_change(flagship: BooleanNetwork) -> None:
    a = find_attractors(flagship)
    b = find_attractors(flagship, perturbations=scenario(flagship, drugs=["capivasertib"]))
    assert compare(a, b, "x").messages == ("no phenotype change (1 proliferative)",)


def test_table_marks_oscillation_and_labels_columns() -> None:
    analysis = analyze(ExplorerState(drugs=("trametinib",)))
    shown = table(analysis)
    assert analysis.result is not None and len(shown["data"]) == len(analysis.result) == 1
    row = shown["data"][0]
    oscillating = [n for n, v in analysis.result[0].values if v == "*"]
    assert oscillating and all(row[n] == "*" for n in oscillating)
    erk = analysis.network.node("ERK").label
    assert {c["name"] for c in shown["columns"]} >= {erk, "phenotype", "endocrine resistant"}
    # node cells are coloured by their value (the page's classes), a resistant "yes" marked
    classes = shown["classes"]
    assert oscillating[0] in classes["nodes"] and "phenotype" not in classes["nodes"]
    assert classes["values"] == {"1": "on", "*": "osc"}
    assert classes["columns"]["endocrine_resistant"] == {"yes": "resistant"}
    assert shown["tooltips"]["ERK"] == f"{erk} (ERK)"


def test_table_keeps_node_columns_apart_from_its_own() -> None:
    network = BooleanNetwork.from_rules({"size": "size", "type": "!size"}, name="clash")
    result = find_attractors(network)
    shown = table(Analysis(ExplorerState(), network, result, ()))
    ids_ = [c["id"] for c in shown["columns"]]
    assert len(ids_) == len(set(ids_)) and "node:size" in ids_ and "node:type" in ids_
    assert {r["node:size"] for r in shown["data"]} == {"0", "1"}


def test_heatmap_picture_is_svg_with_a_cell_per_value(flagship: BooleanNetwork) -> None:
    result = find_attractors(flagship, perturbations=scenario(flagship, drugs=["trametinib"]))
    svg = heatmap_svg(result, flagship)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<rect x=") == len(result) * len(result.nodes)
    assert svg.count('fill="#f5c26b"') == sum(v == "*" for a in result for _, v in a.values)
    assert data_uri(svg).startswith("data:image/svg+xml;base64,")


def test_heatmap_picture_escapes_model_names() -> None:
    result = find_attractors(BooleanNetwork.from_rules({"A": "A"}, name="x"))
    label = SimpleNamespace(label="<script>&")
    svg = heatmap_svg(result, SimpleNamespace(node=lambda name: label))  # type: ignore[arg-type]
    assert "<script>" not in svg and "&lt;script&gt;&amp;" in svg


def test_node_details_has_rule_and_reference_links(flagship: BooleanNetwork) -> None:
    text = str(node_details(flagship, "IRS1", ExplorerState(knockouts=("IRS1",))))
    rule = flagship.rules["IRS1"]
    assert f"IRS1 = {rule.text}" in text.replace("&amp;", "&")
    urls = [flagship.references[k].url for k in rule.references if k in flagship.references]
    assert urls and all(url in text for url in urls if url)
    assert "(knocked out)" in text and "Knock out" in text


def test_elements_mark_values_clicks_and_named_perturbations(flagship: BooleanNetwork) -> None:
    s = scenario(flagship, genotypes=["pik3ca_mutant"], drugs=["everolimus"])
    result = find_attractors(flagship, perturbations=s)
    els = elements(flagship, result[0], knockouts=["ERK"], perturbations=result.perturbations)
    nodes = {e["data"]["id"]: e for e in els if "source" not in e["data"]}
    edges = [e for e in els if "source" in e["data"]]
    assert set(nodes) == set(flagship.node_names)
    assert "ko" in nodes["ERK"]["classes"].split()
    assert {"genotype", "on"} <= set(nodes["PI3K"]["classes"].split())
    for target, _ in flagship.drugs["everolimus"].effects:
        assert "[everolimus]" in nodes[target]["data"]["label"]
    classes = {(e["data"]["source"], e["data"]["target"]): e["classes"].split() for e in edges}
    signs = {edge: c[0] for edge, c in classes.items()}
    kinds = {"+": "activation", "-": "inhibition"}
    assert signs == {
        (source, target): kinds.get(sign, "dual")
        for target, rule in flagship.rules.items()
        for source, sign in rule.regulators.items()
    }
    assert "inhibition" in signs.values() and "activation" in signs.values()
    assert any(rule["selector"] == "edge.inhibition" for rule in stylesheet())
    # an edge across more than one column is 'long' (routed in right angles between columns)
    pos = positions(flagship)
    for (source, target), c in classes.items():
        span = abs(pos[source][0] - pos[target][0])
        assert ("long" in c) == (source != target and span > 1.5 * COLUMN_WIDTH), (source, target)
    assert any("long" in c for c in classes.values())
    assert any(
        r["selector"] == "edge.long" and r["style"]["curve-style"] == "taxi" for r in stylesheet()
    )


def test_column_order_keeps_edges_shorter_than_input_distance_order(
    flagship: BooleanNetwork,
) -> None:
    """The barycentre ordering within columns shortens the edges against the plain order by
    distance from the inputs (the order it starts from)."""
    from mtor_network.viz import cytoscape

    def total_length(pos: dict[str, tuple[float, float]]) -> float:
        return sum(
            abs(pos[s][1] - pos[t][1])
            for t, rule in flagship.rules.items()
            for s in rule.regulators
            if s != t
        )

    ordered = positions(flagship)
    before = cytoscape.ORDER_SWEEPS
    try:
        cytoscape.ORDER_SWEEPS = 0
        plain = cytoscape._positions(flagship)  # computed again (positions() remembers)
    finally:
        cytoscape.ORDER_SWEEPS = before
    assert set(ordered) == set(plain)
    assert total_length(ordered) < total_length(plain)


def test_positions_are_preset_and_stable(flagship: BooleanNetwork) -> None:
    first = positions(flagship)
    assert first == positions(flagship)
    assert len(set(first.values())) == len(first)  # no two nodes on top of each other


def test_heatmap_has_one_row_per_attractor(flagship: BooleanNetwork) -> None:
    result = find_attractors(flagship, "synchronous")
    figure = heatmap(result, flagship)
    assert len(figure.data[0].z) == len(result) >= 1
    assert len(figure.data[0].x) == len(flagship)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xlsx", "bnet"])
def test_exports(fmt: str) -> None:
    state = ExplorerState(genotypes=("pik3ca_mutant",), drugs=("letrozole",))
    name, content = export(state, fmt)
    assert name.startswith("hr_breast_cancer_") and name.endswith(f".{fmt}")
    if fmt in ("csv", "tsv"):
        text = str(content)
        for key in ("model", "model_hash", "perturbations", "semantics", "package_version"):
            assert f"# {key}: " in text
        header = next(line for line in text.splitlines() if not line.startswith("#"))
        assert header.split("\t" if fmt == "tsv" else ",")[:3] == [
            "attractor",
            "type",
            "phenotype",
        ]
    if fmt == "json":
        assert json.loads(content)["settings"]["fixed_nodes"] == {"AROMATASE": 0, "PI3K": 1}
    elif fmt in ("csv", "tsv"):
        assert "# perturbations: pik3ca_mutant" in str(content)
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content))  # type: ignore[arg-type]
        sheet = book["attractors"]
        header = [c.value for c in sheet[1]]
        row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
        expected = analyze(state).result
        assert expected is not None
        assert row["phenotype"] == expected[0].phenotype and row["PI3K"] == 1
        assert dict(book["settings"].iter_rows(values_only=True))["semantics"] == "asynchronous"
    else:
        assert "# perturbations: pik3ca_mutant (PI3K=1), letrozole (AROMATASE=0)" in str(content)


def test_every_writable_model_format_is_offered_and_reads_back(tmp_path: Path) -> None:
    """Each model export of the app is the library's writer output, and it reads back to the
    same (perturbed) functions."""
    assert set(TABLE_FORMATS) < set(formats())
    assert "bnet" in model_formats() and len(model_formats()) >= 1
    state = ExplorerState(drugs=("alpelisib",))
    expected = analyze(state).network.perturb(*analyze(state).result.perturbations)  # type: ignore[union-attr]
    for fmt in model_formats():
        name, content = export(state, fmt)
        if f".{fmt}" not in READERS:  # write-only (NuSMV): checked by its own tests
            assert name.endswith(f".{fmt}") and content
            continue
        assert isinstance(content, bytes | str)
        data = content.encode() if isinstance(content, str) else content
        if name.endswith(".zip"):
            folder = tmp_path / fmt
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                archive.extractall(folder)
            first = sorted(folder.iterdir())[0]
            back = read_network(first)
        else:
            back = read_network_bytes(data, name)
        assert rule_differences(expected, back) == {}, fmt


def test_upload_a_model_then_analyse_and_export_it() -> None:
    store, status, options, key = upload_model(
        as_upload(SMALL_BNET), "tiny model.bnet", [{"label": "x", "value": "hr_breast_cancer"}]
    )
    assert key is not None and key.startswith("upload:") and store is not None
    assert "4 nodes" in status
    assert options[-1] == {"label": "uploaded: tiny model.bnet", "value": key}
    upload = UploadedModel.from_dict(store)
    state = next_state(ids.MODEL_SELECT, ExplorerState().to_dict(), model=key)
    assert state.model == key and state.knockouts == ()
    analysis = analyze(state.cycle("ERK"), upload)
    assert analysis.error is None and analysis.result is not None
    assert analysis.result.always("Proliferation", 0)
    panel = model_panel(key, upload)
    title, drugs, genotypes, environments, toggles, node_opts, validation, targets = panel[:8]
    switches, open_inputs, readouts, simulated = panel[8:]
    assert targets == node_opts == simulated
    assert open_inputs and "EGF" in str(switches)  # EGF, EGF is a free input
    assert "Proliferation" in str(readouts)
    assert "tiny_model" in title and drugs == genotypes == environments == []
    assert len(node_opts) == 4 and "ERK" in str(toggles)
    assert "not checked" in str(validation)
    name, content = export(state, "csv", upload)
    assert name.startswith("tiny_model_") and "Proliferation" in str(content)
    # another session (no upload in its store) gets a message, not someone else's model
    other = analyze(state, None)
    assert other.result is None and "upload the file again" in str(other.error)


@pytest.mark.parametrize(
    ("data", "filename", "fragment"),
    [
        (b"A, B &&\n", "bad.bnet", "bad.bnet, line 1"),
        (b"A, A\n", "model.exe", "unknown model format '.exe'"),
        (b"", "empty.bnet", "empty"),
        (b"\x00\x01\x02", "binary.bnet", "binary"),
    ],
)
def test_bad_uploads_say_what_is_wrong_and_change_nothing(
    data: bytes, filename: str, fragment: str
) -> None:
    store, status, options, key = upload_model(as_upload(data), filename, [])
    assert store is None and key is None and options == []
    assert status.startswith("Not loaded: ") and fragment in status
    assert "Traceback" not in status


def test_upload_size_limit() -> None:
    too_big = "data:text/plain;base64," + "A" * (MAX_UPLOAD_BYTES * 4 // 3 + 100)
    store, status, _, key = upload_model(too_big, "huge.bnet", [])
    assert store is None and key is None and "upload limit" in status


def test_app_serves_layout_with_security_headers() -> None:
    app = create_app()
    client = app.server.test_client()
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    huge = client.post(
        "/_dash-update-component",
        data=b"x" * (app.server.config["MAX_CONTENT_LENGTH"] + 1),
        content_type="application/json",
    )
    assert huge.status_code == 413
    layout = client.get("/_dash-layout").get_json()
    assert ids.GRAPH in json.dumps(layout)
    assert not app.server.debug


def test_the_page_loads_the_regenerator_runtime_not_the_whole_polyfill(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Dash's Babel polyfill cost a third of the page's script time: the page gets its
    regenerator runtime (which the bundles call) inline, and no DataTable bundle; where the
    runtime is not found in Dash's file, the page keeps Dash's scripts as they are."""
    from mtor_network.webapp import _page

    runtime = _page.regenerator_runtime()
    assert runtime is not None and "regeneratorRuntime=e" in runtime and "</" not in runtime
    client = create_app().server.test_client()
    page = client.get("/").get_data(as_text=True)
    assert "polyfill@" not in page and "dash_table/bundle" not in page
    assert f"<script>{runtime}</script>" in page
    assert "dash_renderer" in page and "dash_core_components" in page
    monkeypatch.setattr(_page, "regenerator_runtime", lambda: None)
    page = client.get("/").get_data(as_text=True)
    assert "polyfill@" in page and "dash_table/bundle" in page


def test_no_module_level_state_in_callbacks() -> None:
    """Per-user state lives in dcc.Store: the callbacks module holds no mutable globals."""
    import types

    from mtor_network.webapp import callbacks

    mutable = [
        name for name, value in vars(callbacks).items()
        if not name.startswith("__") and isinstance(value, (list, dict, set))
        and not isinstance(value, types.MappingProxyType) and name != "STATUS_TEXT"
    ]  # fmt: skip
    assert mutable == []


# ---- Screen tab and budgets ---------------------------------------------------------------
def test_screen_job_on_the_explorer_background() -> None:
    from mtor_network.webapp.screen_tab import run_job, to_csv

    seen: list[tuple[int, int]] = []
    state = ExplorerState(genotypes=("pik3ca_mutant",), drugs=("letrozole",))
    job = run_job(
        "nodes",
        state,
        None,
        targets=["MTORC1", "ERK", "CDK46"],
        order=2,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert len(job["rows"]) == 3 + 3
    assert seen and seen[-1][0] == seen[-1][1] == 6
    best = job["rows"][0]
    assert best["has_proliferative"] is False and best["perturbation"] == "CDK46_ko"
    assert job["figure"]["data"][0]["type"] == "heatmap"
    text = to_csv(job)
    assert "# background: pik3ca_mutant (PI3K=1), letrozole (AROMATASE=0)" in text
    assert "# model_hash: " in text
    pairs = {frozenset(r["perturbation"].split(" + ")) for r in job["rows"] if r["size"] == 2}
    assert frozenset({"CDK46_ko", "ERK_ko"}) in pairs


def test_screen_job_size_and_time_budgets() -> None:
    from mtor_network.analysis.screens import ScreenError
    from mtor_network.webapp.screen_tab import MAX_COMBINATIONS, ScreenStopped, run_job

    with pytest.raises(ScreenError, match=f"size budget of {MAX_COMBINATIONS}"):
        run_job("nodes", ExplorerState(), None, order=3, perturb="both")
    with pytest.raises(ScreenStopped, match="time budget"):
        run_job("nodes", ExplorerState(), None, order=1, seconds=0.0)
    with pytest.raises(ScreenStopped, match="time budget"):
        run_job("interventions", ExplorerState(genotypes=("pik3ca_mutant",)), None, seconds=0.0)


def test_interventions_and_matrix_jobs() -> None:
    from mtor_network.webapp.screen_tab import result_table, run_job

    state = ExplorerState(genotypes=("pik3ca_mutant",), drugs=("letrozole",))
    job = run_job("interventions", state, None, using="drugs", max_size=1)
    from mtor_network.analysis.control import minimal_interventions

    network = load_bundled(FLAGSHIP)
    search = minimal_interventions(
        network, background=state.scenario(network), using="drugs", max_size=1
    )
    names = {r["intervention"] for r in job["rows"]}
    assert names == {s.name for s in search.solutions}
    assert all(r["size"] <= 1 for r in job["rows"])
    assert "minimal intervention" in str(result_table(job))
    from mtor_network.exceptions import ScreenError
    from mtor_network.webapp.screen_tab import MAX_COMBINATIONS, refusal

    drugs, genotypes = len(network.drugs), len(network.genotypes) + 1
    size = (drugs + drugs * (drugs - 1) // 2) * genotypes
    if size > MAX_COMBINATIONS:  # refused before any search, with advice the app can follow
        with pytest.raises(ScreenError) as refused:
            run_job("matrix", ExplorerState(), None)
        assert "mtor-network screen" in refusal(refused.value)
        return
    matrix = run_job("matrix", ExplorerState(), None)
    assert {r["genotype"] for r in matrix["rows"]} >= {"wild_type", "pik3ca_mutant"}
    assert matrix["figure"]["data"][0]["type"] == "heatmap"


def test_an_over_budget_search_offers_the_background_run() -> None:
    from mtor_network.attractors import Budget
    from mtor_network.webapp.callbacks import RESULT_OUTPUTS, results

    bnet = "\n".join(
        f"x{i}, x{(i - 1) % 40} | !x{(i + 1) % 40} & x{(i + 7) % 40}" for i in range(40)
    )
    store, _, _, key = upload_model(as_upload(bnet.encode()), "ring.bnet", [])
    upload = UploadedModel.from_dict(store)
    analysis = analyze(ExplorerState(model=str(key)), upload, Budget(seconds=0.01))
    assert analysis.over_budget and "time budget" in str(analysis.error)
    shown = results(analysis)
    heavy = RESULT_OUTPUTS.index((ids.HEAVY, "style"))
    assert shown[1] == analysis.error and shown[heavy] == {"display": "block"}
    ok = results(analyze(ExplorerState()))
    assert ok[heavy] == {"display": "none"} and ok[1] == ""


def test_an_unexpected_callback_error_reaches_the_user_as_one_message(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A bug in a callback gives the user a message in the error area, no stack trace."""
    from mtor_network.webapp import callbacks

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("engine exploded\nTraceback (most recent call last): ...")

    monkeypatch.setattr(callbacks, "node_details", broken)
    app = create_app()
    client = app.server.test_client()
    outputs = [
        (ids.GRAPH, "stylesheet"),
        (ids.SEARCH_STATUS, "children"),
        (ids.NODE_DETAILS, "children"),
    ]
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [
            {"id": ids.NODE_PICK, "property": "value", "value": "MTORC1"},
            {"id": ids.NODE_SEARCH, "property": "value", "value": ""},
        ],
        "state": [
            {"id": ids.STATE, "property": "data", "value": ExplorerState().to_dict()},
            {"id": ids.UPLOAD_STORE, "property": "data", "value": None},
        ],
        "changedPropIds": [f"{ids.NODE_PICK}.value"],
    }
    response = client.post("/_dash-update-component", json=body)
    text = response.get_data(as_text=True)
    assert "engine exploded" in text and "Something went wrong" in text
    assert "Traceback" not in text


def test_validation_tab_is_filled_when_opened() -> None:
    """The page load carries a placeholder, not the report's ~200 buttons; opening the tab
    fills it (the callback's check reads the placeholder as the browser sends it)."""
    from mtor_network.webapp.callbacks import _is_placeholder
    from mtor_network.webapp.layout import build_layout

    layout = json.loads(json.dumps(build_layout(FLAGSHIP).to_plotly_json(), cls=PlotlyJSONEncoder))
    text = json.dumps(layout)
    assert "case-open" not in text and "Loading the evidence report" in text
    placeholder = json.loads(json.dumps(html.P("x", className="hint").to_plotly_json()))
    assert _is_placeholder(placeholder) and _is_placeholder([placeholder])
    panel = json.loads(
        json.dumps(validation_panel(FLAGSHIP, load_bundled(FLAGSHIP)), cls=PlotlyJSONEncoder)
    )
    assert not _is_placeholder(panel) and "case-open" in json.dumps(panel)


def test_positions_from_the_model_file_are_used_when_every_node_has_one() -> None:
    """A reader that keeps a file's layout (GINsim's nodevisualsetting x, y) gives each node a
    ``position``; the graph then uses it (scaled), and the automatic layout otherwise."""
    from dataclasses import dataclass

    from mtor_network.network import Node
    from mtor_network.viz.cytoscape import NODE_WIDTH, file_positions

    @dataclass(frozen=True)
    class PlacedNode(Node):
        position: tuple[float, float] | None = None

    rules = {"A": "A", "B": "A", "C": "!B"}
    placed = {"A": (10.0, 10.0), "B": (60.0, 10.0), "C": (60.0, 50.0)}
    network = BooleanNetwork.create(
        "placed", rules, nodes=[PlacedNode(n, position=placed[n]) for n in rules]
    )
    pos = positions(network)
    assert pos == file_positions(network)
    scale = pos["B"][0] / placed["B"][0]
    assert all(pos[n] == (x * scale, y * scale) for n, (x, y) in placed.items())
    closest = min(abs(pos["A"][0] - pos["B"][0]), abs(pos["B"][1] - pos["C"][1]))
    assert closest >= NODE_WIDTH  # nodes do not overlap
    partly = BooleanNetwork.create(
        "partly", rules, nodes=[PlacedNode("A", position=(1.0, 2.0)), Node("B"), Node("C")]
    )
    assert file_positions(partly) is None and set(positions(partly)) == set(rules)


def _component(tree: object, id_: str) -> dict:
    """The component ``id_`` of a layout as the browser receives it (plain JSON)."""
    if isinstance(tree, list):
        for item in tree:
            found = _component(item, id_)
            if found:
                return found
    elif isinstance(tree, dict):
        props = tree.get("props", {})
        if props.get("id") == id_:
            return tree
        return _component(props.get("children"), id_)
    return {}


def test_the_page_starts_with_what_the_node_view_shows_for_no_node() -> None:
    """The node view's callback makes no request when a page loads: the layout already holds
    what it would send for no node picked and no search (plain stylesheet, empty status, the
    details hint); a node picked from the URL still fires it."""
    from mtor_network.webapp.callbacks import node_view
    from mtor_network.webapp.layout import build_layout

    layout = json.loads(json.dumps(build_layout(FLAGSHIP).to_plotly_json(), cls=PlotlyJSONEncoder))
    sheet, status, details = json.loads(
        json.dumps(node_view(ExplorerState(), None, None, None), cls=PlotlyJSONEncoder)
    )
    assert _component(layout, ids.GRAPH)["props"]["stylesheet"] == sheet
    assert status == "" and not _component(layout, ids.SEARCH_STATUS)["props"].get("children")
    assert _component(layout, ids.NODE_DETAILS)["props"]["children"] == details
    picked = node_view(ExplorerState(), None, "MTORC1", None)
    assert picked[0] != sheet and "MTORC1" in json.dumps(picked[2], cls=PlotlyJSONEncoder)


def test_a_click_merged_with_buttons_just_drawn_is_the_event() -> None:
    """The renderer merges changes that arrive while the main callback's request is pending:
    a new model's input switches being drawn (n_clicks 0) and the user's click on "All: off"
    come in one request; the click is the event, whatever the order (it was lost before)."""
    from mtor_network.webapp.callbacks import user_trigger

    drawn = {"type": ids.INPUTS_ALL, "value": "free"}
    clicked = {"type": ids.INPUTS_ALL, "value": "0"}
    key = lambda i: json.dumps(i, sort_keys=True, separators=(",", ":")) + ".n_clicks"  # noqa: E731
    triggered = [{"prop_id": key(drawn), "value": 0}, {"prop_id": key(clicked), "value": 1}]
    ids_of = {key(drawn): drawn, key(clicked): clicked}
    assert user_trigger(triggered, ids_of) == (clicked, 1)
    assert user_trigger(triggered[::-1], ids_of) == (clicked, 1)
    assert user_trigger(triggered[:1], ids_of) == (drawn, 0)  # only drawn: no click
    assert user_trigger([{"prop_id": "url.search", "value": "?ko=ERK"}], {"url.search": "url"}) == (
        "url",
        "?ko=ERK",
    )
    assert user_trigger([], {}) == (None, None)


def test_the_svg_picture_is_the_graph_as_shown_and_the_page_needs_no_extra_bundle() -> None:
    """The SVG download is drawn on the server from the state shown (attractor picked,
    knockouts, node inspected, search): the page loads dash-cytoscape's standard bundle
    only, not the one with cytoscape-svg and the extra layouts."""
    from mtor_network.webapp.callbacks import Analysis, network_picture

    state = ExplorerState(knockouts=("MTORC1",))
    network = load_bundled(FLAGSHIP)
    result = find_attractors(network, perturbations=state.scenario(network))
    name, svg = network_picture(
        Analysis(state, network, result, ()), 0, inspected="AKT", text="ERK"
    )
    assert name == f"{FLAGSHIP}_network.svg" and svg.lstrip().startswith(("<?xml", "<svg"))
    plain = network_picture(Analysis(ExplorerState(), network, result, ()), 0)[1]
    uncoloured = network_picture(Analysis(state, network, None, ()), 0)[1]
    assert len({svg, plain, uncoloured}) == 3  # the knockout, the colours and the marks show
    app = create_app()
    scripts = [s.get("relative_package_path", "") for s in app.scripts.get_all_scripts()]
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    assert "dash_cytoscape_extra" not in page and "dash_cytoscape.v" in page, scripts


def test_comparisons_over_the_budget_are_a_note_in_the_summary_not_an_error() -> None:
    """The unperturbed model frees the inputs the user fixed: its search can be over the
    budget while the user's is small. The result stands without a red error; the summary
    says why it is not compared (it said "No comparison: ..." as the page's error)."""
    from mtor_network.attractors import Budget

    bnet = b"targets, factors\nI, I\nJ, J\nA, I | J\nB, A & !C\nC, A & !B\nProliferation, B\n"
    store, _, _, key = upload_model(as_upload(bnet), "inputs.bnet", [])
    upload = UploadedModel.from_dict(store)
    state = ExplorerState(model=str(key), knockouts=("I", "J"))
    analysis = analyze(state, upload, Budget(max_nodes=4))
    assert analysis.result is not None and analysis.error is None
    assert (
        analysis.comparison_note.startswith("Not compared:") and "nodes" in analysis.comparison_note
    )
    lines = summary(analysis)
    assert any("Not compared:" in p["text"] and p["class"] == "hint comparison" for p in lines)
    fits = analyze(state, upload, Budget(max_nodes=40))
    assert fits.comparison_note == "" and fits.comparisons
