"""Result tables and files for other programs: attractor tables (CSV, TSV, JSON, XLSX) with the
settings that produced them (:mod:`~mtor_network.export.attractors`), simulation time series
(:mod:`~mtor_network.export.simulation`), screen files (:mod:`~mtor_network.export.screens`:
the resumable journal, its meta file, Parquet / XLSX) and the formula-safe cells every table of
the package is written with. This layer sits above ``analysis`` and ``simulation``: formats of
models are in :mod:`mtor_network.io`."""
