"""MaBoSS: a ``.bnd`` file (one ``Node X { logic = ...; rate_up = ...; rate_down = ...; }``
block per node, or one of the short declarations of MaBoSS's grammar, ``X : logic;`` or the
BNet-like ``X, logic``, whose ``;`` is optional) and a ``.cfg`` file (rates ``$u_X``/``$d_X``,
initial states, simulation parameters, output nodes) for the continuous-time stochastic
simulator MaBoSS.

Reading takes each node's Boolean function from its ``logic`` (MaBoSS operators ``AND OR NOT
XOR``, ``&& || ! ^``, ``& |``, constants ``0``/``1``; ``NOT`` binds tightest, then ``AND``, then
``OR``, then ``XOR``, as in MaBoSS). A node without ``logic`` is an input (``x, x``) and a
:class:`~mtor_network.exceptions.ModelWarning` says so. Rates, initial states and parameters do
not change the network; :func:`read_maboss_settings` returns them as :class:`MaBoSSSettings`.
Labels, descriptions, modules and justifications are kept as ``// key: value`` comments in the
node blocks and read back.

A MaBoSS archive (``.bnd.zip``: one ``.bnd`` and at most one ``.cfg``, as the explorer exports
them) is read by :func:`read_maboss_zip` / :func:`parse_maboss_zip` exactly as the pair on disk;
which members count is in :mod:`mtor_network.io.maboss._archive`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..._files import decode_text, read_bytes, read_text, write_files_atomic
from ...exceptions import ModelFileError, ModelWarning
from ...expressions import Expr, Var
from ...network import BooleanNetwork, Node, Rule
from .._source import decode_commented
from ._archive import archive_members, member_file
from ._bnd import _MODEL_META, _NODE_META, _meta, _scan, bnd_text, maboss_logic, parse_maboss_logic
from ._cfg import (
    _DOWN_FORMS,
    _UP_FORMS,
    DEFAULT_SETTINGS,
    MABOSS_PARAMETERS,
    _ArithError,
    _initial,
    _parse_cfg,
    _rate,
    _rates,
    _settings,
    cfg_text,
)


@dataclass(frozen=True)
class MaBoSSSettings:
    """What a MaBoSS ``.bnd``/``.cfg`` pair says beyond the Boolean functions.

    - ``rates``: node -> (activation rate, inactivation rate), applied when the node's logic
      disagrees with its value; only nodes whose rate expressions have the standard form
      ``@logic ? R : 0`` / ``@logic ? 0 : R`` or are ``0`` (absent rates are 1);
    - ``rate_expressions``: node -> (``rate_up``, ``rate_down``) as written in the ``.bnd``
      (empty strings where absent);
    - ``initial_state``: node -> probability that the node starts ON (nodes not listed start
      at random, 0.5, as in MaBoSS);
    - ``parameters``: global parameters (``time_tick``, ``max_time``, ``sample_count``, ...);
    - ``variables``: ``$name`` -> value (without the ``$``);
    - ``outputs``: the nodes that are not ``is_internal`` (MaBoSS reports only these).
    """

    rates: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    rate_expressions: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    initial_state: Mapping[str, float] = field(default_factory=dict)
    parameters: Mapping[str, float] = field(default_factory=dict)
    variables: Mapping[str, float] = field(default_factory=dict)
    outputs: tuple[str, ...] = ()


_TERNARY_RE = re.compile(r"^\s*\$(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\?(?P<rest>.*)$", re.DOTALL)


def _choose_branch(
    logic: str, variables: dict[str, float] | None, node: str, file: str | None, line: int
) -> str:
    """The branch of a logic ``$case ? A : B`` that the ``.cfg``'s value of ``$case`` selects
    (MaBoSS evaluates it so: a parameter is a constant of the run); other logic unchanged."""
    while (m := _TERNARY_RE.match(logic)) is not None:
        rest = m.group("rest")
        depth, split = 0, -1
        for i, char in enumerate(rest):
            depth += char == "("
            depth -= char == ")"
            if char == ":" and depth == 0:
                split = i
                break
        if split < 0:
            raise ModelFileError(
                f"logic of {node!r}: '${m.group('name')} ? ...' without ':'", file=file, line=line
            )
        name = m.group("name")
        if variables is None or name not in variables:
            raise ModelFileError(
                f"logic of {node!r} chooses by the parameter ${name}, which "
                + ("no .cfg file sets" if variables is None else "the .cfg file does not set"),
                file=file,
                line=line,
            )
        logic = rest[:split] if variables[name] != 0 else rest[split + 1 :]
    return logic


def parse_maboss(
    bnd_text: str,
    cfg_text: str | None = None,
    *,
    name: str = "model",
    file: str | None = None,
    cfg_file: str | None = None,
) -> BooleanNetwork:
    """Parse a MaBoSS model: ``.bnd`` text and, optionally, its ``.cfg`` text.

    The network is made of the ``logic`` of each node; a node without ``logic`` becomes an input
    ``x, x`` (with a :class:`ModelWarning`), and so does a warning flag rates that do not follow
    ``@logic``. The ``.cfg`` is checked (syntax, node names) but does not change the network:
    see :func:`parse_maboss_settings`.
    """
    header, blocks = _scan(bnd_text, file)
    where = file or "<text>"
    variables: dict[str, float] | None = None
    if cfg_text is not None:  # the parameters a logic may choose by ($case ? A : B)
        variables = _parse_cfg(cfg_text, [b.name for b in blocks], cfg_file).variables
    rules: list[Rule] = []
    nodes: list[Node] = []
    for block in blocks:
        meta = _meta(block.comments, _NODE_META)
        logic = block.attrs.get("logic")
        if logic is None:
            warnings.warn(
                ModelWarning(
                    f"{where}, line {block.line}: node {block.name!r} has no 'logic'; it is "
                    f"taken as an input '{block.name}, {block.name}' (it keeps its initial value)"
                ),
                stacklevel=2,
            )
            expr: Expr = Var(block.name)
            line = block.line
        else:
            text = _choose_branch(logic.value, variables, block.name, file, logic.line)
            expr = parse_maboss_logic(text, target=block.name, file=file, line=logic.line)
            line = logic.line
            for rate in ("rate_up", "rate_down"):
                attr = block.attrs.get(rate)
                if attr is not None and "@logic" not in attr.value:
                    warnings.warn(
                        ModelWarning(
                            f"{where}, line {attr.line}: {rate} of {block.name!r} "
                            f"({attr.value.strip()}) does not depend on @logic; the network "
                            "keeps the node's logic, which MaBoSS does not follow here"
                        ),
                        stacklevel=2,
                    )
        rules.append(Rule(block.name, expr, justification=meta.get("justification", ""), line=line))
        kind = meta.get("kind", "")
        if kind not in ("input", "internal", "output"):
            kind = "input" if expr[0] == "const" or expr == Var(block.name) else "internal"
        nodes.append(
            Node(
                block.name,
                label=meta.get("label", ""),
                description=meta.get("description", ""),
                module=meta.get("module", ""),
                kind=kind,  # type: ignore[arg-type]
            )
        )
    network = BooleanNetwork.create(name, rules, nodes=nodes, file=file)
    if cfg_text is not None:
        _parse_cfg(cfg_text, network.node_names, cfg_file)
    model = _meta(header, _MODEL_META)
    return replace(
        network,
        title=model.get("title", ""),
        version=model.get("version", ""),
        description=model.get("description", ""),
    )


def parse_maboss_settings(
    bnd_text: str,
    cfg_text: str | None = None,
    *,
    file: str | None = None,
    cfg_file: str | None = None,
) -> MaBoSSSettings:
    """The rates, initial states, parameters and outputs of a MaBoSS model (see
    :class:`MaBoSSSettings`); errors name the ``.bnd`` or ``.cfg`` file and line."""
    _, blocks = _scan(bnd_text, file)
    names = [b.name for b in blocks]
    cfg = _parse_cfg(cfg_text or "", names, cfg_file)

    def lookup(var: str) -> float:
        if var not in cfg.variables:
            raise _ArithError(f"${var} is not defined")
        return cfg.variables[var]

    rates: dict[str, tuple[float, float]] = {}
    expressions: dict[str, tuple[str, str]] = {}
    for block in blocks:
        up_attr, down_attr = block.attrs.get("rate_up"), block.attrs.get("rate_down")
        up_text = " ".join(up_attr.value.split()) if up_attr else None
        down_text = " ".join(down_attr.value.split()) if down_attr else None
        expressions[block.name] = (up_text or "", down_text or "")
        up = _rate(up_text, _UP_FORMS, lookup)
        down = _rate(down_text, _DOWN_FORMS, lookup)
        if up is not None and down is not None:
            rates[block.name] = (up, down)
    return MaBoSSSettings(
        rates=rates,
        rate_expressions=expressions,
        initial_state=cfg.istate,
        parameters=cfg.parameters,
        variables=cfg.variables,
        outputs=tuple(n for n in names if not cfg.internal.get(n, False)),
    )


def _pair(path: str | Path) -> tuple[Path, Path]:
    """(bnd, cfg) paths for a ``.bnd`` or ``.cfg`` path."""
    p = Path(path)
    if p.suffix.lower() == ".cfg":
        bnd = p.with_suffix(".bnd")
        if not bnd.exists():
            raise ModelFileError(
                f"a MaBoSS .cfg needs its .bnd: {bnd.name} not found next to it", file=str(p)
            )
        return bnd, p
    return p, p.with_suffix(".cfg")


def read_maboss(path: str | Path) -> BooleanNetwork:
    """Read a MaBoSS model from ``X.bnd`` (and ``X.cfg`` beside it, if present); a ``.cfg`` path
    reads the ``.bnd`` beside it. The model is named after the file."""
    bnd, cfg = _pair(path)
    cfg_text = read_text(cfg) if cfg.exists() else None
    bnd_text = decode_commented(read_bytes(bnd), str(bnd), ("//", "/*"))
    return parse_maboss(bnd_text, cfg_text, name=bnd.stem, file=str(bnd), cfg_file=str(cfg))


def read_maboss_settings(path: str | Path) -> MaBoSSSettings:
    """The :class:`MaBoSSSettings` of ``X.bnd`` and ``X.cfg`` (either path may be given)."""
    bnd, cfg = _pair(path)
    cfg_text = read_text(cfg) if cfg.exists() else None
    return parse_maboss_settings(read_text(bnd), cfg_text, file=str(bnd), cfg_file=str(cfg))


# ---- archives (.bnd.zip) ------------------------------------------------------------------------
ARCHIVE_SUFFIX = ".bnd.zip"


def _archive_texts(data: bytes, file: str | None) -> tuple[str, str | None, str, str]:
    """(bnd text, cfg text or None, bnd file, cfg file) of a MaBoSS archive, decoded as the
    files on disk are; the files are named ``archive!member``."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"data must be the bytes of a .zip, not {type(data).__name__}")
    members = archive_members(bytes(data), file)
    bnd_file = member_file(file, members.bnd_name)
    cfg_file = member_file(file, members.cfg_name or "")
    bnd_text = decode_commented(members.bnd, bnd_file, ("//", "/*"))
    cfg_text = None if members.cfg is None else decode_text(members.cfg, cfg_file)
    return bnd_text, cfg_text, bnd_file, cfg_file


