"""Orchestration: inputs become tables.

``ingest`` reads articles and their metadata, ``extractor`` runs the extraction stages on one
article, ``parallel`` spreads that over cores, ``runner`` is the library's ``run`` (tables in
memory or streamed to a folder), ``store`` the SQLite tracker and ``dask_engine`` the cluster run.
"""
