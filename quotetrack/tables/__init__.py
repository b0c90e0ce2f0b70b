"""Rows become tables: ``normalise`` declares every table's columns and dtypes, ``export`` writes
them (CSV, JSONL, JSON, Parquet)."""
