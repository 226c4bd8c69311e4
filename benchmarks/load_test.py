"""Load test of the Dash web explorer: many concurrent users toggling knockouts, on 127.0.0.1.

Each simulated session behaves like one browser tab. It loads the page (``GET /``,
``/_dash-layout``, ``/_dash-dependencies``), runs the page-load callbacks, then makes its own
random sequence of user actions: a click on a node's toggle button, a tap on a node of the graph,
or a new drug choice. Every action sends the one ``POST /_dash-update-component`` request the
Dash renderer sends for it: ``update`` (outputs ``state.data``, the summary, the table and
``graph-view.data``: the new state and everything it shows, in one answer; the toggle
buttons' classes are computed in the page). The request bodies are built from
``/_dash-dependencies`` and the layout, the way the renderer builds them (callbacks found by
their outputs; pattern-matching ``ALL`` ids expanded from the layout; the page's signed
``endId`` echoed), so a callback that gains an input keeps working.

Every response is checked: HTTP 200, JSON, and right for that session's state, which each session
tracks on its own (normal -> knocked out -> forced on -> normal per node, its drugs): the state
and URL query the server returns, the perturbations the summary names (``MTORC1_ko``...), an
error message exactly when two choices fix a node both ways, and on
the graph every fixed node marked and at its fixed value. After the run, outside the timing, the
attractor counts and phenotypes each session was shown are compared with
``mtor_network.find_attractors`` called directly. A session that saw another's state would fail.
A session stops at its first error (its state may no longer match the server's); the errors are
counted and the first ones printed.

The server is started here and only here, on 127.0.0.1 and a free port: ``python app.py`` in a
subprocess (default; the clients do not share its interpreter) or werkzeug's threaded server in a
thread of this process (``--server thread``). The run is bounded: a fixed number of sessions and
actions, and a wall-clock cap (``--duration``) after which sessions stop starting actions.

Run from the repository root::

    python3 benchmarks/load_test.py                                  # 32 sessions x 20 actions
    python3 benchmarks/load_test.py --sessions 8 --requests-per-session 10 --duration 60
    python3 benchmarks/load_test.py --sessions 16 --requests-per-session 40 --hostile 4 \\
        --hostile-requests 25 --app-timeout 5     # ~2,000 requests with a hostile mix

With ``--hostile N``, N :class:`HostileSession` clients send oversized, malformed, path-naming,
exploding, ever-new and formula-named requests among the ordinary ones; the report gives the
ordinary requests' p50/p95 beside the hostile answers (each checked: the refusal or budget
message promised) and the server's resident memory (and its child processes') before and
after the run.

Prints throughput, p50/p95/p99 latency per request type and the errors (zero expected); writes
``benchmarks/results/load_test.json`` (``--out`` to change). Exit status 1 if any error.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HOST = "127.0.0.1"  # the only address this script ever talks to
DEFAULT_OUT = HERE / "results" / "load_test.json"

# the callbacks, found in /_dash-dependencies by one of their outputs (component ids: ids.py)
CALLBACK_OUTPUTS = {
    "update": ("state", "data"),  # also the summary, the table and the graph's elements
}
TOGGLE_TYPE = "node-toggle"
KINDS = ("page", "layout", "dependencies", *CALLBACK_OUTPUTS, "action")
ACTION_WEIGHTS = {"toggle": 0.6, "tap": 0.25, "drugs": 0.15}
CYCLE = {"normal": "knockout", "knockout": "overexpress", "overexpress": "normal"}
MAX_ERRORS_KEPT = 50


class LoadTestError(Exception):
    """A response that is not what the session expected (status, JSON or content)."""


# ---- what a session expects -------------------------------------------------------------------


@dataclass
class Expected:
    """One session's own idea of its state, kept independently of the server."""

    model: str
    drug_effects: Mapping[str, Mapping[str, bool]]  # drug name -> {node: value}
    knockouts: list[str] = field(default_factory=list)
    overexpressed: list[str] = field(default_factory=list)
    drugs: list[str] = field(default_factory=list)

    def status(self, node: str) -> str:
        if node in self.knockouts:
            return "knockout"
        if node in self.overexpressed:
            return "overexpress"
        return "normal"

    def click(self, node: str) -> None:
        """A toggle click or graph tap: normal -> knocked out -> forced on -> normal."""
        new = CYCLE[self.status(node)]
        self.knockouts = [n for n in self.knockouts if n != node]
        self.overexpressed = [n for n in self.overexpressed if n != node]
        if new == "knockout":
            self.knockouts.append(node)
        elif new == "overexpress":
            self.overexpressed.append(node)

    def state(self) -> dict[str, Any]:
        """The ``state.data`` the server should return."""
        return {
            "model": self.model,
            "drugs": list(self.drugs),
            "genotypes": [],
            "environments": [],
            "knockouts": list(self.knockouts),
            "overexpressed": list(self.overexpressed),
            "semantics": "asynchronous",
            "selected": 0,
        }

    def query(self) -> str:
        """The URL query the server should return (empty for the default state)."""
        pairs = [("drug", d) for d in self.drugs]
        pairs += [("ko", n) for n in self.knockouts]
        pairs += [("oe", n) for n in self.overexpressed]
        return "?" + urlencode(pairs) if pairs else ""

    def names(self) -> list[str]:
        """The perturbations the summary should name."""
        return (
            list(self.drugs)
            + [f"{n}_ko" for n in self.knockouts]
            + [f"{n}_oe" for n in self.overexpressed]
        )

    def fixed(self) -> tuple[dict[str, bool], list[str]]:
        """The node values the choices fix, and the nodes fixed both ways (a conflict)."""
        values: dict[str, set[bool]] = collections.defaultdict(set)
        for drug in self.drugs:
            for node, value in self.drug_effects[drug].items():
                values[node].add(bool(value))
        for node in self.knockouts:
            values[node].add(False)
        for node in self.overexpressed:
            values[node].add(True)
        conflicts = sorted(n for n, v in values.items() if len(v) > 1)
        return {n: next(iter(v)) for n, v in values.items() if len(v) == 1}, conflicts

    def key(self) -> str:
        """A name for the state (for comparing answers across sessions and with the library)."""
        return json.dumps(
            {
                "drugs": sorted(self.drugs),
                "ko": sorted(self.knockouts),
                "oe": sorted(self.overexpressed),
            },
            sort_keys=True,
        )


