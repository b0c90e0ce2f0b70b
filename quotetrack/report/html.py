"""The HTML report: one self-contained file (no network, no script) an editor can read and print.

``render_report(tables)`` takes the tables of ``quotetrack.run`` (or ``Store.tables()``) and
returns the page: per event group, every claim drawn on one number line (an inline SVG: a point
for an exact figure, a bar for a range, an arrow for an open bound), coloured by the most severe
flag it takes part in; the disagreements with their explanations and each side's sentence with
the figure highlighted; quotes by speaker with their cross-outlet matches and word-level diffs;
and every article's text, in which each quote and claim is an anchor that a link highlights (CSS
``:target``). All article text is escaped; the styles live in ``report.css`` beside this module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import math
from collections import defaultdict
from collections.abc import Iterable
from importlib import resources
from typing import Any

import pandas as pd
import regex
from rapidfuzz.distance import Levenshtein

from quotetrack.report.triage import TriageFilter, triage
from quotetrack.tables.export import records

#: flag kind -> colour of its marks, most severe first (a claim takes the first kind it is in).
FLAG_COLOURS: dict[str, str] = {
    "contradiction": "#c62828",
    "part_exceeds_whole": "#ad1457",
    "divergence": "#e65100",
    "same_claimant_inconsistent": "#9e7c00",
    "attribution_mismatch": "#6a1b9a",
    "scope_mismatch": "#607d8b",
    "revision_down": "#00838f",
    "update": "#1565c0",
}
UNFLAGGED = "#37474f"
WIDTH, LABEL_W, LANE_H, PAD = 960, 270, 28, 24
_UNSAFE_ID = regex.compile(r"[^A-Za-z0-9_.:-]")
_WORD_EDGE = regex.compile(r"^\W+|\W+$")


def esc(value: Any) -> str:
    """HTML-escaped text of a cell (empty for missing values)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def anchor(kind: str, key: Any) -> str:
    """A valid, unique element id for a row (``c-<claim_id>``, ``q-<quote_id>``, ``a-<doc_id>``)."""
    raw = str(key)
    safe = _UNSAFE_ID.sub("_", raw)
    if safe != raw:
        safe += "_" + hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{kind}-{safe}"


