"""Combination screens: real outcomes on the flagship, row counts, resume after interruption
(nothing computed twice, no row lost or corrupt), local pool and Dask give the same rows,
refused resumes, table formats, the drug x genotype matrix and the CLI."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mtor_network import BooleanNetwork, find_attractors, knockout, overexpress, scenario
from mtor_network.analysis import _batch as batch_module
from mtor_network.analysis.screens import COLUMNS, ScreenError, drug_genotype_matrix
from mtor_network.cli.screens import main
from mtor_network.export.screens import (
    iter_rows,
    journal_path,
    meta_path,
    read_screen,
    screen,
    write_matrix,
)

SMALL = ["ER_E2", "AROMATASE", "MTORC1", "AKT", "PI3K", "MYC", "ERK", "IRS1"]
TWELVE = [*SMALL, "RAS", "EGFR", "HER2", "CCND1"]


def rows_of(path: Path) -> list[dict]:
    return list(iter_rows(path))


# ---- outcomes --------------------------------------------------------------------------------
def test_single_knockouts_match_evidence_and_direct_queries(flagship: BooleanNetwork) -> None:
    result = screen(flagship, targets="all", order=1, workers=1, progress=False)
    rows = {r["perturbation"]: r for r in result.rows or ()}
    markers = {"PROLIFERATION", "APOPTOSIS"}
    assert set(rows) == {f"{n}_ko" for n in flagship.node_names if n not in markers}
    assert result.background.has_proliferative  # E1: wild type proliferates
    # E2: aromatase inhibitors (AROMATASE=0) and tamoxifen (ER_E2=0) stop proliferation
    for name in ("AROMATASE_ko", "ER_E2_ko"):
        assert rows[name]["has_proliferative"] is False
        assert rows[name]["proliferative"] == 0
        assert rows[name]["change"].startswith("proliferation removed")
        assert "proliferative" in rows[name]["phenotypes_lost"].split(";")
    # E7: mTORC1 inhibition alone does not stop proliferation in the wild type
    assert rows["MTORC1_ko"]["has_proliferative"] is True
    assert rows["MTORC1_ko"]["change"] == "unchanged"
    for name in ("AROMATASE_ko", "MYC_ko", "AKT_ko", "IRS1_ko"):
        direct = find_attractors(flagship, perturbations=knockout(name[:-3]))
        assert rows[name]["attractors"] == len(direct)
        assert rows[name]["has_proliferative"] == direct.has_proliferative
        counts = direct.phenotype_counts()
        assert all(rows[name][p] == c for p, c in counts.items())


def test_resistance_reported_under_endocrine_background(flagship: BooleanNetwork) -> None:
    bg = scenario(flagship, genotypes=["her2_amplified"], drugs=["letrozole"])
    result = screen(flagship, background=bg, targets=["MTORC1", "HER2", "ERK"], workers=1,
                    progress=False)  # fmt: skip
    assert result.background.endocrine_resistant  # E3
    assert result.excluded_targets == ("HER2",)  # fixed by the genotype: not screened
    rows = {r["perturbation"]: r for r in result.rows or ()}
    assert set(rows) == {"MTORC1_ko", "ERK_ko"}
    for name in rows:
        direct = find_attractors(flagship, perturbations=bg | knockout(name[:-3]))
        assert rows[name]["endocrine_resistant"] == direct.has_endocrine_resistant
    # HER2-driven resistance runs through MAPK and need not depend on mTORC1 (BIOLOGY.md)
    assert "resistance removed" in rows["ERK_ko"]["change"]
    assert rows["MTORC1_ko"]["endocrine_resistant"] is True


def test_row_counts_and_skipped_combinations(flagship: BooleanNetwork) -> None:
    n = len(SMALL)
    result = screen(flagship, targets=SMALL, order=2, workers=1, progress=False)
    assert result.rows_total == len(result.rows or ()) == math.comb(n, 1) + math.comb(n, 2)
    assert result.skipped == ()
    both = screen(flagship, targets=SMALL[:5], order=2, perturb="both", workers=1,
                  progress=False)  # fmt: skip
    items = 2 * 5
    assert len(both.skipped) == 5  # X_ko + X_oe for each node
    assert "AKT_ko + AKT_oe" in both.skipped
    assert both.rows_total == math.comb(items, 1) + math.comb(items, 2) - 5
    names = [r["perturbation"] for r in both.rows or ()]
    assert len(names) == len(set(names))
    oe = {r["perturbation"]: r for r in both.rows or ()}["AKT_oe"]
    direct = find_attractors(flagship, perturbations=overexpress("AKT"))
    assert oe["has_proliferative"] == direct.has_proliferative


def test_bad_requests_raise_clear_errors(flagship: BooleanNetwork, tmp_path: Path) -> None:
    with pytest.raises(ScreenError, match="order must be 1, 2 or 3"):
        screen(flagship, targets=SMALL, order=4, progress=False)
    with pytest.raises(ScreenError, match="unknown output suffix"):
        screen(flagship, targets=SMALL, output=tmp_path / "x.txt", progress=False)
    with pytest.raises(KeyError, match="FOXO9"):
        screen(flagship, targets=["FOXO9"], progress=False)


# ---- files, resume ---------------------------------------------------------------------------
def test_resume_computes_nothing_twice_and_matches_uninterrupted(
    flagship: BooleanNetwork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = tmp_path / "reference.csv"
    screen(flagship, targets=TWELVE, order=2, workers=1, progress=False, output=reference)
    total = 12 + 66

    calls: list[tuple] = []
    real = batch_module.evaluate

    def counting(network, semantics, key, budget=None):  # type: ignore[no-untyped-def]
        calls.append(key)
        return real(network, semantics, key, budget)

    monkeypatch.setattr(batch_module, "evaluate", counting)

    class Stop(Exception):
        pass

    def stop_after_first_chunk(done: int, total_: int) -> None:
        assert total_ == total
        if done >= 64:
            raise Stop

    out = tmp_path / "screen.csv"
    with pytest.raises(Stop):
        screen(flagship, targets=TWELVE, order=2, workers=1, progress=stop_after_first_chunk,
               output=out)  # fmt: skip
    partial = rows_of(out)
    assert len(partial) == 64
    assert json.loads(meta_path(out).read_text())["complete"] is False
    first_run = {k for k in calls}
    calls.clear()

    result = screen(flagship, targets=TWELVE, order=2, workers=1, progress=False, output=out)
    assert result.rows_resumed == 64
    assert result.networks_evaluated == total - 64
    assert len(calls) == total - 64 + 1  # + the background, recomputed for the comparison
    background_key = ((), ())  # (fixed values, rule tags): no drug, no endocrine tag
    assert (first_run & set(calls)) == {background_key}
    assert out.read_text() == reference.read_text()
    assert json.loads(meta_path(out).read_text())["complete"] is True

    calls.clear()
    again = screen(flagship, targets=TWELVE, order=2, workers=1, progress=False, output=out)
    assert again.networks_evaluated == 0 and calls == [background_key]
    assert out.read_text() == reference.read_text()


def test_killed_run_keeps_whole_rows_and_resumes(flagship: BooleanNetwork, tmp_path: Path) -> None:
    out = tmp_path / "killed.csv"
    TWENTY = list(flagship.node_names[:20])
    script = textwrap.dedent(
        f"""
        import os, signal
        from mtor_network import load_network
        from mtor_network.export.screens import screen
        def die(done, total):
            if done >= 128:
                os.kill(os.getpid(), signal.SIGKILL)
        screen(load_network("hr_breast_cancer"), targets={TWENTY!r}, order=2, workers=1,
               progress=die, output={str(out)!r})
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -9  # killed mid-way
    with out.open(newline="") as handle:
        lines = list(csv.reader(handle))
    assert tuple(lines[0]) == COLUMNS
    assert len(lines) - 1 == 128
    assert all(len(line) == len(COLUMNS) for line in lines)
    # simulate a write cut by the kill: a partial last line is dropped on resume
    with out.open("a") as handle:
        handle.write("IRS1_ko + RAS_ko,2,IRS1=0")
    result = screen(flagship, targets=TWENTY, order=2, workers=1, progress=False, output=out)
    n = 20
    assert result.rows_total == n + math.comb(n, 2)
    assert result.rows_resumed == 128
    assert result.networks_evaluated == result.rows_total - 128
    rows = rows_of(out)
    assert [r["perturbation"] for r in rows[:3]] == ["AROMATASE_ko", "E2_ko", "IGF1_ko"]
    assert len(rows) == result.rows_total
    assert len({r["perturbation"] for r in rows}) == len(rows)
    pair = next(r for r in rows if r["perturbation"] == "IGF1R_ko + INSR_ko")
    direct = find_attractors(flagship, perturbations=knockout("IGF1R") | knockout("INSR"))
    assert pair["has_proliferative"] == direct.has_proliferative
    assert pair["attractors"] == len(direct)


