"""Whether a project row lies in an Alliance's territory (its region, its MRC).

A coordinator publishes only for her Alliance: a row placed elsewhere is refused with the reason,
the spreadsheet row and the column to fix. The territory is the Alliance's MRC today
(geo/reference/alliances.csv and the built membership table), plus those it covered during the row's
cycle (Montérégie covered Brome-Missisquoi and La Haute-Yamaska in 2017–2023).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from data import load
from geo import layers
from geo.names import slugify


class UnknownAlliance(ValueError):
    """An Alliance id (or region code) that names no Alliance, or more than one."""


@dataclass(frozen=True)
class Alliance:
    alliance_id: str
    name_fr: str
    name_en: str
    region_code: str  # "" for the First Nations Alliance, which has no territory on the map
    mandataire: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_fr


@lru_cache(maxsize=1)
def alliances() -> dict[str, Alliance]:
    table = load._alliances()
    return {a: Alliance(a, r.name_fr, r.name_en, r.region_code, r.mandataire) for a, r in table.iterrows()}


def find_alliance(text: str) -> Alliance:
    """An Alliance by its id (« lanaudiere ») or by a region code that has exactly one (« 14 »)."""
    text = (text or "").strip()
    known = alliances()
    if text in known:
        return known[text]
    code = text.zfill(2) if text.isdigit() else None
    matches = [a for a in known.values() if code and a.region_code == code]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise UnknownAlliance(f"la région {code} a plusieurs Alliances : {', '.join(a.alliance_id for a in matches)}")
    raise UnknownAlliance(f"Alliance inconnue : {text!r} (identifiants dans geo/reference/alliances.csv)")


@lru_cache(maxsize=None)
def _mrcs(alliance_id: str, cycle: str) -> frozenset[str]:
    membership = layers.alliance_membership()
    today = set(membership.mrc_id[(membership.cycle == "") & (membership.alliance_id == alliance_id)])
    then = {m for c, a, m in membership.itertuples(index=False) if c and slugify(c) == cycle and a == alliance_id}
    return frozenset(today | then)


@dataclass(frozen=True)
class Outside:
    """Why one record is outside the Alliance's territory: its spreadsheet row, the field to fix, and
    the reason as a catalog message (`publish.outside_<code>`) with its values."""

    row: int
    field: str  # "region" or "mrc": the importer's field, whose header the file names
    code: str
    values: tuple[tuple[str, str], ...] = ()


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def outside(alliance: Alliance, record: dict, row: int) -> Outside | None:
    """None when `record` (data.schema.PROJECT_COLUMNS) lies in `alliance`'s territory, else why not."""
    mrc_names = layers.territories("mrc").name
    region = _text(record.get("region_code"))
    mrc_ids = [m for m in _text(record.get("mrc_ids")).split(";") if m]
    allowed = _mrcs(alliance.alliance_id, _text(record.get("cycle")))
    if not alliance.region_code:
        return Outside(row, "region", "no_territory")
    foreign = [m for m in mrc_ids if m not in allowed]
    if foreign:
        return Outside(row, "mrc", "mrc", (("names", ", ".join(str(mrc_names.get(m, m)) for m in foreign)),))
    if not mrc_ids and region != alliance.region_code:
        return Outside(row, "region", "region", (("region", region), ("home", alliance.region_code)))
    if not mrc_ids:
        region_mrcs = set(layers.territories("mrc").query("region_code == @region").index)
        if not region_mrcs <= allowed:  # a region shared by several Alliances: a whole-region row is not hers
            return Outside(row, "mrc", "shared_region", (("region", region),))
    return None
