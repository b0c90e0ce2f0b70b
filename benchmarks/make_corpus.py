"""Write a large JSONL corpus for memory and scale runs (not committed data: generated on demand).

    python benchmarks/make_corpus.py --mb 1000 -o /tmp/big.jsonl
    /usr/bin/time -v quotetrack run /tmp/big.jsonl --out /tmp/big-out --jobs 2 --quiet

The eval texts (../shared/eval, read by path) are repeated with a distinct doc_id and a short
distinct first line per copy, until the file reaches the size asked for.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def write_corpus(mb: float, output: str | Path) -> tuple[int, int]:
    """Write the eval texts repeated to at least ``mb`` MB; return (bytes written, copies)."""
    rows = [json.loads(line) for name in ("polnear-dev.jsonl", "ecb-dev-docs.jsonl")
            for line in (EVAL / name).read_text(encoding="utf-8").splitlines()]
    limit = int(mb * 1e6)
    written = copy = 0
    with open(output, "w", encoding="utf-8") as out:
        while written < limit:
            for row in rows:
                line = json.dumps({"doc_id": f"{row['doc_id']}-{copy}", "outlet": row.get("outlet") or None,
                                   "published": row.get("date"), "text": f"Copy {copy}.\n\n{row['text']}"}) + "\n"
                out.write(line)
                written += len(line.encode("utf-8"))
                if written >= limit:
                    break
            copy += 1
    return written, copy


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, required=True)
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    written, copies = write_corpus(args.mb, args.output)
    print(f"wrote {written / 1e6:.1f} MB ({copies} copies of the eval articles) to {args.output}")


if __name__ == "__main__":
    main()
