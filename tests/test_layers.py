"""The package's layers (``../shared/DESIGN.md``, "Target layout"): every import, at module level
or inside a function, points down or sideways, never up; module-level imports have no cycle
except the lazy network/perturbations pair; nothing below the web app imports Dash."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "mtor_network"

# lowest first; a module may import its own layer and those below
LAYERS: list[tuple[str, ...]] = [
    (
        "exceptions",
        "types",
        "_files",
        "_filenames",
        "_cache",
        "_optional",
        "_format",
        "_html",
        "__main__",
    ),
    ("expressions",),
    ("network", "perturbations", "phenotypes"),
    ("io", "models"),
    ("attractors",),
    ("analysis", "simulation", "interop"),
    ("export",),
    ("viz",),
    ("cli", "webapp"),
]
EXEMPT = {("__init__",), ("__main__",)}  # the curated API and `python -m` see everything


def layer_of(module: tuple[str, ...]) -> int:
    for index, names in enumerate(LAYERS):
        if module[0] in names:
            return index
    raise AssertionError(f"mtor_network.{'.'.join(module)} is in no layer: add it to LAYERS")


def modules() -> Iterator[tuple[tuple[str, ...], Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        yield parts, path


def imports(module: tuple[str, ...], path: Path) -> Iterator[tuple[tuple[str, ...], bool, int]]:
    """(imported package-relative module, at module level?, line) for every import of ours."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    top_level = {id(node) for node in tree.body}
    guarded = set()  # `if TYPE_CHECKING:` blocks: no import at run time
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            guarded |= {id(n) for n in ast.walk(node)}
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        level_one = id(node) in top_level
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(module if is_package else module[:-1])
                if node.level > 1:
                    base = base[: len(base) - (node.level - 1)]
                target = tuple(base) + tuple((node.module or "").split(".") if node.module else ())
                if not node.module:  # from . import a, b
                    for alias in node.names:
                        yield (*target, alias.name), level_one, node.lineno
                    continue
            elif node.module and node.module.split(".")[0] == "mtor_network":
                target = tuple(node.module.split(".")[1:])
            else:
                continue
            if target:
                yield target, level_one, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "mtor_network" and len(parts) > 1:
                    yield tuple(parts[1:]), level_one, node.lineno


ALL = list(modules())


def test_every_module_is_in_a_layer() -> None:
    for module, _ in ALL:
        if module not in EXEMPT:
            layer_of(module)


def test_no_import_runs_up_a_layer() -> None:
    upward = []
    for module, path in ALL:
        if module in EXEMPT:
            continue
        mine = layer_of(module)
        for target, _, line in imports(module, path):
            if target == () or target[0] in ("__init__", "__version__"):
                continue  # the package's version is metadata, not an upward dependency
            if layer_of(target) > mine:
                upward.append(f"{path.relative_to(PACKAGE)}:{line} imports {'.'.join(target)}")
    assert upward == []


def test_module_level_imports_have_no_cycle_but_network_and_perturbations() -> None:
    graph: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for module, path in ALL:
        graph[module] = {t for t, top, _ in imports(module, path) if top}
    allowed = {frozenset({("network",), ("perturbations",)})}
    cycles = []
    for start in graph:
        stack = [(start, (start,))]
        while stack:
            node, trail = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start and len(trail) > 1:
                    if frozenset(trail) not in allowed:
                        cycles.append(" -> ".join(".".join(m) for m in (*trail, start)))
                elif nxt not in trail and nxt in graph and len(trail) < 6:
                    stack.append((nxt, (*trail, nxt)))
    assert sorted(set(cycles)) == []


@pytest.mark.parametrize("module", [m for m, _ in ALL if m[0] not in ("webapp", "cli")])
def test_nothing_below_the_web_app_imports_dash(module: tuple[str, ...]) -> None:
    path = dict(ALL)[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ] + [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [n for n in names if n.split(".")[0] in ("dash", "dash_cytoscape", "flask")]
