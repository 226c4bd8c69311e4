"""The breast-cancer domain as data on a generic engine (issue 11 items 3 and 4): perturbation
tags, phenotype roles and resistance rules declared in the model file, one batch runtime,
optional dependencies with an install hint, and lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mtor_network import (
    BooleanNetwork,
    Perturbation,
    _optional,
    find_attractors,
    load_network,
    scenario,
)
from mtor_network.analysis.phenotypes import DEFAULT_RESISTANCE, annotate, classify
from mtor_network.attractors import AttractorResult
from mtor_network.exceptions import MissingDependencyError, ModelFileError
from mtor_network.io.model_toml import parse_model_toml
from mtor_network.phenotypes import PhenotypeSpec, ResistanceRule

TOY = """
[model]
name = "toy"
phenotypes = {{ proliferation = "PROLIF", apoptosis = "DEATH", senescence = "SEN" }}
{extra}

[[node]]
name = "X"
kind = "input"
rule = "X"

[[node]]
name = "H"
kind = "input"
rule = "H"

[[node]]
name = "PROLIF"
kind = "output"
rule = "X"

[[node]]
name = "DEATH"
kind = "output"
rule = "!X & !H"

[[node]]
name = "SEN"
kind = "output"
rule = "H & !X"

[[drug]]
name = "hormone_block"
class = "hormone blocker"
{drug_tags}
targets = {{ H = 0 }}

