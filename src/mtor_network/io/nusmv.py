"""NuSMV model files (``.smv``) for model checking; a writer only.

The encoding is PyBoolNet's (``pyboolnet.model_checking.primes2smv``), so that CTL/LTL queries
written for pyboolnet work unchanged, but each update function is written as in our model rather
than as a disjunction of prime implicants, in model order, with node labels as comments:

- one ``boolean`` variable per node;
- ``X_IMAGE`` (the value of X's update function), ``X_STEADY`` (``X_IMAGE = X``),
  ``SUCCESSORS`` (how many nodes would change) and ``STEADYSTATE`` (``SUCCESSORS = 0``);
- asynchronous update (the default): ``next(X) := {X, X_IMAGE}`` and
  ``TRANS STEADYSTATE | count(next(X) != X, ...) = 1``, i.e. exactly one unstable node changes
  per step, and a steady state loops on itself;
- synchronous update: ``next(X) := X_IMAGE``.

``INIT TRUE`` (every state is initial) unless ``initial`` says otherwise; ``specifications``
(``CTLSPEC ...``, ``LTLSPEC ...``) are appended verbatim.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from .._files import write_text_atomic
from ..exceptions import MtorNetworkError
from ..expressions import to_string
from ..network import BooleanNetwork
from ._comments import header_lines

Update = Literal["asynchronous", "synchronous"]

# NuSMV 2.6 reserved words and temporal operators (they cannot name a variable).
_RESERVED_WORDS = """A ABF ABG AF AG ASSIGN AX BU COMPASSION COMPUTE COMPWFF CONSTANTS CONSTRAINT
CTLSPEC CTLWFF DEFINE E EBF EBG EF EG EX F FAIRNESS FALSE FROZENVAR G H IN INIT INVAR INVARSPEC
ISA IVAR JUSTICE LTLSPEC LTLWFF MAX MDEFINE MIN MIRROR MODULE NAME O PRED PREDICATES PSLSPEC
PSLWFF S SIMPWFF SPEC T TRANS TRUE U V VAR X Y Z array bool boolean case count esac extend in
init integer mod next of process real resize self signed sizeof swconst union unsigned uwconst
word word1 xnor xor SUCCESSORS STEADYSTATE"""
RESERVED = frozenset(_RESERVED_WORDS.split())


def _check_names(network: BooleanNetwork) -> None:
    names = set(network.node_names)
    clashes = sorted(n for n in names if n in RESERVED)
    derived = sorted(
        n
        for n in names
        for suffix in ("_IMAGE", "_STEADY")
        if n.endswith(suffix) and n[: -len(suffix)] in names
    )
    if clashes or derived:
        problems = []
        if clashes:
            problems.append(f"reserved in NuSMV: {', '.join(clashes)}")
        if derived:
            problems.append(f"clash with the X_IMAGE/X_STEADY definitions: {', '.join(derived)}")
        raise MtorNetworkError(
            "cannot write NuSMV: node names " + "; ".join(problems) + " (rename those nodes)"
        )


def to_nusmv(
    network: BooleanNetwork,
    *,
    update: Update = "asynchronous",
    initial: str = "TRUE",
    specifications: Iterable[str] = (),
) -> str:
    """NuSMV model of ``network`` under ``update`` (``"asynchronous"`` or ``"synchronous"``).

    ``initial`` is a NuSMV expression for the initial states; each of ``specifications`` is a
    full line such as ``"CTLSPEC AG(EF(STEADYSTATE))"``.
    """
    if update not in ("asynchronous", "synchronous"):
        raise MtorNetworkError(
            f"unknown update {update!r} for NuSMV; use 'asynchronous' or 'synchronous'"
        )
    _check_names(network)
    names = network.node_names
    width = max(len(n) for n in names)
    lines = header_lines(network, prefix="--")
    lines += [
        f"-- {update} update, in pyboolnet's encoding; written by mtor_network",
        "",
        "MODULE main",
        "",
        "VAR",
    ]
    for n in names:
        label = " ".join(network.node(n).label.split())
        comment = f"  -- {label}" if label and label != n else ""
        lines.append(f"\t{n + ':':<{width + 1}} boolean;{comment}")
    lines += ["", "DEFINE"]
    lines += [f"\t{n}_IMAGE := {to_string(network.rules[n].expression, 'nusmv')};" for n in names]
    lines.append("")
    lines += [f"\t{n}_STEADY := ({n}_IMAGE = {n});" for n in names]
    lines.append("")
    lines.append("\tSUCCESSORS := count(" + ", ".join(f"(!{n}_STEADY)" for n in names) + ");")
    lines.append("\tSTEADYSTATE := (SUCCESSORS = 0);")
    lines += ["", "ASSIGN"]
    if update == "synchronous":
        lines += [f"\tnext({n}) := {n}_IMAGE;" for n in names]
    else:
        lines += [f"\tnext({n}) := {{{n}, {n}_IMAGE}};" for n in names]
        changes = ", ".join(f"(next({n}) != {n})" for n in names)
        lines += ["", f"TRANS STEADYSTATE | count({changes}) = 1;"]
    lines += ["", f"INIT {initial};"]
    specs = [s.strip() for s in specifications]
    if specs:
        lines.append("")
        lines += specs
    return "\n".join(lines) + "\n"


def write_nusmv(
    network: BooleanNetwork,
    path: str | Path,
    *,
    update: Update = "asynchronous",
    initial: str = "TRUE",
    specifications: Iterable[str] = (),
) -> None:
    """Write ``network`` as a NuSMV model (atomically); see :func:`to_nusmv`."""
    text = to_nusmv(network, update=update, initial=initial, specifications=specifications)
    write_text_atomic(path, text)


__all__ = ["RESERVED", "to_nusmv", "write_nusmv"]
