"""The web app's pure parts, tested without a browser: state transitions, views, exports."""

from __future__ import annotations

import io
import json

import pytest

from mtor_network import BooleanNetwork, find_attractors, scenario
from mtor_network.analysis.compare import compare
from mtor_network.explorer import ExplorerState, analyze
from mtor_network.viz import elements, heatmap, positions, stylesheet
from mtor_network.webapp import create_app, ids
from mtor_network.webapp.callbacks import next_state, node_details, summary, table
from mtor_network.webapp.exports import export


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
    labels = {c.reference_label: c.messages for c in analysis.comparisons}
    assert "endocrine-resistant attractor eliminated" in labels["letrozole alone"]
    assert "proliferative attractor eliminated" in labels["unperturbed model"]
    text = str(summary(analysis))
    assert "vs letrozole alone" in text


def test_compare_reports_no_change(flagship: BooleanNetwork) -> None:
    a = find_attractors(flagship)
    b = find_attractors(flagship, perturbations=scenario(flagship, drugs=["capivasertib"]))
    assert compare(a, b, "x").messages == ("no phenotype change (1 proliferative)",)


def test_table_marks_oscillation_and_labels_columns() -> None:
    component = table(analyze(ExplorerState(drugs=("trametinib",))))
    body = component.children[1].children
    assert len(body) == 1
    cells = {getattr(c, "className", None): c.children for c in body[0].children}
    assert "vosc" in cells and cells["vosc"] == "*"
    assert "ERK1/2" in str(component.children[0])


def test_node_details_has_rule_and_reference_links(flagship: BooleanNetwork) -> None:
    text = str(node_details(flagship, "IRS1", ExplorerState(knockouts=("IRS1",))))
    assert "IRS1 = IGF1R &amp; !S6K1" in text or "IRS1 = IGF1R & !S6K1" in text
    assert "https://doi.org/10.1158/0008-5472.CAN-05-2925" in text
    assert "(knocked out)" in text


def test_elements_mark_values_clicks_and_named_perturbations(flagship: BooleanNetwork) -> None:
    s = scenario(flagship, genotypes=["pik3ca_mutant"], drugs=["everolimus"])
    result = find_attractors(flagship, perturbations=s)
    els = elements(flagship, result[0], knockouts=["ERK"], perturbations=result.perturbations)
    nodes = {e["data"]["id"]: e for e in els if "source" not in e["data"]}
    edges = [e for e in els if "source" in e["data"]]
    assert set(nodes) == set(flagship.node_names)
    assert "ko" in nodes["ERK"]["classes"].split()
    assert {"genotype", "on"} <= set(nodes["PI3K"]["classes"].split())
    assert "[everolimus]" in nodes["MTORC1"]["data"]["label"]
    signs = {(e["data"]["source"], e["data"]["target"]): e["classes"] for e in edges}
    assert signs[("S6K1", "IRS1")] == "inhibition" and signs[("PI3K", "PIP3")] == "activation"
    assert any(rule["selector"] == "edge.inhibition" for rule in stylesheet())


def test_positions_are_preset_and_stable(flagship: BooleanNetwork) -> None:
    first = positions(flagship)
    assert first == positions(flagship)
    assert len(set(first.values())) == len(first)  # no two nodes on top of each other


def test_heatmap_has_one_row_per_attractor(flagship: BooleanNetwork) -> None:
    result = find_attractors(
        flagship, "synchronous", perturbations=scenario(flagship, drugs=["trametinib"])
    )
    figure = heatmap(result, flagship)
    assert len(figure.data[0].z) == len(result) > 1
    assert len(figure.data[0].x) == len(flagship)


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx", "bnet"])
def test_exports(fmt: str) -> None:
    state = ExplorerState(genotypes=("pik3ca_mutant",), drugs=("letrozole",))
    name, content = export(state, fmt)
    assert name.startswith("hr_breast_cancer_") and name.endswith(f".{fmt}")
    if fmt == "json":
        assert json.loads(content)["settings"]["fixed_nodes"] == {"AROMATASE": 0, "PI3K": 1}
    elif fmt == "csv":
        assert "# perturbations: pik3ca_mutant" in str(content)
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content))  # type: ignore[arg-type]
        sheet = book["attractors"]
        header = [c.value for c in sheet[1]]
        row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
        assert row["phenotype"] == "proliferative" and row["PI3K"] == 1
        assert dict(book["settings"].iter_rows(values_only=True))["semantics"] == "asynchronous"
    else:
        assert "# perturbations: pik3ca_mutant (PI3K=1), letrozole (AROMATASE=0)" in str(content)


def test_app_serves_layout_with_security_headers() -> None:
    app = create_app()
    client = app.server.test_client()
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    layout = client.get("/_dash-layout").get_json()
    assert ids.GRAPH in json.dumps(layout)
    assert not app.server.debug


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
