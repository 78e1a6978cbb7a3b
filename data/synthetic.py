"""Synthetic projects for tests, the demo banner mode and benchmarks — never real data.

`generate_projects(n, seed)` returns a table with exactly `data.schema.PROJECT_COLUMNS` whose
shape looks like what the Alliances fund, so that filters, aggregations and the map are exercised
on realistic skew rather than on uniform noise:

- the MRC of a project is drawn with probability proportional to population ** 0.7, so rural MRC
  get more projects per inhabitant than cities (as in the published project lists);
- about 8 % of projects are region-wide (no MRC, precision « region »), only in regions served by
  one Alliance: in Nord-du-Québec and Gaspésie–Îles-de-la-Madeleine no Alliance covers the whole
  region, so a region-wide project there would be a contradiction;
- about 4 % span 2 or 3 MRC of the same Alliance (hence of the same region);
- about 60 % have a point, a few km around the MRC's representative point (and always inside the
  bounding box the schema accepts); the others are located only by MRC or region;
- amounts are log-normal (median about 35 000 $, clipped to 2 000–500 000 $, whole dollars) and
  about 10 % are unknown — NaN, because an unknown amount is not zero;
- titles, promoters and themes come from small French word lists; a title's activity matches the
  project's first theme.

Everything is vectorised numpy (strings are built once per vocabulary entry, then taken by code),
so a million rows take a few seconds. The generator prints nothing and does not validate: pandera
on a million rows is slow, and the tests validate small samples instead.

Command line (what the benchmark uses to make its datasets)::

    python -m data.synthetic 100000 --seed 1 --out /tmp/projects.csv
"""
from __future__ import annotations

import argparse
import importlib.util
import numbers
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from data.schema import PROJECT_COLUMNS, REFERENCE_DIR, vocabulary

POPULATION_EXPONENT = 0.7
REGION_WIDE_SHARE = 0.08
MULTI_MRC_SHARE = 0.04
THREE_MRC_SHARE_OF_MULTI = 0.4  # the rest of multi-MRC projects span two MRC
POINT_SHARE = 0.60  # of all projects; only single-MRC projects get a point
JITTER_KM = 3.0  # standard deviation of a point's distance from the MRC's representative point
MEDIAN_AMOUNT = 35_000.0
AMOUNT_SIGMA = 0.9  # of log(amount): about 90 % of amounts between 8 000 $ and 150 000 $
AMOUNT_BOUNDS = (2_000.0, 500_000.0)
UNKNOWN_AMOUNT_SHARE = 0.10
TOTAL_COST_SHARE = 0.6  # of known amounts: the project's total cost is known too
UNKNOWN_PROMOTER_SHARE = 0.03
SECOND_THEME_SHARE = 0.4
_SINGLE_SHARE = 1.0 - REGION_WIDE_SHARE - MULTI_MRC_SHARE  # the only projects that may get a point
LATEST_START_YEAR = 2026  # no synthetic project starts years into the future
# Same box as the schema's lon/lat checks.
LON_BOUNDS = (-80.0, -57.0)
LAT_BOUNDS = (44.9, 62.6)

CYCLE_SHARES = {
    "pagsis-2010-2015": 0.03,
    "pagieps-2017-2023": 0.55,
    "transition-2023-2024": 0.07,
    "plan-2024-2029": 0.35,
}
# A project lasts 0 (within one year) to 3 years, never past the end of its cycle.
DURATION_SHARES = (0.15, 0.35, 0.30, 0.20)

NOTE = "Donnée synthétique (tests et banc d'essai) — pas un vrai projet"

# theme_id → (relative frequency, activities that a title can start with)
THEME_ACTIVITIES: dict[str, tuple[float, tuple[str, ...]]] = {
    "securite-alimentaire": (0.20, ("Cuisine collective", "Épicerie solidaire", "Jardin communautaire",
                                    "Frigo partagé", "Popote roulante")),
    "logement": (0.10, ("Comité logement", "Accompagnement en logement", "Hébergement d'urgence")),
    "transport-mobilite": (0.10, ("Transport solidaire", "Navette rurale", "Covoiturage communautaire")),
    "emploi-insertion": (0.12, ("Plateau de travail", "Insertion socioprofessionnelle", "Entreprise d'insertion")),
    "reussite-educative": (0.12, ("Aide aux devoirs", "Halte-garderie", "Éveil à la lecture")),
    "acces-services-sante": (0.10, ("Travail de rue", "Clinique de proximité", "Accompagnement aux services")),
    "participation-prejuges": (0.06, ("Comité de citoyens", "Lutte aux préjugés", "Budget participatif")),
    "inclusion-milieux-de-vie": (0.12, ("Milieu de vie communautaire", "Friperie solidaire",
                                        "Accueil des personnes immigrantes", "Répit pour proches aidants")),
    "concertation-mobilisation": (0.08, ("Concertation en développement social", "Chantier de lutte à la pauvreté")),
}

