"""Street and city names shipped with Sufler, to tell a lower-case or misheard name for a place.

The lists in resources/gazetteer/ are built from Faker (MIT licence, on PyPI): its ru_RU street
names and cities (the commonest Russian street names: «Ленина», «Садовая», «Карла Маркса» ...)
and the US Census surnames of its en_US locale (the stems of many US and UK streets:
Washington, Lincoln, Baker ...), plus common English stems written here (Main, Oak, Maple ...).
Rebuild them with `python -m assist.extract.gazetteer` (needs `pip install faker`). An admin
list (`extract.gazetteer`) is added to them. Names are matched case-insensitively; rapidfuzz
corrects a near miss («балловано» → «Баумана») only above a score threshold.
"""

from __future__ import annotations

import importlib
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

FILES = {"ru": ("streets_ru.txt", "cities_ru.txt"), "en": ("streets_en.txt", "cities_en.txt")}
# Stems of English street names that are not surnames; written for Sufler.
EN_STEMS = (
    "Main", "Oak", "Maple", "Pine", "Cedar", "Elm", "Park", "Lake", "Hill", "Church", "Walnut",
    "Spring", "Sunset", "Ridge", "Highland", "Chestnut", "Willow", "Birch", "Spruce", "Ash",
    "Poplar", "Laurel", "Magnolia", "Dogwood", "Hickory", "Sycamore", "Cherry", "Locust",
    "Meadow", "River", "Valley", "Forest", "Mill", "Market", "Water", "Bridge", "Station",
    "High", "King", "Queen", "Prince", "Victoria", "Albert", "Railroad", "Center", "Central",
    "Broad", "Front", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth",
    "Ninth", "Tenth", "First", "North", "South", "East", "West", "School", "College",
    "Union", "Liberty", "Pleasant", "Prospect", "Grove", "Orchard", "Garden", "Harbor",
    "Ocean", "Bay", "Beach", "Shore", "Lakeshore", "Lakeview", "Hillcrest", "Woodland",
    "Sunnyside", "Rosewood", "Elmwood", "Oakwood", "Greenwood", "Fairview", "Peachtree",
    "Boylston", "Pennsylvania", "Michigan", "Broadway", "Commerce", "Industrial", "Canal",
    "Dale", "Linden", "Hawthorne", "Rose", "Holly", "Ivy", "Juniper", "Aspen", "Cypress",
    "Redwood", "Palm", "Olive", "Vine", "Green", "Meadowbrook", "Brook", "Creek", "Pond",
    "Glen", "Heather", "Primrose", "Kingsley", "Hampton", "Queens", "Abbey", "Manor",
)


@dataclass(frozen=True)
class Gazetteer:
    """Known names of one language: their lower-case forms to the names as written."""

    names: tuple[str, ...]
    by_lower: dict[str, str]
    words: frozenset[str]  # every lower-case word of a known name
    cities: frozenset[str] = frozenset()  # the lower-case names from the cities list

    def proper(self, name: str) -> str | None:
        """The name as written ('баумана' → 'Баумана'), or None when unknown."""
        return self.by_lower.get(_key(name))

    def closest(self, name: str, min_score: float) -> str | None:
        """A known name within `min_score` (rapidfuzz WRatio) of a misheard one, or None.

        A name much shorter or longer than the one heard is no correction of it: WRatio scores
        a part as high as the whole ("Willow Creek" against "Creek"), so a multi-word name
        heard whole would lose its first word."""
        key = _key(name)
        if len(key) < 4:
            return None
        best = process.extractOne(key, self.by_lower.keys(), scorer=fuzz.WRatio,
                                  score_cutoff=min_score)
        if best is None or not similar_length(key, best[0]):
            return None
        return self.by_lower[best[0]]


def similar_length(heard: str, known: str) -> bool:
    """Whether a known name is long enough (and short enough) to correct one heard."""
    shorter, longer = sorted((len(heard), len(known)))
    return shorter >= 0.75 * longer


def _key(name: str) -> str:
    return " ".join(name.lower().replace("ё", "е").split())


