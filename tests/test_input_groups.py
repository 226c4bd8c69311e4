"""A result of many attractors from free inputs, summarised by input valuation: the library
helper (``mtor_network.analysis.input_groups``), the explorer's callbacks over HTTP, and the
exports (issue 14, "results that scale")."""

from __future__ import annotations

import base64
import csv
import importlib.util
import io
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mtor_network import find_attractors
from mtor_network.analysis.input_groups import (
    GROUPED_ABOVE,
    MAX_VALUATION_CHARS,
    grouped_view,
    parse_valuation,
    summarise_inputs,
    valuation_key,
)
from mtor_network.analysis.readouts import recognise_readouts
from mtor_network.attractors import Budget
from mtor_network.exceptions import InvalidValuationError
from mtor_network.io import read_network_bytes
from mtor_network.models import FLAGSHIP, load_network
from mtor_network.perturbations import scenario
from mtor_network.webapp import create_app, ids
from mtor_network.webapp.callbacks import (
    ATTRACTOR_VIEW,
    RESULT_OUTPUTS,
    group_attractors,
    results,
)
from mtor_network.webapp.exports import GROUP_COLUMN, export
from mtor_network.webapp.state import ExplorerState, UploadedModel, analyze

INPUTS = 5
# five free inputs copied to outputs, a bistable pair (two attractors in every valuation) and a
# read-out: 2 x 2**5 = 64 attractors in 32 valuations of 2 each
SWITCHES_BNET = (
    "targets, factors\n"
    + "".join(f"I{i}, I{i}\nO{i}, I{i}\n" for i in range(INPUTS))
    + "A, !B\nB, !A\nProliferation, I0 & A\n"
)


def switches_network() -> Any:
    return recognise_readouts(read_network_bytes(SWITCHES_BNET.encode(), "switches.bnet"))


@pytest.fixture(scope="module")
def network() -> Any:
    return switches_network()


@pytest.fixture(scope="module")
def result(network: Any) -> Any:
    return find_attractors(network)


# ---- the library helper ---------------------------------------------------------------------


def test_many_attractors_from_free_inputs_are_grouped_by_valuation(network, result) -> None:
    assert len(result) == 2 * 2**INPUTS > GROUPED_ABOVE
    grouped = grouped_view(network, result)
    assert grouped is not None
    assert grouped.inputs == tuple(f"I{i}" for i in range(INPUTS))
    assert len(grouped) == 2**INPUTS
    rows = grouped.rows()
    assert [r["attractors"] for r in rows] == [2] * 2**INPUTS
    assert list(rows[0]) == grouped.columns()
    assert grouped.columns()[INPUTS:] == ["attractors", "phenotypes", "endocrine_resistant"]
    # each group holds the attractors with its inputs' values, found at its positions
    seen = set()
    for group, positions, row in zip(grouped.groups, grouped.positions, rows, strict=True):
        for position, attractor in zip(positions, group.attractors, strict=True):
            assert result[position] is attractor
            assert all(attractor[n] == v for n, v in group.inputs)
            seen.add(position)
        assert all(row[n] == str(v) for n, v in group.inputs)
        proliferative = dict(group.inputs)["I0"] == 1
        assert row["phenotypes"] == (
            "1 proliferative, 1 quiescent" if proliferative else "2 quiescent"
        )
    assert seen == set(range(len(result)))
    assert grouped.group_of()[grouped.positions[5][0]] == "I0=0 I1=0 I2=1 I3=0 I4=1"


def test_small_results_and_results_without_free_inputs_keep_the_table(network, result) -> None:
    flagship = load_network(FLAGSHIP)
    assert grouped_view(flagship, find_attractors(flagship)) is None  # no free input
    # every input but I0 fixed: 4 attractors, a table of them
    fixed = scenario(network, knockouts=[f"I{i}" for i in range(1, INPUTS)])
    small = find_attractors(network, perturbations=fixed)
    assert len(small) == 4 and grouped_view(network, small) is None
    # the same result grouped anyway: the inputs a perturbation fixes are not free
    assert summarise_inputs(network, small).inputs == ("I0",)
    assert grouped_view(network, result, above=len(result)) is None


