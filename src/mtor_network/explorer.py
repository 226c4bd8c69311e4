"""The state of an interactive exploration (what the web app stores per user) and the analysis
it shows: pure functions, no Dash. A state is plain JSON data, so it fits a ``dcc.Store`` and a
URL query string."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode

from .analysis.compare import Comparison, compare
from .attractors import (
    SEMANTICS,
    AttractorResult,
    Budget,
    BudgetExceeded,
    Semantics,
    find_attractors,
)
from .exceptions import ModelFileError, MtorNetworkError
from .io import read_network_bytes
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


UPLOAD_PREFIX = "upload:"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class UploadedModel:
    """A model file a user uploaded: kept in that user's browser (``dcc.Store``) and sent with
    each request, never in the server's memory between requests."""

    filename: str
    data: bytes

    @property
    def key(self) -> str:
        """The model key an :class:`ExplorerState` uses for this upload."""
        return UPLOAD_PREFIX + hashlib.sha256(self.data).hexdigest()[:16]

    @classmethod
    def from_contents(cls, contents: str, filename: str) -> UploadedModel:
        """From a ``dcc.Upload`` value (``data:<type>;base64,<data>``); checks the size."""
        _, _, payload = (contents or "").partition(",")
        if len(payload) > MAX_UPLOAD_BYTES * 4 // 3 + 4:
            raise ModelFileError(
                f"file is larger than the {MAX_UPLOAD_BYTES // 1024 // 1024} MB upload limit",
                file=filename,
            )
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise ModelFileError("the upload is not valid base64 data", file=filename) from None
        if not data:
            raise ModelFileError("the file is empty", file=filename)
        return cls(filename, data)

    def to_dict(self) -> dict[str, str]:
        return {"filename": self.filename, "data": base64.b64encode(self.data).decode("ascii")}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> UploadedModel | None:
        if not data or "filename" not in data or "data" not in data:
            return None
        return cls(str(data["filename"]), base64.b64decode(data["data"]))


@lru_cache(maxsize=16)
def _read_upload(upload: UploadedModel) -> BooleanNetwork:
    return read_network_bytes(upload.data, upload.filename)


def load_model(model: str, upload: UploadedModel | None = None) -> BooleanNetwork:
    """The network behind a state's model key: a bundled model, a model file, or an upload."""
    if model.startswith(UPLOAD_PREFIX):
        if upload is None or upload.key != model:
            raise ModelFileError(
                "this uploaded model is not in this browser session any more; upload the file "
                "again",
                file=model,
            )
        return _read_upload(upload)
    return load_network(model)


@lru_cache(maxsize=1024)
def cached_attractors(
    model: str,
    key: tuple[tuple[str, ...], ...],
    semantics: Semantics,
    upload: UploadedModel | None = None,
    budget: Budget | None = None,
) -> AttractorResult:
    """Attractors per (model, perturbations, semantics); results are immutable, so shared.
    An upload is part of the key (its bytes), so one user's file never answers another's.
    A search over ``budget`` raises (and is not cached), so a later, larger budget retries."""
    network = load_model(model, upload)
    drugs, genotypes, environments, knockouts, overexpressed = key
    s = scenario(
        network,
        drugs=drugs,
        genotypes=genotypes,
        environments=environments,
        knockouts=knockouts,
        overexpressed=overexpressed,
    )
    return find_attractors(network, semantics, perturbations=s, budget=budget)


@dataclass(frozen=True)
class Analysis:
    """What the explorer shows for a state."""

    state: ExplorerState
    network: BooleanNetwork
    result: AttractorResult | None
    comparisons: tuple[Comparison, ...]
    error: str | None = None
    over_budget: bool = False


def analyze(
    state: ExplorerState, upload: UploadedModel | None = None, budget: Budget | None = None
) -> Analysis:
    """Attractors of the state and their differences to the unperturbed model, to the same
    background without drugs, and (for combinations) to the endocrine therapy alone; each search
    within ``budget`` (an over-budget search gives an error message, ``over_budget`` set)."""
    if not state.model.startswith(UPLOAD_PREFIX):
        upload = None
    try:
        network = load_model(state.model, upload)
    except MtorNetworkError as exc:
        return Analysis(state, load_network(FLAGSHIP), None, (), str(exc))
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
            upload,
            budget,
        )
    except BudgetExceeded as exc:
        return Analysis(state, network, None, (), str(exc), over_budget=True)
    except MtorNetworkError as exc:
        return Analysis(state, network, None, (), str(exc))
    try:
        comparisons = _comparisons(state, network, current, upload, budget)
    except BudgetExceeded as exc:  # the reference settings are over budget: show the result
        return Analysis(state, network, current, (), f"No comparison: {exc}")
    return Analysis(state, network, current, tuple(comparisons))


def _comparisons(
    state: ExplorerState,
    network: BooleanNetwork,
    current: AttractorResult,
    upload: UploadedModel | None,
    budget: Budget | None,
) -> list[Comparison]:
    comparisons = [
        compare(
            cached_attractors(state.model, ((), (), (), (), ()), state.semantics, upload, budget),
            current,
            "unperturbed model",
        )
    ]
    background = ((), state.genotypes, state.environments, state.knockouts, state.overexpressed)
    if state.drugs and (
        state.genotypes or state.environments or state.knockouts or state.overexpressed
    ):
        untreated = cached_attractors(state.model, background, state.semantics, upload, budget)
        comparisons.append(compare(untreated, current, "same background without drugs"))
    endocrine = tuple(d for d in state.drugs if network.drugs.get(d) and network.drugs[d].endocrine)
    if endocrine and len(endocrine) < len(state.drugs):
        alone = cached_attractors(
            state.model, (endocrine, *background[1:]), state.semantics, upload, budget
        )
        label = f"{' + '.join(endocrine)} alone"
        comparisons.append(compare(alone, current, label))
    return comparisons