# -- number line -------------------------------------------------------------------------------
def nice_step(span: float, ticks: int = 6) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``ticks`` ticks over
    ``span``."""
    raw = max(span, 1.0) / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def shape(claim: dict[str, Any]) -> str:
    """How a claim is drawn: ``point`` (exact), ``range``, ``open-up`` (at least), ``open-down``
    (up to), ``unknown``."""
    low, high = claim.get("low"), claim.get("high")
    if low is None and high is None:
        return "unknown"
    if high is None:
        return "open-up"
    if low is None:
        return "open-down"
    return "point" if low == high else "range"


def number_line(group_id: str, claims: list[dict[str, Any]], flag_of: dict[str, str]) -> str:
    """An inline SVG with one mark per claim on one shared axis."""
    values = [v for c in claims for v in (c.get("low"), c.get("high")) if v is not None]
    top = max(values, default=1)
    top = max(
        top * 1.1, max((c["low"] * 1.3 for c in claims if shape(c) == "open-up"), default=0), 1
    )
    step = nice_step(top)
    top = math.ceil(top / step) * step
    plot_w = WIDTH - LABEL_W - PAD
    height = LANE_H * len(claims) + 2 * PAD + 6

    def x(v: float) -> float:
        return LABEL_W + plot_w * v / top

    parts = [
        f'<svg class="numberline" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" '
        f'aria-label="figures of {esc(group_id)} on one number line" data-group="{esc(group_id)}">'
    ]
    axis_y = height - PAD
    parts.append(
        f'<line class="axis" x1="{LABEL_W}" y1="{axis_y}" x2="{LABEL_W + plot_w}" y2="{axis_y}"/>'
    )
    for n in range(int(round(top / step)) + 1):
        tx = x(n * step)
        parts.append(
            f'<line class="tick" x1="{tx:.1f}" y1="{PAD - 8}" x2="{tx:.1f}" y2="{axis_y + 4}"/>'
            f'<text class="ticklabel" x="{tx:.1f}" y="{axis_y + 16}">{n * step:,.0f}</text>'
        )
    for lane, c in enumerate(claims):
        y = PAD + lane * LANE_H + LANE_H / 2
        kind = flag_of.get(c["claim_id"])
        colour = FLAG_COLOURS.get(kind or "", UNFLAGGED)
        who = c.get("claimant") or f"{c.get('outlet') or c.get('doc_id')} (own voice)"
        label = f"{who} · {c.get('outlet') or c.get('doc_id')}"
        if len(label) > 38:
            label = label[:37] + "…"
        tip = (
            f"{c.get('count_text')} {c.get('category')} — {who}, "
            f"{c.get('outlet') or c.get('doc_id')}"
            f"{', ' + str(c['published']) if c.get('published') else ''}"
            f"{' — ' + kind if kind else ''}"
        )
        parts.append(
            f'<a href="#{anchor("c", c["claim_id"])}"><g class="mark mark-{shape(c)}" '
            f'data-claim-id="{esc(c["claim_id"])}" data-flag="{esc(kind or "none")}" '
            f'fill="{colour}" stroke="{colour}"><title>{esc(tip)}</title>'
            f'<text class="lanelabel" x="{LABEL_W - 8}" y="{y + 4:.1f}">{esc(label)}</text>'
            + _mark(c, x, y, LABEL_W, LABEL_W + plot_w)
            + "</g></a>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _mark(c: dict[str, Any], x: Any, y: float, left: float, right: float) -> str:
    low, high, kind = c.get("low"), c.get("high"), shape(c)
    if kind == "point":
        return f'<circle cx="{x(low):.1f}" cy="{y:.1f}" r="6"/>'
    if kind == "range":
        return (
            f'<rect x="{x(low):.1f}" y="{y - 5:.1f}" '
            f'width="{max(x(high) - x(low), 2):.1f}" height="10" rx="2"/>'
            f'<text class="value" x="{x(high) + 6:.1f}" y="{y + 4:.1f}">{low:,}–{high:,}</text>'
        )
    if kind == "open-up":
        return (
            f'<rect x="{x(low) - 1.5:.1f}" y="{y - 7:.1f}" width="3" height="14"/>'
            f'<line x1="{x(low):.1f}" y1="{y:.1f}" x2="{right - 9:.1f}" y2="{y:.1f}" '
            f'stroke-width="3"/>'
            f'<polygon points="{right:.1f},{y:.1f} {right - 11:.1f},{y - 6:.1f} '
            f'{right - 11:.1f},{y + 6:.1f}"/>'
            f'<text class="value" x="{x(low):.1f}" y="{y - 9:.1f}">≥ {low:,}</text>'
        )
    if kind == "open-down":
        return (
            f'<rect x="{x(high) - 1.5:.1f}" y="{y - 7:.1f}" width="3" height="14"/>'
            f'<line x1="{left + 9:.1f}" y1="{y:.1f}" x2="{x(high):.1f}" y2="{y:.1f}" '
            f'stroke-width="3"/>'
            f'<polygon points="{left:.1f},{y:.1f} {left + 11:.1f},{y - 6:.1f} '
            f'{left + 11:.1f},{y + 6:.1f}"/>'
            f'<text class="value" x="{x(high):.1f}" y="{y - 9:.1f}">≤ {high:,}</text>'
        )
    return (
        f'<text class="value unknown" x="{left + 4:.1f}" y="{y + 4:.1f}">'
        f"? {esc(c.get('count_text'))}</text>"
    )


# -- highlighted text --------------------------------------------------------------------------
def highlight(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """``text`` escaped, with each ``(start, end, open_tag)`` span wrapped in its tag (``</mark>``
    closes).

    Spans are nested properly; one that crosses the end of an enclosing span is clipped there.
    """
    out: list[str] = []
    pos = 0
    stack: list[int] = []
    for start, end, tag in sorted(
        (s for s in spans if 0 <= s[0] <= s[1] <= len(text)), key=lambda s: (s[0], -s[1])
    ):
        while stack and stack[-1] <= start:
            out.append(html.escape(text[pos : stack[-1]]) + "</mark>")
            pos = stack.pop()
        if stack and end > stack[-1]:
            end = stack[-1]
        out.append(html.escape(text[pos:start]) + tag)
        pos = start
        stack.append(end)
    while stack:
        out.append(html.escape(text[pos : stack[-1]]) + "</mark>")
        pos = stack.pop()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def evidence_html(claim: dict[str, Any] | None, fallback: str) -> str:
    """The claim's sentence with its figure highlighted (or the escaped fallback evidence)."""
    if not claim:
        return esc(fallback)
    sentence = claim.get("sentence") or claim.get("evidence") or fallback or ""
    s0, start, end = claim.get("sentence_start"), claim.get("start"), claim.get("end")
    if (
        s0 is not None
        and start is not None
        and end is not None
        and 0 <= start - s0 <= end - s0 <= len(sentence)
    ):
        a, b = start - s0, end - s0
    else:
        needle = claim.get("evidence") or claim.get("count_text") or ""
        a = sentence.find(needle) if needle else -1
        b = a + len(needle)
    if a < 0:
        return esc(sentence)
    return highlight(sentence, [(a, b, '<mark class="fig">')])


