"""A temporary SQLite file for the comparison's per-row data, so that memory stays flat.

What the comparison must see of every document is kept here instead of in memory: every distinct
quote wording and the quotes of each (one row per quote), the word trigrams of the wordings and the
candidate pairs they propose (when there are too many to pair in memory), the copies of each claim
position (one row per claim that repeats a figure already seen), the syndication sketches (one row
per document and one per sketch value) and the article pairs found from them, and the anchor names
of the documents that have claims (for their document frequency and their stories). In memory
stay only caches of recently used rows and one entry per distinct claim position.

Rows are buffered and written in batches (``executemany``); the file is written without a
journal or fsync (it is scratch data, deleted when the comparison ends) and SQLite's page cache
is capped, so the database's memory is a few MB whatever its size.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import tempfile
from array import array
from collections.abc import Iterable, Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

from quotetrack.compare.syndication import FoundPair
from quotetrack.models import ArticlePair

BATCH_ROWS = 5000
CACHE_KIB = 8192  # SQLite page cache per connection

SCHEMA = """
CREATE TABLE quote_members (cluster INTEGER, doc_id TEXT, start INTEGER, "end" INTEGER,
                            quote_id TEXT, outlet TEXT, text TEXT, speaker TEXT, reported_by TEXT);
CREATE TABLE claim_copies (position INTEGER, seq INTEGER, claim_id TEXT, doc_id TEXT, outlet TEXT,
                           claimant TEXT, sentence TEXT, evidence TEXT);
CREATE TABLE digests (doc INTEGER PRIMARY KEY, doc_id TEXT, outlet TEXT, n_sentences INTEGER,
                      sketch BLOB);
CREATE TABLE sketch_values (value INTEGER, doc INTEGER);
CREATE TABLE anchors (doc_id TEXT PRIMARY KEY, names TEXT);
CREATE TABLE wordings (cid INTEGER PRIMARY KEY, joined TEXT UNIQUE, first_doc TEXT,
                       multi_doc INTEGER, form INTEGER, same_form INTEGER);
CREATE TABLE shingles (shingle INTEGER, cid INTEGER);
CREATE TABLE candidates (i INTEGER, j INTEGER);
CREATE TABLE anchor_names (name TEXT);
CREATE TABLE distinctive (name TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE match_groups (sort_key BLOB, number INTEGER, payload BLOB);
CREATE TABLE article_pairs (doc_a TEXT, doc_b TEXT, outlet_a TEXT, outlet_b TEXT, shared INTEGER,
                            containment REAL, syndicated INTEGER);
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
    "shingles": "INSERT INTO shingles VALUES (?, ?)",
    "candidates": "INSERT INTO candidates VALUES (?, ?)",
    "anchor_names": "INSERT INTO anchor_names VALUES (?)",
    "match_groups": "INSERT INTO match_groups VALUES (?, ?, ?)",
    "wordings": "INSERT INTO wordings VALUES (?, ?, ?, ?, ?, ?)",
    "article_pairs": "INSERT INTO article_pairs VALUES (?, ?, ?, ?, ?, ?, ?)",
}
WordingRow = tuple[
    int, str, str, int, int, int
]  # cid, joined, first_doc, multi_doc, form, same_form
READ_CHUNK = 5000  # rows read at a time when a whole table is walked
QUOTE_MEMBER_FIELDS = (
    "doc_id",
    "start",
    "end",
    "quote_id",
    "outlet",
    "text",
    "speaker",
    "reported_by",
)
CLAIM_COPY_FIELDS = ("claim_id", "doc_id", "outlet", "claimant", "sentence", "evidence")


