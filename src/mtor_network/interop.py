"""Adapters from and to the objects of the CoLoMoTo world, and trap spaces as partial dicts.

=========================================  ==============================  ======================
object                                     to                              from
=========================================  ==============================  ======================
``colomoto.minibn.BooleanNetwork``         :func:`to_minibn`               :func:`from_minibn`
``mpbn.MPBooleanNetwork``                  :func:`to_mpbn`                 :func:`from_mpbn`
``biodivine_aeon.BooleanNetwork``          :func:`to_aeon`                 :func:`from_aeon`
=========================================  ==============================  ======================

Every adapter keeps node names and update functions (as Boolean functions: a tool may rewrite
a rule into another form, e.g. mpbn into a disjunctive normal form); labels, references and the
drug/genotype registries have no place in those objects and stay behind.

The AEON network is built through AEON's own API (variables, regulations, one update function
at a time), never through BNet text, so a node named like a BNet keyword (``Targets``) keeps its
name. The minibn network is built from the AEON functions with boolean.py's constructors, so a
node named like a boolean.py keyword (``and``, ``or``, ``not``) keeps its name too.

Trap spaces are returned as pyboolnet and biobalm return them: one ``dict`` per subspace that
maps each *fixed* node to 0 or 1 and leaves the free nodes out.

>>> from mtor_network import BooleanNetwork
>>> from mtor_network.interop import trap_spaces
>>> net = BooleanNetwork.from_rules({"A": "!B", "B": "!A", "C": "C & A"}, name="toggle")
>>> trap_spaces(net, "min")
[{'A': 0, 'B': 1, 'C': 0}, {'A': 1, 'B': 0, 'C': 0}, {'A': 1, 'B': 0, 'C': 1}]
>>> trap_spaces(net, "max")
[{'C': 0}, {'A': 0, 'B': 1}, {'A': 1, 'B': 0}]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from ._optional import require
from .exceptions import InteropError
from .network import BooleanNetwork

if TYPE_CHECKING:
    import biodivine_aeon
    import mpbn
    from biodivine_aeon import NamedRegulation
    from colomoto import minibn

    from .attractors import AttractorResult
    from .perturbations import Perturbation, Scenario

TrapSpaceKind = Literal["min", "max"]
TRAP_SPACE_KINDS: tuple[TrapSpaceKind, ...] = ("min", "max")

_AEON_SIGN: dict[str, Literal["+", "-"] | None] = {"+": "+", "-": "-", "?": None}


# ---- building our networks from rule texts -------------------------------------------------
def _from_rule_texts(name: str, rules: Mapping[str, str], *, source: str) -> BooleanNetwork:
    """A network from ``{node: rule text in BNet syntax}`` printed by another tool; errors name
    the tool's object as their file."""
    return BooleanNetwork.from_rules(rules, name=name, file=source)


def _check_network(network: object) -> BooleanNetwork:
    if not isinstance(network, BooleanNetwork):
        raise TypeError(f"network must be a BooleanNetwork, not {type(network).__name__}")
    return network


