"""The tracker's store: one SQLite file that grows batch by batch as a story develops.

``Store(path)`` opens (or creates) the file, runs the schema migrations (``PRAGMA user_version``)
and keeps WAL mode and foreign keys on. ``Store.add(items, extractor)`` takes ingested articles,
skips those already stored (same ``sha1``), replaces those whose text changed (same ``doc_id``
and source, new ``sha1``), extracts the rest, and then recomputes the comparison over the whole
store, all in one transaction, so a batch is either stored whole or not at all.

The tables are plain: one per row model of ``quotetrack.models`` (same column names, lists and
dicts as JSON text, booleans as 0/1) with primary keys, foreign keys and indexes, plus a few
store-only tables (``batches``, link tables from list columns to rows, ``toll_changes``), so the
file opens as-is in Datasette or any SQLite client. ``Store.tables()`` gives the same pandas
tables as ``quotetrack.run``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

from quotetrack.compare import (
    COMPARISON_ISSUE_CODES,
    CompareBudget,
    CompareOptions,
    Comparison,
    compare,
)
from quotetrack.errors import QuotetrackError
from quotetrack.models import Article, Issue
from quotetrack.pipeline.extractor import DocumentResult, Extractor
from quotetrack.pipeline.options import (
    RunOptions,
    compare_changes,
    compare_options_from_json,
    compare_options_json,
)
from quotetrack.pipeline.parallel import default_jobs, iter_results
from quotetrack.tables.normalise import TABLES, columns, to_frame

SCHEMA_VERSION = 4
#: the tables that ``compare`` rebuilds after every batch (children before parents).
DERIVED = (
    "outlets",
    "incidents",
    "toll_changes",
    "quote_match_quotes",
    "event_group_claims",
    "disagreement_claims",
    "disagreements",
    "event_groups",
    "quote_matches",
    "article_pairs",
)
#: kinds of disagreement that are changes over time rather than conflicts.
CHANGE_KINDS = ("update", "revision_down")
#: store-only primary keys of tables whose rows have no natural id.
SURROGATE = {"article_pairs": "pair_id", "issues": "issue_id"}
NATURAL = {
    "articles": "doc_id",
    "quotes": "quote_id",
    "claims": "claim_id",
    "quote_matches": "match_id",
    "event_groups": "group_id",
    "disagreements": "disagreement_id",
    "incidents": "group_id",
}
PARENTS = {
    "quotes": "doc_id REFERENCES articles(doc_id) ON DELETE CASCADE",
    "claims": "doc_id REFERENCES articles(doc_id) ON DELETE CASCADE",
    "disagreements": "group_id REFERENCES event_groups(group_id) ON DELETE CASCADE",
}
SQL_TYPE = {
    "Int64": "INTEGER",
    "boolean": "INTEGER",
    "Float64": "REAL",
    "string": "TEXT",
    "object": "TEXT",
}


#: seconds a command waits for another program's lock on the store before giving up.
BUSY_TIMEOUT_S = 60.0  # the other add may be recomparing a large store under its lock


def busy_or_raise(path: Path, exc: sqlite3.OperationalError) -> Exception:
    """A locked or busy store as a handled ``busy, try again`` error; other errors unchanged."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return QuotetrackError(
            f"{path}: the store is busy (another add or program holds its lock; {exc})",
            hint="try again when it has finished",
        )
    return exc


# -- schema ------------------------------------------------------------------------------------
def _column_sql(table: str, name: str, dtype: str) -> str:
    sql = f'"{name}" {SQL_TYPE[dtype]}'
    if NATURAL.get(table) == name:
        sql += " PRIMARY KEY"
    elif table in PARENTS and PARENTS[table].startswith(name + " "):
        sql = f'"{name}" {SQL_TYPE[dtype]} {PARENTS[table].split(" ", 1)[1]}'
    return sql


def _table_sql(table: str) -> str:
    cols = [_column_sql(table, name, dtype) for name, dtype in columns(table).items()]
    if table in SURROGATE:
        cols.insert(0, f"{SURROGATE[table]} INTEGER PRIMARY KEY")
    return f"CREATE TABLE {table} (\n  " + ",\n  ".join(cols) + "\n)"


def _v1_initial(con: sqlite3.Connection) -> None:
    """Schema 1: one table per row model, keyed, with the article foreign keys."""
    for table in TABLES:
        con.execute(_table_sql(table))
    con.execute("CREATE INDEX articles_sha1 ON articles(sha1)")
    con.execute("CREATE INDEX quotes_doc ON quotes(doc_id)")
    con.execute("CREATE INDEX claims_doc ON claims(doc_id)")


