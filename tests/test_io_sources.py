"""io/ for model formats only (issue 11 item 2): the lazy registry, readers from a path, bytes or
an open file, and the dict form of a network (``network_to_dict``/``network_from_dict``) with its
round trips over the bundled models and every format's reader output."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from mtor_network import BooleanNetwork, load_network
from mtor_network.exceptions import ModelFileError
from mtor_network.io import FORMATS, READERS, WRITERS, read_network, read_network_bytes
from mtor_network.models import bundled_models
from mtor_network.network import SCHEMA_VERSION, network_from_dict, network_to_dict

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference-models"


def _same(a: BooleanNetwork, b: BooleanNetwork) -> None:
    """``b`` holds everything ``a`` holds."""
    assert b.name == a.name and b.nodes == a.nodes
    assert dict(b.rules) == dict(a.rules)
    for name in a.node_names:
        ra, rb = a.rules[name], b.rules[name]
        assert (rb.justification, rb.references, rb.line) == (
            ra.justification,
            ra.references,
            ra.line,
        )
    assert dict(b.references) == dict(a.references)
    assert (b.version, b.title, b.description, b.source) == (
        a.version,
        a.title,
        a.description,
        a.source,
    )
    assert b.phenotypes == a.phenotypes
    for registry in ("drugs", "genotypes", "environments"):
        assert dict(getattr(b, registry)) == dict(getattr(a, registry)), registry
    assert b.perturbations == a.perturbations
    assert b.digest == a.digest


def _round_trip(network: BooleanNetwork) -> BooleanNetwork:
    return network_from_dict(json.loads(json.dumps(network_to_dict(network))))


# ---- the dict form ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", bundled_models())
def test_dict_round_trip_of_every_bundled_model(name: str) -> None:
    network = load_network(name)
    data = network_to_dict(network)
    assert data["schema"] == "mtor_network.network" and data["version"] == SCHEMA_VERSION
    _same(network, _round_trip(network))
    assert BooleanNetwork.from_dict(network.to_dict()).digest == network.digest


def test_dict_round_trip_of_a_perturbed_network() -> None:
    flagship = load_network()
    drug, genotype = next(iter(flagship.drugs.values())), next(iter(flagship.genotypes.values()))
    perturbed = flagship.perturb(genotype, drug)
    again = _round_trip(perturbed)
    _same(perturbed, again)
    assert again.base.digest == flagship.digest and dict(again.base.rules) == dict(flagship.rules)


def test_the_rules_only_form_is_what_workers_get() -> None:
    flagship = load_network()
    data = network_to_dict(flagship, metadata=False)
    assert set(data) == {"schema", "version", "name", "nodes", "rules"}
    again = network_from_dict(json.loads(json.dumps(data)))
    assert again.node_names == flagship.node_names
    assert all(again.rules[n].expression == flagship.rules[n].expression for n in again.rules)


def _writable_readable() -> list[str]:
    return sorted(s for s in WRITERS if s in READERS)


@pytest.mark.parametrize("suffix", _writable_readable())
def test_dict_round_trip_of_every_reader_output(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"flagship{suffix}"
    WRITERS[suffix](load_network(), path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        network = read_network(path)
    _same(network, _round_trip(network))


REFERENCE_FILES = (
    sorted(
        {
            p.suffix: p
            for p in sorted(REFERENCE.rglob("*"))
            if p.is_file()
            and p.suffix in FORMATS
            and p.suffix in READERS
            and "sim_settings" not in p.parts  # the authors' simulation settings, not models
        }.values()
    )
    if REFERENCE.is_dir()
    else []
)


@pytest.mark.parametrize("path", REFERENCE_FILES, ids=lambda p: p.name)
def test_dict_round_trip_of_published_models_in_each_format(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        network = read_network(path)
    _same(network, _round_trip(network))


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({}, "not a network dict"),
        ({"schema": "mtor_network.network", "version": 99}, "version 99"),
        ({"schema": "mtor_network.network", "version": 1, "name": "x"}, "nodes"),
        (
            {
                "schema": "mtor_network.network",
                "version": 1,
                "name": "x",
                "nodes": [{"name": "A"}],
                "rules": [{"target": "A", "expression": ["eval", "os"]}],
            },
            "rule of 'A'",
        ),
        (
            {
                "schema": "mtor_network.network",
                "version": 1,
                "name": "x",
                "nodes": [{"name": "1A"}],
                "rules": [{"target": "1A", "expression": ["var", "1A"]}],
            },
            "not a node name",
        ),
    ],
)
def test_malformed_dicts_are_refused(data: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        network_from_dict(data)


# ---- readers: path, bytes, handles --------------------------------------------------------
FLAGSHIP_BNET = Path(__file__).resolve().parents[1] / "networks" / "hr_breast_cancer.bnet"


def test_readers_take_bytes_and_text_and_binary_handles() -> None:
    from_path = read_network(FLAGSHIP_BNET)
    data = FLAGSHIP_BNET.read_bytes()
    from_bytes = read_network(data, format="bnet")
    assert dict(from_bytes.rules) == dict(from_path.rules) and from_bytes.name == "model"
    assert dict(read_network_bytes(data, "flag ship.bnet").rules) == dict(from_path.rules)
    assert read_network_bytes(data, "flag ship.bnet").name == "flag_ship"
    with FLAGSHIP_BNET.open() as text_handle:
        from_text = read_network(text_handle)
    with FLAGSHIP_BNET.open("rb") as binary_handle:
        from_binary = read_network(binary_handle)
    for network in (from_text, from_binary):
        assert dict(network.rules) == dict(from_path.rules)
        assert network.source == str(FLAGSHIP_BNET)
    assert dict(read_network(io.StringIO(data.decode()), format=".bnet").rules) == dict(
        from_path.rules
    )


def test_toml_and_archives_from_bytes(tmp_path: Path) -> None:
    toml = Path(__file__).resolve().parents[1] / "networks" / "hr_breast_cancer.toml"
    network = read_network(io.BytesIO(toml.read_bytes()), format="toml")
    assert network.name == load_network().name and network.drugs == load_network().drugs
    zginml = [p for p in REFERENCE_FILES if p.suffix == ".zginml"]
    if zginml:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            archive = read_network(zginml[0].read_bytes(), format="zginml")
            assert dict(archive.rules) == dict(read_network(zginml[0]).rules)


def test_reading_from_memory_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a temporary file was made")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", refuse)
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert len(read_network_bytes(FLAGSHIP_BNET.read_bytes(), "up.bnet")) > 0


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: read_network(b"A, A\n"), "give format="),
        (lambda: read_network(b"A, A\n", format="docx"), "unknown model format 'docx'"),
        (lambda: read_network(io.StringIO("A, A\n")), "give format="),
        (lambda: read_network_bytes(b"A, &\n", "up.bnet"), "up.bnet, line 1"),
        (lambda: read_network(b"\xff\xfeA\x00", format="bnet"), "UTF-16"),
    ],
)
def test_errors_from_memory(call: object, match: str) -> None:
    with pytest.raises(ModelFileError, match=match):
        call()  # type: ignore[operator]


# ---- the lazy registry --------------------------------------------------------------------
def test_registry_lists_every_format_and_loads_them_on_use() -> None:
    assert set(READERS) == {s for s, f in FORMATS.items() if f.read}
    assert set(WRITERS) == {s for s, f in FORMATS.items() if f.write}
    assert ".bnd" in READERS and ".smv" not in READERS and ".smv" in WRITERS
    assert READERS[".bnet"].__name__ == "read_bnet"
    assert sys.modules[READERS[".bnd"].__module__].__name__ == "mtor_network.io.maboss"


def test_importing_io_loads_no_engine_or_format_library() -> None:
    code = (
        "import sys, mtor_network, mtor_network.io as io_;"
        "from mtor_network.io import READERS, WRITERS;"
        "sorted(READERS), '.sbml' in WRITERS;"
        "io_.read_network_bytes(b'A, !B\\nB, A\\n', 'm.bnet');"
        "heavy = ['libsbml', 'biodivine_aeon', 'pyboolnet', 'mpbn', 'networkx'];"
        "formats = [m for m in sys.modules if m.startswith('mtor_network.io.')];"
        "print([m for m in heavy if m in sys.modules], sorted(formats))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    heavy, formats = done.stdout.strip().split("] ", 1)
    assert heavy == "["  # none of them
    for module in ("sbml", "aeon", "ginsim", "maboss", "primes", "nusmv", "_pyboolnet"):
        assert f"'mtor_network.io.{module}'" not in formats, formats
    assert "'mtor_network.io.bnet'" in formats  # the one format that was used
