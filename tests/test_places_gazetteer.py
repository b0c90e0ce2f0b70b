"""The place file (``rules/gazetteer.tsv``) and the users' ``[gazetteer]`` table: which place
nests in which, ambiguous names, loading once and fast. Places are invented."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import pytest

from quotetrack.compare.events import ClaimFacts, EventTyper, compatible_pairs
from quotetrack.compare.places import PlaceIndex, gazetteer_path, load_gazetteer
from quotetrack.compare.rules import CompareRules
from quotetrack.errors import RulesError
from quotetrack.rulebook.ruleset import default_rules_dir, load_ruleset

ROWS = [
    "# invented places",
    "name\tparent\tkind\tcountry",
    "Qarsland\t\tcountry\tQL",
    "Zembria\t\tcountry\tZB",
    "Vellmora\tQarsland\tcity\tQL",
    "Ostrava Hills\tQarsland\tprovince\tQL",
    "Dunmere\tOstrava Hills\tcity\tQL",
    "Tarvik\tQarsland\tcity\tQL",
    "Tarvik\tZembria\tcity\tZB",
    "Lorn\tQarsland\tcity\tQL",
    "Lorn\tOstrava Hills\tprovince\tQL",
    "Zembria\tQarsland\tprovince\tQL",
]


def index(tmp_path: Path, rows: list[str], users: dict[str, list[str]] | None = None) -> PlaceIndex:
    """A place index of the shipped compare rules with ``rows`` as its place file."""
    path = tmp_path / "places.tsv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    rules: CompareRules = load_ruleset().get("compare.toml")
    update: dict[str, object] = {"gazetteer_file": str(path)}
    if users is not None:
        update["gazetteer"] = users
    return PlaceIndex(rules.model_copy(update=update))


def test_a_city_nests_in_its_province_and_country(tmp_path: Path) -> None:
    places = index(tmp_path, ROWS)
    assert places.ancestors("dunmere") == ["ostrava hills", "qarsland"]
    assert places.relation(places.key("the city of Dunmere"), places.key("Qarsland")) == "nested"
    assert places.outer("dunmere", "qarsland") == ("dunmere", "qarsland")
    assert places.relation("vellmora", "dunmere") == "disjoint"


def test_a_name_of_two_countries_nests_only_in_what_names_one_reading(tmp_path: Path) -> None:
    places = index(tmp_path, ROWS)
    assert places.ancestors("tarvik") == []
    assert places.relation("tarvik", "qarsland") == "nested"
    assert places.relation("tarvik", "zembria") == "nested"
    assert places.relation("tarvik", "ostrava hills") == "disjoint"
    assert places.outer("qarsland", "tarvik") == ("tarvik", "qarsland")


def test_readings_in_one_country_nest_in_the_country(tmp_path: Path) -> None:
    places = index(tmp_path, ROWS)
    assert places.ancestors("lorn") == ["qarsland"]


def test_a_country_name_never_gets_a_parent(tmp_path: Path) -> None:
    places = index(tmp_path, ROWS)
    assert places.ancestors("zembria") == []
    assert places.relation("zembria", "qarsland") == "disjoint"


def test_the_users_table_nests_and_overrides_the_file(tmp_path: Path) -> None:
    places = index(tmp_path, ROWS, users={"Qarsland": ["Brellin"], "Zembria": ["Vellmora"]})
    assert places.relation("brellin", "qarsland") == "nested"
    assert places.ancestors("vellmora") == ["zembria"]


def test_texts_do_not_override_the_file(tmp_path: Path) -> None:
    places = index(tmp_path, ROWS)
    places.add_relations([("Vellmora", "Zembria"), ("Kesh", "Vellmora")])
    assert places.ancestors("vellmora") == ["qarsland"]
    assert places.ancestors("kesh") == ["vellmora", "qarsland"]


def test_a_bad_line_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match=r"places\.tsv: line 3"):
        index(tmp_path, [*ROWS[:2], "Vellmora\tQarsland"])


def test_no_file_no_nesting() -> None:
    rules: CompareRules = load_ruleset().get("compare.toml")
    places = PlaceIndex(rules.model_copy(update={"gazetteer_file": "", "gazetteer": {}}))
    assert places.known.parent == {}
    assert places.relation("vellmora", "qarsland") == "disjoint"


def test_the_shipped_file_loads_once_fast_and_small() -> None:
    rules: CompareRules = load_ruleset().get("compare.toml")
    path = gazetteer_path(rules.model_copy(update={"gazetteer_file": "gazetteer.tsv"}))
    assert path == default_rules_dir() / "gazetteer.tsv"
    assert path.stat().st_size < 2_000_000
    head = path.read_text(encoding="utf-8")[:2000]
    assert "CC BY 4.0" in head and "LGPL" in head and "scripts/build_gazetteer.py" in head
    generic = frozenset(w.lower() for w in rules.places.generic)
    start = time.perf_counter()
    first = load_gazetteer(path, generic)
    took = time.perf_counter() - start
    assert load_gazetteer(path, generic) is first  # once per process
    assert took < 2.0  # generous: about 0.1 s on a busy 2-core machine
    assert len(first.parent) > 10_000 and len(first.countries) > 200
    # every chain of places ends at a country
    places = PlaceIndex(rules.model_copy(update={"gazetteer": {}}))
    assert all(places.ancestors(c)[-1] in first.countries for c in first.parent)


def facts(index: int, doc: str, place: str) -> ClaimFacts:
    """A dated claim of its own article with a place key and no anchors."""
    return ClaimFacts(
        row={"doc_id": doc, "category": "killed", "sentence_start": 0},
        index=index,
        measure="incident",
        date=dt.date(2031, 3, 4),
        place=place,
        types=frozenset(),
        families=frozenset(),
        claimant_key=frozenset(),
        low=3,
        high=3,
        best=3.0,
    )


def test_a_country_alone_never_joins_two_articles(tmp_path: Path) -> None:
    places = index(tmp_path, ROWS)
    typer = EventTyper(load_ruleset().get("compare.toml"))

    def joined(a: str, b: str) -> bool:
        return bool(compatible_pairs([facts(0, "d1", a), facts(1, "d2", b)], places, typer))

    assert not joined("vellmora", "qarsland")  # a city and its country: maybe two stories
    assert not joined("qarsland", "qarsland")
    assert joined("dunmere", "ostrava hills")  # a city and its province: one place's story
    assert joined("dunmere", "dunmere")


def test_the_file_beside_compare_toml_wins_over_the_shipped_one(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), folder, ignore=shutil.ignore_patterns("gazetteer.tsv"))
    shipped = gazetteer_path(load_ruleset(folder).get("compare.toml"))
    assert shipped == default_rules_dir() / "gazetteer.tsv"
    (folder / "gazetteer.tsv").write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    places = PlaceIndex(load_ruleset(folder).get("compare.toml"))
    assert places.ancestors("dunmere") == ["ostrava hills", "qarsland"]
