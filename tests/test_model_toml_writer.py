"""The TOML model format has a writer: every model (bundled or imported) is saved with its
labels, references, phenotype declarations and registries, and reads back to the same network."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from mtor_network import load_network
from mtor_network.io import WRITERS, read_network
from mtor_network.io.model_toml import parse_model_toml, to_model_toml, write_model_toml
from mtor_network.network import BooleanNetwork, network_to_dict
from mtor_network.perturbations import Perturbation


def _comparable(network: BooleanNetwork) -> dict[str, Any]:
    """The dict form without where the text came from (file, line numbers)."""
    data = network_to_dict(network)
    data.pop("source", None)
    for rule in data["rules"]:
        rule.pop("line", None)
    return data


@pytest.mark.parametrize("name", ["hr_breast_cancer", "hr_breast_cancer_v1"])
def test_bundled_models_round_trip_through_the_writer(name: str) -> None:
    network = load_network(name)
    again = parse_model_toml(to_model_toml(network))
    assert _comparable(again) == _comparable(network)
    assert again.genotypes.keys() == network.genotypes.keys()
    for key, genotype in network.genotypes.items():
        assert again.genotypes[key].yields_to == genotype.yields_to


def test_the_writer_is_registered_for_toml(tmp_path: Path) -> None:
    network = load_network("hr_breast_cancer")
    path = tmp_path / "copy.toml"
    WRITERS[".toml"](network, path)
    assert _comparable(read_network(path))["rules"] == _comparable(network)["rules"]


def test_texts_that_need_escaping_survive(tmp_path: Path) -> None:
    base = BooleanNetwork.from_rules(
        {"A": "!B", "B": "A & C", "C": "C"},
        name="odd model",
        title='Quotes " and back\\slash',
        description="two\nlines, tab\t and unicode α→β",
    )
    drug = Perturbation.of("x_drug", "drug", {"A": 0}, label='a "drug"', mechanism="binds A\nfully")
    network = BooleanNetwork.create(
        base.name,
        list(base.rules.values()),
        title=base.title,
        description=base.description,
        drugs={"x_drug": drug},
    )
    path = tmp_path / "odd.toml"
    write_model_toml(network, path)
    again = read_network(path)
    assert again.title == network.title and again.description == network.description
    assert again.drugs["x_drug"].label == 'a "drug"'
    assert again.drugs["x_drug"].mechanism == "binds A\nfully"
    assert again.name == "odd_model"  # a TOML model name has no spaces


def test_an_imported_ginsim_model_keeps_its_labels_and_genotypes(
    shared_dir: Path, tmp_path: Path
) -> None:
    from mtor_network.io.ginsim import read_zginml

    source = shared_dir / "reference-models" / "sahin2009_erbb_g1s" / "ErbB2_model.zginml"
    if not source.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{source} is missing, but CI is set")
        pytest.skip(f"{source} is not here")
    imported = read_zginml(source)
    path = tmp_path / "sahin.toml"
    write_model_toml(imported, path)
    again = read_network(path)
    assert [n.label for n in again.nodes] == [n.label for n in imported.nodes]
    assert again.genotypes.keys() == imported.genotypes.keys()
    assert _comparable(again)["rules"] == _comparable(imported)["rules"]
