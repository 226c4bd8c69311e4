"""The documentation runs: the tutorial notebook executes from top to bottom, the API reference
builds with pdoc, every doctest passes; and the notebook views (``mtor_network._html``) escape
what they show and cut large objects politely.

Without nbclient, ipykernel or pdoc the notebook and API tests are skipped with the reason;
where ``CI`` is set they fail instead, so CI cannot pass without running them.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import os
import re
from pathlib import Path
from types import ModuleType

import pytest

import mtor_network
from mtor_network import BooleanNetwork, Budget, Node, Reference, Rule, find_attractors
from mtor_network._html import attractors_html, network_html
from mtor_network.expressions import parse_expression

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
TUTORIAL = DOCS / "tutorial.ipynb"
PACKAGE_DIR = Path(mtor_network.__file__).resolve().parent


def from_rules(name: str, rules: dict[str, str]) -> BooleanNetwork:
    """A network from BNet rule texts (the public constructor, name first for brevity)."""
    return BooleanNetwork.from_rules(rules, name=name)


def require(module: str, why: str) -> ModuleType:
    """Import ``module``, or skip (fail where ``CI`` is set) saying what needs it."""
    if importlib.util.find_spec(module) is None:
        message = f"{module} is not installed: {why} (pip install -e '.[test]')"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI is set, so this is required")
        pytest.skip(message)
    return importlib.import_module(module)


# ---- the tutorial notebook -----------------------------------------------------------------
def test_the_committed_tutorial_has_no_outputs() -> None:
    nbformat = require("nbformat", "the tutorial is read with nbformat")
    notebook = nbformat.read(TUTORIAL, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == [], cell.source[:60]
        assert cell.execution_count is None, cell.source[:60]
    assert notebook.metadata.kernelspec.name == "python3"


@pytest.mark.slow
def test_the_tutorial_notebook_runs(tmp_path: Path) -> None:
    nbformat = require("nbformat", "the tutorial is read with nbformat")
    nbclient = require("nbclient", "the tutorial is executed with nbclient")
    require("ipykernel", "the tutorial runs on the python3 kernel")
    notebook = nbformat.read(TUTORIAL, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any failure
    text = "\n".join(
        output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    assert "error" not in {
        o.get("output_type") for c in notebook.cells for o in c.get("outputs", [])
    }
    from mtor_network import load_network

    assert f"hr_breast_cancer {load_network().version}" in text
    assert "ESR1 mutant + letrozole: {'proliferative': 1" in text and "resistant: True" in text
    assert "basins: exact" in text and "proliferative: 1 attractor(s), basin 1.00" in text
    assert "round trip keeps every function: True" in text
    assert "minimal trap spaces = most-permissive attractors: True" in text
    assert "same functions: True" in text and "same functions: False" not in text
    assert list(tmp_path.iterdir()) == []  # the exports went to a temporary folder


# ---- the API reference -------------------------------------------------------------------------
def load_build_api() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_api", DOCS / "build_api.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_api_reference_builds(tmp_path: Path) -> None:
    require("pdoc", "the API reference is built with pdoc")
    build_api = load_build_api()
    output = tmp_path / "api"
    assert build_api.main([str(output)]) == 0
    pages = {p.relative_to(output).as_posix() for p in output.rglob("*.html")}
    for page in ("mtor_network.html", "mtor_network/io.html", "mtor_network/attractors.html"):
        assert page in pages
    for page in ("mtor_network.html", "mtor_network/attractors.html"):
        assert "find_attractors" in (output / page).read_text(encoding="utf-8")
    io_page = (output / "mtor_network/io.html").read_text(encoding="utf-8")
    assert "read_network" in io_page and "write_network" in io_page
    assert "mtor_network/interop.html" in pages
    # numpydoc sections are rendered as sections, not as raw underlines
    interop = (output / "mtor_network/interop.html").read_text(encoding="utf-8")
    assert "trap_spaces" in interop and "----------" not in interop
    # private modules stay out
    assert not [p for p in pages if re.search(r"(^|/)_[a-z]", p)]


def test_public_modules_lists_no_private_module() -> None:
    names = load_build_api().public_modules()
    assert {"mtor_network", "mtor_network.io", "mtor_network.attractors"} <= set(names)
    assert "mtor_network.interop" in names
    assert not [n for n in names if any(part.startswith("_") for part in n.split("."))]


# ---- doctests -------------------------------------------------------------------------------
def modules_with_doctests() -> list[str]:
    names = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if path.stem == "__main__" or ">>>" not in path.read_text(encoding="utf-8"):
            continue
        parts = ["mtor_network", *path.relative_to(PACKAGE_DIR).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


DOCTEST_MODULES = modules_with_doctests()


def test_the_doctests_are_found() -> None:
    expected = {"mtor_network", "mtor_network._filenames", "mtor_network.interop"}
    assert expected | {"mtor_network._html"} <= set(DOCTEST_MODULES)


@pytest.mark.parametrize("name", DOCTEST_MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted > 0, f"{name} mentions '>>>' but holds no doctest"
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name} (see the output)"


# ---- notebook views ---------------------------------------------------------------------------
HOSTILE = '<script>alert("x")</script>'


def hostile_network() -> BooleanNetwork:
    rules = [
        Rule("A", parse_expression("!B"), references=("r1", "r2")),
        Rule("B", parse_expression("A | B"), references=("r2",)),
    ]
    nodes = [Node("A", label=HOSTILE), Node("B", label="B & <i>b</i>")]
    references = {
        "r1": Reference("r1", citation=HOSTILE, doi='10.1/x"onmouseover="alert(1)'),
        "r2": Reference("r2", citation="plain, no identifier"),
    }
    return BooleanNetwork.create(
        "net<b>",
        rules,
        nodes=nodes,
        references=references,
        title=HOSTILE,
        version='1"2',
    )


def test_network_html_escapes_every_text() -> None:
    page = network_html(hostile_network())
    assert "<script" not in page and "<i>" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page and "net&lt;b&gt;" in page and "1&quot;2" in page
    assert 'onmouseover="' not in page
    assert 'href="https://doi.org/10.1/x&quot;onmouseover=&quot;alert(1)"' in page
    assert ">r2</td>" in page  # no identifier: the key without a link
    assert "2 nodes, 2 references" in page


def test_network_html_lists_nodes_rules_and_references(flagship: BooleanNetwork) -> None:
    page = network_html(flagship)
    assert page.count("<tr>") == len(flagship) + 1
    assert f"<strong>{flagship.name}</strong> {flagship.version}" in page
    rule = flagship.rule("EIF4EBP1")
    assert f"<code>{rule.text}</code>" in page.replace("&amp;", "&")
    match = re.search(r"<tr><td><code>EIF4EBP1</code>.*?</tr>", page)
    assert match is not None
    row = match.group(0)
    for key in rule.references:
        reference = flagship.references[key]
        assert key in row
        if reference.url:
            assert f'<a href="{reference.url}"' in row
    assert "not shown" not in page
    perturbed = network_html(flagship.perturb(flagship.drugs["alpelisib"]))
    assert "Perturbations applied: alpelisib" in perturbed


def test_network_html_is_cut_politely(flagship: BooleanNetwork) -> None:
    page = network_html(flagship, max_rows=5)
    assert page.count("<tr>") == 6
    assert f"… and {len(flagship) - 5} more nodes not shown." in page


def test_attractors_html_shows_settings_and_one_row_per_attractor(
    flagship: BooleanNetwork,
) -> None:
    perturbations = [flagship.genotypes["pik3ca_mutant"], flagship.drugs["letrozole"]]
    result = find_attractors(flagship, perturbations=perturbations)
    page = attractors_html(result)
    assert f"{len(result)} attractor" in page
    assert "semantics: asynchronous, engine: aeon" in page
    assert "perturbations: pik3ca_mutant, letrozole" in page
    assert page.count("<tr>") == len(result) + 1
    for node in result.nodes:
        assert f"<th><code>{node}</code></th>" in page
    first = result[0]
    assert f"<td>{first.phenotype}</td>" in page
    cells = re.findall(r'<td class="v[01s]">([01*])</td>', page)
    assert cells[: len(result.nodes)] == [str(first[n]) for n in result.nodes]


def test_attractors_html_is_cut_politely_and_says_when_the_search_was_bounded() -> None:
    switches = from_rules("switches", {f"s{i}": f"s{i}" for i in range(6)})
    result = find_attractors(switches)
    assert len(result) == 64
    page = attractors_html(result, max_rows=10, max_columns=4)
    assert page.count("<tr>") == 11
    assert "54 more attractors not shown; 2 more nodes not shown." in page
    assert "64 attractors" in page and "bounded" not in page
    bounded = find_attractors(switches, budget=Budget(max_attractors=3))
    page = attractors_html(bounded)
    assert "64 attractors" in page
    assert "The search was bounded: the result holds 3 of them." in page
    assert page.count("<tr>") == 4


def test_attractors_html_escapes_perturbation_names(flagship: BooleanNetwork) -> None:
    from mtor_network import Perturbation

    odd = Perturbation(name=HOSTILE, kind="drug", effects=(("AKT", False),))
    page = attractors_html(find_attractors(flagship, perturbations=[odd]))
    assert "<script" not in page and "&lt;script&gt;" in page


def test_repr_html_uses_the_views(flagship: BooleanNetwork) -> None:
    """``_repr_html_`` on the network and on results renders these views (Jupyter calls it)."""
    result = find_attractors(flagship)
    expected: list[tuple[object, str]] = [
        (flagship, network_html(flagship)),
        (result, attractors_html(result)),
    ]
    for obj, page in expected:
        method = getattr(obj, "_repr_html_", None)
        if method is None:
            pytest.skip(f"{type(obj).__name__}._repr_html_ is not defined yet")
        assert method() == page
