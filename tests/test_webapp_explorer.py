"""Issue 13 without a browser: read-outs of imported models (``analysis.readouts``), the
explorer's new gestures as state transitions, cycle states against the engines, the summary's
semantics and attractor counts, the Screen tab's messages, search, time course."""

from __future__ import annotations

import os
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from dash import no_update

from mtor_network import BooleanNetwork
from mtor_network.analysis.evidence import EVIDENCE_CASES
from mtor_network.analysis.phenotypes import find_attractors
from mtor_network.analysis.readouts import (
    free_inputs,
    guess_readouts,
    readout_candidates,
    recognise_readouts,
    with_readouts,
)
from mtor_network.attractors import Budget
from mtor_network.exceptions import ScreenError, UnknownNodeError
from mtor_network.models import FLAGSHIP
from mtor_network.viz import stylesheet
from mtor_network.viz.cytoscape import elements_key, search_nodes
from mtor_network.webapp import ids
from mtor_network.webapp.callbacks import (
    case_state,
    cycle_body,
    cycle_head,
    cycles,
    input_note,
    next_state,
    search_status,
    simulate_view,
    summary,
)
from mtor_network.webapp.screen_tab import refusal
from mtor_network.webapp.state import (
    Analysis,
    ExplorerState,
    UploadedModel,
    analyze,
    cycle_states,
    load_model,
)

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference-models"


# ---- read-outs by name ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Proliferation", "Apoptosis", "AKT"], {"proliferation": "Proliferation", "apoptosis": "Apoptosis"}),  # noqa: E501
        (["v_Proliferation_2", "v_Proliferation", "v_Apoptosis"], {"proliferation": "v_Proliferation", "apoptosis": "v_Apoptosis"}),  # noqa: E501
        (["PROLIF", "APOP"], {"proliferation": "PROLIF", "apoptosis": "APOP"}),
        (["Cell_Proliferation", "CellDeath", "x"], {"proliferation": "Cell_Proliferation", "apoptosis": "CellDeath"}),  # noqa: E501
        (["prolif_out", "apoptosis_node"], {"proliferation": "prolif_out", "apoptosis": "apoptosis_node"}),  # noqa: E501
        (["ERK", "AKT", "Profile"], {}),
    ],
)  # fmt: skip
def test_readouts_are_recognised_in_common_spellings(names, expected) -> None:  # type: ignore[no-untyped-def]
    assert guess_readouts(names) == expected


def test_readout_candidates_rank_the_base_level_first_and_refuse_unknown_roles() -> None:
    names = ["v_Proliferation_3", "v_Proliferation_2", "v_Proliferation", "ProliferationSignal"]
    assert readout_candidates(names, "proliferation") == (
        "v_Proliferation",
        "v_Proliferation_2",
        "v_Proliferation_3",
        "ProliferationSignal",
    )
    with pytest.raises(ValueError, match="proliferation, apoptosis"):
        readout_candidates(names, "senescence")


def test_recognised_readouts_classify_attractors() -> None:
    network = BooleanNetwork.from_rules(
        {"GF": "GF", "ERK": "GF", "v_PROLIF": "ERK", "v_APOP": "!ERK"}, name="tiny"
    )
    assert network.phenotypes.proliferation is None  # nothing recognised by the reader
    marked = recognise_readouts(network)
    assert (marked.phenotypes.proliferation, marked.phenotypes.apoptosis) == ("v_PROLIF", "v_APOP")
    phenotypes = sorted(a.phenotype for a in find_attractors(marked))
    assert phenotypes == ["apoptotic", "proliferative"]  # GF on / GF off
    assert find_attractors(network)[0].phenotype == "unknown"
    swapped = with_readouts(marked, {"proliferation": "v_APOP", "apoptosis": None})
    assert {a.phenotype for a in find_attractors(swapped)} == {"proliferative", "quiescent"}
    with pytest.raises(UnknownNodeError):
        with_readouts(marked, {"proliferation": "v_PROLIFF"})


