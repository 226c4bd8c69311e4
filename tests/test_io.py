"""Model files: BNet and TOML readers name the file, line and problem; writers are atomic."""

from __future__ import annotations

import csv
import io
import json
import warnings
from pathlib import Path

import pytest

from mtor_network import (
    BooleanNetwork,
    ModelFileError,
    RuleSyntaxError,
    UnknownNameError,
    find_attractors,
    load_network,
    read_network,
    scenario,
    write_network,
)
from mtor_network.exceptions import ModelWarning
from mtor_network.export import attractors as tables
from mtor_network.io import WRITERS
from mtor_network.io.bnet import parse_bnet, to_bnet
from mtor_network.io.model_toml import parse_model_toml
from mtor_network.models import networks_dir


def test_bnet_round_trip(tmp_path: Path, flagship: BooleanNetwork) -> None:
    path = tmp_path / "m.bnet"
    write_network(flagship, path)
    back = read_network(path)
    assert back.node_names == flagship.node_names
    assert {n: r.expression for n, r in back.rules.items()} == {
        n: r.expression for n, r in flagship.rules.items()
    }
    assert to_bnet(back).splitlines()[1:] == to_bnet(flagship).splitlines()[1:]


def test_perturbed_bnet_records_perturbations(flagship: BooleanNetwork) -> None:
    text = to_bnet(flagship.perturb(flagship.drugs["everolimus"]))
    assert "# perturbations: everolimus (MTORC1_FRB=0)" in text
    rules = dict(line.split(",", 1) for line in text.splitlines()[3:])
    assert rules["MTORC1_FRB"].strip() == "0"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("a, b\nb, a &\n", 2, "operand"),
        ("a, b\na, !b\nb, a\n", 2, "duplicate rule for 'a' (first defined on line 1)"),
        ("a b\n", 1, "expected 'target, function'"),
        ("a,\n", 1, "missing function"),
        ("1a, b\nb, b\n", 1, "invalid node name"),
        ("TRUE, !a\na, TRUE\n", 1, "invalid node name"),
        ("# only a comment\n", None, "no rules found"),
    ],
)
def test_bnet_errors_name_file_and_line(text: str, line: int | None, fragment: str) -> None:
    with pytest.raises(ModelFileError) as info:
        parse_bnet(text, file="bad.bnet")
    assert info.value.file == "bad.bnet"
    assert info.value.line == line
    assert fragment in str(info.value)


def test_bnet_undefined_regulator_becomes_an_input_with_a_warning() -> None:
    with pytest.warns(ModelWarning, match="'c'.*input"):
        net = parse_bnet("a, b & c\nb, a\n", file="x.bnet")
    assert net.rules["c"].text == "c"
    assert "c" in net.inputs


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"a, b\x00\n", "binary"),
        (b"a, \xff\xfe b\n", "not valid UTF-8"),
        (b"", "no rules found"),
    ],
)
def test_bad_files(tmp_path: Path, data: bytes, fragment: str) -> None:
    path = tmp_path / "bad.bnet"
    path.write_bytes(data)
    with pytest.raises(ModelFileError, match=fragment) as info:
        read_network(path)
    assert str(path) in str(info.value)


def test_missing_file_and_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="file not found"):
        read_network(tmp_path / "nope.bnet")
    other = tmp_path / "m.xyz"
    other.write_text("a, a\n")
    known = r"unknown model format '.xyz'; known: .aeon, .bnd, .bnd.zip, .bnet"
    with pytest.raises(ModelFileError, match=known):
        read_network(other)
    with pytest.raises(UnknownNameError, match="hr_breast_cancer"):
        load_network("hr_breast_cancr")


def _toml_with(rule: str) -> str:
    source = (networks_dir() / "hr_breast_cancer.toml").read_text(encoding="utf-8")
    return source.replace('rule = "RHEB"', f'rule = "{rule}"', 1)


