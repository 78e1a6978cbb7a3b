"""Filter changes sent through `/_dash-update-component`: the scenario, and what each one costs.

The scenario is built from the options the server itself sent (regions, themes, measures, levels),
so it follows the app when its vocabularies change. Changes are cumulative, like a visitor's
clicks, and walk through every region, so few views repeat: a server-side cache of recent views
would otherwise make the figures look better than a real visit.
"""
from __future__ import annotations

import itertools
import json
import statistics

from bench.dash_http import Callback, DashApp, gzip_size, server_timing_ms

REGION = "filter-region.value"
THEME = "filter-theme.value"
MEASURE = "measure-radio.value"
LEVEL = "level-radio.value"


def _option_values(props: dict | None) -> list:
    options = (props or {}).get("options") or []
    return [o["value"] if isinstance(o, dict) else o for o in options]


def scenario(app: DashApp, callback: Callback) -> list[tuple[str, object]]:
    """One cycle of (input, new value) changes; only inputs the callback really has are used."""
    inputs = set(callback.input_ids())
    region_props = app.components.get("filter-region")
    regions = _option_values(region_props)
    multi = bool((region_props or {}).get("multi"))
    if REGION not in inputs or not regions:
        raise LookupError("the callback has no filter-region input with options: nothing to change")

    def region_value(*codes):
        if multi:
            return list(codes)
        return codes[0] if codes else None

    # Other kinds of change, taken in turn between two region changes.
    others: list[tuple[str, object]] = []
    if THEME in inputs:
        themes = _option_values(app.components.get("filter-theme"))
        others += [(THEME, themes[:1]), (THEME, themes[1:3]), (THEME, [])] if themes else []
    if MEASURE in inputs:
        others += [(MEASURE, m) for m in _option_values(app.components.get("measure-radio"))]
    if LEVEL in inputs:
        others += [(LEVEL, lv) for lv in _option_values(app.components.get("level-radio"))]

    changes: list[tuple[str, object]] = []
    other = itertools.cycle(others) if others else None
    for i, code in enumerate(regions):
        changes.append((REGION, region_value(code)))
        if multi and i % 4 == 3:  # now and then two regions at once
            changes.append((REGION, region_value(code, regions[i - 1])))
        if i % 3 == 2:
            changes.append((REGION, region_value()))  # back to "all regions"
        if other:
            changes.append(next(other))
    return changes


def kind_of(prop_id: str) -> str:
    return {REGION: "region", THEME: "theme", MEASURE: "measure", LEVEL: "level"}.get(prop_id, prop_id)


class UpdateRunner:
    """Walks the scenario from the page's initial values, one cumulative change per request."""

    def __init__(self, app: DashApp, callback: Callback):
        self.app, self.callback = app, callback
        self.restart()

    def restart(self) -> None:
        """Back to the page's first view: the same changes then give the same views again."""
        self.values = self.app.initial_values(self.callback)
        self.changes = itertools.cycle(scenario(self.app, self.callback))

    def send(self):
        prop_id, value = next(self.changes)
        self.values[prop_id] = value
        return prop_id, value, self.app.post(self.callback, self.values, [prop_id])

    def warm_up(self, count: int) -> None:
        for _ in range(count):
            self.send()

    def measure(self, count: int) -> dict:
        samples, errors, seen = [], [], set()
        for _ in range(count):
            prop_id, value, reply = self.send()
            seen.add(json.dumps(self.values, sort_keys=True))
            if reply.status not in (200, 204):
                errors.append(f"HTTP {reply.status} after {prop_id}={value!r}: {reply.body[:200]!r}")
                continue
            samples.append({
                "kind": kind_of(prop_id),
                "wall_ms": reply.seconds * 1000,
                "ttfb_ms": reply.ttfb * 1000,
                "server_timing_ms": server_timing_ms(reply.headers),
                "raw_bytes": len(reply.body),
                "gzip_bytes": gzip_size(reply.body),
                "wire_bytes": len(reply.wire),
                "content_encoding": reply.headers.get("content-encoding", "identity"),
            })
        return summarise(samples, errors, len(seen))


def summarise(samples: list[dict], errors: list[str], distinct_views: int) -> dict:
    result = {"n": len(samples), "errors": errors, "distinct_views": distinct_views}
    for key in ("wall_ms", "ttfb_ms", "raw_bytes", "gzip_bytes", "wire_bytes"):
        result[key] = stats([s[key] for s in samples])
    timings = [s["server_timing_ms"] for s in samples if s["server_timing_ms"] is not None]
    result["server_timing_ms"] = stats(timings) if timings else None
    result["content_encodings"] = sorted({s["content_encoding"] for s in samples})
    result["by_kind"] = {
        kind: {"n": len(group), "wall_ms": stats([s["wall_ms"] for s in group]),
               "gzip_bytes": stats([s["gzip_bytes"] for s in group])}
        for kind, group in _group(samples, "kind").items()}
    return result


def _group(samples: list[dict], key: str) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for s in samples:
        groups.setdefault(s[key], []).append(s)
    return groups


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), without numpy."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def stats(values: list[float]) -> dict | None:
    if not values:
        return None
    return {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95), "mean": statistics.fmean(values),
            "min": min(values), "max": max(values)}
