"""MaBoSS archives (``.bnd.zip``): the explorer's MaBoSS export reads back, in our tool and in
MaBoSS, and hostile archives are refused with errors naming the archive and the member."""

from __future__ import annotations

import base64
import io
import struct
import warnings
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from mtor_network.analysis.equivalence import rule_differences, same_function
from mtor_network.attractors import find_attractors
from mtor_network.cli import main
from mtor_network.exceptions import ModelFileError, ModelWarning
from mtor_network.expressions import parse_expression
from mtor_network.io import READERS, read_network, read_network_bytes
from mtor_network.io.maboss import (
    _archive,
    parse_maboss_zip,
    parse_maboss_zip_settings,
    read_maboss,
    read_maboss_zip,
)
from mtor_network.models import load_bundled
from mtor_network.network import BooleanNetwork
from mtor_network.webapp.exports import export_model

CASE_BND = """\
Node A {
  logic = $mut ? (B AND NOT C) : (B OR C);
  rate_up = @logic ? 1 : 0;
  rate_down = @logic ? 0 : 1;
}
Node B { logic = A; }
Node C { logic = NOT A; }
"""


def _zip(members: Mapping[str, str | bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _attractors(network: BooleanNetwork) -> list[tuple[str, tuple[tuple[str, object], ...]]]:
    return sorted((a.kind, a.values) for a in find_attractors(network))


@pytest.fixture(scope="module")
def flagship() -> BooleanNetwork:
    return load_bundled("hr_breast_cancer")


@pytest.fixture(scope="module")
def exported(flagship: BooleanNetwork) -> tuple[str, bytes]:
    """The explorer's MaBoSS download of the flagship: (file name, bytes)."""
    return export_model(flagship, ".bnd", "x")


# ---- the explorer's export reads back -----------------------------------------------------------
def test_the_explorers_export_is_an_archive_of_one_pair(exported: tuple[str, bytes]) -> None:
    name, data = exported
    assert name == "x.bnd.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["x.bnd", "x.cfg"]


def test_export_reads_back_with_the_same_rules_and_attractors(
    flagship: BooleanNetwork, exported: tuple[str, bytes], tmp_path: Path
) -> None:
    name, data = exported
    uploaded = read_network_bytes(data, name)  # the web upload path
    path = tmp_path / name
    path.write_bytes(data)
    from_file = read_network(path)
    for back in (uploaded, from_file, read_maboss_zip(path)):
        assert back.name == "x"
        assert back.node_names == flagship.node_names
        assert rule_differences(flagship, back) == {}
    assert uploaded.source == name and from_file.source == str(path)
    assert _attractors(uploaded) == _attractors(flagship)
    assert sorted(tmp_path.iterdir()) == [path]  # nothing was extracted


def test_read_network_takes_an_open_file_and_a_format(
    flagship: BooleanNetwork, exported: tuple[str, bytes], tmp_path: Path
) -> None:
    _, data = exported
    other = tmp_path / "renamed.zip"
    other.write_bytes(data)
    with pytest.raises(ModelFileError, match=r"'\.zip' \(a MaBoSS .*\.bnd\.zip"):
        read_network(other)
    assert rule_differences(flagship, read_network(other, format="bnd.zip")) == {}
    with other.open("rb") as handle:
        assert rule_differences(flagship, read_network(handle, format=".bnd.zip")) == {}
    assert rule_differences(flagship, read_network(data, format="bnd.zip")) == {}


def test_the_upload_box_accepts_the_archive() -> None:
    from mtor_network.webapp import ids
    from mtor_network.webapp.layout import build_layout

    def walk(component: object) -> list[object]:
        children = getattr(component, "children", None)
        if isinstance(children, list | tuple):
            return [component, *(c for child in children for c in walk(child))]
        if children is not None and hasattr(children, "to_plotly_json"):
            return [component, *walk(children)]
        return [component]

    assert ".bnd.zip" in READERS
    upload = next(c for c in walk(build_layout()) if getattr(c, "id", None) == ids.UPLOAD)
    assert ".bnd.zip" in str(getattr(upload, "accept", "")).split(",")


def test_the_upload_callback_loads_the_export(
    flagship: BooleanNetwork, exported: tuple[str, bytes]
) -> None:
    from mtor_network.webapp.callbacks import upload_model

    name, data = exported
    contents = "data:application/zip;base64," + base64.b64encode(data).decode()
    store, status, options, key = upload_model(contents, name, [])
    assert store is not None and key is not None, status
    assert status.startswith(f"Loaded {name}: {len(flagship)} nodes"), status
    assert options == [{"label": f"uploaded: {name}", "value": key}]


def test_cli_reads_the_archive(
    exported: tuple[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, data = exported
    path = tmp_path / name
    path.write_bytes(data)
    code = main(["attractors", "--model", str(path), "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 0, err
    rows = [line for line in out.splitlines() if line and not line.startswith("#")]
    assert rows[0].split(",")[:2] == ["attractor", "type"]
    assert len(rows) == 2 and rows[1].split(",")[1] == "cyclic"  # the flagship's one attractor


# ---- the .cfg of the archive acts as beside the .bnd ---------------------------------------
@pytest.mark.parametrize(("mut", "expected"), [(1, "B & !C"), (0, "B | C")])
def test_a_cfg_case_variable_selects_the_branch_as_on_disk(
    tmp_path: Path, mut: int, expected: str
) -> None:
    cfg = f"$mut = {mut};\n$u_A = 1;\n"
    # any member names, in a folder, need not match
    data = _zip({"model/net.bnd": CASE_BND, "model/run settings.cfg": cfg})
    archived = parse_maboss_zip(data, name="case", file="case.bnd.zip")
    (tmp_path / "case.bnd").write_text(CASE_BND)
    (tmp_path / "case.cfg").write_text(cfg)
    on_disk = read_maboss(tmp_path / "case.bnd")
    assert same_function(archived.rules["A"].expression, parse_expression(expected))
    assert rule_differences(on_disk, archived) == {}
    settings = parse_maboss_zip_settings(data, file="case.bnd.zip")
    assert settings.variables["mut"] == mut and settings.rates["A"] == (1.0, 1.0)


def test_a_case_variable_without_a_cfg_is_an_error_naming_the_member() -> None:
    with pytest.raises(ModelFileError, match=r"\$mut, which no \.cfg file sets") as info:
        read_network_bytes(_zip({"m/net.bnd": CASE_BND}), "case.bnd.zip")
    assert str(info.value).startswith("case.bnd.zip!m/net.bnd, line 2:")


def test_errors_in_the_members_name_archive_member_and_line() -> None:
    bad_bnd = _zip({"f/m.bnd": "Node A {\n  logic = B AND ;\n}\nNode B { logic = A; }\n"})
    with pytest.raises(ModelFileError) as info:
        read_network_bytes(bad_bnd, "u.bnd.zip")
    assert info.value.file == "u.bnd.zip!f/m.bnd" and info.value.line == 2
    bad_cfg = _zip({"m.bnd": "Node A { logic = A; }\n", "m.cfg": "$u_A = 1;\n[NOPE].istate = 1;\n"})
    with pytest.raises(ModelFileError) as info:
        read_network_bytes(bad_cfg, "u.bnd.zip")
    assert info.value.file == "u.bnd.zip!m.cfg" and info.value.line == 2
    assert "NOPE" in str(info.value)


# ---- which members count ---------------------------------------------------------------------
def test_other_members_are_ignored_with_a_warning_and_mac_metadata_silently() -> None:
    data = _zip(
        {
            "pair/": "",
            "pair/m.BND": "Node A { logic = NOT A; }\n",
            "pair/README.txt": "how to run",
            "__MACOSX/pair/._m.BND": b"\x00\x05\x16\x07",
            "pair/.DS_Store": b"\x00\x00",
        }
    )
    with pytest.warns(ModelWarning, match=r"u\.bnd\.zip: members other .* 'pair/README\.txt'$"):
        network = read_network_bytes(data, "u.bnd.zip")
    assert network.node_names == ("A",)
    quiet = _zip({"m.bnd": "Node A { logic = NOT A; }\n", "._m.bnd": b"\x00"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_network_bytes(quiet, "q.bnd.zip").node_names == ("A",)


@pytest.mark.parametrize(
    ("members", "match"),
    [
        ({"README.txt": "x", "m.cfg": "$a = 1;"}, r"no \.bnd member \(it holds 'README\.txt', 'm"),
        ({}, r"no \.bnd member \(it holds nothing\)"),
        (
            {"a.bnd": "Node A { logic = A; }", "b/b.bnd": "Node B { logic = B; }"},
            r"holds 2 \.bnd files \('a\.bnd', 'b/b\.bnd'\); a MaBoSS archive holds one model",
        ),
        (
            {"a.bnd": "Node A { logic = A; }", "a.cfg": "", "b.cfg": ""},
            r"holds 2 \.cfg files \('a\.cfg', 'b\.cfg'\)",
        ),
        ({"evil\n\x1b[2Jname.txt": "x"}, r"it holds 'evil\?\?\[2Jname\.txt'"),
    ],
)
def test_archives_without_exactly_one_model_are_refused(
    members: dict[str, str], match: str
) -> None:
    with pytest.raises(ModelFileError, match=match) as info:
        read_network_bytes(_zip(members), "u.bnd.zip")
    assert info.value.file == "u.bnd.zip" and "\n" not in str(info.value)


# ---- hostile archives --------------------------------------------------------------------------
def _set_flag(data: bytes, bit: int) -> bytes:
    """``data`` with general-purpose flag ``bit`` set in every local and central header."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = out.find(signature)
        while at >= 0:
            (flags,) = struct.unpack_from("<H", out, at + offset)
            struct.pack_into("<H", out, at + offset, flags | bit)
            at = out.find(signature, at + 4)
    return bytes(out)


def _set_central_size(data: bytes, size: int) -> bytes:
    """``data`` whose (first) central header declares an uncompressed size of ``size``."""
    out = bytearray(data)
    struct.pack_into("<I", out, out.find(b"PK\x01\x02") + 24, size)
    return bytes(out)


BOMB = _zip({"m.bnd": b"\0" * (25 * 1024 * 1024)})  # 25 MiB of zeros in ~25 kB


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (_set_flag(_zip({"m.bnd": "Node A { logic = A; }"}), 0x1), r"member 'm\.bnd' is encrypted"),
        (BOMB, r"member 'm\.bnd' unpacks to 26214400 bytes; members above 20971520"),
        (_set_central_size(BOMB, 1000), r"member 'm\.bnd' cannot be unpacked"),  # lies
        (b"Node A { logic = A; }\n", r"not a zip archive \(\.bnd\.zip\)"),
        (_zip({"m.bnd": "Node A { logic = A; }"})[:-30], r"not a zip archive"),  # truncated
        (b"", r"not a zip archive"),
    ],
    ids=["encrypted", "bomb", "lying size", "not a zip", "truncated", "empty"],
)
def test_hostile_archives_are_refused_naming_archive_and_member(data: bytes, match: str) -> None:
    with pytest.raises(ModelFileError, match=match) as info:
        read_network_bytes(data, "upload.bnd.zip")
    assert str(info.value).startswith("upload.bnd.zip: ")


def _set_central_version(data: bytes, version: int) -> bytes:
    """``data`` whose central header says it needs zip version ``version`` to extract."""
    out = bytearray(data)
    struct.pack_into("<B", out, out.find(b"PK\x01\x02") + 6, version)
    return bytes(out)


def _empty_member_name(data: bytes) -> bytes:
    """``data`` whose (only) member has an empty name in its central header."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    (length,) = struct.unpack_from("<H", out, at + 28)
    struct.pack_into("<H", out, at + 28, 0)
    del out[at + 46 : at + 46 + length]
    end = out.find(b"PK\x05\x06")
    (size,) = struct.unpack_from("<I", out, end + 12)
    struct.pack_into("<I", out, end + 12, size - length)
    return bytes(out)


def test_what_zipfile_cannot_read_is_a_model_file_error() -> None:
    """Found by fuzzing: zipfile raises NotImplementedError for a zip version it does not know
    (in ZipFile() itself), and ZipInfo.is_dir() an IndexError for an empty member name."""
    data = _zip({"m.bnd": "Node A { logic = A; }"})
    with pytest.raises(ModelFileError, match=r"not a zip archive \(\.bnd\.zip\): zip file version"):
        read_network_bytes(_set_central_version(data, 78), "u.bnd.zip")
    with pytest.raises(ModelFileError, match=r"no \.bnd member \(it holds ''\)"):
        read_network_bytes(_empty_member_name(data), "u.bnd.zip")


def test_member_size_cap_and_member_count_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _zip({"m.bnd": "Node A { logic = A; }\n" * 10})
    monkeypatch.setattr(_archive, "MAX_MODEL_BYTES", 100)
    with pytest.raises(ModelFileError, match=r"'m\.bnd' unpacks to 220 bytes; members above 100"):
        read_network_bytes(data, "u.bnd.zip")
    monkeypatch.setattr(_archive, "MAX_ZIP_MEMBERS", 3)
    many = _zip({"m.bnd": "Node A { logic = A; }", **{f"x{i}.txt": "" for i in range(3)}})
    with pytest.raises(ModelFileError, match="4 members; more than 3 are refused"):
        read_network_bytes(many, "u.bnd.zip")


# ---- MaBoSS itself reads the pair ----------------------------------------------------------------
def test_maboss_loads_the_pair_of_the_archive(
    flagship: BooleanNetwork, exported: tuple[str, bytes], tmp_path: Path
) -> None:
    maboss = pytest.importorskip("maboss")
    _, data = exported
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # our own member names, not the upload's
        (tmp_path / "x.bnd").write_bytes(archive.read("x.bnd"))
        (tmp_path / "x.cfg").write_bytes(archive.read("x.cfg"))
    sim = maboss.load(str(tmp_path / "x.bnd"), str(tmp_path / "x.cfg"), cmaboss=True)
    assert sim.check() == []
    rules = sim.get_logical_rules()
    assert set(rules) == set(flagship.node_names)
    for node, text in rules.items():
        assert same_function(parse_expression(text), flagship.rules[node].expression), node
