"""Free inputs: attractors split by input valuation, found one valuation at a time or all at
once as AEON parameters.

A free input is a node whose rule is the node itself (``x, x``, a source SCC of one node): no
update ever changes it, so the state space splits into one closed part per valuation of the
free inputs and every attractor lies in exactly one part. The attractors of the network are
therefore the union, over the valuations, of the attractors of the network with its inputs
fixed to that valuation. Two ways to get them:

* :func:`by_valuation`: fix each valuation in turn, percolate the constants (which usually
  leaves a small core, or none) and run the fixed-input search on what is left; identical
  residual networks are searched once (the caller's memo). Cost: ``2**k`` small searches.
* :func:`colored_asynchronous`: biodivine-aeon's colored symbolic search, with the inputs
  inlined as zero-arity parameters (``BooleanNetwork.inline_inputs``): one symbolic search
  over all valuations at once, each colored attractor then split per valuation (color).
  Inputs that influence no other node are dropped by the inlining; each doubles the
  attractors (it holds either value).

:mod:`._portfolio` chooses between them by the number of free inputs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ..expressions import variables
from ..network import BooleanNetwork
from ..types import NodeValue, Var
from ._reduce import percolate
from ._types import Attractor

RawAttractor = tuple[dict[str, NodeValue], int | None]


def free_inputs(network: BooleanNetwork) -> tuple[str, ...]:
    """Nodes whose rule is exactly the node itself (``x, x``), in the network's order.

    Parameters
    ----------
    network : BooleanNetwork
        Any network.

    Returns
    -------
    tuple of str
        The free inputs.
    """
    return tuple(n for n, rule in network.rules.items() if rule.expression == Var(n))


def valuations(inputs: Sequence[str]) -> Iterator[dict[str, bool]]:
    """Every valuation of ``inputs``, the all-0 one first, as counting in binary with the first
    input as the lowest bit."""
    for bits in itertools.product((False, True), repeat=len(inputs)):
        yield dict(zip(inputs, reversed(bits), strict=True))


def by_valuation(
    network: BooleanNetwork,
    solve: Callable[[BooleanNetwork], list[RawAttractor]],
) -> list[RawAttractor]:
    """Every attractor of ``network``, one valuation of its free inputs at a time.

    The valuations are enumerated as a tree: one free input (the one read by the most nodes)
    is fixed to 0 and to 1, the constants percolated, and the rest split again; subnetworks
    met twice (an input whose readers are already constant, valuations that percolate
    alike) are split once.

    Parameters
    ----------
    network : BooleanNetwork
        The network (percolated: no constant rules).
    solve : callable
        The fixed-input search on a residual network without free inputs (the caller
        remembers its answers).

    Returns
    -------
    list of RawAttractor
        Values over every node of ``network``, with sizes.
    """
    from ._aeon import engine_bnet

    seen: dict[str, list[RawAttractor]] = {}

    def split(net: BooleanNetwork) -> list[RawAttractor]:
        key = engine_bnet(net)
        known = seen.get(key)
        if known is not None:
            return known
        inputs = free_inputs(net)
        if not inputs:
            found = solve(net)
        else:
            readers = dict.fromkeys(inputs, 0)
            for target, rule in net.rules.items():
                for reg in variables(rule.expression):
                    if reg in readers and reg != target:
                        readers[reg] += 1
            pick = max(inputs, key=lambda n: readers[n])
            found = []
            nodes = net.node_names
            for value in (False, True):
                constants, residual = percolate(net, {pick: value})
                raw = [({}, 1)] if residual is None else split(residual)
                for values, size in raw:
                    full: dict[str, NodeValue] = {}
                    for n in nodes:
                        full[n] = values[n] if n not in constants else int(constants[n])  # type: ignore[assignment]
                    found.append((full, size))
        seen[key] = found
        return found

    return split(network)


def colored_asynchronous(network: BooleanNetwork) -> list[RawAttractor]:
    """Every asynchronous attractor of ``network`` by AEON's colored search, the free inputs
    inlined as parameters, split per input valuation.

    Parameters
    ----------
    network : BooleanNetwork
        The network (percolated: no constant rules; names safe for AEON's BNet reader).

    Returns
    -------
    list of RawAttractor
        Values over every node of ``network``, with sizes in states.
    """
    import biodivine_aeon as ba

    from ._aeon import _quiet, native_stack, to_aeon

    nodes = network.node_names
    inputs = set(free_inputs(network))

    def run() -> list[RawAttractor]:
        out: list[RawAttractor] = []
        with _quiet():
            inlined = to_aeon(network).inline_inputs(repair_graph=True)
            parameters = set(inlined.explicit_parameter_names())
            dropped = [n for n in nodes if n in inputs and n not in parameters]
            graph = ba.AsynchronousGraph(inlined)
            for attractor in ba.Attractors.attractors(graph):
                for color in attractor.colors().items():
                    chosen = {
                        name: str(expr) == "true" for name, expr in color.to_named_dict().items()
                    }
                    single = attractor.intersect_colors(color.to_symbolic()).vertices()
                    space = single.enclosing_named_subspace()
                    if space is None:  # never empty in a color it exists in
                        raise RuntimeError("biodivine-aeon returned an empty colored attractor")
                    size = int(single.cardinality())
                    base: dict[str, NodeValue] = {}
                    for n in nodes:
                        if n in chosen:
                            base[n] = int(chosen[n])  # type: ignore[assignment]
                        elif n in space:
                            base[n] = int(space[n])  # type: ignore[assignment]
                        else:
                            base[n] = "*"
                    choices: tuple[NodeValue, NodeValue] = (0, 1)
                    for bits in itertools.product(choices, repeat=len(dropped)):
                        values = dict(base)
                        values.update(zip(dropped, bits, strict=True))
                        out.append((values, size))
        return out

    return native_stack(network, run)


@dataclass(frozen=True)
class InputGroup:
    """The attractors of one valuation of the free inputs.

    Attributes
    ----------
    inputs : tuple of (str, int)
        Each free input with its value in this group, in the network's order.
    attractors : tuple of Attractor
        The attractors where the inputs hold these values, in the result's order.
    """

    inputs: tuple[tuple[str, NodeValue], ...]
    attractors: tuple[Attractor, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: ``{"inputs": {name: value}, "attractors": count, "phenotypes":
        {phenotype: count}}``."""
        phenotypes: dict[str, int] = {}
        for attractor in self.attractors:
            phenotypes[attractor.phenotype] = phenotypes.get(attractor.phenotype, 0) + 1
        return {
            "inputs": dict(self.inputs),
            "attractors": len(self.attractors),
            "phenotypes": phenotypes,
        }


def group_by_inputs(
    network: BooleanNetwork, attractors: Sequence[Attractor]
) -> tuple[InputGroup, ...]:
    """The attractors grouped by the values of the free inputs of ``network`` (a summary of
    thousands of attractors: one row per input valuation, each with its attractors).

    Parameters
    ----------
    network : BooleanNetwork
        The network searched (its free inputs, :func:`free_inputs`, are the grouping keys).
    attractors : sequence of Attractor
        Its attractors (e.g. an :class:`AttractorResult`).

    Returns
    -------
    tuple of InputGroup
        One group per valuation met, ordered by valuation (0 before 1, first input first);
        a network without free inputs gives one group with no inputs.
    """
    inputs = free_inputs(network)
    groups: dict[tuple[tuple[str, NodeValue], ...], list[Attractor]] = {}
    for attractor in attractors:
        key = tuple((n, attractor[n]) for n in inputs)
        groups.setdefault(key, []).append(attractor)
    order = sorted(groups, key=lambda key: tuple(str(v) for _, v in key))
    return tuple(InputGroup(key, tuple(groups[key])) for key in order)


__all__ = [
    "InputGroup",
    "by_valuation",
    "colored_asynchronous",
    "free_inputs",
    "group_by_inputs",
    "valuations",
]
