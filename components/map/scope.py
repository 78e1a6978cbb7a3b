"""Which territories of the map's level a view's geographic filters keep (regions, MRC, Alliances,
the territory clicked): what the sentence above the map counts (« 0 MRC sur 6 »), what the ranking
ranks and what the territory export lists. The map itself still colours the rest of Québec around
them, as context."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from data.metrics import Filters
from geo import layers


def territories_kept(level: str, filters: Filters) -> pd.Index | None:
    """Ids of the territories of `level` inside the filters' regions, MRC and Alliances, in the
    layer's order; None when no geographic filter is set (all of them)."""
    if not (filters.regions or filters.mrcs or filters.alliances):
        return None
    return _kept(level, filters.regions, filters.mrcs, filters.alliances)


@lru_cache(maxsize=1024)  # a filter change must not redo this (the browser's lists are bounded: state.MAX_CHOICES)
def _kept(level: str, regions: tuple[str, ...], mrcs: tuple[str, ...], alliances: tuple[str, ...]) -> pd.Index:
    filters = Filters(regions=regions, mrcs=mrcs, alliances=alliances)
    mrc = layers.territories("mrc")
    keep = pd.Series(True, index=mrc.index)
    if filters.regions:
        keep &= mrc.region_code.astype(str).isin(filters.regions)
    if filters.mrcs:
        keep &= mrc.index.isin(filters.mrcs)
    if filters.alliances:
        keep &= mrc.alliance_id.astype(str).isin(filters.alliances)
    kept_mrc = mrc[keep]
    wanted = {"mrc": kept_mrc.index, "region": kept_mrc.region_code.astype(str),
              "alliance": kept_mrc.alliance_id.astype(str)}[level]
    if level == "alliance" and filters.alliances:  # an Alliance drawn without its MRC (a whole region) counts too
        wanted = pd.Index(list(wanted) + list(filters.alliances))
    order = layers.territories(level).index
    return order[order.isin(set(wanted))]


def in_view(agg: pd.DataFrame, level: str, filters: Filters) -> pd.DataFrame:
    """The rows of `agg` (metrics.aggregate) the filters keep, in its order; its attrs (the envelope
    cycle) are kept."""
    if not (filters.regions or filters.mrcs or filters.alliances):
        return agg
    out = agg.take(_kept_rows(agg.index, level, filters.regions, filters.mrcs, filters.alliances))
    out.attrs = dict(agg.attrs)
    return out


def _kept_rows(index: pd.Index, level: str, regions: tuple[str, ...], mrcs: tuple[str, ...],
               alliances: tuple[str, ...]) -> np.ndarray:
    """Positions in `index` of the territories `_kept` keeps. An aggregation of a level always lists
    that level's territories (the same Index object, metrics._territory_frame), so the positions are
    found once per choice of territories; label look-ups cost more than the rest of a small view."""
    key = (level, regions, mrcs, alliances)
    known = _ROWS.get(key)
    if known is not None and known[0] is index:
        return known[1]
    rows = np.flatnonzero(index.isin(_kept(level, regions, mrcs, alliances)))
    rows.flags.writeable = False
    if len(_ROWS) >= 1024:  # bounded like _kept: the browser's lists are bounded (state.MAX_CHOICES)
        _ROWS.clear()
    _ROWS[key] = (index, rows)  # one assignment: a thread reads the old entry or the new one
    return rows


_ROWS: dict[tuple, tuple[pd.Index, np.ndarray]] = {}
