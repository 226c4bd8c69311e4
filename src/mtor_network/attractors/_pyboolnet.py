"""PyBoolNet engines: minimal trap spaces (bundled gringo/clasp) and attractors with model
checking (bundled NuSMV). Used as an independent second opinion and in benchmarks."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ..exceptions import EngineError
from ..io._pyboolnet import prepare as _prepare
from ..io._pyboolnet import prime_implicants
from ..network import BooleanNetwork
from ..types import NodeValue
from ._aeon import RawAttractor

_logger = logging.getLogger(__name__)


def primes(network: BooleanNetwork) -> dict[str, Any]:
    """PyBoolNet prime implicants of ``network``."""
    return prime_implicants(network)


def minimal_trap_spaces(network: BooleanNetwork) -> list[RawAttractor]:
    """Minimal trap spaces with pyboolnet's ASP encoding."""
    _prepare()
    from pyboolnet.trap_spaces import compute_trap_spaces

    nodes = network.node_names
    out: list[RawAttractor] = []
    for space in compute_trap_spaces(primes(network), "min", max_output=10**6):
        values: dict[str, NodeValue] = {n: space.get(n, "*") for n in nodes}
        out.append((values, 2 ** sum(1 for v in values.values() if v == "*")))
    return out


def attractors(network: BooleanNetwork, update: str) -> list[RawAttractor]:
    """Attractors by pyboolnet's ``compute_attractors`` (trap spaces + NuSMV model checking).

    Raises :class:`EngineError` when pyboolnet cannot prove its answer complete and each
    attractor faithful to its trap space (then node values are not exactly known).
    """
    _prepare()
    from pyboolnet.attractors import compute_attractors

    nodes = network.node_names
    result = compute_attractors(primes(network), update, max_output=10**6)
    if result.get("is_complete") != "yes":
        raise EngineError(f"pyboolnet could not prove completeness ({result.get('is_complete')})")
    out: list[RawAttractor] = []
    for att in result["attractors"]:
        if att["is_steady"]:
            state = att["state"]["dict"]
            out.append(({n: int(state[n]) for n in nodes}, 1))  # type: ignore[misc]
            continue
        space = att["min_trap_space"]
        if space.get("is_univocal") != "yes":
            raise EngineError(
                "pyboolnet could not prove that its minimal trap space holds a single attractor "
                f"(is_univocal={space.get('is_univocal')})"
            )
        if space.get("is_faithful") != "yes":
            raise EngineError(
                "pyboolnet found a cyclic attractor whose oscillating nodes it cannot name "
                f"(is_faithful={space.get('is_faithful')})"
            )
        values = space["dict"]
        out.append(({n: values.get(n, "*") for n in nodes}, None))
    return out


def nusmv_available() -> bool:
    """True if pyboolnet's bundled NuSMV runs here (Debian needs the libtinfo5 package)."""
    import subprocess

    pbn = _prepare()
    binary = Path(pbn.__file__).parent / "binaries" / "linux64" / "NuSMV-a" / "NuSMVa_linux64"
    try:
        done = subprocess.run([str(binary), "-h"], capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    output = done.stdout + done.stderr
    return b"This is NuSMV" in output and b"error while loading" not in output
