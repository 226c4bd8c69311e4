"""The state of an interactive exploration (what the web app stores per user) and the analysis
it shows: pure functions, no Dash. A state is plain JSON data, so it fits a ``dcc.Store`` and a
URL query string."""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qs, urlencode

from .._cache import ByteBoundedCache, approximate_size
from ..analysis.compare import Comparison, compare
from ..analysis.phenotypes import find_attractors
from ..analysis.readouts import recognise_readouts, with_readouts
from ..attractors import (
    SEMANTICS,
    AttractorResult,
    Budget,
    BudgetExceeded,
    Semantics,
)
from ..exceptions import ModelFileError, MtorNetworkError
from ..io import read_network_bytes
from ..models import FLAGSHIP, load_bundled
from ..network import BooleanNetwork, registry_key, resolve_name
from ..perturbations import Scenario, scenario
from ..types import NodeValue

NodeStatus = Literal["normal", "knockout", "overexpress"]
_CYCLE: dict[str, NodeStatus] = {
    "normal": "knockout",
    "knockout": "overexpress",
    "overexpress": "normal",
}


# What one request may carry (a browser sends it; treat it as hostile). A real page never comes
# near these: the largest published models have under 1,000 nodes.
MAX_NAMES = 512  # names per list (drugs, genotypes, environments, knockouts, forced on)
MAX_NAME_LENGTH = 200  # characters per name or model key
MAX_QUERY_LENGTH = 64 * 1024  # characters of a URL query string
_LISTS = ("drugs", "genotypes", "environments", "knockouts", "overexpressed")


