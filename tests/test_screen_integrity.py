"""Screens under hostile or unlucky conditions (issue 10, items 5, 7, 8 and 11): combinations
counted arithmetically (equal to the enumeration) and refused over the budget before any
enumeration or search; the progress callback before the first search; resume validating the
journal against its meta file (truncated, corrupted, duplicated, foreign rows); one writer per
output (a second real process is refused); pool workers die with a SIGKILLed screen;
formula-safe cells; TypeErrors that name the argument."""

from __future__ import annotations

import csv
import itertools
import json
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mtor_network import BooleanNetwork, Perturbation, scenario
from mtor_network.analysis import _batch as batch_module
from mtor_network.analysis import screens as screens_module
from mtor_network.analysis.control import minimal_interventions
from mtor_network.analysis.screens import (
    COLUMNS,
    MatrixResult,
    ScreenError,
    count_combinations,
    drug_genotype_matrix,
)
from mtor_network.cli.screens import main
from mtor_network.exceptions import UnknownNameError
from mtor_network.export import screens as screen_files
from mtor_network.export.screens import iter_rows, meta_path, read_screen, screen, write_matrix
from mtor_network.io.bnet import parse_bnet

SMALL = ["ER_E2", "AROMATASE", "MTORC1", "AKT", "PI3K", "MYC", "ERK", "IRS1"]
CLI = [sys.executable, "-c", "import sys; from mtor_network.cli import main; sys.exit(main())"]
WAIT = 300.0  # generous bound on waiting for a real process (a loaded 2-core machine)


def enumerated(bg: object, items: list[Perturbation], order: int) -> tuple[int, int]:
    """(rows, skipped) by brute-force enumeration, as the screen used to count them."""
    rows = skipped = 0
    for _, sc in screens_module._combinations(bg, items, order):  # type: ignore[arg-type]
        if sc is None:
            skipped += 1
        else:
            rows += 1
    return rows, skipped


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def chain(n: int) -> BooleanNetwork:
    return parse_bnet(
        "\n".join(f"x{i}, x{i - 1} | !x{(i + 1) % n}" if i else "x0, x0" for i in range(n)),
        name=f"chain{n}",
    )


# ---- counting ---------------------------------------------------------------------------------
@pytest.mark.parametrize("perturb", ["knockout", "overexpress", "both"])
@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("background", [None, "pik3ca_mutant+letrozole"])
def test_arithmetic_count_equals_the_enumeration(
    flagship: BooleanNetwork, perturb: str, order: int, background: str | None
) -> None:
    bg = screens_module._as_scenario(
        scenario(flagship, genotypes=["pik3ca_mutant"], drugs=["letrozole"]) if background else None
    )
    items, excluded, clashing = screens_module._node_items(
        flagship, [*SMALL, "RAS", "EGFR", "CCND1"], perturb, bg
    )
    assert clashing == []
    if background:
        assert "PI3K" in excluded and "AROMATASE" in excluded  # fixed by the background
    assert count_combinations(items, order) == enumerated(bg, items, order)


def test_screen_rows_and_skipped_match_the_count_on_a_small_network() -> None:
    net = chain(6)
    for perturb, order in itertools.product(("knockout", "overexpress", "both"), (1, 2, 3)):
        result = screen(net, order=order, perturb=perturb, workers=1, progress=False)  # type: ignore[arg-type]
        items, _, _ = screens_module._node_items(
            net, "all", perturb, screens_module._as_scenario(None)
        )
        rows, skipped = enumerated(screens_module._as_scenario(None), items, order)
        assert result.rows_total == len(result.rows or ()) == rows
        assert len(result.skipped) == skipped
        names = [r["perturbation"] for r in result.rows or ()]
        assert len(set(names)) == len(names)
    m = 2 * 6
    assert rows == m + math.comb(m, 2) - 6 + math.comb(m, 3) - 6 * (m - 2)


