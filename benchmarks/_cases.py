"""The benchmark's cases (used by ``run.py``): the flagship and its knockouts, the pyboolnet
repository, the published models in ``../shared/reference-models/``, and seeded random
networks. Every case carries one BNet text that every engine reads (ours parses the same text,
or, for the flagship, applies the knockouts to the loaded model)."""

from __future__ import annotations

import contextlib
import io
import itertools
import random
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGSHIP = "hr_breast_cancer"


@dataclass
class Case:
    """One network to solve."""

    group: str
    name: str
    nodes: int
    bnet: str
    knockouts: tuple[str, ...] | None = None  # flagship cases only
    family: str = ""  # for skip rules: cases of one family are ordered by size
    tags: dict[str, Any] = field(default_factory=dict)
    rank: tuple[int, ...] = ()  # how hard, for skip rules; default (nodes,)

    def __post_init__(self) -> None:
        if not self.rank:
            self.rank = (self.nodes,)

    def at_least_as_hard_as(self, rank: tuple[int, ...]) -> bool:
        """Whether this case is no easier than one of ``rank`` on every measure."""
        return all(mine >= theirs for mine, theirs in zip(self.rank, rank, strict=True))

    def spec(self) -> dict[str, Any]:
        """What a worker gets."""
        out: dict[str, Any] = {"bnet": self.bnet, "name": self.name}
        if self.knockouts is not None:
            out["flagship"] = list(self.knockouts)
            out["flagship_model"] = FLAGSHIP
        return out


def canonical_bnet(text: str, name: str) -> tuple[str, int, list[str]]:
    """BNet text with one explicit rule per node (inputs as ``x, x``), parsed by our reader so
    every engine reads the same update functions; also the node count and the input nodes."""
    from mtor_network.attractors._aeon import engine_bnet
    from mtor_network.io.bnet import parse_bnet

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # published BNet files leave inputs implicit
        net = parse_bnet(text, name=name)
    inputs = [n for n in net.node_names if net.rules[n].expression == ("var", n)]
    return engine_bnet(net), len(net.node_names), inputs


def fix_inputs(bnet: str, inputs: list[str], value: int = 0) -> str:
    """The same BNet with every input node set to a constant."""
    wanted = set(inputs)
    lines = []
    for line in bnet.splitlines():
        target = line.split(",", 1)[0].strip()
        lines.append(f"{target}, {value}" if target in wanted else line)
    return "\n".join(lines) + "\n"


# ---- the flagship -----------------------------------------------------------------------------


def flagship_cases(
    quick: bool, doubles_sample: int | None, seed: int
) -> tuple[list[Case], list[str]]:
    """Wild type, every single knockout and every double knockout (or a seeded sample of the
    doubles); also the node names."""
    from mtor_network import knockout, load_network
    from mtor_network.attractors._aeon import engine_bnet

    net = load_network(FLAGSHIP)
    nodes = list(net.node_names)
    settings: list[tuple[str, ...]] = [()]
    settings += [(n,) for n in nodes]
    pairs = list(itertools.combinations(nodes, 2))
    if doubles_sample is not None and doubles_sample < len(pairs):
        rng = random.Random(seed)
        pairs = sorted(rng.sample(pairs, doubles_sample), key=lambda p: pairs.index(p))
    settings += pairs
    cases = []
    for kos in settings:
        label = "wild type" if not kos else " + ".join(kos) + " KO"
        perturbed = net.perturb(*(knockout(n) for n in kos)) if kos else net
        kind = ("wild type", "single", "double")[len(kos)]
        cases.append(
            Case(
                "flagship",
                label,
                len(nodes),
                engine_bnet(perturbed),
                knockouts=kos,
                family=kind,
                tags={"kind": kind},
            )
        )
    return cases, nodes


# ---- pyboolnet's repository -------------------------------------------------------------------

QUICK_REPOSITORY = (
    "raf",
    "xiao_wnt5a",
    "faure_cellcycle",
    "tournier_apoptosis",
    "irons_yeast",
    "dahlhaus_neuroplastoma",
    "calzone_cellfate",
    "klamt_tcr",
)


def repository_cases(quick: bool) -> tuple[list[Case], list[str]]:
    """The models of ``pyboolnet.repository`` (all inputs free); also notes on skipped ones."""
    notes: list[str] = []
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        from mtor_network.attractors._pyboolnet import _prepare

        _prepare()
        import pyboolnet.repository as repository

        names = repository.get_all_names()
    if quick:
        names = [n for n in names if n in QUICK_REPOSITORY]
    cases = []
    for name in names:
        try:
            text = repository.get_bnet(name)
            bnet, n, _ = canonical_bnet(text, name)
        except Exception as exc:  # e.g. a multi-valued model our reader refuses
            notes.append(f"repository {name}: not read ({type(exc).__name__}: {exc})")
            continue
        cases.append(Case("repository", name, n, bnet, family="repository"))
    cases.sort(key=lambda c: (c.nodes, c.name))
    return cases, notes


# ---- ../shared/reference-models ---------------------------------------------------------------

QUICK_REFERENCE = ("BBM153_model", "BBM096_ERBB-REGULATED-G1-S-TRANSITION", "BBM140")


