"""A file's projects compared with what its Alliance has published, and with the curated data.

Projects are matched as `data.append` matches a duplicate: same title, promoter and MRC (the region
when no MRC is named), folded (no case, accents or punctuation). The result is plain JSON, stored
with the submission, so the operators' queue shows exactly what the coordinator saw.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from data.append import _key
from data.schema import FOLLOW_UP_COLUMNS

# Fields compared one by one (the match key's own fields can still differ by case or accents).
COMPARED = ("title", "promoter", "mrc_ids", "municipality", "location_precision", "lon", "lat", "amount_fqis",
            "total_cost", "start_year", "end_year", "cycle", "priorities_original", "themes", "source_url", "note",
            *FOLLOW_UP_COLUMNS)


# The key folds title and promoter letter by letter (30 µs a row). An approval matches the new rows
# against every earlier version of the Alliance, and each reload merges every published row with the
# curated ones: kept per process, a row repeated from one version to the next is folded once.
# Bounded (20 000 keys, about 6 MB): some 3 000 projects are funded in all, a few versions of each.
match_key = lru_cache(maxsize=20_000)(_key)


def key_of(record: dict[str, Any]) -> tuple[str, str, str]:
    return match_key(record.get("title"), record.get("promoter"), record.get("mrc_ids"), record.get("region_code"))


def _same(a: Any, b: Any) -> bool:
    if all(isinstance(v, str) and v.startswith("import:") for v in (a, b)):
        return True  # « import:<file name> » only says the row had no web source; a renamed file is no change
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-9
    return (a if a not in ("",) else None) == (b if b not in ("",) else None)


def compare(rows: list[dict[str, Any]], published: list[dict[str, Any]], curated: list[dict[str, Any]]) -> dict:
    """{"new": [...], "changed": [...], "removed": [...], "unchanged": n, "known": [...]}.

    `rows` are the file's valid rows (each with its spreadsheet `row`), `published` the rows of the
    Alliance's current version, `curated` the rows of data/projects.csv in her territory.
    """
    before = {key_of(r): r for r in published}
    known = {key_of(r): r for r in curated}
    seen: set = set()
    new, changed, known_rows = [], [], []
    unchanged = 0
    for row in rows:
        key = key_of(row)
        seen.add(key)
        if key in known:
            curated_row = known[key]
            known_rows.append({"row": row.get("row"), "title": row.get("title"),
                               "project_id": curated_row.get("project_id"), "source_url": curated_row.get("source_url")})
        old = before.get(key)
        if old is None:
            new.append({"row": row.get("row"), "title": row.get("title"), "amount_fqis": row.get("amount_fqis")})
            continue
        fields = [{"field": f, "before": old.get(f), "after": row.get(f)} for f in COMPARED
                  if not _same(old.get(f), row.get(f))]
        if fields:
            changed.append({"row": row.get("row"), "title": row.get("title"), "project_id": old.get("project_id"),
                            "fields": fields})
        else:
            unchanged += 1
    removed = [{"project_id": r.get("project_id"), "title": r.get("title")} for k, r in before.items() if k not in seen]
    return {"new": new, "changed": changed, "removed": removed, "unchanged": unchanged, "known": known_rows}
