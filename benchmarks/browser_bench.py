"""The web explorer in headless Chromium, as a user meets it: page load and click-to-table time.

Serves the app (``create_app()``, the flagship model) from a child process on 127.0.0.1 and a
free port, then, in headless Debian Chromium driven by Playwright:

* **page load**: a fresh browser context opens ``/`` and waits until the page is ready (Dash
  idle, summary and attractor table drawn, every graph node coloured); ``--loads`` times;
* **click to table**: on one loaded page, clicks graph nodes (as a user does: at the node's
  screen position) and times from the click until the attractor table shows the new
  knockout's value and Dash is idle; each node is clicked three times (normal -> knocked out
  -> forced on -> normal), ``--clicks`` clicks in all.

For each load and click it also counts, in the page, the web layer's work: callback requests
sent and the bytes they carried (both ways), and the Dash renderer's store actions (every one
re-runs each mounted component's selector, so they cost with the number of components; new
components each dispatch one more). These counts do not depend on the machine's load.

``--baseline SRC`` serves a second app from another source tree (e.g. an unpacked ``git
archive`` of an older commit: ``git archive HEAD~3 src networks | tar -x -C /tmp/base``,
then ``--baseline /tmp/base/src``) and measures both alternately, load for load and click
for click, so a before/after comparison shares the machine's load. The first load of each
app warms its server (imports, caches) and is reported apart. Prints the medians and
percentiles and writes them as JSON (``--output``). Targets of issue 13: click to table
under 250 ms, page load under 2 s (medians). Not a test: nothing is asserted.

    python3 benchmarks/browser_bench.py --loads 7 --clicks 30
    python3 benchmarks/browser_bench.py --baseline /tmp/base/src --loads 5 --clicks 15
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results" / "browser_bench.json"
CHROMIUM = "/usr/bin/chromium"
GRAPH, SUMMARY, TABLE = "network-graph", "phenotype-summary", "attractor-table"

READY_JS = """([graph, summary, table]) => {
    const s = window.store && window.store.getState && window.store.getState();
    if (s) {
        if (s.isLoading) return false;
        const cb = s.callbacks || {};
        const busy = ['requested', 'prioritized', 'blocked', 'executing', 'watched',
                      'executed', 'stored'].some(k => cb[k] && cb[k].length);
        if (busy) return false;
    }
    const text = document.getElementById(summary);
    if (!text || !text.innerText.includes('attractor(s)')) return false;
    if (!document.querySelector('#' + table + ' table')) return false;
    const el = document.getElementById(graph);
    if (!el || !el._cyreg || !el._cyreg.cy) return false;
    return el._cyreg.cy.nodes().every(n => n.hasClass('on') || n.hasClass('off')
                                          || n.hasClass('osc'));
}"""

POINT_JS = """([graph, node]) => {
    const el = document.getElementById(graph);
    const p = el._cyreg.cy.getElementById(node).renderedPosition();
    const r = el.getBoundingClientRect();
    return [r.left + p.x, r.top + p.y];
}"""

# the table cells of a node: a DataTable's cells name their column (data-dash-column), an html
# table's column headers carry the node name as title
CELL_JS = """([table, node]) => {
    const root = document.getElementById(table);
    if (!root) return null;
    const cells = Array.from(root.querySelectorAll('td[data-dash-column]'))
        .filter(td => td.getAttribute('data-dash-column') === node);
    if (cells.length) return cells.map(td => td.innerText.trim());
    const t = root.tagName === 'TABLE' ? root : root.querySelector('table');
    if (!t) return null;
    const heads = Array.from(t.querySelectorAll('thead th'));
    const i = heads.findIndex(th => th.getAttribute('title') === node);
    if (i < 0) return null;
    return Array.from(t.querySelectorAll('tbody tr')).map(tr => tr.children[i].innerText.trim());
}"""


SERVER_CODE = """
import sys
if sys.argv[1]:
    sys.path.insert(0, sys.argv[1])
import logging
from werkzeug.serving import WSGIRequestHandler, make_server
from mtor_network.webapp import create_app

class Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass

