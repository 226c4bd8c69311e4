"""The Dash web explorer: a thin shell over the library (layout, callbacks, ids)."""

from __future__ import annotations

import atexit
import importlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from typing import Any

from dash import Dash, DiskcacheManager, set_props

from ..attractors import Budget, start_workers
from ..models import FLAGSHIP, load_bundled
from . import callbacks, ids, screen_tab
from ._page import index_string, lean_scripts
from .jobs import JobSlots
from .layout import build_layout
from .state import MAX_UPLOAD_BYTES

QUICK_SECONDS = 20.0
HEAVY_SECONDS = 600.0
SCREEN_SECONDS = 900.0
MEMORY_MB = 4096
# attractors a page shows (and exports) at most; the count is always exact
SHOWN_ATTRACTORS = 200
# background jobs (long searches, screens) at once, per server and per tab
MAX_JOBS = max(1, os.cpu_count() or 1)
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# modules the callbacks import lazily: imported before serving, so that concurrent first
# requests never meet a partially initialised module
_WARM_MODULES = (
    "numpy",
    "openpyxl",
    "plotly.graph_objects",
    "plotly.io",
    "networkx",
    "mtor_network.export.attractors",
    "mtor_network.analysis.screens",
    "mtor_network.analysis.control",
    "mtor_network.viz",
    "mtor_network.viz.screens",
    "mtor_network.viz.simulation",
    "mtor_network.simulation",
    "mtor_network.analysis.readouts",
    "mtor_network.attractors._aeon",
    "mtor_network.attractors._trappist",
)

_LOG = logging.getLogger("mtor_network.webapp")


def report_error(error: Exception) -> None:
    """A callback failed unexpectedly: the user sees one message (no stack trace) in the error
    area; the traceback goes to the server log."""
    _LOG.error("callback failed", exc_info=error)
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    set_props(
        ids.ERROR,
        {
            "children": f"Something went wrong ({type(error).__name__}: {message[:300]}). "
            "Your settings are kept; try again or change them."
        },
    )


def _host_name(host: str) -> str:
    """``host[:port]`` or ``[v6]:port`` of a Host header, without the port, lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _valid_callback_body(body: Any) -> bool:
    """The shape of a Dash renderer's ``/_dash-update-component`` request (anything else would
    make Dash itself fail with a server error)."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return False
    if not isinstance(body.get("outputs"), dict | list) or not isinstance(body.get("inputs"), list):
        return False
    if not isinstance(body.get("state", []), list):
        return False
    changed = body.get("changedPropIds", [])
    return isinstance(changed, list) and all(isinstance(c, str) for c in changed)


class _Explorer(Dash):
    """Dash, with the page's scripts trimmed to what the explorer runs (:func:`lean_scripts`)."""

    def interpolate_index(
        self,
        metas: Any = "",
        title: Any = "",
        css: Any = "",
        config: Any = "",
        scripts: Any = "",
        app_entry: Any = "",
        favicon: Any = "",
        renderer: Any = "",
    ) -> Any:
        return super().interpolate_index(
            metas=metas,
            title=title,
            css=css,
            config=config,
            scripts=lean_scripts(scripts) if isinstance(scripts, str) else scripts,
            app_entry=app_entry,
            favicon=favicon,
            renderer=renderer,
        )


def create_app(
    model: str = FLAGSHIP,
    *,
    quick_seconds: float = QUICK_SECONDS,
    heavy_seconds: float = HEAVY_SECONDS,
    screen_seconds: float = SCREEN_SECONDS,
    memory_mb: int = MEMORY_MB,
    jobs_dir: str | None = None,
    max_jobs: int = MAX_JOBS,
    shown_attractors: int = SHOWN_ATTRACTORS,
    allowed_hosts: Iterable[str] = LOCAL_HOSTS,
) -> Dash:
    """The Dash app for the bundled model ``model``; per-user state lives in the browser
    (``dcc.Store`` and URL), never in the server.

    Every attractor search of a request runs in a killable worker process: all of a request's
    searches together answer within ``quick_seconds``; one over it can be run as a background
    job (cancel button) within ``heavy_seconds``; Screen-tab jobs stop after
    ``screen_seconds``; every search is capped at ``memory_mb``. At most ``max_jobs``
    background jobs run at once on the server, one per browser tab; a page shows (and exports)
    at most ``shown_attractors`` attractors of a result, with the exact count. Requests whose
    ``Host`` header is not in ``allowed_hosts`` are refused (against DNS rebinding). Background
    jobs keep their results in ``jobs_dir`` (a private temporary folder by default, removed at
    exit)."""
    load_bundled(model)  # an unknown name fails now, not on the first page
    # dash-cytoscape's standard bundle (0.5 MB, not the 1.4 MB one with extra layouts and
    # cytoscape-svg): positions are preset (viz.positions) and the SVG picture is drawn on
    # the server (viz.svg.network_svg)
    for name in _WARM_MODULES:
        importlib.import_module(name)
    start_workers()  # the first searches do not pay for starting processes and engines
    hosts = {_host_name(h) for h in allowed_hosts}
    if jobs_dir is None:
        jobs_dir = tempfile.mkdtemp(prefix="mtor_network_jobs_")
        atexit.register(shutil.rmtree, jobs_dir, ignore_errors=True)
    import diskcache

    manager = DiskcacheManager(diskcache.Cache(jobs_dir))
    app = _Explorer(
        __name__,
        title="mtor_network explorer",
        suppress_callback_exceptions=False,
        background_callback_manager=manager,
        on_error=report_error,
        update_title="",  # no "Updating..." title: one store observer less on every update
    )
    app.layout = lambda: build_layout(model)
    app.index_string = index_string(app.index_string)
    # an upload arrives base64-encoded inside a JSON request: allow for both, refuse more
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD_BYTES * 2 + 1024 * 1024
    slots = JobSlots(jobs_dir, max_jobs)
    callbacks.register(
        app,
        quick=Budget(seconds=quick_seconds, memory_mb=memory_mb, max_attractors=shown_attractors),
        heavy=Budget(seconds=heavy_seconds, memory_mb=memory_mb, max_attractors=shown_attractors),
        slots=slots,
    )
    screen_tab.register(app, seconds=screen_seconds, slots=slots)

    @app.server.before_request
    def refuse_bad_requests():  # type: ignore[no-untyped-def]
        from flask import request

        if "*" not in hosts and _host_name(request.host or "") not in hosts:
            return (
                "Host not allowed: start the app with --allow-host NAME to serve it under "
                "that name.",
                400,
                {"Content-Type": "text/plain; charset=utf-8"},
            )
        if request.method == "POST" and request.path.endswith("/_dash-update-component"):
            try:
                body = json.loads(request.get_data(cache=True) or b"null")
            except (ValueError, UnicodeDecodeError):
                body = None
            if not _valid_callback_body(body):
                return (
                    "Bad request: not a Dash callback body.",
                    400,
                    {"Content-Type": "text/plain; charset=utf-8"},
                )
        return None

    @app.server.after_request
    def security_headers(response):  # type: ignore[no-untyped-def]
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
            "font-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; "
            "object-src 'none'; base-uri 'self'",
        )
        return response

    return app


__all__ = [
    "HEAVY_SECONDS",
    "LOCAL_HOSTS",
    "MAX_JOBS",
    "MEMORY_MB",
    "QUICK_SECONDS",
    "SCREEN_SECONDS",
    "SHOWN_ATTRACTORS",
    "create_app",
    "ids",
]