def parse_maboss_zip(
    data: bytes, *, name: str = "model", file: str | None = None
) -> BooleanNetwork:
    """Parse a MaBoSS archive: the bytes of a ``.zip`` holding one ``.bnd`` and at most one
    ``.cfg`` (any names, in folders or not; other members are ignored with a warning).

    The pair is read by :func:`parse_maboss` as on disk: the ``.cfg``'s ``$case`` parameters
    choose the branches of ``$case ? A : B`` logic, and it is checked against the nodes.

    Parameters
    ----------
    data
        The bytes of the archive (e.g. an upload).
    name
        The network's name.
    file
        The archive's name in messages; a member is named ``file!member``.

    Returns
    -------
    BooleanNetwork
        The model; its ``source`` is ``file``.

    Raises
    ------
    ModelFileError
        Not a zip archive; no ``.bnd``, several ``.bnd`` or ``.cfg``; an encrypted, oversized
        or corrupt member; or an error of the ``.bnd`` or ``.cfg`` (naming the member and line).
    """
    bnd_text, cfg_text, bnd_file, cfg_file = _archive_texts(data, file)
    network = parse_maboss(bnd_text, cfg_text, name=name, file=bnd_file, cfg_file=cfg_file)
    return replace(network, source=file)


def parse_maboss_zip_settings(data: bytes, *, file: str | None = None) -> MaBoSSSettings:
    """The :class:`MaBoSSSettings` of a MaBoSS archive (see :func:`parse_maboss_zip`)."""
    bnd_text, cfg_text, bnd_file, cfg_file = _archive_texts(data, file)
    return parse_maboss_settings(bnd_text, cfg_text, file=bnd_file, cfg_file=cfg_file)


