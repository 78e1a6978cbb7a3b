"""Finding an MRC/TE or a region from the name somebody typed.

The rule: one unambiguous answer or an honest "not found" with the reason. Never a guess.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from geo import layers
from geo.names import fold, name_key

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@dataclass(frozen=True)
class Match:
    """Result of a name lookup: `id` is set only when exactly one territory fits."""

    query: str
    id: str | None
    name: str | None = None
    reason: str = ""

    @property
    def found(self) -> bool:
        return self.id is not None


class NameIndex:
    """Maps normalised names (and aliases) to territory ids; keys that fit several ids are ambiguous."""

    def __init__(self, names: dict[str, str], aliases: dict[str, str], kind: str):
        self.kind = kind
        self.display = names  # id -> official name
        self._keys: dict[str, set[str]] = {}
        for tid, name in names.items():
            self._add(name, tid)
            self._add(tid, tid)
        for alias, tid in aliases.items():
            self._add(alias, tid)

    def _add(self, name: str, tid: str) -> None:
        for key in {name_key(name), fold(name)}:
            if key:
                self._keys.setdefault(key, set()).add(tid)

    def find(self, query: object) -> Match:
        text = "" if query is None or (isinstance(query, float) and pd.isna(query)) else str(query).strip()
        if not text:
            return Match(text, None, reason=f"{self.kind} vide")
        ids = self._keys.get(name_key(text)) or self._keys.get(fold(text)) or set()
        if len(ids) == 1:
            (tid,) = ids
            return Match(text, tid, self.display[tid])
        if len(ids) > 1:
            options = " ou ".join(sorted(self.display[i] for i in ids))
            return Match(text, None, reason=f"{self.kind} ambiguë : « {text} » peut désigner {options}")
        return Match(text, None, reason=f"{self.kind} inconnue : « {text} »")


@lru_cache(maxsize=None)
def mrc_index() -> NameIndex:
    """Index of the 104 MRC/TE, with their former names and the aliases in geo/reference/mrc_aliases.csv."""
    mrc = layers.territories("mrc")
    aliases = pd.read_csv(REFERENCE_DIR / "mrc_aliases.csv", dtype=str)
    alias_map = dict(zip(aliases.alias, aliases.mrc_id))
    alias_map |= {row.former_name: row.mrc_id for row in mrc.itertuples() if row.former_name}
    return NameIndex(dict(zip(mrc.mrc_id, mrc.name)), alias_map, "MRC")


@lru_cache(maxsize=None)
def region_index() -> NameIndex:
    """Index of the 17 regions by name or two-digit code (« 5 », « 05 » and « Estrie » all work)."""
    regions = layers.territories("region")
    names = dict(zip(regions.region_id, regions.region_name))
    codes = {code: code for code in regions.region_id} | {str(int(code)): code for code in regions.region_id}
    return NameIndex(names, codes, "région")


def find_mrc(name: object) -> Match:
    """The MRC/TE called `name` (case, accents, hyphens, « MRC de … » and former names tolerated)."""
    return mrc_index().find(name)


def find_region(name: object) -> Match:
    """The administrative region called or numbered `name`."""
    return region_index().find(name)
