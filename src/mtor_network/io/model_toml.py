"""The human-edited source of truth of a model: a TOML file with nodes, rules, references and
the registry of drugs, genotypes and environments (see ``networks/hr_breast_cancer.toml``)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from ..exceptions import ModelFileError
from ..expressions import parse_expression
from ..network import BooleanNetwork, Node, PhenotypeMarkers, Reference, Rule
from ..perturbations import Perturbation
from ._files import read_text

_NODE_KINDS = {"input", "internal", "output"}
_TABLE_LINE = re.compile(r"^\s*\[\[\s*(node|drug|genotype|environment)\s*\]\]\s*$")
_KEY_LINE = re.compile(r"^\s*([A-Za-z_]+)\s*=")


def _line_index(text: str) -> dict[tuple[str, int, str], int]:
    """Map (table kind, index, key) -> line number, for error messages."""
    where: dict[tuple[str, int, str], int] = {}
    counters: dict[str, int] = {}
    current: tuple[str, int] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        m = _TABLE_LINE.match(line)
        if m:
            kind = m.group(1)
            counters[kind] = counters.get(kind, -1) + 1
            current = (kind, counters[kind])
            where[(kind, counters[kind], "")] = number
            continue
        if line.lstrip().startswith("["):
            current = None
            continue
        k = _KEY_LINE.match(line)
        if current and k:
            where.setdefault((current[0], current[1], k.group(1)), number)
    return where


def parse_model_toml(text: str, *, file: str | None = None) -> BooleanNetwork:
    """Parse the TOML model format into a :class:`BooleanNetwork`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ModelFileError(
            f"TOML syntax error: {problem}",
            file=file,
            line=int(m.group(1)) if m else None,
            column=int(m.group(2)) if m else None,
        ) from None
    lines = _line_index(text)

    def fail(problem: str, kind: str = "", index: int = -1, key: str = "") -> ModelFileError:
        line = lines.get((kind, index, key)) or lines.get((kind, index, ""))
        return ModelFileError(problem, file=file, line=line)

    meta = data.get("model")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str):
        raise ModelFileError("missing [model] table with a 'name'", file=file)

    references: dict[str, Reference] = {}
    for key, ref in (data.get("references") or {}).items():
        if not isinstance(ref, dict) or not isinstance(ref.get("citation"), str):
            raise ModelFileError(f"reference {key!r} needs a 'citation' string", file=file)
        references[key] = Reference(
            key=key,
            citation=ref["citation"],
            doi=ref.get("doi"),
            pmid=str(ref["pmid"]) if ref.get("pmid") else None,
            review=ref.get("review"),
        )

    def check_refs(refs: Any, kind: str, index: int) -> tuple[str, ...]:
        if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
            raise fail("'references' must be a list of reference keys", kind, index, "references")
        for r in refs:
            if r not in references:
                raise fail(f"unknown reference key {r!r}", kind, index, "references")
        return tuple(refs)

    nodes: list[Node] = []
    rules: list[Rule] = []
    for i, entry in enumerate(data.get("node") or []):
        name = entry.get("name")
        if not isinstance(name, str):
            raise fail("[[node]] without a 'name'", "node", i)
        rule_text = entry.get("rule")
        if not isinstance(rule_text, str):
            raise fail(f"node {name!r} has no 'rule'", "node", i)
        kind = entry.get("kind", "internal")
        if kind not in _NODE_KINDS:
            raise fail(
                f"node {name!r}: kind must be one of {sorted(_NODE_KINDS)}", "node", i, "kind"
            )
        line = lines.get(("node", i, "rule"))
        expr = parse_expression(rule_text, file=file, line=line, target=name)
        nodes.append(
            Node(
                name=name,
                label=entry.get("label", name),
                description=entry.get("description", ""),
                module=entry.get("module", ""),
                kind=kind,
            )
        )
        rules.append(
            Rule(
                name,
                expr,
                justification=entry.get("justification", ""),
                references=check_refs(entry.get("references", []), "node", i),
                line=line,
            )
        )

    node_names = {n.name for n in nodes}

    def perturbations(kind: str) -> dict[str, Perturbation]:
        out: dict[str, Perturbation] = {}
        for i, entry in enumerate(data.get(kind) or []):
            name = entry.get("name")
            if not isinstance(name, str) or name != name.lower():
                raise fail(f"[[{kind}]] needs a lowercase 'name'", kind, i)
            if name in out:
                raise fail(f"duplicate {kind} {name!r}", kind, i)
            targets = entry.get("targets")
            if not isinstance(targets, dict) or not targets:
                raise fail(f"{kind} {name!r} needs 'targets' = {{ NODE = 0 or 1 }}", kind, i)
            for node, value in targets.items():
                if node not in node_names:
                    raise fail(f"{kind} {name!r} targets unknown node {node!r}", kind, i, "targets")
                if value not in (0, 1) or isinstance(value, float):
                    raise fail(
                        f"{kind} {name!r}: value of {node} must be 0 or 1", kind, i, "targets"
                    )
            out[name] = Perturbation.of(
                name,
                kind,  # type: ignore[arg-type]
                targets,
                label=entry.get("label", name),
                mechanism=entry.get("mechanism", ""),
                drug_class=entry.get("class", ""),
                endocrine=bool(entry.get("endocrine", False)),
                references=check_refs(entry.get("references", []), kind, i),
            )
        return out

    markers = meta.get("phenotypes") or {}
    for role, node in markers.items():
        if node not in node_names:
            raise ModelFileError(f"phenotype marker {role}={node!r} is not a node", file=file)
    return BooleanNetwork.create(
        meta["name"],
        rules,
        nodes=nodes,
        file=file,
        references=references,
        version=str(meta.get("version", "")),
        title=meta.get("title", ""),
        description=meta.get("description", ""),
        phenotypes=PhenotypeMarkers(
            proliferation=markers.get("proliferation"), apoptosis=markers.get("apoptosis")
        ),
        drugs=perturbations("drug"),
        genotypes=perturbations("genotype"),
        environments=perturbations("environment"),
    )


def read_model_toml(path: str | Path) -> BooleanNetwork:
    """Read a TOML model file."""
    p = Path(path)
    return parse_model_toml(read_text(p), file=str(p))
