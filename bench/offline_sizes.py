"""Size of the offline presentation (offline/) of each of the 17 regions, against its 5 MB budget.

    python -m bench.offline_sizes [--synthetic 3000] [--regions 14,10]

For each region: the file from the public data, and from a synthetic set of `--synthetic`
projects over all of Québec (about what the Alliances funded since 2018: what the file would weigh
with complete data, or with a coordinator's full spreadsheet), in MB (10^6 bytes) and gzip-compressed.
Exit code 1 if a file is over budget.
"""
from __future__ import annotations

import argparse
import gzip
import sys
import time

from components.dataset import Dataset, current, prepare_for_map
from data.synthetic import generate_projects
from geo import layers
from offline.presentation import plotly_js, presentation_html

BUDGET = 5_000_000  # bytes, from issue #15
MB = 1_000_000


def measure(regions: list[str], synthetic: int) -> list[dict]:
    plotly = plotly_js()  # read once: the same bytes in every file
    sets = {"public": current()}
    if synthetic:
        sets["synthetic"] = Dataset(prepare_for_map(generate_projects(synthetic, seed=2018)), current().envelopes,
                                    demo=True)
    rows = []
    for region in regions:
        row = {"region": region, "name": str(layers.territories("region").region_name[region])}
        for label, data in sets.items():
            started = time.perf_counter()
            body = presentation_html(region, data, "fr", plotly=plotly).encode("utf-8")
            row[label] = {"bytes": len(body), "gzip": len(gzip.compress(body, 6)),
                          "seconds": time.perf_counter() - started}
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.offline_sizes", description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=3_000, help="synthetic projects (0: public data only)")
    parser.add_argument("--regions", default="", help="region codes separated by commas (default: all 17)")
    args = parser.parse_args(argv)
    regions = [code.strip() for code in args.regions.split(",") if code.strip()] or \
        sorted(layers.territories("region").index)
    rows = measure(regions, args.synthetic)
    labels = [label for label in ("public", "synthetic") if label in rows[0]]
    header = f"{'région':<36}" + "".join(f"{label + ' (Mo, gzip)':>26}{'s':>6}" for label in labels) + "  ≤ 5 Mo"
    print(f"Présentation hors ligne : taille du fichier par région (budget {BUDGET / MB:.0f} Mo)")
    print(header)
    over = 0
    for row in rows:
        line = f"{row['region'] + ' ' + row['name']:<36}"
        worst = 0
        for label in labels:
            size = row[label]
            worst = max(worst, size["bytes"])
            line += f"{size['bytes'] / MB:>15.2f} ({size['gzip'] / MB:.2f}){'':>3}{size['seconds']:>6.1f}"
        fits = worst <= BUDGET
        over += not fits
        print(line + ("  ✓" if fits else "  ✗"))
    largest = max(rows, key=lambda r: max(r[label]["bytes"] for label in labels))
    print(f"Le plus gros : {largest['region']} {largest['name']}, "
          f"{max(largest[label]['bytes'] for label in labels) / MB:.2f} Mo.")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
