"""Aggregations for any set of filters: totals, counts and amounts per inhabitant by territory.

Takes the validated project and envelope tables, returns DataFrames. prepare_projects gives every
project integer positions (its region, counted MRC, Alliance, cycle, promoter): filters then become
table lookups and aggregations `np.bincount`, a millisecond or two at 100 000 projects, where
pandas `isin` and `groupby` on strings took tens (see BENCHMARKS.md).

The multi-territory rule (also stated in the methodology text): a project is counted once, at the
smallest territory that holds every place it serves.
- One MRC → counted in that MRC (and in its region and Alliance).
- Several MRC of one region, or the whole region → counted in the region (and its Alliance when
  the region has one), never in any MRC: splitting the money would invent figures no source gives.
So MRC totals of a region add up to at most the region's total; the difference is the money of
region-wide or multi-MRC projects, shown as such.

Amounts per inhabitant are always a total divided by the population of the same territory, never
a sum or an average of per-capita values; so are envelopes per inhabitant.

Envelopes are read one cycle at a time (data.coverage): the cycle the visitor chose, else the
cycle with the most territories known at the level drawn. The documented share is the known
amount of that cycle's projects over that cycle's envelope, territory by territory.

How sure we are: a project's tie to the FQIS is `explicit` (its source says so) or `inferred`, and
`inferred` lists what else was deduced rather than read (mrc, municipality, cycle, region, amount).
A table without those columns (older curated files, a visitor's upload) is read as all explicit.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from data import coverage
from data.schema import PROJECT_STATUSES, vocabulary
from geo import layers
from geo.names import fold

LEVELS = ("mrc", "region", "alliance")
MEASURES = ("amount", "per_capita", "count", "envelope", "envelope_per_capita", "documented_share")
# The measures that read one cycle's envelopes (the others read the projects only).
ENVELOPE_MEASURES = ("envelope", "envelope_per_capita", "documented_share")
DEFAULT_ENVELOPE_CYCLE = coverage.FALLBACK_CYCLE  # only when no envelope is known at all
FQIS_LINKS = ("explicit", "inferred")
INFERRED_FIELDS = ("mrc", "municipality", "cycle", "region", "amount")
# The 2010–2015 plan is another programme (the CRÉ's PAGSIS money, before the Alliances): its projects
# are shown only when that cycle is chosen, never added to the later cycles' when none is.
SEPARATE_CYCLES = ("pagsis-2010-2015",)


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
    explicit_only: bool = False  # « Seulement les liens explicites »: projects whose source names the FQIS
    # « Statut »: projects whose follow-up gives one of these (empty: all, « tous »). Out of the repr, so that
    # a view's fingerprint without it is what it was (pages.dashboard.view_key adds it when chosen).
    statuses: tuple[str, ...] = field(default=(), repr=False)

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
    search_title, search_promoter: folded title and promoter (categoricals: each distinct text folded
    once), for accent-insensitive search.

    Columnar: every string column is factorized and each rule applied once per distinct value (a
    million projects repeat a few thousand titles, a few hundred MRC lists), then spread by code.
    The validated columns are shared with `projects`, never copied.
    """
    new: dict[str, object] = {}
    mrc_codes, mrc_cells = pd.factorize(projects.mrc_ids)  # -1: no MRC
    cells = pd.Series(mrc_cells, dtype=object).astype(str)
    several = _spread(cells.str.contains(";", regex=False).to_numpy(dtype=bool), mrc_codes, False)
    single_cells = cells.where(~cells.str.contains(";", regex=False) & (cells != ""), None).to_numpy(dtype=object)
    counted = pd.Series(_spread(single_cells, mrc_codes, None), index=projects.index, dtype=object)
    new["counted_mrc"] = counted.where(counted.notna(), pd.NA).astype(projects.mrc_ids.dtype)
    new["multi_mrc"] = several
    new["region_only"] = counted.isna().to_numpy()  # counted in its region only (see module docstring)
    # One bit per theme, so a theme filter is a vectorised AND instead of splitting strings.
    codes, distinct = pd.factorize(projects.themes.fillna("").astype(str))
    bits = {theme: 1 << bit for bit, theme in enumerate(vocabulary("themes"))}
    masks = np.array([sum(bits.get(theme, 0) for theme in set(cell.split(";"))) for cell in distinct], dtype="int64")
    new["theme_mask"] = masks[codes] if len(distinct) else 0
    firsts = np.array([cell.split(";")[0] or None for cell in distinct], dtype=object)
    new["first_theme"] = pd.Series(firsts[codes] if len(distinct) else None, index=projects.index,
                                   dtype=object).astype(projects.themes.dtype)
    own = projects.alliance_id
    missing = own.isna().to_numpy() | (own == "").fillna(False).to_numpy(dtype=bool)
    alliance = own.astype(object).to_numpy(copy=True)
    if missing.any():  # only the projects whose record names no Alliance: the others keep theirs
        alliance[missing] = _derived_alliance(projects[missing]).astype(object).to_numpy()
    new["alliance"] = pd.Series(alliance, index=projects.index, dtype=object).astype(own.dtype)
    new["search_title"] = _folded(projects.title)
    promoter_codes, promoters = pd.factorize(projects.promoter)  # once: for search and for counting
    new["search_promoter"] = _folded(projects.promoter, (promoter_codes, promoters))
    sources = _position_sources()
    for column, (source, index) in sources.items():
        values = new[source] if source in new else _column(projects, source)
        new[column] = _positions_of(values, index)
    new["promoter_code"] = promoter_codes.astype("int32")  # -1 where unknown
    new["fqis_link"], new["inferred"] = certainty(projects)
    new["link_explicit"] = (new["fqis_link"] == "explicit").to_numpy(dtype=bool)
    return projects.assign(**new)