[[drug]]
name = "senolytic"
tags = ["senolytic"]
targets = {{ SEN = 0 }}
"""


def toy(extra: str = "", drug_tags: str = "endocrine = true") -> BooleanNetwork:
    return parse_model_toml(TOY.format(extra=extra, drug_tags=drug_tags), file="toy.toml")


# ---- tags ---------------------------------------------------------------------------------------
def test_old_endocrine_flag_reads_as_a_tag_and_class_is_a_tag() -> None:
    drug = toy().drugs["hormone_block"]
    assert drug.tags == frozenset({"endocrine", "hormone blocker"})
    assert drug.has_tag("endocrine") and drug.endocrine
    assert drug.to_dict()["endocrine"] is True and drug.to_dict()["class"] == "hormone blocker"


def test_tags_list_reads_and_the_flagship_uses_it() -> None:
    net = toy(drug_tags='tags = ["endocrine", "aromatase inhibitor"]')
    assert net.drugs["hormone_block"].tags >= {"endocrine", "aromatase inhibitor"}
    assert net.drugs["senolytic"].tags == frozenset({"senolytic"})
    flagship = load_network("hr_breast_cancer")
    letrozole = flagship.drugs["letrozole"]
    assert letrozole.tags == frozenset({"endocrine", "aromatase inhibitor (non-steroidal)"})
    assert not flagship.drugs["everolimus"].has_tag("endocrine")


def test_bad_tags_are_model_file_errors() -> None:
    with pytest.raises(ModelFileError, match="'tags' must be a list of strings"):
        toy(drug_tags='tags = "endocrine"')
    with pytest.raises(TypeError, match="tags must be a set of str"):
        Perturbation("p", "drug", (("X", True),), tags="endocrine")  # type: ignore[arg-type]


def test_scenario_tags_union() -> None:
    net = toy()
    sc = scenario(net, drugs=["hormone_block", "senolytic"])
    assert sc.tags == frozenset({"endocrine", "hormone blocker", "senolytic"})
    assert sc.endocrine


# ---- declared roles -----------------------------------------------------------------------------
def test_declared_roles_are_kept() -> None:
    spec = toy().phenotypes
    assert isinstance(spec, PhenotypeSpec)
    assert spec.role_map == {"proliferation": "PROLIF", "apoptosis": "DEATH", "senescence": "SEN"}
    assert spec.marker("senescence") == "SEN"
    assert spec.proliferation == "PROLIF" and spec.apoptosis == "DEATH"


def test_declared_classes_name_phenotypes_from_any_role() -> None:
    net = toy(
        'phenotype_classes = { proliferative = "proliferation", senescent = "senescence", '
        'apoptotic = "apoptosis" }'
    )
    result = find_attractors(net)
    phenotypes = {(a["X"], a["H"]): a.phenotype for a in result}
    assert phenotypes == {
        (1, 0): "proliferative",
        (1, 1): "proliferative",
        (0, 1): "senescent",
        (0, 0): "apoptotic",
    }
    counts = result.phenotype_counts()
    assert list(counts) == ["proliferative", "senescent", "apoptotic", "quiescent", "unknown"]
    assert counts["senescent"] == 1
    assert classify({"SEN": 1, "PROLIF": 0, "DEATH": 0}, net.phenotypes) == "senescent"


def test_classes_must_name_declared_roles() -> None:
    with pytest.raises(ModelFileError, match="no marker declared for role 'dormancy'"):
        toy('phenotype_classes = { dormant = "dormancy" }')


# ---- the resistance rule ------------------------------------------------------------------------
def test_default_rule_is_the_flagship_rule() -> None:
    net = toy()
    result = find_attractors(net, perturbations=scenario(net, drugs=["hormone_block"]))
    assert result.endocrine_therapy and result.has_endocrine_resistant
    data = result.to_dict()
    assert data["summary"]["endocrine_resistant"] is True
    assert list(data["attractors"][0]) == [
        "type",
        "phenotype",
        "endocrine_resistant",
        "size",
        "values",
    ]
    flagship = load_network("hr_breast_cancer")
    assert flagship.phenotypes.resistance == DEFAULT_RESISTANCE


def test_a_different_rule_gives_a_different_flag() -> None:
    endocrine = toy()
    senolytic = toy(
        'resistance = { phenotype = "proliferative", under_tag = "senolytic", '
        'name = "senolytic-resistant", condition = "senolytic_therapy" }'
    )
    for net, drug in ((endocrine, "hormone_block"), (senolytic, "hormone_block")):
        result = find_attractors(net, perturbations=scenario(net, drugs=[drug]))
        assert result.has_proliferative
    under_block = find_attractors(
        senolytic, perturbations=scenario(senolytic, drugs=["hormone_block"])
    )
    assert not under_block.has_senolytic_resistant and not under_block.senolytic_therapy
    assert "endocrine_resistant" not in under_block.to_dict()["summary"]
    under_senolytic = find_attractors(
        senolytic, perturbations=scenario(senolytic, drugs=["senolytic"])
    )
    assert under_senolytic.has_senolytic_resistant and under_senolytic.senolytic_therapy
    flagged = [a for a in under_senolytic if a.senolytic_resistant]
    assert flagged and all(a.phenotype == "proliferative" for a in flagged)
    settings = under_senolytic.to_dict()["settings"]
    assert settings["senolytic_therapy"] is True and "endocrine_therapy" not in settings
    # the same drug on the default-rule model flags nothing: the rule, not the code, decides
    plain = find_attractors(endocrine, perturbations=scenario(endocrine, drugs=["senolytic"]))
    assert not plain.has_endocrine_resistant


def test_rule_list_and_bad_rules() -> None:
    net = toy(
        'resistance = [{ phenotype = "proliferative", under_tag = "endocrine", name = "a" }, '
        '{ phenotype = "apoptotic", under_tag = "endocrine", name = "b" }]'
    )
    assert [r.name for r in net.phenotypes.resistance] == ["a", "b"]
    assert net.phenotypes.resistance[0].condition == "under_endocrine"
    with pytest.raises(ModelFileError, match="needs the strings phenotype, under_tag and name"):
        toy('resistance = { phenotype = "proliferative" }')


def test_engine_without_annotator_is_generic() -> None:
    from mtor_network.attractors import find_attractors as engine_find_attractors

    net = toy()
    result = engine_find_attractors(net, perturbations=scenario(net, drugs=["hormone_block"]))
    assert isinstance(result, AttractorResult)
    assert {a.phenotype for a in result} == {"unknown"}
    assert all(a.flags == () for a in result)
    assert "endocrine_therapy" not in result.settings()
    with pytest.raises(AttributeError):
        _ = result.endocrine_therapy
    # and the analysis layer's annotator, called directly, gives the domain reading
    annotation = annotate(
        net.perturb(*scenario(net, drugs=["hormone_block"])), [dict(result[0].values)]
    )
    assert annotation.labels.conditions == (("endocrine_therapy", True),)


def test_rule_key_and_validation() -> None:
    rule = ResistanceRule("proliferative", "endocrine", "endocrine-resistant")
    assert rule.key == "endocrine_resistant" and rule.condition == "under_endocrine"
    with pytest.raises(TypeError):
        ResistanceRule("proliferative", 1, "x")  # type: ignore[arg-type]


def test_results_pickle_with_their_flags() -> None:
    import pickle

    net = toy()
    result = find_attractors(net, perturbations=scenario(net, drugs=["hormone_block"]))
    again = pickle.loads(pickle.dumps(result))
    assert again.to_dict() == result.to_dict()
    assert again.has_endocrine_resistant


# ---- one batch runtime --------------------------------------------------------------------------
SMALL = ["ER_E2", "AROMATASE", "MTORC1", "AKT"]


def test_one_executor_path_gives_identical_rows(tmp_path: Path) -> None:
    from mtor_network.analysis.screens import screen

    flagship = load_network("hr_breast_cancer")
    inline = screen(flagship, targets=SMALL, order=2, workers=1, progress=False)
    pool = screen(flagship, targets=SMALL, order=2, workers=2, progress=False)
    assert pool.rows == inline.rows
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        on_dask = screen(
            flagship, targets=SMALL, order=2, scheduler=cluster.scheduler_address, progress=False
        )
    assert on_dask.rows == inline.rows


def test_screen_uses_the_network_digest() -> None:
    from mtor_network.analysis.screens import model_hash

    flagship = load_network("hr_breast_cancer")
    assert model_hash(flagship) == flagship.digest


def test_control_imports_no_private_names() -> None:
    source = Path(__file__).parents[1] / "src/mtor_network/analysis/control.py"
    text = source.read_text(encoding="utf-8")
    block = text[text.index("from .screens import") : text.index(")", text.index("from .screens"))]
    assert "_" not in "".join(line.strip()[0] for line in block.splitlines()[1:] if line.strip())


# ---- optional dependencies -----------------------------------------------------------------------
def test_missing_optional_dependency_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real = _optional._import

    def missing(module: str):  # type: ignore[no-untyped-def]
        if module.startswith("dask"):
            raise ModuleNotFoundError(f"No module named {module!r}")
        return real(module)

    monkeypatch.setattr(_optional, "_import", missing)
    with pytest.raises(MissingDependencyError, match=r'pip install "mtor-network\[cluster\]"'):
        _optional.require("dask.distributed", extra="cluster")
    from mtor_network.analysis.screens import screen

    flagship = load_network("hr_breast_cancer")
    with pytest.raises(
        MissingDependencyError, match=r"--scheduler needs .*mtor-network\[cluster\]"
    ):
        screen(flagship, targets=SMALL, scheduler="tcp://127.0.0.1:9", progress=False)
    assert _optional.require("json", extra="none") is json


def test_missing_pyarrow_and_biobalm_hints(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = _optional._import

    def missing(module: str):  # type: ignore[no-untyped-def]
        if module.split(".")[0] in {"pyarrow", "biobalm"}:
            raise ModuleNotFoundError(module)
        return real(module)

    monkeypatch.setattr(_optional, "_import", missing)
    from mtor_network.analysis.control import succession_controls
    from mtor_network.export.simulation import simulation_parquet
    from mtor_network.simulation import simulate

    flagship = load_network("hr_breast_cancer")
    with pytest.raises(MissingDependencyError, match=r"mtor-network\[control\]"):
        succession_controls(flagship)
    result = simulate(flagship, runs=8, max_time=1, seed=1)
    with pytest.raises(MissingDependencyError, match=r"mtor-network\[parquet\]"):
        simulation_parquet(result, tmp_path / "x.parquet")


def test_missing_mpbn_and_pandas_hints(monkeypatch: pytest.MonkeyPatch) -> None:
    real = _optional._import

    def missing(module: str):  # type: ignore[no-untyped-def]
        if module.split(".")[0] in {"mpbn", "pandas"}:
            raise ModuleNotFoundError(module)
        return real(module)

    monkeypatch.setattr(_optional, "_import", missing)
    from mtor_network.analysis.screens import drug_genotype_matrix
    from mtor_network.attractors import clear_cache, find_attractors
    from mtor_network.simulation import simulate

    flagship = load_network("hr_breast_cancer")
    clear_cache()
    with pytest.raises(MissingDependencyError, match=r"mtor-network\[mpbn\]"):
        find_attractors(flagship, "most_permissive", engine="mpbn", percolate=False)
    with pytest.raises(MissingDependencyError, match=r"mtor-network\[pandas\]"):
        simulate(flagship, runs=4, max_time=1, seed=1).to_frame()
    matrix = drug_genotype_matrix(flagship, drugs=["letrozole"], genotypes=["pik3ca_mutant"])
    with pytest.raises(MissingDependencyError, match=r"mtor-network\[pandas\]"):
        matrix.to_frame()


# Python started with these packages made unimportable: the base install's features work
_WITHOUT = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(name)
sys.meta_path.insert(0, Block())
"""