#: schema 2's new tables, columns and indexes (one statement per ";").
_V2_SQL = """
    CREATE TABLE batches (
      batch_id INTEGER PRIMARY KEY, added_at TEXT NOT NULL, inputs TEXT NOT NULL DEFAULT '[]',
      new INTEGER NOT NULL DEFAULT 0, replaced INTEGER NOT NULL DEFAULT 0,
      unchanged INTEGER NOT NULL DEFAULT 0, duplicates INTEGER NOT NULL DEFAULT 0,
      failed INTEGER NOT NULL DEFAULT 0, options TEXT, seconds REAL, note TEXT);
    ALTER TABLE articles ADD COLUMN batch_id INTEGER REFERENCES batches(batch_id);
    ALTER TABLE articles ADD COLUMN seq INTEGER;
    ALTER TABLE issues ADD COLUMN batch_id INTEGER REFERENCES batches(batch_id);
    CREATE TABLE event_group_claims (
      group_id TEXT NOT NULL REFERENCES event_groups(group_id) ON DELETE CASCADE,
      claim_id TEXT NOT NULL REFERENCES claims(claim_id) ON DELETE CASCADE,
      PRIMARY KEY (group_id, claim_id));
    CREATE TABLE disagreement_claims (
      disagreement_id TEXT NOT NULL REFERENCES disagreements(disagreement_id) ON DELETE CASCADE,
      claim_id TEXT NOT NULL REFERENCES claims(claim_id) ON DELETE CASCADE,
      position INTEGER NOT NULL, PRIMARY KEY (disagreement_id, position));
    CREATE TABLE quote_match_quotes (
      match_id TEXT NOT NULL REFERENCES quote_matches(match_id) ON DELETE CASCADE,
      quote_id TEXT NOT NULL REFERENCES quotes(quote_id) ON DELETE CASCADE,
      PRIMARY KEY (match_id, quote_id));
    CREATE TABLE toll_changes (
      change_id INTEGER PRIMARY KEY, kind TEXT NOT NULL,
      group_id TEXT REFERENCES event_groups(group_id) ON DELETE CASCADE,
      disagreement_id TEXT REFERENCES disagreements(disagreement_id) ON DELETE CASCADE,
      category TEXT, claimant TEXT,
      from_claim_id TEXT NOT NULL REFERENCES claims(claim_id) ON DELETE CASCADE,
      to_claim_id TEXT NOT NULL REFERENCES claims(claim_id) ON DELETE CASCADE,
      from_interval TEXT, to_interval TEXT, from_best INTEGER, to_best INTEGER,
      from_date TEXT, to_date TEXT, from_doc_id TEXT, to_doc_id TEXT,
      from_outlet TEXT, to_outlet TEXT,
      first_batch_id INTEGER REFERENCES batches(batch_id), explanation TEXT);
    CREATE INDEX articles_batch ON articles(batch_id);
    CREATE INDEX articles_seq ON articles(seq);
    CREATE INDEX issues_doc ON issues(doc_id);
    CREATE INDEX claims_claimant ON claims(category, claimant);
    CREATE INDEX quotes_speaker ON quotes(speaker);
    CREATE INDEX disagreements_group ON disagreements(group_id);
    CREATE INDEX disagreement_claims_claim ON disagreement_claims(claim_id);
    CREATE INDEX event_group_claims_claim ON event_group_claims(claim_id);
    CREATE INDEX toll_changes_group ON toll_changes(group_id, claimant);
"""


def _v2_tracker(con: sqlite3.Connection) -> None:
    """Schema 2: batches, insertion order, link tables for list columns, the toll time series."""
    for statement in _V2_SQL.split(";"):
        if statement.strip():
            con.execute(statement)
    stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    if stored:
        cur = con.execute(
            "INSERT INTO batches (added_at, new, note) VALUES (?, ?, ?)",
            (_now(), stored, "articles stored under schema 1"),
        )
        con.execute("UPDATE articles SET batch_id = ?, seq = rowid", (cur.lastrowid,))
        con.execute("UPDATE issues SET batch_id = ?", (cur.lastrowid,))


def _v3_incidents(con: sqlite3.Connection) -> None:
    """Schema 3: the incidents table (filled by the next comparison)."""
    if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'incidents'").fetchone():
        con.execute(_table_sql("incidents"))


#: schema 4: the options the store remembers, the outlets table, views for Datasette.
_V4_SQL = """
    CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO settings (name, value)
      SELECT 'compare_options', options FROM batches WHERE options IS NOT NULL
      ORDER BY batch_id DESC LIMIT 1;
    CREATE TABLE outlets (
      outlet TEXT PRIMARY KEY NOT NULL, articles INTEGER NOT NULL, quotes INTEGER NOT NULL,
      claims INTEGER NOT NULL, disagreements INTEGER NOT NULL,
      first_published TEXT, last_published TEXT);
    CREATE VIEW disagreement_claims_articles AS
      SELECT d.disagreement_id, d.kind, d.severity, d.needs_review, d.group_id, d.incident_id,
        d.explanation, dc.position, c.claim_id, c.claimant, c.category, c.count_text, c.low,
        c.high, c.best, c.sentence, a.doc_id, a.outlet, a.published, a.title, a.url
      FROM disagreements d
      JOIN disagreement_claims dc ON dc.disagreement_id = d.disagreement_id
      JOIN claims c ON c.claim_id = dc.claim_id
      JOIN articles a ON a.doc_id = c.doc_id;
    CREATE VIEW quote_articles AS
      SELECT q.quote_id, q.kind, q.speaker, q.text, q.sentence, q.start, q."end", a.doc_id,
        a.outlet, a.published, a.title, a.url
      FROM quotes q JOIN articles a ON a.doc_id = q.doc_id
"""

