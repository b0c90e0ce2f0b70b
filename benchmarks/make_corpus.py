"""Write a large JSONL corpus for memory and scale runs (not committed data: generated on demand).

    python benchmarks/make_corpus.py --mb 1000 -o /tmp/big.jsonl
    /usr/bin/time -v quotetrack run /tmp/big.jsonl --out /tmp/big-out --jobs 2 --quiet

The eval texts (../shared/eval, read by path) are repeated with a distinct doc_id and a short
distinct first line per copy, until the file reaches the size asked for.

``--distinct`` makes every copy a different text, as an archive of real news is: each word of four
letters or more that no rules file uses (names, places, most nouns) is replaced by a pseudo-word
drawn for that word and copy, and the published date moves a day per copy. The rules' own words
("said", "killed", "at least") keep their form outside quotation marks, so copies still hold quotes
and claims, but every copy's quotes, speakers, claimants and anchors are new: what the comparison
keeps grows as it would. Inside quotation marks every word of four letters or more is replaced:
otherwise the quotes made mostly of common words would stay near-identical across all copies, and
N copies would make N²/2 "altered" quote pairs that no archive of different stories has.

    python benchmarks/make_corpus.py --mb 300 --distinct -o /tmp/distinct.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import tomllib
from pathlib import Path

import regex

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
RULES = Path(__file__).resolve().parents[1] / "rules"
WORD_RE = regex.compile(r"\b[A-Za-z][a-z]{3,}\b(?!['’]t\b)")  # not "didn't"
QUOTED_RE = regex.compile(
    r"“[^”\n]*”|''[^\n]*?''|\"[^\"\n]*\""
)  # a quotation (curly, two apostrophes or straight) in one line
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def rule_words() -> frozenset[str]:
    """Every word (lower-cased) that a string of a rules file holds: these keep their form."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.update(w.lower() for w in regex.findall(r"[A-Za-z]+", value))
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for path in sorted(RULES.glob("*.toml")):
        walk(tomllib.loads(path.read_text(encoding="utf-8")))
    return frozenset(found)


def pseudo_word(word: str, copy: int) -> str:
    """A stand-in for ``word`` in copy ``copy`` (same for every use in that copy): as many letters
    (up to 16), drawn from the whole alphabet, so that two copies' words are as unlike as two
    different words are (stand-ins made of consonant-vowel syllables look alike letter by letter,
    and made different articles' quotes near-identical to a character-level similarity)."""
    digest = hashlib.blake2b(f"{copy}:{word.lower()}".encode(), digest_size=16).digest()
    made = "".join(LETTERS[b % len(LETTERS)] for b in digest[: len(word)])
    return made.capitalize() if word[0].isupper() else made


def distinct_copy(row: dict, copy: int, keep: frozenset[str]) -> dict:
    """``row`` as a different article: new words where the rules do not look, date moved ``copy``
    days."""

    def outside(match: regex.Match[str]) -> str:
        return match[0] if match[0].lower() in keep else pseudo_word(match[0], copy)

    def quoted(match: regex.Match[str]) -> str:
        return WORD_RE.sub(lambda word: pseudo_word(word[0], copy), match[0])

    pieces = QUOTED_RE.split(
        row["text"]
    )  # text outside quotations; the quotations are made again below
    quotations = [quoted(m) for m in QUOTED_RE.finditer(row["text"])]
    text = "".join(
        WORD_RE.sub(outside, piece) + (quotations[i] if i < len(quotations) else "")
        for i, piece in enumerate(pieces)
    )
    published = row.get("published")
    try:
        published = (
            dt.date.fromisoformat(str(published)[:10]) + dt.timedelta(days=copy)
        ).isoformat()
    except ValueError:
        pass
    return {**row, "text": text, "published": published}


def write_corpus(mb: float, output: str | Path, distinct: bool = False) -> tuple[int, int]:
    """Write the eval texts repeated to at least ``mb`` MB (``distinct``: each copy a different
    text); return (bytes written, copies)."""
    rows = [
        json.loads(line)
        for name in ("polnear-dev.jsonl", "ecb-dev-docs.jsonl")
        for line in (EVAL / name).read_text(encoding="utf-8").splitlines()
    ]
    keep = rule_words() if distinct else frozenset()
    limit = int(mb * 1e6)
    written = copy = 0
    with open(output, "w", encoding="utf-8") as out:
        while written < limit:
            for row in rows:
                item = {
                    "doc_id": f"{row['doc_id']}-{copy}",
                    "outlet": row.get("outlet") or None,
                    "published": row.get("date"),
                    "text": f"Copy {copy}.\n\n{row['text']}",
                }
                line = json.dumps(distinct_copy(item, copy, keep) if distinct else item) + "\n"
                out.write(line)
                written += len(line.encode("utf-8"))
                if written >= limit:
                    break
            copy += 1
    return written, copy


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--mb", type=float, required=True)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--distinct", action="store_true", help="make every copy a different text")
    args = ap.parse_args()
    written, copies = write_corpus(args.mb, args.output, args.distinct)
    kind = "distinct variants" if args.distinct else "copies"
    print(f"wrote {written / 1e6:.1f} MB ({copies} {kind} of the eval articles) to {args.output}")


if __name__ == "__main__":
    main()
