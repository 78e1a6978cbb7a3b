"""A worker's memory stays bounded whatever files visitors send as « Mon fichier » (issue #19).

bench/upload_memory.py sends 40 distinct 5 000-row data sets through the view and table callbacks,
in a fresh process, and reports its resident memory after each. Measured (docs/OPERATIONS.md):
+65 MB over the loaded app, flat after the first few data sets; before the caches were keyed by
content, +10 MB per distinct data set, without end (+256 MB after 25).
"""
from __future__ import annotations

import json
import subprocess
import sys

from tests.servers import ROOT

DATASETS = 40
GROWTH_CEILING = 150_000_000  # over the loaded app (stated in docs/OPERATIONS.md)
PLATEAU_SLACK = 40_000_000  # between the 10th and the 40th data set: what stays is bounded, not per file


def test_forty_distinct_uploads_leave_the_worker_memory_under_its_ceiling():
    run = subprocess.run([sys.executable, "-m", "bench.upload_memory", "--datasets", str(DATASETS), "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    sizes = json.loads(run.stdout.strip().splitlines()[-1])
    assert len(sizes) == DATASETS + 1
    print("RSS (MB):", [round(s / 1e6) for s in sizes])
    assert max(sizes) - sizes[0] < GROWTH_CEILING
    assert sizes[-1] - sizes[10] < PLATEAU_SLACK
