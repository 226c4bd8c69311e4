"""The command line: outputs, exit codes, and clear errors without tracebacks."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mtor_network.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_attractors_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "attractors", "--genotype", "her2_amplified", "--drug", "letrozole")
    assert code == 0
    assert "perturbations: her2_amplified (HER2=1), letrozole (AROMATASE=0)" in out
    assert "endocrine-resistant" in out
    row = next(ln for ln in out.splitlines() if ln.startswith("phenotype"))
    assert row.split()[-1] == "proliferative"


def test_free_inputs_are_summarised_by_valuation_with_a_way_to_pick_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Many attractors from free inputs: one summary row per input valuation (counted by the
    library's grouping), a table of at most TABLE_COLUMNS attractors, and a hint that fixes one
    valuation's inputs, which gives exactly that valuation's attractors."""
    from mtor_network.cli.attractors import TABLE_COLUMNS

    inputs = [f"I{i}" for i in range(6)]
    lines = [f"{n}, {n}" for n in inputs]
    lines += ["X, I0 & !I1 | I2 & X", "Y, X | I3 & !Y", "Z, (I4 | I5) & !X"]
    model = tmp_path / "inputs.bnet"
    model.write_text("targets, factors\n" + "\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "attractors", "--model", str(model), "--no-basins")
    assert code == 0
    header = next(ln for ln in out.splitlines() if ln.startswith("I0 "))
    assert header.split() == [*inputs, "attractors", "phenotypes"]
    body = out.split(header, 1)[1].splitlines()[2:]
    rows = [ln.split() for ln in body[: 2 ** len(inputs)]]
    assert len(rows) == 64 and len({tuple(r[:6]) for r in rows}) == 64  # every valuation once
    total = int(next(ln for ln in out.splitlines() if ln.startswith("attractors:")).split()[1])
    assert sum(int(r[6]) for r in rows) == total > TABLE_COLUMNS
    columns = next(ln for ln in out.splitlines() if ln.startswith("node ")).split()
    assert columns[-1] == f"A{TABLE_COLUMNS}"
    assert f"showing {TABLE_COLUMNS} of {total} attractors" in out
    hint = next(ln for ln in out.splitlines() if ln.startswith("one valuation's attractors"))
    flags = hint.split("e.g. ", 1)[1].split()
    code, picked, _ = run(capsys, "attractors", "--model", str(model), "--no-basins", *flags)
    assert code == 0
    last = rows[-1]
    count = int(next(ln for ln in picked.splitlines() if ln.startswith("attractors:")).split()[1])
    assert count == int(last[6])
    assert "free inputs" not in picked  # every input is fixed: nothing left to group by


def test_files_of_free_inputs_hold_every_attractor_with_its_input_valuation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``-o all.csv`` / ``.json`` with free inputs: every attractor, each with the valuation of
    the inputs left free, which matches its own input values; the JSON summary counts them."""
    import csv

    model = tmp_path / "inputs.bnet"
    model.write_text(
        "targets, factors\nA, A\nB, B\nC, C\nX, A & !B | C & X\nY, X & !Y | B\n",
        encoding="utf-8",
    )
    out_csv, out_json = tmp_path / "all.csv", tmp_path / "all.json"
    for target in (out_csv, out_json):
        code, _, _ = run(capsys, "attractors", "--model", str(model), "--no-basins", "-o",
                         str(target), "--semantics", "asynchronous")  # fmt: skip
        assert code == 0
    lines = out_csv.read_text(encoding="utf-8").splitlines()
    assert "# input_valuation: 8 valuations of the free inputs left free (A, B, C)" in lines
    rows = list(csv.DictReader(ln for ln in lines if not ln.startswith("#")))
    assert {r["input_valuation"] for r in rows} == {
        f"A={a} B={b} C={c}" for a in (0, 1) for b in (0, 1) for c in (0, 1)
    }
    for r in rows:
        assert r["input_valuation"] == f"A={r['A']} B={r['B']} C={r['C']}"
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert len(data["attractors"]) == len(rows) == data["summary"]["total_attractors"]
    for entry in data["attractors"]:
        assert entry["input_valuation"] == {n: entry["values"][n] for n in "ABC"}
    groups = data["input_groups"]["groups"]
    assert sum(g["attractors"] for g in groups) == len(rows) and len(groups) == 8


def test_attractors_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "attractors", "--drug", "everolimus", "--knockout", "IRS1", "--format", "json",
        "--semantics", "most_permissive",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["settings"]["semantics"] == "most_permissive"
    assert [p["name"] for p in data["settings"]["perturbations"]] == ["everolimus", "IRS1_ko"]
    assert all(a["values"]["IRS1"] == 0 and a["values"]["AKT"] == 0 for a in data["attractors"])
    assert data["summary"]["attractors"] == len(data["attractors"]) >= 1


def test_attractors_csv_to_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    code, out, _ = run(
        capsys, "attractors", "--drug", "trametinib", "--format", "csv", "-o", str(target)
    )
    assert code == 0 and out == ""
    body = [ln for ln in target.read_text().splitlines() if not ln.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(body))))
    assert rows and rows[0]["MEK"] == "0" and rows[0]["type"] == "cyclic"
    assert "*" in rows[0].values()


def test_validate_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 1  # model 2.0.0 fails E4, E9 and E13, for stated reasons (test_evidence)
    for i in range(1, 24):
        assert f"\nE{i} " in out
    assert "20 passed, 3 failed" in out
    assert "https://doi.org/10.1056/NEJMoa1109653" in out  # BOLERO-2


def test_validate_exits_non_zero_on_failure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from mtor_network.models import networks_dir

    source = (networks_dir() / "hr_breast_cancer.toml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.toml"
    # without IRS1 there is no AKT re-activation under rapalogs: E7 fails too
    rule = 'rule = "(IGF1R | INSR) & !S6K1"'
    assert rule in source
    broken.write_text(source.replace(rule, 'rule = "0"'))
    _, intact, _ = run(capsys, "validate")
    code, out, _ = run(capsys, "validate", "--model", str(broken))
    assert code == 1
    assert re.search(r"\nE7 +PASS", intact) and re.search(r"\nE7 +FAIL", out)


@pytest.mark.parametrize(
    ("command", "expected"),
    [("nodes", "S6K1"), ("drugs", "everolimus"), ("genotypes", "esr1_mutant"),
     ("environments", "estrogen_deprived"), ("models", "hr_breast_cancer")],
)  # fmt: skip
def test_listings(capsys: pytest.CaptureFixture[str], command: str, expected: str) -> None:
    code, out, _ = run(capsys, command)
    assert code == 0 and expected in out


def test_nodes_json_has_rules_and_references(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "nodes", "--format", "json")
    assert code == 0
    nodes = {n["name"]: n for n in json.loads(out)}
    assert nodes["IRS1"]["rule"] == "(IGF1R | INSR) & !S6K1"
    assert any(r["doi"] == "10.1158/0008-5472.CAN-05-2925" for r in nodes["IRS1"]["references"])


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (
            ["attractors", "--drug", "evrolimus"],
            "unknown drug 'evrolimus'. Did you mean 'everolimus'",
        ),
        (["attractors", "--knockout", "AKT", "--overexpress", "AKT"], "fixes AKT=1 but"),
        (["attractors", "--model", "nope.bnet"], "nope.bnet: file not found"),
        (["attractors", "--model", "hr_breast"], "unknown model 'hr_breast'"),
        (["attractors", "--engine", "magic"], "unknown engine 'magic'"),
    ],
)
def test_user_errors_are_one_clear_line(capsys, argv, fragment) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert fragment in err and "Traceback" not in err


def test_convert_writes_bnet(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "m.bnet"
    code, _, err = run(capsys, "convert", "hr_breast_cancer", str(target))
    assert code == 0 and "58 nodes" in err
    assert target.read_text().startswith("# hr_breast_cancer 2.0.0")


def test_installed_entry_point_runs() -> None:
    exe = shutil.which("mtor-network")
    cmd = [exe] if exe else [sys.executable, "-m", "mtor_network.cli"]
    done = subprocess.run([*cmd, "attractors", "--drug", "nope"], capture_output=True, text=True)
    assert done.returncode == 2
    assert "unknown drug 'nope'" in done.stderr and "Traceback" not in done.stderr


def test_pyboolnet_engine_keeps_stdout_clean() -> None:
    """pyboolnet configures the root logger to stdout at import; JSON output must stay JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "mtor_network.cli", "attractors", "--engine", "pyboolnet",
         "--semantics", "most_permissive", "--drug", "everolimus", "--format", "json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["settings"]["engine"] == "pyboolnet"


@pytest.mark.parametrize("suffix", [".tsv", ".xlsx", ".json", ".csv"])
def test_attractor_table_format_from_the_output_suffix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"out{suffix}"
    code, out, _ = run(capsys, "attractors", "--drug", "alpelisib", "--output", str(target))
    assert code == 0 and out == ""
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        settings = dict(load_workbook(target)["settings"].iter_rows(values_only=True))
        assert settings["perturbations"].startswith("alpelisib")
        assert len(str(settings["model_hash"])) == 16
    elif suffix == ".json":
        assert json.loads(target.read_text())["settings"]["model_hash"]
    else:
        lines = [ln for ln in target.read_text().splitlines() if not ln.startswith("#")]
        sep = "\t" if suffix == ".tsv" else ","
        assert lines[0].split(sep)[:2] == ["attractor", "type"]


def test_formats_lists_readers_and_writers(capsys: pytest.CaptureFixture[str]) -> None:
    from mtor_network.io import READERS, WRITERS

    code, out, _ = run(capsys, "formats")
    assert code == 0
    listed = {line.split()[0] for line in out.splitlines()[2:]}
    assert listed == set(READERS) | set(WRITERS)


def test_convert_to_every_writable_format_reads_back(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from mtor_network import load_network
    from mtor_network.analysis.equivalence import rule_differences
    from mtor_network.io import READERS, WRITERS

    flagship = load_network("hr_breast_cancer")
    for suffix in WRITERS:
        target = tmp_path / f"flagship{suffix}"
        code, _, err = run(capsys, "convert", "hr_breast_cancer", str(target))
        assert code == 0 and f"{len(flagship.node_names)} nodes" in err, suffix
        if suffix in READERS:
            assert rule_differences(flagship, load_network(target)) == {}, suffix
            code, out, _ = run(capsys, "attractors", "--model", str(target), "--format", "csv")
            assert code == 0 and "proliferative" in out


def test_xlsx_needs_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "attractors", "--format", "xlsx")
    assert code == 2 and "--output" in err


def test_attractor_search_budget_gives_one_clear_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # 20 free inputs, each read by a node of a ring: at least 2^20 attractors, far beyond
    # 0.01 s whatever the engines learn (a 40-node ring alone became a sub-second search)
    n = 20
    ring = tmp_path / "ring.bnet"
    ring.write_text(
        "\n".join(f"i{i}, i{i}\nx{i}, x{(i - 1) % n} & i{i} | !x{(i + 1) % n}" for i in range(n))
    )
    code, _, err = run(capsys, "attractors", "--model", str(ring), "--timeout", "0.01")
    assert code == 2 and "time budget of 0.01 s" in err and "--timeout" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "attractors", "--model", str(ring), "--max-nodes", "10")
    assert code == 2 and "size budget of 10 nodes" in err


