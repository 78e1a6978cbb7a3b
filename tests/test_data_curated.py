"""The curated, sourced data files: they load, they are honest, and a broken copy is reported precisely."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from data import load, metrics, schema
from data.schema import DataFileError, Problem
from geo import layers

# Look-alike funds that are not Alliance (FQIS) money (facts/notes.md, « CAUTION »).
EXCLUDED_FUNDS = re.compile(r"\bFARR\b|\bFRR\b|Fonds r[ée]gion et ruralit[ée]|Plan Nord|Place-du-Souvenir|Centraide|Entente sectorielle",
                            re.IGNORECASE)
URL = re.compile(r"^https?://\S+$")
# The second harvest of projects, which data/projects.csv curates (see data/CHANGELOG.csv).
HARVEST = load.ROOT.parent / "shared" / "facts" / "projects_found_more.csv"
CHANGELOG = load.DATA_DIR / "CHANGELOG.csv"
# The phrase a note uses when the harvest rated a row « medium » and yet nothing in it is a deduction.
NOTHING_INFERRED = "rien n'y est déduit"


@pytest.fixture(scope="module")
def projects() -> pd.DataFrame:
    return load.load_projects()


@pytest.fixture(scope="module")
def envelopes() -> pd.DataFrame:
    return load.load_envelopes()


# --- the curated files --------------------------------------------------------------------------

def test_curated_files_load_with_the_schema_columns(projects, envelopes):
    assert tuple(projects.columns) == schema.PROJECT_COLUMNS and len(projects) > 0
    assert tuple(envelopes.columns) == schema.ENVELOPE_COLUMNS and len(envelopes) > 0
    assert projects.project_id.is_unique and envelopes.envelope_id.is_unique
    assert str(projects.amount_fqis.dtype) == "float64" and str(projects.start_year.dtype) == "Int64"
    assert str(envelopes.amount.dtype) == "float64"


def test_reference_tables_load():
    regions = load.load_regions()
    assert sorted(regions.region_code) == [f"{i:02d}" for i in range(1, 18)]
    assert (regions.name_fr == layers.territories("region").region_name.reindex(regions.index)).all()
    assert regions.loc["02", "name_fr"] == "Saguenay–Lac-Saint-Jean"  # en dash, as on the map
    priorities = load.load_priorities()
    assert priorities.priority_original.notna().all()
    assert set(priorities.cycle) <= set(schema.vocabulary("cycles"))


@pytest.mark.parametrize("loader", [load.load_projects, load.load_envelopes, load.load_priorities, load.load_regions])
def test_every_row_has_a_web_source(loader):
    frame = loader()
    assert frame.source_url.notna().all()
    assert frame.source_url.map(lambda u: bool(URL.match(u))).all()


def test_no_look_alike_fund_is_counted_as_alliance_money(projects, envelopes):
    # What the money *is* never names an excluded fund…
    for column in ("description", "territory_name", "kind", "mandataire"):
        assert not envelopes[column].fillna("").str.contains(EXCLUDED_FUNDS).any(), column
    for column in ("title", "priorities_original", "themes"):
        assert not projects[column].fillna("").str.contains(EXCLUDED_FUNDS).any(), column
    # …and where a note explains that a source mixed funds, the amount kept is only the FQIS part or none.
    mixed = envelopes[envelopes.note.fillna("").str.contains(EXCLUDED_FUNDS)]
    assert (mixed.amount.isna() | mixed.note.str.contains("part FQIS", case=False)).all()
    for column in ("title", "promoter"):
        assert not projects[column].fillna("").str.contains(EXCLUDED_FUNDS).any(), column
    # A project note may name such a fund only to say the amount leaves it out (or that none is kept).
    mixed_projects = projects[projects.note.fillna("").str.contains(EXCLUDED_FUNDS)]
    assert len(mixed_projects) > 0
    kept = mixed_projects[mixed_projects.amount_fqis.notna()]
    assert kept.note.str.contains(r"\bexclus?\b").all(), kept.project_id.tolist()


def test_project_mrcs_exist_and_belong_to_the_project_region(projects):
    mrc = layers.territories("mrc")
    for row in projects.itertuples():
        ids = row.mrc_ids.split(";") if isinstance(row.mrc_ids, str) else []
        for mrc_id in ids:
            assert mrc_id in mrc.index, (row.project_id, mrc_id)
            assert mrc.at[mrc_id, "region_code"] == row.region_code, (row.project_id, mrc_id)
        if row.location_precision in ("mrc", "municipality"):
            assert ids, row.project_id
        if row.location_precision == "region":
            assert not ids, row.project_id


def _inferred(projects: pd.DataFrame, what: str) -> pd.Series:
    return projects.inferred.fillna("").str.split(";").map(lambda parts: what in parts)


def test_an_inferred_mrc_or_municipality_is_marked_and_explained(projects):
    inferred_mrc = projects[_inferred(projects, "mrc")]
    assert len(inferred_mrc) > 0
    assert inferred_mrc.mrc_ids.notna().all()
    assert inferred_mrc.note.str.contains("déduit|déduction").all(), inferred_mrc.project_id.tolist()
    # A municipality that is only a deduction never sets the precision: the map places the project at its MRC.
    inferred_municipality = projects[_inferred(projects, "municipality")]
    assert len(inferred_municipality) > 0
    assert inferred_municipality.municipality.notna().all()
    assert (inferred_municipality.location_precision != "municipality").all(), inferred_municipality.project_id.tolist()
    # A deduction written in a note about the place is in `inferred` too (or the note says it is not used).
    said = projects[projects.note.fillna("").str.contains(r"MRC déduite|municipalités? déduites?", case=False)]
    assert (_inferred(said, "mrc") | _inferred(said, "municipality")).all(), said.project_id.tolist()


def test_a_lookup_in_the_official_list_is_not_an_inference(projects):
    looked_up = projects[projects.note.fillna("").str.contains("liste officielle des municipalités (MAMH)", regex=False)]
    assert len(looked_up) > 0
    assert looked_up.municipality.notna().all()
    assert not _inferred(looked_up, "mrc").any(), looked_up.project_id.tolist()


def test_the_new_columns_are_filled_with_their_vocabulary(projects):
    assert projects.fqis_link.notna().all() and set(projects.fqis_link) <= set(schema.FQIS_LINKS)
    assert {"explicit", "inferred"} <= set(projects.fqis_link)
    parts = {p for cell in projects.inferred.dropna() for p in cell.split(";")}
    assert parts and parts <= set(schema.INFERABLE)
    others = projects.other_source_urls.dropna()
    assert len(others) > 0
    for row in projects[projects.other_source_urls.notna()].itertuples():
        urls = row.other_source_urls.split(" ")
        assert all(URL.match(u) for u in urls) and row.source_url not in urls, row.project_id
        assert len(urls) == len(set(urls)), row.project_id


def test_at_least_140_projects_and_one_row_per_project(projects):
    assert len(projects) >= 140
    key = projects.title.map(_fold) + "|" + projects.promoter.map(_fold) + "|" + projects.mrc_ids.fillna("")
    assert not key.duplicated().any(), projects.loc[key.duplicated(keep=False), "project_id"].tolist()


def test_every_project_cycle_is_in_the_vocabulary(projects):
    assert projects.cycle.dropna().isin(schema.vocabulary("cycles")).all()
    assert projects.cycle.notna().sum() > len(projects) / 2


def test_old_plan_projects_are_never_in_the_2017_2023_totals(projects):
    prepared = metrics.prepare_projects(projects)
    old_plan = projects[projects.cycle == "pagsis-2010-2015"]
    assert len(old_plan) > 0 and old_plan.amount_fqis.notna().any()
    mask = metrics.filter_mask(prepared, metrics.Filters(cycles=("pagieps-2017-2023",)))
    assert not (prepared.cycle[mask] == "pagsis-2010-2015").any()
    expected = projects.amount_fqis[projects.cycle == "pagieps-2017-2023"].sum()
    assert metrics.headline(prepared, metrics.Filters(cycles=("pagieps-2017-2023",)), mask).total == pytest.approx(expected)


def test_medium_confidence_harvest_rows_say_what_is_inferred(projects):
    """A harvest row rated « medium » (a tie, an MRC or a cycle inferred) is kept with its inference visible."""
    harvest = pd.read_csv(HARVEST, dtype=str, keep_default_na=False)
    medium = harvest[harvest.confidence == "medium"]
    assert len(medium) > 0
    unmatched = 0
    for row in medium.itertuples():
        project = _curated_row_of(projects, row)
        if project is None:
            unmatched += 1
            continue
        assert (project.fqis_link == "inferred" or isinstance(project.inferred, str)
                or NOTHING_INFERRED in str(project.note)), (row.Index + 2, project.project_id)
    # A medium row found nowhere can only be one the curation dropped (counted in the log).
    assert unmatched <= int(_curation_log_line().rows_dropped)


def test_the_curation_is_logged_with_its_counts(projects):
    line = _curation_log_line()
    harvest = pd.read_csv(HARVEST, dtype=str, keep_default_na=False)
    added, duplicate, dropped = int(line.rows_added), int(line.rows_duplicate), int(line.rows_dropped)
    assert added + duplicate + dropped == len(harvest)
    assert added > 0 and duplicate > 0
    assert added <= len(projects)
    assert re.search(rf"\b{dropped}\b", line.note) and re.search(rf"\b{duplicate}\b", line.note)


def _fold(text) -> str:
    """Compare names as a person would: no case, accents or punctuation."""
    text = unicodedata.normalize("NFKD", str(text) if isinstance(text, str) else "")
    return re.sub(r"[^a-z0-9]+", " ", text.encode("ascii", "ignore").decode().casefold()).strip()


def _curated_row_of(projects: pd.DataFrame, row):
    """The curated project a harvest row became: same source address, same title, else the one row of that
    source whose promoter is the harvest's (or starts it: « Moisson Outaouais (octroi de…) »)."""
    cited = projects[(projects.source_url == row.source_url)
                     | projects.other_source_urls.fillna("").str.split().map(lambda urls: row.source_url in urls)]
    same_title = cited[cited.title.map(_fold) == _fold(row.project)]
    if len(same_title):
        return next(same_title.itertuples())
    promoter = _fold(row.promoter)
    if not promoter:
        return None
    same_promoter = cited[cited.promoter.map(lambda p: bool(_fold(p)) and promoter.startswith(_fold(p)))]
    return next(same_promoter.itertuples()) if len(same_promoter) == 1 else None


