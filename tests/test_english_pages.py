"""The English site is in English: every page (tab titles, visible text, table cells, words of the controls)
and every download (CSV, Excel, API JSON, data package) asked for with `lang=en` is walked, and a French
word or an accented letter fails the test, unless it belongs to a proper name or a text quoted from the
data (region, MRC, municipality, Alliance and organisation names, titles of projects, descriptions and
notes of the sources, which the sources publish in French).

The pages are fetched over HTTP in-process (tests/page_walk.py); the map's script-drawn words are in
tests/browser/test_layout_browser.py.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections import defaultdict
from functools import lru_cache

import openpyxl
import pandas as pd
import pytest

from data.load import ENVELOPES_PATH, PROJECTS_PATH
from geo import layers
from tests import page_walk

# Frequent French words that English never uses (« plus », « mars », « total », « date »… are left out:
# English has them too). Compared lower-cased, whole words.
FRENCH_WORDS = frozenset("""
le la les des du et une pour par dans sur avec sans est sont qui que aux au ce cette ces leur leurs
mois ans année années annonce annoncé annoncée appel appels projet projets montant montants région régions
enveloppe enveloppes habitant habitants connu connus connue connues inconnu inconnue partir avril janvier
février juin juillet août septembre octobre novembre décembre janv fév déc données oui
rien aucun aucune déduit explicite voir tout tous toutes selon entre depuis jusqu jusqu'en jusqu'au
prochaine prochaines prolongation dépôt cumul carte fiche comparer territoire territoires méthodologie
présentation source sources mandataire ligne lignes part parts selon ancien ancienne plan d'action
""".split()) - {"plan", "source", "sources", "part", "parts", "carte"}  # plain English too
# The proper names and the data's own words everywhere: names of the programme and of bodies.
ALWAYS_ALLOWED = ("Alliances pour la solidarité", "Alliance pour la solidarité", "Fonds québécois d'initiatives sociales",
                  "Québec", "Montréal", "Français", "Statistique Canada", "Institut de la statistique du Québec",
                  "Données Québec", "Gouvernement du Québec",
                  "Ministère de l'Emploi et de la Solidarité sociale", "Québec's",
                  "Répertoire des municipalités du Québec")  # the MAMH's list, by its title
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿŒœ]+(?:['’][A-Za-zÀ-ÖØ-öø-ÿŒœ]+)?")
_ACCENTED = re.compile(r"[À-ÖØ-öø-ÿŒœ]")
# Data columns that hold names or text quoted from the sources (in French, as published).
PROJECT_TEXT = ("title", "promoter", "municipality", "priorities_original", "note")
# A download gives the columns as the data writes them; a page writes a territory's name in English
# (data/reference/territory_names.csv) and quotes a description or a note marked lang="fr" (skipped).
ENVELOPE_TEXT = {"download": ("territory_name", "mandataire", "description", "note"), "page": ("mandataire",)}


@lru_cache(maxsize=2)
def allowed_names(where: str = "page") -> dict[str, list[str]]:
    """Every allowed name or quoted text on a `where` ("page" or "download"), indexed by each of its
    words (lower-cased)."""
    from data.english_lines import territory_name_text

    names: set[str] = set(ALWAYS_ALLOWED)
    projects = pd.read_csv(PROJECTS_PATH, dtype=str, keep_default_na=False)
    envelopes = pd.read_csv(ENVELOPES_PATH, dtype=str, keep_default_na=False)
    if where == "page":
        names.update(territory_name_text(v, "en") for v in envelopes.territory_name if v)
    for table, columns in ((projects, PROJECT_TEXT), (envelopes, ENVELOPE_TEXT[where])):
        for column in columns:
            names.update(v for v in table[column] if v)
            # A list cell (« a ; b ») is shown item by item.
            names.update(p.strip() for v in table[column] for p in re.split(r"[;|]", v) if p.strip())
    names.update(layers.territories("region").region_name)
    mrc = layers.territories("mrc")
    names.update(mrc.name)
    names.update(v for v in mrc.former_name.dropna() if v)
    names.update(v for v in mrc.seat.dropna() if v)
    alliances = layers.territories("alliance")
    for column in ("name_fr", "name_en", "mandataire"):
        names.update(v for v in alliances[column].dropna() if v)
    names.update(layers.municipalities().name)
    index: dict[str, list[str]] = defaultdict(list)
    for name in names:
        for word in _WORD.findall(name):
            index[word.lower()].append(name)
    return index


def _is_allowed(text: str, start: int, end: int, word: str, where: str = "page") -> bool:
    """Whether the word at text[start:end] is inside a proper name or quoted data text present there."""
    for name in allowed_names(where).get(word.lower(), ()):
        at = text.find(name)
        while at != -1:
            if at <= start and end <= at + len(name):
                return True
            at = text.find(name, at + 1)
    return False


# Addresses, file paths, domain names and identifiers (« est-2021-projet-avec ») are not words.
_NOT_PROSE = re.compile(r"\S*/\S*|\b[\w-]+(?:\.[a-z][\w-]*)+\.(?:com|org|net|ca|info|quebec)\b\S*"
                        r"|“[a-z_]+”|^[a-z0-9]+(?:-[a-z0-9]+)+$|\b[a-z0-9]+(?:-[a-z0-9]+){2,}\b")


def french_words(text: str, where: str = "page") -> list[str]:
    """The French words and accented words of `text` outside proper names and quoted data."""
    found = []
    # Same length, so a word's place in `prose` is its place in `text` (where names are looked up).
    prose = _NOT_PROSE.sub(lambda m: " " * len(m.group(0)), text)
    for match in _WORD.finditer(prose):
        word = match.group(0)
        lower = word.lower().replace("’", "'")
        french = lower in FRENCH_WORDS or lower.split("'")[0] in {"d", "l", "qu", "jusqu"} and "'" in lower \
            or _ACCENTED.search(word)
        if french and not _is_allowed(text, match.start(), match.end(), word, where):
            found.append(word)
    return found


def leaks(texts, where: str = "page") -> list[str]:
    return [f"{t.where}: {t.text[:160]!r} → {sorted(set(words))}"
            for t in texts if (words := french_words(t.text, where))]


def test_the_checker_finds_french_and_allows_names():
    # Why the list is trusted: the exact leaks the issue reported are caught, a name is not.
    assert french_words("7 mois (à partir d'avril 2024)")
    assert french_words("Comparer deux territoires — Carte des Alliances pour la solidarité")
    assert french_words("Limites des MRC : Gouvernement du Québec (MERN, 1/1 000 000), CC BY 4.0.")
    assert not french_words("Montréal — Map of the Alliances pour la solidarité")
    assert not french_words("See Abitibi-Témiscamingue on the map")
    assert french_words("See Abitibi-Témiscamingue sur la carte")  # French around a name
    assert french_words("Sources : Trait de côte adapté de Statistique Canada")  # accents outside a name


@pytest.mark.parametrize("url", page_walk.page_urls("en"))
def test_english_page_has_no_french(url):
    found = leaks(page_walk.page_texts(url, "en"))
    assert not found, f"{len(found)} French text(s) on {url}:\n" + "\n".join(found[:30])


# ---------------------------------------------------------------- downloads

DOWNLOADS = [
    "/api/projects?format=csv&lang=en", "/api/projects?format=xlsx&lang=en", "/api/projects?lang=en&per_page=1000",
    "/api/envelopes?format=csv&lang=en", "/api/envelopes?format=xlsx&lang=en", "/api/envelopes?lang=en&per_page=1000",
    "/api/territories?format=csv&lang=en&level=mrc", "/api/territories?format=xlsx&lang=en&level=region",
    "/api/territories?lang=en&level=alliance", "/api/datapackage.json?lang=en", "/api/datapackage.zip?lang=en",
]
# JSON keys whose values are addresses or identifiers, not words.
_NOT_WORDS = re.compile(r"(url|path|_id|id|\$schema|name|mediatype|format|encoding|type|version|created)$")


def _json_strings(value, where: str):
    if isinstance(value, dict):
        for key, item in value.items():
            if not (_NOT_WORDS.search(str(key)) and not str(key).endswith(("_name", "title"))):
                yield from _json_strings(item, f"{where}.{key}")
            elif str(key) in ("name",) and isinstance(item, str) and " " in item:
                yield page_walk.Text(f"{where}.{key}", item)  # a field's header is its name
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _json_strings(item, f"{where}[{i}]")
    elif isinstance(value, str) and value.strip():
        yield page_walk.Text(where, value)


def _csv_strings(body: str, where: str):
    for r, row in enumerate(csv.reader(io.StringIO(body.lstrip("\ufeff")))):
        for c, cell in enumerate(row):
            if cell.strip() and not re.match(r"^https?://", cell):
                yield page_walk.Text(f"{where} row {r + 1} column {c + 1}", cell)


def _xlsx_strings(body: bytes, where: str):
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    for sheet in book.worksheets:
        yield page_walk.Text(f"{where} sheet name", sheet.title)
        for r, row in enumerate(sheet.iter_rows(values_only=True)):
            for c, cell in enumerate(row):
                if isinstance(cell, str) and cell.strip() and not re.match(r"^https?://", cell):
                    yield page_walk.Text(f"{where} {sheet.title}!R{r + 1}C{c + 1}", cell)


def download_texts(url: str) -> list[page_walk.Text]:
    reply = page_walk.client().get(url)
    assert reply.status_code == 200, f"GET {url}: {reply.status_code}"
    body = reply.get_data()
    where = f"GET {url}"
    if "format=csv" in url:
        return list(_csv_strings(body.decode("utf-8"), where))
    if "format=xlsx" in url:
        return list(_xlsx_strings(body, where))
    if url.startswith("/api/datapackage.zip"):
        texts = []
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for name in archive.namelist():
                content = archive.read(name).decode("utf-8")
                inner = f"{where} › {name}"
                texts += list(_json_strings(json.loads(content), inner)) if name.endswith(".json") \
                    else list(_csv_strings(content, inner))
        return texts
    return list(_json_strings(json.loads(body), where))


@pytest.mark.parametrize("url", DOWNLOADS)
def test_english_download_has_no_french(url):
    found = leaks(download_texts(url), "download")
    assert not found, f"{len(found)} French text(s) in {url}:\n" + "\n".join(found[:30])


def test_every_period_has_its_english():
    # The period of an envelope row is free text from the source: a new wording needs its English line.
    from data.periods import PERIODS_PATH, english_periods

    periods = set(pd.read_csv(ENVELOPES_PATH, dtype=str, keep_default_na=False).period) - {""}
    missing = sorted(periods - set(english_periods()))
    assert not missing, f"{PERIODS_PATH} has no English for: {missing}"


def test_every_french_territory_name_has_its_english():
    # An envelope row's territory is sometimes named in words of ours (« Lanaudière (volet régional) »,
    # « Chicoutimi et environs »): each such name needs its English line, or English pages show French.
    from data.english_lines import TERRITORY_NAMES_PATH, territory_name_text

    names = set(pd.read_csv(ENVELOPES_PATH, dtype=str, keep_default_na=False).territory_name) - {""}
    missing = sorted(n for n in names if french_words(territory_name_text(n, "en")))
    assert not missing, f"{TERRITORY_NAMES_PATH} has no English for: {missing}"
