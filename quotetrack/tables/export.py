"""Writers for the tables: CSV (UTF-8, the fact-checker's format), JSONL, JSON and Parquet.

Every file is written to a temporary file beside its target and renamed into place, so a crash
never leaves a half-written table that looks complete. In CSV, list cells are joined with
`` | `` and dict cells are JSON; JSON and JSONL keep lists and dicts as they are.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import operator
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from quotetrack.errors import QuotetrackError
from quotetrack.tables.evidence import clip_records

if TYPE_CHECKING:
    import pandas as pd

Format = Literal["csv", "jsonl", "json", "parquet"]


def _normalise() -> Any:
    """``quotetrack.tables.normalise`` (and pandas), imported when a table is first written."""
    from quotetrack.tables import normalise

    return normalise


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as plain dicts (``quotetrack.tables.normalise.records``)."""
    return _normalise().records(frame)  # type: ignore[no-any-return]


FORMATS: tuple[str, ...] = ("csv", "jsonl", "json", "parquet")
LIST_SEPARATOR = " | "
JSON_LINE = json.JSONEncoder(
    ensure_ascii=False
)  # what json.dumps(..., ensure_ascii=False) makes, built once


def _file_mode() -> int:
    """Permissions for a finished table: 0666 less the process umask (temporary files are 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _finish(tmp: Path, target: Path) -> None:
    """Give the temporary file ordinary permissions and move it into place."""
    os.chmod(tmp, _file_mode())
    os.replace(tmp, target)


def _cell_for_csv(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join("" if v is None else str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _row_values(row: BaseModel | dict[str, Any], names: list[str]) -> list[Any]:
    """The cells of a row given as a dict or as another model (missing fields are None)."""
    record = row.model_dump() if isinstance(row, BaseModel) else row
    return [record.get(name) for name in names]


def _same(value: Any) -> Any:
    return value


def _as_float(value: Any) -> Any:
    return None if value is None else float(value)


def _converted(
    values: Sequence[Any], converters: list[tuple[int, Callable[[Any], Any]]]
) -> list[Any]:
    """``values`` with the cells at the converters' positions converted."""
    out = list(values)
    for i, convert in converters:
        out[i] = convert(out[i])
    return out


@cache
def _cell_writers(table: str, fmt: str) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """(column, conversion) of ``table`` for rows written without a frame: what ``to_frame``'s
    dtypes and the CSV cell rule would make of each value (floats stay floats; lists and dicts
    become text in CSV, stay lists and objects in JSONL)."""
    objects = _cell_for_csv if fmt == "csv" else _same
    return tuple(
        (name, _as_float if dtype == "Float64" else objects if dtype == "object" else _same)
        for name, dtype in _normalise().columns(table).items()
    )


TEXT_ROW_FORMATS = (
    "csv",
    "jsonl",
)  # formats whose rows can be encoded one by one (``encode_rows``)


def encode_rows(table: str, rows: Iterable[BaseModel | dict[str, Any]], fmt: Format) -> str:
    """The text of ``rows`` of ``table`` in CSV (no header) or JSONL: the same text as the rows'
    frame written by ``write_frame`` (used where the rows are made, e.g. in a worker process)."""
    cells = _cell_writers(table, fmt)
    names = [name for name, _ in cells]
    model, getter = _normalise().TABLES[table], operator.attrgetter(*names)
    values: list[Sequence[Any]] = [
        getter(row) if type(row) is model else _row_values(row, names) for row in rows
    ]
    values = clip_records(table, names, values)  # a long evidence sentence, bounded
    converters = [(i, convert) for i, (_, convert) in enumerate(cells) if convert is not _same]
    if converters:  # only the cells that change (most tables have none)
        values = [_converted(v, converters) for v in values]
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(values)
        return out.getvalue()
    return "".join([JSON_LINE.encode(dict(zip(names, v, strict=True))) + "\n" for v in values])


