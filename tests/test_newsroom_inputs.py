"""Inputs a newsroom has, tried from the command line: spreadsheet exports with their own column
names and delimiters, .json arrays, dates as people write them, web pages, other languages."""

from __future__ import annotations

import csv
import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SEEDS
from test_library import OTHER, STORY
from typer.testing import CliRunner

from quotetrack.cli.commands import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def table(out: Path, name: str) -> list[dict[str, str]]:
    with open(out / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[list[str]], delimiter: str) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)


@pytest.mark.parametrize(("name", "delimiter"), [("x.csv", ","), ("x.csv", ";"), ("x.tsv", "\t")])
def test_spreadsheet_export_with_body_date_source(
    tmp_path: Path, name: str, delimiter: str
) -> None:
    rows = [
        ["Headline", "Body", "Date", "Source"],
        ["Flood", STORY, "3/15/2013", "Daily A"],
        ["Flood toll", OTHER, "July 2, 2013", "Daily B"],
    ]
    write_rows(tmp_path / name, rows, delimiter)
    result = invoke("run", str(tmp_path / name), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    articles = table(tmp_path / "out", "articles")
    assert [a["text"] for a in articles] == [STORY, OTHER]
    assert [a["published"] for a in articles] == ["2013-03-15", "2013-07-02"]
    assert [a["date_source"] for a in articles] == ["metadata", "metadata"]
    assert [a["outlet"] for a in articles] == ["Daily A", "Daily B"]
    assert [a["title"] for a in articles] == ["Flood", "Flood toll"]
    assert {q["speaker"] for q in table(tmp_path / "out", "quotes")} == {"Maria Lopez", "Tom Reed"}


def test_columns_named_on_the_command_line(tmp_path: Path) -> None:
    rows = [["link", "story_text", "when", "paper"], ["https://e.org/1", STORY, "3/4/2013", "A"]]
    write_rows(tmp_path / "x.csv", rows, ",")
    out = tmp_path / "out"
    result = invoke(
        "run",
        str(tmp_path / "x.csv"),
        "--out",
        str(out),
        "--text-column",
        "story_text",
        "--id-column",
        "link",
        "--date-column",
        "when",
        "--outlet-column",
        "paper",
        "--url-column",
        "link",
        "--date-order",
        "DMY",
    )
    assert result.exit_code == 0, result.output
    (article,) = table(out, "articles")
    assert article["doc_id"] == article["url"] == "https://e.org/1"
    assert (article["published"], article["outlet"]) == ("2013-04-03", "A")
    assert article["metadata"] == "{}"  # every column was used for a field


def test_a_named_column_that_is_missing_is_reported(tmp_path: Path) -> None:
    write_rows(tmp_path / "x.csv", [["text"], [STORY]], ",")
    result = invoke("claims", str(tmp_path / "x.csv"), "--text-column", "body")
    assert result.exit_code == 1
    assert "no column 'body' (for text) among the columns: text" in result.stderr


def test_ambiguous_dates_follow_date_order_and_undated_says_none(tmp_path: Path) -> None:
    lines = [
        {"doc_id": "a", "text": STORY, "published": "3/4/2013"},
        {"doc_id": "b", "text": OTHER},
    ]
    path = tmp_path / "x.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    for order, expected in ((None, "2013-03-04"), ("DMY", "2013-04-03")):
        out = tmp_path / f"out-{order}"
        extra = ["--date-order", order] if order else []
        assert invoke("run", str(path), "--out", str(out), *extra).exit_code == 0
        a, b = table(out, "articles")
        assert (a["published"], a["date_source"]) == (expected, "metadata")
        assert (b["published"], b["date_source"]) == ("", "none")
    assert invoke("run", str(path), "--out", str(out), "--date-order", "XYZ").exit_code == 2


def test_json_array_as_written_by_format_json_is_read_as_records(tmp_path: Path) -> None:
    first = tmp_path / "first"
    assert invoke("run", str(SEEDS), "--out", str(first), "--format", "json").exit_code == 0
    again = tmp_path / "again"
    result = invoke("run", str(first / "articles.json"), "--out", str(again))
    assert result.exit_code == 0, result.output
    before = json.loads((first / "quotes.json").read_text(encoding="utf-8"))
    after = table(again, "quotes")
    assert [q["text"] for q in after] == [q["text"] for q in before]
    assert [a["doc_id"] for a in table(again, "articles")] == [
        "000_d622aa2cab30c1b9",
        "001_41ce0450144724b7",
    ]


def test_json_object_is_one_article_and_other_json_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps({"content": STORY}), encoding="utf-8")
    (tmp_path / "bad.json").write_text("[1, 2]", encoding="utf-8")
    result = invoke("quotes", str(tmp_path / "one.json"), str(tmp_path / "bad.json"))
    assert result.exit_code == 0, result.output
    assert "2 documents: 1 processed, 2 failed" not in result.stderr
    assert "bad.json:1: not a JSON object" in result.stderr
    assert "Maria Lopez" in result.stdout


class Pages(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    body = "".join(f"<p>{s}</p>" for s in (STORY, OTHER) * 3)
    page = (
        "<html><head><title>Flood</title><meta property='og:site_name' content='Local News'>"
        f"</head><body><article><h1>Flood</h1>{body}</article></body></html>"
    )
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    handler = functools.partial(Pages, directory=str(tmp_path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_url_is_downloaded_and_read_as_html(server: str, tmp_path: Path) -> None:
    url = f"{server}/page.html"
    out = tmp_path / "out"
    blocked = invoke("run", url, "--out", str(out))  # trafilatura refuses loopback by default
    assert blocked.exit_code == 1 and "could not download" in blocked.stderr
    result = invoke("run", url, f"{server}/missing.html", "--out", str(out), "--fetch-private")
    assert result.exit_code == 0, result.output
    (article,) = table(out, "articles")
    assert (article["doc_id"], article["url"], article["input_format"]) == (url, url, "html")
    assert article["outlet"] == "Local News"
    assert "Maria Lopez" in {q["speaker"] for q in table(out, "quotes")}
    assert "missing.html: could not download: HTTP status 404" in result.stderr


def test_no_fetch_refuses_urls(server: str) -> None:
    result = invoke("quotes", f"{server}/page.html", "--no-fetch")
    assert result.exit_code == 1
    assert "downloading is off (--no-fetch)" in result.stderr


FRENCH = (
    "Le gouvernement a annoncé mardi que les négociations reprendraient la semaine prochaine. "
    "« Nous resterons ici », a déclaré le ministre Jean Dupont devant la presse. Selon la police, "
    "au moins douze personnes ont été tuées dans l'explosion et trente autres blessées. Les "
    "secours ont continué de chercher des survivants pendant toute la nuit, a précisé un "
    "porte-parole de la préfecture. Les habitants du quartier ont été évacués vers une école."
)


def test_a_text_in_another_language_is_flagged_and_still_read(tmp_path: Path) -> None:
    (tmp_path / "fr.txt").write_text(FRENCH, encoding="utf-8")
    (tmp_path / "en.txt").write_text(" ".join([STORY, OTHER] * 3), encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("run", str(tmp_path), "--out", str(out))
    assert result.exit_code == 0, result.output
    flagged = [i for i in table(out, "issues") if i["code"] == "language_unsupported"]
    assert [i["doc_id"] for i in flagged] == ["fr"]
    assert flagged[0]["fatal"] == "False" and "English only" in flagged[0]["message"]
    assert any(q["doc_id"] == "fr" for q in table(out, "quotes"))
