"""How long a place search takes (geo.places), printed: `python -m bench.places`.

Every one of the 1 130 municipality names of the Répertoire is searched as typed and as a visitor might type it
(lower case, no accents, « St- »), then near misses (each name with its last letter changed), which take the
rapidfuzz path. Also GET /api/places and GET /lieu through Flask's test client (no network). Figures in ms.
"""
from __future__ import annotations

import time

from bench.updates import stats
from geo import layers, places
from geo.names import strip_accents


def _timed(function, values) -> list[float]:
    out = []
    for value in values:
        started = time.perf_counter()
        function(value)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _line(label: str, values: list[float]) -> str:
    s = stats(values)
    return f"{label:<44} n={len(values):>5}  p50 {s['p50']:6.2f}  p95 {s['p95']:6.2f}  max {s['max']:7.2f} ms"


def main() -> None:
    names = list(layers.municipalities().name)
    started = time.perf_counter()
    places.search("Rimouski")
    print(f"index (first search, built once): {(time.perf_counter() - started) * 1000:.0f} ms")
    typed = [strip_accents(n).lower().replace("saint-", "st-").replace("sainte-", "ste-") for n in names]
    near = [n[:-1] + ("x" if n[-1] != "x" else "y") for n in names]
    print(_line("search, official names", _timed(places.search, names)))
    print(_line("search, typed (no accents, St-/Ste-)", _timed(places.search, typed)))
    print(_line("search, near misses (rapidfuzz path)", _timed(places.search, near)))
    print(_line("search, 2-letter prefixes", _timed(places.search, sorted({n[:2] for n in names}))))
    print(_line("search, 10 kB hostile text", _timed(places.search, ["é" * 10_000] * 50)))

    import app  # the real server's routes (its start-up checks read the built layers)

    client = app.server.test_client()
    sample = names[::10]
    print(_line("GET /api/places?q=<name>", _timed(lambda n: client.get("/api/places", query_string={"q": n}), sample)))
    print(_line("GET /lieu?q=<near miss>", _timed(lambda n: client.get("/lieu", query_string={"q": n}), near[::10])))


if __name__ == "__main__":
    main()
