"""mtor_network: a Boolean model of ER / EGFR-HER2 / MAPK / PI3K-AKT-mTOR crosstalk in
hormone-receptor-positive breast cancer, with exact attractors under drugs and mutations.

>>> from mtor_network import load_network, scenario, find_attractors
>>> net = load_network("hr_breast_cancer")
>>> result = find_attractors(net, perturbations=scenario(net, genotypes=["esr1_mutant"],
...                                                      drugs=["letrozole"]))
>>> result.has_endocrine_resistant
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .exceptions import (
    AmbiguousNameError,
    ConflictingPerturbationError,
    EngineError,
    ModelFileError,
    MtorNetworkError,
    RuleSyntaxError,
    UnknownNameError,
    UnknownNodeError,
)

# The public API, each name loaded from its module on first use: ``import mtor_network`` stays
# quick (no engine, numpy or networkx until a function needs it).
_LAZY = {
    "SEMANTICS": "attractors",
    "Attractor": "attractors",
    "AttractorResult": "attractors",
    "Budget": "attractors",
    "BudgetExceeded": "attractors",
    "InputGroup": "attractors",
    "Semantics": "attractors",
    "group_by_inputs": "attractors",
    "find_attractors": "analysis.phenotypes",
    "read_network": "io",
    "write_network": "io",
    "FLAGSHIP": "models",
    "bundled_models": "models",
    "load_network": "models",
    "BooleanNetwork": "network",
    "Node": "network",
    "PhenotypeMarkers": "network",
    "Reference": "network",
    "Rule": "network",
    "Perturbation": "perturbations",
    "Scenario": "perturbations",
    "knockout": "perturbations",
    "overexpress": "perturbations",
    "scenario": "perturbations",
    "Phenotype": "phenotypes",
    "classify": "analysis.phenotypes",
    "Readout": "simulation",
    "SimulationResult": "simulation",
    "simulate": "simulation",
}

if TYPE_CHECKING:
    from .analysis.phenotypes import classify, find_attractors
    from .attractors import (
        SEMANTICS,
        Attractor,
        AttractorResult,
        Budget,
        BudgetExceeded,
        InputGroup,
        Semantics,
        group_by_inputs,
    )
    from .io import read_network, write_network
    from .models import FLAGSHIP, bundled_models, load_network
    from .network import BooleanNetwork, Node, PhenotypeMarkers, Reference, Rule
    from .perturbations import Perturbation, Scenario, knockout, overexpress, scenario
    from .phenotypes import Phenotype
    from .simulation import Readout, SimulationResult, simulate


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mtor-network")
    except PackageNotFoundError:  # running from a source tree without installation
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()[name] = value = _version()
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mtor_network' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | {"__version__"})


__all__ = [
    "FLAGSHIP",
    "SEMANTICS",
    "AmbiguousNameError",
    "Attractor",
    "AttractorResult",
    "BooleanNetwork",
    "Budget",
    "BudgetExceeded",
    "ConflictingPerturbationError",
    "EngineError",
    "InputGroup",
    "ModelFileError",
    "MtorNetworkError",
    "Node",
    "Perturbation",
    "Phenotype",
    "PhenotypeMarkers",
    "Readout",
    "Reference",
    "Rule",
    "RuleSyntaxError",
    "Scenario",
    "Semantics",
    "SimulationResult",
    "UnknownNameError",
    "UnknownNodeError",
    "__version__",
    "bundled_models",
    "classify",
    "find_attractors",
    "group_by_inputs",
    "knockout",
    "load_network",
    "overexpress",
    "read_network",
    "scenario",
    "simulate",
    "write_network",
]