# ---- a minimal Dash renderer ------------------------------------------------------------------


def stringify_id(component_id: Any) -> str:
    """A component id as the renderer writes it: dict ids as sorted, compact JSON."""
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return str(component_id)


def parse_outputs(output: str) -> list[tuple[str, str]]:
    """``(id, property)`` pairs of a dependency's ``output`` string (``..a.b...c.d..`` for
    several outputs, ``@hash`` suffixes of ``allow_duplicate`` outputs kept on the property)."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    pairs = []
    for part in parts:
        component, _, prop = part.rpartition(".")
        pairs.append((component, prop))
    return pairs


def find_callback(dependencies: Sequence[Mapping[str, Any]], component: str, prop: str) -> dict:
    """The callback whose outputs include ``component.prop`` (not an ``allow_duplicate`` copy)."""
    found = [d for d in dependencies if (component, prop) in parse_outputs(d["output"])]
    if len(found) != 1:
        raise LoadTestError(f"{len(found)} callbacks output {component}.{prop}, expected 1")
    return dict(found[0])


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every component with an id in a layout tree (children and component-valued props)."""
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        props = node.get("props")
        if "type" in node and "namespace" in node and isinstance(props, dict):
            if "id" in props:
                yield node
            for value in props.values():
                yield from _walk(value)


def _matches(pattern: Mapping[str, Any], component_id: Any) -> bool:
    if not isinstance(component_id, dict) or set(component_id) != set(pattern):
        return False
    for key, wanted in pattern.items():
        if isinstance(wanted, list):
            if wanted != ["ALL"]:
                raise LoadTestError(f"wildcard {wanted} is not supported (only ALL)")
        elif component_id[key] != wanted:
            return False
    return True


class Page:
    """One browser tab's view of the app: component props, callbacks and the page's ``endId``."""

    def __init__(self, layout: Any, dependencies: list[dict[str, Any]], end_id: str | None):
        self.props: dict[str, dict[str, Any]] = {}
        self.ids: list[Any] = []  # in layout order (the order of ALL expansions)
        for component in _walk(layout):
            component_id = component["props"]["id"]
            self.ids.append(component_id)
            self.props[stringify_id(component_id)] = dict(component["props"])
        self.dependencies = dependencies
        self.end_id = end_id
        self.callbacks = {
            name: find_callback(dependencies, *output) for name, output in CALLBACK_OUTPUTS.items()
        }

    def get(self, component_id: Any, prop: str, default: Any = None) -> Any:
        return self.props.get(stringify_id(component_id), {}).get(prop, default)

    def set(self, component_id: Any, prop: str, value: Any) -> None:
        self.props.setdefault(stringify_id(component_id), {"id": component_id})[prop] = value

    def add(self, component_id: Any, props: Mapping[str, Any]) -> None:
        """A component the page draws itself (a client-side callback), after the others."""
        if stringify_id(component_id) not in self.props:
            self.ids.append(component_id)
        self.props[stringify_id(component_id)] = {"id": component_id, **props}

    def expand(self, component: str) -> list[Any] | Any:
        """A dependency's id: a plain id, or the matching ids (layout order) of an ALL pattern."""
        if not component.startswith("{"):
            return component
        pattern = json.loads(component)
        return [i for i in self.ids if _matches(pattern, i)]

    def _item(self, component_id: Any, prop: str, with_value: bool) -> dict[str, Any]:
        item: dict[str, Any] = {"id": component_id, "property": prop}
        key = stringify_id(component_id)
        if with_value and prop in self.props.get(key, {}):
            item["value"] = self.props[key][prop]  # the renderer leaves undefined values out
        return item

    def _items(self, specs: Sequence[Mapping[str, str]], with_value: bool) -> list[Any]:
        items: list[Any] = []
        for spec in specs:
            ids = self.expand(spec["id"])
            if isinstance(ids, list):
                items.append([self._item(i, spec["property"], with_value) for i in ids])
            else:
                items.append(self._item(ids, spec["property"], with_value))
        return items

    def body(self, name: str, changed: Sequence[tuple[Any, str]]) -> dict[str, Any]:
        """The JSON body of ``POST /_dash-update-component`` for callback ``name`` after the
        props ``changed`` (``(id, property)`` pairs) changed."""
        spec = self.callbacks[name]
        outputs = [
            self._items([{"id": c, "property": p.split("@")[0]}], False)[0]
            for c, p in parse_outputs(spec["output"])
        ]
        body: dict[str, Any] = {
            "output": spec["output"],
            "outputs": outputs if spec["output"].startswith("..") else outputs[0],
            "inputs": self._items(spec["inputs"], True),
            "changedPropIds": [f"{stringify_id(i)}.{p}" for i, p in changed],
            "parsedChangedPropsIds": [i if isinstance(i, dict) else f"{i}.{p}" for i, p in changed],
        }
        if spec.get("state"):
            body["state"] = self._items(spec["state"], True)
        return body

    def snapshot(self) -> Page:
        """A copy of the page's props as they are now (callbacks and ids shared)."""
        copy = Page.__new__(Page)
        copy.__dict__.update(self.__dict__)
        copy.props = {key: dict(props) for key, props in self.props.items()}
        return copy

    def show_state(self, state: Any) -> list[tuple[Any, str]]:
        """Store ``state`` (any JSON: a hostile client's) as the page's ``state.data``, with
        the choice controls showing it as the renderer's page would; returns the change that
        asks the server for its results (the semantics choice, which keeps the rest)."""
        self.set("state", "data", state)
        data = state if isinstance(state, dict) else {}
        self.set("drug-select", "value", data.get("drugs"))
        self.set("genotype-select", "value", data.get("genotypes"))
        self.set("environment-select", "value", data.get("environments", []))
        self.set("semantics-select", "value", data.get("semantics", "asynchronous"))
        return [("semantics-select", "value")]

    def apply(self, response: Mapping[str, Any]) -> None:
        """Store a callback's new prop values, as the renderer does."""
        for key, props in response.items():
            target = self.props.setdefault(key, {})
            target.update(props)