def test_free_inputs_are_the_identity_rules(flagship: BooleanNetwork) -> None:
    network = BooleanNetwork.from_rules({"A": "A", "B": "1", "C": "A & !C"}, name="m")
    assert free_inputs(network) == ("A",)
    assert free_inputs(flagship) == ()  # its inputs are constants set by the environment


def _zanudo() -> Path:
    folder = REFERENCE / "zanudo2017_er_pik3ca"
    files = sorted(folder.glob("*.bnet")) if folder.is_dir() else []
    if not files:
        if os.environ.get("CI"):
            pytest.fail(f"{folder} is missing, but CI is set")
        pytest.skip(f"{folder} (the shared reference models) is not on this machine")
    return files[0]


def test_zanudo_2017_upload_gets_its_readouts_and_free_inputs() -> None:
    path = _zanudo()
    upload = UploadedModel(path.name, path.read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        network = load_model(upload.key, upload)
    assert network.phenotypes.proliferation == "v_Proliferation"
    assert network.phenotypes.apoptosis == "v_Apoptosis"
    free = free_inputs(network)
    assert len(free) == 18 and "v_Alpelisib" in free
    state = ExplorerState(model=upload.key, knockouts=free)
    # the unperturbed comparison (18 free inputs) is over any small budget: the result stays
    analysis = analyze(state, upload, Budget(seconds=5))
    assert analysis.result is not None and len(analysis.result) >= 1
    assert {a.phenotype for a in analysis.result} <= {"proliferative", "apoptotic", "quiescent"}
    note = input_note(network, ExplorerState(model=upload.key), over_budget=True)
    assert "18 free input(s)" in note and "v_Ipatasertib" in note and "6 more" in note


# ---- gestures as state transitions ---------------------------------------------------------


def test_inspect_mode_taps_change_nothing_and_details_buttons_perturb() -> None:
    start = ExplorerState().to_dict()
    assert next_state(ids.GRAPH, start, tapped="ERK", mode="inspect") == ExplorerState()
    assert next_state(ids.GRAPH, start, tapped="ERK", mode="perturb").knockouts == ("ERK",)
    trigger = {"type": ids.DETAIL_SET, "status": "overexpress"}
    assert next_state(trigger, start, value=1, inspected="AKT").overexpressed == ("AKT",)
    trigger = {"type": ids.DETAIL_SET, "status": "delete-everything"}
    assert next_state(trigger, start, value=1, inspected="AKT") == ExplorerState()


def test_input_switches_and_all_buttons() -> None:
    start = ExplorerState(model="upload:abc").to_dict()
    on = next_state({"type": ids.INPUT_SWITCH, "node": "GF"}, start, value="1")
    assert on.overexpressed == ("GF",)
    off = next_state({"type": ids.INPUT_SWITCH, "node": "GF"}, on.to_dict(), value="0")
    assert off.knockouts == ("GF",) and off.overexpressed == ()
    every = next_state(
        {"type": ids.INPUTS_ALL, "value": "0"}, on.to_dict(), value=1, free=("GF", "X")
    )
    assert every.knockouts == ("GF", "X") and every.overexpressed == ()
    freed = next_state(
        {"type": ids.INPUTS_ALL, "value": "free"}, every.to_dict(), value=1, free=("GF", "X")
    )
    assert freed.knockouts == ()


def test_readout_choices_live_in_the_state_and_url() -> None:
    start = ExplorerState(model="upload:abc").to_dict()
    chosen = next_state({"type": ids.READOUT_PICK, "role": "proliferation"}, start, value="Y")
    assert chosen.readouts == (("proliferation", "Y"),)
    assert "readout=proliferation%3AY" in chosen.to_query()
    assert ExplorerState.from_query(chosen.to_query()) == chosen
    assert ExplorerState().to_dict().keys() == ExplorerState().to_dict().keys() - {"readouts"}
    refused = ExplorerState.from_dict({"readouts": {"evil": "x" * 10}})
    assert refused.errors and refused.readouts == ()


def test_every_setting_of_every_case_opens_as_a_state() -> None:
    for i, case in enumerate(EVIDENCE_CASES):
        for j, setting in enumerate(case.settings):
            state = case_state(i, j, "synchronous")
            assert state is not None and not state.errors
            assert state.drugs == setting.drugs and state.genotypes == setting.genotypes
            assert state.semantics == "synchronous"
    for bad in ((-1, 0), (len(EVIDENCE_CASES), 0), (0, 999), ("0", 0), (True, 0), (None, None)):
        assert case_state(*bad) is None


# ---- cycles, summary -----------------------------------------------------------------------

RING = {"A": "!C", "B": "A", "C": "B", "D": "D & A"}


@pytest.mark.parametrize("semantics", ["asynchronous", "synchronous", "most_permissive"])
def test_cycle_states_match_the_engines_sizes(semantics) -> None:  # type: ignore[no-untyped-def]
    network = BooleanNetwork.from_rules(RING, name="ring")
    result = find_attractors(network, semantics)
    cyclic = [a for a in result if not a.is_fixed_point]
    assert cyclic
    for attractor in cyclic:
        found = cycle_states(network, attractor.value_map, semantics, attractor.size)
        assert found is not None and found.nodes == attractor.oscillating
        assert len(found.states) == len(set(found.states)) == attractor.size
        for a, b in found.transitions:  # asynchronous: one node changes per transition
            changed = sum(x != y for x, y in zip(found.states[a], found.states[b], strict=True))
            assert changed == 1 if semantics == "asynchronous" else changed >= 1


def test_summary_names_semantics_and_attractor_count_changes() -> None:
    network = BooleanNetwork.from_rules(
        {"S": "S", "A": "!C & S", "B": "A", "C": "B", "Proliferation": "A"}, name="osc"
    )
    upload = UploadedModel("osc.bnet", network.to_bnet().encode())
    state = ExplorerState(model=upload.key, overexpressed=("S",), semantics="synchronous")
    analysis = analyze(state, upload)
    text = str(summary(analysis))
    assert "synchronous (every node updates at once)" in text
    assert analysis.result is not None
    before = analysis.reference_counts[0]
    after = len(analysis.result)
    assert before != after and f"attractors {before} -> {after}" in text
    style, line, options, value = cycle_head(analysis)
    cyclic = [i for i, a in enumerate(analysis.result) if not a.is_fixed_point]
    assert style == {"display": "block"} and [o["value"] for o in options] == cyclic
    assert value == cyclic[0] and "states and transitions" in line and "synchronous" in line
    note, elements, content = cycle_body(analysis, value)
    columns, data = content["columns"], content["data"]
    attractor = analysis.result[value]
    assert len(data) == attractor.size and "transitions: S1 ->" in note
    assert [c["id"] for c in columns[1:]] == list(attractor.oscillating)
    drawn = [e for e in elements if "source" not in e["data"]]
    edges = [e for e in elements if "source" in e["data"]]
    assert [e["data"]["id"] for e in drawn] == [row[" state"] for row in data]
    assert edges and all(e["data"]["source"] != e["data"]["target"] for e in edges)


def test_cycle_panel_keeps_the_pick_and_computes_only_when_open() -> None:
    network = BooleanNetwork.from_rules(RING, name="ring")
    result = find_attractors(network, "synchronous")
    analysis = Analysis(ExplorerState(), network, result, ())
    cyclic = [i for i, a in enumerate(result) if not a.is_fixed_point]
    closed = cycles(analysis, cyclic[-1], False)
    assert closed[3] is no_update  # the pick stays: nothing asks for the body again
    assert closed[5:] == ("", [], None)  # hidden: no states computed, nothing drawn
    opened = cycles(analysis, None, True)
    assert opened[3] == cyclic[0] and len(opened[7]["data"]) == result[cyclic[0]].size
    assert opened[4].startswith("Hide") and len(opened[6]) == 1  # one drawn graph


def test_a_cycle_too_large_to_draw_says_so() -> None:
    n = 14  # a ring of 14 nodes: 14 oscillate, over the bound of the enumeration
    rules = {f"X{i}": f"X{i - 1}" for i in range(1, n)} | {"X0": f"!X{n - 1}"}
    network = BooleanNetwork.from_rules(rules, name="big_ring")
    result = find_attractors(network, "most_permissive")
    analysis = Analysis(ExplorerState(), network, result, ())
    index = next(i for i, a in enumerate(result) if not a.is_fixed_point)
    note, elements, content = cycle_body(analysis, index)
    assert "14 nodes oscillate" in note and "at most 12" in note
    assert elements == [] and content is None


def test_cycle_panel_of_a_result_without_cycles_is_hidden() -> None:
    network = BooleanNetwork.from_rules({"A": "A", "B": "A"}, name="switch")
    result = find_attractors(network)
    assert len(result) == 2 and all(a.is_fixed_point for a in result)
    analysis = Analysis(ExplorerState(), network, result, ())
    assert cycle_head(analysis) == ({"display": "none"}, "", [], None)
    assert cycle_body(analysis, 0) == ("", [], None)


# ---- Screen tab, search, time course -------------------------------------------------------


def test_a_refused_screen_points_to_what_the_app_can_do() -> None:
    error = ScreenError(
        "6000 combinations are over the size budget of 5000; choose fewer targets or a lower "
        "order, or raise it (CLI: --max-combinations N; Python: max_combinations=N)"
    )
    text = refusal(error)
    assert text.startswith("Not run: 6000 combinations")
    assert "--max-combinations" not in text and "mtor-network screen" in text


def test_node_search_highlights_matches(flagship: BooleanNetwork) -> None:
    found, message = search_status(flagship, "mtorc")
    assert set(found) == {n for n in flagship.node_names if "mtorc" in n.lower()}
    assert message.startswith(f"{len(found)} found")
    assert search_nodes(flagship, "") == () and search_status(flagship, None) == ((), "")
    assert "no node matches" in search_status(flagship, "zzz")[1]
    sheet = stylesheet(inspected="ERK", highlighted=found)
    selectors = [r["selector"] for r in sheet]
    assert 'node[id = "ERK"]' in selectors and any('node[id = "MTORC1"]' in s for s in selectors)
    # names that could break out of a selector are never written into one
    assert all('"]' not in s for s in [r["selector"] for r in stylesheet(inspected='x"], node')])


def test_the_time_course_is_seeded_and_bounded() -> None:
    state = ExplorerState(genotypes=("pik3ca_mutant",), drugs=("letrozole",))
    figure, status = simulate_view(state, None, nodes=["AKT", "../etc"], runs=50, seed=3)
    again, status_again = simulate_view(state, None, nodes=["AKT"], runs=50, seed=3)
    assert status == status_again and "50 runs, seed 3" in status
    assert figure["data"] == again["data"]
    names = [trace.get("name") for trace in figure["data"]]
    assert "P(AKT on)" in names and not any("etc" in str(n) for n in names)
    _, capped = simulate_view(state, None, runs=10**9, seed=-5)
    assert capped.startswith("2000 runs, seed 0")


def test_a_click_sends_the_table_and_the_graph_elements_only_when_they_change() -> None:
    """The page keeps the graph's elements under a key: a click on the same network leaves
    them out and sends the node styles and the table's content (drawn by the page)."""
    from mtor_network.webapp.callbacks import (
        GRAPH_OUTPUTS,
        RESULT_OUTPUTS,
        STATE_OUTPUTS,
        Event,
        event_outputs,
    )

    graph_at = len(STATE_OUTPUTS) + 1 + len(RESULT_OUTPUTS)
    at_table = RESULT_OUTPUTS.index((ids.TABLE_CONTENT, "data"))
    first = event_outputs(Event(trigger=ids.URL, search=""), None, None)
    content = first[len(STATE_OUTPUTS) + 1 : graph_at][at_table]
    assert content["columns"] and len(content["data"]) == 1
    layout_key = elements_key(load_model(FLAGSHIP))
    elements_, graph_key, styles = first[graph_at : graph_at + len(GRAPH_OUTPUTS)]
    assert graph_key == layout_key and isinstance(elements_, list)  # a page without a key
    toggle = {"type": ids.NODE_TOGGLE, "node": "MTORC1"}
    click = Event(trigger=toggle, value=1, current=first[0], search=first[5])
    second = event_outputs(click, None, None, graph_key=layout_key)
    content = second[len(STATE_OUTPUTS) + 1 : graph_at][at_table]
    assert content["data"][0]["MTORC1"] == "0"  # the rows of the new state are sent
    elements_, graph_key, styles = second[graph_at : graph_at + len(GRAPH_OUTPUTS)]
    assert elements_ is no_update and graph_key is no_update
    assert "ko" in styles["MTORC1"][0].split() and "(knocked out)" in styles["MTORC1"][1]
    # a page holding other elements (or none) gets them, with their key
    third = event_outputs(click, None, None, graph_key="0" * 16)
    elements_, graph_key, _ = third[graph_at : graph_at + len(GRAPH_OUTPUTS)]
    assert graph_key == layout_key and {e["data"]["id"] for e in elements_} >= {"MTORC1"}


def test_an_answer_leaves_out_the_pickers_and_the_cycle_head_the_page_shows() -> None:
    """A picker's options and the cycle panel's head are sent only when they differ from
    what the page shows (new options redraw a whole picker): the same answer to a page that
    shows them leaves them out, and to a page that shows other ones sends them."""
    from mtor_network.webapp.callbacks import (
        CYCLE_OUTPUTS,
        GRAPH_OUTPUTS,
        PICK_OPTIONS,
        RESULT_OUTPUTS,
        STATE_OUTPUTS,
        Event,
        Shown,
        event_outputs,
    )

    at_results = len(STATE_OUTPUTS) + 1
    at_cycles = at_results + len(RESULT_OUTPUTS) + len(GRAPH_OUTPUTS)
    event = Event(trigger=ids.URL, search="")
    first = event_outputs(event, None, None)
    options = first[at_results + PICK_OPTIONS]
    style, line, cycle_options = first[at_cycles : at_cycles + 3]
    assert options and cycle_options and style == {"display": "block"} and line
    shown = Shown(
        picked=0, cycle=0, pick_options=options, cycle_style=style, cycle_line=line,
        cycle_options=cycle_options,
    )  # fmt: skip
    again = event_outputs(event, None, None, shown=shown)
    assert again[at_results + PICK_OPTIONS] is no_update
    assert all(v is no_update for v in again[at_cycles : at_cycles + len(CYCLE_OUTPUTS)])
    other = replace(shown, pick_options=[], cycle_line="", cycle_style={"display": "none"})
    redrawn = event_outputs(event, None, None, shown=other)
    assert redrawn[at_results + PICK_OPTIONS] == options
    assert redrawn[at_cycles : at_cycles + 3] == (style, line, no_update)


def test_a_state_is_spelled_as_the_model_spells_its_names() -> None:
    network = load_model(FLAGSHIP)
    state = ExplorerState.from_query(
        "genotype=PIK3CA-mutant&drug=Everolimus&drug=everolimus&drug=evrolimus&ko=akt&oe=eif4ebp1"
    ).canonical(network)
    assert state.genotypes == ("pik3ca_mutant",)
    assert state.drugs == ("everolimus", "evrolimus")  # two spellings once; unknown kept
    assert state.knockouts == ("AKT",) and state.overexpressed == ("EIF4EBP1",)
    # the picker gets the registered names only (it would drop the unknown one, and the
    # state and its error with it); the state keeps it, and the error names it
    from mtor_network.webapp.callbacks import RESULT_OUTPUTS, STATE_OUTPUTS, Event, event_outputs

    out = event_outputs(
        Event(trigger=ids.URL, search="?drug=evrolimus&drug=Everolimus"), None, None
    )
    assert out[0]["drugs"] == ["evrolimus", "everolimus"] and out[1] == ["everolimus"]
    error = out[len(STATE_OUTPUTS) + 1 + RESULT_OUTPUTS.index((ids.ERROR, "children"))]
    assert "unknown drug 'evrolimus'" in error
