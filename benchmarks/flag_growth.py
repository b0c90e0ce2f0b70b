"""Do flags grow with documents or with pairs of figures? Flags at 1x, 2x and 4x coverage.

    python benchmarks/flag_growth.py                  # ECB+ dev + train, undated and dated
    python benchmarks/flag_growth.py --copies 1 2 4 8

Coverage k: every ECB+ dev and train document (285) plus k-1 partial copies of it, as other
outlets would carry one wire story: each copy has its own doc_id and outlet, keeps the first
paragraph and each later paragraph with probability 0.8, and swaps a few reporting verbs for
synonyms ("said" -> "stated", ...), so copies are near, not exact, duplicates. "Dated" gives each
document its event's date plus 0-2 days (``../shared/eval/tools/ecb_dates.py``), and each copy
0-2 days more. Runs ``quotetrack run`` on each corpus and prints disagreement rows (all, high),
incidents and seconds. Flags that grow with documents stay near the 1x count; flags that grow
with pairs of figures grow about k^2 times.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EVAL = HERE.parent.parent / "shared" / "eval"
SOURCES = ("ecb-dev-docs.jsonl", "ecb-train-docs.jsonl")
SYNONYMS = (("said", "stated"), ("told", "informed"), ("according to", "citing"))


def load_documents() -> list[dict]:
    """The ECB+ dev and train documents, in file order."""
    docs = []
    for name in SOURCES:
        with open(EVAL / name, encoding="utf-8") as lines:
            docs.extend(json.loads(line) for line in lines if line.strip())
    return docs


def dated(docs: list[dict]) -> list[dict]:
    """The documents with the dates ``ecb_dates.py`` gives them (0-2 days of spread)."""
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        src.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
        subprocess.run(
            [sys.executable, str(EVAL / "tools" / "ecb_dates.py"), str(src), str(dst), "2"],
            check=True,
        )
        return [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]


def partial_copy(doc: dict, n: int, rng: random.Random) -> dict:
    """Copy ``n`` of ``doc``: another outlet's trimmed, lightly reworded version."""
    paragraphs = doc["text"].split("\n")
    kept = paragraphs[:1] + [p for p in paragraphs[1:] if rng.random() < 0.8]
    text = "\n".join(kept)
    for word, synonym in SYNONYMS:
        if rng.random() < 0.5:
            text = text.replace(f" {word} ", f" {synonym} ")
    copy = dict(doc, doc_id=f"{doc['doc_id']}-copy{n}", outlet=f"outlet-{n}", text=text)
    if doc.get("published"):
        day = dt.date.fromisoformat(doc["published"]) + dt.timedelta(days=rng.randint(0, 2))
        copy["published"] = day.isoformat()
    return copy


def corpus(docs: list[dict], k: int, seed: int) -> list[dict]:
    """The documents and k-1 partial copies of each."""
    rng = random.Random(seed)
    return docs + [partial_copy(d, n, rng) for n in range(1, k) for d in docs]


def run(docs: list[dict], workdir: Path) -> tuple[int, int, int, float]:
    """(disagreement rows, high ones, incidents, seconds) of ``quotetrack run`` on ``docs``."""
    source, out = workdir / "docs.jsonl", workdir / "out"
    source.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "quotetrack", "run", str(source), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"quotetrack run failed: {done.stderr.strip()}")
    seconds = time.perf_counter() - started
    with open(out / "disagreements.csv", encoding="utf-8-sig") as rows:
        flags = list(csv.DictReader(rows))
    with open(out / "incidents.csv", encoding="utf-8-sig") as rows:
        incidents = sum(1 for _ in csv.DictReader(rows))
    high = sum(1 for f in flags if f.get("severity") == "high")
    return len(flags), high, incidents, seconds


def main() -> None:
    """Print flags per coverage, undated and dated."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    documents = load_documents()
    print("dates    coverage  documents  flags  high  incidents  seconds")
    for label, docs in (("undated", documents), ("dated", dated(documents))):
        for k in args.copies:
            batch = corpus(docs, k, args.seed)
            with tempfile.TemporaryDirectory() as tmp:
                flags, high, incidents, seconds = run(batch, Path(tmp))
            print(
                f"{label:8} {k:>7}x  {len(batch):>9}  {flags:>5}  {high:>4}  {incidents:>9}"
                f"  {seconds:>7.1f}"
            )


if __name__ == "__main__":
    main()