def test_resume_with_other_settings_is_refused(flagship: BooleanNetwork, tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    screen(flagship, targets=SMALL, order=1, workers=1, progress=False, output=out)
    before = out.read_text()
    with pytest.raises(ScreenError, match=r"other settings \(order: file has 1, asked 2"):
        screen(flagship, targets=SMALL, order=2, workers=1, progress=False, output=out)
    bg = scenario(flagship, drugs=["everolimus"])
    with pytest.raises(ScreenError, match="background"):
        screen(flagship, background=bg, targets=SMALL, workers=1, progress=False, output=out)
    with pytest.raises(ScreenError, match="semantics"):
        screen(flagship, targets=SMALL, semantics="synchronous", workers=1, progress=False,
               output=out)  # fmt: skip
    assert out.read_text() == before
    stranger = tmp_path / "stranger.csv"
    stranger.write_text("a,b\n1,2\n")
    with pytest.raises(ScreenError, match=r"has no stranger\.csv\.meta\.json"):
        screen(flagship, targets=SMALL, workers=1, progress=False, output=stranger)


def test_parquet_and_xlsx_hold_the_same_rows(flagship: BooleanNetwork, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    csv_out, pq_out, xl_out = tmp_path / "s.csv", tmp_path / "s.parquet", tmp_path / "s.xlsx"
    for out in (csv_out, pq_out, xl_out):
        screen(flagship, targets=SMALL, order=2, workers=1, progress=False, output=out)
        assert not journal_path(out).exists() or out.suffix == ".csv"
    reference = rows_of(csv_out)
    assert rows_of(pq_out) == reference
    assert rows_of(xl_out) == reference
    frame = read_screen(pq_out)
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == 8 + 28
    assert frame["has_proliferative"].dtype == bool
    done = screen(flagship, targets=SMALL, order=2, workers=1, progress=False, output=pq_out)
    assert done.networks_evaluated == 0


def test_process_pool_and_dask_cluster_give_identical_rows(
    flagship: BooleanNetwork, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("dask.distributed")
    local = tmp_path / "local.csv"
    screen(flagship, targets=SMALL, order=2, workers=1, progress=False, output=local)
    pool = tmp_path / "pool.csv"
    screen(flagship, targets=SMALL, order=2, workers=2, batch_size=4, progress=False,
           output=pool)  # fmt: skip
    assert pool.read_text() == local.read_text()
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        remote = tmp_path / "dask.csv"
        result = screen(flagship, targets=SMALL, order=2, scheduler=cluster.scheduler_address,
                        batch_size=4, progress=False, output=remote)  # fmt: skip
    assert result.networks_evaluated == 8 + 28
    assert remote.read_text() == local.read_text()


def test_unreachable_scheduler_is_a_clear_error(
    flagship: BooleanNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(batch_module, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(ScreenError, match="cannot connect to the Dask scheduler"):
        screen(flagship, targets=SMALL, scheduler="tcp://127.0.0.1:9", progress=False)


# ---- drug x genotype matrix ----------------------------------------------------------------------
def test_drug_genotype_matrix(flagship: BooleanNetwork, tmp_path: Path) -> None:
    drugs = ["letrozole", "anastrozole", "exemestane", "tamoxifen", "everolimus", "trastuzumab"]
    result = drug_genotype_matrix(flagship, drugs=drugs, pairs=True, workers=1)
    n_drugs = len(drugs)
    assert result.genotypes == ("wild_type", *flagship.genotypes)
    assert len(result.treatments) == 1 + n_drugs + math.comb(n_drugs, 2)
    assert len(result.rows) == len(result.genotypes) * len(result.treatments)
    # letrozole, anastrozole and exemestane share one effect: computed once per genotype
    assert result.networks_evaluated < len(result.rows)
    v = result.value
    assert v("wild_type", "none", "has_proliferative") is True  # E1
    assert v("wild_type", "letrozole", "has_proliferative") is False  # E2
    assert v("pik3ca_mutant", "letrozole", "endocrine_resistant") is False  # point 2 (E16)
    assert v("her2_amplified", "letrozole", "endocrine_resistant") is True  # E3
    assert v("her2_amplified", "letrozole + trastuzumab", "has_proliferative") is False
    assert v("her2_amplified", "tamoxifen", "endocrine_resistant") is True  # E3
    # against the same genotype without drug: letrozole adds an endocrine-resistant attractor
    assert v("her2_amplified", "letrozole", "change") == "resistance gained"

    from mtor_network.viz.screens import matrix_heatmap, write_figure

    figure = matrix_heatmap(result)
    heat = figure.data[0]
    assert len(heat.y) == len(result.treatments) and len(heat.x) == len(result.genotypes)
    row = list(heat.y).index("letrozole")
    her2 = list(heat.x).index("her2 amplified")
    assert heat.z[row][0] == 0.0 and heat.z[row][her2] == 1.0
    assert heat.text[row][her2] == "R"
    html = tmp_path / "m.html"
    write_figure(figure, html)
    assert "plotly" in html.read_text()[:5000].lower()
    write_matrix(result, tmp_path / "m.csv")
    assert len(rows_of_matrix(tmp_path / "m.csv")) == len(result.rows)
    with pytest.raises(ValueError, match="unknown value"):
        matrix_heatmap(result, "bogus")  # type: ignore[arg-type]


def rows_of_matrix(path: Path) -> list[dict]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_matrix_heatmap_png(flagship: BooleanNetwork, tmp_path: Path) -> None:
    pytest.importorskip("kaleido")
    from mtor_network.viz.screens import matrix_heatmap, write_figure

    result = drug_genotype_matrix(flagship, pairs=False, workers=1)
    png = tmp_path / "m.png"
    write_figure(matrix_heatmap(result, "endocrine_resistant"), png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---- CLI ----------------------------------------------------------------------------------------
def test_cli_screen_and_resume(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "cli.csv"
    argv = ["screen", "--genotype", "pik3ca_mutant", "--drug", "letrozole", "--order", "2",
            "--targets", "MTORC1,PI3K,ERK,MYC", "--output", str(out), "--workers", "1"]  # fmt: skip
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "fixed by the background, not screened: PI3K" in err
    assert "100%" in err  # the progress bar
    rows = {r["perturbation"]: r for r in rows_of(out)}
    assert set(rows) == {"MTORC1_ko", "ERK_ko", "MYC_ko", "MTORC1_ko + ERK_ko",
                         "MTORC1_ko + MYC_ko", "ERK_ko + MYC_ko"}  # fmt: skip
    assert rows["MTORC1_ko"]["endocrine_resistant"] is False
    assert main([*argv, "--no-progress"]) == 0
    assert "6 rows were already there (resumed)" in capsys.readouterr().err
    assert main(["screen", "--order", "1", "--targets", "MTORC1", "-o", str(out)]) == 2
    assert "other settings" in capsys.readouterr().err
    assert main(["screen", "--targets", "NOPE", "-o", str(tmp_path / "n.csv")]) == 2
    assert "unknown node 'NOPE'" in capsys.readouterr().err


def test_cli_matrix(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    table_out, html = tmp_path / "m.xlsx", tmp_path / "m.html"
    code = main(["screen", "--matrix", "--no-pairs", "-o", str(table_out), "--heatmap", str(html),
                 "--workers", "1", "--no-progress"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert table_out.stat().st_size > 0 and html.stat().st_size > 0
    assert main(["screen", "--matrix", "--drug", "letrozole", "-o", str(table_out)]) == 2
    assert "--matrix screens every genotype and drug" in capsys.readouterr().err


def test_screen_budgets_size_and_per_search_time(tmp_path: Path) -> None:
    """A screen over its size budget is refused before any work; a search over its time budget
    stops the screen with a message, keeping the rows already written."""
    from mtor_network import Budget, load_network
    from mtor_network.io.bnet import parse_bnet

    net = load_network("hr_breast_cancer")
    with pytest.raises(ScreenError, match="size budget of 10"):
        screen(net, order=2, max_combinations=10, workers=1, progress=False)
    n = 40
    ring = parse_bnet(
        "\n".join(f"x{i}, x{(i - 1) % n} | !x{(i + 1) % n} & x{(i + 7) % n}" for i in range(n)),
        name="ring",
    )
    with pytest.raises(ScreenError, match="time budget"):
        screen(
            ring,
            targets=["x0", "x1"],
            workers=1,
            progress=False,
            output=tmp_path / "ring.csv",
            budget=Budget(seconds=0.01),
        )


# ---- graded columns (basins) ------------------------------------------------------------------
def toggle_network() -> BooleanNetwork:
    """A toggle switch with an input: two fixed points (one proliferative) when S is off."""
    return BooleanNetwork.create(
        "toggle", {"S": "S", "A": "!B | S", "B": "!A & !S", "PROLIFERATION": "A"}
    )


def test_screen_rows_carry_the_exact_proliferative_basin(tmp_path: Path) -> None:
    from mtor_network.analysis.basins import outcomes

    net = toggle_network()
    result = screen(net, targets=["S", "A", "B"], order=1, workers=1, progress=False)
    rows = {r["perturbation"]: r for r in result.rows or ()}
    s_ko = rows["S_ko"]
    assert s_ko["attractors"] == 2 and s_ko["proliferative_fraction"] == 0.5
    # 8 states (A, B, PROLIFERATION free): 2 reach only the proliferative fixed point
    assert s_ko["proliferative_basin"] == 0.25
    # untreated (the empty background): the fixed points of S=0 and of S=1; with S set to 0
    # they are the two fixed points, one of them proliferative
    assert s_ko["proliferative_from_untreated"] == 0.5
    # a second path: the library's graded outcomes of the same setting
    graded = outcomes(net, [knockout("S")], reference=())
    assert graded.basin("proliferative") == s_ko["proliferative_basin"]
    # decided by the counts: one attractor
    assert rows["A_ko"]["proliferative_basin"] == 0.0
    assert rows["B_ko"]["proliferative_basin"] == 1.0
    # the journal round-trips the graded columns
    out = tmp_path / "toggle.csv"
    screen(net, targets=["S", "A", "B"], order=1, workers=1, progress=False, output=out)
    written = {r["perturbation"]: r for r in rows_of(out)}
    assert written["S_ko"]["proliferative_basin"] == 0.25
    assert written == rows
    again = screen(net, targets=["S", "A", "B"], order=1, workers=1, progress=False, output=out)
    assert again.rows_resumed == 3 and not again.repairs


def test_journal_with_a_wrong_basin_is_repaired(tmp_path: Path) -> None:
    net = toggle_network()
    out = tmp_path / "toggle.csv"
    screen(net, targets=["S", "A", "B"], order=1, workers=1, progress=False, output=out)
    text = out.read_text()
    # B_ko has one proliferative attractor: its basin can only be 1
    lines = text.splitlines()
    header = lines[0].split(",")
    column = header.index("proliferative_basin")
    for i, line in enumerate(lines):
        if line.startswith("B_ko,"):
            cells = line.split(",")
            cells[column] = "0.5"
            lines[i] = ",".join(cells)
    out.write_text("\n".join(lines) + "\n")
    again = screen(net, targets=["S", "A", "B"], order=1, workers=1, progress=False, output=out)
    assert any("contradict the attractor counts" in r for r in again.repairs)
    assert {r["perturbation"]: r for r in rows_of(out)}["B_ko"]["proliferative_basin"] == 1.0


def test_old_journal_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    net = toggle_network()
    out = tmp_path / "toggle.csv"
    screen(net, targets=["S", "A"], order=1, workers=1, progress=False, output=out)
    meta = json.loads(meta_path(out).read_text())
    meta["schema"] = "mtor_network.screen/1"
    meta_path(out).write_text(json.dumps(meta))
    with pytest.raises(ScreenError, match=r"older version.*proliferative_basin.*delete it"):
        screen(net, targets=["S", "A"], order=1, workers=1, progress=False, output=out)


def test_screen_heatmap_is_coloured_by_the_graded_basin() -> None:
    from mtor_network.viz.screens import screen_heatmap

    rows = screen(toggle_network(), targets=["S", "A", "B"], order=1, workers=1,
                  progress=False).rows or ()  # fmt: skip
    figure = screen_heatmap(rows)
    names = list(figure.data[0].x)
    z = figure.data[0].z
    diagonal = {n: z[i][i] for i, n in enumerate(names)}
    assert diagonal == {"S_ko": 0.25, "A_ko": 0.0, "B_ko": 1.0}
    by_fraction = screen_heatmap(rows, value="proliferative_fraction").data[0].z
    assert by_fraction[names.index("S_ko")][names.index("S_ko")] == 0.5
    with pytest.raises(ValueError, match="unknown value"):
        screen_heatmap(rows, value="bogus")  # type: ignore[arg-type]