def test_a_picked_valuation_gives_its_attractors_as_a_result(network, result) -> None:
    grouped = grouped_view(network, result)
    assert grouped is not None
    for index in (0, 7, len(grouped) - 1):
        key = grouped.keys()[index]
        assert grouped.find(key) == index
        assert grouped.find(json.loads(key)) == index  # a mapping as well as its JSON text
        subset = grouped.subset(index)
        assert subset.complete and len(subset) == 2
        assert tuple(subset) == grouped.groups[index].attractors
        assert subset.perturbations == result.perturbations and subset.nodes == result.nodes
    assert grouped.find({f"I{i}": "1" for i in range(INPUTS)}) == len(grouped) - 1
    labels = [o["label"] for o in grouped.options()]
    assert labels[1] == "I0=0 I1=0 I2=0 I3=0 I4=1: 2 attractor(s)"
    assert [o["value"] for o in grouped.options()] == list(grouped.keys())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not json", "not a mapping"),
        ('["I0", 1]', "not a mapping"),
        (5, "got int"),
        ({"I0": 0, "I9": 1}, "'I9' is not a free input"),
        ({"../etc/passwd": 0}, "is not a free input"),
        ({f"I{i}": 2 for i in range(INPUTS)}, "must be 0 or 1"),
        ({f"I{i}": True for i in range(INPUTS)}, "must be 0 or 1"),
        ({f"I{i}": [0] for i in range(INPUTS)}, "must be 0 or 1"),
        ({"I0": 0, "I1": 1}, "leaves free input(s) unset: I2, I3, I4"),
        ({f"X{i}": 0 for i in range(50)}, "names 50 inputs"),
        ("{" + " " * MAX_VALUATION_CHARS + "}", "characters"),
    ],
)
def test_a_valuation_from_a_request_is_checked(value, message) -> None:
    inputs = tuple(f"I{i}" for i in range(INPUTS))
    with pytest.raises(InvalidValuationError) as caught:
        parse_valuation(value, inputs)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_valuation_no_attractor_held_has_is_refused(network) -> None:
    held = find_attractors(network, budget=Budget(max_attractors=GROUPED_ABOVE + 4))
    assert not held.complete
    grouped = grouped_view(network, held)
    assert grouped is not None and len(grouped) < 2**INPUTS
    missing = {f"I{i}": 1 for i in range(INPUTS)}
    assert valuation_key(tuple(missing.items())) not in set(grouped.keys())
    with pytest.raises(InvalidValuationError, match="first attractors only"):
        grouped.find(missing)


# ---- the explorer ---------------------------------------------------------------------------


def _upload() -> tuple[UploadedModel, ExplorerState]:
    upload = UploadedModel("switches.bnet", SWITCHES_BNET.encode())
    return upload, ExplorerState(model=upload.key)


def test_results_show_one_row_per_valuation_and_the_first_valuations_attractors() -> None:
    upload, state = _upload()
    analysis = analyze(state, upload)
    shown = dict(zip(RESULT_OUTPUTS, results(analysis), strict=True))
    assert shown[(ids.GROUPS, "style")] == {"display": "block"}
    assert len(shown[(ids.GROUPS_CONTENT, "data")]["data"]) == 2**INPUTS
    assert "5 free input(s) are left free" in shown[(ids.GROUPS_NOTE, "children")]
    # the table: the first valuation's two attractors, numbered as in the whole result
    grouped = grouped_view(analysis.network, analysis.result)
    assert grouped is not None
    first = grouped.positions[0]
    rows = shown[(ids.TABLE_CONTENT, "data")]["data"]
    assert [r["attractor"] for r in rows] == [p + 1 for p in first]
    assert all(r[f"I{i}"] == "0" for r in rows for i in range(INPUTS))
    assert [o["value"] for o in shown[(ids.ATTRACTOR_PICK, "options")]] == list(first)
    picture = base64.b64decode(shown[(ids.HEATMAP, "src")].split(",", 1)[1]).decode()
    assert all(f">A{p + 1} " in picture for p in first)  # the heatmap numbers them alike
    assert shown[(ids.GROUP_PICK, "value")] == grouped.keys()[0]
    # the valuation picked before stays picked when the new result has it
    again = dict(zip(RESULT_OUTPUTS, results(analysis, grouped.keys()[9]), strict=True))
    assert again[(ids.GROUP_PICK, "value")] == grouped.keys()[9]
    assert [r["attractor"] for r in again[(ids.TABLE_CONTENT, "data")]["data"]] == [
        p + 1 for p in grouped.positions[9]
    ]
    # a small result: the ordinary table, the panel hidden
    flagship = dict(zip(RESULT_OUTPUTS, results(analyze(ExplorerState())), strict=True))
    assert flagship[(ids.GROUPS, "style")] == {"display": "none"}
    assert flagship[(ids.GROUP_PICK, "value")] is None


def test_picking_a_valuation_shows_its_attractors() -> None:
    upload, state = _upload()
    analysis = analyze(state, upload)
    grouped = grouped_view(analysis.network, analysis.result)
    assert grouped is not None
    picked = {f"I{i}": 1 for i in range(INPUTS)}
    view = dict(zip(ATTRACTOR_VIEW, group_attractors(analysis, json.dumps(picked)), strict=True))
    rows = view[(ids.TABLE_CONTENT, "data")]["data"]
    assert len(rows) == 2 and all(r[f"I{i}"] == "1" for r in rows for i in range(INPUTS))
    assert {r["phenotype"] for r in rows} == {"proliferative", "quiescent"}
    assert view[(ids.ATTRACTOR_PICK, "value")] == grouped.positions[-1][0]
    with pytest.raises(InvalidValuationError):
        group_attractors(analysis, '{"I0": 0}')