def test_over_budget_is_refused_before_any_enumeration_or_search(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The 150-node case of the issue: the count is arithmetic, nothing is enumerated."""
    net = chain(150)

    def forbidden(*args: object, **kwargs: object) -> Iterator[object]:
        raise AssertionError("enumerated or searched before the size budget was checked")

    monkeypatch.setattr(screens_module, "_combinations", forbidden)
    monkeypatch.setattr(batch_module, "evaluate", forbidden)
    monkeypatch.setattr(screens_module, "_skipped_names", forbidden)
    expected = 2 * 150 + 4 * math.comb(150, 2) + 8 * math.comb(150, 3)
    with pytest.raises(ScreenError, match=f"{expected} combinations .* size budget of 5000"):
        screen(net, order=3, perturb="both", max_combinations=5000, progress=False,
               output=tmp_path / "big.csv")  # fmt: skip
    assert not (tmp_path / "big.csv").exists()


def test_progress_is_called_before_the_first_search(
    flagship: BooleanNetwork, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    events: list[tuple[object, ...]] = []
    real = batch_module.evaluate

    def recording(network, semantics, key, budget=None):  # type: ignore[no-untyped-def]
        events.append(("search",))
        return real(network, semantics, key, budget)

    monkeypatch.setattr(batch_module, "evaluate", recording)
    screen(flagship, targets=SMALL, order=2, workers=1, output=tmp_path / "s.csv",
           progress=lambda d, t: events.append(("progress", d, t)))  # fmt: skip
    assert events[0] == ("progress", 0, 8 + 28)
    assert events[-1] == ("progress", 36, 36)

    class OutOfTime(Exception):
        pass

    def budget_gone(done: int, total: int) -> None:
        raise OutOfTime

    events.clear()
    with pytest.raises(OutOfTime):
        screen(flagship, targets=SMALL, order=2, workers=1, progress=budget_gone,
               output=tmp_path / "t.csv")  # fmt: skip
    with pytest.raises(OutOfTime):
        drug_genotype_matrix(flagship, workers=1, progress=budget_gone)
    with pytest.raises(OutOfTime):
        minimal_interventions(flagship, progress=budget_gone)
    assert events == []  # no search at all
    assert not (tmp_path / "t.csv").exists() and not meta_path(tmp_path / "t.csv").exists()


def test_matrix_and_interventions_refuse_over_budget_before_searching(
    flagship: BooleanNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*args: object, **kwargs: object) -> object:
        raise AssertionError("searched before the size budget was checked")

    monkeypatch.setattr(batch_module, "evaluate", forbidden)
    n_drugs = len(flagship.drugs)
    rows = (1 + len(flagship.genotypes)) * (1 + n_drugs + math.comb(n_drugs, 2))
    assert rows > 20
    with pytest.raises(ScreenError, match="size budget of 20"):
        drug_genotype_matrix(flagship, max_combinations=20)
    with pytest.raises(ScreenError, match=r"candidate sets .* size budget of 3"):
        minimal_interventions(flagship, using="nodes", max_size=2, max_combinations=3)


def test_target_lists_are_bounded_and_resolved_linearly(flagship: BooleanNetwork) -> None:
    nodes = len(flagship.node_names)
    with pytest.raises(ScreenError, match=f"{nodes + 1} distinct targets given"):
        screen(flagship, targets=[f"N{i}" for i in range(nodes + 1)], progress=False)
    many = ["AKT"] * 100_000  # duplicates collapse before resolution
    result = screen(flagship, targets=many, workers=1, progress=False)
    assert result.rows_total == 1


# ---- resume integrity -------------------------------------------------------------------------
@pytest.fixture
def reference(flagship: BooleanNetwork, tmp_path: Path) -> Path:
    out = tmp_path / "reference.csv"
    screen(flagship, targets=SMALL, order=2, workers=1, progress=False, output=out)
    return out


ARGV = ["screen", "--targets", ",".join(SMALL), "--order", "2", "--workers", "1", "--no-progress"]


def test_truncated_complete_csv_resumes_the_missing_rows(
    reference: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cut.csv"
    lines = lines_of(reference)
    assert len(lines) == 1 + 36
    out.write_text("".join(lines[: 1 + 20]))
    meta_path(out).write_text(meta_path(reference).read_text())
    meta = json.loads(meta_path(out).read_text())
    assert meta["complete"] is True and meta["rows"] == 36 and len(meta["settings_digest"]) == 64
    assert main([*ARGV, "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "20 rows were already there (resumed)" in err
    assert "16 attractor searches in this run" in err
    assert out.read_text() == reference.read_text()
    assert main([*ARGV, "-o", str(out)]) == 0  # now really complete
    assert "0 attractor searches" in capsys.readouterr().err


def test_corrupted_duplicated_and_foreign_rows_are_dropped_and_recomputed(
    reference: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bad.csv"
    lines = lines_of(reference)
    fields = next(csv.reader([lines[9]]))
    fields[COLUMNS.index("attractors")] = "x"  # line 10: a corrupted number
    lines[9] = ",".join(f'"{f}"' if "," in f else f for f in fields) + "\n"
    fields = next(csv.reader([lines[14]]))
    fields[COLUMNS.index("proliferative_fraction")] = "0.7"  # line 15: plausible but wrong
    lines[14] = ",".join(f'"{f}"' if "," in f else f for f in fields) + "\n"
    lines.insert(20, lines[3])  # line 21: a duplicate of line 4
    lines.insert(25, "NOPE_ko" + lines[5][lines[5].index(",") :])  # line 26: foreign
    out.write_text("".join(lines))
    meta_path(out).write_text(meta_path(reference).read_text())
    with pytest.raises(ScreenError, match=r"bad\.csv, line 10: attractors is 'x', not a whole"):
        read_screen(out)  # a clear error, not a crash, before the repair

    assert main([*ARGV, "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"warning: {out}, line 10: attractors is 'x', not a whole number; row dropped" in err
    assert f"warning: {out}, line 15: proliferative_fraction is 0.7" in err
    assert f"warning: {out}, line 21: a second row for" in err
    assert f"warning: {out}, line 26: 'NOPE_ko" in err
    assert "4 rows dropped" in err
    assert "2 attractor searches in this run" in err  # only the two bad rows
    assert out.read_text() == reference.read_text()  # in order, each combination once
    assert len(read_screen(out)) == 36


def test_a_damaged_parquet_output_is_rebuilt(
    flagship: BooleanNetwork, tmp_path: Path, reference: Path
) -> None:
    pytest.importorskip("pyarrow")
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "s.parquet"
    screen(flagship, targets=SMALL, order=2, workers=1, progress=False, output=out)
    rows = list(iter_rows(out))
    assert rows == list(iter_rows(reference))
    pq.write_table(pa.Table.from_pylist(rows[:10], schema=screen_files._arrow_schema()), out)
    again = screen(flagship, targets=SMALL, order=2, workers=1, progress=False, output=out)
    assert again.networks_evaluated == 36 - 10 and again.rows_resumed == 10
    assert any("incomplete or damaged" in r for r in again.repairs)
    assert list(iter_rows(out)) == rows
    out.write_bytes(b"PAR1 not really")
    again = screen(flagship, targets=SMALL, order=2, workers=1, progress=False, output=out)
    assert again.networks_evaluated == 36
    assert list(iter_rows(out)) == rows


def test_an_edited_meta_file_is_refused(flagship: BooleanNetwork, reference: Path) -> None:
    meta = json.loads(meta_path(reference).read_text())
    meta["settings_digest"] = "0" * 64
    meta_path(reference).write_text(json.dumps(meta))
    with pytest.raises(ScreenError, match="do not match their digest"):
        screen(flagship, targets=SMALL, order=2, workers=1, progress=False, output=reference)


# ---- real processes ---------------------------------------------------------------------------
def _long_screen(out: Path, *extra: str) -> subprocess.Popen[bytes]:
    """A screen of every triple of the flagship's nodes: minutes of work."""
    return subprocess.Popen(
        [*CLI, "screen", "--order", "3", "--no-progress", "-o", str(out), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for(condition: object, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():  # type: ignore[operator]
        if process.poll() is not None:
            raise AssertionError(f"the screen exited early: {process.stderr.read()!r}")  # type: ignore[union-attr]
        if time.monotonic() > deadline:
            raise AssertionError("the screen did not start in time")
        time.sleep(0.1)


def test_a_second_screen_on_the_same_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "shared.csv"
    first = _long_screen(out, "--workers", "1")
    try:
        _wait_for(lambda: out.exists() and out.stat().st_size > 0, first)
        second = subprocess.run(
            [*CLI, "screen", "--order", "3", "--no-progress", "-o", str(out), "--workers", "1"],
            capture_output=True,
            text=True,
            timeout=WAIT,
        )
        assert second.returncode == 2, second.stderr
        assert f"{out} is being written by another screen (pid {first.pid})" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.kill()
        first.wait(timeout=WAIT)
    # the lock dies with its holder (and with the search workers it forked, which inherit the
    # lock and die with it a moment later): the next screen may resume the file
    deadline = time.monotonic() + WAIT
    while True:
        try:
            with screen_files._OutputLock(out):
                break
        except ScreenError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_pool_workers_die_with_a_killed_screen(tmp_path: Path) -> None:
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "killed.csv"
    main_process = _long_screen(out, "--workers", "2")
    try:
        parent = psutil.Process(main_process.pid)
        _wait_for(lambda: len(parent.children(recursive=True)) >= 2, main_process)
        workers = parent.children(recursive=True)
        os.kill(main_process.pid, signal.SIGKILL)
        main_process.wait(timeout=WAIT)
    finally:
        if main_process.poll() is None:
            main_process.kill()
            main_process.wait(timeout=WAIT)

    def alive(p: object) -> bool:
        try:
            return p.status() != psutil.STATUS_ZOMBIE  # type: ignore[attr-defined]
        except psutil.NoSuchProcess:
            return False

    deadline = time.monotonic() + WAIT
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [w.pid for w in workers if alive(w)]
    for pid in survivors:  # do not leave them running if the test fails
        os.kill(pid, signal.SIGKILL)
    assert survivors == []


# ---- formula-safe cells -----------------------------------------------------------------------
def test_journal_cells_are_formula_safe_and_round_trip() -> None:
    outcome = screens_module.Outcome(2, (1, 1, 0, 0), False)
    row = screens_module.make_row("=HYPERLINK(1)", 1, "@X=0, -Y=1", outcome, outcome)
    text = screen_files._csv_text([row], header=True)
    cells = next(itertools.islice(csv.reader(text.splitlines()), 1, None))
    assert cells[0] == "'=HYPERLINK(1)" and cells[2] == "'@X=0, -Y=1"
    parsed = screen_files._parse_strict(cells)
    assert parsed == row


def test_matrix_tables_never_hold_a_formula(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    from openpyxl import load_workbook

    outcome = screens_module.Outcome(1, (1, 0, 0, 0), False)
    row = screens_module.make_row("=cmd|' /C calc'!A0", 1, "X=0", outcome, outcome)
    matrix_row = {"genotype": "+evil", "treatment": row["perturbation"], **row}
    result = MatrixResult("m", "asynchronous", ("+evil",), (row["perturbation"],), (matrix_row,), 1)
    write_matrix(result, tmp_path / "m.csv")
    cells = list(csv.reader((tmp_path / "m.csv").read_text().splitlines()))[1]
    assert cells[0] == "'+evil" and cells[1].startswith("'=")
    write_matrix(result, tmp_path / "m.xlsx")
    sheet = load_workbook(tmp_path / "m.xlsx").worksheets[0]
    values = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert values[0] == "'+evil" and values[1].startswith("'=")
    assert all(c.data_type != "f" for c in next(sheet.iter_rows(min_row=2, max_row=2)))


# ---- wrong types to the public API ----------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"targets": 5}, TypeError, "targets must be"),
        ({"targets": [5]}, TypeError, r"targets must hold node names \(str\), not int"),
        ({"targets": b"AKT"}, TypeError, "targets must be"),
        ({"order": "2"}, TypeError, "order must be an int"),
        ({"order": True}, TypeError, "order must be an int"),
        ({"workers": -1}, ValueError, "workers must be at least 1, not -1"),
        ({"workers": 1.5}, TypeError, "workers must be an int or None"),
        ({"perturb": 1}, TypeError, "perturb must be a str"),
        ({"perturb": "delete"}, ValueError, "unknown perturb 'delete'"),
        ({"semantics": None}, TypeError, "semantics must be a str"),
        ({"background": 5}, TypeError, "background must be a Scenario"),
        ({"background": ["letrozole"]}, TypeError, "background must hold Perturbation objects"),
        ({"progress": 5}, TypeError, "progress must be"),
        ({"budget": 5}, TypeError, "budget must be a Budget"),
        ({"max_combinations": -1}, ValueError, "max_combinations must be at least 0"),
        ({"output": 5}, TypeError, "output must be a path"),
        ({"batch_size": 0}, ValueError, "batch_size must be at least 1"),
    ],
)
def test_screen_argument_types(
    flagship: BooleanNetwork, kwargs: dict[str, object], error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        screen(flagship, **{"targets": ["AKT"], "progress": False, **kwargs})  # type: ignore[arg-type]


def test_matrix_and_interventions_argument_types(flagship: BooleanNetwork) -> None:
    with pytest.raises(TypeError, match="network must be a BooleanNetwork, not str"):
        screen("hr_breast_cancer", progress=False)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="drugs must be a sequence of drug names"):
        drug_genotype_matrix(flagship, drugs="letrozole")  # type: ignore[arg-type]
    with pytest.raises(UnknownNameError, match="nope"):
        drug_genotype_matrix(flagship, drugs=["nope"])
    with pytest.raises(TypeError, match="genotypes must hold genotype names"):
        drug_genotype_matrix(flagship, genotypes=[1])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="pairs must be True or False"):
        drug_genotype_matrix(flagship, pairs="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="workers must be at least 1"):
        drug_genotype_matrix(flagship, workers=0)
    with pytest.raises(TypeError, match="max_size must be an int"):
        minimal_interventions(flagship, max_size="2")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="candidates must be a sequence"):
        minimal_interventions(flagship, candidates=5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="limit must be at least 1"):
        minimal_interventions(flagship, limit=0)
    with pytest.raises(TypeError, match="using must be a str"):
        minimal_interventions(flagship, using=1)  # type: ignore[arg-type]
    result = drug_genotype_matrix(flagship, pairs=False, drugs=["Letrozole", "letrozole"],
                                  genotypes=["pik3ca_mutant"], workers=1)  # fmt: skip
    assert result.treatments == ("none", "letrozole")


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--workers", "-1"], "--workers: expected a whole number >= 1, not '-1'"),
        (["--network-timeout", "nan"], "--network-timeout: expected a finite number of seconds"),
        (["--max-combinations", "-5"], "--max-combinations: expected a whole number >= 0"),
    ],
)
def test_cli_refuses_bad_numbers(
    option: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["screen", "--targets", "AKT", "-o", str(tmp_path / "x.csv"), *option])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
