"""Pure drawing functions (network + results -> cytoscape elements, plotly figures); no Dash."""

from .cytoscape import elements, positions, stylesheet
from .figures import heatmap

__all__ = ["elements", "heatmap", "positions", "stylesheet"]
