"""Facts of one territory as the document pages write them: its id from a URL, its name, the names of
the MRC a project serves, its Alliance's name, its rank among peers, amounts and years as the sources
give them. Shared by the territory pages, the one-page sheets and the comparison."""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

import pandas as pd

from components.i18n import money, text
from components.words.page_text import with_shared
from data.schema import REFERENCE_DIR
from geo import layers
from texts.catalogs import Messages

MAX_ID = 100  # longer than any region code, MRC id or name; anything longer is not looked up
# Order of envelope rows inside a cycle: the widest territory first.
LEVEL_ORDER = {"province": 0, "alliance": 1, "region": 2, "sub_region": 3, "mrc": 4}

_TEXT = with_shared(Messages("territory"))


def amount_text(value, lang: str) -> str:
    """A dollar amount as the source gives it: cents only when there are cents; unknown → « — ».
    The rule is i18n.money's, the map's too."""
    return money(value, lang)


def ordinal(n: int, lang: str, feminine: bool = False) -> str:
    """« 1er », « 2e » (« 1re » for a feminine noun: « 1re région », « 1re MRC »); « 1st », « 2nd »."""
    if lang == "en":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    if n == 1:
        return "1re" if feminine else "1er"
    return f"{n}e"


def rank_among(values: pd.Series, territory_id: str) -> tuple[int | None, int]:
    """(rank, number of territories with data): 1 is the highest value; ties share a rank.

    Only territories with a value are ranked; a territory with none has rank None.
    """
    known = values.dropna()
    if territory_id not in known.index:
        return None, len(known)
    return int((known > known[territory_id]).sum()) + 1, len(known)


def years_text(start, end) -> str:
    start = None if pd.isna(start) else int(start)
    end = None if pd.isna(end) else int(end)
    if start and end:
        return str(start) if start == end else f"{start}–{end}"
    return str(start or end or "—")


@lru_cache(maxsize=None)
def reference_labels(name: str, lang: str) -> pd.Series:
    """Labels of a reference vocabulary (themes, cycles) in `lang`, by id, in the file's order."""
    table_ = pd.read_csv(REFERENCE_DIR / f"{name}.csv", dtype=str)
    return table_.set_index(table_.columns[0])["label_en" if lang == "en" else "label_fr"]


def alliance_name(alliance_id: str, lang: str) -> str:
    alliances = layers.territories("alliance")
    if alliance_id not in alliances.index:
        return str(alliance_id)
    return str(alliances.at[alliance_id, "name_en" if lang == "en" else "name_fr"])


def mrc_names(cell, lang: str) -> str:
    """The names of the MRC a project serves (its `mrc_ids` cell); none: « toute la région »."""
    names = layers.territories("mrc").name
    ids = [part for part in str(cell).split(";") if part] if isinstance(cell, str) else []
    return "; ".join(str(names.get(i, i)) for i in ids) if ids else text(_TEXT, "region_wide", lang)


def quoted_segment(value) -> str:
    """A URL segment as typed, made safe to put back in a link (and bounded)."""
    return quote(value[:MAX_ID], safe="") if isinstance(value, str) else ""


def resolve(value, finder, known: pd.Index) -> str | None:
    """The territory id a URL names: its id, or a name or code the lookups recognise without doubt."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID:
        return None
    if value in known:
        return value
    match = finder(value)
    return match.id if match.found and match.id in known else None
