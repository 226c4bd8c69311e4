"""Result tables for other programs: attractor tables (CSV, TSV, JSON, XLSX) with the settings
that produced them, and the formula-safe cells every table of the package is written with.
This layer sits above ``analysis``: formats of models are in :mod:`mtor_network.io`."""