def test_model_warnings_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    model = tmp_path / "implicit.bnet"
    model.write_text("A, B\nProliferation, A\n")
    code, out, err = run(capsys, "attractors", "--model", str(model), "--format", "csv")
    assert code == 0 and "proliferative" in out
    assert err.startswith("mtor-network: warning: ") and "'B'" in err and "create(" not in err


# ---- graded outcomes (basins) in the attractors command -----------------------------------------
TOGGLE = "S, S\nA, !B | S\nB, !A & !S\nPROLIFERATION, A\n"


@pytest.fixture
def toggle(tmp_path: Path) -> str:
    path = tmp_path / "toggle.bnet"
    path.write_text(TOGGLE)
    return str(path)


def test_attractors_table_has_basins_and_the_untreated_line(
    capsys: pytest.CaptureFixture[str], toggle: str
) -> None:
    code, out, _ = run(capsys, "attractors", "--model", toggle, "--knockout", "S")
    assert code == 0
    rows = {ln.split()[0] + " " + ln.split()[1]: ln.split()[2:] for ln in out.splitlines()
            if ln.startswith(("weak basin", "strong basin", "from untreated"))}  # fmt: skip
    # S off: a toggle with two fixed points; 8 states, 2 decided for each, 4 undecided
    assert sorted(rows["weak basin"]) == ["75.0%", "75.0%"]
    assert rows["strong basin"] == ["25.0%", "25.0%"]
    # untreated (no knockout): the two fixed points of S=0 and the one of S=1 (A on), which with
    # S set to 0 is the A fixed point again: two initial states, one in each attractor
    assert rows["from untreated"] == ["50.0%", "50.0%"]
    assert "undecided: 50.0%" in out
    assert "from the untreated state (no perturbation" in out