def test_toml_rule_error_names_the_line() -> None:
    text = _toml_with("RHEB & (TSC2")
    expected_line = next(i for i, ln in enumerate(text.splitlines(), 1) if "RHEB & (TSC2" in ln)
    with pytest.raises(RuleSyntaxError) as info:
        parse_model_toml(text, file="m.toml")
    assert info.value.line == expected_line
    assert "rule of 'MTORC1'" in str(info.value)


def test_toml_undefined_regulator_is_an_error() -> None:
    with pytest.raises(ModelFileError, match=r"reads 'RHEBB'.*Did you mean 'RHEB'"):
        parse_model_toml(_toml_with("RHEBB"), file="m.toml")


def test_toml_syntax_error_has_line() -> None:
    with pytest.raises(ModelFileError) as info:
        parse_model_toml('[model]\nname = "x\n', file="m.toml")
    assert info.value.line == 2 and "TOML syntax error" in str(info.value)


def test_toml_unknown_reference_and_drug_target() -> None:
    source = (networks_dir() / "hr_breast_cancer.toml").read_text(encoding="utf-8")
    with pytest.raises(ModelFileError, match="unknown reference key 'nobody2099'"):
        parse_model_toml(
            source.replace(
                'references = ["R8", "burnett1998", "choo2008"]', 'references = ["nobody2099"]'
            ),
            file="m.toml",
        )
    with pytest.raises(ModelFileError, match="targets unknown node 'MTORC9'"):
        parse_model_toml(
            source.replace("targets = { MTORC1_FRB = 0 }", "targets = { MTORC9 = 0 }"),
            file="m.toml",
        )


def test_attractor_csv_and_json_carry_settings(flagship: BooleanNetwork) -> None:
    setting = scenario(flagship, genotypes=["her2_amplified"], drugs=["letrozole"])
    result = find_attractors(flagship, perturbations=setting)
    text = tables.to_csv(result, generated="2026-01-01T00:00:00+00:00")
    meta = [ln for ln in text.splitlines() if ln.startswith("# ")]
    assert "# model: hr_breast_cancer 2.0.0" in meta
    assert "# semantics: asynchronous" in meta
    assert any("her2_amplified (genotype: HER2=1)" in ln for ln in meta)
    body = [ln for ln in text.splitlines() if not ln.startswith("#")]
    records = list(csv.DictReader(io.StringIO("\n".join(body))))
    assert len(records) == len(result) == 1
    assert records[0]["phenotype"] == "proliferative"
    assert records[0]["endocrine_resistant"] == "True"
    assert records[0]["HER2"] == "1" and records[0]["AROMATASE"] == "0"
    data = json.loads(tables.to_json(result))
    assert data["schema"] == "mtor_network.attractors/1"
    assert data["settings"]["fixed_nodes"] == {"AROMATASE": 0, "HER2": 1}
    assert data["summary"]["endocrine_resistant"] is True
    assert data["attractors"][0]["values"]["PROLIFERATION"] in (1, "*")  # on or cycling
    assert set(data["attractors"][0]["values"]) == set(flagship.node_names)


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from mtor_network import _files

    path = tmp_path / "m.bnet"
    path.write_text("old\n")

    def boom(*_args: object, **_kw: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(_files.os, "replace", boom)
    with pytest.raises(OSError):
        _files.write_text_atomic(path, "new\n")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.bnet"]


def test_reference_bnet_models_import(shared_dir: Path) -> None:
    files = sorted((shared_dir / "reference-models").glob("*/*.bnet"))
    assert files
    for path in files:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ModelWarning)
            net = read_network(path)
        assert len(net) >= 10, path


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_every_writer_is_atomic(
    suffix: str, tmp_path: Path, flagship: BooleanNetwork, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A write interrupted at the last moment (the disk fills before the rename) leaves the good
    file that was there, byte for byte, and no temporary file."""
    from mtor_network import _files
    from mtor_network.io import write_network

    path = tmp_path / f"model{suffix}"
    write_network(flagship, path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def full(*_args: object, **_kw: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_files.os, "fsync", full)
    perturbed = flagship.perturb(flagship.named_perturbation("alpelisib"))
    with pytest.raises(OSError):
        write_network(perturbed, path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
