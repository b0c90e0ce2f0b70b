"""Reading a JSONL gold file: every line a JSON object with the keys a scorer needs, or a
``QuotetrackError`` naming the file, the line and what is wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from quotetrack.errors import QuotetrackError


def read_jsonl_rows(path: Path, required: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The objects of a JSONL file, each checked to hold ``required`` keys."""
    rows: list[dict[str, Any]] = []
    hint = "give a gold file in the documented JSONL format (one JSON object per line)"
    try:
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except (ValueError, RecursionError) as exc:
                    raise QuotetrackError(
                        f"{path}: line {number}: invalid JSON ({exc})", hint=hint
                    ) from None
                if not isinstance(row, dict):
                    raise QuotetrackError(
                        f"{path}: line {number}: a {type(row).__name__}, not a JSON object",
                        hint=hint,
                    )
                missing = [key for key in required if key not in row]
                if missing:
                    raise QuotetrackError(
                        f"{path}: line {number}: missing {', '.join(missing)}", hint=hint
                    )
                rows.append(row)
    except UnicodeDecodeError as exc:
        raise QuotetrackError(f"{path}: not UTF-8 text ({exc.reason})", hint=hint) from None
    return rows
