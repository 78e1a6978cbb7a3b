"""Aggregations for any set of filters: totals, counts and amounts per inhabitant by territory.

Pure pandas: takes the validated project and envelope tables, returns DataFrames.

The multi-territory rule (also stated in the methodology text): a project is counted once, at the
smallest territory that holds every place it serves.
- One MRC → counted in that MRC (and in its region and Alliance).
- Several MRC of one region, or the whole region → counted in the region (and its Alliance when
  the region has one), never in any MRC: splitting the money would invent figures no source gives.
So MRC totals of a region add up to at most the region's total; the difference is the money of
region-wide or multi-MRC projects, shown as such.

Amounts per inhabitant are always a total divided by the population of the same territory, never
a sum or an average of per-capita values.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd

from data.schema import vocabulary
from geo import layers
from geo.names import fold

LEVELS = ("mrc", "region", "alliance")
MEASURES = ("amount", "per_capita", "count", "envelope")
DEFAULT_ENVELOPE_CYCLE = "plan-2024-2029"


@dataclass(frozen=True)
class Filters:
    """What the visitor chose. Empty tuples mean "all"; amounts in dollars, None for open bounds."""

    regions: tuple[str, ...] = ()
    mrcs: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    alliances: tuple[str, ...] = ()  # the « Mandataire » filter: one mandataire per Alliance
    cycles: tuple[str, ...] = ()
    amount_min: float | None = None
    amount_max: float | None = None
    text: str = ""

    def is_default(self) -> bool:
        return self == Filters()

    def with_territory(self, level: str, territory_id: str | None) -> "Filters":
        """The same filters narrowed to one clicked territory (or widened back with None)."""
        key = {"mrc": "mrcs", "region": "regions", "alliance": "alliances"}[level]
        return replace(self, **{key: (territory_id,) if territory_id else ()})

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def prepare_projects(projects: pd.DataFrame) -> pd.DataFrame:
    """Add the derived columns every aggregation needs (done once, at load time).

    counted_mrc: the MRC the project counts in, or NA when it counts at region level only.
    alliance: the Alliance it counts in, from its own alliance_id or its MRC.
    search_text: folded title + promoter, for accent-insensitive search.
    """
    out = projects.copy()
    ids = out.mrc_ids.fillna("").astype(str)
    several = ids.str.contains(";", regex=False)
    out["counted_mrc"] = out.mrc_ids.where((ids != "") & ~several, pd.NA)
    out["multi_mrc"] = several
    # One bit per theme, so a theme filter is a vectorised AND instead of splitting strings.
    # Computed per distinct theme list (there are few), then spread to every project.
    codes, distinct = pd.factorize(out.themes.fillna("").astype(str))
    bits = {theme: 1 << bit for bit, theme in enumerate(vocabulary("themes"))}
    masks = np.array([sum(bits.get(theme, 0) for theme in set(cell.split(";"))) for cell in distinct], dtype="int64")
    out["theme_mask"] = masks[codes] if len(distinct) else 0
    out["alliance"] = out.alliance_id.where(out.alliance_id.notna() & (out.alliance_id != ""), _derived_alliance(out))
    # Folded once per distinct title + promoter: large lists repeat many of them.
    combined = out.title.fillna("") + " " + out.promoter.fillna("")
    codes, distinct = pd.factorize(combined)
    out["search_text"] = np.array([fold(text) for text in distinct], dtype=object)[codes] if len(distinct) else ""
    out["first_theme"] = out.themes.fillna("").str.split(";").str[0].replace("", pd.NA)
    return out


def _derived_alliance(projects: pd.DataFrame) -> pd.Series:
    """The Alliance a project belongs to when its record does not say: the one Alliance all its MRC
    share, else the one Alliance of its region (regions 10 and 11 have several: then unknown)."""
    mrc_alliance = layers.territories("mrc").alliance_id
    exploded = projects.mrc_ids.fillna("").astype(str).str.split(";").explode()
    per_mrc = exploded.map(mrc_alliance).dropna()
    stats = per_mrc.groupby(level=0).agg(["first", "nunique"])
    shared = stats["first"].where(stats["nunique"] == 1)
    alliances = layers.territories("alliance")
    mapped = alliances[alliances.mapped.astype(str).str.lower() == "true"]
    counts = mapped.region_code.value_counts()
    single = mapped[mapped.region_code.map(counts) == 1].set_index("region_code").alliance_id
    from_region = projects.region_code.map(single)
    return shared.reindex(projects.index).fillna(from_region)


def _any_in(cells: pd.Series, wanted: tuple[str, ...]) -> pd.Series:
    """True where a ";"-separated cell shares at least one id with `wanted`."""
    wanted_set = set(wanted)
    return cells.fillna("").astype(str).map(lambda cell: bool(wanted_set.intersection(cell.split(";"))))


def filter_projects(projects: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Projects matching every filter (see filter_mask)."""
    return projects[filter_mask(projects, filters)]