logging.getLogger("werkzeug").setLevel(logging.ERROR)
server = make_server("127.0.0.1", 0, create_app().server, threaded=True, request_handler=Quiet)
print(server.server_port, flush=True)
server.serve_forever()
"""


@contextmanager
def serve(source: Path | None = None) -> Iterator[str]:
    """The app (of the source tree ``source``, else the installed package) in a child process
    on 127.0.0.1 and a free port, answering before it is handed out."""
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER_CODE, str(source or "")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.isdigit():
            raise RuntimeError(f"the app of {source or 'this tree'} did not start")
        url = f"http://127.0.0.1:{line}/"
        for _ in range(600):
            try:
                with urllib.request.urlopen(url + "_dash-layout", timeout=5):
                    break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "n": len(values),
        "median_ms": round(statistics.median(values) * 1000, 1),
        "p90_ms": round(pct(0.9) * 1000, 1),
        "min_ms": round(ordered[0] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


# counts the Dash renderer's store actions and the callback requests (bytes both ways)
COUNT_JS = """() => {
    if (window.__bench) return;
    const b = window.__bench = {actions: 0, components: 0, requests: 0, sent: 0, received: 0};
    const store = window.store;
    const dispatch = store.dispatch;
    store.dispatch = (a) => {
        b.actions += 1;
        if (a && a.type === 'RESET_COMPONENT_STATE') b.components += 1;
        return dispatch(a);
    };
    const fetch = window.fetch;
    window.fetch = async (url, options) => {
        const update = String(url).includes('_dash-update-component');
        if (update) {
            b.requests += 1;
            b.sent += options && options.body ? options.body.length : 0;
        }
        const response = await fetch(url, options);
        if (update) response.clone().text().then(t => { b.received += t.length; });
        return response;
    };
}"""
TAKE_JS = """() => { const b = window.__bench; const out = Object.assign({}, b);
    for (const k of Object.keys(b)) b[k] = 0; return out; }"""


def _ready(page: Any, timeout: int = 120_000) -> None:
    page.wait_for_function(READY_JS, arg=[GRAPH, SUMMARY, TABLE], timeout=timeout)


class _App:
    """One app under measurement: its URL, a loaded page for clicks, what was measured."""

    def __init__(self, name: str, url: str) -> None:
        self.name, self.url = name, url
        self.loads: list[float] = []
        self.load_requests: list[int] = []
        self.clicks: list[float] = []
        self.work: list[dict[str, int]] = []
        self.page: Any = None

    def load(self, browser: Any, viewport: dict[str, int]) -> None:
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        start = time.perf_counter()
        page.goto(self.url)
        _ready(page)
        self.loads.append(time.perf_counter() - start)
        self.load_requests.append(sum("_dash-update-component" in u for u in requests))
        context.close()

    def open(self, browser: Any, viewport: dict[str, int]) -> list[str]:
        self.page = browser.new_context(viewport=viewport).new_page()
        self.page.goto(self.url)
        _ready(self.page)
        self.page.evaluate(COUNT_JS)
        return self.page.evaluate(  # type: ignore[no-any-return]
            f"() => document.getElementById('{GRAPH}')._cyreg.cy.nodes()"
            ".filter(n => !n.hasClass('input')).map(n => n.id())"
        )

    def click(self, node: str, step: str) -> None:
        page = self.page
        page.evaluate(TAKE_JS)
        x, y = page.evaluate(POINT_JS, [GRAPH, node])
        start = time.perf_counter()
        page.mouse.click(x, y)
        page.wait_for_function(
            "(q) => location.search.replace(/^\\?/, '') === q",
            arg=step.format(node),
            timeout=60_000,
        )
        _ready(page, 60_000)
        cells = page.evaluate(CELL_JS, [TABLE, node]) or []
        wanted = {"ko": "0", "oe": "1"}.get(step[:2])
        if wanted is not None and (not cells or any(c != wanted for c in cells)):
            raise RuntimeError(f"{self.name}: the table does not show {step.format(node)}: {cells}")
        self.clicks.append(time.perf_counter() - start)
        self.work.append(page.evaluate(TAKE_JS))

    def report(self) -> dict[str, Any]:
        work = {k: statistics.median(w[k] for w in self.work) for k in self.work[0]}
        return {
            "first_load_s": round(self.loads[0], 2),
            "page_load": _stats(self.loads[1:]),
            "callback_requests_per_load": statistics.median(self.load_requests[1:]),
            "click_to_table": _stats(self.clicks),
            "per_click_median": {
                "callback_requests": work["requests"],
                "request_bytes": work["sent"],
                "response_bytes": work["received"],
                "store_actions": work["actions"],
                "components_mounted": work["components"],
            },
        }


def measure(
    urls: dict[str, str], loads: int, clicks: int, width: int, height: int
) -> dict[str, Any]:
    """Page loads and click-to-table times in headless Chromium, the apps taking turns."""
    from playwright.sync_api import sync_playwright

    apps = [_App(name, url) for name, url in urls.items()]
    viewport = {"width": width, "height": height}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        for _ in range(loads + 1):  # the first one warms the server
            for app in apps:
                app.load(browser, viewport)
        opened = [app.open(browser, viewport) for app in apps]
        nodes = opened[0]
        # each click's state, as the URL shows it: knocked out, forced on, back to normal
        steps = [(node, step) for node in nodes for step in ("ko={}", "oe={}", "")][:clicks]
        for node, step in steps:
            for app in apps:
                app.click(node, step)
        browser.close()
    return {
        "viewport": f"{width}x{height}",
        "targets": {"click_to_table_median_ms": 250, "page_load_median_ms": 2000},
        **{app.name: app.report() for app in apps},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=7, help="page loads timed (default 7)")
    parser.add_argument("--clicks", type=int, default=30, help="clicks timed (default 30)")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUT, help="JSON results file")
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="a source folder (holding mtor_network/) whose app is measured alternately with "
        "this one, as 'baseline'",
    )
    args = parser.parse_args(argv)
    if args.loads < 1 or args.clicks < 1:
        parser.error("--loads and --clicks must be at least 1")
    if args.baseline is not None and not (args.baseline / "mtor_network").is_dir():
        parser.error(f"--baseline {args.baseline}: no mtor_network package in that folder")
    with contextlib.ExitStack() as stack:
        urls = {"current": stack.enter_context(serve())}
        if args.baseline is not None:
            urls["baseline"] = stack.enter_context(serve(args.baseline.resolve()))
        report = measure(urls, args.loads, args.clicks, args.width, args.height)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for name in urls:
        load, click = report[name]["page_load"], report[name]["click_to_table"]
        work = report[name]["per_click_median"]
        print(
            f"{name}: page load (median of {load['n']}): {load['median_ms']:.0f} ms "
            f"(p90 {load['p90_ms']:.0f} ms; first, cold: {report[name]['first_load_s']} s; "
            f"{report[name]['callback_requests_per_load']:g} callback requests)"
        )
        print(
            f"{name}: click to table (median of {click['n']}): {click['median_ms']:.0f} ms "
            f"(p90 {click['p90_ms']:.0f} ms); per click: {work['callback_requests']:g} "
            f"requests, {work['request_bytes']:,.0f} B sent, {work['response_bytes']:,.0f} B "
            f"received, {work['store_actions']:g} store actions, "
            f"{work['components_mounted']:g} components mounted"
        )
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
