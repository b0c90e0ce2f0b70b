"""The seeds' report in a real headless Chromium: what a person would see, and a click on a link.

Drives Chromium over the DevTools protocol (websocket-client). Skipped, with the reason, when
Chromium or websocket-client is missing; ``.ci/run`` installs Debian's ``chromium`` so CI runs it.
Screenshots are saved in the test's temporary folder (the path is printed; ``pytest -s`` shows it).
"""

from __future__ import annotations

import base64
import itertools
import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_report import seed_tables, treemseh_group

from quotetrack.report.html import anchor, render_report

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
    "--window-size=1280,1400",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)


class Page:
    """One browser tab over the DevTools protocol."""

    def __init__(self, ws_url: str) -> None:
        websocket = pytest.importorskip(
            "websocket", reason="websocket-client is not installed (pip install '.[test]')"
        )
        self.ws = websocket.create_connection(ws_url, timeout=20, suppress_origin=True)
        self.ids = itertools.count(1)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and return its result (events in between are skipped)."""
        n = next(self.ids)
        self.ws.send(json.dumps({"id": n, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == n:
                assert "error" not in reply, reply
                return reply["result"]

    def js(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """Save what the viewport shows as a PNG."""
        path.write_bytes(
            base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        )
        return path

    def wait_for(self, expression: str, seconds: float = 10) -> Any:
        """Poll until the expression is truthy."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {expression}")


@pytest.fixture(scope="module")
def report_file(tmp_path_factory, ruleset) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("report")
    tables = seed_tables(ruleset)
    path = folder / "report.html"
    path.write_text(render_report(tables, title="Syria, 12 July 2012"), encoding="utf-8")
    return path, tables


@pytest.fixture(scope="module")
def page(report_file, tmp_path_factory) -> Iterator[Page]:
    path, _ = report_file
    profile = tmp_path_factory.mktemp("chromium-profile")
    proc = subprocess.Popen(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", path.as_uri()],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            assert proc.poll() is None and time.monotonic() < deadline, "chromium did not start"
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as reply:
            targets = [t for t in json.load(reply) if t.get("type") == "page"]
        tab = Page(targets[0]["webSocketDebuggerUrl"])
        tab.wait_for(
            "document.readyState === 'complete' && !!document.querySelector('svg.numberline')"
        )
        yield tab
        tab.ws.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_chart_has_one_visible_mark_per_claim_of_the_treemseh_group(
    page: Page, report_file
) -> None:
    _, tables = report_file
    group = treemseh_group(tables)
    marks = page.js(
        f"""[...document.querySelectorAll('svg[data-group="{group["group_id"]}"] g.mark')]
        .map(g => {{ const r = g.getBoundingClientRect();
        return [g.dataset.claimId, g.dataset.flag, r.width, r.height]; }})"""
    )
    assert sorted(m[0] for m in marks) == sorted(group["claim_ids"])
    assert all(w > 0 and h > 0 for _, _, w, h in marks)
    assert "contradiction" in {m[1] for m in marks}


def test_contradiction_is_shown_with_its_explanation(page: Page, report_file) -> None:
    _, tables = report_file
    (d,) = [d for d in tables["disagreements"].to_dict("records") if d["kind"] == "contradiction"]
    shown = page.js(f"document.getElementById('{anchor('d', d['disagreement_id'])}').innerText")
    assert shown.startswith("contradiction")
    assert d["explanation"] in shown
    highlighted = page.js(
        f"[...document.getElementById('{anchor('d', d['disagreement_id'])}')"
        ".querySelectorAll('mark.fig')].map(m => m.innerText)"
    )
    assert highlighted == ["six", "seven"]


def test_click_on_a_row_link_shows_the_highlighted_span(
    page: Page, report_file, tmp_path_factory
) -> None:
    path, tables = report_file
    folder = path.parent
    page.screenshot(folder / "report-top.png")
    claim = tables["claims"].query("location == 'Treemseh' and count_text == 'six'").iloc[0]
    target = anchor("c", claim["claim_id"])
    box = page.js(f"""(() => {{
        const a = document.querySelector('#groups tr[data-claim-id="{claim["claim_id"]}"] a.goto');
        a.scrollIntoView({{block: 'center'}}); const r = a.getBoundingClientRect();
        return [r.x + r.width / 2, r.y + r.height / 2]; }})()""")
    for event in ("mousePressed", "mouseReleased"):
        page.call(
            "Input.dispatchMouseEvent", type=event, x=box[0], y=box[1], button="left", clickCount=1
        )
    page.wait_for(f"location.hash === '#{target}'")
    state = page.wait_for("""(() => { const t = document.querySelector(':target');
        if (!t) return null;
        const r = t.getBoundingClientRect(); return {id: t.id, text: t.innerText,
        bg: getComputedStyle(t).backgroundColor, top: r.top, bottom: r.bottom, h: innerHeight,
        article: t.closest('article.doc').id}; })()""")
    assert state["id"] == target
    assert state["text"] == "six"
    assert state["bg"] == "rgb(255, 213, 79)"  # the :target highlight
    assert 0 <= state["top"] and state["bottom"] <= state["h"]  # scrolled into view
    assert state["article"] == anchor("a", claim["doc_id"])
    shot = page.screenshot(folder / "report-clicked.png")
    assert shot.stat().st_size > 10_000
    print(f"screenshots: {folder / 'report-top.png'} {shot}")
