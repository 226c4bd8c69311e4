"""AEON (``.aeon``): the model format of biodivine-aeon and the AEON tool.

A file declares regulations, one a line: ``A -> B`` (activation), ``A -| B`` (inhibition),
``A -? B`` (unknown or dual sign); a trailing ``?`` (``A ->? B``, ``A -?? B``) marks a regulation
that need not have an effect (non-observable). Update functions read ``$B: A & !C`` with ``!``,
``&``, ``|``, ``^``, ``=>``, ``<=>``, ``true``/``false``. Lines starting with ``#`` are comments,
except the annotations ``#name:`` (the model name) and ``#position:`` (layout, ignored).

AEON also describes *partially specified* networks; we handle fully specified Boolean networks
only. A node with regulators but no ``$node:`` function (an implicit, parametrised function) and
a function using an uninterpreted function ``f(...)`` are refused with an error naming the node;
a node with neither regulators nor a function (a free input) becomes an input ``X, X`` with a
:class:`~mtor_network.exceptions.ModelWarning`. Every regulator a function reads must be declared
as a regulation (as AEON requires). Sign and observability annotations that the functions
contradict are reported with a warning (the functions are what we read).

biodivine-aeon parses each function (so its syntax is exactly AEON's) and writes the file; we
check the lines first, so that every error names its line, which AEON's own errors do not.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

from .._files import write_text_atomic
from ..exceptions import ModelFileError, ModelWarning
from ..expressions import (
    MAX_NESTING,
    MAX_PARENTHESES,
    MAX_XOR,
    Expr,
    and_,
    const,
    iff,
    implies,
    is_valid_name,
    nesting_depth,
    not_,
    or_,
    to_bdd,
    to_string,
    var,
    variables,
    variables_in_order,
    xor,
)
from ..network import BooleanNetwork, Rule
from ._comments import CommentMetadata, header_lines, label_line
from ._native import paren_depth, with_stack
from ._source import read_file

_ID = r"[A-Za-z0-9_{}]+"
_REGULATION_RE = re.compile(
    rf"^(?P<regulator>{_ID})\s*-(?P<sign>[>|?])(?P<unobservable>\??)\s*(?P<target>{_ID})$"
)
_FUNCTION_RE = re.compile(r"^\$\s*(?P<target>[^\s:]*)\s*:(?P<function>.*)$")
_NAME_ANNOTATION_RE = re.compile(r"^#\s*name\s*:(?P<name>.*)$")
_BACKTICKED_RE = re.compile(r"`([^`]+)`")
_OPERATOR_RE = re.compile(r"<=>|=>|[!&|^]")
MAX_OPERATORS = 1_000_000
"""The most operators one AEON update function may hold: about seven times the largest rule of
the Biodivine corpus (145,665 operators, model 248). biodivine-aeon parses recursively in native
code; long or deep functions are parsed in a thread with a stack for them
(:mod:`mtor_network.io._native`)."""


def _check_size(function: str, target: str, file: str | None, number: int) -> int:
    """Refuse functions that would exhaust biodivine-aeon's (native) stack beyond our bound, or
    expand exponentially: more than :data:`MAX_OPERATORS` operators, parentheses nested more
    than :data:`~mtor_network.expressions.MAX_PARENTHESES` deep, more than :data:`MAX_XOR`
    ``^``/``<=>``. Returns the native recursion the function needs (levels)."""

    def fail(problem: str) -> ModelFileError:
        return ModelFileError(f"update function of {target!r}: {problem}", file=file, line=number)

    operators = _OPERATOR_RE.findall(function)
    if len(operators) > MAX_OPERATORS:
        raise fail(f"{len(operators)} operators; more than {MAX_OPERATORS} are refused")
    expanded = sum(op in ("^", "<=>") for op in operators)
    if expanded > MAX_XOR:
        raise fail(
            f"more than {MAX_XOR} '^'/'<=>' operators (each doubles the size of the rule once "
            "expanded into &, | and !)"
        )
    deepest = paren_depth(function)
    if deepest > MAX_PARENTHESES:
        raise fail(f"parentheses nested more than {MAX_PARENTHESES} levels deep")
    return deepest + len(operators) // 4


def parse_aeon(text: str, *, name: str | None = None, file: str | None = None) -> BooleanNetwork:
    """Parse AEON text into a :class:`BooleanNetwork` (fully specified networks only).

    The model is called ``name``, else by the ``#name:`` annotation, else ``"model"``.
    """
    deepest = paren_depth(text) + len(_OPERATOR_RE.findall(text)) // 4
    # biodivine-aeon builds, walks and frees its trees recursively: all of it in one thread
    return with_stack(lambda: _parse_aeon(text, name=name, file=file), deepest)


def _parse_aeon(text: str, *, name: str | None, file: str | None) -> BooleanNetwork:
    import biodivine_aeon as ba

    regulations: dict[tuple[str, str], tuple[int, str, bool]] = {}
    functions: dict[str, tuple[int, str]] = {}
    order: list[str] = []
    annotated_name = ""
    meta = CommentMetadata()

    def check_name(node: str, number: int) -> None:
        if not is_valid_name(node):
            raise ModelFileError(
                f"invalid node name {node!r} (use letters, digits and '_', not starting with a "
                "digit, and not true/false)",
                file=file,
                line=number,
            )

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            m = _NAME_ANNOTATION_RE.match(line)
            if m:
                annotated_name = annotated_name or m.group("name").strip()
            else:
                meta.comment(line[1:])
            continue
        if line.startswith("$"):
            f = _FUNCTION_RE.match(line)
            if f is None:
                raise ModelFileError(
                    f"expected an update function '$node: expression' but found {line[:60]!r}",
                    file=file,
                    line=number,
                )
            target, function = f.group("target"), f.group("function").strip()
            if not target:
                raise ModelFileError("missing node name after '$'", file=file, line=number)
            check_name(target, number)
            if not function:
                raise ModelFileError(
                    f"missing update function of {target!r} after ':'", file=file, line=number
                )
            if target in functions:
                raise ModelFileError(
                    f"second update function for {target!r} (first on line {functions[target][0]})",
                    file=file,
                    line=number,
                )
            functions[target] = (number, function)
            order.append(target)
            meta.rule(target)
            continue
        r = _REGULATION_RE.match(line)
        if r is None:
            raise ModelFileError(
                "expected a regulation ('A -> B', 'A -| B', 'A -? B', optionally with a "
                "trailing '?'), an update function ('$B: ...') or a '#' comment, but found "
                f"{line[:60]!r}",
                file=file,
                line=number,
            )
        regulator, target = r.group("regulator"), r.group("target")
        check_name(regulator, number)
        check_name(target, number)
        if (regulator, target) in regulations:
            raise ModelFileError(
                f"second regulation {regulator} -> {target} (first on line "
                f"{regulations[(regulator, target)][0]})",
                file=file,
                line=number,
            )
        regulations[(regulator, target)] = (number, r.group("sign"), not r.group("unobservable"))
        meta.other()

    if not functions and not regulations:
        raise ModelFileError("no regulations or update functions (empty AEON file)", file=file)

    variables = list(order)
    for regulator, target in regulations:
        for node in (regulator, target):
            if node not in functions and node not in variables:
                variables.append(node)
    regulators: dict[str, list[str]] = {v: [] for v in variables}
    for regulator, target in regulations:
        regulators[target].append(regulator)

    declared = [
        f"{a} -{sign}{'' if observable else '?'} {b}"
        for (a, b), (_, sign, observable) in regulations.items()
    ]
    try:
        bn = ba.BooleanNetwork(variables, declared)
    except (RuntimeError, ValueError) as exc:  # pragma: no cover - lines were checked above
        raise ModelFileError(f"biodivine-aeon refused the regulations: {exc}", file=file) from exc

    rules: list[Rule] = []
    for target in variables:
        if target not in functions:
            if regulators[target]:
                first = min(regulations[(reg, target)][0] for reg in regulators[target])
                raise ModelFileError(
                    f"{target!r} has regulators ({', '.join(regulators[target])}) but no update "
                    f"function '${target}: ...': AEON reads it as an unknown (parametrised) "
                    "function; only fully specified Boolean networks are supported",
                    file=file,
                    line=first,
                )
            warnings.warn(
                ModelWarning(
                    f"{file or '<text>'}: {target!r} has no regulators and no update function "
                    f"(a free input in AEON); it is taken as an input '{target}, {target}'"
                ),
                stacklevel=2,
            )
            rules.append(Rule(target, var(target), justification="free input (AEON)"))
            continue
        number, function = functions[target]
        expr = _parse_function(ba, bn, target, function, set(regulators[target]), file, number)
        rules.append(Rule(target, expr, line=number))

    _warn_constraints(rules, regulations, file)
    model_name = name or annotated_name or "model"
    network = BooleanNetwork.create(model_name, rules, file=file)
    return meta.apply(network)


def _parse_function(
    ba: Any,
    bn: Any,
    target: str,
    function: str,
    allowed: set[str],
    file: str | None,
    number: int,
) -> Expr:
    _check_size(function, target, file, number)
    try:
        parsed = ba.UpdateFunction(bn, function)
    except (RuntimeError, ValueError) as exc:
        message = str(exc)
        unknown = _BACKTICKED_RE.search(message)
        if "Unknown variable" in message and unknown:
            problem = (
                f"reads {unknown.group(1)!r}, which is not a variable of the model (no "
                "regulation or update function names it)"
            )
        elif "Unknown parameter" in message and unknown:
            problem = (
                f"uses '{unknown.group(1)}(...)', an uninterpreted function (a parameter): only "
                "fully specified Boolean networks are supported"
            )
        else:
            problem = message.rstrip(".")
        raise ModelFileError(
            f"update function of {target!r}: {problem}", file=file, line=number
        ) from exc
    used = sorted(bn.get_variable_name(v) for v in parsed.support_variables())
    missing = [v for v in used if v not in allowed]
    if missing:
        raise ModelFileError(
            f"update function of {target!r} reads {', '.join(map(repr, missing))}, but no "
            f"regulation '{missing[0]} -> {target}' (or -|, -?) is declared; AEON requires every "
            "regulator to be declared",
            file=file,
            line=number,
        )
    bn.set_update_function(target, parsed)
    return _to_expr(parsed, bn, target, file, number)


def _to_expr(fn: Any, bn: Any, target: str, file: str | None, number: int) -> Expr:
    """Our expression tree for a biodivine-aeon ``UpdateFunction`` (built without recursion:
    chains of binary operators are as deep as they are long)."""
    results: list[Expr] = []
    stack: list[tuple[Any, bool]] = [(fn, False)]
    while stack:
        node, children_done = stack.pop()
        if node.is_const():
            results.append(const(bool(node.as_const())))
        elif node.is_var():
            results.append(var(bn.get_variable_name(node.as_var())))
        elif node.is_param():
            raise ModelFileError(
                f"update function of {target!r} uses an uninterpreted function (a parameter): "
                "only fully specified Boolean networks are supported",
                file=file,
                line=number,
            )
        elif not children_done:
            stack.append((node, True))
            if node.is_not():
                stack.append((node.as_not(), False))
            else:
                _, left_fn, right_fn = node.as_binary()
                stack.append((right_fn, False))
                stack.append((left_fn, False))
        elif node.is_not():
            results.append(not_(results.pop()))
        else:
            op = node.as_binary()[0]
            right = results.pop()
            left = results.pop()
            results.append(_binary(op, left, right, target, file, number))
    expr = results[0]
    if nesting_depth(expr) > MAX_NESTING:
        raise ModelFileError(
            f"update function of {target!r}: nested more than {MAX_NESTING} levels deep "
            "(parentheses and negations)",
            file=file,
            line=number,
        )
    return expr


_BINARY = {
    "and": lambda a, b: and_((a, b), flatten=True),
    "or": lambda a, b: or_((a, b), flatten=True),
    "imp": implies,
    "iff": iff,
    "xor": xor,
}


def _binary(op: str, left: Expr, right: Expr, target: str, file: str | None, number: int) -> Expr:
    build = _BINARY.get(op)
    if build is None:  # pragma: no cover - AEON has no other operators
        raise ModelFileError(
            f"update function of {target!r}: unsupported operator {op!r}", file=file, line=number
        )
    return build(left, right)


MAX_CONSTRAINT_BDD = 100_000
"""The constraint warnings are skipped for a function whose BDD has more nodes than this."""
MAX_CONSTRAINT_LITERALS = 20_000
"""... or that reads more literals than this (its BDD is not built)."""


def _appearance(expr: Expr) -> list[str]:
    """The variables of ``expr`` in the order they first appear (a good BDD order)."""
    return variables_in_order(expr)


def _literals(expr: Expr) -> int:
    count = 0
    stack = [expr]
    while stack:
        e = stack.pop()
        if e[0] == "var":
            count += 1
        elif e[0] == "not":
            stack.append(e[1])
        elif e[0] == "and" or e[0] == "or":
            stack.extend(e[1])
    return count


def _warn_constraints(
    rules: list[Rule],
    regulations: dict[tuple[str, str], tuple[int, str, bool]],
    file: str | None,
) -> None:
    """Warn where a function contradicts the sign or observability of a declared regulation
    (biodivine-aeon's ``check_regulation_constraints``, in its words, on our BDDs of the
    functions: AEON's own check took minutes on BBM model 122; a function whose BDD exceeds
    :data:`MAX_CONSTRAINT_BDD` nodes is not checked)."""
    from biodivine_aeon import BddVariableSet

    by_target: dict[str, list[tuple[str, int, str, bool]]] = {}
    for (regulator, target), (line, sign, observable) in regulations.items():
        by_target.setdefault(target, []).append((regulator, line, sign, observable))
    where = file or "<text>"
    for rule in rules:
        declared = by_target.get(rule.target)
        if not declared or rule.justification == "free input (AEON)":
            continue
        if _literals(rule.expression) > MAX_CONSTRAINT_LITERALS:
            continue
        names = list(dict.fromkeys([*_appearance(rule.expression), *(d[0] for d in declared)]))
        bdd_vars = BddVariableSet(names)
        function = to_bdd(rule.expression, bdd_vars)
        if function.node_count() > MAX_CONSTRAINT_BDD:
            continue
        for regulator, line, sign, observable in declared:
            low = function.r_restrict({regulator: False})
            high = function.r_restrict({regulator: True})
            problems = []
            if sign == ">" and not low.l_and_not(high).is_false():
                problems.append(
                    f"Regulator `{regulator}` is not positively monotone (activator) in the "
                    f"update function of `{rule.target}`"
                )
            if sign == "|" and not high.l_and_not(low).is_false():
                problems.append(
                    f"Regulator `{regulator}` is not negatively monotone (inhibitor) in the "
                    f"update function of `{rule.target}`"
                )
            if observable and low.semantic_eq(high):
                problems.append(
                    f"Regulator `{regulator}` is not essential in the update function of "
                    f"`{rule.target}`"
                )
            for problem in problems:
                warnings.warn(
                    ModelWarning(
                        f"{where}, line {line}: {problem}; the update function is read as written"
                    ),
                    stacklevel=4,
                )


def to_aeon(network: BooleanNetwork) -> str:
    """AEON text of ``network``: regulations with the signs and observability that the functions
    have, one ``$node:`` function per node, labels and provenance as comments and the model
    name as ``#name:``.

    Signs and observability are computed on our BDDs of the functions (what biodivine-aeon's
    ``infer_valid_graph`` computes, which took minutes on BBM model 122); a function too large
    for that (:data:`MAX_CONSTRAINT_LITERALS`, :data:`MAX_CONSTRAINT_BDD`) declares its
    regulators ``-??`` (any sign, not necessarily observable), which AEON accepts for any
    function."""
    lines = [f"#name:{network.name}", *header_lines(network)]
    for target in network.node_names:
        for regulator, arrow in _regulations(network.rules[target].expression):
            lines.append(f"{regulator} {arrow} {target}")
    for target in network.node_names:
        label = label_line(network, target)
        if label:
            lines.append(label)
        lines.append(f"${target}: {to_string(network.rules[target].expression, 'aeon')}")
    return "\n".join(lines) + "\n"


def _regulations(expr: Expr) -> list[tuple[str, str]]:
    """``(regulator, arrow)`` for every variable ``expr`` reads, in name order: ``->``/``-|``
    where the function is monotone in it, ``-?`` otherwise, with a trailing ``?`` where the
    function does not depend on it."""
    from biodivine_aeon import BddVariableSet

    regulators = sorted(variables(expr))
    if not regulators:
        return []
    if _literals(expr) > MAX_CONSTRAINT_LITERALS:
        return [(r, "-??") for r in regulators]
    bdd_vars = BddVariableSet(_appearance(expr))
    function = to_bdd(expr, bdd_vars)
    if function.node_count() > MAX_CONSTRAINT_BDD:
        return [(r, "-??") for r in regulators]
    out = []
    for regulator in regulators:
        low = function.r_restrict({regulator: False})
        high = function.r_restrict({regulator: True})
        up = low.l_and_not(high).is_false()
        down = high.l_and_not(low).is_false()
        arrow = "-?" if up == down else ("->" if up else "-|")
        out.append((regulator, arrow + ("?" if low.semantic_eq(high) else "")))
    return out


def read_aeon(path: str | Path) -> BooleanNetwork:
    """Read an AEON file; the model is named after the file."""
    return read_file(parse_aeon, path)


def write_aeon(network: BooleanNetwork, path: str | Path) -> None:
    """Write ``network`` as AEON (atomically)."""
    write_text_atomic(path, to_aeon(network))


__all__ = ["parse_aeon", "read_aeon", "to_aeon", "write_aeon"]