def word_diff_html(a: str, b: str) -> str:
    """Word-level diff from quote ``a`` to quote ``b``: removed words struck through, added ones
    underlined."""
    wa, wb = a.split(), b.split()
    norm = lambda ws: [_WORD_EDGE.sub("", w.casefold()) for w in ws]  # noqa: E731
    out = []
    for op in Levenshtein.opcodes(norm(wa), norm(wb)):
        old, new = (
            " ".join(wa[op.src_start : op.src_end]),
            " ".join(wb[op.dest_start : op.dest_end]),
        )
        if op.tag == "equal":
            out.append(esc(new))
            continue
        if old:
            out.append(f"<del>{esc(old)}</del>")
        if new:
            out.append(f"<ins>{esc(new)}</ins>")
    return " ".join(out)


# -- sections ----------------------------------------------------------------------------------
def _flags(disagreements: list[dict[str, Any]]) -> dict[str, str]:
    order = list(FLAG_COLOURS)
    flag_of: dict[str, str] = {}
    for d in disagreements:
        for cid in d.get("claim_ids") or []:
            known = flag_of.get(cid)
            if d["kind"] in order and (
                known is None or order.index(d["kind"]) < order.index(known)
            ):
                flag_of[cid] = d["kind"]
    return flag_of


def _claim_link(c: dict[str, Any], label: str = "in the article") -> str:
    return f'<a class="goto" href="#{anchor("c", c["claim_id"])}">{esc(label)} ↗</a>'


def _groups_section(
    groups: list[dict[str, Any]], claims: dict[str, dict[str, Any]], flag_of: dict[str, str]
) -> str:
    out = ['<section id="groups"><h2>Event groups: every source\'s figure on one line</h2>']
    if not groups:
        out.append('<p class="empty">No casualty claims were grouped.</p>')
    legend = (
        "".join(
            f'<span class="key"><i style="background:{c}"></i>{esc(k.replace("_", " "))}</span>'
            for k, c in FLAG_COLOURS.items()
        )
        + f'<span class="key"><i style="background:{UNFLAGGED}"></i>no flag</span>'
    )
    if groups:
        out.append(
            '<p class="legend">Marks: ● exact figure, ▬ range, ├─▶ “at least”, ◀─┤ “up to”. '
            f"Colour: {legend}</p>"
        )
    for g in sorted(groups, key=lambda g: (-len(g.get("claim_ids") or []), str(g["group_id"]))):
        members = [claims[c] for c in g.get("claim_ids") or [] if c in claims]
        outlets = sorted({str(o) for o in g.get("outlets") or [] if o})
        title = " · ".join(
            esc(v)
            for v in (g["group_id"], g.get("category"), g.get("location"), g.get("event_date"))
            if v
        )
        out.append(
            f'<article class="group" id="{anchor("g", g["group_id"])}"><h3>{title}</h3>'
            f'<p class="meta">{len(members)} claims from '
            f"{len(set(c['doc_id'] for c in members))} articles"
            f"{' (' + esc(', '.join(outlets)) + ')' if outlets else ''}; "
            "low / best / high of what the sources say: "
            f"{esc(g.get('low')) or '?'} / {esc(g.get('best')) or '?'} / "
            f"{esc(g.get('high')) or 'open'}.</p>"
        )
        out.append(number_line(str(g["group_id"]), members, flag_of))
        out.append(
            '<table class="claims"><thead><tr><th></th><th>claimant</th><th>figure</th>'
            "<th>interval</th>"
            "<th>outlet</th><th>date</th><th>flag</th><th></th></tr></thead><tbody>"
        )
        for c in members:
            kind = flag_of.get(c["claim_id"])
            colour = FLAG_COLOURS.get(kind or "", UNFLAGGED)
            high = "∞" if c.get("high") is None else f"{c['high']:,}"
            low = "?" if c.get("low") is None else f"{c['low']:,}"
            out.append(
                f'<tr data-claim-id="{esc(c["claim_id"])}">'
                f'<td><i class="swatch" style="background:{colour}"></i></td>'
                f"<td>{esc(c.get('claimant')) or '<em>own voice</em>'}</td>"
                f"<td>{esc(c.get('count_text'))} "
                f"{esc(c.get('category'))}</td><td>[{low}, {high}]</td>"
                f"<td>{esc(c.get('outlet'))}</td>"
                f"<td>{esc(c.get('published'))}</td><td>{esc((kind or '').replace('_', ' '))}</td>"
                f"<td>{_claim_link(c)}</td></tr>"
            )
        out.append("</tbody></table></article>")
    out.append("</section>")
    return "".join(out)


