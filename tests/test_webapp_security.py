"""The web explorer under attack: every request goes through the Dash callback HTTP API, built as
the renderer builds it (``benchmarks/load_test.py``'s ``Page``), with the values a hostile client
would send instead. One class of defect per test group (issue 10): files written or read on the
server, budgets, memory, background jobs, cold start, formula injection, malformed requests,
Host headers. No timing is asserted; a thread join bounds a hang so it fails instead of blocking.
"""

from __future__ import annotations

import base64
import csv
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mtor_network._cache import ByteBoundedCache
from mtor_network.webapp import create_app, ids
from mtor_network.webapp import state as webstate
from mtor_network.webapp.jobs import JobSlots, ServerBusy

HANG_GUARD = 300.0  # seconds after which a request counts as hung (never reached when it works)


def _load_module() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "load_test.py"
    spec = importlib.util.spec_from_file_location("_benchmarks_load_test_sec", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


lt = _load_module()

EXTRA_CALLBACKS = {
    "on_upload": (ids.UPLOAD_STORE, "data"),
    "download": (ids.DOWNLOAD, "data"),
}


class Client:
    """One browser tab talking to the app over HTTP (Flask's test client)."""

    def __init__(self, app: Any, host: str = "127.0.0.1:8050") -> None:
        self.http = app.server.test_client()
        self.host = host
        layout = self.get("/_dash-layout").get_json()
        dependencies = self.get("/_dash-dependencies").get_json()
        self.page = lt.Page(layout, dependencies, None)
        for name, output in EXTRA_CALLBACKS.items():
            self.page.callbacks[name] = lt.find_callback(dependencies, *output)
        self.page.set(ids.URL, "pathname", "/")
        self.page.set(ids.URL, "search", "")

    def get(self, path: str) -> Any:
        return self.http.get(path, headers={"Host": self.host})

    def post(self, body: Any, raw: bytes | None = None) -> Any:
        data = raw if raw is not None else json.dumps(body).encode()
        return self.http.post(
            "/_dash-update-component",
            data=data,
            headers={"Host": self.host, "Content-Type": "application/json"},
        )

    def call(self, name: str, changed: list[tuple[Any, str]]) -> dict[str, Any]:
        response = self.post(self.page.body(name, changed))
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        data = response.get_json()
        self.page.apply(data["response"])
        return data

    def upload(self, filename: str, data: bytes) -> dict[str, Any]:
        contents = "data:text/plain;base64," + base64.b64encode(data).decode()
        self.page.set(ids.UPLOAD, "contents", contents)
        self.page.set(ids.UPLOAD, "filename", filename)
        answer = self.call("on_upload", [(ids.UPLOAD, "contents")])
        status = lt.text_of(self.page.get(ids.UPLOAD_STATUS, "children"))
        assert status.startswith("Loaded"), status
        return answer

    def state(self, **data: Any) -> None:
        """Store ``data`` as the page's state (the controls showing it): sent with the next
        request, as a hostile client may."""
        self.changed = self.page.show_state(data)

    def results(self) -> tuple[str, str, dict[str, Any]]:
        """(summary text, error text, the whole response) of the explorer's callback for the
        stored state."""
        changed = getattr(self, "changed", None) or self.page.show_state(
            self.page.get(ids.STATE, "data")
        )
        data = self.call("update", changed)["response"]
        summary = " ".join(lt.summary_lines(data[ids.SUMMARY_CONTENT]["data"]))
        error = lt.text_of(self.page.get(ids.ERROR, "children"))  # sent when it changes
        return summary, error, data

    def export(self, fmt: str) -> dict[str, Any]:
        button = {"format": fmt, "type": ids.EXPORT}
        self.page.set(button, "n_clicks", 1)
        return self.call("download", [(button, "n_clicks")])


def bounded(function: Callable[[], Any], seconds: float = HANG_GUARD) -> Any:
    """``function()`` in a thread; fails the test if it has not returned after ``seconds``."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = function()
        except BaseException as exc:  # re-raised below
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"the request did not return within {seconds:g} s"
    if "error" in box:
        raise box["error"]
    return box["value"]


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app(quick_seconds=20.0)


@pytest.fixture
def client(app: Any) -> Client:
    return Client(app)


@pytest.fixture
def quick_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return create_app(quick_seconds=3.0, jobs_dir=str(tmp_path_factory.mktemp("jobs")))


def toml_model(name: str, *, drug: str = "inhibitor") -> bytes:
    return f"""[model]
name = {json.dumps(name)}
version = "1"

[[node]]
name = "A"
rule = "!B"
[[node]]
name = "B"
rule = "A"
[[node]]
name = "C"
rule = "C"

[[drug]]
name = {json.dumps(drug)}
targets = {{ A = 0 }}
""".encode()


def chain_bnet(length: int) -> bytes:
    lines = ["targets, factors", "A0, 1"] + [f"A{i}, A{i - 1}" for i in range(1, length)]
    return ("\n".join(lines) + "\n").encode()


def inputs_bnet(count: int) -> bytes:
    """``count`` free inputs, each copied to an output: 2**count fixed points."""
    lines = ["targets, factors"]
    for i in range(count):
        lines += [f"I{i}, I{i}", f"O{i}, I{i}"]
    return ("\n".join(lines) + "\n").encode()


# ---- 1. no file is written on the server from a model's name ----------------------------------


@pytest.mark.parametrize("fmt", ["bnet", "sbml", "bnd", "csv"])
@pytest.mark.parametrize("style", ["absolute", "relative"])
def test_a_model_name_never_becomes_a_server_path(
    app: Any, tmp_path: Path, fmt: str, style: str
) -> None:
    target = tmp_path / "victim"
    target.mkdir()
    name = str(target / "x") if style == "absolute" else "../" * 12 + str(target / "x")[1:]
    client = Client(app)
    client.upload("evil.toml", toml_model(name))
    key = client.page.get(ids.UPLOAD_STORE, "data")
    assert key is not None
    client.state(model=client.page.get(ids.MODEL_SELECT, "value"))
    download = client.export(fmt)["response"][ids.DOWNLOAD]["data"]
    assert list(target.iterdir()) == []  # nothing written where the name pointed
    filename = download["filename"]
    assert re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*", filename) and ".." not in filename
    content = base64.b64decode(download["content"]) if download["base64"] else b""
    content = content or download["content"].encode()
    if fmt == "bnd":  # two files, zipped: both there, under safe names
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        assert sorted(Path(n).suffix for n in names) == [".bnd", ".cfg"]
        assert all("/" not in n for n in names)
    else:
        assert len(content) > 20


# ---- 2. no server file is read from a client's model value ------------------------------------


def test_model_values_that_are_paths_are_unknown_models(client: Client, tmp_path: Path) -> None:
    secret = tmp_path / "secret.bnet"
    secret.write_text("targets, factors\nTOPSECRET, TOPSECRET\n")
    link = tmp_path / "passwd.bnet"
    link.symlink_to("/etc/passwd")
    fifo = tmp_path / "blocks.bnet"
    os.mkfifo(fifo)
    for value in (str(secret), str(link), str(fifo), "../networks/hr_breast_cancer.toml"):
        client.state(model=value)
        _, error, data = bounded(client.results)
        assert "unknown model" in error, error
        text = json.dumps(data)
        assert "TOPSECRET" not in text and "root:" not in text
    # the same through the URL, as ``?model=``
    client.page.set(ids.URL, "search", "?model=" + str(secret))
    data = client.call("update", [(ids.URL, "search")])["response"]
    error = lt.text_of(client.page.get(ids.ERROR, "children"))
    assert "unknown model" in error and "TOPSECRET" not in json.dumps(data)


def test_the_details_graph_and_screen_never_load_a_path(client: Client, tmp_path: Path) -> None:
    secret = tmp_path / "secret.bnet"
    secret.write_text("targets, factors\nTOPSECRET, TOPSECRET\n")
    client.state(model=str(secret))
    graph = client.call("update", client.changed)
    assert "TOPSECRET" not in json.dumps(graph)
    client.page.set(ids.CURRENT_MODEL, "data", str(secret))
    client.page.callbacks["render_model"] = lt.find_callback(
        client.page.dependencies, ids.MODEL_TITLE, "children"
    )
    panel = client.call("render_model", [(ids.CURRENT_MODEL, "data")])
    assert "TOPSECRET" not in json.dumps(panel)


# ---- 3. budgets hold for every search a request makes -----------------------------------------


def test_sixteen_free_inputs_under_most_permissive_stop_at_the_budget(quick_app: Any) -> None:
    client = Client(quick_app)
    client.upload("inputs.bnet", inputs_bnet(16))
    key = client.page.get(ids.MODEL_SELECT, "value")
    client.state(model=key, semantics="most_permissive")
    summary, error, data = bounded(client.results)
    assert "time budget of 3 s" in error, (summary, error)
    assert len(json.dumps(data)) < 1_000_000


def test_a_long_constant_chain_stops_at_the_budget(quick_app: Any) -> None:
    client = Client(quick_app)
    client.upload("chain.bnet", chain_bnet(10_000))
    client.state(model=client.page.get(ids.MODEL_SELECT, "value"))
    summary, error, _ = bounded(client.results)
    # either it finishes (one fixed point) or it says which budget stopped it: never unbounded
    assert "1 attractor" in summary or "budget" in error, (summary, error)


def test_thousands_of_attractors_are_summarised_not_sent(app: Any) -> None:
    client = Client(app)
    client.upload("inputs.bnet", inputs_bnet(12))
    client.state(model=client.page.get(ids.MODEL_SELECT, "value"))
    summary, error, data = bounded(client.results)
    assert error == ""
    assert "4,096 attractors" in summary and "--max-attractors 0" in summary
    assert len(json.dumps(data)) < 5_000_000
    # the 200 held fall into 200 valuations of the 12 free inputs: one row each (12 input
    # columns and 3 more, never a column per attractor), and the table shows the one picked
    groups = data[ids.GROUPS_CONTENT]["data"]
    assert len(groups["data"]) == 200 and len(groups["columns"]) == 12 + 3
    assert len(data[ids.GROUP_PICK]["options"]) == 200
    assert (
        len(data[ids.ATTRACTOR_PICK]["options"])
        == len(data[ids.TABLE_CONTENT]["data"]["data"])
        == 1
    )


def test_an_exploding_primes_export_stops_at_the_budget(quick_app: Any) -> None:
    # (a1|b1) & ... & (a20|b20) has 2**20 prime implicants
    clauses = " & ".join(f"(a{i} | b{i})" for i in range(20))
    inputs = "".join(f"a{i}, a{i}\nb{i}, b{i}\n" for i in range(20))
    client = Client(quick_app)
    client.upload("cnf.bnet", f"targets, factors\n{inputs}T, {clauses}\n".encode())
    client.state(model=client.page.get(ids.MODEL_SELECT, "value"))
    data = bounded(lambda: client.export("primes"))
    text = json.dumps(data)
    # whichever bound it meets first (the machine's speed decides): the time budget, or the
    # primes writer's limit on prime implicants; either is a clear export error
    assert "Export failed" in text, text
    assert "time budget of 3 s" in text or "too many prime implicants" in text, text
    assert "Something went wrong" not in text
    assert "most_permissive" not in text  # no semantics to suggest for an export


def test_a_summarised_result_exports_with_its_count(app: Any) -> None:
    client = Client(app)
    client.upload("inputs.bnet", inputs_bnet(12))
    client.state(model=client.page.get(ids.MODEL_SELECT, "value"))
    text = client.export("csv")["response"][ids.DOWNLOAD]["data"]["content"]
    assert "# attractors: 4096 (the first 200 are in this table)" in text
    assert "# complete: no" in text
    assert len([line for line in text.splitlines() if not line.startswith("#")]) == 201


# ---- 4. memory: what a request carries is bounded; caches are bounded by bytes -------------


def test_a_million_knockouts_are_refused_cheaply(client: Client) -> None:
    client.state(knockouts=["AKT"] * 1_000_000)
    before = webstate._RESULTS.nbytes
    _, error, _ = bounded(client.results)
    assert "1,000,000 names sent; at most 512" in error
    assert webstate._RESULTS.nbytes == before


def test_repeated_names_are_one_perturbation(client: Client) -> None:
    client.state(knockouts=["AKT"] * 300)
    summary, error, _ = client.results()
    assert error == "" and summary.count("AKT") >= 1 and "AKT_ko" in summary


@pytest.mark.parametrize(
    "data",
    [
        {"knockouts": "x" * 100_000},
        {"knockouts": [{"a": 1}]},
        {"drugs": 5},
        {"model": ["a"]},
        {"semantics": {"x": 1}, "selected": "NaN"},
        "not a dict",
    ],
)
def test_malformed_state_gives_a_message_not_a_server_error(client: Client, data: Any) -> None:
    client.page.set(ids.STATE, "data", data)
    summary, error, _ = client.results()
    assert summary or error


def test_distinct_uploads_do_not_grow_the_cache_past_its_bytes(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache: ByteBoundedCache[Any, Any] = ByteBoundedCache(
        2 * 1024 * 1024, size=webstate._NETWORKS._size
    )
    monkeypatch.setattr(webstate, "_NETWORKS", cache)
    client = Client(app)
    for i in range(40):
        client.upload(f"m{i}.bnet", inputs_bnet(2) + f"X{i}, X{i}\n".encode() * 1)
    assert 0 < cache.nbytes <= cache.max_bytes
    assert len(cache) < 40


def test_the_result_cache_is_bounded_by_bytes() -> None:
    cache: ByteBoundedCache[int, bytes] = ByteBoundedCache(10_000, size=lambda k, v: len(v))
    for i in range(100):
        cache.put(i, b"x" * 1_000)
    assert cache.nbytes <= 10_000 and len(cache) == 10
    assert cache.get(99) is not None and cache.get(0) is None
    cache.put(-1, b"y" * 5_000)  # over a quarter of the budget: not kept
    assert cache.get(-1) is None


# ---- 5. background jobs are capped per server and per tab ---------------------------------------


def test_job_slots_cap_the_server_and_each_tab(tmp_path: Path) -> None:
    slots = JobSlots(tmp_path, 2)
    with slots.hold("tab-a"):
        with pytest.raises(ServerBusy, match="this tab already runs"), slots.hold("tab-a"):
            pass
        with slots.hold("tab-b"):
            assert slots.in_use() == 2
            with pytest.raises(ServerBusy, match="server is busy"), slots.hold("tab-c"):
                pass
    assert slots.in_use() == 0
    with slots.hold("tab-c"):
        pass


def test_job_slots_hold_across_processes_and_free_when_the_holder_dies(tmp_path: Path) -> None:
    code = (
        "import sys, time; from mtor_network.webapp.jobs import JobSlots\n"
        f"s = JobSlots({str(tmp_path)!r}, 1)\n"
        "with s.hold('other'):\n"
        "    print('held', flush=True); time.sleep(600)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        slots = JobSlots(tmp_path, 1)
        with pytest.raises(ServerBusy, match="busy"), slots.hold("mine"):
            pass
    finally:
        holder.kill()
        holder.wait(30)
    with slots.hold("mine"):  # the kernel dropped the dead holder's lock
        assert slots.in_use() == 1


def _run_in_background(client: Client, end_id: str) -> dict[str, Any]:
    """Click "Run it in the background" and poll the job as the renderer does, until its
    answer (bounded by the hang guard)."""
    client.page.callbacks["run_heavy"] = next(
        d for d in client.page.dependencies if any(i["id"] == ids.HEAVY_RUN for i in d["inputs"])
    )
    client.page.set(ids.HEAVY_RUN, "n_clicks", 1)
    body = client.page.body("run_heavy", [(ids.HEAVY_RUN, "n_clicks")])
    headers = {"Host": client.host, "Content-Type": "application/json"}
    first = client.http.post(
        f"/_dash-update-component?endId={end_id}", data=json.dumps(body), headers=headers
    )
    handles = first.get_json()
    assert "cacheKey" in handles, handles
    query = f"endId={end_id}&cacheKey={handles['cacheKey']}&job={handles['job']}"
    deadline = time.monotonic() + HANG_GUARD
    while time.monotonic() < deadline:
        answer = client.http.post(
            f"/_dash-update-component?{query}", data=json.dumps(body), headers=headers
        )
        data = answer.get_json() or {}
        if "response" in data:
            return data
        time.sleep(0.2)
    raise AssertionError("the background job never answered")


def test_a_background_job_when_every_slot_is_taken_says_busy(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs"
    app = create_app(jobs_dir=str(jobs), max_jobs=1)
    client = Client(app)
    html = client.get("/").get_data(as_text=True)
    config = re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', html)
    end_id = json.loads(config.group(1)).get("end_id", "") if config else ""
    client.state(knockouts=["MTORC1"])
    code = (
        "import time; from mtor_network.webapp.jobs import JobSlots\n"
        f"s = JobSlots({str(jobs)!r}, 1)\n"
        "with s.hold('another tab'):\n"
        "    print('held', flush=True); time.sleep(600)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        busy = _run_in_background(client, end_id)
        assert "the server is busy" in json.dumps(busy["response"])
    finally:
        holder.kill()
        holder.wait(30)
    done = _run_in_background(client, end_id)["response"]
    summary = " ".join(lt.summary_lines(done[ids.SUMMARY_CONTENT]["data"]))
    assert "MTORC1_ko" in summary, done.get(ids.ERROR, done)


def test_each_page_load_gets_its_own_tab_id(app: Any) -> None:
    first, second = Client(app), Client(app)
    a, b = first.page.get(ids.TAB, "data"), second.page.get(ids.TAB, "data")
    assert a and b and a != b


# ---- 6. cold start: the first concurrent requests find every module imported ------------------


def test_a_fresh_server_answers_concurrent_first_requests() -> None:
    with lt.serve_subprocess() as url:
        import requests

        page = lt.Page(
            requests.get(url + "_dash-layout", timeout=60).json(),
            requests.get(url + "_dash-dependencies", timeout=60).json(),
            None,
        )
        page.callbacks["download"] = lt.find_callback(page.dependencies, ids.DOWNLOAD, "data")
        bodies = []
        for fmt in ("csv", "xlsx", "json", "sbml"):
            button = {"format": fmt, "type": ids.EXPORT}
            page.set(button, "n_clicks", 1)
            bodies.append(page.body("download", [(button, "n_clicks")]))
        bodies.append(page.body("update", [(ids.STATE, "data")]))
        bodies.append(page.body("update", page.show_state({"knockouts": ["AKT"]})))

        def send(body: dict[str, Any]) -> int:
            answer = requests.post(url + "_dash-update-component", json=body, timeout=HANG_GUARD)
            return answer.status_code if "sideUpdate" not in answer.text else 599

        with ThreadPoolExecutor(24) as pool:
            codes = list(pool.map(send, bodies * 6))
        assert codes == [200] * len(codes)


# ---- 7. no spreadsheet formula from a model's names ---------------------------------------------


def test_exported_tables_carry_no_formula(client: Client) -> None:
    evil = 'x,=HYPERLINK("http://example.invalid/?"&A1)'
    client.upload("evil.toml", toml_model(evil, drug="=cmd"))
    key = client.page.get(ids.MODEL_SELECT, "value")
    client.state(model=key, drugs=["=cmd"])
    for fmt in ("csv", "tsv"):
        download = client.export(fmt)["response"][ids.DOWNLOAD]["data"]
        text = download["content"]
        sep = "," if fmt == "csv" else "\t"
        cells = [c for row in csv.reader(io.StringIO(text), delimiter=sep) for c in row]
        assert cells and not [c for c in cells if c[:1] in ("=", "+", "@")]
    download = client.export("xlsx")["response"][ids.DOWNLOAD]["data"]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(base64.b64decode(download["content"])))
    kinds = {cell.data_type for sheet in book for row in sheet.iter_rows() for cell in row}
    assert "f" not in kinds


# ---- 11. malformed requests, failed exports, Host headers --------------------------------


@pytest.mark.parametrize(
    "raw",
    [b"", b"not json", b"[]", b'{"output": 5}', b'{"output": "x"}', b"\xff\xfe", b"null"],
)
def test_malformed_callback_bodies_are_400_not_500(client: Client, raw: bytes) -> None:
    assert client.post(None, raw=raw).status_code == 400


def test_a_failed_export_says_so(client: Client) -> None:
    client.state(knockouts=["NOT_A_NODE"])
    data = client.export("csv")
    side = json.dumps(data)
    assert "Export failed" in side and "NOT_A_NODE" in side


def test_an_unknown_export_format_says_so(client: Client) -> None:
    button = {"format": "../../etc/passwd", "type": ids.EXPORT}
    client.page.ids.append(button)
    client.page.set(button, "n_clicks", 1)
    data = client.call("download", [(button, "n_clicks")])
    assert "Export failed" in json.dumps(data) and "unknown export format" in json.dumps(data)


def test_requests_for_another_host_are_refused(app: Any) -> None:
    http = app.server.test_client()
    assert http.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert http.get("/", headers={"Host": "evil.example:8050"}).status_code == 400
    for host in ("127.0.0.1:8050", "localhost", "[::1]:8050", "LOCALHOST:1"):
        assert http.get("/", headers={"Host": host}).status_code == 200, host
    opened = create_app(allowed_hosts=["explorer.example.org"]).server.test_client()
    assert opened.get("/", headers={"Host": "explorer.example.org"}).status_code == 200
    assert opened.get("/", headers={"Host": "127.0.0.1"}).status_code == 400


def test_an_unknown_bundled_model_fails_at_start() -> None:
    with pytest.raises(KeyError, match="unknown model"):
        create_app("/etc/passwd")


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    yield
    webstate.clear_caches()


def test_a_search_over_its_time_is_remembered_with_the_time_it_had(monkeypatch) -> None:
    """A comparison stopped by what was left of a request is not searched again on the next
    click (an imported model's unperturbed search with every input free took 20 s a click);
    a query with 1.5 times the time, or more, tries again."""
    from mtor_network.attractors import Budget
    from mtor_network.exceptions import BudgetExceeded

    tried: list[float | None] = []

    def over(network: Any, semantics: Any, *, perturbations: Any, budget: Any) -> Any:
        tried.append(budget.seconds)
        raise BudgetExceeded(f"did not finish in {budget.seconds:.1f} s", limit="time")

    monkeypatch.setattr(webstate, "find_attractors", over)
    key = (("letrozole",), (), (), (), ())  # a key no other test searched with this budget
    budget = Budget(seconds=40.0)

    def ask(deadline: float | None = None) -> str:
        with pytest.raises(BudgetExceeded) as info:
            webstate.cached_attractors(
                "hr_breast_cancer", key, "synchronous", None, budget, deadline=deadline
            )
        return str(info.value)

    first = ask(deadline=time.monotonic() + 20.0)  # what a request had left: about 20 s
    assert len(tried) == 1 and tried[0] is not None and 0 < tried[0] <= 20.0
    assert ask(deadline=time.monotonic() + 22.0) == first and len(tried) == 1  # no new search
    ask()  # the whole 40 s, twice what it had: searched again
    assert tried[1:] == [40.0]
    ask(deadline=time.monotonic() + 30.0)
    assert len(tried) == 2
