"""The bad-input corpus: every kind of hostile or broken input is processed or reported, never lost.

Each case writes its files into a fresh folder; the test runs the whole pipeline on it and checks
that (1) nothing raised, (2) no internal error was reported, (3) the documents processed plus the
documents reported as fatal issues add up to the documents in the input, and (4) the expected
processed count and issue codes. ``test_corpus_accounting`` runs all cases as one batch.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotetrack.models import Article
from quotetrack.pipeline.extractor import Extractor
from quotetrack.pipeline.ingest import read_inputs
from quotetrack.pipeline.runner import run

NEWS = (
    "Syria's Foreign Ministry said Thursday that Fares should be punished. "
    "\u201cThere is no way,\u201d he said. Activists say more than 17,000 people have been killed."
)


def w(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


# name -> (writer, expected processed documents, expected documents in, issue codes that must
# appear)
Case = tuple[Callable[[Path], None], int, int, set[str]]
CASES: dict[str, Case] = {
    "binary_png": (
        lambda d: w(d / "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
        0,
        1,
        {"not_text"},
    ),
    "pdf_renamed": (
        lambda d: w(d / "report.txt", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"),
        0,
        1,
        {"not_text"},
    ),
    "zip_renamed": (
        lambda d: w(d / "doc.txt", b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 30),
        0,
        1,
        {"not_text"},
    ),
    "nul_heavy": (
        lambda d: w(d / "nul.txt", b"abc\x00\x00\x00\x00def\x00\x00" * 50),
        0,
        1,
        {"not_text"},
    ),
    "stray_nul": (
        lambda d: w(d / "stray.txt", NEWS.encode() + b"\x00" + NEWS.encode()),
        1,
        1,
        {"decoding"},
    ),
    "invalid_utf8": (
        lambda d: w(d / "bad.txt", NEWS.encode() + b" \xff\xfe\xfa caf\xe9 "),
        1,
        1,
        {"decoding"},
    ),
    "utf16_bom": (lambda d: w(d / "u16.txt", NEWS.encode("utf-16")), 1, 1, set()),
    "utf16_no_bom": (lambda d: w(d / "u16le.txt", NEWS.encode("utf-16-le")), 1, 1, {"decoding"}),
    "utf16be_bom": (
        lambda d: w(d / "u16be.txt", b"\xfe\xff" + NEWS.encode("utf-16-be")),
        1,
        1,
        set(),
    ),
    "cp1252_curly": (
        lambda d: w(
            d / "cp.txt",
            (
                "The minister said \u201cwe will stay\u201d on Monday, "
                "and the crowd in the square cheered."
            ).encode("cp1252"),
        ),
        1,
        1,
        {"decoding"},
    ),
    "latin1": (
        lambda d: w(
            d / "l1.txt",
            "Le ministre a d\u00e9clar\u00e9 que la r\u00e9union \u00e9tait termin\u00e9e.".encode(
                "latin-1"
            ),
        ),
        1,
        1,
        {"decoding"},
    ),
    "bom_crlf": (
        lambda d: w(d / "bom.txt", b"\xef\xbb\xbf" + NEWS.replace(". ", ".\r\n\r\n").encode()),
        1,
        1,
        set(),
    ),
    "mixed_newlines": (
        lambda d: w(d / "mixed.txt", "Line one.\r\nLine two.\rLine three.\nLine four."),
        1,
        1,
        set(),
    ),
    "empty": (lambda d: w(d / "empty.txt", b""), 0, 1, {"empty"}),
    "whitespace_only": (lambda d: w(d / "blank.txt", " \n\t\n  \r\n"), 0, 1, {"empty"}),
    "long_single_line": (lambda d: w(d / "long.txt", ("word " * 400_000)), 1, 1, set()),
    "many_quote_marks": (lambda d: w(d / "marks.txt", '"' * 100_000), 1, 1, {"stray_quote_mark"}),
    "unbalanced_quotes": (
        lambda d: w(
            d / "unbal.txt", "\u201cOpen and never closed.\n\nAnother \u201cstray one.\n\nFine."
        ),
        1,
        1,
        {"unclosed_quote"},
    ),
    "nested_quotes": (
        lambda d: w(
            d / "nested.txt",
            "\u201cHe told me \u2018go\u2019 and \u201cstay\u201d,\u201d she said.",
        ),
        1,
        1,
        set(),
    ),
    "rtl_and_combining": (
        lambda d: w(
            d / "rtl.txt",
            "\u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064a\u0631 "
            "\u00ab\u0644\u0646 \u0646\u063a\u0627\u062f\u0631\u00bb. "
            "e\u0301te\u0301 \u202eevil\u202c.",
        ),
        1,
        1,
        set(),
    ),
    "zero_width_in_number": (
        lambda d: w(d / "zw.txt", "Activists say more than 17\u200b000 people have been killed."),
        1,
        1,
        set(),
    ),
    "fullwidth_digits": (
        lambda d: w(d / "fw.txt", "Officials said \uff11\uff17 people were killed."),
        1,
        1,
        set(),
    ),
    "html_script_only": (
        lambda d: w(
            d / "page.html",
            "<html><head><script>alert(1)</script></head><body><script>x()</script></body></html>",
        ),
        0,
        1,
        {"no_article_text"},
    ),
    "html_broken": (
        lambda d: w(
            d / "broken.html", "<html><body><p>Unclosed <b>tags <div>" + NEWS * 5 + "</i></html"
        ),
        1,
        1,
        set(),
    ),
    "jsonl_truncated_last": (
        lambda d: w(
            d / "t.jsonl", json.dumps({"doc_id": "a", "text": NEWS}) + '\n{"doc_id": "b", "te'
        ),
        1,
        2,
        {"bad_json"},
    ),
    "jsonl_invalid": (
        lambda d: w(
            d / "i.jsonl", "not json at all\n" + json.dumps({"doc_id": "c", "text": NEWS}) + "\n"
        ),
        1,
        2,
        {"bad_json"},
    ),
    "jsonl_missing_text": (
        lambda d: w(d / "m.jsonl", json.dumps({"doc_id": "e"}) + "\n"),
        0,
        1,
        {"bad_text"},
    ),
    "jsonl_text_not_string": (
        lambda d: w(d / "n.jsonl", json.dumps({"doc_id": "f", "text": ["a"]}) + "\n"),
        0,
        1,
        {"bad_text"},
    ),
    "jsonl_duplicate_ids": (
        lambda d: w(
            d / "dup.jsonl", "\n".join(json.dumps({"doc_id": "g", "text": NEWS}) for _ in range(3))
        ),
        3,
        3,
        {"duplicate_doc_id"},
    ),
    "jsonl_bom": (
        lambda d: w(
            d / "bom.jsonl", b"\xef\xbb\xbf" + json.dumps({"doc_id": "h", "text": NEWS}).encode()
        ),
        1,
        1,
        set(),
    ),
    "jsonl_lone_surrogate": (
        lambda d: w(
            d / "sur.jsonl",
            '{"doc_id": "s", "title": "T\\udc00", "text": "He said \\"bad \\ud800 text\\" '
            'today."}\n',
        ),
        1,
        1,
        {"decoding"},
    ),
    "jsonl_not_object": (lambda d: w(d / "arr.jsonl", '[1, 2]\n"text"\n'), 0, 2, {"bad_record"}),
    "csv_ragged_and_newlines": (
        lambda d: w(d / "r.csv", 'doc_id,text\nk1,"multi\nline text."\nk2\nk3,"ok",extra\n'),
        1,
        3,
        {"ragged_row"},
    ),
    "csv_bom_header": (
        lambda d: w(d / "b.csv", b"\xef\xbb\xbfdoc_id,text\nm1,Hello there.\n"),
        1,
        1,
        set(),
    ),
    "csv_no_text_column": (lambda d: w(d / "x.csv", "id,words\n1,hi\n"), 0, 1, {"bad_csv"}),
    "non_ascii_path": (
        lambda d: w(
            d / "dossier \u00e9t\u00e9 \u65b0\u95fb" / "art\u00edculo con espacios.txt", NEWS
        ),
        1,
        1,
        set(),
    ),
    "symlink_loop": (
        lambda d: (w(d / "loop" / "a.txt", NEWS), os.symlink(d / "loop", d / "loop" / "again")),
        1,
        1,
        set(),
    ),
    "unknown_extension": (
        lambda d: w(d / "notes.docx", b"PK\x03\x04"),
        0,
        0,
        {"skipped_file_type"},
    ),
    "stray_marks_every_paragraph": (
        lambda d: w(
            d / "stray.txt",
            "\n\n".join(f"Paragraph {i} has a \u201cstray mark." for i in range(50)),
        ),
        1,
        1,
        {"unclosed_quote"},
    ),
}


def run_case(folder: Path):
    return run([folder], time_budget_s=20)


def accounted(result) -> None:
    issues = result.tables["issues"]
    assert "internal_error" not in set(issues["code"]), issues[issues["code"] == "internal_error"][
        "message"
    ].tolist()
    assert result.processed + result.failed == result.documents_in
    assert result.failed == int(issues["fatal"].sum())


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_case(name: str, tmp_path: Path) -> None:
    writer, processed, documents_in, codes = CASES[name]
    folder = tmp_path / name
    folder.mkdir()
    writer(folder)
    result = run_case(folder)
    accounted(result)
    assert (result.processed, result.documents_in) == (processed, documents_in)
    assert codes <= set(result.tables["issues"]["code"]), result.tables["issues"][
        ["code", "message"]
    ].to_dict("records")
    for row in result.tables["quotes"].itertuples():
        text = result.tables["articles"].set_index("doc_id").loc[row.doc_id, "text"]
        assert text[row.start : row.end] == row.text


def test_stray_marks_are_summarised_not_listed(tmp_path: Path) -> None:
    w(tmp_path / "marks.txt", "text " + '"' * 5000)
    issues = run([tmp_path]).tables["issues"]
    assert 1 <= len(issues) <= 10


def test_corpus_accounting(tmp_path: Path) -> None:
    """All cases in one batch: nothing crashes, nothing is lost, the counts add up."""
    for name, (writer, *_rest) in CASES.items():
        (tmp_path / name).mkdir()
        writer(tmp_path / name)
    result = run_case(tmp_path)
    accounted(result)
    assert result.documents_in == sum(case[2] for case in CASES.values())
    assert result.processed == sum(case[1] for case in CASES.values())
    assert len(CASES) >= 30


def test_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "secret.txt"
    w(target, NEWS)
    original = Path.read_bytes

    def deny(self: Path) -> bytes:
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    result = run([tmp_path])
    (issue,) = result.tables["issues"].itertuples()
    assert (issue.code, issue.message, bool(issue.fatal)) == (
        "unreadable",
        "permission denied",
        True,
    )


def test_too_large_file_and_document_limits(tmp_path: Path) -> None:
    w(tmp_path / "big.txt", "a " * 600)
    w(tmp_path / "ok.txt", NEWS)
    result = run([tmp_path], max_bytes=1000)
    codes = dict(
        zip(
            result.tables["issues"]["source"].map(lambda s: Path(s).name),
            result.tables["issues"]["code"],
            strict=False,
        )
    )
    assert codes == {"big.txt": "too_large"} and result.processed == 1
    result = run([tmp_path], max_chars=500)
    assert list(result.tables["issues"]["code"]) == ["too_long"] and result.processed == 1


def test_time_budget_turns_a_slow_document_into_an_issue(monkeypatch: pytest.MonkeyPatch) -> None:
    import time as time_module

    extractor = Extractor(time_budget_s=0.2)

    def slow(article):
        deadline = time_module.monotonic() + 5
        while time_module.monotonic() < deadline:
            pass

    monkeypatch.setattr(extractor, "process", slow)
    result = extractor.process_safely(Article.build(doc_id="slow", text=NEWS))
    (issue,) = result.issues
    assert issue.code == "timeout" and issue.fatal and "0.2 s" in issue.message


def test_internal_error_costs_one_document(monkeypatch: pytest.MonkeyPatch) -> None:
    extractor = Extractor()

    def boom(article):
        raise ValueError("synthetic bug")

    monkeypatch.setattr(extractor, "process", boom)
    (issue,) = extractor.process_safely(Article.build(doc_id="x", text=NEWS)).issues
    assert issue.code == "internal_error" and "ValueError: synthetic bug" in issue.message
    with pytest.raises(ValueError):
        extractor.process_safely(Article.build(doc_id="x", text=NEWS), debug=True)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("bytes")
    (folder / "doc.txt").write_bytes(data)
    (folder / "doc.jsonl").write_bytes(data)
    (folder / "doc.csv").write_bytes(data)
    items = list(read_inputs([folder]))
    assert items  # every file yields an article or an issue
    result = run([folder])
    accounted(result)


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=600))
def test_arbitrary_text_never_raises_and_is_deterministic(text: str) -> None:
    extractor = Extractor()
    article = Article.build(doc_id="h", text=text)
    first = extractor.process(article)
    second = extractor.process(article)
    assert first.quotes == second.quotes and first.claims == second.claims
    for q in first.quotes:
        assert text[q.start : q.end] == q.text
    for c in first.claims:
        assert 0 <= c.start <= c.end <= len(text)
        if c.low is not None and c.best is not None:
            assert c.low <= c.best
        if c.high is not None and c.best is not None:
            assert c.best <= c.high


def test_results_do_not_depend_on_batch_composition(tmp_path: Path) -> None:
    from conftest import SEEDS

    both = run([SEEDS])
    alone = run([SEEDS / "001_41ce0450144724b7.txt"])
    for table in ("quotes", "claims"):
        together = both.tables[table][
            both.tables[table]["doc_id"] == "001_41ce0450144724b7"
        ].reset_index(drop=True)
        assert together.equals(alone.tables[table]), table


@pytest.mark.parametrize(
    "text, value",
    [
        ("Activists say more than 17\u200b000 people have been killed.", 17000),  # zero-width space
        ("Officials said 17\u00a0000 people were killed.", 17000),  # no-break space
        ("Officials said 17\u202f000 people were killed.", 17000),  # narrow no-break space
        ("Officials said \uff11\uff17 people were killed.", 17),  # full-width digits
    ],
)
def test_digit_groups_with_invisible_separators(text: str, value: int) -> None:
    (claim,) = Extractor().process(Article.build(doc_id="n", text=text)).claims
    assert claim.value == value and text[claim.count_start : claim.count_end] == claim.count_text
