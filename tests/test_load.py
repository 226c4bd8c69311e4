"""A small version of the web explorer's load test (``benchmarks/load_test.py``).

The app is served by werkzeug (threaded) from a thread on 127.0.0.1 and a free port; eight
sessions make ten random actions each (toggle clicks, graph taps, drug choices), concurrently,
with the request bodies the Dash renderer sends (one ``update`` request per action). Every
answer is checked against the session's own state, and afterwards against
``find_attractors``. No timing is asserted.
"""

from __future__ import annotations

import importlib.util
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mtor_network import load_network
from mtor_network.models import FLAGSHIP
from mtor_network.webapp import create_app, ids

SESSIONS = 8
ACTIONS = 10
CAP_SECONDS = 120.0  # a bound on the run, never reached on a working app (not a timing check)


def _load_module() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "load_test.py"
    spec = importlib.util.spec_from_file_location("_benchmarks_load_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


lt = _load_module()


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with lt.serve_thread() as url:
        yield url


@pytest.fixture
def page() -> Any:
    """The renderer's view of a fresh page, from the app's own layout and dependencies."""
    client = create_app().server.test_client()
    return lt.Page(
        client.get("/_dash-layout").get_json(), client.get("/_dash-dependencies").get_json(), None
    )


def test_concurrent_sessions_each_get_their_own_answers(app_url: str) -> None:
    report = lt.run_load(app_url, sessions=SESSIONS, actions=ACTIONS, duration=CAP_SECONDS, seed=7)
    assert report.error_count == 0, report.errors
    assert report.hung_sessions == 0
    assert [r.completed for r in report.results] == [ACTIONS] * SESSIONS
    # 3 GETs, the page-load callback and one callback per action, all answered
    assert report.requests == SESSIONS * (4 + ACTIONS)
    assert len(report.latencies["update"]) == SESSIONS * (1 + ACTIONS)
    # each session followed its own random sequence, so a shared state would have been caught
    sequences = {tuple(r.actions) for r in report.results}
    assert len(sequences) == SESSIONS
    assert len({r.final_state for r in report.results}) > 1
    assert any(a.startswith("toggle ") for r in report.results for a in r.actions)
    assert any(a.startswith("tap ") for r in report.results for a in r.actions)
    # what the sessions were shown agrees with the library, state by state
    lt.verify_answers(report)
    assert report.mismatches == []
    assert report.verified_states == report.distinct_states() > SESSIONS


def test_a_session_checks_its_answers_and_catches_wrong_ones(app_url: str) -> None:
    recorder = lt.Recorder()
    session = lt.Session(app_url, 0, random.Random(1), recorder, 60.0)
    session.open()  # page load, wild type checked
    assert session.expected.state()["knockouts"] == []

    toggle = session.open_group("MTORC1")
    assert toggle == {"node": "MTORC1", "type": ids.NODE_TOGGLE}
    session.expected.click("MTORC1")
    session.page.set(toggle, "n_clicks", 1)
    before = session.page.snapshot()
    answer_of_click = session._callback("update", [(toggle, "n_clicks")])  # one request
    state = results = graph = answer_of_click
    assert lt.check_state(state, session.expected, before) == []
    problems, answer = lt.check_results(results, session.expected, session.nodes)
    assert problems == [] and answer is not None
    summary = " ".join(lt.summary_lines(results[ids.SUMMARY_CONTENT]["data"]))
    assert "MTORC1_ko" in summary
    assert lt.check_graph(graph, session.expected, session.nodes) == []

    # the same answers judged against another session's state: every check objects
    other = lt.Expected(FLAGSHIP, lt.drug_effects(FLAGSHIP), knockouts=["ERK"])
    assert lt.check_state(state, other, before)
    problems, _ = lt.check_results(results, other, session.nodes)
    assert any("ERK_ko" in p for p in problems)
    assert any("ERK" in p for p in lt.check_graph(graph, other, session.nodes))

    # MTORC1 forced on (second click) with sapanisertib (MTORC1=0): the user gets a conflict message
    session.expected.click("MTORC1")
    session.page.set(toggle, "n_clicks", 2)
    session._round("toggle MTORC1", [(toggle, "n_clicks")])
    session.expected.drugs = ["sapanisertib"]
    session.page.set(ids.DRUGS, "value", ["sapanisertib"])
    session._round("drugs", [(ids.DRUGS, "value")])
    assert session.expected.fixed()[1] == ["MTORC1"]
    assert "fixes MTORC1=" in lt.text_of(session.page.get(ids.ERROR, "children"))
    assert recorder.error_count == 0


def test_request_bodies_are_built_like_the_renderer(page: Any) -> None:
    toggle = {"node": "MTORC1", "type": ids.NODE_TOGGLE}
    page.set(ids.STATE, "data", {"model": FLAGSHIP})
    for node in load_network(FLAGSHIP).node_names:  # every group opened
        page.add({"node": node, "type": ids.NODE_TOGGLE}, {"n_clicks": 0})
    page.set(toggle, "n_clicks", 1)
    body = page.body("update", [(toggle, "n_clicks")])
    assert body["changedPropIds"] == ['{"node":"MTORC1","type":"node-toggle"}.n_clicks']
    assert body["parsedChangedPropsIds"] == [toggle]
    assert {"id": ids.STATE, "property": "data"} in body["outputs"]
    clicks = next(i for i in body["inputs"] if isinstance(i, list))
    nodes = [i["id"]["node"] for i in clicks]
    assert len(nodes) == len(load_network(FLAGSHIP)) and nodes.index("MTORC1") >= 0
    assert next(i for i in clicks if i["id"] == toggle)["value"] == 1
    assert body["state"][0] == {"id": ids.STATE, "property": "data", "value": {"model": FLAGSHIP}}
    assert {"id": "click-mode", "property": "value", "value": "perturb"} in body["state"]
    # the same request draws the summary and the graph
    assert "network-graph.elements" in body["output"] and ids.SUMMARY_CONTENT in body["output"]
    assert {"id": ids.GRAPH, "property": "elements"} in body["outputs"]
    assert {"id": ids.GRAPH_VIEW, "property": "data"} in body["outputs"]
    # the graph's key (from the layout) is sent: the answer leaves out elements the page holds
    key = next(s for s in body["state"] if s["id"] == ids.GRAPH_KEY)
    assert re.fullmatch(r"[0-9a-f]{16}", key["value"])

    # a callback that gains an input: the body follows /_dash-dependencies
    spec = json.loads(json.dumps(page.callbacks["update"]))
    spec["inputs"].append({"id": ids.CLICK_MODE, "property": "value"})
    page.callbacks["update"] = spec
    page.set(ids.CLICK_MODE, "value", "inspect")
    body = page.body("update", [(toggle, "n_clicks")])
    assert body["inputs"][-1] == {"id": ids.CLICK_MODE, "property": "value", "value": "inspect"}


def test_only_127_0_0_1_is_ever_targeted() -> None:
    for url in ("http://10.0.0.1:8050/", "http://example.org/", "https://127.0.0.1:8050/"):
        with pytest.raises(ValueError, match=r"only targets http://127\.0\.0\.1"):
            lt.run_load(url, sessions=1, actions=1, duration=1)


def test_a_hostile_mix_gets_its_refusals_and_leaves_ordinary_users_served() -> None:
    """Ordinary sessions beside hostile ones (a million knockouts, a server path as the model,
    bodies that are not JSON, a search that explodes, a new upload every time, a formula as
    the model's name): every hostile answer is the refusal or budget message promised, every
    ordinary answer is right, and the server's memory stays bounded."""
    info: dict[str, Any] = {}
    extra = ["--timeout", "3", "--search-workers", "4"]
    with lt.serve_subprocess(info=info, extra=extra) as url:
        before = lt.process_tree_rss_mb(info["pid"])
        report = lt.run_load(
            url, sessions=4, actions=6, duration=CAP_SECONDS, seed=11, hostile=2, hostile_actions=12
        )
        after = lt.process_tree_rss_mb(info["pid"])
    assert report.error_count == 0, report.errors
    assert report.hostile["errors"] == 0, report.hostile["error_list"]
    assert sum(report.hostile["actions"].values()) == 2 * 12
    assert len(report.hostile["actions"]) >= 4  # most kinds of attack were made
    lt.verify_answers(report)
    assert report.mismatches == []
    # the server process (caches) stays within its byte bounds plus the libraries' growth
    assert after["server"] < before["server"] + 600, (before, after)