def _check_name(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {type(name).__name__}")
    return name


# ---- biodivine-aeon -------------------------------------------------------------------------
def to_aeon(network: BooleanNetwork) -> biodivine_aeon.BooleanNetwork:
    """The network as a ``biodivine_aeon.BooleanNetwork``.

    Variables are declared in node order, one regulation per regulator (signed ``+``/``-`` where
    the rule reads the regulator with one polarity only, unsigned otherwise; never marked
    essential), and each update function is parsed by AEON in the context of the network.

    Parameters
    ----------
    network
        Any network (perturbed or not: a perturbed network's rules are converted as they are).

    Returns
    -------
    biodivine_aeon.BooleanNetwork
        A fully specified network (no parameters) with the same names and functions.

    Examples
    --------
    >>> net = BooleanNetwork.from_rules({"Targets": "!Targets | A", "A": "A"})
    >>> bn = to_aeon(net)
    >>> bn.variable_names()
    ['Targets', 'A']
    >>> str(bn.get_update_function("Targets"))
    '!Targets | A'
    """
    import biodivine_aeon as ba

    network = _check_network(network)
    bn = ba.BooleanNetwork(list(network.node_names))
    for target in network.node_names:
        for regulator, sign in network.rules[target].regulators.items():
            regulation: NamedRegulation = {
                "source": regulator,
                "target": target,
                "sign": _AEON_SIGN[sign],
                "essential": False,
            }
            bn.add_regulation(regulation)
    for target in network.node_names:
        text = network.rules[target].text
        try:
            function = ba.UpdateFunction(bn, text)
        except (RuntimeError, ValueError, TypeError) as error:
            raise InteropError(
                f"biodivine-aeon refused the rule of {target!r} ({text!r}): {error}"
            ) from error
        bn.set_update_function(target, function)
    return bn


def from_aeon(bn: biodivine_aeon.BooleanNetwork, *, name: str = "model") -> BooleanNetwork:
    """A network from a fully specified ``biodivine_aeon.BooleanNetwork``.

    Exclusive-or, implication and equivalence are rewritten into ``and``/``or``/``not`` by
    AEON (``UpdateFunction.to_and_or_normal_form``) before parsing.

    Parameters
    ----------
    bn
        The AEON network; every variable must have an update function without parameters.
    name
        The name of the new network.

    Returns
    -------
    BooleanNetwork
        The network, nodes in AEON's variable order.

    Raises
    ------
    InteropError
        A variable has no update function, or one with uninterpreted functions (a parametrised
        network stands for many networks: fix its parameters first).
    """
    import biodivine_aeon as ba

    if not isinstance(bn, ba.BooleanNetwork):
        raise TypeError(f"bn must be a biodivine_aeon.BooleanNetwork, not {type(bn).__name__}")
    name = _check_name(name)
    rules: dict[str, str] = {}
    for variable in bn.variable_names():
        function = bn.get_update_function(variable)
        if function is None:
            raise InteropError(
                f"variable {variable!r} has no update function (an AEON network with implicit "
                "parameters stands for many networks: set every update function first)"
            )
        if function.support_parameters():
            raise InteropError(
                f"the update function of {variable!r} ({function}) uses uninterpreted "
                "functions (explicit parameters): instantiate them first"
            )
        rules[variable] = str(function.to_and_or_normal_form())
    return _from_rule_texts(name, rules, source="<biodivine_aeon.BooleanNetwork>")


# ---- colomoto minibn and mpbn ---------------------------------------------------------------
def _minibn_expression(function: Any, bn: Any, algebra: Any) -> Any:
    """The AEON ``function`` as a boolean.py expression of ``algebra``.

    Chains of the same operator are flattened without recursion (a rule may list hundreds of
    regulators); the recursion follows the nesting of different operators only, which the
    expression parser bounds (:data:`mtor_network.expressions.MAX_NESTING`).
    """
    if function.is_const():
        return algebra.TRUE if function.as_const() else algebra.FALSE
    if function.is_var():
        return algebra.Symbol(bn.get_variable_name(function.as_var()))
    if function.is_not():
        return algebra.NOT(_minibn_expression(function.as_not(), bn, algebra))
    if function.is_and() or function.is_or():
        op = "and" if function.is_and() else "or"
        operands: list[Any] = []
        stack = [function]
        while stack:
            item = stack.pop()
            if item.is_binary() and item.as_binary()[0] == op:
                _, left, right = item.as_binary()
                stack.extend((right, left))
            else:
                operands.append(_minibn_expression(item, bn, algebra))
        return (algebra.AND if op == "and" else algebra.OR)(*operands)
    # our rules hold only not/and/or; anything else is rewritten by AEON first
    return _minibn_expression(function.to_and_or_normal_form(), bn, algebra)


def to_minibn(network: BooleanNetwork) -> minibn.BooleanNetwork:
    """The network as a ``colomoto.minibn.BooleanNetwork`` (node name -> boolean.py expression).

    Parameters
    ----------
    network
        Any network.

    Returns
    -------
    colomoto.minibn.BooleanNetwork
        Keys in node order; each value a boolean.py expression of the same function.

    Examples
    --------
    >>> net = BooleanNetwork.from_rules({"A": "!B & C", "B": "A | C", "C": "C"})
    >>> print(to_minibn(net).source())
    A, !B&C
    B, A|C
    C, C
    <BLANKLINE>
    """
    minibn = require("colomoto.minibn", extra="mpbn", what="the colomoto minibn adapters")

    aeon = to_aeon(network)
    bn = minibn.BooleanNetwork()
    for target in network.node_names:
        bn[target] = _minibn_expression(aeon.get_update_function(target), aeon, bn.ba)
    return bn


def from_minibn(bn: minibn.BooleanNetwork, *, name: str = "model") -> BooleanNetwork:
    """A network from a ``colomoto.minibn.BooleanNetwork`` (or an ``mpbn.MPBooleanNetwork``).

    Parameters
    ----------
    bn
        The minibn network; every node read by a rule must have a rule of its own.
    name
        The name of the new network.

    Returns
    -------
    BooleanNetwork
        The network, nodes in the minibn network's order.

    Raises
    ------
    ModelFileError
        A name is not valid in every format (minibn allows ``.``, ``:`` and ``-``), or a rule
        reads a node without a rule.
    """
    minibn = require("colomoto.minibn", extra="mpbn", what="the colomoto minibn adapters")

    if not isinstance(bn, minibn.BooleanNetwork):
        raise TypeError(f"bn must be a colomoto.minibn.BooleanNetwork, not {type(bn).__name__}")
    name = _check_name(name)
    rules = {str(target): str(expression) for target, expression in bn.items()}
    return _from_rule_texts(name, rules, source=f"<{type(bn).__name__}>")


def to_mpbn(network: BooleanNetwork) -> mpbn.MPBooleanNetwork:
    """The network as an ``mpbn.MPBooleanNetwork`` (most-permissive semantics).

    mpbn rewrites each function into a disjunctive normal form: the same function, printed
    differently.

    Parameters
    ----------
    network
        Any network.

    Returns
    -------
    mpbn.MPBooleanNetwork
        Keys in node order.
    """
    mpbn = require("mpbn", extra="mpbn", what="the mpbn adapters and trap spaces")

    return mpbn.MPBooleanNetwork(to_minibn(network))


def from_mpbn(bn: mpbn.MPBooleanNetwork, *, name: str = "model") -> BooleanNetwork:
    """A network from an ``mpbn.MPBooleanNetwork`` (see :func:`from_minibn`).

    Parameters
    ----------
    bn
        The mpbn network.
    name
        The name of the new network.

    Returns
    -------
    BooleanNetwork
        The network, nodes in the mpbn network's order.
    """
    mpbn = require("mpbn", extra="mpbn", what="the mpbn adapters and trap spaces")

    if not isinstance(bn, mpbn.MPBooleanNetwork):
        raise TypeError(f"bn must be an mpbn.MPBooleanNetwork, not {type(bn).__name__}")
    return from_minibn(bn, name=name)


# ---- trap spaces as partial dicts -------------------------------------------------------------
def _apply(
    network: BooleanNetwork,
    perturbations: Perturbation | Scenario | Iterable[Perturbation | Scenario] | None,
) -> BooleanNetwork:
    from .perturbations import Perturbation, Scenario

    if perturbations is None:
        return network
    if isinstance(perturbations, Perturbation | Scenario):
        perturbations = [perturbations]
    elif isinstance(perturbations, str | bytes | Mapping) or not isinstance(
        perturbations, Iterable
    ):
        raise TypeError(
            "perturbations must be a Perturbation, a Scenario, a list of them or None, not "
            f"{type(perturbations).__name__}"
        )
    items: list[Perturbation] = []
    for item in perturbations:
        if isinstance(item, Scenario):
            items.extend(item)
        elif isinstance(item, Perturbation):
            items.append(item)
        else:
            raise TypeError(
                f"perturbations must hold Perturbation or Scenario objects, not "
                f"{type(item).__name__}"
            )
    return network.perturb(*items)


def _subspace_key(space: Mapping[str, int], nodes: tuple[str, ...]) -> str:
    return "".join(str(space.get(n, "*")) for n in nodes)


def trap_spaces(
    network: BooleanNetwork,
    kind: TrapSpaceKind = "min",
    *,
    perturbations: Perturbation | Scenario | Iterable[Perturbation | Scenario] | None = None,
    limit: int | None = None,
) -> list[dict[str, int]]:
    """The minimal or maximal trap spaces of ``network``, as pyboolnet's
    ``trap_spaces(primes, "min")`` and biobalm return them, computed by mpbn.

    Parameters
    ----------
    network
        The network.
    kind
        ``"min"``: the inclusion-minimal trap spaces (the attractors under the most-permissive
        semantics); ``"max"``: the inclusion-maximal ones other than the whole state space.
    perturbations
        Perturbations to apply first (``network.drugs["alpelisib"]``, ``knockout("AKT")``, a
        :class:`~mtor_network.perturbations.Scenario` or a list of them).
    limit
        At most this many trap spaces (the first ones mpbn finds, then sorted), as pyboolnet's
        ``max_output``: a network can have exponentially many. None: all of them.

    Returns
    -------
    list[dict[str, int]]
        One dict per trap space with only its fixed nodes (``{node: 0 | 1}``), in node order;
        the list is sorted by the value codes in node order (``0`` < ``1`` < free). A network
        whose only trap space is the whole space has ``[{}]`` as minimal and ``[]`` as maximal
        trap spaces.

    Raises
    ------
    ValueError
        ``kind`` is neither ``"min"`` nor ``"max"``, or ``limit`` is below 1.
    """
    network = _check_network(network)
    if kind not in TRAP_SPACE_KINDS:
        raise ValueError(
            f"unknown trap-space kind {kind!r}; valid: {', '.join(map(repr, TRAP_SPACE_KINDS))}"
        )
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
        raise TypeError(f"limit must be an int or None, not {type(limit).__name__}")
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1 (or None for all), not {limit}")
    perturbed = _apply(network, perturbations)
    mbn = to_mpbn(perturbed)
    most = limit or 0  # mpbn: 0 for unlimited
    if kind == "min":
        found = mbn.minimal_trapspaces(limit=most)
    else:
        found = mbn.maximal_trapspaces(limit=most)
    spaces = [
        {str(node): int(value) for node, value in space.items() if value != "*"} for space in found
    ]
    nodes = perturbed.node_names
    ordered = [{n: s[n] for n in nodes if n in s} for s in spaces]
    return sorted(ordered, key=lambda space: _subspace_key(space, nodes))


def attractors_as_subspaces(result: AttractorResult) -> list[dict[str, int]]:
    """The attractors of ``result`` as partial dicts: each attractor's fixed nodes, oscillating
    nodes left out (the smallest subspace holding the attractor, as biobalm and pyboolnet
    describe attractors).

    Parameters
    ----------
    result
        An :class:`~mtor_network.attractors.AttractorResult` (any semantics).

    Returns
    -------
    list[dict[str, int]]
        One dict per attractor, in the result's order, nodes in node order.
    """
    from .attractors import AttractorResult

    if not isinstance(result, AttractorResult):
        raise TypeError(f"result must be an AttractorResult, not {type(result).__name__}")
    return [{n: int(v) for n, v in a.values if v != "*"} for a in result]


__all__ = [
    "TRAP_SPACE_KINDS",
    "TrapSpaceKind",
    "attractors_as_subspaces",
    "from_aeon",
    "from_minibn",
    "from_mpbn",
    "to_aeon",
    "to_minibn",
    "to_mpbn",
    "trap_spaces",
]
