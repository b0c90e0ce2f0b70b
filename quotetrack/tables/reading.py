"""Reading a written table back with its types: ``read_table("out/claims.csv")`` gives the frame
``quotetrack run`` held (integers as ``Int64``, not floats; lists as lists; booleans as booleans).
"""

from __future__ import annotations

import csv
import json
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from quotetrack.errors import QuotetrackError
from quotetrack.tables.export import FORMATS, LIST_SEPARATOR
from quotetrack.tables.normalise import TABLES, columns, to_frame


def _list_of(annotation: Any) -> Callable[[str], list[Any]]:
    """What turns a CSV cell of a list column (items joined by `` | ``) back into the list, its
    items converted to the list's item type (an empty item is None)."""
    (of,) = typing.get_args(annotation)
    item = int if of is int or int in typing.get_args(of) else str

    def read(cell: str) -> list[Any]:
        return [] if cell == "" else [item(p) if p else None for p in cell.split(LIST_SEPARATOR)]

    return read


CSV_CELL: dict[str, Callable[[str], Any]] = {
    "Int64": int,
    "Float64": float,
    "boolean": lambda cell: cell == "True",
    "string": str,
}


def _csv_converters(table: str) -> dict[str, Callable[[str], Any]]:
    """Per column, what turns a non-empty CSV cell back into its value."""
    model = TABLES[table]
    out: dict[str, Callable[[str], Any]] = {}
    for name, dtype in columns(table).items():
        if dtype != "object":
            out[name] = CSV_CELL[dtype]
        else:
            annotation = model.model_fields[name].annotation
            is_list = typing.get_origin(annotation) is list
            out[name] = _list_of(annotation) if is_list else json.loads
    return out


def read_table(path: str | Path, table: str | None = None) -> pd.DataFrame:
    """A table written by quotetrack (CSV with or without a byte-order mark, JSONL, JSON or
    Parquet), with the dtypes of ``quotetrack.run(...).tables``. The table is named by the
    file's stem (``claims.csv``) unless ``table`` is given."""
    path = Path(path)
    name = table or path.name.split(".")[0]
    fmt = path.suffix.lower().lstrip(".")
    if name not in TABLES:
        raise QuotetrackError(
            f"{path}: not a quotetrack table name ({', '.join(TABLES)})",
            hint="pass table=NAME to say which table the file holds",
        )
    if fmt not in FORMATS:
        raise QuotetrackError(
            f"{path}: cannot tell the format from the extension", hint="use .csv, .jsonl, .json"
        )
    if fmt == "parquet":
        rows = pd.read_parquet(path).to_dict("records")
        listed = [n for n, d in columns(name).items() if d == "object"]
        for row in rows:
            for column in listed:
                value = row.get(column)
                if value is not None and not isinstance(value, str | dict):
                    row[column] = list(value)
                elif isinstance(value, str):
                    row[column] = json.loads(value)
        return to_frame(name, rows)
    with open(path, encoding="utf-8-sig", newline="") as stream:
        if fmt == "jsonl":
            return to_frame(name, [json.loads(line) for line in stream if line.strip()])
        if fmt == "json":
            return to_frame(name, json.load(stream))
        convert = _csv_converters(name)
        rows = [
            {k: (convert[k](v) if v != "" and k in convert else None) for k, v in row.items()}
            for row in csv.DictReader(stream)
        ]
    listed = [
        n for n, f in TABLES[name].model_fields.items() if typing.get_origin(f.annotation) is list
    ]
    per_document = _per_document_lists(name)
    for row in rows:
        for column in listed:
            if row.get(column) is None:
                row[column] = (
                    [None] * len(row.get("doc_ids") or ()) if column in per_document else []
                )
    return to_frame(name, rows)


def _per_document_lists(table: str) -> set[str]:
    """The lists of optional items beside ``doc_ids`` (outlets, speakers, claimants: one item
    per document). A list of missing items is written as an empty cell, so an empty cell there
    is one missing item per document; in any other list column it is an empty list."""
    model = TABLES[table]
    if "doc_ids" not in model.model_fields:
        return set()
    return {
        name
        for name, info in model.model_fields.items()
        if typing.get_origin(info.annotation) is list
        and type(None) in typing.get_args(typing.get_args(info.annotation)[0])
    }