def _curation_log_line():
    log = pd.read_csv(CHANGELOG, dtype=str, keep_default_na=False)
    lines = log[(log.operation == "curate") & (log.source_url == "shared/facts/projects_found_more.csv")]
    assert len(lines) == 1
    return next(lines.itertuples())


def test_projects_have_no_invented_coordinates(projects):
    assert projects.lon.isna().all() and projects.lat.isna().all()


def test_envelope_kinds_and_levels_are_known(envelopes):
    assert set(envelopes.kind) <= set(schema.ENVELOPE_KINDS)
    assert set(envelopes.territory_level) <= set(schema.TERRITORY_LEVELS)
    mrc_rows = envelopes[envelopes.territory_level == "mrc"]
    assert mrc_rows.mrc_id.notna().all()
    assert envelopes.loc[envelopes.territory_level == "province", ["region_code", "mrc_id"]].isna().all().all()


def test_round_millions_are_flagged_as_rounded(envelopes):
    # A figure like 5 400 000 $ is how a page writes « 5,4 M$ »: the row must say so.
    round_millions = envelopes[(envelopes.amount >= 1_000_000) & (envelopes.amount % 100_000 == 0)]
    assert len(round_millions) > 0
    assert round_millions.note.fillna("").str.contains("arrondi").all(), \
        round_millions.loc[~round_millions.note.fillna("").str.contains("arrondi"), "envelope_id"].tolist()


