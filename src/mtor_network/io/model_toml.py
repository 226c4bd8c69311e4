"""The human-edited source of truth of a model: a TOML file with nodes, rules, references and
the registry of drugs, genotypes and environments (see ``networks/hr_breast_cancer.toml``)."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from .._files import check_bracket_depth, read_text, write_text_atomic
from ..exceptions import ModelFileError
from ..expressions import parse_expression, to_string
from ..network import BooleanNetwork, Node, NodeKind, PhenotypeMarkers, Reference, Rule
from ..perturbations import Perturbation
from ..phenotypes import PhenotypeSpec, ResistanceRule

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
    check_bracket_depth(text, file=file, what="TOML syntax error: arrays or tables")
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ModelFileError(
            "TOML syntax error: arrays or tables nested too deeply", file=file
        ) from None
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

    def string_field(
        table: dict[str, Any], key: str, default: str, where: str, line: int | None
    ) -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            raise ModelFileError(
                f"{where}: {key!r} must be a string, not {type(value).__name__}",
                file=file,
                line=line,
            )
        return value

    def tables(key: str) -> list[dict[str, Any]]:
        entries = data.get(key) or []
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ModelFileError(
                f"'{key}' must be an array of tables ([[{key}]] entries)", file=file
            )
        return entries

    meta = data.get("model")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str):
        raise ModelFileError("missing [model] table with a 'name'", file=file)
    for key in ("title", "description"):
        string_field(meta, key, "", "[model]", None)
    if not isinstance(meta.get("version", ""), str | int | float):
        raise ModelFileError("[model]: 'version' must be a string or a number", file=file)

    references: dict[str, Reference] = {}
    raw_references = data.get("references") or {}
    if not isinstance(raw_references, dict):
        raise ModelFileError("'references' must be a table of [references.KEY] tables", file=file)
    for key, ref in raw_references.items():
        if not isinstance(ref, dict) or not isinstance(ref.get("citation"), str):
            raise ModelFileError(f"reference {key!r} needs a 'citation' string", file=file)
        if ref.get("doi") is not None:
            string_field(ref, "doi", "", f"reference {key!r}", None)
        if not isinstance(ref.get("review", 0), int) or isinstance(ref.get("review"), bool):
            raise ModelFileError(f"reference {key!r}: 'review' must be a number", file=file)
        if not isinstance(ref.get("pmid", ""), str | int):
            raise ModelFileError(
                f"reference {key!r}: 'pmid' must be a string or a number", file=file
            )
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
    for i, entry in enumerate(tables("node")):
        name = entry.get("name")
        if not isinstance(name, str):
            raise fail("[[node]] without a 'name'", "node", i)
        rule_text = entry.get("rule")
        if not isinstance(rule_text, str):
            raise fail(f"node {name!r} has no 'rule'", "node", i)
        kind: Any = entry.get("kind", "internal")
        if not isinstance(kind, str) or kind not in _NODE_KINDS:
            raise fail(
                f"node {name!r}: kind must be one of {sorted(_NODE_KINDS)}", "node", i, "kind"
            )
        line = lines.get(("node", i, "rule"))
        expr = parse_expression(rule_text, file=file, line=line, target=name)
        where = lines.get(("node", i, ""))
        nodes.append(
            Node(
                name=name,
                label=string_field(entry, "label", name, f"node {name!r}", where),
                description=string_field(entry, "description", "", f"node {name!r}", where),
                module=string_field(entry, "module", "", f"node {name!r}", where),
                kind=cast(NodeKind, kind),
            )
        )
        rules.append(
            Rule(
                name,
                expr,
                justification=string_field(entry, "justification", "", f"node {name!r}", where),
                references=check_refs(entry.get("references", []), "node", i),
                line=line,
            )
        )

    node_names = {n.name for n in nodes}

    def perturbations(kind: str) -> dict[str, Perturbation]:
        out: dict[str, Perturbation] = {}
        for i, entry in enumerate(tables(kind)):
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
            for key in ("label", "mechanism", "class"):
                string_field(entry, key, "", f"{kind} {name!r}", lines.get((kind, i, key)))
            if not isinstance(entry.get("endocrine", False), bool):
                raise fail(f"{kind} {name!r}: 'endocrine' must be true or false", kind, i)
            tags = entry.get("tags", [])
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                raise fail(f"{kind} {name!r}: 'tags' must be a list of strings", kind, i, "tags")
            tag_set = set(tags)
            if entry.get("endocrine", False):  # the older spelling of tags = ["endocrine"]
                tag_set.add("endocrine")
            yields = entry.get("yields_to")
            if kind != "genotype" and "yields_to" in entry:
                raise fail(f"{kind} {name!r}: only a genotype has 'yields_to'", kind, i)
            if yields is not None and (
                not isinstance(yields, list) or not all(isinstance(t, str) for t in yields)
            ):
                raise fail(
                    f"{kind} {name!r}: 'yields_to' must be a list of drug names",
                    kind,
                    i,
                    "yields_to",
                )
            out[name] = Perturbation.of(
                name,
                kind,  # type: ignore[arg-type]
                targets,
                label=entry.get("label", name),
                mechanism=entry.get("mechanism", ""),
                drug_class=entry.get("class", ""),
                tags=frozenset(tag_set),
                references=check_refs(entry.get("references", []), kind, i),
                yields_to=None if yields is None else frozenset(yields),
            )
        return out

    phenotypes = _phenotype_spec(meta, node_names, file)
    drugs = perturbations("drug")
    genotypes = perturbations("genotype")
    for i, genotype in enumerate(genotypes.values()):
        unknown = sorted((genotype.yields_to or frozenset()) - set(drugs))
        if unknown:
            raise fail(
                f"genotype {genotype.name!r}: 'yields_to' names unknown drug {unknown[0]!r}",
                "genotype",
                i,
                "yields_to",
            )
    return BooleanNetwork.create(
        meta["name"],
        rules,
        nodes=nodes,
        file=file,
        references=references,
        version=str(meta.get("version", "")),
        title=meta.get("title", ""),
        description=meta.get("description", ""),
        phenotypes=phenotypes,
        drugs=drugs,
        genotypes=genotypes,
        environments=perturbations("environment"),
    )


_RULE_KEYS = ("phenotype", "under_tag", "name", "condition")


def _phenotype_spec(
    meta: dict[str, Any], node_names: set[str], file: str | None
) -> PhenotypeMarkers:
    """The ``[model]`` declarations ``phenotypes`` (role -> marker node, any roles),
    ``phenotype_classes`` (phenotype -> role, in priority order) and ``resistance`` (a rule
    table or a list of them) as a :class:`PhenotypeSpec`; nothing declared: the empty
    markers (the network guesses PROLIFERATION / APOPTOSIS nodes as before)."""
    markers = meta.get("phenotypes") or {}
    if not isinstance(markers, dict):
        raise ModelFileError("[model]: 'phenotypes' must be a table {role = node}", file=file)
    for role, node in markers.items():
        if node not in node_names:
            raise ModelFileError(f"phenotype marker {role}={node!r} is not a node", file=file)
    classes = meta.get("phenotype_classes")
    if classes is not None:
        if not isinstance(classes, dict) or not all(isinstance(v, str) for v in classes.values()):
            raise ModelFileError(
                "[model]: 'phenotype_classes' must be a table {phenotype = role}", file=file
            )
        for phenotype, role in classes.items():
            if role not in markers:
                raise ModelFileError(
                    f"phenotype class {phenotype}={role!r}: no marker declared for role "
                    f"{role!r} in 'phenotypes'",
                    file=file,
                )
    sustained = meta.get("phenotype_sustained", [])
    if not isinstance(sustained, list) or not all(isinstance(r, str) for r in sustained):
        raise ModelFileError("[model]: 'phenotype_sustained' must be a list of roles", file=file)
    for role in sustained:
        if role not in markers:
            raise ModelFileError(
                f"phenotype_sustained: no marker declared for role {role!r} in 'phenotypes'",
                file=file,
            )
    raw = meta.get("resistance")
    rules: tuple[ResistanceRule, ...] | None = None
    if raw is not None:
        entries = [raw] if isinstance(raw, dict) else raw
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ModelFileError(
                "[model]: 'resistance' must be a table {phenotype, under_tag, name} or a list "
                "of them",
                file=file,
            )
        built = []
        for entry in entries:
            unknown = sorted(set(entry) - set(_RULE_KEYS))
            missing = [k for k in _RULE_KEYS[:3] if not isinstance(entry.get(k), str)]
            if unknown or missing or not isinstance(entry.get("condition", ""), str):
                raise ModelFileError(
                    "[model]: each 'resistance' rule needs the strings phenotype, under_tag "
                    f"and name (and may give condition); got {entry!r}",
                    file=file,
                )
            built.append(ResistanceRule(**{k: entry[k] for k in _RULE_KEYS if k in entry}))
        rules = tuple(built)
    if not markers and classes is None and rules is None:
        return PhenotypeMarkers()  # the network guesses PROLIFERATION / APOPTOSIS nodes
    return PhenotypeSpec.declare(
        markers, classes=classes, resistance=rules, sustained=tuple(sustained)
    )


def read_model_toml(path: str | Path) -> BooleanNetwork:
    """Read a TOML model file."""
    p = Path(path)
    return parse_model_toml(read_text(p), file=str(p))


# ---- writer ---------------------------------------------------------------------------------
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _str(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _str(key)


def _list(values: Iterable[str]) -> str:
    return "[" + ", ".join(_str(v) for v in values) + "]"


def _inline(pairs: Iterable[tuple[str, str]]) -> str:
    return "{ " + ", ".join(f"{_key(k)} = {v}" for k, v in pairs) + " }"


def _phenotype_lines(markers: PhenotypeMarkers) -> list[str]:
    from ..phenotypes import roles_of

    roles = roles_of(markers)
    if not roles:
        return []
    out = [f"phenotypes = {_inline((r, _str(n)) for r, n in roles.items())}"]
    if isinstance(markers, PhenotypeSpec):
        if markers.classes is not None:
            out.append(f"phenotype_classes = {_inline((p, _str(r)) for p, r in markers.classes)}")
        if markers.sustained:
            out.append(f"phenotype_sustained = {_list(markers.sustained)}")
        if markers.resistance is not None:
            rules = [
                _inline((k, _str(v)) for k, v in rule.to_dict().items())
                for rule in markers.resistance
            ]
            out.append(f"resistance = [{', '.join(rules)}]")
    return out


def _perturbation_lines(kind: str, p: Perturbation) -> list[str]:
    out = ["", f"[[{kind}]]", f"name = {_str(p.name)}"]
    if p.label and p.label != p.name:
        out.append(f"label = {_str(p.label)}")
    if p.drug_class:
        out.append(f"class = {_str(p.drug_class)}")
    tags = sorted(p.tags - {p.drug_class})
    if tags:
        out.append(f"tags = {_list(tags)}")
    out.append(f"targets = {_inline((n, str(int(v))) for n, v in p.effects)}")
    if p.yields_to is not None:
        out.append(f"yields_to = {_list(sorted(p.yields_to))}")
    if p.mechanism:
        out.append(f"mechanism = {_str(p.mechanism)}")
    if p.references:
        out.append(f"references = {_list(p.references)}")
    return out


def to_model_toml(network: BooleanNetwork) -> str:
    """The network in the TOML model format: metadata, phenotype declarations, references,
    nodes with labels, descriptions, modules, rules, justifications and references, and the
    environment, genotype and drug registries; :func:`parse_model_toml` reads it back to the
    same network. A perturbed network is written as it is searched, as every format writes it:
    the perturbed nodes have constant rules (their justification names the perturbation).

    Parameters
    ----------
    network : BooleanNetwork
        The model, e.g. one imported from GINsim or SBML.

    Returns
    -------
    str
        The TOML text.
    """
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", network.name) or "model"
    out = [
        "# Written by mtor_network (the TOML model format; see networks/hr_breast_cancer.toml).",
        "",
    ]
    out += ["[model]", f"name = {_str(name)}"]
    if network.version:
        out.append(f"version = {_str(network.version)}")
    if network.title:
        out.append(f"title = {_str(network.title)}")
    if network.description:
        out.append(f"description = {_str(network.description)}")
    out += _phenotype_lines(network.phenotypes)
    for key, ref in network.references.items():
        out += ["", f"[references.{_key(key)}]", f"citation = {_str(ref.citation)}"]
        if ref.doi:
            out.append(f"doi = {_str(ref.doi)}")
        if ref.pmid:
            out.append(f"pmid = {_str(ref.pmid)}")
        if ref.review is not None:
            out.append(f"review = {int(ref.review)}")
    for node in network.nodes:
        rule = network.rules[node.name]
        out += ["", "[[node]]", f"name = {_str(node.name)}"]
        if node.label and node.label != node.name:
            out.append(f"label = {_str(node.label)}")
        if node.module:
            out.append(f"module = {_str(node.module)}")
        if node.kind != "internal":
            out.append(f"kind = {_str(node.kind)}")
        if node.description:
            out.append(f"description = {_str(node.description)}")
        out.append(f"rule = {_str(to_string(rule.expression))}")
        if rule.justification:
            out.append(f"justification = {_str(rule.justification)}")
        if rule.references:
            out.append(f"references = {_list(rule.references)}")
    for kind, registry in (
        ("environment", network.environments),
        ("genotype", network.genotypes),
        ("drug", network.drugs),
    ):
        for p in registry.values():
            out += _perturbation_lines(kind, p)
    return "\n".join(out) + "\n"


def write_model_toml(network: BooleanNetwork, path: str | Path) -> None:
    """Write ``network`` in the TOML model format (atomically); see :func:`to_model_toml`."""
    write_text_atomic(path, to_model_toml(network))


__all__ = ["parse_model_toml", "read_model_toml", "to_model_toml", "write_model_toml"]
