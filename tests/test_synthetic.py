"""The synthetic project generator: reproducible, valid, and shaped like the real thing."""
from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from data import schema, synthetic
from data.synthetic import generate_projects
from geo import layers

N = 20_000


@pytest.fixture(scope="module")
def projects() -> pd.DataFrame:
    return generate_projects(N, seed=7)


@pytest.fixture(scope="module")
def mrc() -> pd.DataFrame:
    return layers.territories("mrc")


def _share(mask: pd.Series) -> float:
    return float(mask.mean())


def test_same_seed_gives_the_same_frame_and_another_seed_a_different_one():
    first, again, other = generate_projects(500, seed=1), generate_projects(500, seed=1), generate_projects(500, seed=2)
    pd.testing.assert_frame_equal(first, again)
    assert not first.drop(columns="source_url").equals(other.drop(columns="source_url"))
    assert (first.title != other.title).mean() > 0.5
    assert not np.allclose(first.amount_fqis.fillna(-1), other.amount_fqis.fillna(-1))


@pytest.mark.parametrize("n", [0, 1, 300])
def test_small_samples_pass_the_project_schema(n):
    frame = generate_projects(n, seed=3)
    assert tuple(frame.columns) == schema.PROJECT_COLUMNS and len(frame) == n
    schema.validate(frame, schema.project_schema(), "synthetic")


def test_ids_source_and_note_say_synthetic(projects):
    assert projects.project_id.tolist()[:3] == ["syn-1", "syn-2", "syn-3"]
    assert projects.project_id.is_unique and projects.project_id.iloc[-1] == f"syn-{N}"
    assert (projects.source_url == "synthetic:seed-7").all()
    assert (projects.note == "Donnée synthétique (tests et banc d'essai) — pas un vrai projet").all()


def test_about_8_percent_are_region_wide_without_mrc_or_point(projects):
    region_wide = projects.location_precision == "region"
    assert abs(_share(region_wide) - 0.08) < 0.01
    assert (projects.mrc_ids.isna() == region_wide).all()  # and only they lack an MRC
    assert projects.loc[region_wide, ["lon", "lat"]].isna().all().all()
    # Only where one Alliance covers the whole region (not Nord-du-Québec, nor Gaspésie–Îles).
    assert not set(projects.loc[region_wide, "region_code"]) & {"10", "11"}


def test_about_4_percent_span_2_or_3_mrc_of_their_own_alliance(projects, mrc):
    cells = projects.mrc_ids.dropna()
    spans = cells[cells.str.contains(";")]
    assert abs(len(spans) / N - 0.04) < 0.008
    counts = spans.str.count(";") + 1
    assert set(counts) == {2, 3}
    for index, cell in spans.items():
        ids = cell.split(";")
        assert len(set(ids)) == len(ids), cell
        assert set(mrc.loc[ids, "alliance_id"]) == {projects.at[index, "alliance_id"]}, cell
        assert set(mrc.loc[ids, "region_code"]) == {projects.at[index, "region_code"]}, cell
        assert (projects.at[index, "location_precision"]) == "mrc"


def test_single_mrc_projects_match_their_region_and_alliance(projects, mrc):
    single = projects[projects.mrc_ids.notna() & ~projects.mrc_ids.str.contains(";", na=False)]
    assert (single.region_code.to_numpy() == mrc.loc[single.mrc_ids, "region_code"].to_numpy()).all()
    assert (single.alliance_id.to_numpy() == mrc.loc[single.mrc_ids, "alliance_id"].to_numpy()).all()


def test_about_60_percent_have_a_point_a_few_km_from_their_mrc(projects, mrc):
    point = projects.location_precision == "point"
    assert abs(_share(point) - 0.60) < 0.02
    assert (projects.lon.notna() == point).all() and (projects.lat.notna() == point).all()
    located = projects[point]
    assert located.lon.between(-80, -57).all() and located.lat.between(44.9, 62.6).all()
    rep = mrc.loc[located.mrc_ids, ["rep_lon", "rep_lat"]].to_numpy()
    km_north = (located.lat.to_numpy() - rep[:, 1]) * 110.57
    km_east = (located.lon.to_numpy() - rep[:, 0]) * 111.32 * np.cos(np.radians(rep[:, 1]))
    distance = np.hypot(km_north, km_east)
    assert distance.max() < 25 and 1 < np.median(distance) < 8  # jittered, not stacked on one spot


def test_amounts_are_lognormal_bounded_whole_dollars_and_10_percent_unknown(projects):
    unknown = projects.amount_fqis.isna()
    assert abs(_share(unknown) - 0.10) < 0.015
    known = projects.amount_fqis.dropna()
    assert known.between(2_000, 500_000).all()
    assert (known == known.round()).all()
    assert 30_000 < known.median() < 40_000
    assert known.quantile(0.95) > 2 * known.median()  # skewed, as log-normal money is
    cost = projects.total_cost.dropna()
    assert (cost >= projects.amount_fqis[cost.index]).all()


def test_every_region_appears(projects):
    assert set(projects.region_code) == {f"{code:02d}" for code in range(1, 18)}


