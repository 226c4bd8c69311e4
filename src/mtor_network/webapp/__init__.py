"""The Dash web explorer: a thin shell over the library (layout, callbacks, ids)."""

from __future__ import annotations

from dash import Dash

from ..models import FLAGSHIP
from . import callbacks, ids
from .layout import build_layout

_CSS = """
body { font-family: system-ui, sans-serif; margin: 0; }
header { padding: 8px 12px; background: #243b55; color: white; }
header h1 { font-size: 20px; margin: 0 12px 0 0; display: inline; }
h3 { font-size: 14px; margin: 14px 0 6px; }
label { display: block; font-size: 12px; margin-top: 8px; font-weight: 600; }
.toggles { display: flex; flex-wrap: wrap; gap: 4px; margin: 4px 0 8px; }
.toggle { font-size: 11px; padding: 2px 6px; border: 1px solid #999; border-radius: 4px;
          background: #f5f5f5; cursor: pointer; }
.toggle.knockout { border: 2px dashed #d7191c; background: #fde0dd; }
.toggle.overexpress { border: 2px solid #2c7bb6; background: #deebf7; }
.toggle:focus { outline: 3px solid #f5c26b; }
.hint { color: #555; font-size: 12px; }
.error { color: #b00020; font-weight: 600; }
.summary p { margin: 4px 0; }
.resistant { color: #b00020; font-weight: 600; }
.exports button { margin: 6px 6px 6px 0; }
.report { border-collapse: collapse; font-size: 13px; }
.report td, .report th { border: 1px solid #ccc; padding: 4px 6px; vertical-align: top; }
.report .pass { color: #1b7e1b; font-weight: 700; }
.report .fail { color: #b00020; font-weight: 700; }
.reset { margin-top: 10px; }
.table-wrap { overflow-x: auto; }
table.attractors { border-collapse: collapse; font-size: 11px; }
table.attractors th, table.attractors td { border: 1px solid #ddd; padding: 2px 5px;
                                           text-align: center; white-space: nowrap; }
table.attractors thead th { writing-mode: vertical-rl; transform: rotate(180deg); }
table.attractors td.v1 { background: #cdebc8; }
table.attractors td.vosc { background: #f9dfae; font-weight: 700; }
table.attractors tr.resistant-row td:nth-child(4) { color: #b00020; font-weight: 700; }
"""


def create_app(model: str = FLAGSHIP) -> Dash:
    """The Dash app for ``model``; per-user state lives in the browser (``dcc.Store`` and URL)."""
    app = Dash(__name__, title="mtor_network explorer", suppress_callback_exceptions=False)
    app.layout = lambda: build_layout(model)
    app.index_string = app.index_string.replace("</head>", f"<style>{_CSS}</style></head>")
    callbacks.register(app)

    @app.server.after_request
    def security_headers(response):  # type: ignore[no-untyped-def]
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app


__all__ = ["create_app", "ids"]