def _load_test() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "load_test.py"
    spec = importlib.util.spec_from_file_location("_benchmarks_load_test_groups", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_valuation_callback_answers_from_the_servers_result_and_refuses_bad_ones() -> None:
    """Over HTTP, as the page sends it: upload, the explorer's callback (one request), then
    the valuation picker's callback with a real, an unknown and a hostile valuation."""
    lt = _load_test()
    app = create_app()
    client = app.server.test_client()
    page = lt.Page(
        client.get("/_dash-layout").get_json(), client.get("/_dash-dependencies").get_json(), None
    )
    for name, output in {
        "on_upload": (ids.UPLOAD_STORE, "data"),
        "show_group": (ids.TABLE_CONTENT, "data"),
    }.items():
        found = [
            d
            for d in page.dependencies
            if any(
                c == output[0] and p.startswith(output[1]) for c, p in lt.parse_outputs(d["output"])
            )
            and d["inputs"][0]["id"] in (ids.UPLOAD, ids.GROUP_PICK)
        ]
        assert len(found) == 1, name
        page.callbacks[name] = found[0]

    def call(name: str, changed: list[tuple[Any, str]]) -> dict[str, Any]:
        response = client.post("/_dash-update-component", json=page.body(name, changed))
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        data = response.get_json()
        page.apply(data.get("response", {}))
        return data

    call("update", [])  # the page load
    contents = "data:text/plain;base64," + base64.b64encode(SWITCHES_BNET.encode()).decode()
    page.set(ids.UPLOAD, "contents", contents)
    page.set(ids.UPLOAD, "filename", "switches.bnet")
    call("on_upload", [(ids.UPLOAD, "contents")])
    answer = call("update", [(ids.MODEL_SELECT, "value")])["response"]
    assert len(answer[ids.GROUPS_CONTENT]["data"]["data"]) == 2**INPUTS
    assert len(answer[ids.TABLE_CONTENT]["data"]["data"]) == 2
    key = json.dumps({f"I{i}": int(i % 2 == 0) for i in range(INPUTS)})
    page.set(ids.GROUP_PICK, "value", key)
    shown = call("show_group", [(ids.GROUP_PICK, "value")])["response"]
    rows = shown[ids.TABLE_CONTENT]["data"]["data"]
    assert [r["I0"] + r["I1"] + r["I2"] + r["I3"] + r["I4"] for r in rows] == ["10101"] * 2
    for hostile in ('{"I0": 0}', '{"../../etc/passwd": 1}', "x" * 100_000, '{"I0": [1]}'):
        page.set(ids.GROUP_PICK, "value", hostile)
        data = call("show_group", [(ids.GROUP_PICK, "value")])
        assert ids.TABLE_CONTENT not in data.get("response", {})  # nothing shown from it
        message = json.dumps(data.get("sideUpdate", {}))
        assert "Not shown" in message and "Traceback" not in message


def test_exports_keep_every_attractor_with_its_valuation() -> None:
    upload, state = _upload()
    result = analyze(state, upload).result
    assert result is not None
    name, text = export(state, "csv", upload)
    assert name.endswith(".csv") and isinstance(text, str)
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert any(line.startswith(f"# {GROUP_COLUMN}: 32 valuations") for line in text.splitlines())
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    assert len(rows) == len(result) == 64  # the full set, every valuation
    header = lines[0].split(",")
    assert header[5] == GROUP_COLUMN and header[:5] == [
        "attractor",
        "type",
        "phenotype",
        "endocrine_resistant",
        "size",
    ]
    for row in rows:
        assert row[GROUP_COLUMN] == " ".join(f"I{i}={row[f'I{i}']}" for i in range(INPUTS))
    _, data = export(state, "json", upload)
    assert isinstance(data, str)
    parsed = json.loads(data)
    assert len(parsed["attractors"]) == 64
    for entry in parsed["attractors"]:
        assert entry[GROUP_COLUMN] == {f"I{i}": entry["values"][f"I{i}"] for i in range(INPUTS)}
    assert len(parsed["input_groups"]["groups"]) == 32
    from openpyxl import load_workbook

    _, book = export(state, "xlsx", upload)
    assert isinstance(book, bytes)
    sheet = load_workbook(io.BytesIO(book))["attractors"]
    assert sheet.cell(row=1, column=6).value == GROUP_COLUMN
    assert sheet.max_row == 65
    # the flagship (no free input): the table as before
    _, plain = export(ExplorerState(), "csv", None)
    assert GROUP_COLUMN not in str(plain)
