"""Component ids of the web app (one place, used by layout, callbacks and browser tests)."""

URL = "url"
STATE = "state"
TAB = "tab-id"  # a random id per page load: keeps background-job results of tabs apart
GRAPH = "network-graph"
DRUGS = "drug-select"
GENOTYPES = "genotype-select"
ENVIRONMENTS = "environment-select"
SEMANTICS = "semantics-select"
RESET = "reset-button"
NODE_TOGGLE = "node-toggle"  # pattern id: {"type": NODE_TOGGLE, "node": name}
TOGGLE_OPEN = "toggle-group-open"  # pattern id: {"type": TOGGLE_OPEN, "group": index}
TOGGLE_GROUP = "toggle-group"  # pattern id: {"type": TOGGLE_GROUP, "group": index}
TOGGLE_NODES = "toggle-nodes"  # per group of toggle buttons: [[name, label], ...]
ATTRACTOR_PICK = "attractor-select"
SUMMARY = "phenotype-summary"
TABLE = "attractor-table"
# a table's content ({"columns", "data", "classes", "tooltips"}: callbacks.table), which the
# page script draws into the table's container (layout plain_table)
TABLE_CONTENT = "attractor-table-content"
HEATMAP = "attractor-heatmap"
ERROR = "error-message"
NODE_PICK = "node-details-select"
NODE_DETAILS = "node-details"
EXPORT = "export-button"  # pattern id: {"type": EXPORT, "format": fmt}
DOWNLOAD = "download"
TABS = "tabs"
VALIDATION = "validation-report"
MODEL_SELECT = "model-select"
UPLOAD = "model-upload"
UPLOAD_STORE = "uploaded-model"
UPLOAD_STATUS = "upload-status"
CURRENT_MODEL = "current-model"
MODEL_TITLE = "model-title"
TOGGLES = "node-toggles"
HEAVY = "heavy-panel"
HEAVY_RUN = "heavy-run"
HEAVY_CANCEL = "heavy-cancel"
SCREEN = "screen-tab"
SCREEN_MODE = "screen-mode"
SCREEN_TARGETS = "screen-targets"
SCREEN_ORDER = "screen-order"
SCREEN_PERTURB = "screen-perturb"
SCREEN_USING = "screen-using"
SCREEN_RUN = "screen-run"
SCREEN_CANCEL = "screen-cancel"
SCREEN_PROGRESS = "screen-progress"
SCREEN_EXPORT = "screen-export"
SCREEN_STATUS = "screen-status"
SCREEN_RESULT = "screen-result"
SCREEN_DOWNLOAD = "screen-download"
SCREEN_FIGURE = "screen-figure"
SCREEN_TABLE = "screen-table"
# the graph's toolbar, legend and client-side helpers
CLICK_MODE = "click-mode"  # what a click on the graph does: "perturb" (cycle) or "inspect"
ZOOM_IN = "zoom-in"
ZOOM_OUT = "zoom-out"
FIT = "zoom-fit"
UNDO = "undo-button"
REDO = "redo-button"
PNG = "download-png"
SVG = "download-svg"
NODE_SEARCH = "node-search"
SEARCH_STATUS = "node-search-status"
LEGEND = "graph-legend"
REGIONS = "graph-regions"  # module regions drawn behind the graph's canvas
GRAPH_VIEW = "graph-view"  # each graph node's classes and label for the state shown
GRAPH_TAP = "graph-tap"  # the node tapped on the graph, set by the page script's handler
GRAPH_KEY = "graph-key"  # the digest of the elements the graph holds (viz elements_key)
CLIENT_SINK = "client-sink"  # output of client-side callbacks that only act on the page
DETAIL_SET = "detail-set"  # pattern id: {"type": DETAIL_SET, "status": status} (details panel)
INPUTS = "input-switches"
INPUT_SWITCH = "input-switch"  # pattern id: {"type": INPUT_SWITCH, "node": name}
INPUTS_NOTE = "input-switches-note"
READOUTS = "readout-panel"
READOUT_PICK = "readout-select"  # pattern id: {"type": READOUT_PICK, "role": role}
HEAVY_STATUS = "heavy-status"
CYCLE_VIEW = "cycle-view"
CYCLE_STATES = "cycle-states"  # the table of the states of the cycle picked
CYCLE_CONTENT = "cycle-states-content"
CYCLE_SUMMARY = "cycle-summary"
CYCLE_PICK = "cycle-select"
CYCLE_NOTE = "cycle-note"
CYCLE_GRAPH = "cycle-graph"
CYCLE_SHOW = "cycle-show"  # the button that shows or hides the cycle's states
CYCLE_DRAWING = "cycle-drawing"  # holds the state-transition graph while it is shown
CYCLE_REQUEST = "cycle-request"  # counts the changes that need the cycle body from the server
TIMECOURSE_RUN = "timecourse-run"
TIMECOURSE_NODES = "timecourse-nodes"
TIMECOURSE_SEED = "timecourse-seed"
TIMECOURSE_RUNS = "timecourse-runs"
TIMECOURSE_STATUS = "timecourse-status"
TIMECOURSE_FIGURE = "timecourse-figure"
TIMECOURSE_WRAP = "timecourse-plot"
CASE_OPEN = "case-open"  # pattern id: {"type": CASE_OPEN, "case": index}
INPUTS_ALL = "input-switches-all"  # pattern id: {"type": INPUTS_ALL, "value": "free"|"0"|"1"}
# the summary of a result by input valuation (free inputs left free, many attractors)
GROUPS = "input-groups"  # the panel: shown only for such a result
GROUPS_NOTE = "input-groups-note"
GROUPS_TABLE = "input-groups-table"  # one row per valuation
GROUPS_CONTENT = "input-groups-table-content"
GROUP_PICK = "input-group-select"  # the valuation whose attractors the table shows

TABLES: dict[str, str] = {
    TABLE: TABLE_CONTENT,
    CYCLE_STATES: CYCLE_CONTENT,
    GROUPS_TABLE: GROUPS_CONTENT,
}
"""Each table's container and its content store."""
SUMMARY_CONTENT = "phenotype-summary-content"  # the summary's lines, drawn by the page script
LINES: dict[str, str] = {SUMMARY: SUMMARY_CONTENT}
"""Each block of lines (``[{"label", "text", "class"}]``) and its content store."""
