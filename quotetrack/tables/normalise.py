"""The pandas tables: one place that turns row models into DataFrames with fixed columns.

Each table's columns are its row model's fields in declaration order (the contract other tools
read); dtypes are nullable (``Int64``, ``string``, ``boolean``, ``Float64``) so that a missing value
never turns a count into a float. List and dict fields stay Python objects here; the writers
serialise them.
"""

from __future__ import annotations

import functools
import math
import operator
import types
import typing
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from pydantic import BaseModel

from quotetrack.models import (
    Article,
    ArticlePair,
    Claim,
    Disagreement,
    EventGroup,
    Incident,
    Issue,
    Quote,
    QuoteMatch,
)
from quotetrack.tables.evidence import clip_records

#: table name -> row model; the order is the order ``quotetrack run`` writes them in.
TABLES: dict[str, type[BaseModel]] = {
    "articles": Article,
    "quotes": Quote,
    "claims": Claim,
    "quote_matches": QuoteMatch,
    "event_groups": EventGroup,
    "disagreements": Disagreement,
    "article_pairs": ArticlePair,
    "incidents": Incident,
    "issues": Issue,
}


def _dtype(annotation: Any) -> str:
    """Nullable pandas dtype for a field annotation."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _dtype(args[0])
    if origin is typing.Literal:
        return "string"
    if annotation is bool:
        return "boolean"
    if annotation is int:
        return "Int64"
    if annotation is float:
        return "Float64"
    if annotation is str:
        return "string"
    return "object"


def columns(table: str) -> dict[str, str]:
    """Ordered column name -> dtype of ``table``."""
    return dict(_columns(table))


@functools.cache
def _columns(table: str) -> tuple[tuple[str, str], ...]:
    model = TABLES[table]
    return tuple((name, _dtype(info.annotation)) for name, info in model.model_fields.items())


def _arrow_type(annotation: Any) -> Any:
    import pyarrow as pa

    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _arrow_type(args[0])
    if origin is list:
        return pa.list_(_arrow_type(args[0]) if args else pa.string())
    simple = {
        "boolean": pa.bool_(),
        "Int64": pa.int64(),
        "Float64": pa.float64(),
        "string": pa.string(),
    }
    return simple.get(_dtype(annotation), pa.string())  # dicts are stored as JSON text


def arrow_schema(table: str) -> Any:
    """The pyarrow schema of ``table`` (for Parquet written in row groups)."""
    import pyarrow as pa

    model = TABLES[table]
    return pa.schema(
        [(name, _arrow_type(info.annotation)) for name, info in model.model_fields.items()]
    )


def to_frame(table: str, rows: Iterable[BaseModel | dict[str, Any]]) -> pd.DataFrame:
    """The DataFrame of ``table`` from its row models (headers kept when there are no rows).

    Rows of the table's own model are read by attribute (their fields are flat values, so this is
    what ``model_dump`` gives, without its per-row cost); each column is built once with its
    dtype."""
    spec = columns(table)
    names = list(spec)
    model = TABLES[table]
    getter = operator.attrgetter(*names) if len(names) > 1 else (lambda r: (getattr(r, names[0]),))
    records = [getter(r) if type(r) is model else _values(r, names) for r in rows]
    records = clip_records(table, names, records)  # a long evidence sentence, bounded
    cells: list[Sequence[Any]] = list(zip(*records, strict=False)) if records else [()] * len(names)
    data: dict[str, Any] = {}
    for (name, dtype), column in zip(spec.items(), cells, strict=False):
        data[name] = pd.array(list(column), dtype=dtype) if dtype != "object" else list(column)
    return pd.DataFrame(data, columns=names)


def _values(row: BaseModel | dict[str, Any], names: list[str]) -> tuple[Any, ...]:
    """The cells of one row given as a dict or as another model (missing fields are None)."""
    record = row.model_dump() if isinstance(row, BaseModel) else row
    return tuple(record.get(name) for name in names)


def _plain(value: Any) -> Any:
    """A JSON-ready Python value from a pandas cell (NA -> None, numpy scalars -> Python)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        return value.item()
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as plain dicts (missing values as None), in column order."""
    cols = list(frame.columns)
    return [
        {c: _plain(v) for c, v in zip(cols, row, strict=False)}
        for row in frame.itertuples(index=False, name=None)
    ]


def empty_frame(table: str) -> pd.DataFrame:
    """``table`` with its headers and no rows."""
    return to_frame(table, [])


def frames(**rows: Iterable[BaseModel]) -> dict[str, pd.DataFrame]:
    """Every table, in ``TABLES`` order, from the rows given per table name (missing = empty)."""
    return {name: to_frame(name, rows.get(name, [])) for name in TABLES}
