"""Every published model in ``../shared/reference-models/``: imported from every format given
there, the formats of one model compared by function, attractors computed for each (checked
between two engines), and the Zañudo et al. 2017 drug results reproduced by fixing the drug input
nodes to 1, as the authors did.

The folder holds other groups' files; they are read in place and never copied into the project.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from mtor_network import BooleanNetwork, Perturbation, find_attractors, load_network
from mtor_network.analysis.equivalence import rule_differences
from mtor_network.attractors import Budget, _reduce
from mtor_network.expressions import rename
from mtor_network.io import READERS

ROOT = Path(__file__).resolve().parents[1].parent / "shared" / "reference-models"
FILES = (
    sorted(
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*")
        if p.is_file()
        and any(p.name.lower().endswith(s) for s in READERS)
        # simulation settings (initial conditions, rates) of the authors, not models; .txt is
        # read as a model by content since issue 15
        and "sim_settings" not in p.parts
    )
    if ROOT.is_dir()
    else []
)
BUDGET = Budget(seconds=120)

# The formats of one model in the folder; BBM files prefix names with ``v_``.
SAME_MODEL = [
    (
        "zanudo2017_er_pik3ca/BreastCancerModel_ZanudoEtAl2017.booleannet",
        "zanudo2017_er_pik3ca/BBM140_BREAST-CANCER-DRUG-RESISTANCE.bnet",
    ),
    (
        "zanudo2017_er_pik3ca/BreastCancerModel_ZanudoEtAl2017.booleannet",
        "zanudo2017_er_pik3ca/BBM140_BREAST-CANCER-DRUG-RESISTANCE.sbml",
    ),
    (
        "zanudo2021_er_pi3k_cell_lines/BreastCancerModel_ZanudoEtAl2020.booleannet",
        "zanudo2021_er_pi3k_cell_lines/BreastCancerModel_ZanudoEtAl2020.sbml",
    ),
    (
        "zanudo2021_er_pi3k_cell_lines/BreastCancerModel_ZanudoEtAl2020_MCF7.booleannet",
        "zanudo2021_er_pi3k_cell_lines/BreastCancerModel_ZanudoEtAl2020_MCF7.sbml",
    ),
    (
        "sahin2009_erbb_g1s/BBM096_ERBB-REGULATED-G1-S-TRANSITION.bnet",
        "sahin2009_erbb_g1s/BBM096_ERBB-REGULATED-G1-S-TRANSITION.sbml",
    ),
]


def read(relative: str) -> BooleanNetwork:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # implicit inputs, booleanised levels: tested elsewhere
        return load_network(ROOT / relative)


def without_v(network: BooleanNetwork) -> BooleanNetwork:
    """The network with BBM's ``v_`` name prefixes removed."""
    mapping = {n: n[2:] for n in network.node_names if n.startswith("v_")}
    rules = {mapping.get(t, t): rename(r.expression, mapping) for t, r in network.rules.items()}
    return BooleanNetwork.create(network.name, rules)


def free_inputs(network: BooleanNetwork) -> list[str]:
    return [n for n in network.node_names if network.rules[n].expression == ("var", n)]


@pytest.fixture(autouse=True)
def _needs_shared(shared_dir: Path) -> None:
    """Skip (or fail under CI) where ../shared is absent."""


def test_the_folder_has_every_format_the_issue_names() -> None:
    suffixes = {Path(f).suffix for f in FILES}
    assert {".bnet", ".booleannet", ".sbml", ".zginml"} <= suffixes, suffixes
    assert len(FILES) >= 25, FILES


@pytest.mark.parametrize("relative", FILES)
def test_every_file_imports_and_survives_our_bnet(relative: str, tmp_path: Path) -> None:
    network = read(relative)
    assert len(network) >= 5
    copy = tmp_path / "copy.bnet"
    from mtor_network.io import write_network

    write_network(network, copy)
    assert rule_differences(network, read_back(copy)) == {}


def read_back(path: Path) -> BooleanNetwork:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_network(path)


@pytest.mark.parametrize(("first", "second"), SAME_MODEL, ids=lambda p: Path(p).name)
def test_formats_of_one_model_have_the_same_functions(first: str, second: str) -> None:
    a, b = without_v(read(first)), without_v(read(second))
    assert rule_differences(a, b) == {}


ASYNC_LIMIT = 55  # nodes left after constant propagation for the asynchronous cross-check


