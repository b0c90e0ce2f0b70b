"""Triage: the incidents whose figures disagree, most severe first, one line each.

What a desk editor reads first (``quotetrack compare`` on stdout, the top of the HTML report):
for each incident with a flag, its severity, what and where (the incident's label) and who says
what (each claimant's latest figure), then one line counting the incidents that agree, were only
updated, or have a single source. ``--kind`` keeps the incidents with a flag of that kind;
``--min-severity`` drops flags below a severity (high > medium > low > info).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

SEVERITIES = ("high", "medium", "low", "info")
RANK = {s: len(SEVERITIES) - n for n, s in enumerate(SEVERITIES)}  # high 4 ... info 1


@dataclass(frozen=True)
class TriageFilter:
    """Which flags triage shows: of these kinds (None: all), at least this severe."""

    kinds: tuple[str, ...] | None = None
    min_severity: str = "info"

    def keeps(self, kind: Any, severity: Any) -> bool:
        """Whether a flag of ``kind`` and ``severity`` passes the filter."""
        if self.kinds is not None and kind not in self.kinds:
            return False
        return RANK.get(str(severity), 0) >= RANK[self.min_severity]


@dataclass(frozen=True)
class TriageRow:
    """One incident that disagrees, as triage shows it."""

    group_id: str
    severity: str
    kinds: tuple[str, ...]
    label: str
    who_says: str
    n_flags: int

    def line(self) -> str:
        """The incident on one line: severity, what and where, who says what, its flags."""
        kinds = ", ".join(self.kinds)
        return (
            f"[{self.severity.upper()}] {self.label}: {self.who_says} "
            f"({kinds}; {self.n_flags} flag{'s' if self.n_flags != 1 else ''}; {self.group_id})"
        )


def who_says(incident: dict[str, Any]) -> str:
    """Each claimant's latest figure: "SOHR: six killed [6, 6]; LCC: seven killed [7, 7]"."""
    parts = zip(
        incident.get("claimants") or [],
        incident.get("figures") or [],
        incident.get("intervals") or [],
        strict=False,
    )
    return "; ".join(f"{who}: {figure} {interval}" for who, figure, interval in parts)


def triage(
    incidents: Iterable[dict[str, Any]],
    disagreements: Iterable[dict[str, Any]],
    keep: TriageFilter | None = None,
) -> tuple[list[TriageRow], Counter[str]]:
    """The incidents with a flag that ``keep`` passes, most severe first (then most flags), and
    the statuses of the other incidents (collapsed into counts)."""
    keep = keep or TriageFilter()
    flags: dict[str, list[dict[str, Any]]] = {}
    for d in disagreements:
        if d.get("incident_id") and keep.keeps(d.get("kind"), d.get("severity")):
            flags.setdefault(str(d["incident_id"]), []).append(d)
    rows: list[TriageRow] = []
    others: Counter[str] = Counter()
    for inc in incidents:
        found = flags.get(str(inc.get("group_id")))
        if not found:
            others[str(inc.get("status") or "single_source")] += 1
            continue
        worst = max(found, key=lambda d: RANK.get(str(d.get("severity")), 0))
        rows.append(
            TriageRow(
                group_id=str(inc["group_id"]),
                severity=str(worst.get("severity")),
                kinds=tuple(sorted({str(d.get("kind")) for d in found})),
                label=str(inc.get("label") or ""),
                who_says=who_says(inc),
                n_flags=len(found),
            )
        )
    rows.sort(key=lambda r: (-RANK.get(r.severity, 0), -r.n_flags, r.group_id))
    return rows, others


def triage_text(
    incidents: Iterable[dict[str, Any]],
    disagreements: Iterable[dict[str, Any]],
    keep: TriageFilter | None = None,
) -> str:
    """The triage as text: one line per incident that disagrees, then the collapsed rest."""
    rows, others = triage(incidents, disagreements, keep)
    lines = [r.line() for r in rows] or ["no incident with a flag to show"]
    if others:
        rest = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in sorted(others.items()))
        lines.append(f"other incidents: {rest}")
    return "\n".join(lines) + "\n"