def write_frame(frame: pd.DataFrame, stream: IO[str], fmt: Format) -> None:
    """Write ``frame`` to an open text stream as csv, jsonl or json."""
    if fmt == "csv":
        out = frame.copy()
        for col in out.columns:
            if out[col].dtype == object:
                out[col] = out[col].map(_cell_for_csv)
        out.to_csv(stream, index=False, lineterminator="\n")
    elif fmt == "jsonl":
        for rec in _normalise().records(frame):
            stream.write(json.dumps(rec, ensure_ascii=False) + "\n")
    elif fmt == "json":
        json.dump(_normalise().records(frame), stream, ensure_ascii=False, indent=1)
        stream.write("\n")
    else:
        raise QuotetrackError(
            f"format {fmt!r} cannot be written to a text stream", hint="use -o FILE for parquet"
        )


def text_encoding(fmt: str, bom: bool) -> str:
    """The encoding of a text table: UTF-8, with a byte-order mark for CSV when ``bom`` (Excel
    reads a CSV file without one in the system's legacy code page: mojibake)."""
    return "utf-8-sig" if bom and fmt == "csv" else "utf-8"


def write_table(
    frame: pd.DataFrame, path: Path, fmt: Format | None = None, bom: bool = False
) -> Path:
    """Write ``frame`` to ``path`` atomically (temporary file + rename); the format from the
    suffix unless given; ``bom`` starts a CSV file with a UTF-8 byte-order mark."""
    tmp = _write_temporary(frame, path, fmt or _format_from_suffix(path), bom)
    _finish(tmp, path)
    return path


