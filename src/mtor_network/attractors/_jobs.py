"""One attractor search as plain data: the work a budgeted worker process does.

:func:`search` is everything after ``network.perturb(...)``: constant percolation, the size
check, the engine (through a residual-network memo) and the deterministic trimming of the raw
result to ``max_attractors``. It runs in this process when there is no budget, and inside a
worker process (:mod:`._budget`) otherwise; the worker gets the perturbed network as JSON
(:func:`encode_job`: the network's dict form, :func:`mtor_network.network.network_to_dict`
without metadata, so node names and rules as nested lists, nothing to unpickle) and answers
with JSON (each attractor as its value code over the network's nodes, e.g. ``"01*1"``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .._cache import ByteBoundedCache
from ..expressions import rename
from ..network import BooleanNetwork, network_from_dict, network_to_dict
from ..types import NodeValue

RawAttractor = tuple[dict[str, NodeValue], int | None]
Memo = ByteBoundedCache[tuple[str, str, str], list[RawAttractor]]
_CODE_VALUES: dict[str, NodeValue] = {"0": 0, "1": 1, "*": "*"}


_ENGINE_WORDS = frozenset({"targets", "factors", "and", "or", "not", "xor"})


def engine_function(semantics: str, name: str) -> Callable[[BooleanNetwork], list[RawAttractor]]:
    """The engine function; each engine's library is imported only when it is used.

    biodivine-aeon gets each network built through its API (:func:`._aeon.to_aeon`), so any
    node name is searched as it is. mpbn reads the network as BNet text, where ``and``,
    ``or``, ``not`` (any case) are operators and ``targets, factors`` a header: networks with
    such a node name are searched under neutral names (``v0``, ``v1``, ...) and the answer is
    given back under the real ones; so are all networks given to pyboolnet, whose NuSMV
    refuses one-letter names, its keywords and names with ``_image`` or ``_steady``, and to
    biobalm, whose Petri-net encoding has name rules of its own.
    """
    if name == "aeon":
        return _engine_function(semantics, name)
    always = name in ("pyboolnet", "biobalm")
    return _under_safe_names(_engine_function(semantics, name), always=always)


def _engine_function(semantics: str, name: str) -> Callable[[BooleanNetwork], list[RawAttractor]]:
    if name == "aeon":
        from . import _aeon

        return {
            "asynchronous": _aeon.asynchronous,
            "synchronous": _aeon.synchronous,
            "most_permissive": _aeon.minimal_trap_spaces,
        }[semantics]
    if name == "biobalm" and semantics == "most_permissive":
        from . import _trappist

        return _trappist.minimal_trap_spaces
    if name == "biobalm" and semantics == "asynchronous":
        from . import _balm

        return _balm.asynchronous
    if name == "mpbn" and semantics == "most_permissive":
        from . import _mpbn

        return _mpbn.most_permissive
    if name != "pyboolnet":
        raise KeyError(f"unknown engine {name!r}")
    from . import _pyboolnet

    if semantics == "most_permissive":
        return _pyboolnet.minimal_trap_spaces
    if semantics not in ("asynchronous", "synchronous"):
        raise KeyError(f"unknown semantics {semantics!r}")
    return lambda network: _pyboolnet.attractors(network, semantics)


def _under_safe_names(
    run: Callable[[BooleanNetwork], list[RawAttractor]], *, always: bool
) -> Callable[[BooleanNetwork], list[RawAttractor]]:
    def safe(network: BooleanNetwork) -> list[RawAttractor]:
        names = network.node_names
        if not always and not any(n.lower() in _ENGINE_WORDS for n in names):
            return run(network)
        neutral = {n: f"v{i}" for i, n in enumerate(names)}
        renamed = BooleanNetwork.create(
            network.name, {neutral[n]: rename(network.rules[n].expression, neutral) for n in names}
        )
        real = {v: n for n, v in neutral.items()}
        return [({real[k]: v for k, v in values.items()}, size) for values, size in run(renamed)]

    return safe


def memo_size(key: tuple[str, str, str], value: list[RawAttractor]) -> int:
    """Bytes a memo entry holds, estimated in time linear in the attractors (not by walking
    every object: that cost a millisecond or more per search on tiny models). Node names and
    values are shared objects; each attractor holds a dict and a tuple."""
    return (
        sum(sys.getsizeof(part) for part in key)
        + sys.getsizeof(value)
        + sum(sys.getsizeof(values) + 120 for values, _ in value)
        + (sum(sys.getsizeof(name) for name in value[0][0]) if value else 0)
    )


class TooManyNodes(Exception):
    """The network left after constant propagation is over the size budget."""

    def __init__(self, nodes: int) -> None:
        super().__init__(nodes)
        self.nodes = nodes


@dataclass(frozen=True)
class Found:
    """The attractors found: value codes over the network's nodes with sizes, sorted by code;
    ``total`` is None when they are all here, else the number found (of which these are the
    first ones)."""

    codes: tuple[tuple[str, int | None], ...]
    total: int | None = None


def _code(nodes: Sequence[str], constants: Mapping[str, bool], partial: Mapping[str, Any]) -> str:
    out = []
    for n in nodes:
        value = constants[n] if n in constants else partial[n]
        out.append("*" if value == "*" else ("1" if value else "0"))
    return "".join(out)


def search(
    network: BooleanNetwork,
    semantics: str,
    engine: str,
    *,
    percolate: bool,
    max_nodes: int | None,
    max_attractors: int | None,
    memo: Memo,
) -> Found:
    """Percolate constants, check ``max_nodes`` (raising :class:`TooManyNodes`), run the
    engine (remembering its answer in ``memo``) and keep the first ``max_attractors``."""
    from . import _reduce

    constants: dict[str, bool] = {}
    target: BooleanNetwork | None = network
    if percolate:
        constants, target = _reduce.percolate(network)
    if max_nodes is not None and target is not None and len(target) > max_nodes:
        raise TooManyNodes(len(target))
    if target is None:
        raw: list[RawAttractor] = [({}, 1)]
    elif engine == "auto" or engine.startswith("auto:"):
        raw = _portfolio_search(target, semantics, engine, memo)
    else:
        raw = _memoised(target, semantics, engine, memo)
    nodes = network.node_names
    codes = sorted(((_code(nodes, constants, values), size) for values, size in raw))
    if max_attractors is not None and len(codes) > max_attractors:
        return Found(tuple(codes[:max_attractors]), total=len(codes))
    return Found(tuple(codes))


def _memoised(
    target: BooleanNetwork, semantics: str, engine: str, memo: Memo
) -> list[RawAttractor]:
    """``engine`` on ``target``, through the residual-network memo."""
    from ._aeon import engine_bnet

    key = (semantics, engine, engine_bnet(target))
    known = memo.get(key)
    if known is None:
        known = engine_function(semantics, engine)(target)
        memo.put(key, known)
    return known


def auto_strategy(target: BooleanNetwork, semantics: str, engine: str) -> str:
    """The portfolio strategy for a job's ``engine`` (``"auto"``: the rule of
    :mod:`._portfolio`; ``"auto:<strategy>"``: that one, as a race runs it)."""
    from . import _portfolio

    if engine == "auto":
        return _portfolio.choose(target, semantics)
    strategy = engine.split(":", 1)[1]
    if strategy not in _portfolio.STRATEGIES:
        raise ValueError(f"unknown portfolio strategy {strategy!r}")
    return strategy


def _portfolio_search(
    target: BooleanNetwork, semantics: str, engine: str, memo: Memo
) -> list[RawAttractor]:
    """``engine="auto"``: the portfolio's strategy on the percolated ``target``; the
    fixed-input searches go through the memo under the engine's name (AEON, or for
    most-permissive semantics :func:`._portfolio.mp_engine`), shared with queries that fix
    every input."""
    from . import _portfolio

    def fixed(residual: BooleanNetwork) -> list[RawAttractor]:
        if semantics == "most_permissive":
            return _memoised(residual, semantics, _portfolio.mp_engine(residual), memo)
        return _memoised(residual, semantics, "aeon", memo)

    strategy = auto_strategy(target, semantics, engine)
    if strategy == "plain" or semantics == "synchronous":
        return fixed(target)
    from ._aeon import engine_bnet

    key = (semantics, f"auto:{strategy}", engine_bnet(target))
    known = memo.get(key)
    if known is None:
        safe = _under_safe_names(
            lambda net: _portfolio.run_strategy(strategy, net, fixed),
            always=False,
        )
        known = safe(target)
        memo.put(key, known)
    return known


def values_of(nodes: Sequence[str], code: str) -> dict[str, NodeValue]:
    """Node values from a value code (``"01*"`` -> ``{a: 0, b: 1, c: "*"}``)."""
    if len(code) != len(nodes):
        raise ValueError(f"a value code of {len(code)} values for {len(nodes)} nodes")
    return {n: _CODE_VALUES[c] for n, c in zip(nodes, code, strict=True)}


# ---- the plain-data protocol between a process and its search workers ----------------------
def encode_job(
    network: BooleanNetwork,
    semantics: str,
    engine: str,
    *,
    percolate: bool,
    max_nodes: int | None,
    max_attractors: int | None,
    generation: int,
) -> bytes:
    """One search as JSON: the (perturbed) network's dict form (rules only), and the settings."""
    job = {
        "network": network_to_dict(network, metadata=False),
        "semantics": semantics,
        "engine": engine,
        "percolate": percolate,
        "max_nodes": max_nodes,
        "max_attractors": max_attractors,
        "generation": generation,
    }
    return json.dumps(job, separators=(",", ":")).encode("utf-8")