def test_a_unknown_amount_is_empty_not_zero(projects, envelopes):
    assert (projects.amount_fqis.dropna() > 0).all()
    assert (envelopes.amount.dropna() > 0).all()


# --- envelopes: one reserved amount per territory and cycle, sums that hold ---------------------

# Kinds that say « this much was reserved for this territory for this cycle »: the map reads them.
RESERVED_KINDS = ("envelope", "transition")


def _territory_key(row) -> str:
    """The territory a row is about, at its own level (a sub-region has no id: its name and region)."""
    if row.territory_level == "province":
        return "québec"
    if row.territory_level == "sub_region":
        return f"{row.region_code}:{row.territory_name}"
    column = {"mrc": "mrc_id", "alliance": "alliance_id", "region": "region_code"}[row.territory_level]
    return getattr(row, column)


def test_at_most_one_reserved_amount_per_cycle_level_and_territory(envelopes):
    reserved = envelopes[envelopes.kind.isin(RESERVED_KINDS)]
    keys = reserved.assign(territory=[_territory_key(r) for r in reserved.itertuples()])
    repeated = keys[keys.duplicated(["kind", "cycle", "territory_level", "territory"], keep=False)]
    assert repeated.empty, repeated.envelope_id.tolist()


def test_at_least_eleven_regions_have_a_2017_2023_region_envelope(envelopes):
    regional = envelopes[(envelopes.kind == "envelope") & (envelopes.cycle == "pagieps-2017-2023")
                         & (envelopes.territory_level == "region") & envelopes.amount.notna()]
    assert regional.region_code.nunique() >= 11, sorted(regional.region_code)