def reference_cases(root: Path, quick: bool) -> tuple[list[Case], list[str]]:
    """Every BNet file under ``root``, twice: inputs free (every input combination) and inputs
    fixed to 0 (one environment, the way a model is usually queried)."""
    notes: list[str] = []
    if not root.is_dir():
        return [], [f"reference models: {root} is absent; group skipped"]
    files = sorted(root.glob("*/*.bnet"))
    if quick:
        files = [f for f in files if f.stem.startswith(QUICK_REFERENCE)]
    cases = []
    for path in files:
        short = path.stem.split("_")[0] + " " + path.parent.name.split("_")[0]
        try:
            bnet, n, inputs = canonical_bnet(path.read_text(encoding="utf-8"), path.stem)
        except Exception as exc:
            notes.append(f"reference {path.name}: not read ({type(exc).__name__}: {exc})")
            continue
        tags = {"file": f"{path.parent.name}/{path.name}", "inputs": len(inputs)}
        if not quick or len(inputs) <= 10:  # 2^inputs attractors: out of reach for some
            cases.append(
                Case(
                    "reference",
                    f"{short} ({len(inputs)} inputs free)",
                    n,
                    bnet,
                    family="free",
                    tags=tags,
                    rank=(len(inputs), n),  # 2^inputs combinations: inputs first
                )
            )
        if inputs:
            cases.append(
                Case(
                    "reference",
                    f"{short} (inputs = 0)",
                    n,
                    fix_inputs(bnet, inputs),
                    family="fixed",
                    tags=dict(tags),
                )
            )
    cases.sort(key=lambda c: (c.family, c.rank, c.name))
    return cases, notes


# ---- random networks --------------------------------------------------------------------------


def _negate(literal: str) -> str:
    return literal[1:] if literal.startswith("!") else f"!{literal}"


def random_nk_bnet(n: int, k: int, seed: int, constants: float = 0.0) -> str:
    """A seeded random N-K network: every node reads ``k`` distinct other nodes through a nested
    canalising function (random canalising inputs and outputs); a fraction ``constants`` of the
    nodes are constant 0/1 instead (fixed inputs, as in a queried biological model)."""
    rng = random.Random(seed)
    names = [f"x{i}" for i in range(n)]
    lines = ["targets, factors"]
    for name in names:
        if rng.random() < constants:
            lines.append(f"{name}, {rng.randint(0, 1)}")
            continue
        regulators = rng.sample([m for m in names if m != name], k)
        literals = [(r if rng.random() < 0.5 else f"!{r}", rng.random() < 0.5) for r in regulators]
        last, value = literals[-1]
        expr = last if value else _negate(last)
        # if x_i has its canalising value the output is fixed, else the next input decides
        for literal, out in reversed(literals[:-1]):
            expr = f"{literal} | ({expr})" if out else f"{_negate(literal)} & ({expr})"
        lines.append(f"{name}, {expr}")
    return "\n".join(lines) + "\n"


RANDOM_SIZES = (50, 100, 200, 500, 1000)
# (family label, K, fraction of constant nodes)
RANDOM_FAMILIES = (
    ("K=2", 2, 0.0),
    ("K=3", 3, 0.0),
    ("K=2, 10% const", 2, 0.1),
    ("K=3, 10% const", 3, 0.1),
)
QUICK_RANDOM = {"K=2": (50,), "K=2, 10% const": (100, 500)}


def random_cases(quick: bool, seed: int) -> list[Case]:
    """Seeded random networks of 50 to 1,000 nodes, per family in increasing size."""
    cases = []
    for f, (label, k, const) in enumerate(RANDOM_FAMILIES):
        sizes = QUICK_RANDOM.get(label, ()) if quick else RANDOM_SIZES
        for n in sizes:
            text = random_nk_bnet(n, k, seed=seed * 1_000_003 + f * 10_007 + n, constants=const)
            bnet, nodes, _ = canonical_bnet(text, f"random_{n}")
            cases.append(Case("random", f"N={n} {label}", nodes, bnet, family=label, tags={"k": k}))
    return cases


# ---- ../shared/bbm: the Biodivine Boolean Models corpus ----------------------------------------


def bbm_cases(
    root: Path, *, sample: int | None, max_nodes: int | None, seed: int
) -> tuple[list[Case], list[str]]:
    """Models of the BBM corpus under ``root`` (every ``*.bnet``; a seeded sample of ``sample``
    of those with at most ``max_nodes`` nodes, inputs included), twice each: inputs free and
    inputs fixed to 0."""
    notes: list[str] = []
    if not root.is_dir():
        return [], [f"bbm: {root} is absent; group skipped"]
    read = []
    for path in sorted(root.glob("*.bnet")):
        try:
            bnet, n, inputs = canonical_bnet(path.read_text(encoding="utf-8"), path.stem)
        except Exception as exc:
            notes.append(f"bbm {path.name}: not read ({type(exc).__name__}: {exc})")
            continue
        if max_nodes is None or n <= max_nodes:
            read.append((path, bnet, n, inputs))
    if sample is not None and sample < len(read):
        read = sorted(random.Random(seed).sample(read, sample), key=lambda item: item[0].name)
    cases = []
    for path, bnet, n, inputs in read:
        short = path.stem.split("_")[0]
        tags = {"file": path.name, "inputs": len(inputs)}
        cases.append(
            Case(
                "bbm",
                f"{short} ({len(inputs)} free)",
                n,
                bnet,
                family="free",
                tags=tags,
                rank=(len(inputs), n),
            )
        )
        if inputs:
            cases.append(
                Case(
                    "bbm",
                    f"{short} (inputs=0)",
                    n,
                    fix_inputs(bnet, inputs),
                    family="fixed",
                    tags=dict(tags),
                )
            )
    cases.sort(key=lambda c: (c.family, c.name))
    return cases, notes
