"""Article text is inert in the HTML report: scripts and event handlers in a quote never run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import regex

from quotetrack.pipeline.runner import run
from quotetrack.report.html import render_report

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
HOSTILE = (
    'Hostile page\n\nThe minister said "'
    "<script>document.body.setAttribute('data-pwned', '1')</script> "
    "we <img src=x onerror=\"document.body.setAttribute('data-pwned', '2')\"> will stay,\" "
    'on Monday. Police said three people were killed in <b onmouseover="alert(1)">Homs</b>.\n'
)


def report_for(tmp_path: Path) -> Path:
    source = tmp_path / "hostile.txt"
    source.write_text(HOSTILE, encoding="utf-8")
    result = run([source])
    assert len(result.tables["quotes"]) >= 1
    page = tmp_path / "report.html"
    page.write_text(
        render_report(result.tables, title="<script>alert('title')</script>"), encoding="utf-8"
    )
    return page


def test_report_escapes_article_text(tmp_path: Path) -> None:
    html = report_for(tmp_path).read_text(encoding="utf-8")
    assert not regex.search(
        r"<\s*(?:script|img|b)\b", html, regex.IGNORECASE
    )  # no tag from the article
    assert not regex.search(r"<[^>]*\son\w+\s*=", html)  # no event-handler attribute in any tag
    assert "&lt;script&gt;" in html and "&lt;script&gt;alert(&#x27;title&#x27;)" in html


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_hostile_text_is_inert_in_the_browser(tmp_path: Path) -> None:
    page = report_for(tmp_path)
    profile = tmp_path / "profile"
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=2000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert "<body" in dom and "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]
    assert "&lt;script&gt;document.body.setAttribute" in dom  # shown as text, not run
    assert "<img" not in dom
