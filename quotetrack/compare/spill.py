"""A temporary SQLite file for the comparison's per-row data, so that memory stays flat.

What the comparison must see of every document is kept here instead of in memory: the members of
each quote cluster (one row per quote), the copies of each claim position (one row per claim that
repeats a figure already seen), the syndication sketches (one row per document and one per sketch
value) and the anchor names of the documents that have claims. In memory stay only the
per-*distinct* structures: one entry per distinct quote wording and per distinct claim position.

Rows are buffered and written in batches (``executemany``); the file is written without a
journal or fsync (it is scratch data, deleted when the comparison ends) and SQLite's page cache
is capped, so the database's memory is a few MB whatever its size.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BATCH_ROWS = 5000
CACHE_KIB = 8192  # SQLite page cache per connection

SCHEMA = """
CREATE TABLE quote_members (cluster INTEGER, doc_id TEXT, start INTEGER, "end" INTEGER, quote_id TEXT,
                            outlet TEXT, text TEXT, speaker TEXT, reported_by TEXT);
CREATE TABLE claim_copies (position INTEGER, seq INTEGER, claim_id TEXT, doc_id TEXT, outlet TEXT,
                           claimant TEXT, sentence TEXT, evidence TEXT);
CREATE TABLE digests (doc INTEGER PRIMARY KEY, doc_id TEXT, outlet TEXT, n_sentences INTEGER, sketch BLOB);
CREATE TABLE sketch_values (value INTEGER, doc INTEGER);
CREATE TABLE anchors (doc_id TEXT PRIMARY KEY, names TEXT);
"""
INDEXES = """
CREATE INDEX IF NOT EXISTS quote_members_cluster ON quote_members (cluster, doc_id, start);
CREATE INDEX IF NOT EXISTS claim_copies_position ON claim_copies (position, seq);
CREATE INDEX IF NOT EXISTS sketch_values_value ON sketch_values (value, doc);
"""
INSERTS = {
    "quote_members": "INSERT INTO quote_members VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "claim_copies": "INSERT INTO claim_copies VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "digests": "INSERT INTO digests VALUES (?, ?, ?, ?, ?)",
    "sketch_values": "INSERT INTO sketch_values VALUES (?, ?)",
    "anchors": "INSERT OR REPLACE INTO anchors VALUES (?, ?)",
}
QUOTE_MEMBER_FIELDS = ("doc_id", "start", "end", "quote_id", "outlet", "text", "speaker", "reported_by")
CLAIM_COPY_FIELDS = ("claim_id", "doc_id", "outlet", "claimant", "sentence", "evidence")


class ClaimCopy:
    """One spilled claim, read back: the fields a row listing it needs (``row["doc_id"]``,
    ``row.get("outlet")``), in a fraction of a dict's memory."""

    __slots__ = CLAIM_COPY_FIELDS

    def __init__(self, *values: Any) -> None:
        for name, value in zip(CLAIM_COPY_FIELDS, values):
            setattr(self, name, value)

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)

    def get(self, name: str, default: Any = None) -> Any:
        """The field ``name`` (like ``dict.get``; fields a copy does not keep are missing)."""
        value = getattr(self, name, None) if name in CLAIM_COPY_FIELDS else None
        return default if value is None else value


