"""The data dictionary: every table and column quotetrack writes, with its type and meaning, read
off the row models (``Field(description=...)``), so code and documentation cannot drift apart.

``python -m quotetrack.tables.dictionary`` prints it as Markdown; ``--write docs/columns.md``
writes it there (a test fails when that file is stale).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from quotetrack.tables.normalise import TABLES, columns

#: how each column dtype reads to a user, and how it looks in a CSV file.
TYPE_NAMES = {
    "Int64": "integer",
    "Float64": "number",
    "boolean": "true/false",
    "string": "text",
}
DOCUMENT_PATH = Path("docs") / "columns.md"

INTRODUCTION = """\
# quotetrack tables and columns

Generated from the row models in `quotetrack/models.py` by
`python -m quotetrack.tables.dictionary --write docs/columns.md`; do not edit by hand.

Every `quotetrack run` writes these tables (`--format csv`, `jsonl`, `json` or `parquet`), with
their headers even when empty; `quotetrack export` writes the same files from a store, and
`quotetrack.run(...).tables` holds them as pandas DataFrames. `quotetrack.read_table(path)` reads
a written table back with these types.

- **Offsets** (`start`, `end` and every `*_start`, `*_end`) are Python `str` offsets (code
  points) into the `text` column of `articles`; `end` is exclusive, so
  `article.text[start:end]` is the span's text.
- **Empty cells** mean unknown or not applicable (never zero).
- **Lists** are joined with ` | ` in CSV and stay lists in JSON, JSONL and Parquet; **objects**
  (`metadata`) are JSON text in CSV.
- **Intervals** are written `[low, high]`, with `∞` for a figure with no upper bound
  (`[12, ∞)` for "at least 12").
"""


def type_name(dtype: str, annotation: object) -> str:
    """A column's type as a user reads it: integer, number, true/false, text, list or object."""
    if dtype in TYPE_NAMES:
        return TYPE_NAMES[dtype]
    return "list" if "list" in str(annotation) else "object"


def markdown() -> str:
    """The whole data dictionary as Markdown."""
    parts = [INTRODUCTION]
    for table, model in TABLES.items():
        dtypes = columns(table)
        parts.append(f"\n## `{table}`\n\n{(model.__doc__ or '').strip()}\n")
        parts.append("| column | type | meaning |\n|---|---|---|")
        for name, info in model.model_fields.items():
            meaning = (info.description or "").replace("|", "\\|").replace("\n", " ")
            parts.append(f"| `{name}` | {type_name(dtypes[name], info.annotation)} | {meaning} |")
    return "\n".join(parts) + "\n"


def datasette_metadata(database: str) -> dict[str, Any]:
    """Datasette's ``metadata.json`` for a quotetrack store named ``database`` (the file's stem):
    each table's description and its columns' descriptions, from the same row models."""
    tables = {
        table: {
            "description": (model.__doc__ or "").strip(),
            "columns": {name: info.description or "" for name, info in model.model_fields.items()},
        }
        for table, model in TABLES.items()
    }
    return {
        "title": "quotetrack store",
        "description": "Quotes, casualty claims and the disagreements between outlets; column "
        "meanings from docs/columns.md.",
        "databases": {database: {"tables": tables}},
    }


def main(argv: list[str] | None = None) -> None:
    """Print the dictionary, or write it to the file after ``--write``."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--write"]:
        target = Path(args[1]) if len(args) > 1 else DOCUMENT_PATH
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown(), encoding="utf-8")
        print(f"wrote {target}", file=sys.stderr)
    else:
        sys.stdout.write(markdown())


if __name__ == "__main__":
    main()
