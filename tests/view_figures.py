"""The figures of a dozen map views, as plain JSON: what tests/test_view_figures_stable.py compares.

Performance work moves computations around (once per data version instead of per request, arrays
instead of rows); it must not change one value, hover line or sentence a visitor sees. The golden
file `tests/fixtures/view_figures.json.gz` was written by this module from the code as it was BEFORE
that work, and is compared after each change:

    .venv/bin/python -m tests.view_figures          # rewrite the golden file (only on purpose!)

Each view records every output of the map page's callback (map patch: z values, locations, hover
text, points; headline cards; ranking figure; territory table; notes; sentence; links), plus the
aggregation table and the headline numbers. The real curated data give twelve views; a synthetic
set of 3 000 projects (seed 2018, as the benchmark's) gives four more, because only a set that big
reaches the clustered points (more than POINT_LIMIT projects in view).
"""
from __future__ import annotations

import dataclasses
import gzip
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "fixtures" / "view_figures.json.gz"  # gzip: 1 MB of JSON is 0,17 MB
SYNTHETIC_SIZE, SYNTHETIC_SEED = 3_000, 2018


def _views() -> dict[str, object]:
    from components.state import View
    from data.metrics import Filters

    return {
        "default": View(),
        "mrc-amount": View(level="mrc", measure="amount"),
        "alliance-documented-share": View(level="alliance", measure="documented_share"),
        "region-per-capita-en": View(level="region", measure="per_capita", lang="en"),
        "mrc-count-region-05": View(level="mrc", measure="count", filters=Filters(regions=("05",))),
        "region-envelope-pagieps": View(measure="envelope", filters=Filters(cycles=("pagieps-2017-2023",))),
        "mrc-share-pagsis": View(level="mrc", measure="documented_share", filters=Filters(cycles=("pagsis-2010-2015",))),
        "region-amount-theme": View(measure="amount", filters=Filters(themes=("securite-alimentaire", "logement"))),
        "mrc-per-capita-amount-range": View(level="mrc", measure="per_capita",
                                            filters=Filters(amount_min=10_000, amount_max=100_000)),
        "region-count-search-en": View(measure="count", lang="en", filters=Filters(text="alimentaire")),
        "alliance-amount-explicit": View(level="alliance", measure="amount", filters=Filters(explicit_only=True)),
        "region-amount-selected": View(measure="amount", selected="05"),
        "mrc-amount-mrcs-alliance": View(level="mrc", measure="amount",
                                         filters=Filters(mrcs=("sherbrooke", "montreal", "longueuil"),
                                                         alliances=("estrie", "monteregie"))),
    }


def _synthetic_views() -> dict[str, object]:
    from components.state import View
    from data.metrics import Filters

    return {
        "synthetic-default": View(),
        "synthetic-mrc-amount-clusters": View(level="mrc", measure="amount"),
        "synthetic-region-06-points": View(measure="count", filters=Filters(regions=("06",))),
        "synthetic-search-en": View(level="alliance", measure="per_capita", lang="en", filters=Filters(text="cuisine")),
    }


def synthetic_dataset():
    """The benchmark's 3 000 synthetic projects with the curated envelopes (never shown as real)."""
    from components.dataset import Dataset, prepare_for_map
    from data import load
    from data.synthetic import generate_projects

    projects = generate_projects(SYNTHETIC_SIZE, seed=SYNTHETIC_SEED)
    return Dataset(prepare_for_map(projects), load.load_envelopes(), demo=True, key="golden-synthetic")


def _plain(value):
    """Plotly's JSON encoder understands components, Patches, numpy and pandas values."""
    from plotly.io.json import to_json_plotly

    return json.loads(to_json_plotly(value))


def snapshot(view, data) -> dict:
    """Everything a visitor can see of `view`, as JSON values."""
    from components.map.summary import compute, view_summary
    from pages.dashboard import view_outputs

    result = compute(view, data)
    agg = result["agg"]
    return {
        "outputs": _plain(list(view_outputs.__wrapped__(data, view))),
        "agg": _plain({"attrs": dict(agg.attrs), "index": list(agg.index), "columns": list(agg.columns),
                       "rows": agg.to_numpy().tolist()}),
        "headline": _plain(dataclasses.asdict(result["headline"])),
        "n_projects": result["n_projects"],
        "summary": view_summary(view, result["headline"], agg),
    }


def record() -> dict:
    from components.dataset import current

    public = current()
    synthetic = synthetic_dataset()
    views = {name: snapshot(view, public) for name, view in _views().items()}
    views.update({name: snapshot(view, synthetic) for name, view in _synthetic_views().items()})
    return views


def differences(expected, actual, path: str = "", found: list[str] | None = None, limit: int = 20) -> list[str]:
    """Where two JSON values differ (floats within 1e-9 relative: summing in another order may
    move the last bit), as readable paths; at most `limit`."""
    found = [] if found is None else found
    if len(found) >= limit:
        return found
    if isinstance(expected, float) or isinstance(actual, float):
        if isinstance(expected, (int, float)) and isinstance(actual, (int, float)) \
                and not isinstance(expected, bool) and not isinstance(actual, bool) \
                and math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-9):
            return found
        found.append(f"{path}: {expected!r} → {actual!r}")
    elif isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if key not in actual or key not in expected:
                found.append(f"{path}/{key}: {'missing' if key not in actual else 'unexpected'}")
            else:
                differences(expected[key], actual[key], f"{path}/{key}", found, limit)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            found.append(f"{path}: {len(expected)} items → {len(actual)}")
        for i, (a, b) in enumerate(zip(expected, actual)):
            differences(a, b, f"{path}[{i}]", found, limit)
    elif expected != actual:
        found.append(f"{path}: {str(expected)[:200]!r} → {str(actual)[:200]!r}")
    return found


def main() -> int:
    sys.path.insert(0, str(ROOT))
    import config
    from geo import build as geo_build

    geo_build.build(config.geo_sources_dir(), config.geo_build_dir())
    import app  # noqa: F401  (pages register themselves with the app; the callback lives in one)

    views = record()
    # mtime=0: the same figures give the same bytes, so git sees no change when nothing changed.
    GOLDEN.write_bytes(gzip.compress((json.dumps(views, ensure_ascii=False, indent=0, sort_keys=True) + "\n").encode(),
                                     mtime=0))
    print(f"{len(views)} views written to {GOLDEN.relative_to(ROOT)} ({GOLDEN.stat().st_size / 1e3:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
