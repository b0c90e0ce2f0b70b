"""kill -9 during `quotetrack add` leaves the store consistent; a re-run completes, nothing lost or
doubled."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, SHARED

from quotetrack.pipeline.store import Store


def corpus(tmp_path: Path, copies: int = 3) -> tuple[Path, int]:
    rows = [
        json.loads(line)
        for line in (SHARED / "eval" / "ecb-dev-docs.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
    ]
    path = tmp_path / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for n in range(copies):
            for row in rows:
                fh.write(
                    json.dumps(
                        {
                            "doc_id": f"{row['doc_id']}-{n}",
                            "text": f"Copy {n}. " + row["text"],
                            "outlet": row.get("outlet") or None,
                        }
                    )
                    + "\n"
                )
    return path, copies * len(rows)


def add(path: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "quotetrack", "add", str(path), "--db", str(db), "--quiet"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("delay", [0.5, 1.5])
def test_kill_during_add_then_rerun(tmp_path: Path, delay: float) -> None:
    path, n_docs = corpus(tmp_path)
    db = tmp_path / "track.sqlite"
    first = add(path, db)
    time.sleep(delay)
    assert first.poll() is None, "the add finished before the kill: make the corpus larger"
    first.send_signal(signal.SIGKILL)
    first.wait()
    if db.exists():  # whatever was on disk at the kill must be a consistent store
        con = sqlite3.connect(db)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        con.close()
    second = add(path, db)
    _, err = second.communicate(timeout=600)
    assert second.returncode == 0, err.decode()
    with Store(db) as store:
        integrity, problems = store.checks()
        assert integrity == "ok" and problems == []
        ids = [r["doc_id"] for r in store.rows("articles")]
    assert len(ids) == len(set(ids)) == n_docs