def test_base_features_need_neither_mpbn_nor_pandas(tmp_path: Path) -> None:
    code = _WITHOUT.format(blocked={"mpbn", "pandas", "scipy", "colomoto"}) + (
        "from mtor_network import load_network, find_attractors\n"
        "from mtor_network.analysis.screens import drug_genotype_matrix\n"
        "from mtor_network.export.screens import write_matrix\n"
        "net = load_network('hr_breast_cancer')\n"
        "print(len(find_attractors(net, 'most_permissive')))\n"
        "m = drug_genotype_matrix(net, drugs=['letrozole'], genotypes=['pik3ca_mutant'])\n"
        f"for suffix in ('csv', 'xlsx'):\n"
        f"    write_matrix(m, {str(tmp_path)!r} + '/m.' + suffix)\n"
        "print(len(m.rows))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    found, rows = (int(x) for x in out.stdout.split())
    assert found >= 1 and rows >= 4
    lines = (tmp_path / "m.csv").read_text().splitlines()
    assert lines[0].startswith("genotype,treatment,perturbation") and len(lines) == rows + 1
    assert (tmp_path / "m.xlsx").stat().st_size > 0


# ---- lazy imports -------------------------------------------------------------------------------
HEAVY = ("numpy", "pandas", "networkx", "mpbn", "dask", "pyarrow", "biobalm")


@pytest.mark.parametrize(
    "module", ["mtor_network.attractors", "mtor_network.analysis", "mtor_network.perturbations"]
)
def test_import_loads_no_heavy_dependency(module: str) -> None:
    code = (
        f"import sys, json, {module}\n"
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_help_loads_neither_the_network_nor_heavy_modules() -> None:
    """``mtor-network --help`` (issue 11: under 200 ms) builds every sub-command's parser from
    names alone: no expression parser, no network, no numpy, no ``dataclasses``."""
    code = (
        "import sys, json, contextlib, io\n"
        "from mtor_network.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "assert 'simulate' in out.getvalue()\n"
        "watch = ['mtor_network.network', 'mtor_network.expressions', 'dataclasses', 'secrets',"
        f" *{list(HEAVY)!r}]\n"
        "print(json.dumps([m for m in watch if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_the_mpbn_and_minibn_adapters_name_their_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without mpbn (an extra), the notebook adapters and trap spaces say which extra
    installs it and the checkout's command, not a bare ModuleNotFoundError."""
    from mtor_network import interop

    real = _optional._import

    def missing(module: str):  # type: ignore[no-untyped-def]
        if module.split(".")[0] in {"mpbn", "colomoto"}:
            raise ModuleNotFoundError(f"No module named {module!r}")
        return real(module)

    monkeypatch.setattr(_optional, "_import", missing)
    flagship = load_network("hr_breast_cancer")
    for call in (interop.to_mpbn, interop.to_minibn, lambda n: interop.trap_spaces(n, "min")):
        with pytest.raises(MissingDependencyError, match=r'mtor-network\[mpbn\].*-e "\.\[mpbn\]"'):
            call(flagship)