def _write_temporary(frame: pd.DataFrame, path: Path, fmt: Format, bom: bool = False) -> Path:
    """Write ``frame`` to a temporary file beside ``path``; return the temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if fmt == "parquet":
            os.close(fd)
            write_parquet(frame, Path(tmp_name))
        else:
            with os.fdopen(fd, "w", encoding=text_encoding(fmt, bom), newline="") as stream:
                write_frame(frame, stream, fmt)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return Path(tmp_name)


def _arrow_table(frame: pd.DataFrame, schema: Any) -> Any:
    import pyarrow as pa

    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(
                lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v
            )
    return (
        pa.Table.from_pandas(out, schema=schema, preserve_index=False)
        if schema is not None
        else pa.Table.from_pandas(out, preserve_index=False)
    )


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise QuotetrackError(
            "Parquet output needs pyarrow", hint="pip install 'quotetrack[parquet]'"
        ) from None


def write_parquet(frame: pd.DataFrame, path: Path, schema: Any = None) -> None:
    """Write ``frame`` as one Parquet file (with ``schema``, a pyarrow schema, when given)."""
    _require_pyarrow()
    import pyarrow.parquet as pq

    pq.write_table(_arrow_table(frame, schema), path)


class TableWriter:
    """Appends batches of one table to a temporary file; ``commit`` renames it into place.

    CSV and JSONL are appended as text (the header once); JSON is one array; Parquet is written
    in row groups with the table's declared schema. Nothing appears at the target path until
    ``commit``; ``abort`` removes the temporary file.
    """

    def __init__(self, target: Path, fmt: Format, table: str, bom: bool = False) -> None:
        self.target = target
        self.fmt = fmt
        self.table = table
        self.schema = _normalise().arrow_schema(table) if fmt == "parquet" else None
        self.rows = 0
        self._header_done = False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        self.tmp = Path(name)
        self._parquet: Any = None
        if fmt == "parquet":
            os.close(fd)
            _require_pyarrow()
            import pyarrow.parquet as pq

            self._parquet = pq.ParquetWriter(self.tmp, self.schema)
            self._stream: IO[str] | None = None
        else:
            self._stream = os.fdopen(fd, "w", encoding=text_encoding(fmt, bom), newline="")
            if fmt == "json":
                self._stream.write("[")

    def append(self, frame: pd.DataFrame) -> None:
        """Add the rows of ``frame`` (with the table's columns)."""
        if self.fmt == "parquet":
            if len(frame):
                self._parquet.write_table(_arrow_table(frame, self.schema))
        elif self.fmt == "csv":
            if len(frame) or not self._header_done:
                out = frame.copy()
                for col in out.columns:
                    if out[col].dtype == object:
                        out[col] = out[col].map(_cell_for_csv)
                out.to_csv(
                    self._stream, index=False, header=not self._header_done, lineterminator="\n"
                )
                self._header_done = True
        elif self.fmt == "jsonl":
            for rec in _normalise().records(frame):
                self._stream.write(json.dumps(rec, ensure_ascii=False) + "\n")  # type: ignore[union-attr]
        else:
            for rec in _normalise().records(frame):
                separator = "," if self.rows else ""
                self._stream.write(separator + "\n" + json.dumps(rec, ensure_ascii=False))  # type: ignore[union-attr]
                self.rows += 1
            return
        self.rows += len(frame)

    def append_rows(self, rows: Sequence[BaseModel | dict[str, Any]]) -> None:
        """Add rows (models or dicts with the table's columns). CSV and JSONL rows are written
        straight from the values (the same text as ``append`` of their frame, without building
        one); the other formats go through ``to_frame``."""
        if self.fmt in TEXT_ROW_FORMATS:
            self.append_encoded(encode_rows(self.table, rows, self.fmt), len(rows))
        else:
            self.append(_normalise().to_frame(self.table, rows))

    def append_encoded(self, text: str, n_rows: int) -> None:
        """Add ``n_rows`` rows already encoded by ``encode_rows`` for this table and format."""
        if not self._header_done and self.fmt == "csv":
            self.append(_normalise().to_frame(self.table, []))
        self._stream.write(text)  # type: ignore[union-attr]
        self.rows += n_rows

    def close(self) -> None:
        """Finish the temporary file (the target is untouched until ``commit``)."""
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
        if self._stream is not None:
            if self.fmt == "json":
                self._stream.write("\n]\n")
            self._stream.close()
            self._stream = None

    def commit(self) -> Path:
        """Move the finished file into place."""
        self.close()
        _finish(self.tmp, self.target)
        return self.target

    def abort(self) -> None:
        """Remove the temporary file."""
        try:
            self.close()
        finally:
            self.tmp.unlink(missing_ok=True)


def _format_from_suffix(path: Path) -> Format:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix  # type: ignore[return-value]
    raise QuotetrackError(
        f"{path}: cannot tell the output format from the extension",
        hint="use .csv, .jsonl, .json or .parquet, or pass --format",
    )


def check_out_folder(out_dir: Path) -> None:
    """A handled error when ``out_dir`` (a folder for many tables) is an existing file."""
    if out_dir.exists() and not out_dir.is_dir():
        raise QuotetrackError(
            f"--out {out_dir} is a file, not a folder",
            hint="give a folder for the tables (it is created if missing); -o FILE is for "
            "commands that write one table",
        )


def write_tables(
    tables: dict[str, pd.DataFrame], out_dir: Path, fmt: Format = "csv", bom: bool = False
) -> list[Path]:
    """Write every table as ``OUT_DIR/<name>.<fmt>``: all are written to temporary files first and
    renamed into place only when every one is complete, so a failure leaves the old set intact."""
    check_out_folder(out_dir)
    written: list[tuple[Path, Path]] = []
    try:
        for name, frame in tables.items():
            target = out_dir / f"{name}.{fmt}"
            written.append((_write_temporary(frame, target, fmt, bom), target))
    except BaseException:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, target in written:
        _finish(tmp, target)
    return [target for _, target in written]


def write_to_stdout(frame: pd.DataFrame, fmt: Format) -> None:
    """Write one table to standard output (csv, jsonl or json)."""
    write_frame(frame, sys.stdout, fmt)
    sys.stdout.flush()


@contextlib.contextmanager
def table_set(
    out_dir: Path, names: Iterable[str], fmt: Format, bom: bool = False
) -> Iterator[dict[str, TableWriter]]:
    """Writers for the tables ``names`` in ``out_dir``: all renamed into place together when the
    block ends, all removed (the old tables left as they were) when it raises."""
    check_out_folder(out_dir)
    writers = {name: TableWriter(out_dir / f"{name}.{fmt}", fmt, name, bom) for name in names}
    try:
        yield writers
        for writer in writers.values():
            writer.close()
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    for writer in writers.values():
        writer.commit()