def test_small_mrc_get_more_projects_per_inhabitant_than_montreal(projects, mrc):
    per_mrc = projects.mrc_ids.value_counts()  # single-MRC cells only match an id exactly
    population = mrc.set_index("mrc_id").population_2021
    small = population[population < 20_000]
    small_rate = per_mrc.reindex(small.index, fill_value=0).sum() / small.sum()
    montreal_rate = per_mrc["montreal"] / population["montreal"]
    assert small_rate > 2 * montreal_rate
    assert per_mrc["montreal"] > per_mrc.drop("montreal").max()  # yet Montréal has the most projects


def test_cycles_and_years_agree(projects):
    cycles = pd.read_csv(schema.REFERENCE_DIR / "cycles.csv").set_index("cycle_id")
    assert _share(projects.cycle.isin(["pagieps-2017-2023", "plan-2024-2029"])) > 0.8
    first = cycles.loc[projects.cycle, "start_year"].to_numpy()
    last = cycles.loc[projects.cycle, "end_year"].to_numpy()
    start, end = projects.start_year.to_numpy(int), projects.end_year.to_numpy(int)
    assert ((first <= start) & (start <= end) & (end <= last)).all()


def test_themes_are_one_or_two_reference_ids_and_the_title_follows_the_first(projects):
    cells = projects.themes.str.split(";")
    assert cells.map(len).isin([1, 2]).all()
    assert cells.map(lambda ids: len(set(ids)) == len(ids)).all()
    assert set(cells.explode()) == set(schema.vocabulary("themes"))
    assert 0.3 < _share(cells.map(len) == 2) < 0.5
    activity_theme = {a: t for t, (_, activities) in synthetic.THEME_ACTIVITIES.items() for a in activities}
    for title, first in zip(projects.title.head(500), cells.head(500).str[0]):
        assert any(title.startswith(a + " ") and activity_theme[a] == first for a in activity_theme), title


def test_titles_and_promoters_are_proper_french(projects):
    text = pd.concat([projects.title, projects.promoter.dropna()])
    assert text.str.contains("é").any() and text.str.contains("Î").any()
    assert not text.str.contains("Ã|Â©|\\?", regex=True).any()  # no mojibake
    assert not text.str.contains(r"\bde (?:Le|Les|A|E|I|O|U|É|Î)", regex=True).any()
    assert not text.str.contains(r"\bde l'(?:Laurentides|Bas)", regex=True).any()
    assert _share(projects.promoter.isna()) < 0.06
    assert projects.promoter.str.startswith("Carrefour jeunesse-emploi ", na=False).any()


@pytest.mark.parametrize("place, expected", [
    ("Les Escoumins", "des Escoumins"), ("Le Bic", "du Bic"), ("Amos", "d'Amos"),
    ("Val-d'Or", "de Val-d'Or"), ("La Sarre", "de La Sarre"), ("L'Assomption", "de L'Assomption"),
    ("Havre-Saint-Pierre", "de Havre-Saint-Pierre"), ("Île-Perrot", "d'Île-Perrot"), ("Québec", "de Québec"),
])
def test_de_uses_the_right_french_contraction(place, expected):
    assert synthetic._de(place) == expected


@pytest.mark.parametrize("n, seed, error", [(1.5, 0, TypeError), (True, 0, TypeError), ("10", 0, TypeError),
                                            (-1, 0, ValueError), (10, -2, ValueError)])
def test_bad_arguments_are_named(n, seed, error):
    with pytest.raises(error, match="n must|seed must"):
        generate_projects(n, seed)


def test_a_million_rows_generate():
    frame = generate_projects(1_000_000, seed=11)
    assert len(frame) == 1_000_000 and tuple(frame.columns) == schema.PROJECT_COLUMNS
    assert frame.project_id.is_unique
    assert frame.region_code.notna().all() and frame.title.notna().all()
    assert abs(_share(frame.location_precision == "region") - 0.08) < 0.002
    assert frame.amount_fqis.dropna().between(2_000, 500_000).all()
    assert frame.lon.dropna().between(-80, -57).all() and frame.lat.dropna().between(44.9, 62.6).all()


def test_command_line_writes_the_same_projects(tmp_path, capsys):
    out = tmp_path / "sub" / "projects.csv"
    assert synthetic.main(["50", "--seed", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 1 and "50 projets" in printed[0] and str(out) in printed[0]
    written = pd.read_csv(out, dtype={"region_code": str})
    expected = generate_projects(50, seed=2)
    assert list(written.columns) == list(schema.PROJECT_COLUMNS)
    assert written.project_id.tolist() == expected.project_id.tolist()
    assert written.title.tolist() == expected.title.tolist()
    np.testing.assert_array_equal(written.amount_fqis.to_numpy(), expected.amount_fqis.to_numpy())
    schema.validate(written, schema.project_schema(), str(out))


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is not None, reason="pyarrow installed")
def test_parquet_without_pyarrow_fails_with_a_message(tmp_path, capsys):
    assert synthetic.main(["5", "--out", str(tmp_path / "p.parquet")]) == 2
    assert "pyarrow" in capsys.readouterr().err
    assert not (tmp_path / "p.parquet").exists()
