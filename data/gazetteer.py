"""Placing a municipality in its MRC/TE, only when that is known for sure.

It knows every local municipality of Québec (the 1 130 of the MAMH's Répertoire des municipalités,
built by `python -m geo.build` into `municipality.csv`, see `geo.municipalities`), and also:
(a) the seat town of each MRC/TE (`geo.layers.territories("mrc")`, column `seat`);
(b) the cities that are a territory by themselves (Gatineau, Laval, Longueuil…): the city name
    is the TE's name.
Names are compared folded (case, accents, hyphens and apostrophes do not matter), « St- »/« Ste- »
read as Saint/Sainte, and « Ville de … », « Municipalité de … », « Paroisse de … », « City of … »
dropped. The exact name is tried first, then without its leading article, so that « Ange-Gardien »
(Rouville) is not confused with the two « L'Ange-Gardien ».

A name is placed only when exactly one MRC fits. A name several municipalities share gives all
their MRC as candidates (`Placement.candidates`): the importer then asks the row's MRC or region
column to choose, and never guesses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from geo import layers
from geo.names import fold

# Territories equivalent to an MRC whose name is the name of one city.
CITY_TERRITORIES = (
    "gatineau", "laval", "longueuil", "sherbrooke", "saguenay", "levis", "trois-rivieres", "shawinigan",
    "quebec", "montreal", "rouyn-noranda", "mirabel", "la-tuque",
)
# What people write before a municipality's name (folded): « Ville de Québec », « City of Laval ».
_MUNICIPAL_PREFIX = re.compile(
    r"^(?:ville|municipalite|paroisse|canton|cantons unis|village|cite) (?:de|d) "
    r"|^(?:city|town|municipality|township|village|parish) of ")
_ARTICLE = re.compile(r"^(?:les|la|le|l) ")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


@dataclass(frozen=True)
class Placement:
    """Where a municipality is: `mrc_id` is set only when exactly one MRC/TE fits."""

    query: str
    mrc_id: str | None
    candidates: tuple[str, ...] = ()  # every MRC the name could mean (several when ambiguous)

    @property
    def found(self) -> bool:
        return self.mrc_id is not None

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def municipality_key(name: str) -> str:
    """« Ville de St-Georges » → « saint georges »: folded, abbreviations expanded, prefix dropped."""
    key = " ".join(_ABBREVIATIONS.get(word, word) for word in fold(name).split())
    return _MUNICIPAL_PREFIX.sub("", key, count=1)


def _loose_key(key: str) -> str:
    return _ARTICLE.sub("", key, count=1)


@lru_cache(maxsize=None)
def _indexes() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(exact key → MRC ids, key without its article → MRC ids) over every known municipality name."""
    mrc = layers.territories("mrc")
    names = list(zip(layers.municipalities().name, layers.municipalities().mrc_id))
    names += [(row.seat, row.mrc_id) for row in mrc.itertuples() if isinstance(row.seat, str) and row.seat.strip()]
    names += [(mrc.loc[mrc_id, "name"], mrc_id) for mrc_id in CITY_TERRITORIES]
    exact: dict[str, set[str]] = {}
    loose: dict[str, set[str]] = {}
    for name, mrc_id in names:
        key = municipality_key(name)
        exact.setdefault(key, set()).add(mrc_id)
        loose.setdefault(_loose_key(key), set()).add(mrc_id)
    return _frozen(exact), _frozen(loose)


def _frozen(index: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    return {key: frozenset(ids) for key, ids in index.items() if key}


def gazetteer() -> dict[str, frozenset[str]]:
    """Comparison key of a municipality name → the MRC/TE ids it may belong to."""
    return _indexes()[0]


def place_municipality(name: object) -> Placement:
    """The MRC/TE of municipality `name`; `candidates` lists every MRC a shared name may mean."""
    text = "" if name is None or (isinstance(name, float) and pd.isna(name)) else str(name).strip()
    if not text:
        return Placement(text, None)
    exact, loose = _indexes()
    key = municipality_key(text)
    ids = exact.get(key) or loose.get(_loose_key(key)) or frozenset()
    candidates = tuple(sorted(ids))
    return Placement(text, candidates[0] if len(candidates) == 1 else None, candidates)
