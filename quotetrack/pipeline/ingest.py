"""Reading articles: .txt (+ sidecar metadata), .html, .jsonl, .json, .csv/.tsv, folders, URLs
and stdin.

Every input document comes out either as an ``Article`` or as a fatal ``Issue`` naming the file
(and line), so that a batch always accounts for all of its documents. Texts are decoded (UTF-8,
with a byte-order mark removed; otherwise the encoding is guessed with charset-normalizer and
reported), and Windows/old-Mac line endings become ``\\n``; nothing else is changed, so offsets
are into the text exactly as the ``articles`` table holds it.

Sidecar metadata for ``NAME.txt`` or ``NAME.html`` is ``NAME.meta.json``: a JSON object with any
of ``doc_id, outlet, url, published, title`` plus free fields kept as metadata. CSV/TSV and .json
records may name their fields with common aliases (``body``, ``date``, ``source``...) or with the
columns ``IngestOptions.columns`` maps; dates are read by ``quotetrack.models.parse_date``.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import itertools
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

import regex

from quotetrack.models import Article, DateOrder, Issue, parse_date
from quotetrack.pipeline.limits import DEFAULT_MAX_BYTES

__all__ = ["IngestOptions", "parse_date", "read_inputs", "read_records"]
from quotetrack.pipeline.csv_rows import swallowed_rows
from quotetrack.pipeline.safe_text import valid_item

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv", ".tab"}
JSON_SUFFIXES = {".json"}
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES | JSON_SUFFIXES
SIDECAR_SUFFIX = ".meta.json"
KNOWN_FIELDS = ("doc_id", "outlet", "url", "published", "title")
RECORD_FIELDS = ("text", *KNOWN_FIELDS)
#: column names a spreadsheet or CMS export commonly uses for each field (CSV, TSV and .json
#: records; matched case-insensitively when the field's own name is absent). JSONL keeps the
#: documented field names, so its other fields stay metadata.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("body", "content", "article", "full_text", "story"),
    "doc_id": ("id",),
    "outlet": ("source", "publication", "publisher", "site", "sitename"),
    "url": ("link", "permalink"),
    "published": ("date", "pubdate", "publication_date", "published_at", "datetime"),
    "title": ("headline",),
}


@dataclass(frozen=True)
class IngestOptions:
    """Options that apply to every input: metadata defaults and limits."""

    outlet: str | None = None
    published: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    stdin: BinaryIO | None = None
    #: the column (or JSON key) holding each field: ``{"text": "body", "published": "date"}``
    columns: dict[str, str] = field(default_factory=dict)
    #: how to read an ambiguous date such as 3/4/2013 (dateparser's English default: MDY)
    date_order: DateOrder | None = None
    #: whether an ``http(s)://`` input is downloaded (else it is refused with an issue)
    fetch: bool = True
    #: whether loopback and private addresses may be downloaded from (trafilatura blocks them)
    fetch_private: bool = False


def resolve_columns(names: Iterable[str], columns: dict[str, str], aliases: bool) -> dict[str, str]:
    """The column of ``names`` that holds each record field: the one ``columns`` maps it to, else
    the field's own name, else (with ``aliases``) a common alias, matched case-insensitively."""
    present = list(names)
    lowered = {name.strip().lower(): name for name in reversed(present)}
    resolved: dict[str, str] = {}
    for name in RECORD_FIELDS:
        if name in columns:
            resolved[name] = columns[name]
        elif name in present:
            resolved[name] = name
        elif aliases:
            found = (lowered.get(a) for a in (name, *COLUMN_ALIASES.get(name, ())))
            column = next((c for c in found if c is not None), None)
            if column is not None:
                resolved[name] = column
    return resolved


def map_record(record: dict[str, Any], resolved: dict[str, str]) -> dict[str, Any]:
    """``record`` with each field under its own name (from its resolved column); the columns used
    for a field are dropped, every other column is kept (as metadata)."""
    used = set(resolved.values())
    mapped = {k: v for k, v in record.items() if k not in used and k not in RECORD_FIELDS}
    for name, column in resolved.items():
        if column in record:
            mapped[name] = record[column]
    return mapped