PROMOTER_KINDS = (
    "Carrefour jeunesse-emploi", "Maison de la famille", "Centre d'action bénévole",
    "Corporation de développement communautaire", "Maison des jeunes", "Centre de femmes",
    "Cuisines collectives", "Comptoir alimentaire", "Office d'habitation", "Coopérative de solidarité",
    "Table de développement social", "Regroupement des organismes communautaires",
)

# « de » + region name, with the article French uses (du Bas-Saint-Laurent, de l'Estrie…).
REGION_DE = {
    "01": "du Bas-Saint-Laurent", "02": "du Saguenay–Lac-Saint-Jean", "03": "de la Capitale-Nationale",
    "04": "de la Mauricie", "05": "de l'Estrie", "06": "de Montréal", "07": "de l'Outaouais",
    "08": "de l'Abitibi-Témiscamingue", "09": "de la Côte-Nord", "10": "du Nord-du-Québec",
    "11": "de la Gaspésie–Îles-de-la-Madeleine", "12": "de la Chaudière-Appalaches", "13": "de Laval",
    "14": "de Lanaudière", "15": "des Laurentides", "16": "de la Montérégie", "17": "du Centre-du-Québec",
}

_VOWELS = tuple("AEIOUYÀÂÉÈÊËÎÏÔŒÙÛ")


def _de(place: str) -> str:
    """« de » before a municipality name: du Bic, des Escoumins, d'Amos, de La Sarre, de Havre-Saint-Pierre."""
    if place.startswith("Les "):
        return "des " + place[4:]
    if place.startswith("Le "):
        return "du " + place[3:]
    if place.startswith(_VOWELS):  # an initial h is left alone: « de Havre-Saint-Pierre »
        return "d'" + place
    return "de " + place


def _take(vocab: list[str | None], codes: np.ndarray) -> pd.Series:
    """A string column made by indexing a small vocabulary (None → missing) — far faster than per-row strings."""
    return pd.Series(vocab, dtype="str").take(codes).reset_index(drop=True)


def _mrc_table() -> pd.DataFrame:
    from geo.layers import territories  # the build folder is read only when projects are generated

    mrc = territories("mrc")[["mrc_id", "region_code", "alliance_id", "seat", "population_2021",
                              "rep_lon", "rep_lat"]]
    # Sorted by Alliance so that the MRC of one Alliance are a contiguous block (multi-MRC draws).
    return mrc.reset_index(drop=True).sort_values(["alliance_id", "mrc_id"], ignore_index=True)


