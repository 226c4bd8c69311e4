"""PyBoolNet prime implicants: ``{node: [zero_primes, one_primes]}`` (suffix ``.primes``).

Each prime is a dict ``{regulator: 0 | 1}``; the 1-primes of a node are the prime implicants of
its update function, the 0-primes those of its negation. ``[[], [{}]]`` is the constant 1,
``[[{}], []]`` the constant 0. pyboolnet's ``write_primes`` stores the dict as a Python literal
(single quotes) and ``read_primes`` reads JSON too; we write JSON, one node per line, and read
both (never with ``eval``).

Reading turns each node's 1-primes into a rule in disjunctive normal form and checks that the
0-primes describe its negation. Writing computes the primes from the BDD of each update
function (:func:`primes_of`; pyboolnet's ``bnet2primes`` takes minutes on large published
rules, and the tests compare the two). The format has no room for metadata: the model is named
after the file, labels and references are not kept.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .._files import check_bracket_depth, write_text_atomic
from ..exceptions import ModelFileError
from ..expressions import (
    FALSE,
    TRUE,
    Expr,
    and_,
    equivalent,
    is_valid_name,
    not_,
    or_,
    to_bdd,
    var,
    variables_in_order,
)
from ..network import BooleanNetwork, Rule
from ..types import And, Not, Or, Var
from ._source import read_file


def parse_primes(text: str, *, name: str = "model", file: str | None = None) -> BooleanNetwork:
    """Parse prime implicants (JSON, or the Python literal that pyboolnet writes)."""
    if not text.strip():
        raise ModelFileError(
            "empty primes file (expected {node: [zero_primes, one_primes]})", file=file
        )
    data = _load(text, file)
    if not isinstance(data, dict):
        raise ModelFileError(
            f"expected an object {{node: [zero_primes, one_primes]}}, found {type(data).__name__}",
            file=file,
            line=1,
        )
    if not data:
        raise ModelFileError("no nodes (empty primes object)", file=file, line=1)
    rules: list[Rule] = []
    for target, value in data.items():
        line = _line_of(text, target)
        if not isinstance(target, str) or not is_valid_name(target):
            raise ModelFileError(
                f"invalid node name {target!r} (use letters, digits and '_', not starting with "
                "a digit)",
                file=file,
                line=line,
            )
        zero, one = _check_pair(target, value, data, file, line)
        expr = _dnf(one)
        if not _same(_dnf(zero), not_(expr)):
            raise ModelFileError(
                f"the 0-primes and 1-primes of {target!r} are not complementary (the 0-primes "
                "must describe exactly the states where the 1-primes are false)",
                file=file,
                line=line,
            )
        rules.append(Rule(target, expr, line=line))
    return BooleanNetwork.create(name, rules, file=file)


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


def _load(text: str, file: str | None) -> Any:
    check_bracket_depth(text, file=file, what="not a primes file: JSON")
    candidates = [text]
    if "'" in text and '"' not in text:
        # pyboolnet's write_primes: str(dict), i.e. single-quoted names. Names hold no quotes.
        candidates.append(text.replace("'", '"'))
    first: json.JSONDecodeError | None = None
    for candidate in candidates:
        try:
            return json.loads(candidate, object_pairs_hook=_no_duplicates)
        except json.JSONDecodeError as exc:
            first = first or exc
        except RecursionError:
            raise ModelFileError(
                "not a primes file: JSON nested too deeply", file=file, line=1
            ) from None
        except _DuplicateKeyError as exc:
            # a node per line (as we write): the second line that starts with the key
            pattern = r"""^\s*[{,]?\s*["']""" + re.escape(exc.key) + r"""["']\s*:"""
            found = [m.start() for m in re.finditer(pattern, text, re.MULTILINE)]
            line = text.count("\n", 0, found[1]) + 1 if len(found) > 1 else None
            raise ModelFileError(
                f"{exc.key!r} appears twice in one object (duplicate node or regulator)",
                file=file,
                line=line,
            ) from None
    assert first is not None
    raise ModelFileError(
        f"not valid JSON: {first.msg}", file=file, line=first.lineno, column=first.colno
    ) from None


def _line_of(text: str, key: object) -> int | None:
    m = re.search(r"""["']""" + re.escape(str(key)) + r"""["']\s*:""", text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _check_pair(
    target: str, value: Any, data: dict[str, Any], file: str | None, line: int | None
) -> tuple[list[dict[str, int]], list[dict[str, int]]]:
    def fail(problem: str) -> ModelFileError:
        return ModelFileError(f"primes of {target!r}: {problem}", file=file, line=line)

    if not isinstance(value, list) or len(value) != 2:
        raise fail("expected a pair [zero_primes, one_primes]")
    for which, primes in zip(("0-primes", "1-primes"), value, strict=True):
        if not isinstance(primes, list):
            raise fail(f"the {which} must be a list of {{node: 0 or 1}} objects")
        for prime in primes:
            if not isinstance(prime, dict):
                raise fail(f"each of the {which} must be an object {{node: 0 or 1}}, not {prime!r}")
            for regulator, bit in prime.items():
                if regulator not in data:
                    raise fail(f"{which} read {regulator!r}, which is not a node of the file")
                if type(bit) is not int or bit not in (0, 1):
                    raise fail(f"{which}: value of {regulator!r} must be 0 or 1, not {bit!r}")
    return value[0], value[1]


def _dnf(primes: list[dict[str, int]]) -> Expr:
    terms: list[Expr] = []
    for prime in primes:
        literals = [var(reg) if bit else not_(var(reg)) for reg, bit in prime.items()]
        if not literals:
            return TRUE
        terms.append(and_(literals))
    return or_(terms) if terms else FALSE


def _same(a: Expr, b: Expr) -> bool:
    """``a`` and ``b`` (DNFs) compute the same function. Compared on BDDs whose variables come
    in the order the terms read them, smallest terms first: that keeps the BDD of a DNF such as
    ``a1 & b1 | a2 & b2 | ...`` linear (alphabetical order makes it exponential: 40 such
    variables took minutes)."""
    terms: list[Expr] = []
    for e in (a, b):
        e = e[1] if isinstance(e, Not) else e
        terms.extend(e[1] if isinstance(e, Or) else (e,))
    order: dict[str, None] = {}
    for term in sorted(terms, key=lambda t: len(t[1]) if isinstance(t, And) else 1):
        literals = term[1] if isinstance(term, And) else (term,)
        for literal in literals:
            literal = literal[1] if isinstance(literal, Not) else literal
            if isinstance(literal, Var):
                order.setdefault(literal[1], None)
    return equivalent(a, b, order=order)


MAX_PRIMES = 200_000
"""The most prime implicants (0- and 1-primes together) one node may have in a ``.primes``
export: the format lists every prime, and their number grows exponentially with some
functions."""


MAX_PRIME_WORK = 300_000
"""The most steps (recursive calls plus primes built) the computation may take for one network:
a bound on time (about half a minute at most) and memory; beyond it the export is refused as
for :data:`MAX_PRIMES`. The 0-primes of a wide disjunction (BBM model 122: 31 terms over 57
variables) are the products of its terms, too many for any tool."""


def _appearance(expr: Expr) -> list[str]:
    """The variables of ``expr`` in the order they first appear (a good BDD order)."""
    return variables_in_order(expr)


def primes_of(network: BooleanNetwork) -> dict[str, list[list[dict[str, int]]]]:
    """The prime implicants of ``network``, in the network's node order.

    They are computed from each update function's BDD (biodivine-aeon's BDDs, the recursion of
    Coudert and Madre: the primes of ``f`` are those of ``f|x=0 & f|x=1`` and, extended by the
    literal of ``x``, those of ``f|x=1`` and of ``f|x=0`` that are not among them), so their
    cost is that of the BDD, not of the rule's text; the tests compare them with pyboolnet's
    ``bnet2primes``.

    Raises
    ------
    ModelFileError
        A node has more than :data:`MAX_PRIMES` prime implicants.
    """
    from biodivine_aeon import BddVariableSet

    out: dict[str, list[list[dict[str, int]]]] = {}
    counter = [0]
    for node in network.node_names:
        expr = network.rules[node].expression
        bdd_vars = BddVariableSet(_appearance(expr) or ["_"])
        function = to_bdd(expr, bdd_vars)
        memo: dict[Any, frozenset[frozenset[tuple[int, bool]]]] = {}
        pair = []
        for f in (function.l_not(), function):
            found = _primes(f, memo, counter, node)
            pair.append(
                sorted(
                    (
                        {
                            bdd_vars.get_variable_name(v): int(value)
                            for v, value in sorted(prime, key=lambda lit: lit[0])
                        }
                        for prime in found
                    ),
                    key=lambda d: (len(d), sorted(d.items())),
                )
            )
        out[node] = pair
    return out


def _primes(
    f: Any,
    memo: dict[Any, frozenset[frozenset[tuple[Any, bool]]]],
    counter: list[int],
    node: str,
) -> frozenset[frozenset[tuple[Any, bool]]]:
    if f.is_false():
        return frozenset()
    if f.is_true():
        return frozenset((frozenset(),))
    key = f.data_string()
    known = memo.get(key)
    if known is not None:
        return known
    counter[0] += 1
    if counter[0] > MAX_PRIME_WORK:
        raise _too_many(node)
    x = min(f.support_set())
    f0 = f.r_restrict({x: False})
    f1 = f.r_restrict({x: True})
    both = _primes(f0.l_and(f1), memo, counter, node)
    result = set(both)
    for value, branch in ((True, f1), (False, f0)):
        for prime in _primes(branch, memo, counter, node):
            if prime not in both:
                result.add(prime | {(x, value)})
    counter[0] += len(result)
    if len(result) > MAX_PRIMES or counter[0] > MAX_PRIME_WORK:
        raise _too_many(node)
    frozen = frozenset(result)
    memo[key] = frozen
    return frozen


def _too_many(node: str) -> ModelFileError:
    return ModelFileError(
        f"{node!r} has too many prime implicants (more than {MAX_PRIMES}, or more than "
        f"{MAX_PRIME_WORK} built on the way); a .primes file lists every one of them, so "
        "this model cannot be written as .primes (write .bnet instead)"
    )


def to_primes(
    network: BooleanNetwork, primes: dict[str, list[list[dict[str, int]]]] | None = None
) -> str:
    """JSON prime implicants of ``network`` (pyboolnet's ``read_primes`` reads them); pass
    ``primes`` when they are computed already (e.g. within a budget:
    :func:`mtor_network.attractors.prime_implicants`)."""
    computed = primes_of(network) if primes is None else primes
    rows = [
        f"{json.dumps(node)}: {json.dumps(computed[node], sort_keys=True)}"
        for node in network.node_names
    ]
    return "{\n" + ",\n".join(rows) + "\n}\n"


def read_primes(path: str | Path) -> BooleanNetwork:
    """Read a prime-implicant file; the model is named after the file."""
    return read_file(parse_primes, path)


def write_primes(network: BooleanNetwork, path: str | Path) -> None:
    """Write the prime implicants of ``network`` as JSON (atomically)."""
    write_text_atomic(path, to_primes(network))


__all__ = ["parse_primes", "primes_of", "read_primes", "to_primes", "write_primes"]