def filter_mask(projects: pd.DataFrame, filters: Filters) -> np.ndarray:
    """Boolean array, True for the projects matching every filter. With an amount bound set,
    projects of unknown amount are out (we cannot tell whether they fall in the range)."""
    keep = pd.Series(True, index=projects.index)
    if filters.regions:
        keep &= projects.region_code.isin(filters.regions)
    if filters.mrcs:
        in_mrc = projects.counted_mrc.isin(filters.mrcs)
        several = projects.multi_mrc.to_numpy()
        if several.any():  # the few multi-MRC projects: is any of their MRC chosen?
            in_mrc[several] = _any_in(projects.mrc_ids[several], filters.mrcs).to_numpy()
        keep &= in_mrc
    if filters.themes:
        wanted = sum(1 << vocabulary("themes").index(theme) for theme in filters.themes if theme in vocabulary("themes"))
        keep &= (projects.theme_mask & wanted) != 0
    if filters.alliances:
        keep &= projects.alliance.isin(filters.alliances)
    if filters.cycles:
        keep &= projects.cycle.isin(filters.cycles)
    if filters.amount_min is not None:
        keep &= projects.amount_fqis >= filters.amount_min
    if filters.amount_max is not None:
        keep &= projects.amount_fqis <= filters.amount_max
    if filters.text.strip():
        for word in fold(filters.text).split():
            keep &= projects.search_text.str.contains(word, regex=False)
    return keep.fillna(False).to_numpy(dtype=bool)


def _group_key(projects: pd.DataFrame, level: str) -> pd.Series:
    return {"mrc": projects.counted_mrc, "region": projects.region_code, "alliance": projects.alliance}[level]


def aggregate(projects: pd.DataFrame, level: str, envelopes: pd.DataFrame | None = None,
              envelope_cycle: str = DEFAULT_ENVELOPE_CYCLE) -> pd.DataFrame:
    """One row per territory of `level` (all of them, with or without data).

    Columns: name, population, n_projects, n_with_amount, amount (NaN when no project of known
    amount: unknown, not zero), n_promoters, per_capita, envelope (known envelopes of
    `envelope_cycle`, NaN when none is known), envelope_per_capita.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    territories = layers.territories(level)
    if level == "alliance":
        territories = territories[territories.mapped.astype(str).str.lower() == "true"]
    names = territories["region_name" if level == "region" else "name" if level == "mrc" else "name_fr"]
    key = _group_key(projects, level)
    grouped = projects.assign(_key=key).dropna(subset=["_key"]).groupby("_key")
    result = pd.DataFrame({
        "name": names,
        "population": territories.population_2021.astype(float),
        "n_projects": grouped.size(),
        "n_with_amount": grouped.amount_fqis.count(),
        "amount": grouped.amount_fqis.sum(min_count=1),
        "n_promoters": grouped.promoter.nunique(),
    }, index=territories.index)
    result[["n_projects", "n_with_amount", "n_promoters"]] = result[["n_projects", "n_with_amount", "n_promoters"]].fillna(0).astype(int)
    result["per_capita"] = result.amount / result.population
    result["envelope"] = envelope_totals(envelopes, level, envelope_cycle).reindex(result.index) if envelopes is not None else np.nan
    result["envelope_per_capita"] = result.envelope / result.population
    result.index.name = "territory_id"
    return result


def envelope_totals(envelopes: pd.DataFrame, level: str, cycle: str) -> pd.Series:
    """Known envelopes (kind "envelope" only: other kinds are different things) of `cycle` by territory.

    At MRC level, MRC envelopes; at region and Alliance level, envelopes given to a whole Alliance
    or region.
    """
    rows = envelopes[(envelopes.kind == "envelope") & (envelopes.cycle == cycle)]
    if level == "mrc":
        rows = rows[rows.territory_level == "mrc"]
        return rows.groupby("mrc_id").amount.sum(min_count=1)
    rows = rows[rows.territory_level.isin(("alliance", "region"))]
    column = "region_code" if level == "region" else "alliance_id"
    return rows.dropna(subset=[column]).groupby(column).amount.sum(min_count=1)


@dataclass(frozen=True)
class Headline:
    total: float | None  # None when no amount is known
    n_projects: int
    n_with_amount: int
    n_promoters: int
    population: int
    per_capita: float | None
    territories: tuple[str, ...] = field(default=())


def headline(projects: pd.DataFrame, filters: Filters) -> Headline:
    """Figures for the current view; the population is that of the territories the filters cover."""
    known = projects.amount_fqis.dropna()
    total = float(known.sum()) if len(known) else None
    population = view_population(filters)
    return Headline(
        total=total,
        n_projects=len(projects),
        n_with_amount=len(known),
        n_promoters=projects.promoter.dropna().nunique(),
        population=population,
        per_capita=(total / population) if total is not None and population else None,
    )


def view_population(filters: Filters) -> int:
    """Population of the area the geographic filters cover (all of Québec when there is none)."""
    mrc = layers.territories("mrc")
    area = pd.Series(True, index=mrc.index)
    if filters.regions:
        area &= mrc.region_code.isin(filters.regions)
    if filters.mrcs:
        area &= mrc.index.isin(filters.mrcs)
    if filters.alliances:
        area &= mrc.alliance_id.isin(filters.alliances)
    return int(mrc.population_2021[area].sum())


def unattributed_by_region(projects: pd.DataFrame) -> pd.DataFrame:
    """Per region, the projects counted at region level only (region-wide or multi-MRC)."""
    regional = projects[projects.counted_mrc.isna()]
    grouped = regional.groupby("region_code")
    return pd.DataFrame({"n_projects": grouped.size(), "amount": grouped.amount_fqis.sum(min_count=1)})