def _read(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=8)
def gazetteer(language: str, extra: tuple[str, ...] = ()) -> Gazetteer:
    """The shipped names of `language` ("ru" or "en") with an admin list added."""
    from assist.config import resource_path

    names: list[str] = []
    cities: list[str] = []
    for name in FILES.get(language, ()):
        listed = _read(resource_path("gazetteer", name))
        names += listed
        if name.startswith("cities"):
            cities += listed
    names += list(extra)
    by_lower: dict[str, str] = {}
    for name in names:
        by_lower.setdefault(_key(name), name)
    words = frozenset(word for key in by_lower for word in key.split())
    return Gazetteer(tuple(names), by_lower, words, frozenset(_key(city) for city in cities))


HEADER = ("# {what}: built by `python -m assist.extract.gazetteer` from Faker {version}\n"
          "# (MIT licence, PyPI package Faker; see LICENSE.md beside this file)\n")


def build(folder: Path) -> None:
    """Write the name lists from Faker's locale data (ru_RU streets and cities, en_US Census
    surnames and cities) and our English stems."""
    try:  # a build-time tool only: Faker is no dependency of Sufler
        faker = importlib.import_module("faker")
        RuAddress = importlib.import_module("faker.providers.address.ru_RU").Provider
        UsPerson = importlib.import_module("faker.providers.person.en_US").Provider
    except ImportError as exc:
        raise RuntimeError("building the gazetteer needs Faker: pip install faker") from exc
    version = getattr(faker, "VERSION", "?")
    ru_streets = sorted({*RuAddress.street_titles, *RuAddress.street_titles_noflex,
                         *RuAddress.street_titles_irregular_masc.values(),
                         *RuAddress.street_titles_irregular_neu.values()})
    surnames = list(UsPerson.last_names)[:400]  # the commonest, in Census order
    en_streets = sorted({*EN_STEMS, *surnames})
    lists = {
        "streets_ru.txt": ("Russian street names", ru_streets),
        "cities_ru.txt": ("Russian cities", sorted(set(RuAddress.city_names))),
        "streets_en.txt": ("English street-name stems", en_streets),
        "cities_en.txt": ("US, UK and Canadian cities", sorted(EN_CITIES)),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for file, (what, names) in lists.items():
        clean = sorted({re.sub(r"\s*\(.*?\)", "", name).strip() for name in names} - {""})
        (folder / file).write_text(HEADER.format(what=what, version=version)
                                   + "\n".join(clean) + "\n", encoding="utf-8")


# Large US, UK and Canadian cities; written for Sufler (names of places are facts).
EN_CITIES = (
    "New York", "Los Angeles", "Chicago", "Houston", "Phoenix", "Philadelphia", "San Antonio",
    "San Diego", "Dallas", "San Jose", "Austin", "Jacksonville", "Columbus", "Charlotte",
    "Indianapolis", "San Francisco", "Seattle", "Denver", "Washington", "Boston", "Nashville",
    "Detroit", "Portland", "Las Vegas", "Memphis", "Louisville", "Baltimore", "Milwaukee",
    "Albuquerque", "Tucson", "Fresno", "Sacramento", "Atlanta", "Omaha", "Raleigh", "Miami",
    "Oakland", "Minneapolis", "Tulsa", "Cleveland", "Wichita", "Tampa", "New Orleans",
    "Pittsburgh", "Cincinnati", "Saint Louis", "Orlando", "Buffalo", "Madison", "Durham",
    "Reno", "Dayton", "Albany", "Berkeley", "Brooklyn", "Springfield", "Ithaca", "Toronto",
    "Montreal", "Vancouver", "Ottawa", "Calgary", "London", "Manchester", "Birmingham",
    "Leeds", "Glasgow", "Liverpool", "Bristol", "Sheffield", "Edinburgh", "Cardiff",
    "Belfast", "Cambridge", "Oxford", "Bath", "Hull", "York", "Nottingham", "Leicester",
)


def main(argv: list[str] | None = None) -> int:
    from assist.config import resource_path

    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else resource_path("gazetteer")
    build(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