# ---- checks -----------------------------------------------------------------------------------


def text_of(node: Any) -> str:
    """The visible text of a serialised Dash component tree."""
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, list):
        return "".join(text_of(n) for n in node)
    if isinstance(node, dict):
        return text_of(node.get("props", {}).get("children"))
    return ""


def summary_lines(children: Any) -> list[str]:
    """The lines of the summary as the page shows them: its lines as the page script draws
    them (``{"label", "text", "class"}``: the label, then the text), its Markdown text (one
    paragraph a line; bold, emphasis and backslash escapes as the reader sees them), or the
    text of each component of a component list."""
    if isinstance(children, str):
        lines = []
        for paragraph in children.split("\n\n"):
            text = paragraph.strip().replace("**", "")
            if text.startswith("*") and text.endswith("*") and not text.endswith("\\*"):
                text = text[1:-1]
            lines.append(re.sub(r"\\(.)", r"\1", text))
        return [line for line in lines if line]
    return [
        f"{p.get('label', '')}{p.get('text', '')}"
        if isinstance(p, dict) and "type" not in p
        else text_of(p)
        for p in children or []
    ]


SUMMARY_RE = re.compile(r"^(\d+) attractor\(s\): (.*)$")
NAME_RE = re.compile(r"(\w+) \([^)]*\)")


@dataclass(frozen=True)
class Answer:
    """What a session was shown for a state: attractor count and phenotype counts."""

    count: int
    phenotypes: tuple[tuple[str, int], ...]


def check_state(
    response: Mapping[str, Any], expected: Expected, page: Page | None = None
) -> list[str]:
    """Problems with the state in an ``update`` answer (empty list: right). The server sends
    a control's value only when it changes: one it left out is read from ``page`` (what the
    page shows, before the answer)."""

    def shown(component: str, prop: str) -> Any:
        if prop in response.get(component, {}):
            return response[component][prop]
        return page.get(component, prop) if page is not None else None

    problems = []
    state = response.get("state", {}).get("data")
    if state != expected.state():
        problems.append(f"state.data is {state}, expected {expected.state()}")
    search = shown("url", "search") or ""
    if search != expected.query():
        problems.append(f"url.search is {search!r}, expected {expected.query()!r}")
    drugs = shown("drug-select", "value") or []
    if drugs != expected.drugs:
        problems.append(f"drug-select.value is {drugs}, expected {expected.drugs}")
    return problems


def check_results(
    response: Mapping[str, Any],
    expected: Expected,
    nodes: Sequence[str],
    page: Page | None = None,
) -> tuple[list[str], Answer | None]:
    """Problems with the results in an ``update`` answer, and the answer shown (None on a
    conflict). The toggle buttons' classes are the page's own (computed from ``state.data``,
    which :func:`check_state` checks); an error message left out of the answer is the one
    ``page`` shows."""
    problems: list[str] = []
    _, conflicts = expected.fixed()
    if "children" in response.get("error-message", {}):
        error = text_of(response["error-message"]["children"])
    else:  # not sent: the page keeps the message it shows
        error = text_of(page.get("error-message", "children")) if page is not None else ""
    lines = summary_lines(response.get("phenotype-summary-content", {}).get("data"))
    answer = None
    if conflicts:
        if not all(f"fixes {n}=" in error for n in conflicts):
            problems.append(f"expected a conflict message naming {conflicts}, got {error!r}")
        if lines:
            problems.append(f"a summary despite the conflict on {conflicts}: {lines}")
    else:
        if error:
            problems.append(f"unexpected error message {error!r}")
        match = SUMMARY_RE.match(lines[0]) if lines else None
        if match is None:
            problems.append(f"no attractor summary: {lines}")
        else:
            phenotypes = tuple(
                sorted((p, int(n)) for n, p in re.findall(r"(\d+) (\w+)", match.group(2)))
            )
            answer = Answer(int(match.group(1)), phenotypes)
            if sum(n for _, n in phenotypes) != answer.count:
                problems.append(f"phenotype counts do not add up: {lines[0]!r}")
        applied = next((x for x in lines if x.startswith("Perturbations: ")), None)
        if applied is None:
            problems.append(f"no 'Perturbations:' line: {lines}")
        else:
            rest = applied.removeprefix("Perturbations: ")
            shown = [] if rest.startswith("none (") else NAME_RE.findall(rest)
            if sorted(shown) != sorted(expected.names()):
                problems.append(f"summary names {shown}, expected {expected.names()}")
    return problems, answer


def check_graph(response: Mapping[str, Any], expected: Expected, nodes: Sequence[str]) -> list[str]:
    """Problems with the graph in an ``update`` answer (the node styles it sends, as
    ``graph-view.data``: ``{node: [classes, label]}``; the elements come only with a new
    network): every node present, the knocked-out and forced nodes marked (and only those),
    and each fixed node at its fixed value."""
    problems: list[str] = []
    view = response.get("graph-view", {}).get("data")
    if not isinstance(view, dict):
        return [f"graph-view.data is not a mapping: {type(view).__name__}"]
    classes = {
        node: set(str(v[0]).split()) if isinstance(v, list) and v else set()
        for node, v in view.items()
    }
    if set(classes) != set(nodes):
        return [f"graph nodes differ from the toggles: {sorted(set(classes) ^ set(nodes))}"]
    fixed, conflicts = expected.fixed()
    for node, cls in classes.items():
        if ("ko" in cls) != (node in expected.knockouts):
            problems.append(f"graph node {node}: 'ko' class {'ko' in cls}")
        if ("oe" in cls) != (node in expected.overexpressed):
            problems.append(f"graph node {node}: 'oe' class {'oe' in cls}")
        if conflicts:
            continue
        values = cls & {"on", "off", "osc"}
        if len(values) != 1:
            problems.append(f"graph node {node} has value classes {sorted(values)}")
        elif node in fixed and values != {"on" if fixed[node] else "off"}:
            problems.append(f"graph node {node} is {values.pop()}, fixed to {int(fixed[node])}")
    return problems


