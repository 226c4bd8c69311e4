"""The ``.cfg`` file of a MaBoSS model: a small arithmetic for values and rates (never
``eval``), the reader of variables, initial states, parameters and outputs, and the writer."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ...exceptions import (
    ModelFileError,
    ModelWarning,
    MtorNetworkError,
    UnknownNameError,
    UnknownNodeError,
)
from ...expressions import MAX_NESTING
from ...network import BooleanNetwork
from ._bnd import _NAME, _comment, _Lines

#: Simulation parameters written to the ``.cfg`` unless ``settings`` overrides them.
DEFAULT_SETTINGS: Mapping[str, float] = MappingProxyType(
    {
        "time_tick": 0.5,
        "max_time": 100,
        "sample_count": 10000,
        "discrete_time": 0,
        "use_physrandgen": 0,
        "seed_pseudorandom": 0,
        "thread_count": 1,
    }
)

#: Every global parameter MaBoSS reads from a ``.cfg`` (``to_maboss`` refuses others).
MABOSS_PARAMETERS = frozenset(
    {
        "time_tick",
        "max_time",
        "sample_count",
        "discrete_time",
        "use_physrandgen",
        "use_mtrandgen",
        "seed_pseudorandom",
        "thread_count",
        "display_traj",
        "statdist_traj_count",
        "statdist_cluster_threshold",
        "statdist_similarity_cache_max_size",
    }
)


# ---- small arithmetic for .cfg values and rates (never eval) ---------------------------------
_ARITH_TOKEN = re.compile(
    r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|(?P<var>\$" + _NAME + r")"
    r"|(?P<word>" + _NAME + r")|(?P<op>[-+*/()]))"
)


class _ArithError(Exception):
    pass


def _arith(text: str, lookup: Any) -> float:
    """Evaluate numbers, ``$variables``, ``TRUE``/``FALSE``, ``+ - * /`` and parentheses."""
    toks: list[tuple[str, str]] = []
    pos = 0
    stripped = text.strip()
    while pos < len(stripped):
        m = _ARITH_TOKEN.match(stripped, pos)
        if not m or m.end() == pos:
            raise _ArithError(f"cannot read {stripped[pos:][:20]!r} as a number")
        kind = m.lastgroup or ""
        toks.append((kind, m.group(kind)))
        pos = m.end()
    i = 0
    depth = 0

    def deeper() -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_NESTING:
            raise _ArithError(f"nested more than {MAX_NESTING} levels deep")

    def peek() -> tuple[str, str] | None:
        return toks[i] if i < len(toks) else None

    def expr() -> float:
        nonlocal i
        value = term()
        while (t := peek()) and t[1] in "+-" and t[0] == "op":
            i += 1
            value = value + term() if t[1] == "+" else value - term()
        return value

    def term() -> float:
        nonlocal i
        value = unary()
        while (t := peek()) and t[1] in "*/" and t[0] == "op":
            i += 1
            right = unary()
            if t[1] == "*":
                value *= right
            elif right == 0:
                raise _ArithError("division by zero")
            else:
                value /= right
        return value

    def unary() -> float:
        nonlocal i, depth
        t = peek()
        if t and t[0] == "op" and t[1] in "+-":
            i += 1
            deeper()
            value = unary()
            depth -= 1
            return value if t[1] == "+" else -value
        return atom()

    def atom() -> float:
        nonlocal i, depth
        t = peek()
        if t is None:
            raise _ArithError("a value is missing")
        i += 1
        kind, value = t
        if kind == "number":
            return float(value)
        if kind == "var":
            return float(lookup(value[1:]))
        if kind == "word" and value.upper() in ("TRUE", "FALSE"):
            return 1.0 if value.upper() == "TRUE" else 0.0
        if value == "(":
            deeper()
            inner = expr()
            depth -= 1
            if peek() != ("op", ")"):
                raise _ArithError("missing ')'")
            i += 1
            return inner
        raise _ArithError(f"cannot read {value!r} as a number")

    result = expr()
    if i != len(toks):
        raise _ArithError(f"unexpected {toks[i][1]!r}")
    return result


# ---- .cfg -------------------------------------------------------------------------------------
@dataclass
class _Cfg:
    variables: dict[str, float]
    parameters: dict[str, float]
    istate: dict[str, float]
    internal: dict[str, bool]


def _strip_comments(text: str, file: str | None) -> str:
    """Comments replaced by spaces (line breaks kept, so offsets keep their line numbers)."""

    def blank(m: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", m.group(0))

    if re.search(r"/\*(?![\s\S]*?\*/)", text):
        start = re.search(r"/\*(?![\s\S]*?\*/)", text)
        assert start is not None
        raise ModelFileError(
            "unterminated comment: '/*' without '*/'",
            file=file,
            line=text[: start.start()].count("\n") + 1,
        )
    return re.sub(r"//[^\n]*|/\*[\s\S]*?\*/", blank, text)


_VAR_STMT = re.compile(r"\$(" + _NAME + r")\s*=\s*([\s\S]+)\Z")
_JOINT_STMT = re.compile(
    r"\[\s*(" + _NAME + r"(?:\s*,\s*" + _NAME + r")*)\s*\]\s*\.\s*istate\s*=\s*([\s\S]+)\Z"
)
_NODE_STMT = re.compile(r"(" + _NAME + r")\s*\.\s*(" + _NAME + r")\s*=\s*([\s\S]+)\Z")
_PARAM_STMT = re.compile(r"(" + _NAME + r")\s*=\s*([\s\S]+)\Z")
_ISTATE_ITEM = re.compile(r"\s*([^\[\],]+?)\s*\[\s*([^\]]*)\]\s*(?:,|\Z)")


def _parse_cfg(text: str, nodes: Iterable[str], file: str | None) -> _Cfg:
    known = list(nodes)
    known_set = set(known)
    clean = _strip_comments(text, file)
    line_of = _Lines(clean)
    statements: list[tuple[str, int]] = []
    start = 0
    for semicolon in re.finditer(";", clean):
        chunk = clean[start : semicolon.start()]
        if chunk.strip():
            offset = start + len(chunk) - len(chunk.lstrip())
            statements.append((chunk.strip(), line_of(offset)))
        start = semicolon.end()
    tail = clean[start:]
    if tail.strip():
        offset = start + len(tail) - len(tail.lstrip())
        raise ModelFileError(
            f"missing ';' at the end of {tail.strip()[:40]!r}", file=file, line=line_of(offset)
        )

    raw_vars: dict[str, tuple[str, int]] = {}
    for stmt, line in statements:
        var = _VAR_STMT.match(stmt)
        if var:
            raw_vars[var.group(1)] = (var.group(2), line)
    values: dict[str, float] = {}
    resolving: list[str] = []

    def lookup(name: str) -> float:
        if name in values:
            return values[name]
        if name not in raw_vars:
            raise _ArithError(f"variable ${name} is not defined")
        if name in resolving:
            raise _ArithError(f"variable ${name} is defined in terms of itself")
        if len(resolving) >= MAX_NESTING:
            raise _ArithError(
                f"variable ${name} is defined through more than {MAX_NESTING} other variables"
            )
        resolving.append(name)
        try:
            values[name] = _arith(raw_vars[name][0], lookup)
        finally:
            resolving.pop()
        return values[name]

    def number(expr: str, line: int, what: str) -> float:
        try:
            return _arith(expr, lookup)
        except _ArithError as exc:
            raise ModelFileError(f"{what}: {exc}", file=file, line=line) from None

    def node_name(name: str, line: int) -> str:
        if name not in known_set:
            raise ModelFileError(
                f"the configuration refers to node {name!r}, which the .bnd file does not "
                f"define.{_suggest(name, known)}",
                file=file,
                line=line,
            )
        return name

    cfg = _Cfg(variables={}, parameters={}, istate={}, internal={})
    for name, (_, line) in raw_vars.items():
        cfg.variables[name] = number(f"${name}", line, f"value of ${name}")
    for stmt, line in statements:
        if _VAR_STMT.match(stmt):
            continue
        m = _JOINT_STMT.match(stmt)
        if m:
            names = [node_name(n.strip(), line) for n in m.group(1).split(",")]
            cfg.istate.update(_joint_istate(names, m.group(2), line, number, file))
            continue
        m = _NODE_STMT.match(stmt)
        if m:
            node, attr, value = node_name(m.group(1), line), m.group(2), m.group(3)
            if attr == "istate":
                v = number(value, line, f"initial state of {node}")
                if v == -1:
                    cfg.istate[node] = 0.5
                elif v in (0.0, 1.0):
                    cfg.istate[node] = v
                else:
                    warnings.warn(
                        ModelWarning(
                            f"{file or '<text>'}, line {line}: MaBoSS reads '{node}.istate = "
                            f"{value.strip()}' as 1 (a non-zero value); for a random start write "
                            f"'[{node}].istate = 0.5 [0], 0.5 [1];'"
                        ),
                        stacklevel=4,
                    )
                    cfg.istate[node] = 1.0
            elif attr == "is_internal":
                cfg.internal[node] = number(value, line, f"is_internal of {node}") != 0
            elif attr in ("refstate", "in_graph", "schedule"):
                continue  # simulation details that do not change the network or the settings
            else:
                raise ModelFileError(
                    f"unknown node setting '{node}.{attr}' (MaBoSS knows istate, is_internal, "
                    "refstate, in_graph, schedule)",
                    file=file,
                    line=line,
                )
            continue
        m = _PARAM_STMT.match(stmt)
        if m:
            if m.group(1) not in MABOSS_PARAMETERS:
                warnings.warn(
                    ModelWarning(
                        f"{file or '<text>'}, line {line}: unknown MaBoSS parameter "
                        f"{m.group(1)!r} (kept in the settings)."
                        f"{_suggest(m.group(1), MABOSS_PARAMETERS)}"
                    ),
                    stacklevel=4,
                )
            cfg.parameters[m.group(1)] = number(m.group(2), line, f"value of {m.group(1)}")
            continue
        raise ModelFileError(
            f"cannot read {stmt[:50]!r} (expected '$var = value;', 'NODE.istate = value;', "
            "'[NODE].istate = p [0], q [1];', 'NODE.is_internal = 0|1;' or 'parameter = value;')",
            file=file,
            line=line,
        )
    return cfg


def _joint_istate(
    names: list[str], text: str, line: int, number: Any, file: str | None
) -> dict[str, float]:
    """Marginal ON probabilities from ``p1 [v, ...], p2 [v, ...]``."""
    weights: list[tuple[float, list[int]]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _ISTATE_ITEM.match(text, pos)
        if not m or m.end() == pos:
            raise ModelFileError(
                f"cannot read the initial state {text[pos:][:40]!r} of [{', '.join(names)}] "
                "(expected 'p [v, ...], q [v, ...]')",
                file=file,
                line=line,
            )
        prob = number(m.group(1), line, f"probability in the initial state of {names}")
        raw = [v.strip() for v in m.group(2).split(",")]
        if len(raw) != len(names) or any(v not in ("0", "1") for v in raw):
            raise ModelFileError(
                f"initial state [{m.group(2).strip()}] needs {len(names)} values 0 or 1 "
                f"(one per node of [{', '.join(names)}])",
                file=file,
                line=line,
            )
        if prob < 0:
            raise ModelFileError(f"negative probability {prob:g}", file=file, line=line)
        weights.append((prob, [int(v) for v in raw]))
        pos = m.end()
    total = sum(p for p, _ in weights)
    if not weights or total <= 0:
        raise ModelFileError(
            f"the initial state of [{', '.join(names)}] has no positive probability",
            file=file,
            line=line,
        )
    return {
        name: sum(p for p, vals in weights if vals[k] == 1) / total for k, name in enumerate(names)
    }


def _suggest(name: str, pool: Iterable[str]) -> str:
    from ...exceptions import suggest

    return suggest(name, pool)


_RATE_VALUE = r"(\$" + _NAME + r"|[0-9.eE+-]+|\([^()]*\))"
_UP_FORMS = (re.compile(r"@logic\s*\?\s*" + _RATE_VALUE + r"\s*:\s*0(?:\.0*)?\Z"),)
_DOWN_FORMS = (
    re.compile(r"@logic\s*\?\s*0(?:\.0*)?\s*:\s*" + _RATE_VALUE + r"\Z"),
    re.compile(r"(?:!|NOT\s+)\s*@logic\s*\?\s*" + _RATE_VALUE + r"\s*:\s*0(?:\.0*)?\Z"),
)


def _unwrap(text: str) -> str:
    text = " ".join(text.split())
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for k, ch in enumerate(text):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0 and k < len(text) - 1:
                return text
        text = text[1:-1].strip()
    return text


def _rate(text: str | None, forms: Iterable[re.Pattern[str]], variables: Any) -> float | None:
    if text is None:
        return 1.0
    body = _unwrap(text)
    for form in forms:
        m = form.match(body)
        if m:
            try:
                return _arith(m.group(1), variables)
            except _ArithError:
                return None
    try:  # a constant 0: the node never moves that way, whatever its logic
        return 0.0 if _arith(body, variables) == 0 else None
    except _ArithError:
        return None


# ---- writing ----------------------------------------------------------------------------------
def _num(value: float) -> str:
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _check_nodes(network: BooleanNetwork, names: Iterable[str]) -> None:
    for name in names:
        if name not in network.rules:
            raise UnknownNodeError(name, network.node_names)


def _rates(
    network: BooleanNetwork, rates: Mapping[str, float | tuple[float, float]] | None
) -> dict[str, tuple[float, float]]:
    given = dict(rates or {})
    _check_nodes(network, given)
    out: dict[str, tuple[float, float]] = {}
    for name in network.node_names:
        value = given.get(name, 1.0)
        pair = (
            (value, value) if isinstance(value, int | float) else tuple(value)  # type: ignore[arg-type]
        )
        if len(pair) != 2 or not all(
            isinstance(r, int | float) and math.isfinite(r) and r >= 0 for r in pair
        ):
            raise MtorNetworkError(
                f"rate of {name!r} must be a number >= 0 or a pair (up, down) of them, "
                f"not {value!r}"
            )
        out[name] = (float(pair[0]), float(pair[1]))
    return out


def _initial(
    network: BooleanNetwork, initial_state: Mapping[str, bool | int | float] | None
) -> dict[str, float]:
    given = dict(initial_state or {})
    _check_nodes(network, given)
    out: dict[str, float] = {}
    for name in network.node_names:
        value = given.get(name, 0.5)
        if not isinstance(value, bool | int | float) or not 0 <= float(value) <= 1:
            raise MtorNetworkError(
                f"initial state of {name!r} must be 0, 1 or a probability of being ON in "
                f"[0, 1], not {value!r}"
            )
        out[name] = float(value)
    return out


def _settings(
    network: BooleanNetwork, settings: Mapping[str, Any] | None
) -> tuple[dict[str, float], list[str]]:
    given = dict(settings or {})
    outputs_spec = given.pop("outputs", "markers")
    params: dict[str, float] = dict(DEFAULT_SETTINGS)
    for key, value in given.items():
        if key not in MABOSS_PARAMETERS:
            raise UnknownNameError("MaBoSS setting", key, [*MABOSS_PARAMETERS, "outputs"])
        if isinstance(value, bool):
            value = int(value)
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise MtorNetworkError(f"MaBoSS setting {key!r} must be a number, not {value!r}")
        params[key] = value
    if outputs_spec == "all":
        outputs = list(network.node_names)
    elif outputs_spec == "markers":
        markers = [network.phenotypes.proliferation, network.phenotypes.apoptosis]
        outputs = [m for m in markers if m is not None]
        outputs += [n.name for n in network.nodes if n.kind == "output" and n.name not in outputs]
        if not outputs:
            outputs = list(network.node_names)
    elif isinstance(outputs_spec, str):
        raise MtorNetworkError(
            f"outputs must be 'markers', 'all' or a list of node names, not {outputs_spec!r}"
        )
    else:
        outputs = list(outputs_spec)
        _check_nodes(network, outputs)
    return params, outputs


def cfg_text(
    network: BooleanNetwork,
    rate_map: Mapping[str, tuple[float, float]],
    start: Mapping[str, float],
    params: Mapping[str, float],
    outputs: Iterable[str],
) -> str:
    """The ``.cfg`` text: rates, initial states, parameters and outputs (checked already by
    :func:`_rates`, :func:`_initial` and :func:`_settings`)."""
    cfg: list[str] = [
        f"// MaBoSS configuration of {_comment(network.name)} {_comment(network.version)}".rstrip(),
        "",
        "// rates: $u_X switches X on, $d_X switches it off",
    ]
    for name, (up, down) in rate_map.items():
        cfg.append(f"$u_{name} = {_num(up)};")
        cfg.append(f"$d_{name} = {_num(down)};")
    cfg += ["", "// initial state: 0 or 1, or [X].istate = P(off) [0], P(on) [1]"]
    for name, p in start.items():
        if p in (0.0, 1.0):
            cfg.append(f"{name}.istate = {int(p)};")
        else:
            cfg.append(f"[{name}].istate = {_num(1 - p)} [0], {_num(p)} [1];")
    cfg += ["", "// simulation"]
    for key, value in params.items():
        cfg.append(f"{key} = {_num(value)};")
    cfg += ["", "// outputs (is_internal = 0) are the nodes MaBoSS reports"]
    output_set = set(outputs)
    for name in network.node_names:
        cfg.append(f"{name}.is_internal = {0 if name in output_set else 1};")
    return "\n".join(cfg) + "\n"