def _check_arguments(n: object, seed: object) -> None:
    for name, value in (("n", n), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
        if value < 0:
            raise ValueError(f"{name} must be >= 0, got {value}")


def generate_projects(n: int, seed: int = 0) -> pd.DataFrame:
    """`n` synthetic projects with the columns `data.schema.PROJECT_COLUMNS`, the same for the same `seed`.

    The MRC come from the built map layers (`python -m geo.build`); see the module docstring for the
    distributions. Ids are ``syn-1`` … ``syn-<n>``, every row's ``source_url`` is
    ``synthetic:seed-<seed>`` and its ``note`` says it is not a real project.
    """
    _check_arguments(n, seed)
    n, seed = int(n), int(seed)
    rng = np.random.default_rng(seed)
    mrc = _mrc_table()
    m = len(mrc)

    # --- which territory ---------------------------------------------------------------------
    weight = mrc.population_2021.to_numpy(float) ** POPULATION_EXPONENT
    alliance_size = mrc.groupby("alliance_id").mrc_id.transform("size").to_numpy()
    alliance_start = mrc.groupby("alliance_id").cumcount().to_numpy()
    alliance_start = np.arange(m) - alliance_start  # first row of each MRC's Alliance block
    alliances_per_region = mrc.groupby("region_code").alliance_id.transform("nunique").to_numpy()

    u = rng.random(n)
    region_wide = u < REGION_WIDE_SHARE
    multi = (u >= REGION_WIDE_SHARE) & (u < REGION_WIDE_SHARE + MULTI_MRC_SHARE)
    single = ~(region_wide | multi)

    idx = np.empty(n, dtype=np.int64)  # the project's (first) MRC; for region-wide ones, picks the region
    for mask, allowed in ((single, np.ones(m, bool)),
                          (region_wide, alliances_per_region == 1),
                          (multi, alliance_size >= 2)):
        p = np.where(allowed, weight, 0.0)
        idx[mask] = rng.choice(m, size=int(mask.sum()), p=p / p.sum())

    # Multi-MRC: other MRC of the same Alliance block, at distinct non-zero offsets from the first.
    rows = np.flatnonzero(multi)
    size, start = alliance_size[idx[rows]], alliance_start[idx[rows]]
    pos = idx[rows] - start
    three = (rng.random(rows.size) < THREE_MRC_SHARE_OF_MULTI) & (size >= 3)
    off1 = rng.integers(1, size)
    off2 = rng.integers(1, np.maximum(size - 1, 2))
    off2 = off2 + (off2 >= off1)
    members = np.stack([idx[rows], start + (pos + off1) % size,
                        np.where(three, start + (pos + off2) % size, m)], axis=1)
    members.sort(axis=1)  # ids in a stable order; block order is mrc_id order; m (no third) sorts last

    ids = mrc.mrc_id.to_numpy(dtype=object)
    mrc_ids = _take(list(ids) + [None], np.where(region_wide, m, idx))
    ids_sd = ids.astype(np.dtypes.StringDType())
    joined = np.strings.add(np.strings.add(ids_sd[members[:, 0]], ";"), ids_sd[members[:, 1]])
    third = np.strings.add(";", ids_sd[np.minimum(members[:, 2], m - 1)])
    joined = np.where(three, np.strings.add(joined, third), joined)
    mrc_ids.iloc[rows] = joined.astype(object)

    # --- where -------------------------------------------------------------------------------
    point = single & (rng.random(n) < POINT_SHARE / _SINGLE_SHARE)
    precision = np.where(point, 0, np.where(region_wide, 2, 1))
    rep_lat, rep_lon = mrc.rep_lat.to_numpy()[idx], mrc.rep_lon.to_numpy()[idx]
    north_km, east_km = rng.normal(0.0, JITTER_KM, size=(2, n))
    lat = np.clip(rep_lat + north_km / 110.57, *LAT_BOUNDS)
    lon = np.clip(rep_lon + east_km / (111.32 * np.cos(np.radians(lat))), *LON_BOUNDS)
    lat = np.where(point, np.round(lat, 5), np.nan)
    lon = np.where(point, np.round(lon, 5), np.nan)

    # --- how much ----------------------------------------------------------------------------
    amount = np.round(np.clip(rng.lognormal(np.log(MEDIAN_AMOUNT), AMOUNT_SIGMA, n), *AMOUNT_BOUNDS))
    amount[rng.random(n) < UNKNOWN_AMOUNT_SHARE] = np.nan
    total_cost = np.round(amount * rng.uniform(1.0, 3.0, n))
    total_cost[rng.random(n) >= TOTAL_COST_SHARE] = np.nan

    # --- when --------------------------------------------------------------------------------
    cycles = pd.read_csv(REFERENCE_DIR / "cycles.csv", dtype={"cycle_id": str}).set_index("cycle_id")
    unknown = set(CYCLE_SHARES) - set(vocabulary("cycles"))
    if unknown:
        raise ValueError(f"cycles missing from data/reference/cycles.csv: {sorted(unknown)}")
    cycle_ids = list(CYCLE_SHARES)
    cycle = rng.choice(len(cycle_ids), size=n, p=np.array(list(CYCLE_SHARES.values())))
    first = cycles.loc[cycle_ids, "start_year"].to_numpy()
    last = cycles.loc[cycle_ids, "end_year"].to_numpy()
    latest_start = np.maximum(first, np.minimum(last - 1, LATEST_START_YEAR))
    start_year = rng.integers(first[cycle], latest_start[cycle] + 1)
    duration = rng.choice(len(DURATION_SHARES), size=n, p=DURATION_SHARES)
    end_year = np.minimum(start_year + duration, last[cycle])

    # --- what and who ------------------------------------------------------------------------
    theme_ids = list(vocabulary("themes"))
    if set(THEME_ACTIVITIES) != set(theme_ids):
        raise ValueError("THEME_ACTIVITIES must list exactly the themes of data/reference/themes.csv")
    n_themes = len(theme_ids)
    frequency = np.array([THEME_ACTIVITIES[t][0] for t in theme_ids])
    theme1 = rng.choice(n_themes, size=n, p=frequency / frequency.sum())
    theme2 = (theme1 + rng.integers(1, n_themes, n)) % n_themes  # always a different theme
    has_two = rng.random(n) < SECOND_THEME_SHARE
    theme_cells = [f"{a};{b}" if a != b else a for a in theme_ids for b in theme_ids]
    themes = _take(theme_cells, theme1 * n_themes + np.where(has_two, theme2, theme1))

    activities = [a for t in theme_ids for a in THEME_ACTIVITIES[t][1]]
    activity_count = np.array([len(THEME_ACTIVITIES[t][1]) for t in theme_ids])
    activity_first = np.concatenate([[0], np.cumsum(activity_count)[:-1]])
    activity = activity_first[theme1] + (rng.random(n) * activity_count[theme1]).astype(np.int64)

    region_codes = sorted(REGION_DE)
    places = [_de(seat) for seat in mrc.seat] + [REGION_DE[r] for r in region_codes]
    region_pos = np.searchsorted(region_codes, mrc.region_code.to_numpy(dtype=str))
    place = np.where(region_wide, m + region_pos[idx], idx)
    titles = _take([f"{a} {p}" for a in activities for p in places], activity * len(places) + place)
    promoter_kind = rng.integers(0, len(PROMOTER_KINDS), n)
    promoter_kind[rng.random(n) < UNKNOWN_PROMOTER_SHARE] = len(PROMOTER_KINDS)
    promoters = _take([f"{k} {p}" for k in PROMOTER_KINDS for p in places] + [None],
                      np.where(promoter_kind == len(PROMOTER_KINDS), len(PROMOTER_KINDS) * len(places),
                               promoter_kind * len(places) + place))

    missing = pd.Series(np.full(n, np.nan), dtype="str")
    frame = pd.DataFrame({
        "project_id": "syn-" + pd.Series(np.arange(1, n + 1)).astype("str"),
        "title": titles,
        "promoter": promoters,
        "alliance_id": _take(list(mrc.alliance_id), idx),
        "region_code": _take(list(mrc.region_code), idx),
        "mrc_ids": mrc_ids,
        "municipality": missing,
        "location_precision": _take(["point", "mrc", "region"], precision),
        "lon": lon,
        "lat": lat,
        "amount_fqis": amount,
        "total_cost": total_cost,
        "start_year": pd.array(start_year, dtype="Int64"),
        "end_year": pd.array(end_year, dtype="Int64"),
        "cycle": _take(cycle_ids, cycle),
        "priorities_original": missing,
        "themes": themes,
        "source_url": _take([f"synthetic:seed-{seed}"], np.zeros(n, np.int64)),
        "source_date": missing,
        "fqis_link": _take(["explicit"], np.zeros(n, np.int64)),  # made-up rows claim no inference
        "inferred": missing,
        "other_source_urls": missing,
        "note": _take([NOTE], np.zeros(n, np.int64)),
        # No follow-up: made-up rows report nothing of how projects went (empty = unknown).
        "status": missing,
        "actual_end_date": missing,
        "people_reached": pd.arrays.IntegerArray(np.zeros(n, np.int64), np.ones(n, bool)),  # all missing
        "report_url": missing,
    }, copy=False)  # every column is freshly made here: copying them again costs a third of the time
    return frame[list(PROJECT_COLUMNS)]


def write(frame: pd.DataFrame, path: Path) -> None:
    """Write CSV, or Parquet when the name ends in .parquet and pyarrow is installed."""
    parquet = path.suffix.lower() == ".parquet"
    if parquet and importlib.util.find_spec("pyarrow") is None:
        raise RuntimeError("écrire du Parquet demande pyarrow (absent) ; choisissez un nom en .csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    if parquet:
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data.synthetic",
        description="Écrit N projets synthétiques (tests et banc d'essai ; jamais de vraies données).")
    parser.add_argument("n", type=int, help="nombre de projets")
    parser.add_argument("--seed", type=int, default=0, help="graine (même graine, même fichier) ; 0 par défaut")
    parser.add_argument("--out", type=Path, default=None,
                        help="fichier .csv (défaut : synthetic-<N>-seed-<S>.csv) ou .parquet si pyarrow est installé")
    args = parser.parse_args(argv)
    out = args.out or Path(f"synthetic-{args.n}-seed-{args.seed}.csv")
    try:
        started = time.perf_counter()
        frame = generate_projects(args.n, args.seed)
        generated = time.perf_counter() - started
        write(frame, out)
    except (TypeError, ValueError, RuntimeError, OSError) as error:
        print(f"erreur : {error}", file=sys.stderr)
        return 2
    total = time.perf_counter() - started
    print(f"{len(frame)} projets synthétiques (graine {args.seed}) écrits dans {out} "
          f"({out.stat().st_size / 1e6:.1f} Mo) — génération {generated:.2f} s, total {total:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