# ---- one session ------------------------------------------------------------------------------


@dataclass
class SessionResult:
    """What one session did and saw."""

    index: int
    actions: list[str] = field(default_factory=list)  # e.g. "toggle MTORC1", "drugs [..]"
    completed: int = 0
    capped: bool = False
    answers: dict[str, Answer] = field(default_factory=dict)
    final_state: str = ""


class Recorder:
    """Latencies and errors from every session (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = collections.defaultdict(list)
        self.requests = 0
        self.errors: list[dict[str, Any]] = []
        self.error_count = 0
        self.first = float("inf")
        self.last = 0.0

    def timing(self, kind: str, start: float, end: float, *, request: bool = True) -> None:
        with self.lock:
            self.latencies[kind].append((end - start) * 1000)
            if request:
                self.requests += 1
                self.first = min(self.first, start)
                self.last = max(self.last, end)

    def error(self, session: int, step: str, problem: str) -> None:
        with self.lock:
            self.error_count += 1
            if len(self.errors) < MAX_ERRORS_KEPT:
                self.errors.append({"session": session, "step": step, "problem": problem[:500]})


class Session:
    """One simulated user: a browser tab with its own HTTP connection and its own choices."""

    def __init__(
        self, base_url: str, index: int, rng: random.Random, recorder: Recorder, timeout: float
    ):
        self.base = base_url.rstrip("/")
        self.index = index
        self.rng = rng
        self.recorder = recorder
        self.timeout = timeout
        self.http = requests.Session()
        self.http.headers.update({"Accept": "application/json"})
        self.result = SessionResult(index)

    # -- HTTP ----------------------------------------------------------------------------------
    def _get(self, path: str, kind: str) -> requests.Response:
        start = time.perf_counter()
        response = self.http.get(self.base + path, timeout=self.timeout)
        self.recorder.timing(kind, start, time.perf_counter())
        if response.status_code != 200:
            raise LoadTestError(f"GET {path}: HTTP {response.status_code}")
        return response

    def _callback(self, name: str, changed: Sequence[tuple[Any, str]]) -> dict[str, Any]:
        page = self.page
        params = {"endId": page.end_id} if page.end_id else None
        body = page.body(name, changed)
        start = time.perf_counter()
        response = self.http.post(
            self.base + "/_dash-update-component", json=body, params=params, timeout=self.timeout
        )
        self.recorder.timing(name, start, time.perf_counter())
        if response.status_code != 200:
            raise LoadTestError(f"{name}: HTTP {response.status_code}: {response.text[:200]}")
        try:
            data = response.json()
        except ValueError:
            raise LoadTestError(
                f"{name}: the answer is not JSON: {response.text[:200]!r}"
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("response"), dict):
            raise LoadTestError(f"{name}: no 'response' object in {str(data)[:200]}")
        if "sideUpdate" in data:
            raise LoadTestError(f"{name}: the server reported an error: {data['sideUpdate']}")
        page.apply(data["response"])
        return data["response"]

    # -- the user ------------------------------------------------------------------------------
    def open(self) -> None:
        """Load the page and run the page-load callbacks, as a browser does."""
        html = self._get("/", "page").text
        config = re.search(
            r'<script id="_dash-config" type="application/json">(.*?)</script>', html, re.S
        )
        end_id = json.loads(config.group(1)).get("end_id") if config else None
        layout = self._get("/_dash-layout", "layout").json()
        dependencies = self._get("/_dash-dependencies", "dependencies").json()
        self.page = Page(layout, dependencies, end_id)
        self.page.set("url", "pathname", "/")  # set by dcc.Location when it mounts
        self.page.set("url", "search", "")
        # the toggle buttons are drawn in the page when their group is first opened
        self.groups = [
            [str(pair[0]) for pair in group]
            for group in self.page.get("toggle-nodes", "data") or []
            if isinstance(group, list)
        ]
        self.nodes = [node for group in self.groups for node in group]
        options = self.page.get("drug-select", "options") or []
        self.drugs = [o["value"] if isinstance(o, dict) else o for o in options]
        if not self.nodes or not self.drugs:
            raise LoadTestError(f"no node toggles ({len(self.nodes)}) or drugs in the layout")
        model = self.page.get("model-select", "value") or self.page.get("current-model", "data")
        self.expected = Expected(str(model), drug_effects(str(model)))
        self._round("page load", [])

    def open_group(self, node: str) -> dict[str, str]:
        """Open the group of ``node``'s toggle button (the page draws its buttons when it is
        first opened: ``TOGGLE_BUTTONS_JS``); the button's id."""
        toggle = {"node": node, "type": TOGGLE_TYPE}
        if self.page.get(toggle, "n_clicks") is None:
            group = next(g for g in self.groups if node in g)
            for other in group:
                self.page.add({"node": other, "type": TOGGLE_TYPE}, {"n_clicks": 0})
        return toggle

    def _round(self, step: str, changed: list[tuple[Any, str]]) -> None:
        """The one ``update`` request of the change: its state, results and graph checked."""
        start = time.perf_counter()
        expected = self.expected
        before = self.page.snapshot()
        response = self._callback("update", changed)
        problems = check_state(response, expected, before)
        found, answer = check_results(response, expected, self.nodes, before)
        problems += found
        problems += check_graph(response, expected, self.nodes)
        self.recorder.timing("action", start, time.perf_counter(), request=False)
        if answer is not None:
            self.result.answers[expected.key()] = answer
        if problems:
            raise LoadTestError("; ".join(problems[:5]))

    def act(self) -> None:
        """One random user action and its callback."""
        kind = self.rng.choices(list(ACTION_WEIGHTS), weights=list(ACTION_WEIGHTS.values()))[0]
        page = self.page
        if kind == "drugs":
            chosen = self.rng.sample(self.drugs, self.rng.choice((0, 1, 1, 2)))
            self.expected.drugs = chosen
            page.set("drug-select", "value", chosen)
            changed: list[tuple[Any, str]] = [("drug-select", "value")]
            step = f"drugs {chosen}"
        else:
            node = self.rng.choice(self.nodes)
            self.expected.click(node)
            if kind == "toggle":
                toggle = self.open_group(node)
                page.set(toggle, "n_clicks", (page.get(toggle, "n_clicks") or 0) + 1)
                changed = [(toggle, "n_clicks")]
            else:
                # what the page script's tap handler sends (webapp._page SCRIPT)
                tap = {"data": {"id": node}, "timeStamp": time.time() * 1000}
                page.set("graph-tap", "data", tap)
                changed = [("graph-tap", "data")]
            step = f"{kind} {node}"
        self.result.actions.append(step)
        self._round(step, changed)

    def run(self, actions: int, deadline: float) -> SessionResult:
        """Open the page and make ``actions`` actions, stopping at ``deadline`` (monotonic)."""
        step = "page load"
        try:
            self.open()
            for _ in range(actions):
                if time.monotonic() >= deadline:
                    self.result.capped = True
                    break
                self.act()
                step = self.result.actions[-1]
                self.result.completed += 1
        except (LoadTestError, requests.RequestException, ValueError, KeyError, TypeError) as exc:
            step = self.result.actions[-1] if self.result.actions else step
            self.recorder.error(self.index, step, f"{type(exc).__name__}: {exc}")
        finally:
            self.http.close()
            if hasattr(self, "expected"):
                self.result.final_state = self.expected.key()
        return self.result