def test_no_envelope_is_a_look_alike_fund(envelopes):
    rows = envelopes[envelopes.kind == "envelope"]
    for column in ("description", "territory_name", "mandataire", "period", "note"):
        named = rows[rows[column].fillna("").str.contains(EXCLUDED_FUNDS)]
        assert named.empty, (column, named.envelope_id.tolist())


def _sums_by(rows: pd.DataFrame, column: str) -> pd.Series:
    return rows.dropna(subset=["amount"]).groupby(column).amount.sum()


@pytest.mark.parametrize("kind", ["envelope", "transition", "supplement"])
def test_parts_never_exceed_the_whole_for_one_kind_and_cycle(envelopes, kind):
    """Region amounts add up to at most the province's, MRC and sub-region amounts to at most their
    region's, one kind and one cycle at a time (different kinds or cycles are never summed)."""
    checked = 0
    for cycle, rows in envelopes[envelopes.kind == kind].groupby("cycle"):
        province = rows[rows.territory_level == "province"].amount.dropna()
        regions = rows[rows.territory_level == "region"]
        if len(province):
            (whole,) = province  # one province amount per kind and cycle
            assert regions.amount.sum() <= whole, (kind, cycle)
            checked += 1
        region_amount = _sums_by(regions, "region_code")
        for level in ("mrc", "sub_region", "alliance"):
            parts = _sums_by(rows[(rows.territory_level == level) & rows.region_code.notna()], "region_code")
            for code, total in parts.items():
                if code in region_amount.index:
                    assert total <= region_amount[code], (kind, cycle, level, code)
                    checked += 1
    assert checked > 0, kind


def test_a_disputed_amount_names_the_other_figure_and_its_source(envelopes):
    assert set(envelopes.amount_disputed.dropna()) <= {"yes"}
    disputed = envelopes[envelopes.amount_disputed == "yes"]
    assert len(disputed) > 0
    for row in disputed.itertuples():
        assert pd.notna(row.amount) and isinstance(row.note, str), row.envelope_id
        assert "Écart" in row.note or "écart" in row.note, row.envelope_id
        assert "http" in row.note or "la source même" in row.note, row.envelope_id


# --- broken copies ------------------------------------------------------------------------------

def _copy_with(tmp_path: Path, source: Path, changes: dict[tuple[int, str], str]) -> Path:
    """A copy of `source` with cells changed: {(data row index, column): new text}."""
    table = pd.read_csv(source, dtype=str, keep_default_na=False)
    for (index, column), value in changes.items():
        table.loc[index, column] = value
    target = tmp_path / source.name
    table.to_csv(target, index=False)
    return target


def _filled_row(source: Path, column: str, nth: int = 0) -> int:
    """Index of the nth data row where `column` is filled (or the last one), so a corruption is meaningful."""
    table = pd.read_csv(source, dtype=str, keep_default_na=False)
    filled = table.index[table[column] != ""]
    return int(filled[min(nth, len(filled) - 1)])


CORRUPTIONS = [
    # (loader, file, column to break, bad value, the row is chosen where this column is filled)
    (load.load_projects, load.PROJECTS_PATH, "region_code", "18", "region_code"),
    (load.load_projects, load.PROJECTS_PATH, "amount_fqis", "-1000", "amount_fqis"),
    (load.load_projects, load.PROJECTS_PATH, "source_url", "", "source_url"),
    (load.load_projects, load.PROJECTS_PATH, "mrc_ids", "mrc-imaginaire", "mrc_ids"),
    (load.load_projects, load.PROJECTS_PATH, "fqis_link", "peut-être", "fqis_link"),
    (load.load_projects, load.PROJECTS_PATH, "fqis_link", "", "fqis_link"),
    (load.load_projects, load.PROJECTS_PATH, "inferred", "mrc;devine", "inferred"),
    (load.load_projects, load.PROJECTS_PATH, "inferred", "mrc;mrc", "inferred"),
    (load.load_projects, load.PROJECTS_PATH, "other_source_urls", "https://a.example/x,https://b.example/y", "other_source_urls"),
    (load.load_projects, load.PROJECTS_PATH, "other_source_urls", "https://a.example/x  https://b.example/y", "other_source_urls"),
    (load.load_envelopes, load.ENVELOPES_PATH, "region_code", "18", "region_code"),
    (load.load_envelopes, load.ENVELOPES_PATH, "amount", "-1000", "amount"),
    (load.load_envelopes, load.ENVELOPES_PATH, "source_url", "", "source_url"),
    (load.load_envelopes, load.ENVELOPES_PATH, "mrc_id", "mrc-imaginaire", "mrc_id"),
]


