"""Reading articles: every input format, metadata, and bad input reported as issue rows."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import SEEDS

from quotetrack.models import Article, Issue
from quotetrack.pipeline.ingest import IngestOptions, decode, read_inputs


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Issue)]


def test_txt_with_sidecar_metadata(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Headline\n\nBody text.\n", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(
        json.dumps(
            {
                "doc_id": "story-1",
                "outlet": "AP",
                "published": "2012-07-12",
                "url": "http://x",
                "desk": "world",
            }
        )
    )
    arts, issues = split(read_inputs([tmp_path / "a.txt"]))
    assert issues == []
    (art,) = arts
    assert (art.doc_id, art.outlet, art.published, art.url) == (
        "story-1",
        "AP",
        "2012-07-12",
        "http://x",
    )
    assert art.metadata == {"desk": "world"}
    assert art.text == "Headline\n\nBody text.\n"
    assert art.n_chars == len(art.text) and len(art.sha1) == 40


def test_txt_without_sidecar_takes_cli_defaults(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text("Some text.", encoding="utf-8")
    (art,), _ = split(
        read_inputs(
            [tmp_path / "story.txt"], IngestOptions(outlet="Reuters", published="2020-01-02")
        )
    )
    assert (art.doc_id, art.outlet, art.published) == ("story", "Reuters", "2020-01-02")


def test_seeds_read_with_their_metadata() -> None:
    arts, issues = split(read_inputs([SEEDS]))
    assert [a.doc_id for a in arts] == ["000_d622aa2cab30c1b9", "001_41ce0450144724b7"]
    assert arts[1].outlet == "CBS News" and all(a.published == "2012-07-12" for a in arts)
    assert issues == []


def test_jsonl_keeps_unknown_fields_and_reports_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"doc_id": "d1", "text": "First.", "outlet": "BBC", "section": "world", "tags": ["a"]}
        ),
        "{not json",
        json.dumps({"doc_id": "d3", "text": 5}),
        json.dumps({"text": "No id here."}),
        json.dumps(["a list"]),
        json.dumps({"doc_id": "d6"}),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    arts, issues = split(read_inputs([path]))
    assert [a.doc_id for a in arts] == ["d1", "batch-4"]
    assert arts[0].metadata == {"section": "world", "tags": ["a"]}
    assert arts[0].line == 1 and arts[1].line == 4
    by_line = {i.line: i for i in issues}
    assert set(by_line) == {2, 3, 5, 6}
    assert by_line[2].code == "bad_json" and by_line[2].source == str(path) and by_line[2].fatal
    assert by_line[3].message == "field 'text' is a int, not a string; record skipped"
    assert by_line[6].message == "field 'text' is missing; record skipped"
    assert by_line[2].one_line().startswith(f"error: {path}:2: invalid JSON")


def test_csv_rows_and_ragged_row(tmp_path: Path) -> None:
    path = tmp_path / "batch.csv"
    path.write_text(
        'doc_id,outlet,text\nc1,AP,"Line one.\nLine two."\nc2,AP\nc3,,Third.\n', encoding="utf-8"
    )
    arts, issues = split(read_inputs([path]))
    assert [(a.doc_id, a.outlet) for a in arts] == [("c1", "AP"), ("c3", None)]
    assert arts[0].text == "Line one.\nLine two."
    (ragged,) = issues
    assert ragged.code == "ragged_row" and ragged.line == 4


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("id,words\n1,hello\n", encoding="utf-8")
    _, (issue,) = split(read_inputs([path]))
    assert issue.code == "bad_csv" and issue.fatal
    assert "a text column ('text', 'body'" in issue.message
    assert "among the columns: id, words" in issue.message and "--text-column" in issue.message


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    body = " ".join(["The ministry said on Thursday that the talks would continue next week."] * 6)
    html = f"""<html><head><title>Talks go on</title>
    <meta property="og:site_name" content="Example News"><meta name="date" content="2012-07-12">
    <script>alert('x')</script></head><body><nav>Home | World</nav>
    <article><h1>Talks go on</h1><p>{body}</p><p>{body}</p></article>
    <footer>(c) 2012</footer></body></html>"""
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    (art,), issues = split(read_inputs([tmp_path / "page.html"]))
    assert "The ministry said on Thursday" in art.text
    assert "alert(" not in art.text and "Home | World" not in art.text
    assert art.input_format == "html" and art.title == "Talks go on"
    assert art.published == "2012-07-12"


def test_html_without_article_is_an_issue(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_text(
        "<html><body><script>var a=1;</script></body></html>", encoding="utf-8"
    )
    arts, (issue,) = split(read_inputs([tmp_path / "empty.html"]))
    assert arts == [] and issue.code == "no_article_text" and issue.fatal


def test_stdin_text_and_jsonl() -> None:
    opts = IngestOptions(stdin=io.BytesIO(b"Plain text from a pipe."))
    (art,), _ = split(read_inputs(["-"], opts))
    assert art.doc_id == "stdin" and art.source == "-" and art.text == "Plain text from a pipe."
    opts = IngestOptions(
        stdin=io.BytesIO(b'{"doc_id": "p1", "text": "One."}\n{"doc_id": "p2", "text": "Two."}\n')
    )
    arts, _ = split(read_inputs(["-"], opts))
    assert [a.doc_id for a in arts] == ["p1", "p2"]


def test_binary_empty_and_missing_files_are_issues(tmp_path: Path) -> None:
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "blank.txt").write_text("  \n\n ", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("Fine.", encoding="utf-8")
    arts, issues = split(read_inputs([tmp_path, tmp_path / "nope.txt"]))
    assert [a.doc_id for a in arts] == ["ok"]
    codes = {Path(i.source).name: i.code for i in issues}
    assert codes == {
        "photo.txt": "not_text",
        "empty.txt": "empty",
        "blank.txt": "empty",
        "nope.txt": "not_found",
    }
    assert all(i.fatal for i in issues)


def test_folder_is_recursive_sorted_and_skips_sidecars(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Z.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text("{}", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    arts, issues = split(read_inputs([tmp_path]))
    assert [a.doc_id for a in arts] == ["a", "z"]
    assert [(i.code, i.severity, i.fatal) for i in issues] == [("skipped_file_type", "info", False)]


def test_duplicate_doc_ids_made_unique_and_reported(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    (tmp_path / "x" / "same.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "y" / "same.txt").write_text("Two.", encoding="utf-8")
    arts, issues = split(read_inputs([tmp_path]))
    assert [a.doc_id for a in arts] == ["same", "same~2"]
    assert issues[0].code == "duplicate_doc_id" and "renamed 'same~2'" in issues[0].message


def test_bad_sidecar_and_bad_date_are_warnings(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text("{broken", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "b.meta.json").write_text('{"published": "last Thursday"}', encoding="utf-8")
    arts, issues = split(read_inputs([tmp_path]))
    assert len(arts) == 2 and arts[1].published is None
    assert [(i.code, i.severity) for i in issues] == [
        ("bad_sidecar", "warning"),
        ("bad_date", "warning"),
    ]


@pytest.mark.parametrize(
    "raw, text, encoding",
    [
        ("Caf\u00e9 “quoted”".encode("utf-8"), "Caf\u00e9 “quoted”", "utf-8"),
        (b"\xef\xbb\xbfBOM line\r\nnext\r\n", "BOM line\nnext\n", "utf-8"),
        ("Hello “world”".encode("utf-16"), "Hello “world”", "utf-16-le"),
    ],
)
def test_decode_known_encodings(raw: bytes, text: str, encoding: str) -> None:
    assert decode(raw)[:2] == (text, encoding)


def test_decode_guesses_cp1252_and_says_so() -> None:
    raw = (
        "The minister said \u201cwe will not leave\u201d and the crowd cheered loudly in the "
        "square on Thursday evening."
    ).encode("cp1252")
    text, encoding, problem = decode(raw)
    assert text is not None and "\u201cwe will not leave\u201d" in text
    assert problem is not None and "guessed" in problem


def test_sidecar_named_on_the_command_line_is_not_an_article(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"outlet": "AP"}', encoding="utf-8")
    (tmp_path / "lonely.meta.json").write_text("{}", encoding="utf-8")
    arts, issues = split(
        read_inputs([tmp_path / "a.meta.json", tmp_path / "a.txt", tmp_path / "lonely.meta.json"])
    )
    assert [(a.doc_id, a.outlet) for a in arts] == [("a", "AP")]
    assert [(i.code, i.severity) for i in issues] == [("orphan_sidecar", "info")]


def test_count_documents_gives_the_progress_total(tmp_path: Path) -> None:
    from quotetrack.pipeline.ingest import count_documents

    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text("{}", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_text("<p>Two.</p>", encoding="utf-8")
    lines = '{"text": "x"}\n\n{"text": "y"}\n{"text": "z"}'
    (tmp_path / "c.jsonl").write_text(lines, encoding="utf-8")
    counted = count_documents([tmp_path, "https://example.org/a"])
    read = [i for i in read_inputs([tmp_path]) if not isinstance(i, Issue) or i.fatal]
    assert counted == len(read) + 1 == 6
    (tmp_path / "d.csv").write_text("text\nx\n", encoding="utf-8")
    assert count_documents([tmp_path]) is None  # rows are known only by parsing
    assert count_documents(["-"]) is None