# ---- the hostile mix --------------------------------------------------------------------------

HOSTILE_KINDS = ("oversized", "path", "malformed", "heavy", "upload", "formula")


def _bnet_inputs(count: int, tag: str = "") -> str:
    """``count`` free inputs copied to outputs: 2**count fixed points."""
    lines = ["targets, factors"]
    for i in range(count):
        lines += [f"I{i}{tag}, I{i}{tag}", f"O{i}{tag}, I{i}{tag}"]
    return "\n".join(lines) + "\n"


def _data_url(text: str) -> str:
    import base64

    return "data:text/plain;base64," + base64.b64encode(text.encode()).decode()


class HostileSession(Session):
    """A client that sends what a browser never would, between the ordinary sessions' requests:
    a 7 MB list of a million knockouts, a server path as the model, bodies that are not JSON, a
    search that explodes (16 free inputs under most-permissive semantics), a new upload every
    time, a model whose name is a spreadsheet formula. Each answer must be the refusal or the
    budget message the app promises (checked); the ordinary sessions' latencies show what the
    mix costs them."""

    def open(self) -> None:
        html = self._get("/", "page").text
        config = re.search(
            r'<script id="_dash-config" type="application/json">(.*?)</script>', html, re.S
        )
        end_id = json.loads(config.group(1)).get("end_id") if config else None
        layout = self._get("/_dash-layout", "layout").json()
        dependencies = self._get("/_dash-dependencies", "dependencies").json()
        self.page = Page(layout, dependencies, end_id)
        self.page.callbacks["on_upload"] = find_callback(dependencies, "uploaded-model", "data")
        self.page.callbacks["download"] = find_callback(dependencies, "download", "data")
        self.page.set("url", "pathname", "/")
        self.page.set("url", "search", "")

    def _post(self, kind: str, body: Any, raw: bytes | None = None) -> requests.Response:
        start = time.perf_counter()
        if raw is not None:
            response = self.http.post(
                self.base + "/_dash-update-component",
                data=raw,
                headers={"Content-Type": "application/json"},
                timeout=self.timeout,
            )
        else:
            response = self.http.post(
                self.base + "/_dash-update-component", json=body, timeout=self.timeout
            )
        self.recorder.timing(kind, start, time.perf_counter())
        return response

    def _results(self, kind: str, state: dict[str, Any]) -> str:
        changed = self.page.show_state(state)
        response = self._post(kind, self.page.body("update", changed))
        if response.status_code != 200:
            raise LoadTestError(f"{kind}: HTTP {response.status_code}")
        data = response.json()["response"]
        return text_of(data.get("error-message", {}).get("children"))

    def _upload(self, kind: str, filename: str, text: str) -> str:
        self.page.set("model-upload", "contents", _data_url(text))
        self.page.set("model-upload", "filename", filename)
        response = self._post(kind, self.page.body("on_upload", [("model-upload", "contents")]))
        if response.status_code != 200:
            raise LoadTestError(f"{kind}: HTTP {response.status_code}")
        data = response.json()["response"]
        self.page.apply(data)
        status = text_of(data.get("upload-status", {}).get("children"))
        if not status.startswith("Loaded"):
            raise LoadTestError(f"{kind}: upload refused: {status[:200]}")
        return str(data["model-select"]["value"])

    def act(self) -> None:
        kind = self.rng.choice(HOSTILE_KINDS)
        self.result.actions.append(kind)
        if kind == "oversized":
            error = self._results(kind, {"knockouts": ["AKT"] * 1_000_000})
            if "at most" not in error:
                raise LoadTestError(f"oversized: not refused: {error[:200]}")
        elif kind == "path":
            error = self._results(kind, {"model": "/etc/passwd"})
            if "unknown model" not in error:
                raise LoadTestError(f"path: not refused: {error[:200]}")
        elif kind == "malformed":
            response = self._post(kind, None, raw=b'{"output": 5, "inputs": "x"')
            if response.status_code != 400:
                raise LoadTestError(f"malformed: HTTP {response.status_code}, expected 400")
        elif kind == "heavy":
            key = self._upload(kind + "-upload", "inputs16.bnet", _bnet_inputs(16))
            error = self._results(kind, {"model": key, "semantics": "most_permissive"})
            if "budget" not in error and "busy" not in error:
                raise LoadTestError(f"heavy: neither answered nor refused: {error[:200]}")
        elif kind == "upload":  # a new model every time: the caches must stay bounded
            tag = f"_{self.index}_{self.rng.randrange(10**9)}"
            self._upload(kind, "fresh.bnet", _bnet_inputs(300, tag))
        else:
            text = (
                '[model]\nname = "x,=HYPERLINK(\\"http://e.invalid\\")"\n'
                '[[node]]\nname = "A"\nrule = "!A"\n'
            )
            key = self._upload(kind + "-upload", "formula.toml", text)
            self.page.set("state", "data", {"model": key})
            button = {"format": "csv", "type": "export-button"}
            self.page.set(button, "n_clicks", 1)
            response = self._post(kind, self.page.body("download", [(button, "n_clicks")]))
            content = response.json()["response"]["download"]["data"]["content"]
            for row in content.splitlines():
                for cell in row.split(","):
                    if cell[:1] in ("=", "+", "@"):
                        raise LoadTestError(f"formula: a cell starts a formula: {cell[:80]}")