@pytest.mark.parametrize("loader,source,column,value,filled", CORRUPTIONS,
                         ids=[f"{c[1].stem}-{c[2]}" for c in CORRUPTIONS])
def test_a_broken_cell_is_reported_at_its_row_and_column(tmp_path, loader, source, column, value, filled):
    index = _filled_row(source, filled, nth=3)  # not the first row, so a row-number slip would show
    broken = _copy_with(tmp_path, source, {(index, column): value})
    with pytest.raises(DataFileError) as caught:
        loader(broken)
    located = {(p.row, p.column) for p in caught.value.problems}
    assert located == {(index + 2, column)}  # header is row 1, so data row i is spreadsheet row i + 2
    assert all(p.file.endswith(source.name) for p in caught.value.problems)


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    broken = _copy_with(tmp_path, load.PROJECTS_PATH,
                        {(0, "region_code"): "99", (5, "start_year"): "deux mille", (9, "themes"): "theme-inconnu"})
    with pytest.raises(DataFileError) as caught:
        load.load_projects(broken)
    assert {(p.row, p.column) for p in caught.value.problems} == {(2, "region_code"), (7, "start_year"), (11, "themes")}
    assert "ligne 7" in str(caught.value) and "start_year" in str(caught.value)


def test_an_mrc_outside_the_region_is_refused(tmp_path):
    projects = pd.read_csv(load.PROJECTS_PATH, dtype=str, keep_default_na=False)
    index = int(projects.index[(projects.region_code == "14") & (projects.mrc_ids != "")][0])
    broken = _copy_with(tmp_path, load.PROJECTS_PATH, {(index, "mrc_ids"): "sherbrooke"})
    with pytest.raises(DataFileError) as caught:
        load.load_projects(broken)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (index + 2, "mrc_ids") and "région 05" in problem.message


def test_an_mrc_the_alliance_covered_during_the_cycle_is_accepted(tmp_path):
    # geo/reference/alliance_territory_changes.csv gives the 2017–2023 Montérégie Alliance Brome-Missisquoi,
    # an MRC of Estrie today: accepted for that cycle only.
    row = {column: "" for column in schema.PROJECT_COLUMNS} | {
        "project_id": "test-brome", "title": "Projet d'essai", "alliance_id": "monteregie", "region_code": "16",
        "mrc_ids": "brome-missisquoi", "location_precision": "mrc", "cycle": "pagieps-2017-2023",
        "source_url": "https://example.org/essai", "fqis_link": "explicit"}
    path = tmp_path / "projects.csv"
    pd.DataFrame([row]).to_csv(path, index=False)
    assert load.load_projects(path).mrc_ids.iloc[0] == "brome-missisquoi"
    pd.DataFrame([row | {"cycle": "plan-2024-2029"}]).to_csv(path, index=False)
    with pytest.raises(DataFileError) as caught:
        load.load_projects(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "mrc_ids")]


def test_an_alliance_of_another_region_is_refused(tmp_path):
    broken = _copy_with(tmp_path, load.ENVELOPES_PATH, {(_filled_row(load.ENVELOPES_PATH, "region_code"), "alliance_id"): "kativik"})
    with pytest.raises(DataFileError) as caught:
        load.load_envelopes(broken)
    assert [p.column for p in caught.value.problems] == ["alliance_id"]


def test_a_region_name_unlike_the_map_is_refused(tmp_path):
    broken = _copy_with(tmp_path, load.REGIONS_PATH, {(1, "name_fr"): "Saguenay-Lac-Saint-Jean"})  # hyphen, not en dash
    with pytest.raises(DataFileError) as caught:
        load.load_regions(broken)
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "name_fr")]


def test_an_unknown_theme_or_alliance_in_priorities_is_refused(tmp_path):
    broken = _copy_with(tmp_path, load.PRIORITIES_PATH, {(2, "theme_ids"): "logement;pauvrete", (4, "alliance_id"): "atlantide"})
    with pytest.raises(DataFileError) as caught:
        load.load_priorities(broken)
    assert {(p.row, p.column) for p in caught.value.problems} == {(4, "theme_ids"), (6, "alliance_id")}


@pytest.mark.parametrize("loader", [load.load_projects, load.load_envelopes, load.load_priorities, load.load_regions])
def test_a_missing_file_is_one_problem_naming_it(tmp_path, loader):
    missing = tmp_path / "absent.csv"
    with pytest.raises(DataFileError) as caught:
        loader(missing)
    assert caught.value.problems == [Problem(str(missing), None, None, "fichier introuvable")]
