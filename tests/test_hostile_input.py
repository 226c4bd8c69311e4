"""Hostile input: every model reader and the expression parser, given malformed, oversized,
deeply nested, mis-encoded or malicious input, raise a ModelFileError naming the file (and the
line where the format has lines) with a clear problem; never another exception, a hang, a crash
or a silent wrong answer. Rules are parsed, never evaluated.

- a fixed corpus, ``tests/corpus/bad/`` (one small file per case; message fragment and line in
  ``EXPECTED.toml``), read from disk, from bytes (the web upload) and through the CLI;
- generated cases too big for the corpus: 10^5 nested parentheses, 10^5-term lines, files over the
  size cap (sparse), XML nested 10^5 deep, zip bombs, external entities;
- Hypothesis: arbitrary text, arbitrary bytes and random edits of valid files give a network or a
  ModelFileError within a deadline; random networks round-trip through every writable format.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
import warnings
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtor_network import BooleanNetwork
from mtor_network._files import MAX_MODEL_BYTES
from mtor_network.analysis.equivalence import rule_differences, same_function
from mtor_network.exceptions import ModelFileError, RuleSyntaxError
from mtor_network.expressions import (
    MAX_NESTING,
    evaluate,
    is_valid_name,
    nesting_depth,
    parse_expression,
    simplify,
    to_string,
    variables,
)
from mtor_network.io import READERS, WRITERS, read_network, read_network_bytes
from mtor_network.io.ginsim import GRAPH_MEMBER
from rule_texts import expression_texts

CORPUS = Path(__file__).parent / "corpus" / "bad"
EXPECTED: dict[str, dict[str, object]] = tomllib.loads((CORPUS / "EXPECTED.toml").read_text())
SUFFIXES = sorted(READERS)
TEXT_SUFFIXES = [s for s in SUFFIXES if s != ".zginml"]
ROUND_TRIP_SUFFIXES = sorted(s for s in WRITERS if s in READERS)
CODE = "__import__('os').system('touch {marker}')"


@pytest.fixture(autouse=True)
def _quiet_model_warnings() -> Iterator[None]:
    """Lossy imports warn (ModelWarning); the outcome under test is the network or the error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def read_bytes_or_error(data: bytes, suffix: str) -> BooleanNetwork | ModelFileError:
    """The network read from ``data`` as an upload named ``model<suffix>``, or the
    ModelFileError; anything else propagates (and fails the test)."""
    try:
        return read_network_bytes(data, f"model{suffix}")
    except ModelFileError as exc:
        assert str(exc).startswith("model"), f"the error does not name the file: {exc}"
        assert exc.problem.strip(), "the error states no problem"
        return exc


def assert_quick_error(path: Path, match: str, seconds: float = 10.0) -> ModelFileError:
    """Reading ``path`` raises a ModelFileError naming it and matching ``match``, quickly."""
    start = time.perf_counter()
    with pytest.raises(ModelFileError, match=match) as info:
        read_network(path)
    assert time.perf_counter() - start < seconds
    assert str(path) in str(info.value)
    return info.value