def _id_key(doc_id: str) -> int:
    """A 64-bit digest of a doc_id: what ``DocIds`` remembers of it (a fraction of the string's
    memory over millions of documents; two ids collide with odds of about n^2 / 3.7e19)."""
    return int.from_bytes(
        hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big"
    )


@dataclass
class DocIds:
    """Hands out unique doc_ids within one batch (a repeated id gets a ``~2`` suffix)."""

    seen: set[int] = field(default_factory=set)
    next_suffix: dict[int, int] = field(default_factory=dict)  # repeated id -> next n to try

    def claim(self, wanted: str) -> tuple[str, bool]:
        """A unique id for ``wanted`` and whether it had to be changed (the smallest free ``~n``,
        found from where the previous copy stopped: each copy costs O(1))."""
        key = _id_key(wanted)
        if key not in self.seen:
            self.seen.add(key)
            return wanted, False
        n = self.next_suffix.get(key, 2)
        while _id_key(f"{wanted}~{n}") in self.seen:
            n += 1
        self.next_suffix[key] = n + 1
        unique = f"{wanted}~{n}"
        self.seen.add(_id_key(unique))
        return unique, True


def read_inputs(
    inputs: Iterable[str | os.PathLike[str]], options: IngestOptions | None = None
) -> Iterator[Article | Issue]:
    """Articles (and issues) from every input path, folders recursively, ``-`` for stdin; every
    string valid text (``safe_text.valid_item``)."""
    for item in _read_all(inputs, options or IngestOptions()):
        yield from valid_item(item)


def _read_all(
    inputs: Iterable[str | os.PathLike[str]], options: IngestOptions
) -> Iterator[Article | Issue]:
    ids = DocIds()
    for item in inputs:
        if str(item) == "-":
            yield from _dedupe(read_stdin(options), ids)
            continue
        if isinstance(item, str) and item.lower().startswith(URL_SCHEMES):
            yield from _dedupe(read_url(item, options), ids)
            continue
        path = Path(item)
        if path.name.endswith(
            SIDECAR_SUFFIX
        ):  # metadata, read with its article (a glob names both)
            stem = path.name[: -len(SIDECAR_SUFFIX)]
            if not any(
                path.with_name(stem + suffix).exists() for suffix in TEXT_SUFFIXES | HTML_SUFFIXES
            ):
                yield Issue(
                    source=str(path),
                    severity="info",
                    code="orphan_sidecar",
                    message="metadata sidecar without its article (NAME.txt or NAME.html); skipped",
                )
            continue
        if path.is_dir():
            yield from _dedupe(read_folder(path, options), ids)
        elif path.exists() or path.is_symlink():
            yield from _dedupe(read_path(path, options), ids)
        else:
            yield Issue(
                source=str(path), code="not_found", message="no such file or directory", fatal=True
            )


def count_documents(inputs: Iterable[str | os.PathLike[str]]) -> int | None:
    """How many documents ``inputs`` hold, for a progress total: one per text, HTML file or URL,
    one per non-blank JSONL line; None when that cannot be known without parsing (CSV, .json,
    stdin). Files are walked as ``read_folder`` walks them (no sidecars, no hidden files)."""
    total = 0
    for item in inputs:
        if isinstance(item, str) and item.lower().startswith(URL_SCHEMES):
            total += 1
            continue
        path = Path(item)
        if str(item) == "-":
            return None
        files = (
            [path]
            if not path.is_dir()
            else (
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and not p.name.endswith(SIDECAR_SUFFIX)
                and p.suffix.lower() in ARTICLE_SUFFIXES
            )
        )
        for file in files:
            suffix = file.suffix.lower()
            if suffix in CSV_SUFFIXES | JSON_SUFFIXES:
                return None
            try:
                total += _count_lines(file) if suffix in JSONL_SUFFIXES else int(file.exists())
            except OSError:
                total += 1  # read_path reports it as one unreadable document
    return total


def _count_lines(path: Path) -> int:
    """Non-blank lines of a file (read in 1 MiB blocks)."""
    count = 0
    with path.open("rb") as binary:
        tail = b""
        while block := binary.read(1 << 20):
            lines = (tail + block).split(b"\n")
            tail = lines.pop()
            count += sum(1 for line in lines if line.strip())
    return count + int(bool(tail.strip()))