#: the rows of the ``outlets`` table: counts per outlet named in the articles' metadata.
FILL_OUTLETS = """
    INSERT INTO outlets
      SELECT a.outlet AS outlet, count(*) AS articles,
        (SELECT count(*) FROM quotes q JOIN articles b ON b.doc_id = q.doc_id
         WHERE b.outlet = a.outlet) AS quotes,
        (SELECT count(*) FROM claims c JOIN articles b ON b.doc_id = c.doc_id
         WHERE b.outlet = a.outlet) AS claims,
        (SELECT count(DISTINCT dc.disagreement_id) FROM disagreement_claims dc
         JOIN claims c ON c.claim_id = dc.claim_id JOIN articles b ON b.doc_id = c.doc_id
         WHERE b.outlet = a.outlet) AS disagreements,
        min(a.published) AS first_published, max(a.published) AS last_published
      FROM articles a WHERE a.outlet IS NOT NULL GROUP BY a.outlet
"""


def _v4_datasette(con: sqlite3.Connection) -> None:
    """Schema 4: remembered options (``settings``), the ``outlets`` table and the views that join
    disagreements to their claims and articles, and quotes to their articles."""
    for statement in _V4_SQL.split(";"):
        if statement.strip():
            con.execute(statement)
    con.execute(FILL_OUTLETS)


#: migration that brings the schema from version n-1 to n, in order.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _v1_initial,
    _v2_tracker,
    _v3_incidents,
    _v4_datasette,
)

#: the full-text indexes of ``add --fts``: index -> (table, indexed columns).
FTS_INDEXES = {
    "quotes_fts": ("quotes", ("text", "speaker", "sentence")),
    "claims_fts": ("claims", ("sentence", "claimant", "count_text")),
}
#: what the store-only tables and views hold (for Datasette's metadata).
STORE_DESCRIPTIONS = {
    "outlets": "One row per outlet named in the articles' metadata: its articles, quotes, "
    "claims and the disagreements its claims take part in, and its first and last published "
    "dates.",
    "disagreement_claims_articles": "One row per claim of each disagreement, with the claim's "
    "figure and sentence and the article (outlet, date, title, URL) it comes from.",
    "quote_articles": "Every quote with its speaker and the article (outlet, date, title, URL) "
    "it comes from.",
    "quotes_fts": "Full-text index of the quotes (text, speaker, sentence); made by add --fts.",
    "claims_fts": "Full-text index of the claims (sentence, claimant, figure); made by add --fts.",
    "settings": "What the store remembers: the comparison options last used, full-text search.",
}


def _reconcile(con: sqlite3.Connection) -> list[str]:
    """Add a column for every row-model field the stored tables lack (new nullable fields)."""
    added = []
    for table in TABLES:
        have = {row[1] for row in con.execute(f"PRAGMA table_info({table})")}
        for name, dtype in columns(table).items():
            if name not in have:
                con.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {SQL_TYPE[dtype]}')
                added.append(f"{table}.{name}")
    return added


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


# -- values ------------------------------------------------------------------------------------
def _to_sql(value: Any, dtype: str) -> Any:
    if value is None or value is pd.NA:
        return None
    if dtype == "object":
        return json.dumps(value, ensure_ascii=False)
    if dtype == "boolean":
        return int(bool(value))
    return value


def _from_sql(value: Any, dtype: str) -> Any:
    if value is None:
        return None
    if dtype == "object":
        return json.loads(value)
    if dtype == "boolean":
        return bool(value)
    return value


def _row_values(table: str, row: BaseModel | dict[str, Any]) -> list[Any]:
    data = row.model_dump() if isinstance(row, BaseModel) else row
    return [_to_sql(data.get(name), dtype) for name, dtype in columns(table).items()]


def _same_source(a: str | None, b: str | None) -> bool:
    if not a or not b or a == b:
        return a == b
    if "-" in (a, b):
        return False
    return os.path.abspath(a) == os.path.abspath(b)


# -- batches -----------------------------------------------------------------------------------
@dataclass
class Plan:
    """What a batch does with each incoming article."""

    new: list[Article] = field(default_factory=list)
    replaced: list[Article] = field(default_factory=list)
    unchanged: list[Article] = field(default_factory=list)
    duplicates: list[tuple[Article, str]] = field(default_factory=list)  # (article, stored doc_id)
    renamed: list[tuple[Article, str]] = field(
        default_factory=list
    )  # (article as stored, original doc_id)

    @property
    def to_extract(self) -> list[Article]:
        """The articles whose rows must be (re)computed."""
        return self.new + self.replaced