# ---- the corpus ---------------------------------------------------------------------------------
def test_every_corpus_file_has_an_expectation() -> None:
    files = {p.name for p in CORPUS.iterdir() if p.name != "EXPECTED.toml"}
    assert files == set(EXPECTED)
    # every reader has bad files (a suffix may have two parts: .bnd.zip)
    assert {s for s in READERS if any(name.lower().endswith(s) for name in files)} == set(READERS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_is_refused_with_file_line_and_problem(name: str) -> None:
    path = CORPUS / name
    expected = EXPECTED[name]
    error = assert_quick_error(path, "")
    assert expected["match"] in str(error), str(error)
    assert error.line == (expected["line"] or None), str(error)
    assert str(error).startswith(str(path))
    if error.line:  # an archive names its member: FILE!MEMBER, line N
        assert re.match(rf"{re.escape(str(path))}(![^,]+)?, line {error.line}\b", str(error))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_uploaded_as_bytes_names_the_upload(name: str) -> None:
    outcome = read_network_bytes_error((CORPUS / name).read_bytes(), name)
    assert str(EXPECTED[name]["match"]) in str(outcome)
    assert str(outcome).startswith(name)
    assert "mtor_upload_" not in str(outcome)  # the temporary file never shows


def read_network_bytes_error(data: bytes, filename: str) -> ModelFileError:
    with pytest.raises(ModelFileError) as info:
        read_network_bytes(data, filename)
    return info.value


CLI_CASES = [
    "syntax_error.bnet",
    "undefined_regulator.toml",
    "undeclared_regulator.aeon",
    "billion_laughs.sbml",
    "encrypted.zginml",
]


@pytest.mark.parametrize("name", CLI_CASES)
def test_cli_exits_2_with_one_clear_message(name: str) -> None:
    path = CORPUS / name
    done = subprocess.run(
        [sys.executable, "-m", "mtor_network.cli", "attractors", "--model", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    where = f"mtor-network: error: {path}" + (
        f", line {EXPECTED[name]['line']}" if EXPECTED[name]["line"] else ""
    )
    assert lines[0].startswith(where), done.stderr
    assert str(EXPECTED[name]["match"]) in lines[0]
    # one line; a rule syntax error adds the rule and a caret under the error
    assert len(lines) == 1 or (len(lines) == 3 and lines[2].strip() == "^"), done.stderr


# ---- code in rules is never run -----------------------------------------------------------------
RULE_FILES = {  # format: (file holding {code} as B's rule, the line of that rule)
    ".bnet": ("A, A\nB, {code}\n", 2),
    ".boolnet": ("targets, factors\nA, A\nB, {code}\n", 3),
    ".booleannet": ("A* = A\nB* = {code}\n", 2),
    ".aeon": ("A -> A\nA -> B\n$A: A\n$B: {code}\n", 4),
    ".bnd": ("Node A {{ logic = A; }}\nNode B {{ logic = {code}; }}\n", 2),
    ".toml": (
        '[model]\nname = "m"\n[[node]]\nname = "A"\nrule = "A"\n[[node]]\nname = "B"\n'
        'rule = "{code}"\n',
        8,
    ),
}


@pytest.mark.parametrize("suffix", sorted(RULE_FILES))
def test_a_rule_holding_python_code_is_a_syntax_error_and_nothing_runs(
    tmp_path: Path, suffix: str
) -> None:
    marker = tmp_path / "pwned"
    code = CODE.format(marker=marker)
    template, line = RULE_FILES[suffix]
    path = tmp_path / f"evil{suffix}"
    path.write_text(template.format(code=code))
    error = assert_quick_error(path, "")
    assert error.line == line
    assert "rule of 'B'" in str(error) or "update function of 'B'" in str(error)
    assert not marker.exists()


@pytest.mark.parametrize(
    "text",
    [
        CODE.format(marker="/tmp/x"),
        "eval('1')",
        "A.__class__",
        "A; import os",
        "lambda: A",
        "A if B else C",
        "[A for A in B]",
        "A or B",  # BooleanNet words are not BNet operators
        "A and B",
        "A && B",
        "A || B",
        "A ^ B",
        "A => B",
        "A <=> B",
        "A, B",
        "A = B",
        "A*",
        "",
        "   ",
        "()",
        "(A",
        "A)",
        "!",
        "A &",
        "| A",
        "A B",
        "1A",
        "A\x00B",
        "Ä & B",
    ],
)
def test_expression_parser_refuses_non_rules(text: str) -> None:
    with pytest.raises(RuleSyntaxError) as info:
        parse_expression(text, file="f.bnet", line=7, target="X")
    assert str(info.value).startswith("f.bnet, line 7, column ")
    assert "rule of 'X'" in str(info.value)


# ---- generated hostile inputs, every reader ----------------------------------------------------
GENERIC = {
    "empty": (b"", ""),
    "whitespace": (b" \n\t\n   \r\n", ""),
    "nul": (b"A, B\x00\n", "NUL|zip"),
    "garbage": (bytes(range(256)) * 8, "binary|zip|UTF-8"),
    # MaBoSS and BooleanNet accept a non-UTF-8 byte inside a comment (as their tools do) and
    # then refuse the line for what it is
    "latin-1": ("A, B # caf\xe9\n".encode("latin-1"), "UTF-8|zip|expected an update rule"),
    "utf-16 with BOM": ("A, B\n".encode("utf-16"), "UTF-16|zip"),
    "utf-16 without BOM": ("A, B\n".encode("utf-16-le"), "UTF-16|zip"),
    "utf-8 BOM only": (b"\xef\xbb\xbf", ""),
    "lone surrogate": (b"A, \xed\xa0\x80\n", "UTF-8|zip"),
}


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("case", sorted(GENERIC))
def test_every_reader_refuses_generic_garbage(suffix: str, case: str) -> None:
    data, match = GENERIC[case]
    outcome = read_bytes_or_error(data, suffix)
    assert isinstance(outcome, ModelFileError), f"{case} read as a network"
    if match:
        assert any(m in str(outcome) for m in match.split("|")), str(outcome)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_every_reader_refuses_files_over_the_size_cap(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"huge{suffix}"
    with path.open("wb") as handle:  # sparse: no gigabytes written
        handle.truncate(MAX_MODEL_BYTES + 1)
    assert_quick_error(path, r"bytes", seconds=2)


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "directory", "dangling_symlink"])
def test_every_reader_refuses_special_files(tmp_path: Path, suffix: str, kind: str) -> None:
    """FIFOs (opening one for reading blocks), devices (endless), directories and dangling
    symlinks with a model suffix are refused before anything is read, naming the file."""
    path = tmp_path / f"special{suffix}"
    if kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("needs FIFOs")
        os.mkfifo(path)
        match = "FIFO"
    elif kind == "dev_zero":
        if not Path("/dev/zero").exists():
            pytest.skip("needs /dev/zero")
        path.symlink_to("/dev/zero")
        match = "character device"
    elif kind == "directory":
        path.mkdir()
        match = "directory"
    else:
        path.symlink_to(tmp_path / "missing")
        match = "not found"
    with pytest.raises(ModelFileError, match=match) as info:
        read_network(path)
    assert str(path) in str(info.value)


DEEP = 100_000


def _ginml_function(expression: str) -> str:
    """A GINML model whose node B has the logical function ``expression``."""
    return (
        '<?xml version="1.0"?>\n<gxl><graph class="regulatory" id="g" nodeorder="A B">'
        '<node id="A" maxvalue="1" input="true"/>'
        f'<node id="B" maxvalue="1"><value val="1"><exp str="{expression}"/></value></node>'
        '<edge id="A_B" from="A" to="B" minvalue="1" sign="positive"/></graph></gxl>\n'
    )


def _deep_files() -> dict[str, str]:
    parens = "(" * DEEP + "A" + ")" * DEEP
    return {
        "parens.bnet": f"A, A\nB, {parens}\n",
        "nots.bnet": "A, A\nB, " + "!" * DEEP + "A\n",
        "parens.boolnet": f"targets, factors\nA, A\nB, {parens}\n",
        "parens.booleannet": f"A* = A\nB* = {parens}\n",
        "nots.booleannet": "A* = A\nB* = " + "not " * DEEP + "A\n",
        "parens.aeon": f"A -> A\nA -> B\n$A: A\n$B: {parens}\n",
        "nots.aeon": "A -> A\nA -> B\n$A: A\n$B: " + "!" * DEEP + "A\n",
        "parens.bnd": f"Node A {{ logic = A; }}\nNode B {{ logic = {parens}; }}\n",
        "nots.bnd": "Node A { logic = A; }\nNode B { logic = " + "NOT " * DEEP + "A; }\n",
        "xors.bnd": "Node A { logic = A; }\nNode B { logic = " + " ^ ".join(["A"] * DEEP) + "; }\n",
        "parens.toml": f'[model]\nname = "m"\n[[node]]\nname = "A"\nrule = "{parens}"\n',
        "arrays.toml": "a = " + "[" * DEEP + "]" * DEEP + "\n",
        "arrays.primes": "[" * DEEP + "]" * DEEP,
        "objects.primes": '{"A": ' * DEEP + "1" + "}" * DEEP,
        "elements.ginml": "<gxl>" + "<a>" * DEEP + "</a>" * DEEP + "</gxl>",
        "exp_parens.ginml": _ginml_function(parens),
        "exp_nots.ginml": _ginml_function("!" * DEEP + "A"),
        "elements.sbml": '<?xml version="1.0"?>\n<sbml xmlns="http://www.sbml.org/sbml/level3/'
        'version1/core" level="3" version="1"><model>'
        + "<a>" * DEEP
        + "</a>" * DEEP
        + "</model></sbml>",
    }


def test_a_long_chain_of_one_operator_is_a_size_not_a_depth(tmp_path: Path) -> None:
    """100,000 ORs in one AEON function: a chain of one operator is one node of the tree, read
    without recursion (real models reach 145,665 operators; the bound is 1,000,000)."""
    path = tmp_path / "ors.aeon"
    path.write_text("A -> A\nA -> B\n$A: A\n$B: " + " | ".join(["A"] * DEEP) + "\n")
    network = read_network(path)
    from mtor_network.expressions import equivalent, parse_expression

    assert equivalent(network.rules["B"].expression, parse_expression("A"))


@pytest.mark.parametrize("name", sorted(_deep_files()))
def test_deep_nesting_is_refused_without_recursion_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(_deep_files()[name])
    assert_quick_error(path, r"nested|deep|operators|XOR")


def test_deep_xml_in_a_zginml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.zginml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(GRAPH_MEMBER, "<gxl>" + "<a>" * DEEP + "</a>" * DEEP + "</gxl>")
    assert_quick_error(path, "nested more than")


LONG = 100_000


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        (".bnet", "A, A\nB, " + " | ".join(["A"] * LONG) + "\n"),
        (".booleannet", "A* = A\nB* = " + " or ".join(["A"] * LONG) + "\n"),
        (".bnd", "Node A { logic = A; }\nNode B { logic = " + " OR ".join(["A"] * LONG) + "; }\n"),
        (".bnet", "A, A\nB, A & " + "x" * (5 * LONG) + "\n"),
        (".bnet", "# " + "x" * (10 * LONG) + "\nA, A\n"),
    ],
    ids=["bnet-or", "booleannet-or", "bnd-or", "bnet-long-name", "bnet-long-comment"],
)
def test_extremely_long_lines_are_read_in_reasonable_time(
    tmp_path: Path, suffix: str, text: str
) -> None:
    path = tmp_path / f"long{suffix}"
    path.write_text(text)
    start = time.perf_counter()
    try:
        network = read_network(path)
        assert set(network.node_names) <= {"A", "B"} | {"x" * (5 * LONG)}
    except ModelFileError as exc:
        assert len(str(exc)) < 1000  # the message echoes a window of the rule, not all of it
    assert time.perf_counter() - start < 15


