"""mtor_network: a Boolean model of ER / EGFR-HER2 / MAPK / PI3K-AKT-mTOR crosstalk in
hormone-receptor-positive breast cancer, with exact attractors under drugs and mutations.

>>> from mtor_network import load_network, scenario, find_attractors
>>> net = load_network("hr_breast_cancer")
>>> result = find_attractors(net, perturbations=scenario(net, genotypes=["pik3ca_mutant"],
...                                                      drugs=["letrozole"]))
>>> result.has_endocrine_resistant
True
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mtor-network")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

from .attractors import (
    SEMANTICS,
    Attractor,
    AttractorResult,
    Budget,
    BudgetExceeded,
    Semantics,
    find_attractors,
)
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
from .io import read_network, write_network
from .models import FLAGSHIP, bundled_models, load_network
from .network import BooleanNetwork, Node, PhenotypeMarkers, Reference, Rule
from .perturbations import Perturbation, Scenario, knockout, overexpress, scenario
from .phenotypes import Phenotype, classify
from .simulation import Readout, SimulationResult, simulate

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
    "knockout",
    "load_network",
    "overexpress",
    "read_network",
    "scenario",
    "simulate",
    "write_network",
]