def _names(value: Any, what: str, problems: list[str]) -> tuple[str, ...]:
    """The distinct names of one list of a request (order kept); anything that is not a short
    list of short strings is refused whole, with a problem that says why."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        problems.append(f"{what}: expected a list of names, got {type(value).__name__}")
        return ()
    if len(value) > MAX_NAMES:
        problems.append(
            f"{what}: {len(value):,} names sent; at most {MAX_NAMES} are accepted per list"
        )
        return ()
    names: dict[str, None] = {}
    for item in value:
        if not isinstance(item, str) or not item or len(item) > MAX_NAME_LENGTH:
            shown = item[:40] + "..." if isinstance(item, str) else type(item).__name__
            problems.append(
                f"{what}: {shown!r} is not a name (a string of 1 to {MAX_NAME_LENGTH} characters)"
            )
            return ()
        names.setdefault(item, None)
    return tuple(names)


def _model_key(value: Any, problems: list[str]) -> str:
    if value is None or value == "":
        return FLAGSHIP
    if not isinstance(value, str) or len(value) > MAX_NAME_LENGTH:
        problems.append(
            f"model: not a model name (a string of at most {MAX_NAME_LENGTH} characters)"
        )
        return FLAGSHIP
    return value


def _semantics(value: Any) -> Semantics:
    return value if isinstance(value, str) and value in SEMANTICS else "asynchronous"  # type: ignore[return-value]


READOUT_ROLES = ("proliferation", "apoptosis")


def _readouts(value: Any, problems: list[str]) -> tuple[tuple[str, str], ...]:
    """The chosen read-outs of a request: a small mapping of known role -> node name."""
    if not value:
        return ()
    if not isinstance(value, dict) or len(value) > len(READOUT_ROLES):
        problems.append(f"readouts: expected a mapping of {', '.join(READOUT_ROLES)} to nodes")
        return ()
    chosen = []
    for role, node in value.items():
        if role not in READOUT_ROLES or not isinstance(node, str):
            problems.append(f"readouts: {str(role)[:40]!r} is not a read-out role")
            return ()
        if not node or len(node) > MAX_NAME_LENGTH:
            problems.append(f"readouts: the {role} read-out is not a node name")
            return ()
        chosen.append((role, node))
    return tuple(sorted(chosen))


def _index(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return 0
    try:
        number = int(value)
    except (ValueError, OverflowError):
        return 0
    return min(max(0, number), 1_000_000)


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
    # phenotype read-outs the user chose, (role, node) pairs (empty: the model's own or guessed)
    readouts: tuple[tuple[str, str], ...] = ()
    # what a request carried that was refused (too many names, wrong types): shown as an error
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

    def with_readout(self, role: str, node: str | None) -> ExplorerState:
        """The read-out of ``role`` set to ``node`` (None: the model's own or the guessed one)."""
        chosen = dict(self.readouts)
        if node:
            chosen[role] = node
        else:
            chosen.pop(role, None)
        return replace(self, readouts=tuple(sorted(chosen.items())), selected=0, errors=())

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
        } | ({"readouts": dict(self.readouts)} if self.readouts else {})

    @classmethod
    def from_dict(cls, data: Any) -> ExplorerState:
        """The state a request's ``dcc.Store`` data describes, normalised: names deduplicated
        (order kept), lists over :data:`MAX_NAMES` names or holding anything but short strings
        refused (recorded in ``errors``), unknown semantics replaced by asynchronous."""
        if not data or not isinstance(data, dict):
            return cls()
        problems: list[str] = []
        lists = {key: _names(data.get(key), key, problems) for key in _LISTS}
        return cls(
            model=_model_key(data.get("model"), problems),
            semantics=_semantics(data.get("semantics")),
            selected=_index(data.get("selected")),
            readouts=_readouts(data.get("readouts"), problems),
            errors=tuple(problems),
            **lists,
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
        pairs += [("readout", f"{role}:{node}") for role, node in self.readouts]
        return "?" + urlencode(pairs) if pairs else ""

    @classmethod
    def from_query(cls, query: Any) -> ExplorerState:
        """Parse a URL query (bounded and normalised as :meth:`from_dict`); names are validated
        against the model when the state is analysed."""
        if not isinstance(query, str):
            query = ""
        if len(query) > MAX_QUERY_LENGTH:
            return cls(errors=(f"the URL query is over {MAX_QUERY_LENGTH:,} characters",))
        try:
            params = parse_qs(query.lstrip("?"), max_num_fields=6 * MAX_NAMES + 2)
        except ValueError:
            return cls(errors=(f"the URL query has more than {6 * MAX_NAMES + 2} fields",))
        model = params.get("model")
        semantics = params.get("semantics")
        readouts = dict(r.partition(":")[::2] for r in params.get("readout", [])[:8])
        return cls.from_dict(
            {
                "model": model[0] if model else None,
                "drugs": params.get("drug", []),
                "genotypes": params.get("genotype", []),
                "environments": params.get("env", []),
                "knockouts": params.get("ko", []),
                "overexpressed": params.get("oe", []),
                "semantics": semantics[0] if semantics else None,
                "readouts": readouts,
            }
        )

    def canonical(self, network: BooleanNetwork) -> ExplorerState:
        """This state with each name spelled as ``network`` spells it: drugs, genotypes and
        environments as their registry does (a URL's ``pik3ca-mutant`` or ``Everolimus`` is
        ``pik3ca_mutant``, ``everolimus``), knocked-out and forced nodes by name (``akt`` is
        ``AKT``), so the page's pickers show what the URL asked for (a picker drops a value
        that is none of its options). A name that resolves to nothing, or to several, stays
        as it is: :meth:`scenario` says why it is refused."""

        def spelled(names: tuple[str, ...], find: Callable[[str], str | None]) -> tuple[str, ...]:
            out: list[str] = []
            for name in names:
                try:
                    found = find(name)
                except MtorNetworkError:
                    found = None
                out.append(found or name)
            return tuple(dict.fromkeys(out))  # a name given twice, in two spellings, once

        def registered(registry: Mapping[str, Any]) -> Callable[[str], str | None]:
            return lambda name: resolve_name(
                name, ((k, ()) for k in registry), "name", key=registry_key
            )

        return replace(
            self,
            drugs=spelled(self.drugs, registered(network.drugs)),
            genotypes=spelled(self.genotypes, registered(network.genotypes)),
            environments=spelled(self.environments, registered(network.environments)),
            knockouts=spelled(self.knockouts, network.resolve_node),
            overexpressed=spelled(self.overexpressed, network.resolve_node),
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
MAX_FILENAME = 255
# Bytes the server's caches may hold (estimated): parsed uploads, and attractor results.
NETWORK_CACHE_BYTES = 256 * 1024 * 1024
RESULT_CACHE_BYTES = 128 * 1024 * 1024


@dataclass(frozen=True)
class UploadedModel:
    """A model file a user uploaded: kept in that user's browser (``dcc.Store``) and sent with
    each request, never in the server's memory between requests."""

    filename: str
    data: bytes

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the bytes (hex): what the caches key an upload by."""
        return hashlib.sha256(self.data).hexdigest()

    @property
    def key(self) -> str:
        """The model key an :class:`ExplorerState` uses for this upload."""
        return UPLOAD_PREFIX + self.digest[:16]

    @classmethod
    def from_contents(cls, contents: Any, filename: Any) -> UploadedModel:
        """From a ``dcc.Upload`` value (``data:<type>;base64,<data>``); checks the size."""
        if not isinstance(filename, str) or not filename:
            raise ModelFileError("the upload has no file name")
        filename = filename[:MAX_FILENAME]
        if not isinstance(contents, str):
            raise ModelFileError("the upload is not a data URL", file=filename)
        _, _, payload = contents.partition(",")
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
    def from_dict(cls, data: Any) -> UploadedModel | None:
        """The upload a request's store carries, or None where it carries none or anything but
        a file name and base64 data within the upload limit."""
        if not isinstance(data, dict):
            return None
        filename, payload = data.get("filename"), data.get("data")
        if not isinstance(filename, str) or not filename or not isinstance(payload, str):
            return None
        if len(payload) > MAX_UPLOAD_BYTES * 4 // 3 + 4:
            return None
        try:
            decoded = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            return None
        return cls(filename[:MAX_FILENAME], decoded) if decoded else None


T = TypeVar("T")


class _SingleFlight:
    """Concurrent requests for the same key wait for one computation instead of repeating it
    (the results and graph callbacks of one click ask for the same search at once)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[Any, threading.Lock] = {}

    def run(self, key: Any, compute: Callable[[], T], lookup: Callable[[], T | None]) -> T:
        with self._lock:
            gate = self._running.setdefault(key, threading.Lock())
        with gate:
            known = lookup()
            if known is not None:
                return known
            try:
                return compute()
            finally:
                with self._lock:
                    if self._running.get(key) is gate:
                        del self._running[key]


_NETWORKS: ByteBoundedCache[tuple[str, str], BooleanNetwork] = ByteBoundedCache(
    NETWORK_CACHE_BYTES, size=lambda key, network: 64 * 1024 + 2_000 * len(network)
)
# a result, or (message, limit, seconds it had) of a search that went over its budget
_Answer = AttractorResult | tuple[str, str, float | None]
RETRY_WITH_MORE_TIME = 1.5
"""A search that went over its time limit is tried again only with this many times the time it
had (a comparison stopped by what was left of a request, e.g. an imported model's unperturbed
search with every input free, is not searched again on every click)."""
_RESULTS: ByteBoundedCache[tuple[Any, ...], _Answer] = ByteBoundedCache(
    RESULT_CACHE_BYTES, size=lambda key, value: approximate_size((key, value))
)
_FLIGHTS = _SingleFlight()


def _read_upload(upload: UploadedModel) -> BooleanNetwork:
    key = (upload.digest, upload.filename)
    network = _NETWORKS.get(key)
    if network is None:
        network = recognise_readouts(read_network_bytes(upload.data, upload.filename))
        _NETWORKS.put(key, network)
    return network


def load_model(model: str, upload: UploadedModel | None = None) -> BooleanNetwork:
    """The network behind a state's model key: a bundled model by name, or this tab's upload.

    Nothing else: a key that is neither (a path, a file name) is an unknown model, so no
    value a browser sends can make the server read a file of its choosing."""
    if model.startswith(UPLOAD_PREFIX):
        if upload is None or upload.key != model:
            raise ModelFileError(
                "this uploaded model is not in this browser session any more; upload the file "
                "again",
                file=model[:40],
            )
        return _read_upload(upload)
    return load_bundled(model)


def state_network(state: ExplorerState, upload: UploadedModel | None = None) -> BooleanNetwork:
    """The network a state is analysed on: its model (:func:`load_model`; an upload's
    read-outs recognised by name) with the read-outs the user chose."""
    network = load_model(state.model, upload)
    return with_readouts(network, dict(state.readouts)) if state.readouts else network


def clear_caches() -> None:
    """Forget cached uploads and results (tests, benchmarks)."""
    _NETWORKS.clear()
    _RESULTS.clear()


def cached_attractors(
    model: str,
    key: tuple[tuple[str, ...], ...],
    semantics: Semantics,
    upload: UploadedModel | None = None,
    budget: Budget | None = None,
    *,
    deadline: float | None = None,
    readouts: tuple[tuple[str, str], ...] = (),
) -> AttractorResult:
    """Attractors per (model, perturbations, semantics); results are immutable, so shared.

    Keyed by content: an upload by the SHA-256 of its bytes, so one user's file never answers
    another's; the cache is bounded by bytes. A search over ``budget`` raises
    :class:`BudgetExceeded`; that answer is kept with the time the search had (the graph and
    the results of one click do not both wait for it) and answers again until a query has
    :data:`RETRY_WITH_MORE_TIME` times that time. ``deadline`` (``time.monotonic()`` value)
    shortens the budget's time to what is left of a request's."""
    cache_key = (
        model,
        upload.digest if upload is not None else None,
        key,
        semantics,
        budget,
        readouts,
    )

    limit = budget
    if budget is not None and budget.seconds is not None and deadline is not None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise BudgetExceeded("the request's time budget is spent", limit="time")
        if left < budget.seconds:
            limit = replace(budget, seconds=left)
    seconds = limit.seconds if limit is not None else None

    def known() -> _Answer | None:
        value = _RESULTS.get(cache_key)
        if not isinstance(value, tuple) or value[1] != "time" or seconds is None:
            return value
        tried = value[2]  # stopped by its time: it answers for up to 1.5 times that time
        return value if tried is None or seconds <= tried * RETRY_WITH_MORE_TIME else None

    def compute() -> _Answer:
        network = load_model(model, upload)
        if readouts:
            network = with_readouts(network, dict(readouts))
        drugs, genotypes, environments, knockouts, overexpressed = key
        s = scenario(
            network,
            drugs=drugs,
            genotypes=genotypes,
            environments=environments,
            knockouts=knockouts,
            overexpressed=overexpressed,
        )
        try:
            value: _Answer = find_attractors(network, semantics, perturbations=s, budget=limit)
        except BudgetExceeded as exc:
            if exc.cancelled or exc.limit == "busy":
                raise
            value = (str(exc), exc.limit, seconds)
        _RESULTS.put(cache_key, value)
        return value

    answer = _FLIGHTS.run(cache_key, compute, known)
    if isinstance(answer, tuple):
        raise BudgetExceeded(answer[0], limit=answer[1])
    return answer


def attractor_count(result: AttractorResult) -> int:
    """The exact number of attractors of a result (also of a summarised one)."""
    return result.total if result.total is not None else len(result)


def lookup_attractors(
    state: ExplorerState, upload: UploadedModel | None = None, budget: Budget | None = None
) -> AttractorResult | None:
    """The cached result of a state's own search (None if it was not searched, or went over
    its budget): for views that must never start a search themselves."""
    if state.errors:
        return None
    key = (state.drugs, state.genotypes, state.environments, state.knockouts, state.overexpressed)
    upload = upload if state.model.startswith(UPLOAD_PREFIX) else None
    cache_key = (
        state.model,
        upload.digest if upload is not None else None,
        key,
        state.semantics,
        budget,
        state.readouts,
    )
    answer = _RESULTS.get(cache_key)
    return answer if isinstance(answer, AttractorResult) else None


@dataclass(frozen=True)
class Analysis:
    """What the explorer shows for a state."""

    state: ExplorerState
    network: BooleanNetwork
    result: AttractorResult | None
    comparisons: tuple[Comparison, ...]
    error: str | None = None
    over_budget: bool = False
    # the attractor count of each comparison's reference result (same order as comparisons)
    reference_counts: tuple[int, ...] = ()
    # why the comparisons are missing (their searches over the budget): a note, not an error
    comparison_note: str = ""


def analyze(
    state: ExplorerState, upload: UploadedModel | None = None, budget: Budget | None = None
) -> Analysis:
    """Attractors of the state and their differences to the unperturbed model, to the same
    background without drugs, and (for combinations) to the endocrine therapy alone.

    All of its searches together stay within ``budget``'s time (the comparisons get what the
    main search left); an over-budget main search gives an error message with ``over_budget``
    set, over-budget comparisons are left out with a note in the summary (``comparison_note``,
    not an error). A state that carried refused data
    (``state.errors``) gives those errors and no search."""
    deadline = None
    if budget is not None and budget.seconds is not None:
        deadline = time.monotonic() + budget.seconds
    if not state.model.startswith(UPLOAD_PREFIX):
        upload = None
    if state.errors:
        return Analysis(state, load_bundled(FLAGSHIP), None, (), "; ".join(state.errors))
    try:
        network = state_network(state, upload)
    except MtorNetworkError as exc:
        return Analysis(state, load_bundled(FLAGSHIP), None, (), str(exc))
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
            readouts=state.readouts,
        )
    except BudgetExceeded as exc:
        return Analysis(
            state, network, None, (), str(exc), over_budget=exc.limit in ("time", "memory")
        )
    except MtorNetworkError as exc:
        return Analysis(state, network, None, (), str(exc))
    try:
        pairs = _comparisons(state, network, current, upload, budget, deadline)
    except BudgetExceeded as exc:  # the reference settings are over budget: show the result
        return Analysis(state, network, current, (), comparison_note=f"Not compared: {exc}")
    return Analysis(
        state,
        network,
        current,
        tuple(c for c, _ in pairs),
        reference_counts=tuple(n for _, n in pairs),
    )


def _comparisons(
    state: ExplorerState,
    network: BooleanNetwork,
    current: AttractorResult,
    upload: UploadedModel | None,
    budget: Budget | None,
    deadline: float | None,
) -> list[tuple[Comparison, int]]:
    def search(key: tuple[tuple[str, ...], ...]) -> AttractorResult:
        return cached_attractors(
            state.model,
            key,
            state.semantics,
            upload,
            budget,
            deadline=deadline,
            readouts=state.readouts,
        )

    def versus(key: tuple[tuple[str, ...], ...], label: str) -> tuple[Comparison, int]:
        reference = search(key)
        return compare(reference, current, label), attractor_count(reference)

    comparisons = [versus(((), (), (), (), ()), "unperturbed model")]
    background = ((), state.genotypes, state.environments, state.knockouts, state.overexpressed)
    if state.drugs and (
        state.genotypes or state.environments or state.knockouts or state.overexpressed
    ):
        comparisons.append(versus(background, "same background without drugs"))
    endocrine = tuple(
        d for d in state.drugs if network.drugs.get(d) and network.drugs[d].has_tag("endocrine")
    )
    if endocrine and len(endocrine) < len(state.drugs):
        comparisons.append(versus((endocrine, *background[1:]), f"{' + '.join(endocrine)} alone"))
    return comparisons


MAX_CYCLE_NODES = 6  # oscillating nodes of a cycle whose states are listed (2^6 = 64 states)


@dataclass(frozen=True)
class CycleStates:
    """The states of a cyclic attractor and the transitions between them.

    ``nodes``: the oscillating nodes; ``states``: their values in each state (the other nodes
    keep the attractor's values); ``transitions``: (from, to) state indices.
    """

    nodes: tuple[str, ...]
    states: tuple[tuple[int, ...], ...]
    transitions: tuple[tuple[int, int], ...]


def cycle_states(
    network: BooleanNetwork,
    values: Mapping[str, NodeValue],
    semantics: Semantics,
    size: int | None = None,
) -> CycleStates | None:
    """The states of the attractor whose node values are ``values`` (``"*"``: oscillating) of
    ``network`` (perturbations applied), under ``semantics``, with its transitions
    (:func:`mtor_network.analysis.cycles.state_transition_graph`); None when more than
    :data:`MAX_CYCLE_NODES` nodes oscillate or the cycle has more than
    :data:`~mtor_network.analysis.cycles.MAX_DRAWN_STATES` states."""
    from ..analysis.cycles import state_transition_graph

    nodes = [n for n in network.node_names if values.get(n) == "*"]
    if not nodes or len(nodes) > MAX_CYCLE_NODES:
        return None
    try:
        found = state_transition_graph(network, values, semantics, size=size)
    except (MtorNetworkError, ValueError):
        return None
    return CycleStates(found.nodes, found.states, found.transitions)