def _disagreements_section(
    disagreements: list[dict[str, Any]], claims: dict[str, dict[str, Any]]
) -> str:
    out = ['<section id="disagreements"><h2>Disagreements</h2>']
    if not disagreements:
        out.append('<p class="empty">No figures disagree.</p>')
    out.append('<ol class="disagreements">')
    for d in disagreements:
        colour = FLAG_COLOURS.get(d["kind"], UNFLAGGED)
        review = ' <span class="review">needs review</span>' if d.get("needs_review") else ""
        out.append(
            f'<li class="disagreement kind-{esc(d["kind"])}" '
            f'id="{anchor("d", d["disagreement_id"])}">'
            f'<p><span class="badge" style="background:{colour}">'
            f"{esc(d['kind'].replace('_', ' '))}</span> "
            f'<span class="severity">{esc(d.get("severity"))}</span>{review} '
            f'<span class="explanation">{esc(d.get("explanation"))}</span></p><ul class="sides">'
        )
        evidence = d.get("evidence") or []
        for n, cid in enumerate(d.get("claim_ids") or []):
            c = claims.get(cid)
            who = (
                (c or {}).get("outlet")
                or (d.get("outlets") or [None] * (n + 1))[n]
                or (c or {}).get("doc_id", "")
            )
            ev = evidence[n] if n < len(evidence) else ""
            link = _claim_link(c, "show in article") if c else ""
            out.append(
                f'<li><span class="who">{esc(who)}</span> '
                f'<q class="evidence">{evidence_html(c, ev)}</q> {link}</li>'
            )
        out.append("</ul></li>")
    out.append("</ol></section>")
    return "".join(out)


def _quotes_section(quotes: list[dict[str, Any]], matches: list[dict[str, Any]]) -> str:
    by_quote: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in matches:
        for qid in m.get("quote_ids") or []:
            by_quote[qid].append(m)
    quote_by_id = {q["quote_id"]: q for q in quotes}
    speakers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in quotes:
        if q.get("kind") != "scare":
            speakers[q.get("speaker") or ""].append(q)
    out = ['<section id="quotes"><h2>Quotes by speaker</h2>']
    if not speakers:
        out.append('<p class="empty">No quotes were found.</p>')
    for speaker in sorted(speakers, key=lambda s: (s == "", -len(speakers[s]), s)):
        rows = speakers[speaker]
        out.append(
            f'<article class="speaker"><h3>{esc(speaker) or "No speaker found"} '
            f'<span class="count">{len(rows)} quotes</span></h3><ul class="quotes">'
        )
        for q in rows:
            out.append(
                f'<li class="quote" data-quote-id="{esc(q["quote_id"])}">'
                f'<span class="qtext">{esc(q["text"])}</span> '
                f'<span class="who">{esc(q.get("outlet") or q["doc_id"])}</span> '
                f'<a class="goto" href="#{anchor("q", q["quote_id"])}">in the article ↗</a>'
            )
            for m in by_quote.get(q["quote_id"], []):
                others = [
                    o for o in m.get("quote_ids") or [] if o != q["quote_id"] and o in quote_by_id
                ]
                for o in others:
                    other = quote_by_id[o]
                    diff = word_diff_html(q["text"], other["text"])
                    out.append(
                        '<div class="match"><span class="status">'
                        f"{esc(str(m.get('status')).replace('_', ' '))}</span> "
                        f"in {esc(other.get('outlet') or other['doc_id'])} "
                        f"(similarity {float(m.get('similarity') or 0):.2f}"
                        f"{', syndicated copy' if m.get('syndicated') else ''}"
                        f"{', speakers differ' if m.get('speaker_agrees') is False else ''}) "
                        f'<a class="goto" href="#{anchor("q", o)}">there ↗</a>'
                        f'<div class="diff">{diff}</div></div>'
                    )
            out.append("</li>")
        out.append("</ul></article>")
    out.append("</section>")
    return "".join(out)


