"""Files, names and formats a hostile user controls (issue 10 items 7, 9, 10, 11, 12).

- readers open only regular files: a FIFO, a device, a directory (also behind a symlink) are
  refused without blocking or reading them, and at most the size limit plus one byte is read;
- outputs get the mode the umask gives, a replaced file keeps its mode, a symlink is written
  through, and a MaBoSS pair is replaced both or neither;
- names: an exact name wins, otherwise one candidate (case-insensitive name or label), otherwise
  an ambiguity error listing the candidates;
- tables never hold a cell that a spreadsheet runs as a formula.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mtor_network import BooleanNetwork, _files, load_network
from mtor_network._files import read_bytes, write_bytes_atomic, write_text_atomic
from mtor_network.cli import main
from mtor_network.exceptions import ModelFileError
from mtor_network.io import read_network, write_network
from mtor_network.perturbations import knockout

TOY_BNET = "targets, factors\nA, A\nB, A & !C\nC, B\n"


def cli(*argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``mtor-network ARGV`` in a child process (a hang fails the test instead of blocking)."""
    return subprocess.run(
        [sys.executable, "-m", "mtor_network.cli", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# ---- item 9: only regular files are read ---------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_given_to_the_cli_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "x.bnet"
    os.mkfifo(fifo)
    line = one_line_error(cli("attractors", "--model", str(fifo), timeout=60))
    assert str(fifo) in line and "FIFO" in line and "not a model file" in line


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("suffix", [".bnet", ".zginml", ".sbml", ".primes", ".bnd", ".toml"])
def test_every_reader_refuses_a_fifo(tmp_path: Path, suffix: str) -> None:
    fifo = tmp_path / f"x{suffix}"
    os.mkfifo(fifo)
    with pytest.raises(ModelFileError, match="FIFO") as info:
        read_network(fifo)  # would block forever if the FIFO were opened for reading
    assert info.value.file == str(fifo)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_as_the_maboss_cfg_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.bnd").write_text("node A { logic = A; rate_up = 0; rate_down = 0; }\n")
    os.mkfifo(tmp_path / "x.cfg")
    with pytest.raises(ModelFileError, match="FIFO") as info:
        read_network(tmp_path / "x.bnd")
    assert info.value.file == str(tmp_path / "x.cfg")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("suffix", [".bnet", ".zginml", ".ginml", ".toml"])
def test_a_symlink_to_dev_zero_is_refused_without_reading_it(tmp_path: Path, suffix: str) -> None:
    link = tmp_path / f"x{suffix}"
    link.symlink_to("/dev/zero")
    with pytest.raises(ModelFileError, match="character device") as info:
        read_network(link)
    assert info.value.file == str(link)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_the_cli_refuses_a_symlink_to_dev_zero(tmp_path: Path) -> None:
    link = tmp_path / "x.bnet"
    link.symlink_to("/dev/zero")
    line = one_line_error(cli("attractors", "--model", str(link)))
    assert f"{link}: is a character device, not a model file" in line


@pytest.mark.parametrize("suffix", [".bnet", ".zginml", ".bnd"])
def test_a_directory_with_a_model_suffix_is_refused(tmp_path: Path, suffix: str) -> None:
    folder = tmp_path / f"x{suffix}"
    folder.mkdir()
    with pytest.raises(ModelFileError, match="is a directory") as info:
        read_network(folder)
    assert info.value.file == str(folder)


def test_the_cli_refuses_a_directory_with_a_model_suffix(tmp_path: Path) -> None:
    folder = tmp_path / "x.bnet"
    folder.mkdir()
    assert "is a directory" in one_line_error(cli("nodes", "--model", str(folder)))


def test_a_socket_is_refused(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s.bnet"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        with pytest.raises(ModelFileError, match="socket"):
            read_network(path)
    finally:
        server.close()


def test_a_symlink_to_a_regular_model_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "real.bnet").write_text(TOY_BNET)
    (tmp_path / "link.bnet").symlink_to(tmp_path / "real.bnet")
    assert read_network(tmp_path / "link.bnet").node_names == ("A", "B", "C")


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")
def test_the_size_a_file_claims_is_not_trusted() -> None:
    # /proc files are regular files that claim 0 bytes: the read itself stops at limit + 1
    assert os.stat("/proc/self/maps").st_size == 0
    with pytest.raises(ModelFileError, match="larger than 10 bytes"):
        read_bytes("/proc/self/maps", limit=10)


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.bnet"
    path.write_bytes(b"A, A\n" * 3)
    with pytest.raises(ModelFileError, match="15 bytes; model files above 10 bytes"):
        read_bytes(path, limit=10)
    assert read_bytes(path, limit=15) == b"A, A\n" * 3


# ---- item 11: outputs keep modes, write through symlinks, MaBoSS pairs both or neither -----------
@pytest.fixture
def umask() -> object:
    old = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_output_gets_the_mode_the_umask_gives(
    tmp_path: Path, umask: object, mask: int, mode: int
) -> None:
    os.umask(mask)
    write_text_atomic(tmp_path / "out.bnet", TOY_BNET)
    assert stat.S_IMODE((tmp_path / "out.bnet").stat().st_mode) == mode


def test_replacing_a_file_keeps_its_mode(tmp_path: Path, umask: object) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    write_bytes_atomic(target, b"new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_the_cli_writes_through_a_symlink_and_keeps_the_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "table.csv"
    target.write_text("old\n")
    target.chmod(0o604)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    model = tmp_path / "toy.bnet"
    model.write_text(TOY_BNET)
    assert main(["attractors", "--model", str(model), "-o", str(link)]) == 0
    capsys.readouterr()
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert target.read_text().startswith("# model: toy")
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["table.csv"]  # no temporary


def test_writing_onto_a_directory_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "out.bnet").mkdir()
    with pytest.raises(IsADirectoryError):
        write_text_atomic(tmp_path / "out.bnet", TOY_BNET)
    model = tmp_path / "toy.bnet"
    model.write_text(TOY_BNET)
    line = one_line_error(cli("convert", str(model), str(tmp_path / "out.bnet")))
    assert "out.bnet" in line and "directory" in line


def test_writing_into_a_missing_folder_names_the_folder(tmp_path: Path) -> None:
    model = tmp_path / "toy.bnet"
    model.write_text(TOY_BNET)
    line = one_line_error(cli("convert", str(model), str(tmp_path / "no" / "out.bnet")))
    assert line == f"mtor-network: error: {tmp_path / 'no'}: the folder does not exist"


def test_a_full_disk_leaves_the_old_maboss_pair_and_no_new_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    network = read_network_text(tmp_path)
    write_network(network, tmp_path / "model.bnd")
    old_bnd = (tmp_path / "model.bnd").read_text()
    old_cfg = (tmp_path / "model.cfg").read_text()
    changed = network.perturb(knockout("A"))
    real_write = _files._write_all
    calls: list[int] = []

    def write_then_fill_the_disk(fd: int, data: bytes) -> None:
        calls.append(len(data))
        if len(calls) == 2:  # the .bnd was written; the .cfg finds the disk full
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(fd, data)

    monkeypatch.setattr(_files, "_write_all", write_then_fill_the_disk)
    with pytest.raises(OSError, match="No space left"):
        write_network(changed, tmp_path / "model.bnd")
    assert len(calls) == 2
    assert (tmp_path / "model.bnd").read_text() == old_bnd
    assert (tmp_path / "model.cfg").read_text() == old_cfg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.bnd", "model.cfg", "toy.bnet"]


def test_a_full_disk_on_a_new_maboss_pair_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    network = read_network_text(tmp_path)
    real_write = _files._write_all
    calls: list[int] = []

    def fail_second(fd: int, data: bytes) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(fd, data)

    monkeypatch.setattr(_files, "_write_all", fail_second)
    with pytest.raises(OSError, match="No space left"):
        write_network(network, tmp_path / "new.bnd")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["toy.bnet"]


def read_network_text(folder: Path) -> BooleanNetwork:
    path = folder / "toy.bnet"
    path.write_text(TOY_BNET)
    return read_network(path)


# ---- item 7: no table cell runs as a formula -----------------------------------------------------
EVIL_TOML = """
[model]
name = 'x,=HYPERLINK("http://e")'
version = "-2+3"
title = "@SUM(1)"

[[node]]
name = "A"
rule = "A"
kind = "input"

[[node]]
name = "B"
rule = "A"

[[node]]
name = "C"
rule = "!B"

[[drug]]
name = '=cmd|" /c calc"!a0'
targets = { B = 0 }

[[genotype]]
name = "+evil,=1+1"
targets = { A = 1 }

[[environment]]
name = "@sum(1)"
targets = { A = 1 }
"""

EVIL_OPTIONS = ["--drug", '=cmd|" /c calc"!a0', "--genotype", "+evil,=1+1"]
EVIL_OPTIONS += ["--environment", "@sum(1)"]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_no_formula_cell(cells: list[str]) -> None:
    for cell in cells:
        runs = cell.startswith(("=", "+", "-", "@", "\t", "\r")) and not _is_number(cell)
        assert not runs, f"cell {cell!r} would run as a formula"


@pytest.fixture
def evil_model(tmp_path: Path) -> Path:
    path = tmp_path / "evil.toml"
    path.write_text(EVIL_TOML)
    return path


@pytest.mark.parametrize(("suffix", "sep"), [(".csv", ","), (".tsv", "\t")])
def test_csv_and_tsv_from_the_cli_hold_no_formula_cell(
    evil_model: Path, tmp_path: Path, suffix: str, sep: str
) -> None:
    out = tmp_path / f"out{suffix}"
    done = cli("attractors", "--model", str(evil_model), *EVIL_OPTIONS, "-o", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert "HYPERLINK" in text and "calc" in text and "evil" in text  # the names are there
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    assert any(row[0] == "attractor" for row in rows)
    for row in rows:
        assert_no_formula_cell(row)
    # the metadata lines stay comments: pandas skips them and reads the table
    import pandas as pd

    frame = pd.read_csv(out, comment="#", sep=sep)
    assert list(frame.columns[:5]) == [
        "attractor",
        "type",
        "phenotype",
        "endocrine_resistant",
        "size",
    ]
    assert frame["B"].tolist() == [0]


def test_xlsx_from_the_cli_holds_no_formula(evil_model: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "out.xlsx"
    done = cli("attractors", "--model", str(evil_model), *EVIL_OPTIONS, "-o", str(out))
    assert done.returncode == 0, done.stderr
    book = load_workbook(out)
    seen = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    seen.append(cell.value)
                    assert_no_formula_cell([cell.value])
    assert any("HYPERLINK" in v for v in seen) and any("calc" in v for v in seen)


def test_attractor_tables_escape_every_cell(evil_model: Path) -> None:
    from mtor_network import find_attractors
    from mtor_network.export import attractors as tables
    from mtor_network.perturbations import scenario

    network = read_network(evil_model)
    result = find_attractors(network, perturbations=scenario(network, drugs=['=cmd|" /c calc"!a0']))
    for text, sep in ((tables.to_csv(result), ","), (tables.to_tsv(result), "\t")):
        for row in csv.reader(io.StringIO(text), delimiter=sep):
            assert_no_formula_cell(row)
    # JSON keeps the names exactly as they are (it is data, not a spreadsheet)
    assert '=cmd|\\" /c calc\\"!a0' in tables.to_json(result)


# ---- item 10, 11: names resolve exactly, else uniquely, else an ambiguity error ------------------
NAMES_TOML = """
[model]
name = "names"

[[node]]
name = "AKT"
rule = "AKT"
kind = "input"

[[node]]
name = "Akt"
rule = "AKT"

[[node]]
name = "B"
rule = "AKT"

[[node]]
name = "X"
label = "b"
rule = "!B"

[[node]]
name = "EIF4EBP1"
label = "4E-BP1"
rule = "!Akt"

[[drug]]
name = "anti-her2"
targets = { B = 0 }

[[drug]]
name = "pan akt"
targets = { AKT = 0 }

[[drug]]
name = "mek-i"
targets = { X = 0 }

[[drug]]
name = "mek_i"
targets = { X = 1 }

[[genotype]]
name = "akt high"
targets = { AKT = 1 }

[[environment]]
name = "no-serum"
targets = { AKT = 0 }
"""


@pytest.fixture
def names_model(tmp_path: Path) -> Path:
    path = tmp_path / "names.toml"
    path.write_text(NAMES_TOML)
    return path


def fixed_by_cli(
    capsys: pytest.CaptureFixture[str], model: Path, *options: str
) -> tuple[int, dict[str, int], str]:
    import json

    code = main(["attractors", "--model", str(model), "--format", "json", *options])
    out, err = capsys.readouterr()
    fixed = json.loads(out)["settings"]["fixed_nodes"] if code == 0 else {}
    return code, fixed, err


@pytest.mark.parametrize(
    ("options", "fixed"),
    [
        (["--knockout", "AKT"], {"AKT": 0}),  # exact names win over the case-insensitive twin
        (["--knockout", "Akt"], {"Akt": 0}),
        (["--knockout", "B"], {"B": 0}),  # exact name beats the label "b" of X
        (["--knockout", "X"], {"X": 0}),
        (["--overexpress", "4e-bp1"], {"EIF4EBP1": 1}),  # one label match
        (["--knockout", "eif4ebp1"], {"EIF4EBP1": 0}),  # one case-insensitive name match
        (["--drug", "anti-her2"], {"B": 0}),  # a registry name with '-' by its exact name
        (["--drug", "anti_her2"], {"B": 0}),  # ... and by the normalised spelling
        (["--drug", "Anti HER2"], {"B": 0}),
        (["--drug", "pan akt"], {"AKT": 0}),  # a registry name with a space
        (["--drug", "pan_akt"], {"AKT": 0}),
        (["--drug", "mek-i"], {"X": 0}),  # exact wins although mek_i is alike
        (["--drug", "mek_i"], {"X": 1}),
        (["--genotype", "akt high"], {"AKT": 1}),
        (["--genotype", "AKT-high"], {"AKT": 1}),
        (["--environment", "no serum"], {"AKT": 0}),
    ],
)
def test_names_resolve_exactly_or_uniquely_through_the_cli(
    capsys: pytest.CaptureFixture[str], names_model: Path, options: list[str], fixed: dict
) -> None:
    code, got, err = fixed_by_cli(capsys, names_model, *options)
    assert code == 0, err
    assert got == fixed


@pytest.mark.parametrize(
    ("options", "listed"),
    [
        (["--knockout", "akt"], ["'AKT'", "'Akt'"]),
        (["--overexpress", "aKt"], ["'AKT'", "'Akt'"]),
        (["--knockout", "b"], ["'B'", "'X'"]),  # node B, and node X labelled "b"
        (["--drug", "mek i"], ["'mek-i'", "'mek_i'"]),
        (["--drug", "MEK_I"], ["'mek-i'", "'mek_i'"]),
    ],
)
def test_an_ambiguous_name_is_an_error_listing_the_candidates(
    capsys: pytest.CaptureFixture[str], names_model: Path, options: list[str], listed: list[str]
) -> None:
    code, _, err = fixed_by_cli(capsys, names_model, *options)
    assert code == 2
    (line,) = err.strip().splitlines()
    assert f"ambiguous {'node' if options[0] != '--drug' else 'drug'} {options[1]!r}" in line
    assert f"it matches {', '.join(listed)}" in line


def test_the_library_raises_ambiguous_name_error(names_model: Path) -> None:
    from mtor_network.exceptions import AmbiguousNameError, UnknownNameError
    from mtor_network.perturbations import scenario

    network = read_network(names_model)
    with pytest.raises(AmbiguousNameError) as info:
        network.resolve_node("akt")
    assert info.value.candidates == ["AKT", "Akt"]
    assert isinstance(info.value, UnknownNameError)  # callers catching unknown names see it too
    with pytest.raises(AmbiguousNameError, match="'mek-i', 'mek_i'"):
        scenario(network, drugs=["Mek I"])
    assert network.named_perturbation("Pan-AKT").name == "pan akt"
    assert network.named_perturbation("no serum").kind == "environment"
    with pytest.raises(AmbiguousNameError, match="'drug mek-i', 'drug mek_i'"):
        network.named_perturbation("MEK I")
    with pytest.raises(UnknownNameError, match="unknown node 'zzz'"):
        network.resolve_node("zzz")


def test_the_simulation_reports_an_ambiguous_node(names_model: Path) -> None:
    from mtor_network.exceptions import AmbiguousNameError
    from mtor_network.simulation import simulate

    with pytest.raises(AmbiguousNameError, match="ambiguous node 'akt'"):
        simulate(read_network(names_model), runs=2, slow=["akt"])


# ---- item 11: wrong types to the public API are TypeErrors naming the argument -------------------
def _type_cases() -> list[tuple[str, object, str]]:
    from mtor_network import BooleanNetwork as BN
    from mtor_network.io import read_network_bytes
    from mtor_network.network import Rule
    from mtor_network.perturbations import Perturbation, Scenario, overexpress, scenario
    from mtor_network.simulation import simulate

    net = load_network("hr_breast_cancer")
    return [
        ("scenario drugs=str", lambda: scenario(net, drugs="everolimus"), "drugs must be a list"),
        ("scenario genotypes=str", lambda: scenario(net, genotypes="pten_loss"), "genotypes"),
        ("scenario knockouts=str", lambda: scenario(net, knockouts="AKT"), "knockouts"),
        ("scenario drugs=[1]", lambda: scenario(net, drugs=[1]), "drugs must hold names"),
        ("scenario drugs=5", lambda: scenario(net, drugs=5), "drugs must be a list"),
        ("scenario network", lambda: scenario("hr_breast_cancer", drugs=[]), "network must be"),
        ("perturb str", lambda: net.perturb("AKT"), "perturb() takes Perturbation"),
        ("perturb dict", lambda: net.perturb({"AKT": 0}), "not dict"),
        ("knockout int", lambda: knockout(3), "node must be a str"),
        ("overexpress None", lambda: overexpress(None), "node must be a str"),
        ("Perturbation effects dict", lambda: Perturbation("p", "drug", {"AKT": 0}), "pairs"),
        ("Perturbation effect value", lambda: Perturbation("p", "drug", (("AKT", "0"),)), "pair"),
        ("Perturbation.of list", lambda: Perturbation.of("p", "drug", ["AKT"]), "mapping"),
        ("Perturbation name", lambda: Perturbation(1, "drug", ()), "name must be a str"),
        ("Scenario of str", lambda: Scenario(("AKT",)), "Scenario takes Perturbation"),
        ("Scenario of one", lambda: Scenario(knockout("AKT")), "tuple of Perturbation"),
        ("resolve_node int", lambda: net.resolve_node(1), "node name must be a str"),
        ("node None", lambda: net.node(None), "node name must be a str"),
        ("named_perturbation", lambda: net.named_perturbation(["x"]), "name must be a str"),
        ("create name", lambda: BN.create(None, {"A": ("var", "A")}), "name must be a str"),
        ("create rules str", lambda: BN.create("m", "A, A"), "rules must be a mapping"),
        ("create rules items", lambda: BN.create("m", ["A, A"]), "Rule objects"),
        ("create nodes", lambda: BN.create("m", [Rule("A", ("var", "A"))], nodes="A"), "nodes"),
        ("read_network int", lambda: read_network(123), "path must be a str or a Path"),
        ("read_network None", lambda: read_network(None), "path must be a str or a Path"),
        ("write_network net", lambda: write_network("net", "x.bnet"), "network must be"),
        ("write_network path", lambda: write_network(net, 5), "path must be a str or a Path"),
        ("read_network_bytes", lambda: read_network_bytes("A, A", "x.bnet"), "data must be bytes"),
        ("read_network_bytes name", lambda: read_network_bytes(b"A, A", None), "filename"),
        ("simulate network", lambda: simulate("hr_breast_cancer"), "network must be"),
        ("simulate slow str", lambda: simulate(net, slow="AKT"), "slow must be a list"),
        ("simulate rates list", lambda: simulate(net, rates=[1.0]), "rates must be a mapping"),
        ("simulate readouts", lambda: simulate(net, readouts=["AKT"]), "readouts must be"),
        ("simulate initial", lambda: simulate(net, initial=[1]), "initial must be"),
        ("write_text_atomic", lambda: write_text_atomic("/nonexistent/x", b"x"), "text must"),
        ("read_bytes", lambda: read_bytes(3.5), "path must be a str or a Path"),
    ]


@pytest.mark.parametrize(("case", "call", "match"), _type_cases(), ids=lambda v: str(v)[:30])
def test_wrong_types_are_type_errors_naming_the_argument(
    case: str, call: object, match: str
) -> None:
    with pytest.raises(TypeError) as info:
        call()  # type: ignore[operator]
    assert match in str(info.value), case


def test_right_types_still_work() -> None:
    from mtor_network.perturbations import Perturbation, Scenario, scenario

    net = load_network("hr_breast_cancer")
    s = scenario(net, drugs=("everolimus",), knockouts=iter(["AKT"]))
    assert s.names == ("everolimus", "AKT_ko")
    assert net.perturb(s).perturbations == s.perturbations  # a Scenario is accepted too
    assert Scenario([knockout("AKT")]).names == ("AKT_ko",)  # a list of perturbations
    assert Perturbation.of("p", "drug", {"AKT": 1}).effects == (("AKT", True),)
    assert Perturbation("p", "drug", (("AKT", 0),)).effects == (("AKT", False),)
    assert read_network(Path(__file__).parents[1] / "networks" / "hr_breast_cancer.bnet")