def _dedupe(items: Iterable[Article | Issue], ids: DocIds) -> Iterator[Article | Issue]:
    for item in items:
        if isinstance(item, Article):
            doc_id, changed = ids.claim(item.doc_id)
            if changed:
                yield Issue(
                    doc_id=doc_id,
                    source=item.source,
                    line=item.line,
                    severity="warning",
                    code="duplicate_doc_id",
                    message=f"doc_id {item.doc_id!r} already used in this batch; "
                    f"renamed {doc_id!r}",
                )
                item = item.model_copy(update={"doc_id": doc_id})
        yield item


def read_folder(folder: Path, options: IngestOptions) -> Iterator[Article | Issue]:
    """Every article file below ``folder`` in sorted order (sidecars and hidden files skipped).

    Paths are reported as reached from ``folder``; a folder already visited (a symlink loop) is
    skipped.
    """
    visited: set[Path] = set()
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            real = current.resolve()
            entries = sorted(current.iterdir(), key=lambda p: p.name)
        except (OSError, RuntimeError) as exc:
            yield Issue(
                source=str(current),
                code="unreadable",
                fatal=True,
                message=f"cannot read folder: {getattr(exc, 'strerror', None) or exc}",
            )
            continue
        if real in visited:
            continue
        visited.add(real)
        subdirs = []
        for entry in entries:
            if entry.name.startswith(".") or entry.name.endswith(SIDECAR_SUFFIX):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError as exc:
                yield Issue(
                    source=str(entry),
                    code="unreadable",
                    message=f"cannot read: {exc.strerror or exc}",
                    fatal=True,
                )
                continue
            if is_dir:
                subdirs.append(entry)
            elif not _is_regular(entry):
                yield Issue(
                    source=str(entry),
                    severity="warning",
                    code="not_a_file",
                    message="skipped: not a regular file (a FIFO, socket or device)",
                )
            elif entry.suffix.lower() in ARTICLE_SUFFIXES:
                yield from read_path(entry, options)
            elif entry.name.lower() not in {"readme.md", "license"}:
                yield Issue(
                    source=str(entry),
                    severity="info",
                    code="skipped_file_type",
                    message=f"skipped: {entry.suffix or 'no'} extension is not an article format "
                    "(.txt, .html, .jsonl, .json, .csv, .tsv)",
                )
        stack.extend(reversed(subdirs))


def _is_regular(path: Path) -> bool:
    """A regular file (or a link to one): never a FIFO, socket or device, which can block."""
    try:
        return path.is_file()
    except OSError:
        return True  # unreadable: read_path reports why


def read_path(path: Path, options: IngestOptions) -> Iterator[Article | Issue]:
    """Articles from one file, chosen by its extension (unknown extensions are read as text).

    JSONL and CSV files are streamed record by record (no size limit for the file, ``max_bytes``
    for each record); a text or HTML file is read whole, up to ``max_bytes``.
    """
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES | CSV_SUFFIXES:
        try:
            with path.open("rb") as binary:
                stream, encoding, note = open_text(binary)
                if stream is None:
                    yield Issue(
                        source=str(path), code="not_text", message=note or "not text", fatal=True
                    )
                    return
                if note:
                    yield Issue(source=str(path), severity="warning", code="decoding", message=note)
                if suffix in JSONL_SUFFIXES:
                    yield from parse_jsonl(stream, str(path), path.stem, encoding, options)
                else:
                    tab = "\t" if suffix != ".csv" else None
                    yield from parse_csv(stream, str(path), path.stem, encoding, options, tab)
        except OSError as exc:
            yield _unreadable(path, exc)
        return
    raw = _read_bytes(path, options)
    if isinstance(raw, Issue):
        yield raw
        return
    if suffix in JSON_SUFFIXES:
        yield from parse_json_document(raw, str(path), path.stem, options)
        return
    meta = read_sidecar(path)
    if isinstance(meta, Issue):
        yield meta
        meta = {}
    fmt = "html" if suffix in HTML_SUFFIXES else "txt"
    yield from parse_document(raw, str(path), path.stem, fmt, meta, options)


