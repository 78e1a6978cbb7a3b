"""Finding a place by the name a visitor types: any of the 1 130 municipalities, the 104 MRC/TE, the 17 regions.

Every answer says where the map should go: a municipality leads to its MRC/TE (its `mrc_id`, which is also
the slug of its page /mrc/<id>) and carries its region; a region leads to the region. The MRC of each
municipality is the one `geo.build` wrote into `municipality.csv` from the MAMH's Répertoire (the 52 cities
outside any MRC are already on their territoire équivalent there): nothing here guesses a territory.

Names are compared by a key that ignores case, accents, hyphens, apostrophes and spaces, reads « St- » and
« Ste- » as « Saint- » and « Sainte- », and drops « Ville de », « MRC de » and the like before the name.
The best matches come first: the whole name, then the name without its leading article (« Moulins »), then
names that start with what was typed (« sainte-anne » lists every Sainte-Anne-…), then names with a word
that starts with it (« Jérôme »). A name that several municipalities share gives each, with its MRC and
region. When nothing matches, `suggestions` holds the nearest names by rapidfuzz (« Rimousky » → Rimouski).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
from rapidfuzz import fuzz, process, utils

from data.gazetteer import municipality_key
from geo import layers
from geo.lookup import REFERENCE_DIR
from geo.names import fold, name_key

MAX_QUERY = 100  # characters read from a query: longer than any place name (the longest is 57)
DEFAULT_LIMIT = 20
MAX_LIMIT = 50
MAX_SUGGESTIONS = 5
SUGGESTION_CUTOFF = 75  # rapidfuzz score (0–100) below which a name is too far to suggest
SUGGESTION_MARGIN = 5  # suggestions are those within this score of the nearest
MIN_WORD_PREFIX = 3  # « Jérôme » finds Saint-Jérôme, but « je » does not list every « …-Jean »

KINDS = ("municipality", "mrc", "region")
# How good a match is (lower is better).
EXACT, WITHOUT_ARTICLE, PREFIX, PREFIX_WITHOUT_ARTICLE, WORD_PREFIX = range(5)
_ARTICLE = re.compile(r"^(?:les|la|le|l|des|du|de|d) ")
_KIND_ORDER = {kind: i for i, kind in enumerate(("region", "mrc", "municipality"))}


@dataclass(frozen=True)
class Place:
    """A place a visitor may mean, and where the map goes for it (`target`)."""

    kind: str  # "municipality", "mrc" or "region"
    name: str  # the name that was found: the municipality's, the MRC/TE's (or a name it is also known by), the region's
    region_code: str
    region_name: str
    mrc_id: str | None = None  # the MRC/TE (for a municipality: the one it lies in); None for a region
    mrc_name: str | None = None
    mrc_type: str | None = None  # « MRC » or « TE » (territoire équivalent)
    municipality_type: str | None = None  # « Ville », « Municipalité », « Paroisse »… (MAMH's designation)
    mcode: str | None = None  # the MAMH's 5-digit geographic code of a municipality
    population: int | None = None  # a municipality's population in the MAMH's 2023 décret

    @property
    def target(self) -> tuple[str, str]:
        """("mrc", mrc_id) or ("region", region code): the territory the map shows for this place."""
        return ("region", self.region_code) if self.mrc_id is None else ("mrc", self.mrc_id)


@dataclass(frozen=True)
class PlaceSearch:
    """What a search found: `places` best first (at most the limit, out of `total`), or `suggestions`."""

    query: str  # the text searched, as read (trimmed, at most MAX_QUERY characters)
    places: tuple[Place, ...] = ()
    total: int = 0
    best: int | None = None  # how good the first match is (EXACT … WORD_PREFIX), None when nothing matched
    suggestions: tuple[Place, ...] = ()
    scores: tuple[int, ...] = field(default=(), repr=False)  # how good each of `places` is, same order

    @property
    def found(self) -> bool:
        return bool(self.places)

    def single_target(self) -> tuple[str, str] | None:
        """The one territory the query names: every match leads there, or the best matches are its whole name
        and all lead there (« Rimouski », « Laval », « St-Jérôme »); None when the visitor must choose
        (« Montcalm », or a prefix several names share, such as « sainte-anne »)."""
        every = {p.target for p in self.places}
        if len(every) == 1 and self.total == len(self.places):  # « Saint-Jérom », « Trois-Rivière »: one place only
            return next(iter(every))
        if self.best is None or self.best > WITHOUT_ARTICLE:
            return None
        best = {p.target for p in self._best_places()}
        return next(iter(best)) if len(best) == 1 else None

    def _best_places(self) -> tuple[Place, ...]:
        return tuple(p for p, s in zip(self.places, self.scores) if s == self.best)


def clean_query(text: object) -> str:
    """What a browser or a URL sent → the text to search: a string, trimmed, at most MAX_QUERY characters."""
    return text.strip()[:MAX_QUERY].strip() if isinstance(text, str) else ""


def _compact(key: str) -> str:
    return key.replace(" ", "")


def _spaced(name: str) -> str:
    """« Ste-Anne-des-Monts » → « sainte anne des monts »: folded, abbreviations expanded (one word at a time,
    so that no « Ville de » is dropped from a real name)."""
    return " ".join(municipality_key(word) for word in fold(name).split())


def _query_keys(text: str) -> tuple[set[str], set[str]]:
    """(keys of the name as typed, without « Ville de … »; keys also without « MRC de … » and a leading article)."""
    whole = {k for k in (_compact(_spaced(text)), _compact(municipality_key(text))) if k}
    loose = whole | {k for k in (_compact(name_key(text)), _compact(_ARTICLE.sub("", municipality_key(text), count=1)))
                     if k}
    return whole, loose


@dataclass(frozen=True)
class _Entry:
    key: str  # compact key of the whole name
    loose: str  # compact key without the leading article
    words: tuple[str, ...]  # compact keys of the name from each of its words on (« jerome » in saint jerome)
    place: Place
    haystack: str = ""  # every key above, joined: a typed key that is in none of them cannot match (fast reject)


def _entry(name: str, place: Place) -> _Entry:
    spaced = _spaced(name)
    words = spaced.split()
    key, loose = _compact(spaced), _compact(_ARTICLE.sub("", spaced, count=1))
    suffixes = tuple(_compact(" ".join(words[i:])) for i in range(1, len(words)))
    return _Entry(key, loose, suffixes, place, "|".join((key, loose, *suffixes)))


@lru_cache(maxsize=None)
def _index() -> tuple[_Entry, ...]:
    """Every name a place can be found by, with its place (built once from geo.build's tables)."""
    mrc = layers.territories("mrc")
    regions = layers.territories("region")
    region_names = dict(zip(regions.region_id, regions.region_name))

    def mrc_place(kind: str, name: str, mrc_id: str, **more) -> Place:
        row = mrc.loc[mrc_id]
        return Place(kind, name, row.region_code, region_names[row.region_code], mrc_id, row["name"], row.type, **more)

    entries = []
    for m in layers.municipalities().itertuples():
        population = None if pd.isna(m.population) else int(m.population)
        entries.append(_entry(m.name, mrc_place("municipality", m.name, m.mrc_id, municipality_type=m.type,
                                                mcode=m.mcode, population=population)))
    for row in mrc.itertuples():
        entries.append(_entry(row.name, mrc_place("mrc", row.name, row.mrc_id)))
        if row.former_name:  # Robert-Cliche is now Beauce-Centre
            entries.append(_entry(row.former_name, mrc_place("mrc", row.former_name, row.mrc_id)))
    aliases = pd.read_csv(REFERENCE_DIR / "mrc_aliases.csv", dtype=str)
    for alias in aliases.itertuples():  # « Nunavik », « Îles-de-la-Madeleine »: sourced names of a TE
        entries.append(_entry(alias.alias, mrc_place("mrc", alias.alias, alias.mrc_id)))
    for row in regions.itertuples():
        members = mrc.name[mrc.region_code == row.region_id]
        # Laval and Montréal are a region of one TE of the same name: the TE alone answers for both.
        if len(members) == 1 and fold(members.iloc[0]) == fold(row.region_name):
            continue
        entries.append(_entry(row.region_name, Place("region", row.region_name, row.region_id, row.region_name)))
    return tuple(entries)


def _score(entry: _Entry, whole: set[str], loose: set[str]) -> int | None:
    """How well an indexed name meets the typed one; « L'Ange-Gardien » is an exact match for L'Ange-Gardien
    only, and Ange-Gardien (Rouville) comes next, as the name without its article."""
    if entry.key in whole:
        return EXACT
    if entry.loose in loose or entry.key in loose:
        return WITHOUT_ARTICLE
    if any(entry.key.startswith(k) for k in whole):
        return PREFIX
    if any(entry.loose.startswith(k) for k in loose):
        return PREFIX_WITHOUT_ARTICLE
    if any(len(k) >= MIN_WORD_PREFIX and w.startswith(k) for k in whole for w in entry.words):
        return WORD_PREFIX
    return None


def _order(scored: tuple[int, _Entry]) -> tuple:
    score, entry = scored
    return (score, _KIND_ORDER[entry.place.kind], fold(entry.place.name), entry.place.region_code,
            entry.place.mrc_name or "")


def search(text: object, limit: int = DEFAULT_LIMIT, kinds: tuple[str, ...] = KINDS) -> PlaceSearch:
    """The places named by `text` (see the module's docstring), best first, at most `limit`
    (capped at MAX_LIMIT); `suggestions` when nothing matches. Never raises on what a browser sends."""
    query = clean_query(text)
    limit = max(1, min(int(limit), MAX_LIMIT))
    whole, loose = _query_keys(query)
    if not whole and not loose:
        return PlaceSearch(query)
    scored = []
    seen: set[tuple] = set()
    for entry in _index():
        if entry.place.kind not in kinds or not any(k in entry.haystack for k in loose):  # `loose` holds `whole`
            continue
        score = _score(entry, whole, loose)
        if score is not None:
            scored.append((score, entry))
    scored.sort(key=_order)
    places, scores = [], []
    for score, entry in scored:
        # A TE found by its name and by an alias, or a municipality listed twice: one answer per place.
        identity = (entry.place.kind, entry.place.mcode or entry.place.mrc_id or entry.place.region_code)
        if identity in seen:
            continue
        seen.add(identity)
        places.append(entry.place)
        scores.append(score)
    if not places:
        return PlaceSearch(query, suggestions=suggest(query, kinds=kinds))
    return PlaceSearch(query, tuple(places[:limit]), len(places), scores[0], scores=tuple(scores[:limit]))


@lru_cache(maxsize=None)
def _fuzzy_choices(kinds: tuple[str, ...]) -> tuple[tuple[_Entry, ...], tuple[str, ...]]:
    """The entries of `kinds` and their names as rapidfuzz compares them (prepared once)."""
    entries = tuple(e for e in _index() if e.place.kind in kinds)
    return entries, tuple(utils.default_process(_spaced(e.place.name)) for e in entries)


def suggest(text: object, limit: int = MAX_SUGGESTIONS, kinds: tuple[str, ...] = KINDS) -> tuple[Place, ...]:
    """The names nearest to `text` (rapidfuzz, typing mistakes: « Les Moulinx », « Rimousky »), best first;
    nothing when no name is near enough to be worth proposing."""
    key = utils.default_process(_spaced(clean_query(text)))
    if not key:
        return ()
    entries, choices = _fuzzy_choices(tuple(kinds))
    found = process.extract(key, choices, scorer=fuzz.WRatio, processor=None, score_cutoff=SUGGESTION_CUTOFF,
                            limit=limit * 3)
    if not found:
        return ()
    # Only the names about as near as the nearest: « Les Moulinx » is « Les Moulins », not every « …-les-… ».
    top = found[0][1]
    found = [hit for hit in found if hit[1] >= top - SUGGESTION_MARGIN]
    # WRatio ranks a short query inside a long name highly; plain ratio breaks ties towards the whole name.
    found.sort(key=lambda hit: (-hit[1], -fuzz.ratio(key, hit[0]), hit[2]))
    places: list[Place] = []
    for _, _, index in found:
        place = entries[index].place
        if place not in places:
            places.append(place)
    return tuple(places[:limit])


def suggested_names(text: object, kinds: tuple[str, ...], limit: int = 3) -> list[str]:
    """The distinct names `suggest` proposes (for a message: « vouliez-vous dire « Les Moulins » ? »)."""
    return list(dict.fromkeys(p.name for p in suggest(text, limit=limit, kinds=kinds)))


def municipalities_of(mrc_id: str) -> pd.DataFrame:
    """The municipalities of one MRC/TE (name, type, mcode, population), by name; empty for an unknown id."""
    table = layers.municipalities()
    return table[table.mrc_id == mrc_id].sort_values("name", key=lambda s: s.map(fold)).reset_index(drop=True)
