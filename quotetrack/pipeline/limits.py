"""Default per-document limits, in a module of their own so that the command line can show them
without importing the pipeline."""

DEFAULT_MAX_BYTES = 50_000_000  # largest .txt/.html file, or JSONL/CSV record, read (bytes)
DEFAULT_MAX_CHARS = 5_000_000  # longest document processed (characters)
DEFAULT_TIME_BUDGET_S = 30.0  # seconds one document may take