class SpillStore:
    """The scratch database of one comparison (created in ``directory``, default: the system's
    temporary directory; removed by ``close``)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        fd, name = tempfile.mkstemp(prefix="quotetrack-compare-", suffix=".sqlite", dir=directory)
        os.close(fd)
        self.path = Path(name)
        self.db = sqlite3.connect(name)
        self.db.executescript(f"PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-{CACHE_KIB};"
                              f"PRAGMA temp_store=FILE; {SCHEMA}")
        self.pending: dict[str, list[tuple[Any, ...]]] = {name: [] for name in INSERTS}
        self.indexed = False

    def put(self, table: str, row: tuple[Any, ...]) -> None:
        """Queue one row for ``table`` (written with the next batch)."""
        rows = self.pending[table]
        rows.append(row)
        if len(rows) >= BATCH_ROWS:
            self._write(table)

    def _write(self, table: str) -> None:
        rows = self.pending[table]
        if rows:
            self.db.executemany(INSERTS[table], rows)
            rows.clear()

    def flush(self) -> None:
        """Write every queued row and build the read indexes (once the input is complete)."""
        for table in INSERTS:
            self._write(table)
        if not self.indexed:
            self.db.executescript(INDEXES)
            self.indexed = True

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
        for table in INSERTS:
            if self.pending[table]:
                self._write(table)
        return self.db.execute(sql, params)

    # -- quote clusters --------------------------------------------------------------------------
    def add_quote_member(self, cluster: int, row: Any) -> None:
        """Remember one quote of cluster ``cluster`` (a row with the quotes table's columns)."""
        self.put("quote_members", (cluster, *(row.get(name) for name in QUOTE_MEMBER_FIELDS)))

    def quote_members(self, cluster: int) -> list[dict[str, Any]]:
        """The quotes of one cluster, ordered by document and offset."""
        rows = self._query('SELECT doc_id, start, "end", quote_id, outlet, text, speaker, reported_by '
                           "FROM quote_members WHERE cluster = ? ORDER BY doc_id, start", (cluster,))
        shared: dict[str, str] = {}  # copies repeat the text, outlet and speaker: one string each
        return [dict(zip(QUOTE_MEMBER_FIELDS, (shared.setdefault(v, v) if isinstance(v, str) else v for v in r)))
                for r in rows]

    # -- claim positions ----------------------------------------------------------------------
    def add_claim_copy(self, position: int, seq: int, row: dict[str, Any]) -> None:
        """Remember one claim that repeats position ``position``."""
        self.put("claim_copies", (position, seq, *(row.get(name) for name in CLAIM_COPY_FIELDS)))

    def claim_copies(self, position: int) -> Iterator["ClaimCopy"]:
        """The copies of one claim position, in the order they were added (copies of one story
        share their sentence strings, as they did before they were spilled)."""
        rows = self._query("SELECT claim_id, doc_id, outlet, claimant, sentence, evidence FROM claim_copies "
                           "WHERE position = ? ORDER BY seq", (position,)).fetchall()
        shared: dict[str, str] = {}
        return (ClaimCopy(*(shared.setdefault(v, v) if isinstance(v, str) else v for v in r)) for r in rows)

    # -- syndication sketches ------------------------------------------------------------------
    def add_digest(self, doc: int, doc_id: str, outlet: str | None, n_sentences: int, sketch: array) -> None:
        """Remember one document's sentence sketch."""
        self.put("digests", (doc, doc_id, outlet, n_sentences, sketch.tobytes()))
        for value in sketch:
            self.put("sketch_values", (value, doc))

    def digest(self, doc: int) -> tuple[str, str | None, int, array]:
        """(doc_id, outlet, sentence count, sketch) of document number ``doc``."""
        doc_id, outlet, n, blob = next(iter(self._query(
            "SELECT doc_id, outlet, n_sentences, sketch FROM digests WHERE doc = ?", (doc,))))
        sketch = array("L")
        sketch.frombytes(blob)
        return doc_id, outlet, n, sketch

    def postings(self, max_docs: int) -> Iterator[list[int]]:
        """For every sketch value held by 2 to ``max_docs`` documents: those documents, in order."""
        self.flush()
        rows = self.db.execute("SELECT group_concat(doc) FROM (SELECT value, doc FROM sketch_values ORDER BY value, doc) "
                               "GROUP BY value HAVING count(*) BETWEEN 2 AND ?", (max_docs,))
        for (docs,) in rows:
            yield sorted(int(d) for d in docs.split(","))

    # -- anchors -------------------------------------------------------------------------------
    def add_anchors(self, doc_id: str, names: tuple[str, ...]) -> None:
        """Remember one document's anchor names."""
        self.put("anchors", (doc_id, "\t".join(names)))

    def anchors(self, doc_id: str) -> tuple[str, ...]:
        """The anchor names of ``doc_id`` (empty when none were kept)."""
        row = next(iter(self._query("SELECT names FROM anchors WHERE doc_id = ?", (doc_id,))), None)
        return tuple(row[0].split("\t")) if row and row[0] else ()

    def close(self) -> None:
        """Close and delete the scratch file."""
        try:
            self.db.close()
        finally:
            self.path.unlink(missing_ok=True)