@dataclass
class BatchReport:
    """What one ``add`` changed, for the CLI's messages and the tests."""

    batch_id: int | None
    new: list[str]
    replaced: list[str]
    unchanged: list[str]
    duplicates: list[tuple[str, str]]
    renamed: list[tuple[str, str]]
    failed: int
    issues: list[Issue]
    stored: int = 0  # new or replaced articles actually stored (not failed)
    seconds: float = 0.0
    option_changes: list[str] = field(default_factory=list)  # "--tolerance 1.5 -> 2"

    @property
    def changed(self) -> bool:
        """True when the batch stored anything."""
        return self.batch_id is not None

    def messages(self) -> list[str]:
        """One line per replaced, duplicate or renamed article."""
        lines = [
            f"replaced: {d} (its text changed; old quotes and claims removed)"
            for d in self.replaced
        ]
        lines += [
            f"skipped: {d} has the same text as stored article {s}" for d, s in self.duplicates
        ]
        lines += [
            f"renamed: {o} -> {d} (a different article with this doc_id is stored)"
            for d, o in self.renamed
        ]
        if self.option_changes:
            lines.append(options_changed(self.option_changes))
        return lines


def options_changed(changes: list[str]) -> str:
    """The message for a command that changes the comparison options a store remembers."""
    return (
        f"comparison options changed: {', '.join(changes)} "
        "(the store remembers them for the next add and recompare)"
    )


