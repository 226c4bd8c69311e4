"""Adapters to and from the CoLoMoTo objects (minibn, mpbn, biodivine-aeon) and trap spaces as
partial dicts, checked against the tools themselves: round trips keep every update function
(compared as Boolean functions by :func:`rule_differences`), and the trap spaces agree with
pyboolnet's ``compute_trap_spaces(primes, "min" | "max")`` on the flagship and on small random
networks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import biodivine_aeon as ba
import mpbn
import pytest
from colomoto import minibn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyboolnet.trap_spaces import compute_trap_spaces

from mtor_network import BooleanNetwork, find_attractors, knockout, overexpress
from mtor_network.analysis.equivalence import rule_differences
from mtor_network.attractors import prime_implicants
from mtor_network.exceptions import InteropError, MtorNetworkError
from mtor_network.interop import (
    attractors_as_subspaces,
    from_aeon,
    from_minibn,
    from_mpbn,
    to_aeon,
    to_minibn,
    to_mpbn,
    trap_spaces,
)
from rule_texts import expression_texts

ADAPTERS: list[tuple[str, Callable[[BooleanNetwork], Any], Callable[..., BooleanNetwork]]] = [
    ("minibn", to_minibn, from_minibn),
    ("mpbn", to_mpbn, from_mpbn),
    ("aeon", to_aeon, from_aeon),
]
ADAPTER_IDS = [a[0] for a in ADAPTERS]

NAMES = tuple(f"x{i}" for i in range(6))


def from_rules(name: str, rules: dict[str, str]) -> BooleanNetwork:
    """A network from BNet rule texts (the public constructor, name first for brevity)."""
    return BooleanNetwork.from_rules(rules, name=name)


FAST = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def as_set(spaces: list[dict[str, int]]) -> set[frozenset[tuple[str, int]]]:
    return {frozenset(space.items()) for space in spaces}


def pyboolnet_spaces(network: BooleanNetwork, kind: str) -> list[dict[str, int]]:
    spaces: list[dict[str, int]] = compute_trap_spaces(prime_implicants(network), kind)
    return spaces


# ---- random networks ------------------------------------------------------------------------


@st.composite
def networks(draw: st.DrawFn) -> BooleanNetwork:
    size = draw(st.integers(min_value=2, max_value=len(NAMES)))
    names = NAMES[:size]
    rules = {name: draw(expression_texts(names)) for name in names}
    return from_rules("random", rules)


# ---- round trips ----------------------------------------------------------------------------
@pytest.mark.parametrize(("tool", "to", "back"), ADAPTERS, ids=ADAPTER_IDS)
def test_flagship_round_trip_keeps_every_function(
    flagship: BooleanNetwork, tool: str, to: Callable[..., Any], back: Callable[..., BooleanNetwork]
) -> None:
    converted = to(flagship)
    returned = back(converted, name="returned")
    assert returned.name == "returned"
    assert returned.node_names == flagship.node_names
    assert rule_differences(flagship, returned) == {}


@pytest.mark.parametrize(("tool", "to", "back"), ADAPTERS, ids=ADAPTER_IDS)
def test_perturbed_round_trip_keeps_the_constants(
    flagship: BooleanNetwork, tool: str, to: Callable[..., Any], back: Callable[..., BooleanNetwork]
) -> None:
    perturbed = flagship.perturb(flagship.drugs["alpelisib"], knockout("MTORC1"))
    returned = back(to(perturbed))
    assert rule_differences(perturbed, returned) == {}
    assert returned.rules["MTORC1"].text == "0"


@FAST
@given(networks())
def test_random_round_trips_keep_every_function(network: BooleanNetwork) -> None:
    for _, to, back in ADAPTERS:
        assert rule_differences(network, back(to(network))) == {}


def test_the_objects_are_those_of_the_tools(flagship: BooleanNetwork) -> None:
    assert type(to_minibn(flagship)) is minibn.BooleanNetwork
    assert isinstance(to_mpbn(flagship), mpbn.MPBooleanNetwork)
    aeon = to_aeon(flagship)
    assert isinstance(aeon, ba.BooleanNetwork)
    assert aeon.variable_names() == list(flagship.node_names)
    assert aeon.explicit_parameter_count() == 0
    assert aeon.implicit_parameter_count() == 0
    assert list(to_minibn(flagship)) == list(flagship.node_names)


def test_aeon_regulations_carry_the_signs(flagship: BooleanNetwork) -> None:
    aeon = to_aeon(flagship)
    found = {
        (aeon.get_variable_name(r["source"]), aeon.get_variable_name(r["target"])): r["sign"]
        for r in aeon.regulations()
    }
    expected = {
        (reg, target): {"+": "+", "-": "-", "?": None}[sign]
        for target, rule in flagship.rules.items()
        for reg, sign in rule.regulators.items()
    }
    assert found == expected


def test_a_node_named_targets_survives_to_aeon() -> None:
    network = from_rules("t", {"Targets": "!Targets | A", "A": "A & !Targets", "B": "1"})
    aeon = to_aeon(network)
    assert aeon.variable_names() == ["Targets", "A", "B"]
    assert str(aeon.get_update_function("Targets")) == "!Targets | A"
    assert rule_differences(network, from_aeon(aeon)) == {}
    # and AEON computes on it: a symbolic graph over all three variables
    graph = ba.AsynchronousGraph(aeon)
    assert graph.mk_unit_colored_vertices().vertices().cardinality() == 8


def test_names_that_are_keywords_to_boolean_py_survive_minibn_and_mpbn() -> None:
    network = from_rules("t", {"and": "or", "or": "!not", "not": "and | Targets", "Targets": "1"})
    for to, back in ((to_minibn, from_minibn), (to_mpbn, from_mpbn)):
        converted = to(network)
        assert sorted(converted) == sorted(network.node_names)
        assert rule_differences(network, back(converted)) == {}


def test_from_aeon_rewrites_xor_implication_and_equivalence() -> None:
    aeon = ba.BooleanNetwork(["a", "b", "c"])
    for source in "abc":
        for target in "abc":
            aeon.add_regulation(
                {"source": source, "target": target, "sign": None, "essential": False}
            )
    aeon.set_update_function("a", ba.UpdateFunction(aeon, "b ^ c"))
    aeon.set_update_function("b", ba.UpdateFunction(aeon, "a => c"))
    aeon.set_update_function("c", ba.UpdateFunction(aeon, "a <=> !b"))
    network = from_aeon(aeon, name="logic")
    expected = from_rules("e", {"a": "b & !c | !b & c", "b": "!a | c", "c": "a & !b | !a & b"})
    assert rule_differences(expected, network) == {}


def test_from_aeon_refuses_parametrised_networks() -> None:
    implicit = ba.BooleanNetwork(["a", "b"])
    implicit.add_regulation({"source": "a", "target": "b", "sign": "+", "essential": True})
    implicit.set_update_function("b", ba.UpdateFunction(implicit, "a"))
    with pytest.raises(InteropError, match="'a' has no update function"):
        from_aeon(implicit)
    explicit = ba.BooleanNetwork(["a"])
    explicit.add_regulation({"source": "a", "target": "a", "sign": None, "essential": False})
    explicit.add_explicit_parameter("f", 1)
    explicit.set_update_function("a", ba.UpdateFunction(explicit, "f(a)"))
    with pytest.raises(InteropError, match="uninterpreted functions") as caught:
        from_aeon(explicit)
    assert isinstance(caught.value, MtorNetworkError)
    assert isinstance(caught.value, ValueError)


def test_from_minibn_names_an_invalid_node_name() -> None:
    with pytest.raises(MtorNetworkError, match=r"a\.b"):
        from_minibn(minibn.BooleanNetwork({"a.b": "1"}))


@pytest.mark.parametrize(
    ("function", "argument"),
    [
        (to_minibn, "not a network"),
        (to_mpbn, {"A": "B"}),
        (to_aeon, None),
        (from_minibn, {"A": "A"}),
        (from_mpbn, minibn.BooleanNetwork({"A": "A"})),
        (from_aeon, "A, A"),
        (attractors_as_subspaces, []),
    ],
)
def test_wrong_types_raise_type_error(function: Callable[[Any], Any], argument: Any) -> None:
    with pytest.raises(TypeError):
        function(argument)


# ---- trap spaces ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["min", "max"])
def test_flagship_trap_spaces_agree_with_pyboolnet(flagship: BooleanNetwork, kind: str) -> None:
    ours = trap_spaces(flagship, kind)  # type: ignore[arg-type]
    assert ours
    assert as_set(ours) == as_set(pyboolnet_spaces(flagship, kind))
    assert len(as_set(ours)) == len(ours)


@pytest.mark.parametrize("kind", ["min", "max"])
def test_perturbed_trap_spaces_agree_with_pyboolnet(flagship: BooleanNetwork, kind: str) -> None:
    perturbations = [flagship.genotypes["pik3ca_mutant"], flagship.drugs["letrozole"]]
    ours = trap_spaces(flagship, kind, perturbations=perturbations)  # type: ignore[arg-type]
    expected = pyboolnet_spaces(flagship.perturb(*perturbations), kind)
    assert as_set(ours) == as_set(expected)


@FAST
@given(networks())
def test_random_trap_spaces_agree_with_pyboolnet(network: BooleanNetwork) -> None:
    for kind in ("min", "max"):
        ours = trap_spaces(network, kind)  # type: ignore[arg-type]
        assert as_set(ours) == as_set(pyboolnet_spaces(network, kind)), kind
        assert len(as_set(ours)) == len(ours)


def test_trap_spaces_leave_free_nodes_out_and_are_ordered() -> None:
    network = from_rules("toggle", {"A": "!B", "B": "!A", "C": "C & A", "D": "!D"})
    assert trap_spaces(network) == [
        {"A": 0, "B": 1, "C": 0},
        {"A": 1, "B": 0, "C": 0},
        {"A": 1, "B": 0, "C": 1},
    ]
    assert trap_spaces(network, "max") == [{"C": 0}, {"A": 0, "B": 1}, {"A": 1, "B": 0}]
    oscillator = from_rules("osc", {"A": "!A", "B": "!B"})
    assert trap_spaces(oscillator, "min") == [{}]
    assert trap_spaces(oscillator, "max") == []


def test_trap_spaces_limit_bounds_the_list(flagship: BooleanNetwork) -> None:
    every = trap_spaces(flagship, "max")
    assert len(every) > 2
    some = trap_spaces(flagship, "max", limit=2)
    assert len(some) == 2
    assert as_set(some) <= as_set(every)


def test_trap_spaces_apply_perturbations_without_mutating(flagship: BooleanNetwork) -> None:
    before = trap_spaces(flagship)
    knocked = trap_spaces(flagship, perturbations=knockout("ERK"))
    assert knocked and all(space["ERK"] == 0 for space in knocked)
    forced = trap_spaces(flagship, perturbations=[overexpress("AKT"), knockout("ERK")])
    assert forced and all(s["AKT"] == 1 and s["ERK"] == 0 for s in forced)
    scenario = flagship.perturb(knockout("ERK")).perturbations
    assert trap_spaces(flagship, perturbations=list(scenario)) == knocked
    assert trap_spaces(flagship) == before
    assert flagship.perturbations == ()


def test_trap_space_arguments_are_checked(flagship: BooleanNetwork) -> None:
    with pytest.raises(ValueError, match="'min', 'max'"):
        trap_spaces(flagship, "minimal")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="perturbations"):
        trap_spaces(flagship, perturbations="AKT")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Perturbation or Scenario objects, not str"):
        trap_spaces(flagship, perturbations=["AKT"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="limit must be at least 1"):
        trap_spaces(flagship, limit=0)
    with pytest.raises(TypeError, match="limit must be an int"):
        trap_spaces(flagship, limit=2.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="network"):
        trap_spaces("hr_breast_cancer")  # type: ignore[arg-type]


def test_most_permissive_attractors_are_the_minimal_trap_spaces(flagship: BooleanNetwork) -> None:
    for perturbations in ([], [flagship.drugs["alpelisib"], flagship.genotypes["pten_loss"]]):
        result = find_attractors(flagship, "most_permissive", perturbations=perturbations)
        subspaces = attractors_as_subspaces(result)
        assert len(subspaces) == len(result)
        assert as_set(subspaces) == as_set(trap_spaces(flagship, perturbations=perturbations))


def test_attractors_as_subspaces_keep_fixed_nodes_only() -> None:
    network = from_rules("t", {"A": "!A", "B": "B", "C": "0"})
    result = find_attractors(network, "asynchronous")
    subspaces = attractors_as_subspaces(result)
    assert as_set(subspaces) == as_set([{"B": 0, "C": 0}, {"B": 1, "C": 0}])
    for attractor, space in zip(result, subspaces, strict=True):
        assert list(space) == [n for n in result.nodes if attractor[n] != "*"]
