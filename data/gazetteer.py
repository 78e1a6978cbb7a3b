"""Placing a municipality in its MRC/TE, only when that is known for sure.

Québec has about 1 100 municipalities and no list of them ships with the app, so this gazetteer is
small on purpose. It knows:
(a) the seat town of each MRC/TE (`geo.layers.territories("mrc")`, column `seat`);
(b) the cities that are a territory by themselves (Gatineau, Laval, Longueuil…): the city name
    is the TE's name.
A name is placed only when exactly one MRC fits; a name the gazetteer does not know, or knows in
two MRC, is not placed, and the importer asks for the MRC column instead of guessing.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from geo import layers
from geo.names import fold, name_key

# Territories equivalent to an MRC whose name is the name of one city.
CITY_TERRITORIES = (
    "gatineau", "laval", "longueuil", "sherbrooke", "saguenay", "levis", "trois-rivieres", "shawinigan",
    "quebec", "montreal", "rouyn-noranda", "mirabel", "la-tuque",
)
# Seat towns whose name is also the name of a municipality in another MRC (Répertoire des
# municipalités du Québec): such a name alone does not say which one is meant.
HOMONYMS: dict[str, tuple[str, ...]] = {
    "Clermont": ("charlevoix-est", "abitibi-ouest"),  # a town in Charlevoix-Est, a township in Abitibi-Ouest
}


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


def _keys(name: str) -> set[str]:
    return {k for k in (name_key(name), fold(name)) if k}


@lru_cache(maxsize=None)
def gazetteer() -> dict[str, frozenset[str]]:
    """Comparison key of a municipality name → the MRC/TE ids it may belong to."""
    mrc = layers.territories("mrc")
    places: dict[str, set[str]] = {}

    def add(name: str, mrc_id: str) -> None:
        for key in _keys(name):
            places.setdefault(key, set()).add(mrc_id)

    for row in mrc.itertuples():
        if isinstance(row.seat, str) and row.seat.strip():
            add(row.seat, row.mrc_id)
    for mrc_id in CITY_TERRITORIES:
        add(mrc.loc[mrc_id, "name"], mrc_id)
    for name, mrc_ids in HOMONYMS.items():
        for mrc_id in mrc_ids:
            add(name, mrc_id)
    return {key: frozenset(ids) for key, ids in places.items()}


def place_municipality(name: object) -> Placement:
    """The MRC/TE of municipality `name` (case, accents, « Ville de … », « St- » tolerated)."""
    text = "" if name is None or (isinstance(name, float) and pd.isna(name)) else str(name).strip()
    if not text:
        return Placement(text, None)
    places = gazetteer()
    ids: frozenset[str] = places.get(name_key(text)) or places.get(fold(text)) or frozenset()
    candidates = tuple(sorted(ids))
    return Placement(text, candidates[0] if len(candidates) == 1 else None, candidates)