URL_SCHEMES = ("http://", "https://")


def read_url(url: str, options: IngestOptions) -> Iterator[Article | Issue]:
    """The article of a web page, downloaded with trafilatura's fetcher and read as HTML (its
    doc_id is the URL); an issue when fetching is off or the download fails."""
    if not options.fetch:
        yield Issue(
            source=url,
            code="fetch_refused",
            fatal=True,
            message="a URL, and downloading is off (--no-fetch); save the page and give the file",
        )
        return
    from trafilatura.downloads import fetch_response

    response = fetch_response(url, config=_fetch_config(options.fetch_private))
    status = getattr(response, "status", None)
    if response is None or status != 200 or not response.data:
        reason = "no answer" if response is None else f"HTTP status {status}"
        yield Issue(
            source=url, code="fetch_failed", fatal=True, message=f"could not download: {reason}"
        )
        return
    raw = response.data if isinstance(response.data, bytes) else str(response.data).encode()
    if len(raw) > options.max_bytes:
        yield Issue(
            source=url,
            code="too_large",
            fatal=True,
            message=f"page is {len(raw):,} bytes, over the {options.max_bytes:,}-byte limit "
            "(--max-bytes)",
        )
        return
    yield from parse_document(raw, url, url, "html", {"doc_id": url, "url": url}, options)