def decode_network(data: Any) -> BooleanNetwork:
    """The network of an encoded job (validated like any other network)."""
    if not isinstance(data, Mapping):
        raise ValueError("an encoded job needs a 'network' object")
    return network_from_dict(data)


def encode_primes_job(network: BooleanNetwork) -> bytes:
    """Computing the prime implicants of ``network`` (exponential in the worst case: the
    ``.primes`` export of a large model) as a job for a budgeted worker."""
    job = {"kind": "primes", "network": network_to_dict(network, metadata=False)}
    return json.dumps(job, separators=(",", ":")).encode("utf-8")


def run_job(job: Mapping[str, Any], memo: Memo) -> dict[str, Any]:
    """Worker side: one decoded job (JSON of :func:`encode_job`,
    :func:`encode_primes_job` or :func:`._basins.encode_basin_job`) done; the JSON-ready reply."""
    if job.get("kind") == "basins":
        from ._basins import run_basin_job

        return run_basin_job(job)
    network = decode_network(job["network"])
    if job.get("kind") == "primes":
        from ..io.primes import primes_of

        return {"status": "ok", "primes": primes_of(network)}
    try:
        found = search(
            network,
            str(job["semantics"]),
            str(job["engine"]),
            percolate=bool(job["percolate"]),
            max_nodes=_count(job["max_nodes"]),
            max_attractors=_count(job["max_attractors"]),
            memo=memo,
        )
    except TooManyNodes as exc:
        return {"status": "size", "nodes": exc.nodes}
    return {"status": "ok", "codes": [list(c) for c in found.codes], "total": found.total}


def _count(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"not a count: {value!r}")
    return value


def found_from_reply(reply: Mapping[str, Any]) -> Found:
    """The :class:`Found` of an ``ok`` reply."""
    codes = []
    for item in reply["codes"]:
        code, size = item
        if not isinstance(code, str) or not (size is None or isinstance(size, int)):
            raise ValueError("a malformed attractor in a worker's reply")
        codes.append((code, size))
    return Found(tuple(codes), _count(reply.get("total")))


__all__ = [
    "Found",
    "Memo",
    "TooManyNodes",
    "auto_strategy",
    "decode_network",
    "encode_job",
    "engine_function",
    "found_from_reply",
    "memo_size",
    "run_job",
    "search",
    "values_of",
]
