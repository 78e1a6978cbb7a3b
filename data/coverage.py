"""Envelopes of one cycle by territory, which cycle a view shows, and how much of it projects document.

An envelope is money reserved for one territory for one cycle. Envelopes of different cycles are
never added together, nor with other kinds of amount (calls, balances, caps… see data/README.md).
For the one-year transition (2023–2024), the curated file records the money each Alliance received
as kind `transition`: for that cycle only, those rows are its envelopes.

Levels overlap, so a territory reads only rows of its own level, with two exact equivalences:
- a region with one Alliance and that Alliance cover the same MRC, so either's row serves both;
- a region with several Alliances (Nord-du-Québec has three) gets the sum of its Alliances' rows
  only when every one of them is known; a partial sum would pass for the region's envelope.

The « documented share » of a territory is the known FQIS amount of its projects of the cycle
(counted by the multi-territory rule of data.metrics) over its envelope of that cycle. Above 100 %,
the sources disagree (an envelope read too low, a project amount that includes other money, a
project placed in the wrong cycle): it is kept as computed and flagged, never capped.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from data.schema import vocabulary
from geo import layers

TRANSITION_CYCLE = "transition-2023-2024"
FALLBACK_CYCLE = "plan-2024-2029"  # shown when no envelope at all is known at a level
GEO_REFERENCE = Path(__file__).resolve().parent.parent / "geo" / "reference"


def envelope_kinds(cycle: str) -> tuple[str, ...]:
    """The kinds of row that are a territory's envelope for `cycle`."""
    return ("envelope", "transition") if cycle == TRANSITION_CYCLE else ("envelope",)


@lru_cache(maxsize=1)
def _alliances_of_regions() -> dict[str, tuple[str, ...]]:
    """Region code → the drawn Alliances that share it (one for most regions, three for Nord-du-Québec)."""
    alliances = layers.territories("alliance")
    mapped = alliances[alliances.mapped.astype(str).str.lower() == "true"]
    return {code: tuple(group.index) for code, group in mapped.groupby("region_code")}


def envelope_totals(envelopes: pd.DataFrame, level: str, cycle: str) -> pd.Series:
    """Known envelopes of `cycle` by territory id of `level` (only territories with one are listed).

    MRC level reads MRC rows; region and Alliance levels read region and Alliance rows, through the
    equivalences of the module docstring. Sub-regions are read at no level: their limits are not MRC.
    `attrs["disputed"]` lists the territories whose envelope rests on a row the sources disagree on
    (`amount_disputed`), `attrs["summed"]` the regions added up from their several Alliances.
    """
    rows = envelopes[envelopes.kind.isin(envelope_kinds(cycle)) & (envelopes.cycle == cycle)
                     & envelopes.amount.notna()]
    disputed_rows = (rows.amount_disputed.fillna("").astype(str) == "yes" if "amount_disputed" in rows
                     else pd.Series(False, index=rows.index))
    rows = rows.assign(_disputed=disputed_rows.astype(bool))

    def by(territory_level: str, column: str) -> tuple[dict[str, float], set[str]]:
        chosen = rows[rows.territory_level == territory_level].dropna(subset=[column])
        grouped = chosen.groupby(column)
        return (grouped.amount.sum().astype(float).to_dict(),
                set(grouped._disputed.any().loc[lambda flags: flags].index))

    summed: list[str] = []  # regions whose envelope is the sum of their several Alliances' (said in the hover)
    if level == "mrc":
        totals, disputed = by("mrc", "mrc_id")
    else:
        by_region, region_disputed = by("region", "region_code")
        by_alliance, alliance_disputed = by("alliance", "alliance_id")
        regions = _alliances_of_regions()
        if level == "region":
            totals, disputed = dict(by_region), set(region_disputed)
            for code, alliances in regions.items():
                if code not in totals and alliances and all(a in by_alliance for a in alliances):
                    totals[code] = float(sum(by_alliance[a] for a in alliances))
                    disputed |= {code} if alliance_disputed & set(alliances) else set()
                    if len(alliances) > 1:
                        summed.append(code)
        else:
            totals, disputed = dict(by_alliance), set(alliance_disputed)
            for code, alliances in regions.items():
                if len(alliances) == 1 and alliances[0] not in totals and code in by_region:
                    totals[alliances[0]] = by_region[code]
                    disputed |= {alliances[0]} if code in region_disputed else set()
    result = pd.Series(totals, dtype=float).sort_index()
    result.attrs["summed"] = tuple(sorted(summed))
    result.attrs["disputed"] = tuple(sorted(disputed))
    return result


def envelope_cycle(known_by_cycle: dict[str, int], chosen: tuple[str, ...] = ()) -> str:
    """The cycle whose envelopes a view shows: the chosen one; among several chosen (or all, when
    none is), the one with the most territories known, the latest on a tie."""
    candidates = [c for c in vocabulary("cycles") if not chosen or c in chosen]
    if len(candidates) == 1:
        return candidates[0]
    best = max(reversed(candidates), key=lambda c: known_by_cycle.get(c, 0))  # max keeps the first: the latest
    return best if known_by_cycle.get(best, 0) else (FALLBACK_CYCLE if FALLBACK_CYCLE in candidates else best)


def _cycle_id(text: str) -> str | None:
    """A cycle as geo/reference writes it (« PAGIEPS 2017-2023 ») → its id in data/reference/cycles.csv."""
    from data.schema import REFERENCE_DIR
    wanted = text.replace("–", "-").strip().lower()
    cycles = pd.read_csv(REFERENCE_DIR / "cycles.csv", dtype=str, keep_default_na=False)
    for row in cycles.itertuples():
        if wanted in (row.cycle_id.lower(), row.label_fr.replace("–", "-").lower(), row.label_en.replace("–", "-").lower()):
            return row.cycle_id
    return None


@lru_cache(maxsize=None)
def territory_differs(level: str, cycle: str) -> frozenset[str]:
    """Territories of `level` whose Alliance covered, during `cycle`, other MRC than the map draws
    (geo/reference/alliance_territory_changes.csv): their envelope of that cycle is not exactly the
    money of the drawn territory. In 2017–2023 the Montérégie Alliance also covered two MRC that are
    in Estrie today, so both regions (and both Alliances) are flagged."""
    if level == "mrc":
        return frozenset()
    changes = pd.read_csv(GEO_REFERENCE / "alliance_territory_changes.csv", dtype=str, keep_default_na=False)
    alliances = {row.alliance_id for row in changes.itertuples()
                 if row.change in ("add", "remove") and _cycle_id(row.cycle) == cycle}
    if level == "alliance":
        return frozenset(alliances)
    homes = layers.territories("alliance").region_code
    return frozenset(str(homes[a]) for a in alliances if a in homes.index and isinstance(homes[a], str))