@functools.cache
def _fetch_config(private: bool) -> Any:
    """trafilatura's settings, with its fallback to unverified TLS turned off, and its block on
    non-public addresses lifted when ``private``."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "INSECURE_SSL_FALLBACK", "False")
    if private:
        config.set("DEFAULT", "SSRF_PROTECTION", "off")
    return config


def _unreadable(path: Path, exc: OSError) -> Issue:
    reason = (
        "permission denied"
        if isinstance(exc, PermissionError)
        else f"cannot read: {exc.strerror or exc}"
    )
    return Issue(source=str(path), code="unreadable", message=reason, fatal=True)


SAMPLE_BYTES = 65536


def open_text(binary: BinaryIO) -> tuple[IO[str] | None, str, str | None]:
    """A text stream over ``binary`` in the encoding ``decode`` finds on its first 64 KiB."""
    sample = binary.read(SAMPLE_BYTES)
    cut = sample.rfind(b"\n") + 1 if len(sample) == SAMPLE_BYTES else len(sample)
    text, encoding, note = decode(sample[:cut] or sample)
    if text is None:
        return None, "", note
    binary.seek(0)
    if encoding == "utf-8" and sample.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be") and sample[:2] in (
        b"\xff\xfe",
        b"\xfe\xff",
    ):
        encoding = encoding[:6]  # let the codec consume the byte-order mark
    stream = io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")  # type: ignore[arg-type]
    return stream, encoding.replace("-sig", ""), note


def read_stdin(options: IngestOptions) -> Iterator[Article | Issue]:
    """Articles from standard input: JSONL when it starts with ``{``, HTML with ``<``, else text."""
    stream = options.stdin or sys.stdin.buffer
    raw = stream.read()
    head = raw.lstrip()[:1]
    if head == b"{":
        text_stream, encoding, note = open_text(io.BytesIO(raw))
        if text_stream is None:
            yield Issue(source="-", code="not_text", message=note or "not text", fatal=True)
            return
        yield from parse_jsonl(text_stream, "-", "stdin", encoding, options)
    else:
        fmt = "html" if head == b"<" else "txt"
        yield from parse_document(raw, "-", "stdin", fmt, {}, options)


def _read_bytes(path: Path, options: IngestOptions) -> bytes | Issue:
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            return Issue(
                source=str(path),
                code="too_large",
                fatal=True,
                message=f"file is {size:,} bytes, over the {options.max_bytes:,}-byte limit "
                "(--max-bytes)",
            )
        return path.read_bytes()
    except OSError as exc:
        return _unreadable(path, exc)


def read_sidecar(path: Path) -> dict[str, Any] | Issue:
    """Metadata from ``NAME.meta.json`` beside ``path`` (empty when there is none)."""
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Issue(
            source=str(sidecar),
            severity="warning",
            code="bad_sidecar",
            message=f"metadata sidecar ignored: {exc}",
        )
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number, deep nesting
        return Issue(
            source=str(sidecar),
            severity="warning",
            code="bad_sidecar",
            message=f"metadata sidecar ignored: {_json_limit(exc)}",
        )
    if not isinstance(data, dict):
        return Issue(
            source=str(sidecar),
            severity="warning",
            code="bad_sidecar",
            message="metadata sidecar ignored: not a JSON object",
        )
    return data


def _json_limit(exc: Exception) -> str:
    """What a JSON value exceeded, for an issue message."""
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).split(";")[0]


def _json_problem(exc: Exception) -> str:
    """An issue message for JSON that ``json.loads`` refused."""
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON ({exc.msg} at column {exc.colno})"
    return f"unreadable JSON ({_json_limit(exc)})"


#: File signatures of common non-text formats that get renamed to .txt (first bytes -> name).
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
    (b"\x7fELF", "an executable"),
)
BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
MAX_NUL_SHARE = 0.01


def decode(raw: bytes) -> tuple[str | None, str, str | None]:
    """(text, encoding, note): None text for binary data, with the reason as the note.

    Order: known binary signatures; byte-order marks; UTF-16 without a BOM (NUL bytes at every
    other position); UTF-8; otherwise charset-normalizer's guess (reported). A few stray NUL bytes
    in otherwise good text become spaces (one character for one, so offsets hold) and are reported.
    """
    for magic, what in MAGIC:
        if raw.startswith(magic):
            return None, "", f"{what}, not text"
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            try:
                return _clean_text(raw[len(bom) :].decode(encoding), encoding, None)
            except UnicodeDecodeError:
                return None, "", f"undecodable {encoding} text"
    sample = raw[:4096]
    if len(sample) >= 4 and sample.count(0) > len(sample) // 3:
        encoding = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        try:
            return _clean_text(
                raw.decode(encoding),
                encoding,
                f"no byte-order mark; decoded as {encoding} (guessed)",
            )
        except UnicodeDecodeError:
            return None, "", "binary data (NUL bytes), not text"
    try:
        return _clean_text(raw.decode("utf-8"), "utf-8", None)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:200_000]).best()
    if best is None:
        return None, "", "binary or undecodable data, not text"
    try:
        text = raw.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None, "", "undecodable bytes"
    return _clean_text(text, best.encoding, f"not UTF-8; decoded as {best.encoding} (guessed)")


def _clean_text(text: str, encoding: str, note: str | None) -> tuple[str | None, str, str | None]:
    nuls = text.count("\x00")
    if nuls:
        if nuls > MAX_NUL_SHARE * len(text):
            return None, "", "binary data (NUL bytes), not text"
        text = text.replace("\x00", " ")
        note = "; ".join(n for n in (note, f"{nuls} NUL bytes replaced by spaces") if n)
    return _newlines(text), encoding, note


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def parse_document(
    raw: bytes, source: str, stem: str, fmt: str, meta: dict[str, Any], options: IngestOptions
) -> Iterator[Article | Issue]:
    """One .txt or .html document with its sidecar metadata."""
    text, encoding, problem = decode(raw)
    doc_id = str(meta.get("doc_id") or stem)
    if text is None:
        yield Issue(
            doc_id=doc_id, source=source, code="not_text", message=problem or "not text", fatal=True
        )
        return
    if problem:
        yield Issue(
            doc_id=doc_id, source=source, severity="warning", code="decoding", message=problem
        )
    fields = dict(meta)
    date_in_page = False
    if fmt == "html":
        extracted = extract_html(text)
        if extracted is None:
            yield Issue(
                doc_id=doc_id,
                source=source,
                code="no_article_text",
                fatal=True,
                message="no article text found in the HTML page",
            )
            return
        text, html_meta = extracted
        for key, value in html_meta.items():
            fields.setdefault(key, value)
        date_in_page = "published" in html_meta and not _clean(meta.get("published"))
    if not text.strip():
        yield Issue(
            doc_id=doc_id,
            source=source,
            code="empty",
            message="empty document (no text)",
            fatal=True,
        )
        return
    yield from _article(fields, text, source, None, fmt, encoding, doc_id, options, date_in_page)


def _article(
    fields: dict[str, Any],
    text: str,
    source: str,
    line: int | None,
    fmt: str,
    encoding: str,
    doc_id: str,
    options: IngestOptions,
    date_in_page: bool = False,
) -> Iterator[Article | Issue]:
    """The article (after its issues: a bad date, a language other than English).

    ``date_in_page``: the published date was found in the HTML page, not given with it."""
    known = {k: fields.get(k) for k in KNOWN_FIELDS}
    extra = {k: v for k, v in fields.items() if k not in KNOWN_FIELDS and k != "text"}
    outlet = _clean(known["outlet"]) or options.outlet
    published_raw = _clean(known["published"])
    date_source = ("page" if date_in_page else "metadata") if published_raw else "none"
    if not published_raw and options.published:
        published_raw, date_source = options.published, "option"
    published = parse_date(published_raw, options.date_order) if published_raw else None
    warn = functools.partial(Issue, doc_id=doc_id, source=source, line=line, severity="warning")
    if published_raw and published is None:
        yield warn(
            code="bad_date",
            message=f"published date {published_raw!r} is not a date with day, month and year; "
            "left empty",
        )
        date_source = "none"
    share = english_share(text)
    if share is not None and share < MIN_ENGLISH_SHARE:
        yield warn(
            code="language_unsupported",
            message=f"the text does not look English ({share:.0%} English function words); "
            "the rules are English only, so quotes may be found but speakers and figures missed",
        )
    yield Article.build(
        doc_id=doc_id,
        outlet=outlet,
        url=_clean(known["url"]),
        published=published,
        title=_clean(known["title"]),
        source=source,
        line=line,
        input_format=fmt,
        encoding=encoding,
        text=text,
        metadata=extra,
        date_source=date_source,
    )


WORD = regex.compile(r"\p{L}+")
ENGLISH_SAMPLE_CHARS = 20_000  # the start of a document is enough to tell its language
MIN_WORDS_FOR_LANGUAGE = 40  # fewer words (a headline, a table) say too little
#: share of English function words below which a text is not English (English news: 35-55%)
MIN_ENGLISH_SHARE = 0.12


@functools.cache
def english_words() -> frozenset[str]:
    """English function words (``english_words.txt`` beside this module)."""
    lines = (Path(__file__).parent / "english_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def english_share(text: str) -> float | None:
    """Share of the words at the start of ``text`` that are English function words; None for
    a text too short to tell."""
    words = WORD.findall(text[:ENGLISH_SAMPLE_CHARS].lower())
    if len(words) < MIN_WORDS_FOR_LANGUAGE:
        return None
    known = english_words()
    return sum(1 for w in words if w in known) / len(words)


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def parse_jsonl(
    lines: Iterable[str],
    source: str,
    stem: str,
    encoding: str,
    options: IngestOptions,
    first_line: int = 1,
) -> Iterator[Article | Issue]:
    """One article per JSON line; a bad line is an issue naming its line number.

    ``first_line`` is the number of the first line given (a partition of a larger file)."""
    any_line = False
    for number, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        any_line = True
        if len(line) > options.max_bytes:
            yield Issue(
                source=source,
                line=number,
                code="too_large",
                fatal=True,
                message=f"record has {len(line):,} characters, over the "
                f"{options.max_bytes:,} limit (--max-bytes); line skipped",
            )
            continue
        if "\ufffd" in line and encoding != "utf-8":
            yield Issue(
                source=source,
                line=number,
                severity="warning",
                code="decoding",
                message=f"bytes undecodable as {encoding} replaced by U+FFFD",
            )
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:  # also a 5,000-digit number, deep nesting
            yield Issue(
                source=source,
                line=number,
                code="bad_json",
                fatal=True,
                message=f"{_json_problem(exc)}; line skipped",
            )
            continue
        yield from parse_record(
            record, source, number, f"{stem}-{number}", "jsonl", encoding, options
        )
    if not any_line:
        yield Issue(source=source, code="empty", message="empty file (no JSON lines)", fatal=True)


def parse_record(
    record: Any,
    source: str,
    line: int,
    fallback_id: str,
    fmt: str,
    encoding: str,
    options: IngestOptions,
    resolved: dict[str, str] | None = None,
) -> Iterator[Article | Issue]:
    """One article from a JSON object or CSV row (``doc_id``, ``text``, metadata); else an issue.

    ``resolved`` names the column of each field (see ``resolve_columns``); by default the
    fields' own names, or the columns ``options.columns`` maps them to."""
    if not isinstance(record, dict):
        yield Issue(
            source=source,
            line=line,
            code="bad_record",
            fatal=True,
            message="not a JSON object; line skipped",
        )
        return
    if resolved is None:
        resolved = resolve_columns(record, options.columns, aliases=False)
    text_column = resolved.get("text", "text")
    if resolved != {name: name for name in resolved}:
        record = map_record(record, resolved)
    record, surrogates = _scrub_surrogates(record)
    doc_id = _clean(record.get("doc_id")) or fallback_id
    if surrogates:
        yield Issue(
            doc_id=doc_id,
            source=source,
            line=line,
            severity="warning",
            code="decoding",
            message=f"{surrogates} lone surrogate code points (not text) replaced by U+FFFD",
        )
    text = record.get("text")
    if not isinstance(text, str):
        what = "missing" if text is None else f"a {type(text).__name__}, not a string"
        yield Issue(
            doc_id=doc_id,
            source=source,
            line=line,
            code="bad_text",
            fatal=True,
            message=f"field {text_column!r} is {what}; record skipped",
        )
        return
    if not text.strip():
        yield Issue(
            doc_id=doc_id,
            source=source,
            line=line,
            code="empty",
            fatal=True,
            message=f"field {text_column!r} is empty; record skipped",
        )
        return
    yield from _article(record, _newlines(text), source, line, fmt, encoding, doc_id, options)


SURROGATE = regex.compile(r"[\ud800-\udfff]")


def _scrub_surrogates(record: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The record with lone surrogates ("\\ud800" in JSON, which no UTF-8 output can hold) replaced
    one for one by U+FFFD in its string fields, and how many were replaced."""
    count = 0
    clean: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, str):
            value, n = SURROGATE.subn("\ufffd", value)
            count += n
        clean[key] = value
    return clean, count


CSV_DELIMITERS = ",;\t|"


def sniff_delimiter(header_line: str, default: str = ",") -> str:
    """The delimiter of a CSV file, sniffed (``csv.Sniffer``) on its header line: comma,
    semicolon, tab or bar; ``default`` when the line has none of them (a one-column file)."""
    try:
        return csv.Sniffer().sniff(header_line, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        return default


def parse_csv(
    lines: Iterable[str],
    source: str,
    stem: str,
    encoding: str,
    options: IngestOptions,
    delimiter: str | None = None,
) -> Iterator[Article | Issue]:
    """One article per CSV row; a bad row is an issue.

    The header names the columns: ``text`` (or an alias such as ``body``, or the column
    ``options.columns`` maps it to) is required. The delimiter is sniffed on the header line
    unless given (tab for .tsv)."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    lines = iter(lines)
    first = next(lines, "")
    if not first.strip():
        yield Issue(source=source, code="empty", message="empty CSV file", fatal=True)
        return
    delimiter = delimiter or sniff_delimiter(first)
    reader = csv.reader(itertools.chain((first,), lines), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        yield Issue(
            source=source,
            line=1,
            code="bad_csv",
            message=f"unreadable CSV header: {exc}",
            fatal=True,
        )
        return
    resolved = resolve_columns(header, options.columns, aliases=True)
    missing = [
        f"{column!r} (for {name})" for name, column in resolved.items() if column not in header
    ]
    if "text" not in resolved or missing:
        wanted = (
            ", ".join(missing)
            if missing
            else "a text column ('text', " + ", ".join(map(repr, COLUMN_ALIASES["text"])) + ")"
        )
        yield Issue(
            source=source,
            line=1,
            code="bad_csv",
            fatal=True,
            message=f"no column {wanted} among the columns: {', '.join(header) or 'none'}; "
            "name it with --text-column (and --id-column, --date-column, --outlet-column)",
        )
        return
    row_number = 0
    last: tuple[int, list[str]] | None = None  # the last row read (an open quote ends there)
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            if last is not None and (merged := swallowed_rows(last[1], len(header))):
                yield Issue(
                    source=source,
                    line=last[0],
                    severity="warning",
                    code="merged_rows",
                    message=f"the last row holds {merged} lines shaped like further rows: an "
                    "unterminated quote may have merged them into this record",
                )
            break
        except csv.Error as exc:
            yield Issue(
                source=source,
                line=line,
                code="bad_csv",
                fatal=True,
                message=f"unreadable row: {exc}",
            )
            continue
        row_number += 1
        last = line, row
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield Issue(
                source=source,
                line=line,
                code="ragged_row",
                fatal=True,
                message=f"row has {len(row)} fields, header has {len(header)}; row skipped",
            )
            continue
        yield from parse_record(
            dict(zip(header, row, strict=True)),
            source,
            line,
            f"{stem}-{row_number}",
            "csv",
            encoding,
            options,
            resolved,
        )


def parse_json_document(
    raw: bytes, source: str, stem: str, options: IngestOptions
) -> Iterator[Article | Issue]:
    """A ``.json`` file: an array of records (one article each, as ``--format json`` writes) or
    one object (one article); fields are found as in CSV (aliases and ``options.columns``)."""
    text, encoding, problem = decode(raw)
    if text is None:
        yield Issue(source=source, code="not_text", message=problem or "not text", fatal=True)
        return
    if problem:
        yield Issue(source=source, severity="warning", code="decoding", message=problem)
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        where = (
            f" ({exc.msg} at line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        )
        yield Issue(source=source, code="bad_json", fatal=True, message=f"invalid JSON{where}")
        return
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        yield Issue(
            source=source,
            code="bad_json",
            fatal=True,
            message=f"a JSON {type(data).__name__}, not an array of records or one object",
        )
        return
    if not data:
        yield Issue(source=source, code="empty", message="empty JSON array", fatal=True)
        return
    for number, record in enumerate(data, start=1):
        resolved = (
            resolve_columns(record, options.columns, True) if isinstance(record, dict) else {}
        )
        yield from parse_record(
            record, source, number, f"{stem}-{number}", "json", encoding, options, resolved
        )


def read_records(
    records: Iterable[Any], options: IngestOptions | None = None, source: str = "<memory>"
) -> Iterator[Article | Issue]:
    """Articles from objects in memory: ``Article``s as they are, strings as texts, dicts as
    records (fields found as in CSV); doc_ids are made unique as for files. Anything else is a
    TypeError."""
    options = options or IngestOptions()

    def items() -> Iterator[Article | Issue]:
        for number, record in enumerate(records, start=1):
            if isinstance(record, Article):
                yield record
                continue
            if isinstance(record, str):
                record = {"text": record}
            elif not isinstance(record, dict):
                raise TypeError(
                    f"item {number} is a {type(record).__name__}; give texts (str), Articles, "
                    "dicts or a DataFrame"
                )
            resolved = resolve_columns(record, options.columns, aliases=True)
            yield from parse_record(
                record, source, number, f"text-{number}", "memory", "utf-8", options, resolved
            )

    yield from _dedupe(items(), DocIds())


def extract_html(html: str) -> tuple[str, dict[str, Any]] | None:
    """Main text and metadata of an HTML page (trafilatura); None when it holds no article."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
    except Exception:  # trafilatura raises many parser-specific errors on hostile HTML
        doc = None
    if doc is None:
        return None
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = data.get("text") or ""
    title = data.get("title")
    if not text.strip():
        return None
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    meta = {
        "title": title,
        "url": data.get("url"),
        "published": data.get("date"),
        "outlet": data.get("sitename") or data.get("hostname"),
        "author": data.get("author"),
    }
    return text, {k: v for k, v in meta.items() if v}