def process_tree_rss_mb(pid: int) -> dict[str, float]:
    """Resident memory (MB) of process ``pid`` and of all its descendants (Linux ``/proc``)."""

    def rss(p: int) -> float:
        try:
            with open(f"/proc/{p}/status", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def children(p: int) -> list[int]:
        found: list[int] = []
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                found += [int(c) for c in task.read_text().split()]
        return found

    main = rss(pid)
    total, seen, stack = 0.0, set(), [pid]
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        total += rss(p)
        stack += children(p)
    return {"server": main, "tree": total, "processes": float(len(seen))}


_DRUG_EFFECTS: dict[str, dict[str, dict[str, bool]]] = {}


def drug_effects(model: str) -> dict[str, dict[str, bool]]:
    """{drug: {node: value}} of a bundled model, from the library (the expected fixed values)."""
    if model not in _DRUG_EFFECTS:
        from mtor_network.models import load_network

        network = load_network(model)
        _DRUG_EFFECTS[model] = {k: dict(p.effects) for k, p in network.drugs.items()}
    return _DRUG_EFFECTS[model]


# ---- the run ----------------------------------------------------------------------------------


@dataclass
class LoadReport:
    """Everything a run measured."""

    base_url: str
    sessions: int
    actions_per_session: int
    duration_cap: float
    seed: int
    wall_seconds: float
    requests: int
    latencies: dict[str, list[float]]
    error_count: int
    errors: list[dict[str, Any]]
    results: list[SessionResult]
    hung_sessions: int = 0
    mismatches: list[str] = field(default_factory=list)
    verified_states: int = 0
    hostile: dict[str, Any] = field(default_factory=dict)
    rss_mb: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return self.requests / self.wall_seconds if self.wall_seconds > 0 else 0.0

    @property
    def actions(self) -> int:
        return sum(r.completed for r in self.results)

    def distinct_states(self) -> int:
        return len({k for r in self.results for k in r.answers})


def check_loopback(base_url: str) -> None:
    """Refuse any address but 127.0.0.1 (the load test never targets another machine)."""
    parts = urlsplit(base_url)
    if parts.scheme != "http" or parts.hostname != HOST:
        raise ValueError(f"the load test only targets http://{HOST}:PORT, not {base_url!r}")


def run_load(
    base_url: str,
    *,
    sessions: int,
    actions: int,
    duration: float,
    seed: int = 2024,
    request_timeout: float = 60.0,
    hostile: int = 0,
    hostile_actions: int = 0,
) -> LoadReport:
    """Run ``sessions`` concurrent sessions of ``actions`` actions each against ``base_url``
    (127.0.0.1 only), sessions stopping after ``duration`` seconds; with ``hostile``, that many
    :class:`HostileSession` clients of ``hostile_actions`` requests each run among them (their
    latencies and errors are reported apart: ``report.hostile``)."""
    check_loopback(base_url)
    if sessions < 1 or actions < 0 or duration <= 0:
        raise ValueError("sessions >= 1, actions >= 0 and duration > 0 are required")
    recorder = Recorder()
    deadline = time.monotonic() + duration
    workers = [
        Session(base_url, i, random.Random(f"{seed}-{i}"), recorder, request_timeout)
        for i in range(sessions)
    ]
    hostile_recorder = Recorder()
    attackers = [
        HostileSession(
            base_url,
            sessions + i,
            random.Random(f"{seed}-h{i}"),
            hostile_recorder,
            request_timeout,
        )
        for i in range(hostile)
    ]
    results: list[SessionResult | None] = [None] * sessions
    hostile_results: list[SessionResult | None] = [None] * hostile
    barrier = threading.Barrier(sessions + hostile)

    def work(i: int) -> None:
        barrier.wait()
        results[i] = workers[i].run(actions, deadline)

    def attack(i: int) -> None:
        barrier.wait()
        hostile_results[i] = attackers[i].run(hostile_actions, deadline)

    threads = [
        threading.Thread(target=work, args=(i,), name=f"load-session-{i}", daemon=True)
        for i in range(sessions)
    ] + [
        threading.Thread(target=attack, args=(i,), name=f"hostile-session-{i}", daemon=True)
        for i in range(hostile)
    ]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:  # bounded: the cap, plus one request's timeout, plus slack
        thread.join(max(0.0, deadline + request_timeout + 5 - time.monotonic()))
    hung = sum(t.is_alive() for t in threads)
    for _ in range(hung):
        recorder.error(-1, "join", "a session did not stop within the cap + request timeout")
    wall = recorder.last - recorder.first if recorder.requests else time.monotonic() - start
    return LoadReport(
        base_url=base_url,
        sessions=sessions,
        actions_per_session=actions,
        duration_cap=duration,
        seed=seed,
        wall_seconds=wall,
        requests=recorder.requests,
        latencies={k: list(v) for k, v in recorder.latencies.items()},
        error_count=recorder.error_count,
        errors=list(recorder.errors),
        results=[r if r is not None else SessionResult(i) for i, r in enumerate(results)],
        hung_sessions=hung,
        hostile={
            "sessions": hostile,
            "requests": hostile_recorder.requests,
            "errors": hostile_recorder.error_count,
            "error_list": list(hostile_recorder.errors),
            "actions": collections.Counter(
                a for r in hostile_results if r is not None for a in r.actions
            ),
            "latency_ms": {k: percentiles(v) for k, v in hostile_recorder.latencies.items()},
        },
    )


def verify_answers(report: LoadReport, model: str | None = None, limit: int | None = None) -> None:
    """Compare the answers the sessions were shown with ``find_attractors`` called directly
    (outside the timing); differences go to ``report.mismatches``. The same state seen by two
    sessions must have had the same answer."""
    from mtor_network import find_attractors
    from mtor_network.models import FLAGSHIP, load_network
    from mtor_network.perturbations import Scenario, knockout, overexpress

    seen: dict[str, Answer] = {}
    for result in report.results:
        for key, answer in result.answers.items():
            if key in seen and seen[key] != answer:
                report.mismatches.append(
                    f"state {key}: session {result.index} saw {answer}, another {seen[key]}"
                )
            seen.setdefault(key, answer)
    network = load_network(model or FLAGSHIP)
    for n, (key, answer) in enumerate(sorted(seen.items())):
        if limit is not None and n >= limit:
            break
        state = json.loads(key)
        scenario = Scenario(
            tuple(network.drugs[d] for d in state["drugs"])
            + tuple(knockout(x) for x in state["ko"])
            + tuple(overexpress(x) for x in state["oe"])
        )
        result = find_attractors(network, "asynchronous", perturbations=scenario)
        counts = collections.Counter(a.phenotype for a in result)
        truth = Answer(len(result), tuple(sorted(counts.items())))
        report.verified_states += 1
        if truth != answer:
            report.mismatches.append(f"state {key}: shown {answer}, find_attractors gives {truth}")


# ---- serving the app on 127.0.0.1 -------------------------------------------------------------


def _wait_until_up(url: str, seconds: float, process: subprocess.Popen | None = None) -> bool:
    """True once ``url`` serves the layout; False after ``seconds`` or if ``process`` exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (process is None or process.poll() is None):
        with contextlib.suppress(requests.RequestException):
            if requests.get(url + "_dash-layout", timeout=5).status_code == 200:
                return True
        time.sleep(0.2)
    return False


@contextlib.contextmanager
def serve_thread(**app_options: Any) -> Iterator[str]:
    """``create_app()`` served by werkzeug (threaded) from a daemon thread on 127.0.0.1 and a
    free port; yields the base URL."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    from mtor_network.webapp import create_app

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            pass

    server = make_server(
        HOST, 0, create_app(**app_options).server, threaded=True, request_handler=QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="load-test-server", daemon=True)
    thread.start()
    url = f"http://{HOST}:{server.server_port}/"
    try:
        if not _wait_until_up(url, 30):
            raise RuntimeError(f"the app did not answer at {url} within 30 s")
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _stop(process: subprocess.Popen) -> None:
    """Stop a server we started, by its pid: terminate, then kill after 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@contextlib.contextmanager
def serve_subprocess(
    startup: float = 90.0, info: dict[str, Any] | None = None, extra: Sequence[str] = ()
) -> Iterator[str]:
    """``python app.py --host 127.0.0.1 --port N [extra...]`` (a free port); yields the base
    URL and puts the server's pid into ``info["pid"]``. The process is stopped (by its pid) on
    exit; its log is printed if it fails to start."""
    with tempfile.TemporaryFile(mode="w+") as log:
        url = ""
        for _attempt in range(3):  # a free port can be taken between the check and the bind
            port = _free_port()
            url = f"http://{HOST}:{port}/"
            process = subprocess.Popen(
                [
                    sys.executable,
                    str(ROOT / "app.py"),
                    "--host",
                    HOST,
                    "--port",
                    str(port),
                    *extra,
                ],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            if _wait_until_up(url, startup, process):
                break
            running = process.poll() is None
            _stop(process)
            if running:  # alive but silent: no point in trying another port
                break
        if process.poll() is not None:
            log.seek(0)
            print(f"server log (tail):\n{log.read()[-2000:]}", file=sys.stderr)
            raise RuntimeError(f"could not start app.py on 127.0.0.1 (last tried {url})")
        if info is not None:
            info["pid"] = process.pid
        try:
            yield url
        finally:
            _stop(process)


# ---- report -----------------------------------------------------------------------------------


def percentiles(values: Sequence[float]) -> dict[str, float | int | None]:
    """count, mean, p50, p95, p99 and max (ms) of a list of latencies (inclusive quantiles)."""
    if not values:
        return {"count": 0, "mean": None, "p50": None, "p95": None, "p99": None, "max": None}
    if len(values) == 1:
        q = [values[0]] * 99
    else:
        q = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "count": len(values),
        "mean": statistics.fmean(values),
        "p50": q[49],
        "p95": q[94],
        "p99": q[98],
        "max": max(values),
    }


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for package in ("mtor-network", "dash", "dash-cytoscape", "flask", "werkzeug", "requests"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = "n/a"
    return out


def summary_table(report: LoadReport) -> str:
    """The printed report: totals, then one line of latencies per request type."""
    capped = sum(r.capped for r in report.results)
    lines = [
        f"{report.sessions} sessions x {report.actions_per_session} actions "
        f"(cap {report.duration_cap:g} s) against {report.base_url}",
        f"actions done: {report.actions} of {report.sessions * report.actions_per_session}"
        + (f" ({capped} sessions stopped by the cap)" if capped else ""),
        f"requests: {report.requests} in {report.wall_seconds:.1f} s = "
        f"{report.throughput:.1f} requests/s ({report.actions / report.wall_seconds:.1f} "
        "actions/s)"
        if report.wall_seconds
        else f"requests: {report.requests}",
        f"errors: {report.error_count}",
        "",
        f"{'request':<16}{'count':>7}{'mean':>9}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}  (ms)",
    ]
    for kind in KINDS:
        stats = percentiles(report.latencies.get(kind, []))
        if not stats["count"]:
            continue
        cells = "".join(f"{stats[k]:>9.1f}" for k in ("mean", "p50", "p95", "p99", "max"))
        label = "action (1 POST)" if kind == "action" else kind
        lines.append(f"{label:<16}{stats['count']:>7}{cells}")
    for error in report.errors[:10]:
        lines.append(f"  error: session {error['session']}, {error['step']}: {error['problem']}")
    lines.append(
        f"answers: {report.distinct_states()} distinct states; {report.verified_states} checked "
        f"against find_attractors, {len(report.mismatches)} mismatches"
    )
    lines += [f"  mismatch: {m}" for m in report.mismatches[:10]]
    if report.hostile.get("sessions"):
        h = report.hostile
        lines += [
            "",
            f"hostile mix: {h['sessions']} sessions, {h['requests']} requests "
            f"({', '.join(f'{k} {n}' for k, n in sorted(h['actions'].items()))}), "
            f"{h['errors']} answers not as promised",
        ]
        for kind, stats in sorted(h["latency_ms"].items()):
            if stats["count"]:
                lines.append(
                    f"  {kind:<16}{stats['count']:>7}{stats['p50']:>9.1f}{stats['p95']:>9.1f}"
                    f"{stats['max']:>9.1f}  (count, p50, p95, max ms)"
                )
        lines += [f"  error: {e['step']}: {e['problem']}" for e in h["error_list"][:10]]
    for when, rss in report.rss_mb.items():
        lines.append(
            f"server RSS {when}: {rss['server']:.0f} MB (with its {rss['processes'] - 1:.0f} "
            f"child processes: {rss['tree']:.0f} MB)"
        )
    return "\n".join(lines)


def to_json(report: LoadReport, server: str) -> dict[str, Any]:
    """The JSON result file's content."""
    return {
        "info": {
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average": list(os.getloadavg()),
            "versions": _versions(),
            "server": server,
            "base_url": report.base_url,
        },
        "arguments": {
            "sessions": report.sessions,
            "requests_per_session": report.actions_per_session,
            "duration": report.duration_cap,
            "seed": report.seed,
        },
        "totals": {
            "actions": report.actions,
            "requests": report.requests,
            "wall_seconds": report.wall_seconds,
            "requests_per_second": report.throughput,
            "actions_per_second": report.actions / report.wall_seconds
            if report.wall_seconds
            else 0.0,
            "errors": report.error_count,
            "hung_sessions": report.hung_sessions,
            "sessions_capped": sum(r.capped for r in report.results),
            "distinct_states": report.distinct_states(),
            "verified_states": report.verified_states,
            "mismatches": len(report.mismatches),
        },
        "latency_ms": {k: percentiles(report.latencies.get(k, [])) for k in KINDS},
        "hostile": {k: v for k, v in report.hostile.items() if k != "error_list"}
        | {"errors_kept": report.hostile.get("error_list", [])},
        "rss_mb": report.rss_mb,
        "errors": report.errors,
        "mismatches": report.mismatches[:MAX_ERRORS_KEPT],
        "sessions": [
            {"index": r.index, "completed": r.completed, "capped": r.capped, "actions": r.actions}
            for r in report.results
        ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: serve the app on 127.0.0.1, run the load, print and write the result."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=32, help="concurrent sessions (32)")
    parser.add_argument(
        "--requests-per-session",
        type=int,
        default=20,
        help="user actions per session (20); each sends 3 callback requests, plus 3 GETs and 3 "
        "page-load callbacks per session",
    )
    parser.add_argument(
        "--duration", type=float, default=300.0, help="wall-clock cap in seconds (300)"
    )
    parser.add_argument("--seed", type=int, default=2024, help="random seed (2024)")
    parser.add_argument(
        "--server",
        choices=("subprocess", "thread"),
        default="subprocess",
        help="python app.py in a subprocess (default) or werkzeug in a thread of this process",
    )
    parser.add_argument(
        "--request-timeout", type=float, default=60.0, help="seconds per request (60)"
    )
    parser.add_argument(
        "--verify-limit",
        type=int,
        default=None,
        help="check at most this many distinct states against find_attractors (all)",
    )
    parser.add_argument(
        "--hostile",
        type=int,
        default=0,
        help="hostile sessions among the ordinary ones (0); see HostileSession",
    )
    parser.add_argument(
        "--hostile-requests", type=int, default=25, help="requests per hostile session (25)"
    )
    parser.add_argument(
        "--app-timeout",
        type=float,
        default=None,
        help="the server's --timeout (seconds per request's searches; app default)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON ({DEFAULT_OUT})")
    args = parser.parse_args(argv)

    info: dict[str, Any] = {}
    extra = ["--timeout", str(args.app_timeout)] if args.app_timeout else []
    serve = (
        serve_subprocess(info=info, extra=extra)
        if args.server == "subprocess"
        else serve_thread(**({"quick_seconds": args.app_timeout} if args.app_timeout else {}))
    )
    with serve as url:
        print(f"serving on {url} ({args.server}); load starting", flush=True)
        pid = info.get("pid", os.getpid())
        before = process_tree_rss_mb(pid)
        report = run_load(
            url,
            sessions=args.sessions,
            actions=args.requests_per_session,
            duration=args.duration,
            seed=args.seed,
            request_timeout=args.request_timeout,
            hostile=args.hostile,
            hostile_actions=args.hostile_requests,
        )
        report.rss_mb = {"before": before, "after": process_tree_rss_mb(pid)}
    verify_answers(report, limit=args.verify_limit)
    print(summary_table(report))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(to_json(report, args.server), indent=1) + "\n")
    print(f"wrote {args.out}")
    failed = report.error_count or report.mismatches or report.hostile.get("errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