@pytest.mark.parametrize("relative", FILES)
def test_attractors_of_every_model_agree_between_two_engines(relative: str) -> None:
    """With its free inputs off, every published model's minimal trap spaces (most-permissive
    attractors) are computed by two independent engines, mpbn (ASP) and AEON (BDDs), and must be
    the same; where the network left after constant propagation is small enough, its exact
    asynchronous attractors (AEON) are computed too, and their fixed points must be exactly the
    fixed minimal trap spaces."""
    network = read(relative)
    inputs = free_inputs(network)
    if inputs:
        network = network.perturb(
            Perturbation.of("inputs_off", "environment", dict.fromkeys(inputs, 0))
        )
    by_mpbn = find_attractors(network, "most_permissive", engine="mpbn", budget=BUDGET)
    by_aeon = find_attractors(network, "most_permissive", engine="aeon", budget=BUDGET)
    assert len(by_mpbn) >= 1
    assert {a.values for a in by_mpbn} == {a.values for a in by_aeon}
    _, rest = _reduce.percolate(network)
    if rest is not None and len(rest) > ASYNC_LIMIT:
        return
    asynchronous = find_attractors(network, "asynchronous", budget=BUDGET)
    fixed_async = {a.values for a in asynchronous if a.kind == "fixed_point"}
    assert fixed_async == {a.values for a in by_mpbn if a.kind == "fixed_point"}
    assert len(by_mpbn) <= len(asynchronous)  # each trap space holds an attractor


# ---- Zañudo et al. 2017: drugs applied by fixing their input nodes to 1 ----------------------
Z17 = "zanudo2017_er_pik3ca"
Z17_FILES = [
    f"{Z17}/BreastCancerModel_ZanudoEtAl2017.booleannet",
    f"{Z17}/BBM140_BREAST-CANCER-DRUG-RESISTANCE.bnet",
    f"{Z17}/BBM140_BREAST-CANCER-DRUG-RESISTANCE.sbml",
]
Z17_STEM = "BreastCancerModel_ZanudoEtAl2017"
DRUGS = ("Fulvestrant", "Alpelisib", "Everolimus", "Trametinib", "Ipatasertib", "Palbociclib")


def z17_setting(network: BooleanNetwork, drugs: tuple[str, ...], correlated: int) -> Perturbation:
    """The authors' initial values of the input nodes (sim_settings), drugs on or off.

    ``ranStateCorrelated`` inputs (BIM_T, BCL2_T) are drawn once per run by the authors; both
    values are checked here."""
    prefix = "v_" if any(n.startswith("v_") for n in network.node_names) else ""
    settings = (
        ROOT / Z17 / "sim_settings" / "BreastCancerModel_ZanudoEtAl2017_InitialConditions.txt"
    )
    initial = dict(line.split() for line in settings.read_text().splitlines() if line.strip())
    effects: dict[str, int] = {}
    for node in free_inputs(network):
        name = node.removeprefix(prefix)
        if name in DRUGS or name == "Neratinib":
            effects[node] = int(name in drugs)
        else:
            effects[node] = int(
                initial.get(name, "0").replace("ranStateCorrelated", str(correlated))
            )
    return Perturbation.of("+".join(drugs) or "no_drug", "environment", effects)


@pytest.mark.parametrize("relative", Z17_FILES, ids=lambda p: Path(p).suffix)
@pytest.mark.parametrize("correlated", [0, 1])
def test_zanudo2017_drug_responses(relative: str, correlated: int) -> None:
    """Gómez Tejeda Zañudo, Scaltriti, Albert 2017 (Cancer Convergence 1:5): ER+ PIK3CA-mutant
    cells keep proliferating under the PI3K-alpha inhibitor alpelisib (which induces apoptosis
    signalling), and adding fulvestrant or palbociclib removes every proliferative attractor; in
    this model adding everolimus does not (the authors' own simulation output agrees: see
    tests/test_simulation.py). Every attractor is checked, in all three files of the model."""
    network = read(relative)
    prefix = "v_" if any(n.startswith("v_") for n in network.node_names) else ""
    prolif, apopt = f"{prefix}Proliferation", f"{prefix}Apoptosis"

    def attractors(*drugs: str):  # type: ignore[no-untyped-def]
        setting = z17_setting(network, drugs, correlated)
        return find_attractors(network.perturb(setting), "asynchronous", budget=BUDGET)

    untreated = attractors()
    assert untreated.always(prolif, 1)
    alpelisib = attractors("Alpelisib")
    assert alpelisib.always(prolif, 1), "resistance: proliferation persists under alpelisib"
    assert alpelisib.always(apopt, 1) and not untreated.always(apopt, 1)
    for partner in ("Fulvestrant", "Palbociclib"):
        combined = attractors("Alpelisib", partner)
        assert combined.always(prolif, 0), partner
        assert combined.always(apopt, 1), partner
    assert attractors("Alpelisib", "Everolimus").always(prolif, 1)