def test_attractors_json_and_csv_carry_basins(
    capsys: pytest.CaptureFixture[str], toggle: str, tmp_path: Path
) -> None:
    code, out, _ = run(
        capsys, "attractors", "--model", toggle, "--knockout", "S", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == "mtor_network.attractors/2"
    assert data["basins"]["status"] == "exact" and data["basins"]["states"] == 8
    assert sorted(a["strong_basin"] for a in data["attractors"]) == [0.25, 0.25]
    assert sorted(a["reference_share"] for a in data["attractors"]) == [0.5, 0.5]
    target = tmp_path / "out.csv"
    assert (
        run(capsys, "attractors", "--model", toggle, "--knockout", "S", "-o", str(target))[0] == 0
    )
    text = target.read_text()
    assert "# basins: exact" in text and "# reached_from_reference:" in text
    body = [ln for ln in text.splitlines() if not ln.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(body))))
    assert [r["weak_basin"] for r in rows] == ["0.75", "0.75"]
    assert {r["reachable_from_reference"] for r in rows} == {"True"}


def test_attractors_without_basins_keep_the_old_schema(
    capsys: pytest.CaptureFixture[str], toggle: str
) -> None:
    code, out, _ = run(capsys, "attractors", "--model", toggle, "--no-basins", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == "mtor_network.attractors/1" and "basins" not in data


def test_attractors_most_permissive_says_basins_are_not_defined(
    capsys: pytest.CaptureFixture[str], toggle: str
) -> None:
    code, out, _ = run(capsys, "attractors", "--model", toggle, "--semantics", "most_permissive")
    assert code == 0
    assert "basins: not defined (basins are not defined under most-permissive" in out
    assert "weak basin" not in out


def test_version_is_the_installed_one_and_help_does_not_read_it() -> None:
    """``--version`` prints the installed version; building the parser for ``--help`` does not
    import importlib.metadata (about 40 ms of its start-up)."""
    from importlib.metadata import version

    done = subprocess.run(
        [sys.executable, "-m", "mtor_network.cli", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.strip() == f"mtor-network {version('mtor-network')}"
    code = (
        "import sys; from mtor_network.cli import build_parser; build_parser(); "
        "print('importlib.metadata' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "False", done.stderr


def test_semantics_as_users_spell_it_and_unknown_output_suffixes_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``--semantics most-permissive`` (hyphen, any case) is most_permissive; ``-o x.foo``
    is refused with the known suffixes instead of writing a text table under that name."""
    code, out, _ = run(capsys, "attractors", "--semantics", "Most-Permissive", "--no-basins")
    assert code == 0 and "semantics: most_permissive" in out
    target = tmp_path / "out.foo"
    code, _, err = run(capsys, "attractors", "--no-basins", "-o", str(target))
    assert code == 2 and "unknown format '.foo'" in err and ".csv" in err
    assert not target.exists()
    code, _, _ = run(capsys, "attractors", "--no-basins", "-o", str(tmp_path / "out.txt"))
    assert code == 0 and (tmp_path / "out.txt").read_text().startswith("model: ")


def test_a_model_without_registries_and_a_write_only_file_say_what_they_are(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A BNet has no drug or genotype registry: a genotype name gets that reason and the
    node options to use instead (not 'Known: .'); a NuSMV file (written, never read) is not
    called an unknown model."""
    bnet, smv = tmp_path / "rt.bnet", tmp_path / "rt.smv"
    assert run(capsys, "convert", "hr_breast_cancer", str(bnet))[0] == 0
    assert run(capsys, "convert", "hr_breast_cancer", str(smv))[0] == 0
    code, _, err = run(capsys, "attractors", "--model", str(bnet), "--genotype", "her2_amplified")
    assert code == 2 and "registers no genotypes" in err and "--overexpress" in err
    assert "Known: ." not in err
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "attractors", "--model", "rt.smv")
    assert code == 2 and "writes but does not read" in err and ".bnet" in err
    assert "unknown model" not in err
