"""The page's style sheet and script (inlined into the HTML page: nothing is fetched from
elsewhere, and the wheel ships no asset folder).

The script does five things the Dash components cannot:

* it makes cytoscape measure its container again before every press, wheel step and hover
  entry, and whenever the page above or around the graph changes size, so the first click
  after the page loads (or after the summary, an error or a wrapped tool bar moved the graph)
  lands on the node under the pointer (issue 13, bug 1);
* it sends the id of the node tapped on the graph (``GRAPH_TAP``) in place of
  dash-cytoscape's tap, hover and tapstart handlers, which send a node's whole computed style
  and the data of every other node and render the graph again (issue 13);
* it draws the pathway-module regions behind the graph's canvas (one labelled box around the
  nodes of each module, following pan and zoom);
* it draws the page's tables (:func:`~mtor_network.webapp.layout.plain_table`) from their
  content stores, a page of rows at a time, without a Dash component per cell (the DataTable
  they replace cost a fifth of a page load, issue 13);
* it gives the tool bar's zoom, fit, undo and redo buttons something to call
  (``window.mtorGraph``), used by the app's client-side callbacks.

:func:`lean_scripts` trims what Dash's page loads to what the explorer runs: the regenerator
runtime of Dash's Babel polyfill instead of the whole polyfill, and no DataTable bundle.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from ..models import FLAGSHIP
from ..viz import svg
from . import ids
from .state import MAX_NAME_LENGTH

# the module regions drawn behind the graph, as the server-side picture draws them (one source:
# viz.svg's REGION_* constants)
_REGION = {
    "region_pad": f"{svg.REGION_PAD:g}",
    "region_room": f"{svg.REGION_LABEL_ROOM:g}",
    "region_radius": f"{svg.REGION_RADIUS:g}",
    "region_stroke": svg.REGION_STROKE,
    "region_fill": "rgba({}, {}, {}, {:g})".format(
        *(int(svg.REGION_FILL[i : i + 2], 16) for i in (1, 3, 5)), svg.REGION_FILL_OPACITY
    ),
    "region_font": f"{svg.REGION_FONT:g}",
    "region_text": svg.REGION_TEXT,
}


def _regions(text: str) -> str:
    for key, value in _REGION.items():
        text = text.replace(f"%({key})s", value)
    return text


CSS = """
body { font-family: system-ui, sans-serif; margin: 0; }
header { padding: 8px 12px; background: #243b55; color: white; }
header h1 { font-size: 20px; margin: 0 12px 0 0; display: inline; }
h3 { font-size: 14px; margin: 14px 0 6px; }
label { display: block; font-size: 12px; margin-top: 8px; font-weight: 600; }
.explorer-tab { display: flex; align-items: flex-start; }
.controls { width: 300px; flex: none; padding: 8px 12px; border-right: 1px solid #ddd;
            box-sizing: border-box; }
.explorer { flex: 1; padding: 8px 12px; min-width: 0; box-sizing: border-box; }
.toggles { display: flex; flex-wrap: wrap; gap: 4px; margin: 4px 0 8px; }
.toggle { font-size: 11px; padding: 2px 6px; border: 1px solid #999; border-radius: 4px;
          background: #f5f5f5; cursor: pointer; }
.toggle.knockout { border: 2px dashed #d7191c; background: #fde0dd; }
.toggle.overexpress { border: 2px solid #2c7bb6; background: #deebf7; }
button:focus-visible, .toggle:focus { outline: 3px solid #f5c26b; }
.hint { color: #555; font-size: 12px; }
.error { color: #b00020; font-weight: 600; }
.error:empty { display: none; }
.status-error { color: #b00020; font-weight: 600; font-size: 13px; background: #fde0dd;
                border: 1px solid #b00020; border-radius: 4px; padding: 4px 8px; }
.status-done { color: #1b5e20; font-size: 13px; }
.summary p { margin: 4px 0; }
.resistant { color: #b00020; font-weight: 600; }
.exports button { margin: 6px 6px 6px 0; }
.report { border-collapse: collapse; font-size: 13px; }
.report td, .report th { border: 1px solid #ccc; padding: 4px 6px; vertical-align: top; }
.report .pass { color: #1b7e1b; font-weight: 700; }
.report .fail { color: #b00020; font-weight: 700; }
.case-open { font-size: 11px; margin: 1px 2px; cursor: pointer; }
.reset { margin-top: 10px; }
.upload { border: 1px dashed #999; border-radius: 4px; padding: 6px; margin-top: 6px;
          font-size: 12px; text-align: center; cursor: pointer; }
.report tr.stops td { background: #e3f1e0; }
progress { vertical-align: middle; margin: 0 8px; }
#attractor-heatmap { display: block; max-width: 100%; margin: 6px 0; }
#attractor-heatmap:not([src^="data:"]) { display: none; }
.plain-table .scroll { overflow-x: auto; }
.plain-table table { border-collapse: collapse; font-size: 11px; }
.plain-table th, .plain-table td { padding: 2px 5px; text-align: center; white-space: nowrap;
    border: 1px solid #ddd; font-family: system-ui, sans-serif; }
.plain-table th { font-weight: 600; background: #f5f5f5; }
.plain-table td.on { background: #cdebc8; }
.plain-table td.osc { background: #f9dfae; }
.plain-table td.resistant { color: #b00020; font-weight: 700; }
.plain-table .pager { font-size: 12px; margin: 4px 0; display: flex; gap: 6px;
    align-items: center; }
#attractor-table th:nth-child(n+6) { writing-mode: vertical-rl;
    transform: rotate(180deg); height: auto; padding: 4px 2px; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 6px;
           min-height: 34px; font-size: 12px; }
.toolbar .tool { font-size: 12px; padding: 3px 8px; cursor: pointer; }
.tool-label { font-weight: 600; }
label.inline-label { display: inline; margin: 0; }
.click-mode label { display: inline-block; font-weight: 400; margin: 0 8px 0 0; }
.node-search { width: 130px; font-size: 12px; padding: 3px; }
.graph-wrap { position: relative; height: 600px; border: 1px solid #ddd; margin-top: 4px;
              background: white; }
.regions { position: absolute; inset: 0; overflow: hidden; pointer-events: none; z-index: 0; }
.region { position: absolute; border-radius: %(region_radius)spx;
          border: 1px solid %(region_stroke)s; background: %(region_fill)s;
          box-sizing: border-box; }
.region span { position: absolute; top: 1px; left: 6px; font-size: %(region_font)spx;
               font-weight: 600; color: %(region_text)s; white-space: nowrap; }
#network-graph { position: relative; z-index: 1; }
.legend { display: flex; flex-wrap: wrap; gap: 2px 12px; font-size: 12px; margin: 4px 0; }
.legend-title { font-weight: 600; }
.legend-item { display: inline-flex; align-items: center; gap: 4px; position: relative; }
/* each item is one element: its swatch is drawn by ::before (and an edge's head by ::after),
   so the legend mounts 12 components instead of 23 */
.legend-item::before { content: ""; display: inline-block; width: 18px; height: 12px;
    border-radius: 3px; border: 1px solid #888; background: #fff; }
.legend-item.fill.on::before { background: #7bc67b; }
.legend-item.fill.off::before { background: #d9d9d9; }
.legend-item.fill.osc::before { background: #f5c26b; }
.legend-item.border.ko::before { border: 3px dashed #d7191c; }
.legend-item.border.oe::before { border: 3px solid #2c7bb6; }
.legend-item.border.drug::before { border: 3px double #7b3294; }
.legend-item.border.genotype::before { border: 3px solid #e66101; }
.legend-item.border.environment::before { border: 3px solid #5e3c99; }
.legend-item.border.inspected::before { border: 3px solid #111; box-shadow: 0 0 0 2px #f5c26b; }
.legend-item.edge::before { border: none; border-radius: 0; height: 2px; width: 24px; }
.legend-item.edge.activation::before { background: #3a8a3a; }
.legend-item.edge.activation::after { content: ""; position: absolute; left: 20px; top: 50%;
    margin-top: -5px; border-left: 7px solid #3a8a3a; border-top: 5px solid transparent;
    border-bottom: 5px solid transparent; }
.legend-item.edge.inhibition::before { background: #c0392b; }
.legend-item.edge.inhibition::after { content: ""; position: absolute; left: 22px; top: 50%;
    margin-top: -6px; width: 3px; height: 12px; background: #c0392b; }
.attractor-pick label { display: inline-block; font-weight: 400; margin: 0 8px 0 0; }
.attractor-pick { font-size: 12px; }
.switch { display: flex; align-items: center; gap: 6px; font-size: 12px; }
.switch label { display: inline-block; font-weight: 400; margin: 0 4px 0 0; }
.switch-name { min-width: 90px; overflow: hidden; text-overflow: ellipsis; }
.detail-actions button { margin: 2px 4px 2px 0; }
.detail-actions button[aria-pressed="true"] { font-weight: 700; outline: 2px solid #243b55; }
.cycles { margin: 4px 0; font-size: 12px; }
.cycle-summary { font-weight: 600; margin-right: 8px; }
.cycles label { display: inline-block; font-weight: 400; margin: 0 8px 0 0; }
.cycle-graph { border: 1px solid #ddd; margin: 4px 0; }
.timecourse { margin-top: 10px; }
.timecourse-controls { display: flex; flex-wrap: wrap; gap: 6px; align-items: end; }
.timecourse-controls > * { flex: none; }
.timecourse-controls .dash-dropdown { min-width: 220px; }
@media (max-width: 760px) {
  .explorer-tab { flex-direction: column; align-items: stretch; }
  .controls { width: auto; border-right: none; border-bottom: 1px solid #ddd; }
  .graph-wrap { height: 420px; }
  header h1 { display: block; font-size: 18px; }
}
"""
CSS = _regions(CSS)

HOLD_MS = 1000
"""The longest time (ms) the graph waits, after a tap that perturbs a node, for the answer's
colours before it is drawn again anyway."""

SCRIPT = """
(function () {
  const GRAPH = %(graph)s, REGIONS = %(regions)s, TAP = %(tap)s, MODE = %(mode)s;
  let attached = null;
  function cyOf() {
    const el = document.getElementById(GRAPH);
    return el && el._cyreg && el._cyreg.cy ? el._cyreg.cy : null;
  }
  function remeasure(cy) {
    cy = cy || cyOf();
    if (!cy) return;
    const r = cy.renderer && cy.renderer();
    if (r && r.invalidateContainerClientCoordsCache) r.invalidateContainerClientCoordsCache();
    else cy.resize();
  }
  let regionsQueued = false, moved = 0;
  function drawRegions() {
    regionsQueued = false;
    const cy = cyOf(), layer = document.getElementById(REGIONS);
    if (!cy || !layer) return;
    // drawn again only when the boxes can have moved (pan, zoom, node positions, modules) or
    // the layer is new: cytoscape renders on every restyle, and a click moves no node
    const modules = cy.nodes().map(n => n.data('module') || '').join('\u0000');
    const pan = cy.pan();
    const key = [pan.x, pan.y, cy.zoom(), moved, modules].join(' ');
    if (layer.mtorRegions === key) return;
    layer.mtorRegions = key;
    const groups = new Map();
    cy.nodes().forEach(n => {
      const m = n.data('module');
      if (!m) return;
      if (!groups.has(m)) groups.set(m, cy.collection());
      groups.set(m, groups.get(m).union(n));
    });
    const html = [];
    for (const [module, nodes] of groups) {
      const b = nodes.renderedBoundingBox({includeLabels: false, includeOverlays: false});
      const pad = %(region_pad)s * cy.zoom();
      const top = b.y1 - pad - %(region_room)s;
      html.push('<div class="region" style="left:' + (b.x1 - pad) + 'px;top:' + top +
        'px;width:' + (b.w + 2 * pad) + 'px;height:' + (b.h + 2 * pad + %(region_room)s) +
        'px"><span></span></div>');
    }
    layer.innerHTML = html.join('');
    let i = 0;
    for (const [module] of groups) {
      layer.children[i].firstChild.textContent = module;
      layer.children[i].setAttribute('data-module', module);
      i += 1;
    }
  }
  function queueRegions() {
    if (!regionsQueued) { regionsQueued = true; requestAnimationFrame(drawRegions); }
  }
  // the graph's view (viz node_styles: each node's [classes, label]) of the state shown, kept
  // for a graph drawn again (the Explorer tab is rendered anew when it is opened again)
  let view = null;
  function paint(cy) {
    if (!view) return;
    cy.batch(() => { for (const id of Object.keys(view)) {
      const v = view[id];
      if (!Array.isArray(v) || typeof v[0] !== 'string' || typeof v[1] !== 'string') continue;
      const n = cy.getElementById(id);
      if (n.empty() || !n.isNode()) continue;
      if (n.classes().join(' ') !== v[0]) n.classes(v[0]);
      if (n.data('label') !== v[1]) n.data('label', v[1]);
    } });
  }
  function show(next) {
    if (!next || typeof next !== 'object' || Array.isArray(next)) return;
    view = next;
    const cy = cyOf();
    if (cy) { attach(); paint(cy); }  // else attach() paints the graph when it is drawn
    release();
  }
  // A tap that perturbs a node is answered with the graph's new colours: until then (at most
  // HOLD_MS) the graph is not drawn again. Else cytoscape first draws the released press, a
  // frame of 20-40 ms that the answer draws over (issue 13).
  let held = null;
  function release() {
    if (held === null) return;
    const cy = held.cy;
    clearTimeout(held.timer);
    held = null;
    if (!cy.destroyed()) cy.endBatch();  // a graph drawn anew meanwhile (another tab) has none
  }
  function hold(cy) {
    const mode = document.querySelector('#' + MODE + ' input:checked');
    if (held !== null || !mode || mode.value !== 'perturb') return;
    cy.startBatch();
    held = {cy: cy, timer: setTimeout(release, %(hold_ms)s)};
  }
  let resizes = null;
  function attach() {
    const cy = cyOf();
    if (!cy || cy === attached) return;
    attached = cy;
    const el = document.getElementById(GRAPH);
    // measure the container again before cytoscape maps a pointer to the graph
    for (const type of ['mousedown', 'touchstart', 'wheel', 'mouseover', 'pointerdown']) {
      el.addEventListener(type, () => remeasure(cy), {capture: true, passive: true});
    }
    // dash-cytoscape answers a hover over an element with its data, a tap on a node with
    // the node's whole computed style and the data of every other node (tapNode), and a
    // tapstart with a resize of the graph; each one updates the page's store and renders
    // the graph again. The explorer reads only the id of the node tapped: its own handler
    // sends that alone (GRAPH_TAP), and dash-cytoscape's go.
    cy.off('tap', 'node');
    cy.off('mouseover', 'node');
    cy.off('mouseover', 'edge');
    cy.off('tapstart');
    cy.on('tap', 'node', (event) => {
      hold(cy);
      window.dash_clientside.set_props(TAP, {
        data: {data: {id: event.target.id()}, timeStamp: event.timeStamp}});
    });
    cy.on('position add remove', () => { moved += 1; });
    cy.on('render viewport resize add remove data position', queueRegions);
    paint(cy);
    queueRegions();
    if (window.ResizeObserver) {
      if (resizes) resizes.disconnect();
      resizes = new ResizeObserver(() => remeasure(cy));
      for (let node = el.parentElement; node; node = node.parentElement) resizes.observe(node);
    }
  }
  // the page's tables (layout plain_table): drawn here from their content store, every
  // value as text (textContent: hostile names stay text), a page of rows at a time; one
  // update of the page's store per new content, no component per cell
  const contents = new Map(), drawers = new Map();
  function table(id, content) {
    if (content !== undefined) { contents.set(id, content); drawers.set(id, table); }
    const root = document.getElementById(id);
    if (!root) return;
    content = contents.get(id);
    root.mtorContent = content;
    root.textContent = '';
    if (!content || typeof content !== 'object' || !Array.isArray(content.columns)) return;
    const columns = content.columns.filter(c => c && typeof c.id === 'string');
    const rows = Array.isArray(content.data) ? content.data : [];
    const tips = content.tooltips && typeof content.tooltips === 'object' ? content.tooltips : {};
    const cls = content.classes && typeof content.classes === 'object' ? content.classes : {};
    const nodes = new Set(Array.isArray(cls.nodes) ? cls.nodes : []);
    const values = cls.values && typeof cls.values === 'object' ? cls.values : {};
    const marks = cls.columns && typeof cls.columns === 'object' ? cls.columns : {};
    const size = Math.max(1, parseInt(root.getAttribute('data-page-size'), 10) || 50);
    const pages = Math.max(1, Math.ceil(rows.length / size));
    const page = Math.min(Math.max(root.mtorPage || 0, 0), pages - 1);
    root.mtorPage = page;
    const own = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
    const text = (v) => v === null || v === undefined ? '' : String(v);
    const t = document.createElement('table');
    const head = t.createTHead().insertRow();
    for (const c of columns) {
      const th = document.createElement('th');
      th.textContent = text(c.name);
      th.setAttribute('data-dash-column', c.id);
      if (own(tips, c.id)) th.title = text(tips[c.id]);
      head.appendChild(th);
    }
    const body = t.createTBody();
    for (const r of rows.slice(page * size, (page + 1) * size)) {
      const tr = body.insertRow();
      for (const c of columns) {
        const v = r && typeof r === 'object' && own(r, c.id) ? text(r[c.id]) : '';
        const td = tr.insertCell();
        td.textContent = v;
        td.setAttribute('data-dash-column', c.id);
        const mark = own(marks, c.id) && own(marks[c.id], v) ? marks[c.id][v]
          : nodes.has(c.id) && own(values, v) ? values[v] : '';
        if (typeof mark === 'string' && mark) td.className = mark;
      }
    }
    const scroll = document.createElement('div');
    scroll.className = 'scroll';
    scroll.appendChild(t);
    root.appendChild(scroll);
    if (pages > 1) {
      const pager = document.createElement('div');
      pager.className = 'pager';
      const step = (label, to, disabled) => {
        const b = document.createElement('button');
        b.type = 'button'; b.textContent = label; b.disabled = disabled;
        b.addEventListener('click', () => {
          root.mtorPage = to; table(id);  // the pager is drawn again: keep the focus on it
          const again = root.querySelector('.pager button[data-label="' + label + '"]');
          if (again && !again.disabled) again.focus();
        });
        b.setAttribute('data-label', label);
        return b;
      };
      const where = document.createElement('span');
      const last = Math.min(rows.length, (page + 1) * size);
      where.textContent = 'rows ' + (page * size + 1) + '-' + last + ' of ' + rows.length;
      pager.append(step('Previous', page - 1, page === 0), where,
                   step('Next', page + 1, page === pages - 1));
      root.appendChild(pager);
    }
  }
  window.mtorTable = table;
  // a block of lines (the summary): [{label, text, class}] as paragraphs, the label bold, all
  // of it text (textContent); no Dash component per line
  function lines(id, content) {
    if (content !== undefined) { contents.set(id, content); drawers.set(id, lines); }
    const root = document.getElementById(id);
    if (!root) return;
    content = contents.get(id);
    root.mtorContent = content;
    root.textContent = '';
    if (!Array.isArray(content)) return;
    const text = (v) => typeof v === 'string' ? v : '';
    for (const line of content) {
      if (!line || typeof line !== 'object') continue;
      const p = document.createElement('p');
      if (text(line['class'])) p.className = text(line['class']);
      if (text(line.label)) {
        const b = document.createElement('b');
        b.textContent = text(line.label);
        p.appendChild(b);
      }
      p.appendChild(document.createTextNode(text(line.text)));
      root.appendChild(p);
    }
  }
  window.mtorLines = lines;
  // whatever the page draws anew (a tab opened again, a panel shown): measure the graph's
  // container again, take over a new graph, draw a new table container from its content
  if (window.MutationObserver) {
    let queued = false;
    new MutationObserver(() => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        remeasure();
        attach();
        for (const [id, content] of contents) {
          const root = document.getElementById(id);
          if (root && !root.firstChild && root.mtorContent !== content) drawers.get(id)(id);
        }
      });
    }).observe(document.body, {childList: true, subtree: true, characterData: true});
  }
  window.addEventListener('scroll', () => remeasure(), {capture: true, passive: true});
  window.addEventListener('resize', () => remeasure(), {passive: true});
  setInterval(attach, 250);
  window.mtorGraph = {
    cy: cyOf,
    attach: attach,
    show: show,
    remeasure: remeasure,
    zoomBy: function (factor) {
      const cy = cyOf();
      if (!cy) return;
      const level = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * factor));
      cy.zoom({level: level, renderedPosition: {x: cy.width() / 2, y: cy.height() / 2}});
    },
    fit: function () { const cy = cyOf(); if (cy) cy.fit(undefined, 16); },
    back: function () { window.history.back(); },
    forward: function () { window.history.forward(); },
  };
})();
""".replace("%(graph)s", repr(ids.GRAPH)).replace("%(regions)s", repr(ids.REGIONS))
SCRIPT = SCRIPT.replace("%(tap)s", repr(ids.GRAPH_TAP)).replace("%(mode)s", repr(ids.CLICK_MODE))
SCRIPT = SCRIPT.replace("%(hold_ms)s", str(HOLD_MS))
SCRIPT = _regions(SCRIPT)

_CLICK_JS = (
    "function (n) {{ if (n) window.mtorGraph.{call}; return window.dash_clientside.no_update; }}"
)
ZOOM_IN_JS = _CLICK_JS.format(call="zoomBy(1.25)")
ZOOM_OUT_JS = _CLICK_JS.format(call="zoomBy(0.8)")
FIT_JS = _CLICK_JS.format(call="fit()")
UNDO_JS = _CLICK_JS.format(call="back()")
REDO_JS = _CLICK_JS.format(call="forward()")
# What a new state changes in the page itself, in one callback that sends no request: the
# toggle buttons' classes and pressed states (as ExplorerState.status reads the state: knocked
# out first, then forced on); a press of Cancel while a background search runs (its Run button
# disabled); the model shown (as ExplorerState.from_dict reads it: a string, else the
# flagship), whose change redraws the model's panels. Each is set with set_props only where it
# changes: every component a callback returns, even unchanged, costs one update of the whole
# page's store (about 2 ms each with the explorer's 250 components: 60 toggle buttons made
# half of a click's time).
_STATE_VIEW = (
    " const set = window.dash_clientside.set_props;"
    " const list = (k) => data && Array.isArray(data[k]) ? data[k] : [];"
    " const ko = new Set(list('knockouts')), oe = new Set(list('overexpressed'));"
    " const now = classes || [];"
    " (toggles || []).forEach((t, i) => {"
    " const s = ko.has(t.node) ? 'knockout' : oe.has(t.node) ? 'overexpress' : 'normal';"
    " if (now[i] !== 'toggle ' + s)"
    " set(t, {className: 'toggle ' + s, 'aria-pressed': s === 'normal' ? 'false' : 'true'}); });"
    f" if (running && trigger.includes({json.dumps(ids.STATE + '.data')}))"
    f" set({json.dumps(ids.HEAVY_CANCEL)}, {{n_clicks: (cancels || 0) + 1}});"
    " const v = data ? data.model : null;"
    f" const m = typeof v === 'string' && v && v.length <= {MAX_NAME_LENGTH} ? v"
    f" : {json.dumps(FLAGSHIP)};"
    f" if (m !== current) set({json.dumps(ids.CURRENT_MODEL)}, {{data: m}});"
)
# the toggle buttons of a group (layout toggle_buttons), drawn when it is first opened, each
# with the class and pressed state of the state (as PAGE_VIEW_JS keeps them); labels are
# text children (escaped by React)
TOGGLE_BUTTONS_JS = (
    "function (n, id, groups, data, children) {"
    " const skip = window.dash_clientside.no_update;"
    " if (Array.isArray(children) && children.length) return skip;"
    " const group = Array.isArray(groups) && id ? groups[id.group] : null;"
    " if (!Array.isArray(group)) return skip;"
    " const list = (k) => data && Array.isArray(data[k]) ? data[k] : [];"
    " const ko = new Set(list('knockouts')), oe = new Set(list('overexpressed'));"
    " return group.map(([name, label]) => {"
    " const s = ko.has(name) ? 'knockout' : oe.has(name) ? 'overexpress' : 'normal';"
    " return {type: 'Button', namespace: 'dash_html_components', props: {"
    " children: label, n_clicks: 0, className: 'toggle ' + s,"
    " 'aria-pressed': s === 'normal' ? 'false' : 'true',"
    " title: name + ': click to cycle normal -> knocked out -> forced on',"
    f" id: {{type: {json.dumps(ids.NODE_TOGGLE)}, node: name}}}}}}; }}); }}"
)
# the cycle panel's body comes from the server only while it is shown: a new cycle picked
# (by the user or by a new result) with the body hidden needs no request
CYCLE_GATE_JS = (
    "function (shows, picked, n) {"
    " const trigger = (window.dash_clientside.callback_context.triggered || [])"
    ".map((t) => t.prop_id);"
    " const shown = Number.isInteger(shows) && shows % 2 === 1;"
    f" if (!shown && !trigger.includes({json.dumps(ids.CYCLE_SHOW + '.n_clicks')}))"
    " return window.dash_clientside.no_update;"
    " return (n || 0) + 1; }"
)
# what an answer changes in the page itself, in one callback (each callback run is several
# updates of the page's store): the graph's nodes take each node's [classes, label] of the
# view (viz node_styles) in one cytoscape batch, without new elements (no diff of every
# element, no new layout; a graph not drawn yet, or drawn again, takes the latest view when
# the page script attaches to it), and each table (ids.TABLES) or block of lines (ids.LINES,
# the summary) whose content changed is drawn again
_DRAWN = [[c, t, "mtorTable"] for t, c in ids.TABLES.items()] + [
    [c, t, "mtorLines"] for t, c in ids.LINES.items()
]
_APPLY_VIEW = (
    f" const drawn = {json.dumps(_DRAWN)};"
    f" if (window.mtorGraph && trigger.includes({json.dumps(ids.GRAPH_VIEW + '.data')}))"
    " window.mtorGraph.show(view);"
    " drawn.forEach(([content, target, draw], i) => {"
    " if (window[draw] && trigger.includes(content + '.data'))"
    " window[draw](target, contents[i] || null); });"
)
# the two in one callback (a callback run is about ten updates of the page's store), whose
# arguments are the state, the toggle buttons' ids, the graph's view, the contents (_DRAWN),
# then whether a background search runs, Cancel's clicks, the model shown and the toggles'
# classes
PAGE_VIEW_JS = (
    "function (data, toggles, view, ...rest) {"
    f" const contents = rest.slice(0, {len(_DRAWN)});"
    f" const [running, cancels, current, classes] = rest.slice({len(_DRAWN)});"
    " const trigger = (window.dash_clientside.callback_context.triggered || [])"
    ".map((t) => t.prop_id);"
    + _STATE_VIEW
    + _APPLY_VIEW
    + " return window.dash_clientside.no_update; }"
)


def index_string(template: str) -> str:
    """Dash's page template with the style sheet and the script inlined."""
    return template.replace("</head>", f"<style>{CSS}</style></head>").replace(
        "</body>", f"<script>{SCRIPT}</script></body>"
    )


# Dash's Babel polyfill (core-js 2 and the regenerator runtime) took 0.3 s of every page load
# to evaluate, a third of the scripts' time (issue 13). A browser released since about 2020
# has everything core-js 2 adds (the explorer needs one, README); the bundles do need the
# regenerator runtime (their async functions are compiled to it): the page gets that module
# of the same file, as it is, and the DataTable bundle, which no explorer component uses, is
# left out. Where a Dash release lays the file out otherwise, the page keeps Dash's scripts.
_POLYFILL_TAG = re.compile(r'<script src="[^"]*/dash/deps/polyfill@[^"]*"></script>')
_TABLE_TAG = re.compile(r'<script src="[^"]*/dash/dash_table/bundle[^"]*"></script>')
_RUNTIME_END = 'Function("r","regeneratorRuntime = r")(e)}'
_MODULE_START = re.compile(r"[,{]\d+:\[function\(t,n,r\)\{")
_RUNTIME_MAX = 20_000  # characters: the module is about 7,000


@functools.cache
def regenerator_runtime() -> str | None:
    """The regenerator runtime module of Dash's Babel polyfill, as a script that defines
    ``regeneratorRuntime`` (the bundles' compiled async functions call it), or None where
    Dash's file is not laid out as expected."""
    import dash

    deps = Path(dash.__file__).parent / "deps"
    files = sorted(deps.glob("polyfill@*.min.js"))
    if len(files) != 1:
        return None
    text = files[0].read_text(encoding="utf-8")
    end = text.find(_RUNTIME_END)
    if end < 0 or text.count(_RUNTIME_END) != 1:
        return None
    starts = [m.end() for m in _MODULE_START.finditer(text, 0, end)]
    if not starts:
        return None
    body = text[starts[-1] : end + len(_RUNTIME_END)]
    if len(body) > _RUNTIME_MAX or "function wrap(" not in body or "</" in body:
        return None
    return "(function(){var n={exports:{}};(function(t,n,r){" + body + "})(null,n,n.exports);})();"


def lean_scripts(scripts: str) -> str:
    """Dash's ``scripts`` HTML with the polyfill replaced by its regenerator runtime and the
    DataTable bundle left out (:func:`regenerator_runtime`); unchanged where the runtime is
    not found."""
    runtime = regenerator_runtime()
    if runtime is None or len(_POLYFILL_TAG.findall(scripts)) != 1:
        return scripts
    scripts = _POLYFILL_TAG.sub(lambda _: f"<script>{runtime}</script>", scripts)
    return _TABLE_TAG.sub("", scripts)
