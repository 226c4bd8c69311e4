"""The state of an interactive exploration (what the web app stores per user) and the analysis
it shows: pure functions, no Dash. A state is plain JSON data, so it fits a ``dcc.Store`` and a
URL query string."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode

from .analysis.compare import Comparison, compare
from .attractors import SEMANTICS, AttractorResult, Semantics, find_attractors
from .exceptions import MtorNetworkError
from .models import FLAGSHIP, load_network
from .network import BooleanNetwork
from .perturbations import Scenario, scenario

NodeStatus = Literal["normal", "knockout", "overexpress"]
_CYCLE: dict[str, NodeStatus] = {
    "normal": "knockout",
    "knockout": "overexpress",
    "overexpress": "normal",
}


@dataclass(frozen=True)
class ExplorerState:
    """Everything a user has chosen: model, drugs, genotypes, environments, node clicks,
    semantics and the attractor shown on the graph."""

    model: str = FLAGSHIP
    drugs: tuple[str, ...] = ()
    genotypes: tuple[str, ...] = ()
    environments: tuple[str, ...] = ()
    knockouts: tuple[str, ...] = ()
    overexpressed: tuple[str, ...] = ()
    semantics: Semantics = "asynchronous"
    selected: int = 0
    errors: tuple[str, ...] = field(default=(), compare=False)

    # ---- transitions ------------------------------------------------------------------
    def status(self, node: str) -> NodeStatus:
        if node in self.knockouts:
            return "knockout"
        if node in self.overexpressed:
            return "overexpress"
        return "normal"

    def cycle(self, node: str) -> ExplorerState:
        """normal -> knocked out -> forced on -> normal."""
        return self.with_status(node, _CYCLE[self.status(node)])

    def with_status(self, node: str, status: NodeStatus) -> ExplorerState:
        ko = tuple(n for n in self.knockouts if n != node)
        oe = tuple(n for n in self.overexpressed if n != node)
        if status == "knockout":
            ko += (node,)
        elif status == "overexpress":
            oe += (node,)
        return replace(self, knockouts=ko, overexpressed=oe, selected=0, errors=())

    def with_choices(
        self,
        *,
        drugs: list[str] | None = None,
        genotypes: list[str] | None = None,
        environments: list[str] | None = None,
        semantics: str | None = None,
    ) -> ExplorerState:
        """New drug, genotype, environment or semantics choices (None keeps the current)."""
        return replace(
            self,
            drugs=tuple(drugs) if drugs is not None else self.drugs,
            genotypes=tuple(genotypes) if genotypes is not None else self.genotypes,
            environments=tuple(environments) if environments is not None else self.environments,
            semantics=semantics if semantics in SEMANTICS else self.semantics,  # type: ignore[arg-type]
            selected=0,
            errors=(),
        )

    def select(self, index: int) -> ExplorerState:
        return replace(self, selected=max(0, int(index)))

    # ---- serialisation ----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "drugs": list(self.drugs),
            "genotypes": list(self.genotypes),
            "environments": list(self.environments),
            "knockouts": list(self.knockouts),
            "overexpressed": list(self.overexpressed),
            "semantics": self.semantics,
            "selected": self.selected,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ExplorerState:
        if not data:
            return cls()
        semantics = data.get("semantics", "asynchronous")
        return cls(
            model=str(data.get("model") or FLAGSHIP),
            drugs=tuple(data.get("drugs") or ()),
            genotypes=tuple(data.get("genotypes") or ()),
            environments=tuple(data.get("environments") or ()),
            knockouts=tuple(data.get("knockouts") or ()),
            overexpressed=tuple(data.get("overexpressed") or ()),
            semantics=semantics if semantics in SEMANTICS else "asynchronous",
            selected=int(data.get("selected") or 0),
        )

    def to_query(self) -> str:
        """``?drug=...&genotype=...&env=...&ko=...&oe=...&semantics=...`` (empty if default)."""
        pairs: list[tuple[str, str]] = []
        if self.model != FLAGSHIP:
            pairs.append(("model", self.model))
        pairs += [("drug", d) for d in self.drugs]
        pairs += [("genotype", g) for g in self.genotypes]
        pairs += [("env", e) for e in self.environments]
        pairs += [("ko", n) for n in self.knockouts]
        pairs += [("oe", n) for n in self.overexpressed]
        if self.semantics != "asynchronous":
            pairs.append(("semantics", self.semantics))
        return "?" + urlencode(pairs) if pairs else ""

    @classmethod
    def from_query(cls, query: str | None) -> ExplorerState:
        """Parse a URL query; names are validated when the state is analysed."""
        params = parse_qs((query or "").lstrip("?"))
        semantics = (params.get("semantics") or ["asynchronous"])[0]
        return cls(
            model=(params.get("model") or [FLAGSHIP])[0],
            drugs=tuple(params.get("drug", [])),
            genotypes=tuple(params.get("genotype", [])),
            environments=tuple(params.get("env", [])),
            knockouts=tuple(params.get("ko", [])),
            overexpressed=tuple(params.get("oe", [])),
            semantics=semantics if semantics in SEMANTICS else "asynchronous",  # type: ignore[arg-type]
        )

    def scenario(self, network: BooleanNetwork) -> Scenario:
        """Resolve the names into a :class:`Scenario` (raises on unknown names or conflicts)."""
        return scenario(
            network,
            drugs=self.drugs,
            genotypes=self.genotypes,
            environments=self.environments,
            knockouts=self.knockouts,
            overexpressed=self.overexpressed,
        )


@lru_cache(maxsize=1024)
def cached_attractors(
    model: str, key: tuple[tuple[str, ...], ...], semantics: Semantics
) -> AttractorResult:
    """Attractors per (model, perturbations, semantics); results are immutable, so shared."""
    network = load_network(model)
    drugs, genotypes, environments, knockouts, overexpressed = key
    s = scenario(
        network,
        drugs=drugs,
        genotypes=genotypes,
        environments=environments,
        knockouts=knockouts,
        overexpressed=overexpressed,
    )
    return find_attractors(network, semantics, perturbations=s)


@dataclass(frozen=True)
class Analysis:
    """What the explorer shows for a state."""

    state: ExplorerState
    network: BooleanNetwork
    result: AttractorResult | None
    comparisons: tuple[Comparison, ...]
    error: str | None = None


def analyze(state: ExplorerState) -> Analysis:
    """Attractors of the state and their differences to the unperturbed model, to the same
    background without drugs, and (for combinations) to the endocrine therapy alone."""
    network = load_network(state.model)
    try:
        state.scenario(network)  # validate names and conflicts first
        current = cached_attractors(
            state.model,
            (
                state.drugs,
                state.genotypes,
                state.environments,
                state.knockouts,
                state.overexpressed,
            ),
            state.semantics,
        )
    except MtorNetworkError as exc:
        return Analysis(state, network, None, (), str(exc))
    comparisons = [
        compare(
            cached_attractors(state.model, ((), (), (), (), ()), state.semantics),
            current,
            "unperturbed model",
        )
    ]
    background = ((), state.genotypes, state.environments, state.knockouts, state.overexpressed)
    if state.drugs and (
        state.genotypes or state.environments or state.knockouts or state.overexpressed
    ):
        untreated = cached_attractors(state.model, background, state.semantics)
        comparisons.append(compare(untreated, current, "same background without drugs"))
    endocrine = tuple(d for d in state.drugs if network.drugs.get(d) and network.drugs[d].endocrine)
    if endocrine and len(endocrine) < len(state.drugs):
        alone = cached_attractors(state.model, (endocrine, *background[1:]), state.semantics)
        label = f"{' + '.join(endocrine)} alone"
        comparisons.append(compare(alone, current, label))
    return Analysis(state, network, current, tuple(comparisons))