def _articles_section(
    articles: list[dict[str, Any]], quotes: list[dict[str, Any]], claims: list[dict[str, Any]]
) -> str:
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for q in quotes:
        spans[q["doc_id"]].append(
            (
                q["start"],
                q["end"],
                f'<mark class="q" id="{anchor("q", q["quote_id"])}" '
                f'title="quote: {esc(q.get("speaker") or "no speaker")}">',
            )
        )
    for c in claims:
        spans[c["doc_id"]].append(
            (
                c["start"],
                c["end"],
                f'<mark class="c" id="{anchor("c", c["claim_id"])}" '
                f'title="{esc(c.get("category"))}: {esc(c.get("count_text"))}">',
            )
        )
    out = ['<section id="articles"><h2>Articles</h2>']
    for a in articles:
        meta = " · ".join(
            esc(v) for v in (a.get("outlet"), a.get("published"), a["doc_id"], a.get("source")) if v
        )
        out.append(
            f'<article class="doc" id="{anchor("a", a["doc_id"])}">'
            f"<h3>{esc(a.get('title') or a['doc_id'])}</h3>"
            f'<p class="meta">{meta}</p>'
            f'<div class="text">{highlight(a.get("text") or "", spans[a["doc_id"]])}</div>'
            "</article>"
        )
    out.append("</section>")
    return "".join(out)


def _triage_section(incidents: list[dict[str, Any]], disagreements: list[dict[str, Any]]) -> str:
    """The incidents that disagree, most severe first, one line each; the rest collapsed."""
    rows, others = triage(incidents, disagreements, TriageFilter(min_severity="low"))
    out = ['<section id="triage"><h2>Incidents that disagree</h2>']
    if rows:
        out.append('<ol class="triage">')
        for r in rows:
            out.append(
                f'<li class="sev-{esc(r.severity)}"><b>{esc(r.severity.upper())}</b> '
                f'{esc(r.label)}: {esc(r.who_says)} <span class="meta">({esc(", ".join(r.kinds))}; '
                f"{r.n_flags} flag{'s' if r.n_flags != 1 else ''}; {esc(r.group_id)})</span></li>"
            )
        out.append("</ol>")
    else:
        out.append("<p>No incident with a flag.</p>")
    if others:
        rest = ", ".join(f"{n} {esc(k.replace('_', ' '))}" for k, n in sorted(others.items()))
        out.append(f'<p class="meta">Other incidents: {rest}.</p>')
    out.append("</section>")
    return "".join(out)


def _css() -> str:
    return resources.files("quotetrack.report").joinpath("report.css").read_text(encoding="utf-8")


def render_report(
    tables: dict[str, pd.DataFrame], title: str = "quotetrack report", generated: str | None = None
) -> str:
    """The whole report as one HTML string (inline CSS and SVG; nothing loaded from elsewhere)."""
    rows = {name: records(frame) for name, frame in tables.items()}
    articles, quotes, claims = (
        rows.get("articles", []),
        rows.get("quotes", []),
        rows.get("claims", []),
    )
    disagreements = rows.get("disagreements", [])
    claim_by_id = {c["claim_id"]: c for c in claims}
    flag_of = _flags(disagreements)
    generated = generated or dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")
    outlets = sorted({str(a["outlet"]) for a in articles if a.get("outlet")})
    counts = (
        f"{len(articles)} articles ({len(outlets)} named outlets), {len(quotes)} quotes, "
        f"{len(claims)} claims, "
        f"{len(rows.get('event_groups', []))} event groups, {len(disagreements)} disagreements"
    )
    body = [
        f"<header><h1>{esc(title)}</h1>"
        f'<p class="meta">{esc(counts)}. Generated {esc(generated)} by quotetrack.</p>'
        '<nav><a href="#triage">Triage</a> <a href="#groups">Event groups</a> '
        '<a href="#disagreements">Disagreements</a> '
        '<a href="#quotes">Quotes</a> <a href="#articles">Articles</a></nav></header><main>',
        _triage_section(rows.get("incidents", []), disagreements),
        _groups_section(rows.get("event_groups", []), claim_by_id, flag_of),
        _disagreements_section(disagreements, claim_by_id),
        _quotes_section(quotes, rows.get("quote_matches", [])),
        _articles_section(articles, quotes, claims),
        "</main>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_css()}</style></head><body>"
        + "".join(body)
        + "</body></html>\n"
    )