def _spread(per_value: np.ndarray, codes: np.ndarray, missing) -> np.ndarray:
    """A value per distinct cell → a value per project (`missing` where the code is -1)."""
    table = np.append(np.asarray(per_value, dtype=object if per_value.dtype == object else per_value.dtype),
                      np.array([missing], dtype=object if per_value.dtype == object else per_value.dtype))
    return table[codes]


def _folded(texts: pd.Series, factorized: tuple | None = None) -> pd.Categorical:
    """`fold` of each text, computed once per distinct text; "" where there is none. `factorized`:
    pd.factorize(texts), when the caller has it already (a million strings take a while to hash)."""
    codes, distinct = factorized if factorized is not None else pd.factorize(texts)
    folded = pd.Index([fold(text) for text in distinct] + [""], dtype=object)
    # Several texts may fold alike: categories must be unique, so the folded texts are factorized again.
    folded_codes, categories = pd.factorize(folded)
    return pd.Categorical.from_codes(folded_codes[codes], categories=pd.Index(categories, dtype=object))


def certainty(projects: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """fqis_link (`explicit`|`inferred`) and inferred (";"-joined, in INFERRED_FIELDS order, "" when
    everything was read) of every project. Absent columns mean a table from before these columns:
    explicit, nothing inferred. An unknown word is kept as inferred: never read as certain."""
    if "fqis_link" in projects:
        codes, distinct = pd.factorize(projects.fqis_link.fillna("").astype(str), use_na_sentinel=False)
        words = pd.Series(distinct, dtype=object).str.strip().str.lower()
        words = words.where(words.isin(FQIS_LINKS) | (words == ""), "inferred").replace("", "explicit")
        link = pd.Series(words.to_numpy(dtype=object)[codes], index=projects.index, dtype=object)
    else:
        link = pd.Series("explicit", index=projects.index, dtype=object)
    if "inferred" in projects:
        cells = projects.inferred.fillna("").astype(str)
        codes, distinct = pd.factorize(cells)
        tidy = np.array([_inferred_list(cell) for cell in distinct], dtype=object)
        inferred = pd.Series(tidy[codes] if len(distinct) else "", index=projects.index, dtype=object)
    else:
        inferred = pd.Series("", index=projects.index, dtype=object)
    return link.astype(object), inferred


def _inferred_list(cell: str) -> str:
    parts = {part.strip().lower() for part in cell.split(";") if part.strip()}
    known = [field for field in INFERRED_FIELDS if field in parts]
    return ";".join(known + sorted(parts - set(INFERRED_FIELDS)))


@lru_cache(maxsize=1)
def _position_sources() -> dict[str, tuple[str, pd.Index]]:
    """Position column → (the column it encodes, the ids it points into). The id lists are fixed
    tables (layers, reference vocabularies), so a position means the same in every dataset."""
    return {
        "region_pos": ("region_code", layers.territories("region").index),
        "mrc_pos": ("counted_mrc", layers.territories("mrc").index),
        "alliance_pos": ("alliance", layers.territories("alliance").index),
        "cycle_pos": ("cycle", pd.Index(vocabulary("cycles"))),
        "status_pos": ("status", pd.Index(PROJECT_STATUSES)),
    }


def _column(projects: pd.DataFrame, name: str) -> pd.Series:
    """`projects[name]`; a column the table lacks (a frame from before the follow-up) is all unknown."""
    return projects[name] if name in projects else pd.Series(None, index=projects.index, dtype=object)


def _positions_of(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each value in `index`; -1 for a missing or unknown value. Looked up once per
    distinct value (a few hundred ids for a million projects)."""
    codes, distinct = pd.factorize(values)
    found = np.append(index.get_indexer(pd.Index(distinct, dtype=object)), -1).astype("int32")
    return found[codes]


def _positions(projects: pd.DataFrame, column: str) -> np.ndarray:
    """The position column prepare_projects added, or computed now for a frame it did not prepare."""
    if column in projects:
        return projects[column].to_numpy()
    source, index = _position_sources()[column]
    return _positions_of(_column(projects, source), index)


def cycle_positions(projects: pd.DataFrame) -> np.ndarray:
    """Each project's cycle as its position in cycles.csv (-1: none or unknown), prepared or not."""
    return _positions(projects, "cycle_pos")


def _among(positions: np.ndarray, column: str, wanted: tuple[str, ...]) -> np.ndarray:
    """True where a position (of the position `column`) is one of the `wanted` ids: one lookup per
    project."""
    return _allowed(column, tuple(wanted))[positions]


@lru_cache(maxsize=1024)
def _allowed(column: str, wanted: tuple[str, ...]) -> np.ndarray:
    """Which positions of `column` are `wanted` ids, with one extra slot, always False, which position
    -1 (unknown) reads. Once per choice of ids: the id lists are fixed tables (_position_sources), and
    looking ids up in a new pandas Index took a good part of a filter change."""
    index = _position_sources()[column][1]
    allowed = np.zeros(len(index) + 1, dtype=bool)
    found = index.get_indexer(list(wanted))
    allowed[found[found >= 0]] = True
    allowed.flags.writeable = False  # shared by every filter change that asks for these ids
    return allowed


def _explicit(projects: pd.DataFrame) -> np.ndarray:
    """True for the projects whose source states their tie to the FQIS (see certainty)."""
    if "link_explicit" in projects:
        return projects.link_explicit.to_numpy(dtype=bool)
    return (certainty(projects)[0] == "explicit").to_numpy(dtype=bool)


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
    projects of unknown amount are out (we cannot tell whether they fall in the range). With no
    cycle chosen, the projects of SEPARATE_CYCLES are out: they are counted only in their own cycle."""
    keep = np.ones(len(projects), dtype=bool)
    for column, wanted in (("region_pos", filters.regions), ("alliance_pos", filters.alliances),
                           ("cycle_pos", filters.cycles), ("status_pos", filters.statuses)):
        if wanted:
            keep &= _among(_positions(projects, column), column, wanted)
    if not filters.cycles:
        keep &= ~_among(_positions(projects, "cycle_pos"), "cycle_pos", SEPARATE_CYCLES)
    if filters.mrcs:
        in_mrc = _among(_positions(projects, "mrc_pos"), "mrc_pos", filters.mrcs)
        several = projects.multi_mrc.to_numpy(dtype=bool)
        if several.any():  # the few multi-MRC projects: is any of their MRC chosen?
            in_mrc[several] = _any_in(projects.mrc_ids[several], filters.mrcs).to_numpy()
        keep &= in_mrc
    if filters.explicit_only:
        keep &= _explicit(projects)
    if filters.themes:
        themes = vocabulary("themes")
        wanted = sum(1 << themes.index(theme) for theme in set(filters.themes) if theme in themes)
        keep &= (projects.theme_mask.to_numpy() & wanted) != 0
    if filters.amount_min is not None or filters.amount_max is not None:
        amounts = projects.amount_fqis.to_numpy(dtype=float, na_value=np.nan)
        if filters.amount_min is not None:
            keep &= amounts >= filters.amount_min  # NaN compares False: unknown amounts are out
        if filters.amount_max is not None:
            keep &= amounts <= filters.amount_max
    if filters.text.strip() and keep.any():
        keep &= _text_found(projects, fold(filters.text).split())
    return keep


def _text_found(projects: pd.DataFrame, words: list[str]) -> np.ndarray:
    """True where every word is in the folded title or promoter. A word has no space, so it is in
    « title promoter » exactly when it is in one of them: each distinct text is searched once."""
    found = np.ones(len(projects), dtype=bool)
    columns = [projects.search_title if "search_title" in projects else _folded(projects.title),
               projects.search_promoter if "search_promoter" in projects else _folded(projects.promoter)]
    for word in words:
        anywhere = np.zeros(len(projects), dtype=bool)
        for column in columns:
            texts = pd.Series(column.cat.categories if isinstance(column, pd.Series) else column.categories, dtype=object)
            codes = column.cat.codes.to_numpy() if isinstance(column, pd.Series) else column.codes
            anywhere |= texts.str.contains(word, regex=False).to_numpy(dtype=bool)[codes]
        found &= anywhere
    return found


_LEVEL_POSITION = {"mrc": "mrc_pos", "region": "region_pos", "alliance": "alliance_pos"}


def aggregate(projects: pd.DataFrame, level: str, envelopes: pd.DataFrame | None = None,
              envelope_cycle: str | None = None, mask: np.ndarray | None = None) -> pd.DataFrame:
    """One row per territory of `level` (all of them, with or without data), over the projects
    of `projects` (only those where `mask` is True, when given: no copy of the rows is made).

    Columns: name, population, n_projects, n_with_amount, amount (NaN when no project of known
    amount: unknown, not zero), n_promoters, per_capita; and for the envelopes of `envelope_cycle`
    (by default the cycle with the most territories known, see choose_envelope_cycle):
    envelope (NaN when none is known), envelope_per_capita, documented (known amount of the
    projects of that cycle), documented_share (documented ÷ envelope, NaN unless both are known),
    share_over (True where that share passes 100 %: the sources disagree), territory_differs
    (True where the Alliance covered other MRC during that cycle than the map draws) and
    envelope_summed (True where a region's envelope is the sum of its several Alliances'),
    envelope_disputed (True where the sources give different amounts for that envelope).
    The cycle is in `attrs["envelope_cycle"]`. A view's projects come as `mask=filter_mask(…)`, which
    leaves the SEPARATE_CYCLES' out unless they are chosen.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    if envelope_cycle is None:
        envelope_cycle = choose_envelope_cycle(envelopes, level)
    every, shown = _territory_frame(level)
    position = _positions(projects, _LEVEL_POSITION[level])
    amount = projects.amount_fqis.to_numpy(dtype=float, na_value=np.nan)
    promoter = _promoter_codes(projects)
    cycle = _positions(projects, "cycle_pos")
    if mask is not None:
        position, amount, promoter, cycle = position[mask], amount[mask], promoter[mask], cycle[mask]
    size = len(shown)  # every territory of the layer, before leaving any out
    counted = position >= 0
    known = counted & ~np.isnan(amount)
    n_with_amount = np.bincount(position[known], minlength=size)
    total = np.bincount(position[known], weights=amount[known], minlength=size)
    # The projects of the envelope's cycle, for the documented share.
    of_cycle = known & (cycle == _cycle_position(envelope_cycle))
    n_documented = np.bincount(position[of_cycle], minlength=size)
    documented = np.where(n_documented > 0, np.bincount(position[of_cycle], weights=amount[of_cycle],
                                                        minlength=size), np.nan)[shown]
    stated = counted & (promoter >= 0)
    n_promoters = _promoters_per_territory(position[stated], promoter[stated], size)
    amount_total = np.where(n_with_amount > 0, total, np.nan)[shown]
    population = every.population.to_numpy()
    envelope, summed, disputed, differs = _envelope_columns(envelopes, level, envelope_cycle)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(envelope > 0, documented / envelope, np.nan)
    frame = pd.DataFrame({
        "name": every.name.to_numpy(),
        "population": population,
        "n_projects": np.bincount(position[counted], minlength=size)[shown],
        "n_with_amount": n_with_amount[shown],
        "amount": amount_total,
        "n_promoters": n_promoters[shown],
        "per_capita": amount_total / population,
        "envelope": envelope,
        "envelope_per_capita": envelope / population,
        "documented": documented,
        "documented_share": share,
        "share_over": np.nan_to_num(share, nan=0.0) > 1.0,
        "territory_differs": differs,
        "envelope_summed": summed,  # a region's envelope added up from each of its Alliances' own
        "envelope_disputed": disputed,  # the sources give different amounts for it
    }, index=every.index)
    frame.attrs["envelope_cycle"] = envelope_cycle
    return frame


# Past this many (territory, promoter) cells, distinct pairs are hashed instead of marked in a table.
_PAIR_TABLE_LIMIT = 20_000_000


def _promoters_per_territory(position: np.ndarray, promoter: np.ndarray, size: int) -> np.ndarray:
    """Distinct promoters per territory position (each promoter counted once per territory)."""
    stride = int(promoter.max(initial=0)) + 1  # one (territory, promoter) pair ↔ one integer
    pairs = position.astype("int64") * stride + promoter
    if size * stride <= _PAIR_TABLE_LIMIT:  # a table of every pair: one write per project, no hashing
        seen = np.zeros(size * stride, dtype=bool)
        seen[pairs] = True
        return np.count_nonzero(seen.reshape(size, stride), axis=1)
    return np.bincount(pd.unique(pairs) // stride, minlength=size)


def _cycle_position(cycle: str) -> int:
    cycles = vocabulary("cycles")
    return cycles.index(cycle) if cycle in cycles else -2  # -2 matches no project (unknown is -1)


def choose_envelope_cycle(envelopes: pd.DataFrame | None, level: str, chosen: tuple[str, ...] = ()) -> str:
    """The cycle whose envelopes a view of `level` shows, given the cycles the visitor chose
    (see coverage.envelope_cycle); reads the cached totals, so it costs nothing per filter change."""
    if envelopes is None:
        return coverage.envelope_cycle({}, chosen)
    known = {cycle: len(_cached_envelope_totals(envelopes, level, cycle)) for cycle in vocabulary("cycles")}
    return coverage.envelope_cycle(known, chosen)


def documented_by_cycle(projects: pd.DataFrame, envelopes: pd.DataFrame, level: str, territory_id: str) -> pd.DataFrame:
    """For one territory, one row per cycle with an envelope or a documented amount: envelope,
    documented, documented_share, share_over, territory_differs (as in aggregate), and
    explicit_share: the share documented by projects whose tie to the FQIS is explicit."""
    # Every project, of every cycle: each cycle's documented amount counts that cycle's projects only.
    everything = np.ones(len(projects), dtype=bool)
    explicit = _explicit(projects)
    rows = {}
    for cycle in vocabulary("cycles"):
        every = aggregate(projects, level, envelopes, envelope_cycle=cycle, mask=everything)
        if territory_id not in every.index:
            return pd.DataFrame()
        row = every.loc[territory_id]
        if pd.isna(row.envelope) and pd.isna(row.documented):
            continue
        only_explicit = aggregate(projects, level, envelopes, envelope_cycle=cycle, mask=explicit).loc[territory_id]
        rows[cycle] = {"envelope": row.envelope, "documented": row.documented,
                       "documented_share": row.documented_share, "share_over": bool(row.share_over),
                       "territory_differs": bool(row.territory_differs),
                       "explicit_share": only_explicit.documented_share}
    return pd.DataFrame.from_dict(rows, orient="index",
                                  columns=["envelope", "documented", "documented_share", "share_over",
                                           "territory_differs", "explicit_share"])


@lru_cache(maxsize=None)
def _territory_frame(level: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The territories a `level` aggregation lists (name, population; indexed territory_id), and
    which positions of the layer table they are. Alliances: the First Nations Alliance is listed
    in the layer but has no drawn territory, so it is left out."""
    every = layers.territories(level)
    shown = np.ones(len(every), dtype=bool)
    if level == "alliance":
        shown = (every.mapped.astype(str).str.lower() == "true").to_numpy()
    names = every["region_name" if level == "region" else "name" if level == "mrc" else "name_fr"]
    frame = pd.DataFrame({"name": names.to_numpy()[shown],
                          "population": every.population_2021.astype(float).to_numpy()[shown]},
                         index=pd.Index(every.index[shown], name="territory_id"))
    return frame, shown


# A few envelope tables (the curated one, and a visitor's upload) are aggregated at every filter
# change; their totals per level are kept here, keyed by the table's identity. The table itself is
# kept with its totals, so its id cannot be reused by another table while the entry lives.
_ENVELOPE_TOTALS: dict[tuple[int, str, str], tuple[pd.DataFrame, pd.Series]] = {}


def _cached_envelope_totals(envelopes: pd.DataFrame, level: str, cycle: str) -> pd.Series:
    return _per_envelope_table(envelopes, ("totals", level, cycle), lambda: envelope_totals(envelopes, level, cycle))


def _per_envelope_table(envelopes: pd.DataFrame, key: tuple, build):
    """`build()` once per envelope table and `key` (see _ENVELOPE_TOTALS)."""
    full_key = (id(envelopes), *key)
    cached = _ENVELOPE_TOTALS.get(full_key)
    if cached is None or cached[0] is not envelopes:
        if len(_ENVELOPE_TOTALS) >= 256:  # 30 entries per table (3 levels × 5 cycles × 2): a few tables
            _ENVELOPE_TOTALS.clear()
        cached = _ENVELOPE_TOTALS[full_key] = (envelopes, build())
    return cached[1]


def prepare_envelopes(envelopes: pd.DataFrame) -> None:
    """Compute, once per envelope table, what every view of it reads (totals and columns of each
    level and cycle): done when the data are loaded, so no visitor's request pays for it."""
    for level in LEVELS:
        for cycle in vocabulary("cycles"):
            _envelope_columns(envelopes, level, cycle)


def _envelope_columns(envelopes: pd.DataFrame | None, level: str, cycle: str) -> tuple[np.ndarray, ...]:
    """The envelope of `cycle` of every territory an aggregation of `level` lists (NaN when unknown),
    and three flags: summed from several Alliances, disputed by the sources, and drawn otherwise than
    the Alliance's territory of that cycle. They depend on the envelope table only: built once."""
    every = _territory_frame(level)[0]
    if envelopes is None:
        nothing = np.zeros(len(every), dtype=bool)
        return np.full(len(every), np.nan), nothing, nothing, nothing

    def build() -> tuple[np.ndarray, ...]:
        totals = _cached_envelope_totals(envelopes, level, cycle)
        envelope = totals.reindex(every.index).to_numpy(dtype=float)
        summed, disputed = (every.index.isin(list(totals.attrs.get(name, ()))) for name in ("summed", "disputed"))
        differs = every.index.isin(list(coverage.territory_differs(level, cycle))) & ~np.isnan(envelope)
        for column in (envelope, summed, disputed, differs):
            column.flags.writeable = False  # shared by every view: never changed in place
        return envelope, summed, disputed, differs

    return _per_envelope_table(envelopes, ("columns", level, cycle), build)


def _promoter_codes(projects: pd.DataFrame) -> np.ndarray:
    """Equal promoters share a code (-1: unknown). Codes only compare within one prepared frame."""
    if "promoter_code" in projects:
        return projects.promoter_code.to_numpy()
    return pd.factorize(projects.promoter)[0].astype("int32")


def envelope_totals(envelopes: pd.DataFrame, level: str, cycle: str) -> pd.Series:
    """Known envelopes of `cycle` by territory of `level` (see data.coverage.envelope_totals)."""
    return coverage.envelope_totals(envelopes, level, cycle)


@dataclass(frozen=True)
class Headline:
    total: float | None  # None when no amount is known
    n_projects: int
    n_with_amount: int
    n_promoters: int
    population: int
    per_capita: float | None
    territories: tuple[str, ...] = field(default=())


def headline(projects: pd.DataFrame, filters: Filters, mask: np.ndarray | None = None) -> Headline:
    """Figures for the current view (the projects where `mask` is True, when given); the population
    is that of the territories the filters cover."""
    amount = projects.amount_fqis.to_numpy(dtype=float, na_value=np.nan)
    promoter = _promoter_codes(projects)
    if mask is not None:
        amount, promoter = amount[mask], promoter[mask]
    known = amount[~np.isnan(amount)]
    total = float(known.sum()) if len(known) else None
    population = view_population(filters)
    return Headline(
        total=total,
        n_projects=len(amount),
        n_with_amount=len(known),
        n_promoters=int(np.count_nonzero(np.bincount(promoter[promoter >= 0]))),  # no hashing of a million codes
        population=population,
        per_capita=(total / population) if total is not None and population else None,
    )


def view_population(filters: Filters) -> int:
    """Population of the area the geographic filters cover (all of Québec when there is none)."""
    return _area_population(filters.regions, filters.mrcs, filters.alliances)


@lru_cache(maxsize=1024)
def _area_population(regions: tuple[str, ...], mrcs: tuple[str, ...], alliances: tuple[str, ...]) -> int:
    """view_population, once per choice of territories (fixed tables: the same answer every time)."""
    filters = Filters(regions=regions, mrcs=mrcs, alliances=alliances)
    mrc = layers.territories("mrc")
    area = np.ones(len(mrc), dtype=bool)
    for wanted, ids in ((filters.regions, mrc.region_code), (filters.mrcs, mrc.index), (filters.alliances, mrc.alliance_id)):
        if wanted:
            area &= np.isin(ids.to_numpy(dtype=object), list(wanted))
    return int(mrc.population_2021.to_numpy()[area].sum())


def unattributed_by_region(projects: pd.DataFrame, mask: np.ndarray | None = None) -> pd.DataFrame:
    """Per region, the projects counted at region level only (region-wide or multi-MRC)."""
    regional = _region_only(projects)
    if mask is not None:
        regional = regional & mask
    grouped = projects[regional].groupby("region_code")
    return pd.DataFrame({"n_projects": grouped.size(), "amount": grouped.amount_fqis.sum(min_count=1)})


def _region_only(projects: pd.DataFrame) -> np.ndarray:
    """True for the projects counted at region level only (no counted MRC): prepared once."""
    if "region_only" in projects:
        return projects.region_only.to_numpy(dtype=bool)
    return projects.counted_mrc.isna().to_numpy()


def unattributed_total(projects: pd.DataFrame, mask: np.ndarray | None = None) -> float:
    """Known amount of the projects counted at region level only (NaN when none is known)."""
    amount = projects.amount_fqis.to_numpy(dtype=float, na_value=np.nan)
    regional = _region_only(projects) & ~np.isnan(amount)
    if mask is not None:
        regional = regional & mask
    return float(amount[regional].sum()) if regional.any() else np.nan