def test_a_long_rule_error_echoes_a_window_with_the_true_column() -> None:
    text = "A & " * 1000 + ")" + " | B" * 1000
    with pytest.raises(RuleSyntaxError) as info:
        parse_expression(text)
    assert info.value.column == 4001
    assert len(str(info.value)) < 400
    caret_line = str(info.value).splitlines()[-1]
    shown_line = str(info.value).splitlines()[-2]
    assert shown_line[caret_line.index("^")] == ")"


# ---- nesting limits: at the limit everything works ------------------------------------------
def _alternating(depth: int) -> str:
    """A rule nested ``depth`` levels: ``!(x0 & !(x1 | ...))``."""
    text = "x0"
    for level in range(depth // 2):
        op = " & " if level % 2 else " | "
        text = f"!(x{level % 3}{op}{text})"
    return text


def test_a_rule_at_the_nesting_limit_works_everywhere(tmp_path: Path) -> None:
    expr = parse_expression(_alternating(MAX_NESTING))
    assert nesting_depth(expr) == MAX_NESTING
    with pytest.raises(RuleSyntaxError, match="nested more than"):
        parse_expression("!" + _alternating(MAX_NESTING))
    assert same_function(parse_expression(to_string(expr)), expr)
    evaluate(expr, {"x0": True, "x1": False, "x2": True})
    simplify(expr)
    network = BooleanNetwork.create("deep", {"x0": expr, "x1": ("var", "x1"), "x2": ("var", "x2")})
    for suffix in ROUND_TRIP_SUFFIXES:
        path = tmp_path / f"deep{suffix}"
        WRITERS[suffix](network, path)
        assert rule_differences(network, read_network(path)) == {}, suffix


# ---- XML: bombs, external entities --------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".sbml", ".ginml"])
def test_an_external_dtd_entity_is_never_expanded(tmp_path: Path, suffix: str) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY secret "PWNED-SECRET">')
    root = "sbml" if suffix == ".sbml" else "gxl"
    path = tmp_path / f"xxe{suffix}"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE {root} SYSTEM "{dtd.as_uri()}">\n'
        f'<{root}><graph class="regulatory"><node id="A" name="&secret;"/></graph></{root}>\n'
    )
    try:
        network = read_network(path)
    except ModelFileError:
        return
    assert all("PWNED" not in node.label for node in network.nodes)


