"""Benchmark the comparison (grouping and flagging) on many claims.

    python benchmarks/bench_compare.py              # 10,000 claims
    python benchmarks/bench_compare.py --claims 50000

Claims are synthetic but shaped like a news archive: 2,000 articles over a year, each with
five figures for one of a few hundred events (a place, a day, a category), from a handful of
claimants; each claimant has its own figure for an event (scattered around the true toll) that
the outlets repeat. Prints seconds, groups, flags and peak RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quotetrack.compare import Comparer  # noqa: E402

PLACES = [
    "Aleppo",
    "Homs",
    "Hama",
    "Idlib",
    "Daraa",
    "Raqqa",
    "Latakia",
    "Tartus",
    "Damascus",
    "Qamishli",
]
CLAIMANTS = [
    "the Syrian Observatory for Human Rights",
    "the Local Coordination Committees",
    "state media",
    "activists",
    "the health ministry",
    None,
]
CATEGORIES = ["killed", "injured", "arrested", "displaced"]


def synthetic(n_claims: int, seed: int = 7) -> list[tuple[str, str, list[dict]]]:
    """(doc_id, text, claim rows) per article."""
    rng = random.Random(seed)
    start = dt.date(2012, 1, 1)
    events = [
        (
            rng.choice(PLACES),
            start + dt.timedelta(days=rng.randrange(365)),
            rng.choice(CATEGORIES),
            rng.randrange(1, 300),
            f"Anchorname{e} Placeword{e % 50}",
        )
        for e in range(n_claims // 25)
    ]
    figures = {
        (e[:3], c): max(0, int(e[3] * rng.uniform(0.6, 1.4))) for e in events for c in CLAIMANTS
    }
    docs = []
    n = 0
    doc = 0
    while n < n_claims:
        place, day, category, toll, names = rng.choice(events)
        rows = []
        for k in range(5):
            claimant = rng.choice(CLAIMANTS)
            value = figures[((place, day, category), claimant)]
            rows.append(
                dict(
                    doc_id=f"d{doc}",
                    outlet=f"outlet{doc % 40}",
                    claim_id=f"d{doc}:c{k}",
                    start=k * 100,
                    end=k * 100 + 20,
                    count_text=str(value),
                    evidence=f"{value} people were {category}",
                    sentence=f"Shelling in {place}: {value} people were {category}, {names} said.",
                    sentence_start=k * 100,
                    category=category,
                    qualifier="exact",
                    value=value,
                    low=value,
                    high=value,
                    best=value,
                    victims="people",
                    victim_class="people",
                    claimant=claimant,
                    location=place,
                    event_date=day.isoformat(),
                    published=day.isoformat(),
                    measure="incident",
                    main_event=True,
                    count_end=k * 100 + 3,
                )
            )
        text = f"Report {doc}. {names} spoke in {place} about the shelling on {day:%A}. " * 3
        docs.append((f"d{doc}", text, rows))
        n += len(rows)
        doc += 1
    return docs


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--claims", type=int, default=10_000)
    args = ap.parse_args()
    docs = synthetic(args.claims)
    comparer = Comparer()
    t0 = time.perf_counter()
    for doc_id, text, rows in docs:
        comparer.add(doc_id, None, text, [], rows)
    t1 = time.perf_counter()
    result = comparer.finish()
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = sum(len(r) for _, _, r in docs)
    print(
        f"{n} claims in {len(docs)} articles: add {t1 - t0:.2f} s, compare {t2 - t1:.2f} s; "
        f"{len(result.event_groups)} groups, {len(result.disagreements)} flags; peak RSS "
        f"{peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