def _archive_stem(p: Path) -> str:
    name = p.name
    if name.lower().endswith(ARCHIVE_SUFFIX) and len(name) > len(ARCHIVE_SUFFIX):
        return name[: -len(ARCHIVE_SUFFIX)]
    return p.stem


def read_maboss_zip(path: str | Path) -> BooleanNetwork:
    """Read a MaBoSS archive ``X.bnd.zip`` (see :func:`parse_maboss_zip`); the model is named
    ``X``. Nothing is extracted to disk."""
    p = Path(path)
    # a regular file of at most MAX_MODEL_BYTES, never a FIFO or device
    return parse_maboss_zip(read_bytes(p), name=_archive_stem(p), file=str(p))


def read_maboss_zip_settings(path: str | Path) -> MaBoSSSettings:
    """The :class:`MaBoSSSettings` of a MaBoSS archive ``X.bnd.zip``."""
    p = Path(path)
    return parse_maboss_zip_settings(read_bytes(p), file=str(p))


# ---- writing ----------------------------------------------------------------------------------
def to_maboss(
    network: BooleanNetwork,
    *,
    rates: Mapping[str, float | tuple[float, float]] | None = None,
    initial_state: Mapping[str, bool | int | float] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> tuple[str, str]:
    """The MaBoSS ``(bnd, cfg)`` texts of ``network``.

    - ``rates``: node -> rate, or (activation, inactivation) rates; written as ``$u_X`` and
      ``$d_X`` in the ``.cfg`` (default 1 for every node);
    - ``initial_state``: node -> 0/1 (fixed start) or the probability of starting ON; nodes not
      given start at random (``[X].istate = 0.5 [0], 0.5 [1];``);
    - ``settings``: MaBoSS parameters overriding :data:`DEFAULT_SETTINGS` (``time_tick``,
      ``max_time``, ``sample_count``, ``seed_pseudorandom``, ``thread_count``, ...), and
      ``outputs``: ``"markers"`` (default: the proliferation/apoptosis markers and the output
      nodes), ``"all"`` or a list of node names; the other nodes are ``is_internal``.
    """
    bnd = bnd_text(network)
    rate_map = _rates(network, rates)
    start = _initial(network, initial_state)
    params, outputs = _settings(network, settings)

    return bnd, cfg_text(network, rate_map, start, params, outputs)


def write_maboss(
    network: BooleanNetwork,
    path: str | Path,
    *,
    rates: Mapping[str, float | tuple[float, float]] | None = None,
    initial_state: Mapping[str, bool | int | float] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> None:
    """Write ``X.bnd`` and ``X.cfg`` for ``path`` ``X.bnd`` (or ``X.cfg``).

    Both files are written in full to temporary files before either is renamed into place, so
    an error (a full disk) leaves the old pair as it was, never a new ``.bnd`` beside an old or
    missing ``.cfg``.
    """
    bnd_path, cfg_path = _pair_for_writing(path)
    bnd, cfg = to_maboss(network, rates=rates, initial_state=initial_state, settings=settings)
    write_files_atomic([(bnd_path, bnd.encode("utf-8")), (cfg_path, cfg.encode("utf-8"))])


def _pair_for_writing(path: str | Path) -> tuple[Path, Path]:
    p = Path(path)
    if p.suffix.lower() in (".bnd", ".cfg"):
        return p.with_suffix(".bnd"), p.with_suffix(".cfg")
    return p.with_name(p.name + ".bnd"), p.with_name(p.name + ".cfg")


__all__ = [
    "ARCHIVE_SUFFIX",
    "DEFAULT_SETTINGS",
    "MABOSS_PARAMETERS",
    "MaBoSSSettings",
    "maboss_logic",
    "parse_maboss",
    "parse_maboss_logic",
    "parse_maboss_settings",
    "parse_maboss_zip",
    "parse_maboss_zip_settings",
    "read_maboss",
    "read_maboss_settings",
    "read_maboss_zip",
    "read_maboss_zip_settings",
    "to_maboss",
    "write_maboss",
]