def test_a_zip_bomb_is_refused_without_unpacking_it(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zginml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(GRAPH_MEMBER, b"<gxl>" + b" " * (60 * 1024 * 1024) + b"</gxl>")
    assert path.stat().st_size < 200_000
    assert_quick_error(path, "unpacks to")


def test_a_zip_member_lying_about_its_size_is_stopped(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(GRAPH_MEMBER, b"<gxl>" + b" " * (60 * 1024 * 1024) + b"</gxl>")
    data = bytearray(buffer.getvalue())
    central = data.find(b"PK\x01\x02")
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")  # claims 100 bytes
    path = tmp_path / "liar.zginml"
    path.write_bytes(bytes(data))
    assert_quick_error(path, "")


def test_zip_members_with_traversal_names_are_never_extracted(tmp_path: Path) -> None:
    good = (tmp_path / "ok").with_suffix(".ginml")
    good.write_text('<gxl><graph class="regulatory"><node id="A" input="true"/></graph></gxl>')
    victim = tmp_path / "outside" / "evil.txt"
    path = tmp_path / "inside" / "m.zginml"
    path.parent.mkdir()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(GRAPH_MEMBER, good.read_text())
        archive.writestr("../outside/evil.txt", "x")
        archive.writestr(str(victim), "y")
    network = read_network(path)
    assert network.node_names == ("A",)
    assert not victim.exists()
    assert sorted(p.name for p in path.parent.iterdir()) == ["m.zginml"]


def test_too_many_zip_members_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.zginml"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(300):
            archive.writestr(f"m{i}", "")
    assert_quick_error(path, "members")


# ---- Hypothesis: anything in, a network or a ModelFileError out ----------------------------------
# MTOR_FUZZ_EXAMPLES=2000 runs a longer, randomised campaign (the default is quick and fixed)
LONG_RUN = int(os.environ.get("MTOR_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=LONG_RUN or 20,
    deadline=timedelta(seconds=3),
    derandomize=not LONG_RUN,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.mark.parametrize("suffix", TEXT_SUFFIXES)
@FUZZ
@given(text=st.text(max_size=300))
def test_any_text_gives_a_network_or_a_model_file_error(suffix: str, text: str) -> None:
    read_bytes_or_error(text.encode("utf-8", "surrogatepass"), suffix)


@pytest.mark.parametrize("suffix", SUFFIXES)
@FUZZ
@given(data=st.binary(max_size=300))
def test_any_bytes_give_a_network_or_a_model_file_error(suffix: str, data: bytes) -> None:
    read_bytes_or_error(data, suffix)


def _valid_files() -> dict[str, bytes]:
    """One small valid model per readable format, the seeds of the mutation fuzzing."""
    from mtor_network.expressions import parse_expression as p

    network = BooleanNetwork.create(
        "seed",
        {"x0": p("x0"), "x1": p("x0 & !x2"), "x2": p("(x1 | x0) & !x2"), "x3": p("x1 | !x0")},
    )
    files: dict[str, bytes] = {}
    maboss_cfg = b""
    with tempfile.TemporaryDirectory() as folder:
        for suffix in ROUND_TRIP_SUFFIXES:
            path = Path(folder) / f"seed{suffix}"
            WRITERS[suffix](network, path)
            files[suffix] = path.read_bytes()
            if suffix == ".bnd":  # MaBoSS writes the .cfg beside it
                maboss_cfg = path.with_suffix(".cfg").read_bytes()
    files[".toml"] = (
        b'[model]\nname = "seed"\n[[node]]\nname = "x0"\nrule = "x0"\nkind = "input"\n'
        b'[[node]]\nname = "x1"\nrule = "x0 & !x1"\nlabel = "X one"\n'
        b'[[drug]]\nname = "d"\ntargets = { x1 = 0 }\n'
    )
    graph = (
        b'<?xml version="1.0"?>\n<gxl>\n<graph class="regulatory" id="g" nodeorder="A B">\n'
        b'<node id="A" maxvalue="1" input="true"/>\n'
        b'<node id="B" maxvalue="2"><parameter idActiveInteractions="A_B" val="2"/></node>\n'
        b'<edge id="A_B" from="A" to="B" minvalue="1" sign="positive"/>\n</graph>\n</gxl>\n'
    )
    files[".ginml"] = graph
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(GRAPH_MEMBER, graph)
    files[".zginml"] = buffer.getvalue()
    buffer = io.BytesIO()  # a MaBoSS archive: the .bnd and .cfg of the seed, stored
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("seed.bnd", files[".bnd"])
        archive.writestr("seed.cfg", maboss_cfg)
    files[".bnd.zip"] = buffer.getvalue()
    files[".txt"] = files[".boolnet"]  # .txt is read by content (BoolNet, BooleanNet or BNet)
    return files


VALID = _valid_files()
EDIT_PIECES = st.sampled_from(
    ["", "(", ")", "!", "&", "|", "^", ",", "*", "=", ";", "{", "}", "[", "]", "<", ">", "/",
     '"', "'", "\n", " ", "0", "1", "x9", "A", "-", "$", ":", "#", "\x00", "é", "&amp;", "<a>",
     "NOT ", "and", "true", "-1", "99999999999", "nan", "1e999", "<!ENTITY", "PK"]
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with a few random insertions, deletions and replacements."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        cut = draw(st.integers(0, 8))
        piece = draw(EDIT_PIECES).encode()
        data[at : at + cut] = piece
    return bytes(data)


@pytest.mark.parametrize("suffix", SUFFIXES)
@FUZZ
@given(data=st.data())
def test_randomly_edited_valid_files_give_a_network_or_a_model_file_error(
    suffix: str, data: st.DataObject
) -> None:
    read_bytes_or_error(data.draw(mutated(VALID[suffix])), suffix)


def test_the_mutation_seeds_are_valid() -> None:
    for suffix, data in VALID.items():
        assert isinstance(read_bytes_or_error(data, suffix), BooleanNetwork), suffix


TOKENS = st.sampled_from(["x0", "x1", "x2", "!", "~", "&", "|", "(", ")", " ", "0", "1", "true"])


@settings(max_examples=LONG_RUN or 200, deadline=timedelta(seconds=1), derandomize=not LONG_RUN)
@given(st.lists(TOKENS, max_size=30).map("".join))
def test_expression_parser_gives_a_tree_or_a_syntax_error(text: str) -> None:
    try:
        expr = parse_expression(text, file="f", line=1)
    except RuleSyntaxError as exc:
        assert exc.line == 1 and exc.file == "f"
        assert 1 <= (exc.column or 0) <= len(text) + 1
        return
    assert all(is_valid_name(name) for name in variables(expr))
    assert same_function(parse_expression(to_string(expr)), expr)


# ---- Hypothesis: valid networks round-trip through every writable format ---------------------
NAMES = ("x0", "x1", "x2", "x3")


def expressions(names: tuple[str, ...]) -> st.SearchStrategy[str]:
    return expression_texts(names, leaves=5, constants=False, name_weight=1)


@st.composite
def networks(draw: st.DrawFn) -> BooleanNetwork:
    size = draw(st.integers(min_value=2, max_value=len(NAMES)))
    names = NAMES[:size]
    rules = {name: parse_expression(draw(expressions(names))) for name in names}
    return BooleanNetwork.create("random", rules)


@pytest.mark.parametrize("suffix", ROUND_TRIP_SUFFIXES)
@settings(
    max_examples=LONG_RUN or 15,
    deadline=timedelta(seconds=5),
    derandomize=not LONG_RUN,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(network=networks())
def test_valid_networks_read_back_to_the_same_functions(
    suffix: str, network: BooleanNetwork
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"random{suffix}"
        WRITERS[suffix](network, path)
        back = read_network(path)
    assert rule_differences(network, back) == {}


# ---- MaBoSS: the .cfg read beside the .bnd -----------------------------------------------------
BND = "Node A {\n  logic = A;\n  rate_up = @logic ? $u : 0;\n  rate_down = @logic ? 0 : $d;\n}\n"


@pytest.mark.parametrize(
    ("cfg", "match"),
    [
        ("$u = " + "(" * DEEP + "1" + ")" * DEEP + ";\n$d = 1;\n", "nested more than"),
        ("$u = " + "-" * DEEP + "1;\n$d = 1;\n", "nested more than"),
        (
            "".join(f"$v{i} = $v{i + 1};\n" for i in range(3000)) + "$v3000 = 1;\n$u = $v0;\n",
            "through more than",
        ),
        ("$u = $d;\n$d = $u;\n", "in terms of itself"),
        ("$u = 1 / 0;\n$d = 1;\n", "division by zero"),
        ("$u = 1;\n$d = 1\n", "missing ';'"),
        ("[B].istate = 1;\n", "node 'B'"),
    ],
    ids=["deep-parens", "deep-minus", "variable-chain", "cycle", "zero-division", "no-semicolon",
         "unknown-node"],
)  # fmt: skip
def test_a_hostile_maboss_cfg_is_a_model_file_error(tmp_path: Path, cfg: str, match: str) -> None:
    (tmp_path / "m.bnd").write_text(BND)
    (tmp_path / "m.cfg").write_text(cfg)
    start = time.perf_counter()
    with pytest.raises(ModelFileError, match=match) as info:
        read_network(tmp_path / "m.bnd")
    assert time.perf_counter() - start < 10
    assert str(info.value).startswith(f"{tmp_path / 'm.cfg'}, line ")  # the file at fault


def test_deep_nesting_is_safe_with_a_raised_recursion_limit() -> None:
    """mpbn raises the recursion limit to 100,000 when imported: a recursive parser fed 10^5
    nested brackets then overflows the C stack and kills the process (a segfault, seen in CI)
    instead of raising RecursionError. Every reader must refuse such input before that."""
    script = r"""
import sys, warnings
import mpbn  # noqa: F401  (raises sys.getrecursionlimit())
assert sys.getrecursionlimit() >= 10000
from mtor_network.exceptions import ModelFileError
from mtor_network.io import read_network_bytes
deep = 100_000
cases = {
    "m.bnet": "A, " + "(" * deep + "A" + ")" * deep,
    "m.booleannet": "A* = " + "(" * deep + "A" + ")" * deep,
    "m.boolnet": "targets, factors\nA, " + "(" * deep + "A" + ")" * deep,
    "m.primes": "[" * deep,
    "m.toml": "a = " + "[" * deep,
    "m.aeon": "$A: " + "(" * deep + "A" + ")" * deep,
    "m.bnd": "Node A { logic = " + "(" * deep + "A" + ")" * deep + "; }",
    "m.sbml": "<a>" * deep,
    "m.ginml": "<a>" * deep,
}
for name, text in cases.items():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            read_network_bytes(text.encode(), name)
        except ModelFileError:
            pass
        else:
            raise SystemExit(f"{name}: accepted")
print("all refused")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert "all refused" in done.stdout