class Store:
    """One SQLite file holding every article added so far and the comparison over all of them."""

    def __init__(
        self, path: str | Path, create: bool = True, busy_timeout_s: float | None = None
    ) -> None:
        self.path = Path(path)
        busy_timeout_s = BUSY_TIMEOUT_S if busy_timeout_s is None else busy_timeout_s
        if not create and not self.path.is_file():
            raise QuotetrackError(
                f"{self.path}: no such store",
                hint="create it with: quotetrack add INPUT... --db FILE",
            )
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = sqlite3.connect(self.path, isolation_level=None, timeout=busy_timeout_s)
            self._check_schema_version()  # before anything is written (a foreign file is left)
            self.con.execute("PRAGMA foreign_keys = ON")
            self._use_wal(busy_timeout_s)
            self.migrated = self._migrate()
        except sqlite3.OperationalError as exc:
            raise busy_or_raise(self.path, exc) from None
        except sqlite3.DatabaseError as exc:
            raise QuotetrackError(
                f"{self.path}: not a quotetrack store ({exc})",
                hint="give a file made by quotetrack add, or a new file name",
            ) from None

    # -- lifecycle -----------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection (the file stays consistent: every batch was one transaction)."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def version(self) -> int:
        """The schema version stored in ``PRAGMA user_version``."""
        return int(self.con.execute("PRAGMA user_version").fetchone()[0])

    def _use_wal(self, timeout_s: float) -> None:
        """Switch the file to WAL mode (once per file). The switch needs the file to itself, and
        SQLite answers "locked" at once rather than waiting while another add opens it: retry
        until the busy timeout."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if self.con.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    self.con.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _check_schema_version(self) -> None:
        """Reject, before writing to it, a newer store or an SQLite file quotetrack did not make."""
        # one statement, one snapshot: another add may be creating the schema right now
        version, n_objects = self.con.execute(
            "SELECT (SELECT user_version FROM pragma_user_version), "
            "(SELECT count(*) FROM sqlite_master)"
        ).fetchone()
        if version > SCHEMA_VERSION:
            raise QuotetrackError(
                f"{self.path}: schema version {version} is newer than this quotetrack "
                f"({SCHEMA_VERSION})",
                hint="upgrade quotetrack",
            )
        if version == 0 and n_objects:
            raise QuotetrackError(
                f"{self.path}: an SQLite file that is not a quotetrack store",
                hint="give a new file name",
            )

    def _migrate(self) -> list[int]:
        """Run the migrations the file lacks, each in its own transaction; return the versions
        applied."""
        applied = []
        version = self.version
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self._transaction():
                if self.version >= target:  # another process migrated it meanwhile
                    continue
                MIGRATIONS[target - 1](self.con)
                self.con.execute(f"PRAGMA user_version = {target}")
            applied.append(target)
        with self._transaction():
            _reconcile(self.con)
        return applied

    def _transaction(self) -> _Tx:
        return _Tx(self.con, self.path)

    # -- planning ------------------------------------------------------------------------------
    def plan(self, articles: Iterable[Article]) -> Plan:
        """Sort incoming articles into new, replaced, unchanged, duplicate (same text, other
        doc_id)."""
        stored = {
            row[0]: (row[1], row[2])
            for row in self.con.execute("SELECT doc_id, sha1, source FROM articles")
        }
        by_sha = {sha: doc for doc, (sha, _) in stored.items()}
        plan = Plan()
        taken = set(stored)
        next_suffix: dict[str, int] = {}  # renamed doc_id -> next ~n to try (O(1) per copy)
        for article in articles:
            if article.sha1 in by_sha:
                target = by_sha[article.sha1]
                if target == article.doc_id:
                    plan.unchanged.append(article)
                else:
                    plan.duplicates.append((article, target))
                continue
            if article.doc_id in stored:
                if _same_source(stored[article.doc_id][1], article.source):
                    plan.replaced.append(article)
                    by_sha[article.sha1] = article.doc_id
                    continue
                original = article.doc_id
                n = next_suffix.get(original, 2)
                while f"{original}~{n}" in taken:
                    n += 1
                next_suffix[original] = n + 1
                article = article.model_copy(update={"doc_id": f"{original}~{n}"})
                plan.renamed.append((article, original))
            taken.add(article.doc_id)
            by_sha[article.sha1] = article.doc_id
            plan.new.append(article)
        return plan

    # -- adding --------------------------------------------------------------------------------
    def add(
        self,
        items: Iterable[Article | Issue],
        extractor: Extractor | None = None,
        options: RunOptions | CompareOptions | None = None,
        inputs: Iterable[str] = (),
        debug: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> BatchReport:
        """Store one batch of ingested items: plan, extract what is new or changed, recompare,
        commit.

        ``options`` are the comparison's: a ``RunOptions`` (its comparison knobs that are None
        keep the values the store remembers from the last add or recompare), a full
        ``CompareOptions``, or None (the remembered options). The options used are remembered;
        ``BatchReport.option_changes`` says what changed.

        Extraction runs without a lock; the write transaction (``BEGIN IMMEDIATE``, waiting up to
        the busy timeout for another writer) plans again, so what another ``add`` stored
        meanwhile is skipped (or renamed) rather than stored twice.
        ``progress(done, total)`` is called after each extracted article. With a ``RunOptions``
        of ``jobs`` > 1 (0: one per core) the articles are extracted in that many worker
        processes, with the same results as in one; its ``compare_budget`` bounds the comparison.
        """
        started = time.perf_counter()
        extractor = extractor or Extractor()
        debug = debug or (isinstance(options, RunOptions) and options.debug)
        items = list(items)
        articles = [i for i in items if isinstance(i, Article)]
        jobs = options.jobs if isinstance(options, RunOptions) else 1
        done: dict[tuple[str, str], DocumentResult] = {}
        planned = self.plan(articles).to_extract
        extracted = iter_results(planned, extractor, jobs or default_jobs(), debug)
        for n, (article, result) in enumerate(zip(planned, extracted, strict=True), start=1):
            assert isinstance(result, DocumentResult)  # only articles were given
            done[article.doc_id, article.sha1] = result
            if progress is not None:
                progress(n, len(planned))
        with self._transaction():
            plan = self.plan(articles)  # again, under the write lock
            results = [
                done.get((a.doc_id, a.sha1)) or extractor.process_safely(a, debug=debug)
                for a in plan.to_extract
            ]
            skip = {a.doc_id for a in plan.unchanged} | {a.doc_id for a, _ in plan.duplicates}
            input_issues = [i for i in items if isinstance(i, Issue) and i.doc_id not in skip]
            return self._commit_locked(
                results, input_issues, plan, extractor, options, list(inputs), started
            )

    def commit(
        self,
        results: list[DocumentResult],
        input_issues: list[Issue],
        plan: Plan | None = None,
        extractor: Extractor | None = None,
        options: RunOptions | CompareOptions | None = None,
        inputs: list[str] | None = None,
        started: float | None = None,
    ) -> BatchReport:
        """Write extraction results as one batch and recompute the comparison (one transaction)."""
        with self._transaction():
            return self._commit_locked(
                results, input_issues, plan, extractor, options, inputs, started
            )

    def _commit_locked(
        self,
        results: list[DocumentResult],
        input_issues: list[Issue],
        plan: Plan | None,
        extractor: Extractor | None,
        options: RunOptions | CompareOptions | None,
        inputs: list[str] | None,
        started: float | None,
    ) -> BatchReport:
        """``commit``'s work, inside the caller's write transaction."""
        started = time.perf_counter() if started is None else started
        plan = plan or self.plan(r.article for r in results)
        wanted = {a.doc_id for a in plan.to_extract}
        results = [r for r in results if r.article.doc_id in wanted]
        replaced = {a.doc_id for a in plan.replaced}
        failed = {i.doc_id for r in results for i in r.issues if i.fatal}
        issues = [
            i
            for i in input_issues + [i for r in results for i in r.issues]
            if not self._has_issue(i)
        ]
        report = BatchReport(
            None,
            [a.doc_id for a in plan.new],
            sorted(replaced),
            [a.doc_id for a in plan.unchanged],
            [(a.doc_id, s) for a, s in plan.duplicates],
            [(a.doc_id, o) for a, o in plan.renamed],
            len(failed) + sum(1 for i in input_issues if i.fatal),
            issues,
        )
        compare_options, report.option_changes = self.resolve_options(options)
        budget = options.compare_budget() if isinstance(options, RunOptions) else None
        extractor = extractor or Extractor()
        if not results and not issues:
            if report.option_changes:  # nothing new, but the comparison changes: redo it
                comparison = self._recompare_locked(extractor, compare_options, budget)
                report.issues += comparison.issues
            report.seconds = time.perf_counter() - started
            return report
        batch_id = self.con.execute(
            "INSERT INTO batches (added_at, inputs, new, replaced, unchanged, duplicates, "
            "failed, options) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                _now(),
                json.dumps(inputs or []),
                len(plan.new),
                len(replaced),
                len(plan.unchanged),
                len(plan.duplicates),
                report.failed,
                compare_options_json(compare_options),
            ),
        ).lastrowid
        previous = self._first_batches()
        self._clear_derived()
        for doc_id in replaced:
            self.con.execute("DELETE FROM issues WHERE doc_id = ?", (doc_id,))
        seqs = {doc: seq for doc, seq in self.con.execute("SELECT doc_id, seq FROM articles")}
        self.con.executemany("DELETE FROM articles WHERE doc_id = ?", [(d,) for d in replaced])
        next_seq = max(seqs.values(), default=0) + 1
        for result in results:
            article = result.article
            if article.doc_id in failed:
                continue
            seq = seqs.get(article.doc_id)
            if seq is None:
                seq, next_seq = next_seq, next_seq + 1
            self._insert("articles", [article], batch_id=batch_id, seq=seq)
            report.stored += 1
            self._insert("quotes", result.quotes)
            self._insert("claims", result.claims)
        self._insert("issues", issues, batch_id=batch_id)
        comparison = self._recompare(extractor, compare_options, budget)
        self._store_comparison(comparison, batch_id, previous)
        report.issues += comparison.issues
        self._remember(compare_options)
        report.batch_id = batch_id
        report.seconds = time.perf_counter() - started
        self.con.execute(
            "UPDATE batches SET seconds = ? WHERE batch_id = ?", (report.seconds, batch_id)
        )
        return report

    def recompare(
        self,
        extractor: Extractor | None = None,
        options: RunOptions | CompareOptions | None = None,
    ) -> Comparison:
        """Recompute the comparison over the whole store (e.g. with other tolerances), store it
        and remember its options (``options`` as in ``add``; ``resolve_options`` tells what
        they change). ``Comparison.issues`` lists the incidents capped or not compared in time
        (kept in the issues table until the next comparison)."""
        budget = options.compare_budget() if isinstance(options, RunOptions) else None
        with self._transaction():
            resolved, _changes = self.resolve_options(options)
            return self._recompare_locked(extractor or Extractor(), resolved, budget)

    def _recompare_locked(
        self, extractor: Extractor, options: CompareOptions, budget: CompareBudget | None = None
    ) -> Comparison:
        previous = self._first_batches()
        self._clear_derived()
        comparison = self._recompare(extractor, options, budget)
        last = self.con.execute("SELECT max(batch_id) FROM batches").fetchone()[0]
        self._store_comparison(comparison, last, previous)
        self._remember(options)
        return comparison

    # -- settings ------------------------------------------------------------------------------
    def setting(self, name: str) -> str | None:
        """The value the store remembers under ``name`` (None when unset)."""
        row = self.con.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def _set(self, name: str, value: str) -> None:
        self.con.execute(
            "INSERT INTO settings (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    def compare_options(self) -> CompareOptions | None:
        """The comparison options of the last add or recompare (None for a new store)."""
        return compare_options_from_json(self.setting("compare_options"))

    def resolve_options(
        self, options: RunOptions | CompareOptions | None
    ) -> tuple[CompareOptions, list[str]]:
        """The comparison options a command would use, and what they change (``--tolerance 1.5
        -> 2``) from those the store remembers (or the defaults, for a new store)."""
        remembered = self.compare_options()
        if isinstance(options, RunOptions):
            resolved = options.comparison(remembered)
        else:
            resolved = options or remembered or CompareOptions()
        return resolved, compare_changes(remembered or CompareOptions(), resolved)

    def _remember(self, options: CompareOptions) -> None:
        self._set("compare_options", compare_options_json(options))
        self.con.execute(FILL_OUTLETS)
        if self.setting("fts"):
            self._rebuild_fts()

    # -- full-text search ----------------------------------------------------------------------
    @property
    def has_fts(self) -> bool:
        """Whether the store keeps full-text indexes of its quotes and claims (``add --fts``)."""
        return self.setting("fts") is not None

    def enable_fts(self) -> bool:
        """Make the full-text indexes (SQLite FTS5, found by Datasette's search box) and keep them
        up to date from now on; False when they were already there."""
        with self._transaction():
            if self.has_fts:
                return False
            for index, (table, cols) in FTS_INDEXES.items():
                names = ", ".join(f'"{c}"' for c in cols)
                self.con.execute(
                    f'CREATE VIRTUAL TABLE {index} USING fts5({names}, content="{table}")'
                )
            self._set("fts", "fts5")
            self._rebuild_fts()
        return True

    def _rebuild_fts(self) -> None:
        for index in FTS_INDEXES:
            self.con.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")

    def _has_issue(self, issue: Issue) -> bool:
        values = _row_values("issues", issue)
        where = " AND ".join(f'"{c}" IS ?' for c in columns("issues"))
        return (
            self.con.execute(f"SELECT 1 FROM issues WHERE {where} LIMIT 1", values).fetchone()
            is not None
        )

    def _insert(self, table: str, rows: Iterable[BaseModel], **extra: Any) -> None:
        cols = list(columns(table)) + list(extra)
        sql = (
            f"INSERT INTO {table} ({', '.join(chr(34) + c + chr(34) for c in cols)}) "
            f"VALUES ({', '.join('?' * len(cols))})"
        )
        self.con.executemany(sql, [_row_values(table, r) + list(extra.values()) for r in rows])

    def _clear_derived(self) -> None:
        for table in DERIVED:
            self.con.execute(f"DELETE FROM {table}")

    def _first_batches(self) -> dict[tuple[str, str], int]:
        """(from_claim_id, to_claim_id) -> the batch that first recorded that change."""
        return {
            (a, b): batch
            for a, b, batch in self.con.execute(
                "SELECT from_claim_id, to_claim_id, first_batch_id FROM toll_changes"
            )
        }

    def _recompare(
        self,
        extractor: Extractor,
        options: CompareOptions | None,
        budget: CompareBudget | None = None,
    ) -> Comparison:
        t = self.tables(("articles", "quotes", "claims"))
        return compare(t["articles"], t["quotes"], t["claims"], extractor.ruleset, options, budget)

    def _store_comparison(
        self, comparison: Comparison, batch_id: int | None, previous: dict[tuple[str, str], int]
    ) -> None:
        self._insert("event_groups", comparison.event_groups)
        self._insert("disagreements", comparison.disagreements)
        self._insert("quote_matches", comparison.quote_matches)
        self._insert("article_pairs", comparison.article_pairs)
        self._insert("incidents", comparison.incidents)
        # the comparison's issue rows describe the last comparison only
        marks = ", ".join("?" * len(COMPARISON_ISSUE_CODES))
        self.con.execute(f"DELETE FROM issues WHERE code IN ({marks})", COMPARISON_ISSUE_CODES)
        self._insert("issues", comparison.issues, batch_id=batch_id)
        self.con.executemany(
            "INSERT OR IGNORE INTO event_group_claims VALUES (?, ?)",
            [(g.group_id, c) for g in comparison.event_groups for c in g.claim_ids],
        )
        self.con.executemany(
            "INSERT INTO disagreement_claims VALUES (?, ?, ?)",
            [
                (d.disagreement_id, c, n)
                for d in comparison.disagreements
                for n, c in enumerate(d.claim_ids)
            ],
        )
        self.con.executemany(
            "INSERT OR IGNORE INTO quote_match_quotes VALUES (?, ?)",
            [(m.match_id, q) for m in comparison.quote_matches for q in m.quote_ids],
        )
        self._store_changes(comparison, batch_id, previous)

    def _store_changes(
        self, comparison: Comparison, batch_id: int | None, previous: dict[tuple[str, str], int]
    ) -> None:
        """One ``toll_changes`` row per update / revision_down, with both claims' dates and
        figures."""
        claims = {
            c: (doc, best, date)
            for c, doc, best, date in self.con.execute(
                "SELECT c.claim_id, c.doc_id, c.best, "
                "coalesce(c.published, a.published, substr(b.added_at, 1, 10)) "
                "FROM claims c JOIN articles a USING (doc_id) "
                "LEFT JOIN batches b ON a.batch_id = b.batch_id"
            )
        }
        rows = []
        for d in comparison.disagreements:
            if d.kind not in CHANGE_KINDS or len(d.claim_ids) != 2:
                continue
            (a, b), (ia, ib) = d.claim_ids, d.intervals
            ca, cb = claims.get(a, (None, None, None)), claims.get(b, (None, None, None))
            group = self.con.execute(
                "SELECT category FROM event_groups WHERE group_id = ?", (d.group_id,)
            ).fetchone()
            rows.append(
                (
                    d.kind,
                    d.group_id,
                    d.disagreement_id,
                    group[0] if group else None,
                    d.claimants[1] or d.claimants[0],
                    a,
                    b,
                    ia,
                    ib,
                    ca[1],
                    cb[1],
                    ca[2],
                    cb[2],
                    ca[0],
                    cb[0],
                    d.outlets[0],
                    d.outlets[1],
                    previous.get((a, b), batch_id),
                    d.explanation,
                )
            )
        self.con.executemany(
            "INSERT INTO toll_changes (kind, group_id, disagreement_id, category, claimant, "
            "from_claim_id, to_claim_id, from_interval, to_interval, from_best, to_best, "
            "from_date, to_date, from_doc_id, to_doc_id, from_outlet, to_outlet, first_batch_id, "
            "explanation) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    # -- reading -------------------------------------------------------------------------------
    def rows(
        self, table: str, where: str = "", params: tuple[Any, ...] = ()
    ) -> list[dict[str, Any]]:
        """Rows of a model table as plain dicts (model columns only, JSON decoded), in stored
        order."""
        spec = columns(table)
        cols = ", ".join(f't."{c}"' for c in spec)
        if table == "articles":
            sql = f"SELECT {cols} FROM articles t {where} ORDER BY t.seq, t.rowid"
        elif table in ("quotes", "claims"):
            sql = (
                f"SELECT {cols} FROM {table} t JOIN articles a ON a.doc_id = t.doc_id {where} "
                "ORDER BY a.seq, t.rowid"
            )
        else:
            sql = f"SELECT {cols} FROM {table} t {where} ORDER BY t.rowid"
        out = []
        for row in self.con.execute(sql, params):
            out.append(
                {
                    name: _from_sql(value, dtype)
                    for (name, dtype), value in zip(spec.items(), row, strict=True)
                }
            )
        return out

    def tables(self, names: Iterable[str] = tuple(TABLES)) -> dict[str, pd.DataFrame]:
        """The stored tables as the pandas DataFrames ``quotetrack.run`` returns."""
        return {name: to_frame(name, self.rows(name)) for name in names}

    def status(self) -> dict[str, Any]:
        """Counts for ``quotetrack status``: articles, outlets, quotes, claims, disagreements,
        newest article."""
        one = lambda sql: self.con.execute(sql).fetchone()[0]  # noqa: E731
        kinds = ", ".join(f"'{k}'" for k in CHANGE_KINDS)
        newest = self.con.execute(
            "SELECT doc_id, published, title FROM articles WHERE published IS NOT NULL "
            "ORDER BY published DESC, seq DESC LIMIT 1"
        ).fetchone()
        last = self.con.execute(
            "SELECT batch_id, added_at FROM batches ORDER BY batch_id DESC LIMIT 1"
        ).fetchone()
        return {
            "path": str(self.path),
            "schema_version": self.version,
            "articles": one("SELECT count(*) FROM articles"),
            "outlets": one("SELECT count(DISTINCT outlet) FROM articles WHERE outlet IS NOT NULL"),
            "quotes": one("SELECT count(*) FROM quotes"),
            "claims": one("SELECT count(*) FROM claims"),
            "event_groups": one("SELECT count(*) FROM event_groups"),
            "open_disagreements": one(
                f"SELECT count(*) FROM disagreements WHERE kind NOT IN ({kinds})"
            ),
            "toll_changes": one("SELECT count(*) FROM toll_changes"),
            "issues": one("SELECT count(*) FROM issues"),
            "batches": one("SELECT count(*) FROM batches"),
            "newest_article": None
            if newest is None
            else {"doc_id": newest[0], "published": newest[1], "title": newest[2]},
            "last_batch": None if last is None else {"batch_id": last[0], "added_at": last[1]},
        }

    def timeline(self, group_id: str | None = None) -> list[dict[str, Any]]:
        """Each claimant's figures per event group in date order, with the change each one records.

        ``date`` is the claim's published date, None when unknown (an undated article is ordered
        by the day it was added, ``added``, but that day is never shown as its date)."""
        where, params = ("WHERE g.group_id = ?", (group_id,)) if group_id else ("", ())
        changes = {
            (row[0], row[1]): row[2]
            for row in self.con.execute("SELECT from_claim_id, to_claim_id, kind FROM toll_changes")
        }
        linked = {c for pair in changes for c in pair}
        rows = self.con.execute(
            "SELECT g.group_id, g.category, g.location, c.claim_id, c.claimant, c.count_text, "
            "c.low, c.high, c.best, "
            "coalesce(c.published, a.published, substr(b.added_at, 1, 10)) AS day, "
            "a.outlet, c.doc_id, a.seq, "
            "coalesce(c.published, a.published) AS dated, substr(b.added_at, 1, 10) "
            "FROM event_group_claims gc JOIN event_groups g USING (group_id) "
            "JOIN claims c USING (claim_id) "
            "JOIN articles a ON a.doc_id = c.doc_id LEFT JOIN batches b ON b.batch_id = a.batch_id "
            f"{where} ORDER BY g.rowid, c.claimant, day, a.seq, c.rowid",
            params,
        ).fetchall()
        out: list[dict[str, Any]] = []
        last: dict[tuple[str, str | None], str] = {}
        for (
            gid,
            category,
            location,
            cid,
            claimant,
            count_text,
            low,
            high,
            best,
            _day,
            outlet,
            doc,
            _,
            dated,
            added,
        ) in rows:
            key = (gid, claimant)
            kind = changes.get((last[key], cid)) if key in last else None
            out.append(
                {
                    "group_id": gid,
                    "category": category,
                    "location": location,
                    "claimant": claimant,
                    "claim_id": cid,
                    "count_text": count_text,
                    "low": low,
                    "high": high,
                    "best": best,
                    "date": dated,  # None when undated: the day of add only orders the rows
                    "added": added,
                    "outlet": outlet,
                    "doc_id": doc,
                    "change": kind,
                    "tracked": cid in linked,
                }
            )
            last[key] = cid
        return out

    def checks(self) -> tuple[str, list[tuple[Any, ...]]]:
        """``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check`` results."""
        return (
            self.con.execute("PRAGMA integrity_check").fetchone()[0],
            self.con.execute("PRAGMA foreign_key_check").fetchall(),
        )


class _Tx:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""

    def __init__(self, con: sqlite3.Connection, path: Path) -> None:
        self.con = con
        self.path = path

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.con.execute("BEGIN IMMEDIATE")  # waits up to the busy timeout for a writer
        except sqlite3.OperationalError as exc:
            raise busy_or_raise(self.path, exc) from None
        return self.con

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        self.con.execute("ROLLBACK" if exc_type else "COMMIT")


def iter_changes(store: Store) -> Iterator[dict[str, Any]]:
    """The ``toll_changes`` rows as dicts, oldest first."""
    cur = store.con.execute("SELECT * FROM toll_changes ORDER BY change_id")
    names = [d[0] for d in cur.description]
    for row in cur:
        yield dict(zip(names, row, strict=True))