class ClaimCopy:
    """One spilled claim, read back: the fields a row listing it needs (``row["doc_id"]``,
    ``row.get("outlet")``), in a fraction of a dict's memory."""

    __slots__ = CLAIM_COPY_FIELDS

    def __init__(self, *values: Any) -> None:
        for name, value in zip(CLAIM_COPY_FIELDS, values, strict=False):
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
        self.db.executescript(
            f"PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-{CACHE_KIB};"
            f"PRAGMA temp_store=FILE; {SCHEMA}"
        )
        self.pending: dict[str, list[tuple[Any, ...]]] = {name: [] for name in INSERTS}
        self.indexed = False

    def put(self, table: str, row: tuple[Any, ...]) -> None:
        """Queue one row for ``table`` (written with the next batch)."""
        pending = self.pending[table]
        pending.append(row)
        if len(pending) >= BATCH_ROWS:
            self._write(table)

    def put_many(self, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
        """Queue rows for ``table`` (written with the next batch)."""
        pending = self.pending[table]
        pending.extend(rows)
        if len(pending) >= BATCH_ROWS:
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

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        for table in INSERTS:
            if self.pending[table]:
                self._write(table)
        return self.db.execute(sql, params)

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of a query over a whole table, fetched a chunk at a time."""
        cursor = self._query(sql, params)
        while chunk := cursor.fetchmany(READ_CHUNK):
            yield from chunk

    def _postings(
        self, table: str, value: str, member: str, max_members: int
    ) -> Iterator[list[int]]:
        """For every ``value`` of ``table`` held by 2 to ``max_members`` members: those members, in
        order."""
        for (members,) in self._rows(
            f"SELECT group_concat({member}) FROM (SELECT {value}, {member} FROM {table} "
            f"ORDER BY {value}, {member}) GROUP BY {value} HAVING count(*) BETWEEN 2 AND ?",
            (max_members,),
        ):
            yield sorted(int(m) for m in members.split(","))

    # -- quote clusters --------------------------------------------------------------------------
    def add_quote_member(self, cluster: int, row: Any) -> None:
        """Remember one quote of cluster ``cluster`` (a row with the quotes table's columns)."""
        self.put("quote_members", (cluster, *(row.get(name) for name in QUOTE_MEMBER_FIELDS)))

    def quote_members(self, cluster: int) -> list[dict[str, Any]]:
        """The quotes of one cluster, ordered by document and offset."""
        rows = self._query(
            'SELECT doc_id, start, "end", quote_id, outlet, text, speaker, reported_by '
            "FROM quote_members WHERE cluster = ? ORDER BY doc_id, start",
            (cluster,),
        )
        shared: dict[
            str | None, str | None
        ] = {}  # copies repeat the text, outlet and speaker: one string each
        share = shared.setdefault
        return [
            dict(
                zip(
                    QUOTE_MEMBER_FIELDS,
                    (
                        doc_id,
                        start,
                        end,
                        quote_id,
                        share(outlet, outlet),
                        share(text, text),
                        share(speaker, speaker),
                        share(reported_by, reported_by),
                    ),
                    strict=True,
                )
            )
            for doc_id, start, end, quote_id, outlet, text, speaker, reported_by in rows
        ]

    # -- quote wordings, their trigrams and the candidate pairs ---------------------------------
    def add_wording(self, row: WordingRow) -> None:
        """Remember one new distinct wording (queued: every read of the wordings writes the queue
        first)."""
        self.put("wordings", row)

    def update_wording(self, cid: int, multi_doc: bool, same_form: bool) -> None:
        """Record that a wording's quotes are now in several documents or in several forms."""
        self._write("wordings")
        self.db.execute(
            "UPDATE wordings SET multi_doc = ?, same_form = ? WHERE cid = ?",
            (multi_doc, same_form, cid),
        )

    def wording(self, joined: str) -> WordingRow | None:
        """The wording row whose words are ``joined`` (None when new)."""
        self._write("wordings")
        return self.db.execute("SELECT * FROM wordings WHERE joined = ?", (joined,)).fetchone()

    def wording_by_id(self, cid: int) -> WordingRow:
        """The wording row of cluster ``cid``."""
        self._write("wordings")
        return self.db.execute("SELECT * FROM wordings WHERE cid = ?", (cid,)).fetchone()

    def wordings(self) -> Iterator[WordingRow]:
        """Every wording row in the order they were added, read a chunk at a time."""
        return self._rows("SELECT * FROM wordings ORDER BY cid")

    def start_matching(self) -> None:
        """Empty what a previous matching of these quotes left (trigrams, candidates, groups)."""
        for table in ("shingles", "candidates", "match_groups"):
            self.pending[table].clear()
            self.db.execute(f"DELETE FROM {table}")

    def add_shingles(self, cid: int, shingles: Iterable[int]) -> None:
        """Remember the word trigrams (their hashes) of cluster ``cid``."""
        self.put_many("shingles", ((shingle, cid) for shingle in shingles))

    def add_shingle_rows(self, rows: Iterable[tuple[int, int]]) -> None:
        """Remember (trigram hash, cluster) rows."""
        self.put_many("shingles", rows)

    def shingle_postings(self, max_clusters: int) -> Iterator[list[int]]:
        """For every trigram held by 2 to ``max_clusters`` clusters: those clusters, in order."""
        return self._postings("shingles", "shingle", "cid", max_clusters)

    def add_candidate_pairs(self, posting: list[int]) -> None:
        """Record one shared trigram for each pair ``i < j`` of the ascending clusters
        ``posting`` (counted when read: appending rows to a plain table is cheaper than updating
        a count in a keyed one)."""
        self.put_many("candidates", combinations(posting, 2))

    def candidates(self) -> Iterator[tuple[int, int, int]]:
        """Every candidate pair with the number of trigrams its clusters share, in order, read a
        chunk at a time."""
        return self._rows("SELECT i, j, count(*) FROM candidates GROUP BY i, j ORDER BY i, j")

    def add_match_group(self, sort_key: bytes, number: int, payload: bytes) -> None:
        """Keep one quote_matches row to be (a pickled group), until the table is sorted."""
        self.put("match_groups", (sort_key, number, payload))

    def match_groups(self) -> Iterator[Any]:
        """The kept groups in table order (by sort key, then number), unpickled a chunk at a
        time."""
        for (payload,) in self._rows("SELECT payload FROM match_groups ORDER BY sort_key, number"):
            yield pickle.loads(payload)

    # -- claim positions ----------------------------------------------------------------------
    def add_claim_copy(self, position: int, seq: int, row: dict[str, Any]) -> None:
        """Remember one claim that repeats position ``position``."""
        self.put("claim_copies", (position, seq, *(row.get(name) for name in CLAIM_COPY_FIELDS)))

    def claim_copies(self, position: int) -> Iterator[ClaimCopy]:
        """The copies of one claim position, in the order they were added (copies of one story
        share their sentence strings, as they did before they were spilled)."""
        rows = self._query(
            "SELECT claim_id, doc_id, outlet, claimant, sentence, evidence FROM claim_copies "
            "WHERE position = ? ORDER BY seq",
            (position,),
        ).fetchall()
        shared: dict[str, str] = {}
        return (
            ClaimCopy(*(shared.setdefault(v, v) if isinstance(v, str) else v for v in r))
            for r in rows
        )

    # -- syndication sketches ------------------------------------------------------------------
    def add_digest(
        self, doc: int, doc_id: str, outlet: str | None, n_sentences: int, sketch: array
    ) -> None:
        """Remember one document's sentence sketch."""
        self.put("digests", (doc, doc_id, outlet, n_sentences, sketch.tobytes()))
        self.put_many("sketch_values", ((value, doc) for value in sketch))

    def digest(self, doc: int) -> tuple[str, str | None, int, array]:
        """(doc_id, outlet, sentence count, sketch) of document number ``doc``."""
        doc_id, outlet, n, blob = next(
            iter(
                self._query(
                    "SELECT doc_id, outlet, n_sentences, sketch FROM digests WHERE doc = ?", (doc,)
                )
            )
        )
        sketch = array("L")
        sketch.frombytes(blob)
        return doc_id, outlet, n, sketch

    def postings(self, max_docs: int) -> Iterator[list[int]]:
        """For every sketch value held by 2 to ``max_docs`` documents: those documents, in order."""
        self.flush()
        return self._postings("sketch_values", "value", "doc", max_docs)

    # -- article pairs -------------------------------------------------------------------------
    def start_article_pairs(self) -> None:
        """Empty the article pairs a previous comparison found."""
        self.pending["article_pairs"].clear()
        self.db.execute("DELETE FROM article_pairs")

    def add_article_pair(self, pair: FoundPair) -> None:
        """Keep one article pair, in the order found (the table's order)."""
        self.put("article_pairs", pair)

    def article_pairs(self) -> Iterator[ArticlePair]:
        """The kept article pairs, in the order they were found, read a chunk at a time."""
        for *found, syndicated in self._rows("SELECT * FROM article_pairs ORDER BY rowid"):
            yield FoundPair._make((*found, bool(syndicated))).row()

    # -- anchors -------------------------------------------------------------------------------
    def add_anchors(self, doc_id: str, names: tuple[str, ...]) -> None:
        """Remember one document's anchor names (a document that has claims)."""
        self.put("anchors", (doc_id, "\t".join(names)))

    def count_anchor_names(self, names: tuple[str, ...]) -> None:
        """Count one document's (distinct) anchor names towards their document frequency."""
        self.put_many("anchor_names", ((name,) for name in names))

    def keep_distinctive(self, low: int, high: int) -> None:
        """Keep the anchor names held by ``low`` to ``high`` documents as the distinctive ones."""
        self._write("anchor_names")
        self.db.execute("DELETE FROM distinctive")
        self.db.execute(
            "INSERT INTO distinctive SELECT name FROM anchor_names GROUP BY name "
            "HAVING count(*) BETWEEN ? AND ?",
            (low, high),
        )

    def distinctive(self, names: tuple[str, ...]) -> frozenset[str]:
        """Those of ``names`` that ``keep_distinctive`` kept."""
        found: set[str] = set()
        for at in range(0, len(names), 500):  # under SQLite's limit of bound parameters
            part = names[at : at + 500]
            found.update(
                n
                for (n,) in self.db.execute(
                    f"SELECT name FROM distinctive WHERE name IN ({','.join('?' * len(part))})",
                    part,
                )
            )
        return frozenset(found)

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
