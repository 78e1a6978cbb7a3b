"""The data the app shows: the curated, validated tables, or the synthetic demo set behind a switch."""
from __future__ import annotations

import functools
import itertools
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import cachetools
import pandas as pd

import config
from components.map.figures import grid_cells, project_positions
from data import load, metrics
from geo import layers

PUBLIC_KEY = "public"
UPLOAD_KEY_PREFIX = "upload-"  # then the SHA-256 of the validated rows (components/own_file/upload.py)
_SERIAL = itertools.count()
_DERIVING = threading.Lock()


@dataclass(frozen=True, eq=False)
class Dataset:
    projects: pd.DataFrame  # validated + metrics.prepare_projects columns, indexed by project_id
    envelopes: pd.DataFrame
    demo: bool
    # What the data are, for the caches (per_dataset): PUBLIC_KEY for the process's curated data, a
    # hash of the content for a visitor's file; otherwise a serial number never given twice, so
    # that two different datasets never share a cached result.
    key: str = field(default_factory=lambda: f"dataset-{next(_SERIAL)}")
    # What views derive from these data alone (a project's hover text…), built when first needed and
    # kept as long as the data: see `derived`. Never part of the dataset's identity.
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def derived(self, name: object, build):
        """`build()` once per dataset (per `name`), then the same object: work that depends only on
        the data leaves the request path after the first request that needs it."""
        try:
            return self.memo[name]
        except KeyError:
            with _DERIVING:
                if name not in self.memo:
                    self.memo[name] = build()
                return self.memo[name]

    @property
    def is_upload(self) -> bool:
        """A visitor's file (« Mon fichier »), not data this server holds."""
        return self.key.startswith(UPLOAD_KEY_PREFIX)


def per_dataset(public_entries: int, other_entries: int):
    """Cache `fn(data, *args)` on (data.key, *args), never on the Dataset object itself.

    The public data's results and every other dataset's (visitors' files) are kept in two
    separate LRU caches, so that uploads can neither evict the views most visitors share nor
    grow a worker's memory: a dataset that leaves upload.py's small cache is freed, and at most
    `other_entries` results of other datasets are kept. Thread-safe (gunicorn threads).
    """
    def key(data, *args):
        return cachetools.keys.hashkey(data.key, *args)

    def decorate(fn):
        public = cachetools.cached(cachetools.LRUCache(public_entries), key=key, lock=threading.Lock(), info=True)(fn)
        other = cachetools.cached(cachetools.LRUCache(other_entries), key=key, lock=threading.Lock(), info=True)(fn)

        @functools.wraps(fn)
        def cached(data, *args):
            return (public if is_public(data) else other)(data, *args)

        def cache_clear() -> None:
            public.cache_clear()
            other.cache_clear()

        cached.cache_info = public.cache_info  # the public data's, which the warm-up fills
        cached.other_cache_info = other.cache_info
        cached.cache_clear = cache_clear
        return cached

    return decorate


def demo_enabled() -> bool:
    return config.get("demo").strip().lower() in ("1", "true", "oui", "yes")


def demo_size() -> int:
    """CARTE_DEMO_SIZE, bounded: a typo must not ask for a billion rows."""
    try:
        return min(max(int(config.get("demo_size")), 1), 2_000_000)
    except ValueError:
        return 3_000


def current() -> Dataset:
    """The public data. Invalid files raise here (first call), so the server refuses to start on bad data.

    Besides the curated files, the Alliances' current publications (publishing/dataset.py): each
    worker reads the data version at most once a second and rebuilds beside the requests when a
    publication changed it, so the key (`public@N`) and every cache keyed by it follow the version.
    """
    return _public_watcher().current()


def is_public(data: Dataset) -> bool:
    """The server's public data, whatever its data version."""
    return data.key.split("@")[0] == PUBLIC_KEY


# Called with the new Dataset, in the reload's thread, once a publication changed the public data
# and the new data are served: web/previews.py clears its per-view caches, pages/dashboard computes
# the first pages of the new data. Caches keyed by the Dataset's key need nothing.
ON_NEW_DATA: list = []


def forget_on_new_data(cached):
    """Decorate a functools cache keyed on the Dataset object: emptied when a new data version is
    served (before the other listeners warm it), so that its entries do not keep every earlier
    version's Dataset alive (7 MB at 3 000 projects) until newer entries push them out."""
    ON_NEW_DATA.insert(0, lambda _data: cached.cache_clear())
    return cached


@lru_cache(maxsize=1)
def _public_watcher():
    from publishing import dataset as published  # publishing imports no dash

    def build() -> tuple[Dataset, int]:
        envelopes = _curated_envelopes()
        if demo_enabled():
            from data.synthetic import generate_projects  # only ever imported behind the demo switch
            return from_frames(generate_projects(demo_size(), seed=2018), envelopes, True, key=PUBLIC_KEY), 0
        projects, version = published.public_projects(_curated_projects())
        with published.phase("préparation"):  # named in the reload's log line (publishing.dataset.Phases)
            return from_frames(projects, envelopes, False, key=f"{PUBLIC_KEY}@{version}"), version

    def new_data(data: Dataset) -> None:
        for listener in ON_NEW_DATA:
            listener(data)

    # The demo never changes: no database is read for it.
    read_version = (lambda: 0) if demo_enabled() else published.read_version
    return published.Watcher(build, read_version, on_new=new_data)


def watch_publications() -> None:
    """Check in the background, in this process, for a newly approved publication (serve.py's workers)."""
    _public_watcher().poll_in_background()


# The curated files do not change while the server runs: read once, whatever the publications do.
@lru_cache(maxsize=1)
def _curated_projects() -> pd.DataFrame:
    return load.load_projects()


@lru_cache(maxsize=1)
def _curated_envelopes() -> pd.DataFrame:
    return load.load_envelopes()


# Up to this many projects, every project's hover text is written when the data are loaded (a few
# tens of milliseconds at today's 3 000); beyond, each is written the first time a view draws it.
EAGER_HOVERS = 20_000


def from_frames(projects: pd.DataFrame, envelopes: pd.DataFrame, demo: bool, key: str | None = None) -> Dataset:
    """A Dataset from validated projects and envelopes, with what depends on the data alone computed
    now, once per data version (a reload builds a new one): the map's columns, the envelope totals
    of every level and cycle, and (for a dataset of usual size) the projects' hover texts."""
    metrics.prepare_envelopes(envelopes)
    data = Dataset(prepare_for_map(projects), envelopes, demo, **({"key": key} if key else {}))
    if len(data.projects) <= EAGER_HOVERS:
        from components.map.summary import prepare_hovers  # summary imports this module
        prepare_hovers(data)
    return data


def prepare_for_map(projects: pd.DataFrame) -> pd.DataFrame:
    """Validated projects → the columns every view needs, computed once: the metrics' derived
    columns, where each project is drawn (map_lon, map_lat, map_precision) and the cluster cell
    its point joins when there are too many to draw (map_cell)."""
    prepared = metrics.prepare_projects(projects).set_index("project_id", drop=False)
    positions = project_positions(prepared, layers.territories("mrc"), layers.territories("region"))
    lon, lat = positions.lon.to_numpy(), positions.lat.to_numpy()  # arrays: no alignment on a million ids
    return prepared.assign(map_lon=lon, map_lat=lat, map_precision=positions.precision,
                           map_cell=grid_cells(lon, lat))
