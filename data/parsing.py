"""Reading the cells of a coordinator's spreadsheet: header names, amounts, years, coordinates, text.

Text is made safe to publish once, here (`cell_text`): NFKC-normalised (full-width letters,
ligatures and compatibility forms become the plain ones) and stripped of invisible format and
control characters (bidi overrides that reverse a title on screen, zero-width spaces that split a
word). `skeleton` gives the form two texts are compared in when looking for a duplicate: letters of
another script that look like Latin ones (a Cyrillic « е ») count as those. `looks_like_formula`
spots a cell a spreadsheet would run as a formula; `is_http_url` checks an address with an
RFC 3986 parser.

Pure functions on single cell values. They never raise on bad input: each returns the value or an
error code (a key of `data.importer.MESSAGES`), so the importer can report every bad cell at once.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from numbers import Number
from typing import Any, NamedTuple

import rfc3986
from babel.numbers import NumberFormatError, parse_decimal
from confusable_homoglyphs import confusables
from rfc3986 import exceptions as uri_errors
from rfc3986 import validators

from geo.names import fold

# Above this an amount is a typo (a stray digit, a cost in cents), not an FQIS grant.
MAX_AMOUNT = 50_000_000

# Every name people give each column, French and English. Compared folded (no case, no accents, no
# punctuation) and without any parenthesised part, so « Montant accordé ($) » is « montant accorde ».
# Deliberately absent: « Description du projet » (a description is not a title; it stays an ignored
# column and the missing-title message says so), « Site web » (an organisation's site is not a source).
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": ("Nom du projet", "Projet", "Titre", "Titre du projet", "Titre de l'initiative", "Initiative",
              "Nom de l'initiative", "Intitulé du projet", "Project", "Project name", "Project title", "Title",
              "Initiative name"),
    "promoter": ("Organisme porteur", "Organisme", "Organisme promoteur", "Nom de l'organisme", "Porteur",
                 "Porteur du projet", "Promoteur", "Nom de l'organisme promoteur", "Nom de l'organisme porteur",
                 "Organisme bénéficiaire", "Bénéficiaire", "Organisme responsable", "Promoter", "Organization",
                 "Organisation", "Organization name", "Organisation name", "Recipient", "Recipient organization",
                 "Grantee", "Sponsor"),
    "mrc": ("MRC", "MRC/TE", "MRC ou TE", "Territoire", "Territoire de MRC", "MRC / Territoire", "Territoire MRC",
            "RCM", "Territory", "Regional county municipality"),
    "municipality": ("Municipalité", "Ville", "Localité", "Municipalité / Ville", "Ville / Municipalité",
                     "Localisation", "Lieu", "Municipality", "City", "Town", "City / Town", "Location"),
    "region": ("Région", "Région administrative", "Region", "Administrative region"),
    "amount": ("Montant accordé", "Montant FQIS", "Montant octroyé", "Montant", "Montant accordé par le FQIS",
               "Montant octroyé par le FQIS", "Subvention", "Subvention FQIS", "Contribution FQIS",
               "Contribution du FQIS", "Aide financière", "Aide financière accordée", "Financement",
               "Financement FQIS", "Amount", "Amount granted", "Amount awarded", "FQIS amount", "Grant",
               "Grant amount", "Funding", "FQIS funding", "FQIS contribution", "Contribution"),
    "total_cost": ("Coût total", "Coût total du projet", "Coût du projet", "Budget total", "Total cost",
                   "Project cost", "Total project cost", "Total budget"),
    "priority": ("Priorité", "Priorités", "Axe", "Axes", "Axe d'intervention", "Thème", "Thèmes", "Volet",
                 "Priority", "Priorities", "Theme", "Themes"),
    "start_year": ("Année", "Année de début", "Année d'octroi", "Année de l'octroi", "Année financière",
                   "Year", "Start year", "Year awarded", "Fiscal year"),
    "end_year": ("Année de fin", "End year"),
    "lon": ("Longitude", "Lon", "Long", "Lng"),
    "lat": ("Latitude", "Lat"),
    "source": ("Source", "Lien", "URL", "Link", "Source URL", "Adresse de la source"),
    # Follow-up (how the project is doing): optional columns, read only when the file has them.
    "status": ("Statut", "État", "Statut du projet", "État du projet", "État d'avancement", "Avancement",
               "Status", "Project status", "State"),
    "actual_end_date": ("Date de fin réelle", "Fin réelle", "Date réelle de fin", "Terminé le",
                        "End date", "Actual end date", "Completion date", "Date completed"),
    "people_reached": ("Personnes rejointes", "Nombre de personnes rejointes", "Participants",
                       "Nombre de participants", "Personnes touchées", "Nombre de personnes touchées",
                       "Personnes desservies", "People reached", "Number of people reached", "Number of participants"),
    "report_url": ("Rapport", "Lien du rapport", "Rapport d'évaluation", "Rapport d'activité", "Rapport d'activités",
                   "Lien vers le rapport", "Report", "Report link", "Report URL", "Evaluation report",
                   "Activity report"),
}
# Headers read only when the file has no column of the field's own names, and then with a warning:
# the amount asked of the FQIS is the granted amount only if the file lists funded projects.
FALLBACK_SYNONYMS: dict[str, tuple[str, ...]] = {
    "amount": ("Montant demandé au FQIS", "Montant demandé", "Montant demandé FQIS", "Amount requested",
               "Amount requested from FQIS"),
}
FIELDS = tuple(COLUMN_SYNONYMS)

_PARENTHESES = re.compile(r"\([^)]*\)")


def header_key(text: object) -> str:
    """« Montant accordé ($) » → « montant accorde »: the form header cells are compared in."""
    if not isinstance(text, str):
        return ""
    return fold(_PARENTHESES.sub(" ", text))


def _field_by_key(*tables: dict[str, tuple[str, ...]]) -> dict[str, str]:
    by_key: dict[str, str] = {}
    for table in tables:
        for name, synonyms in table.items():
            for synonym in synonyms:
                key = header_key(synonym)
                if by_key.setdefault(key, name) != name:  # a header must never mean two things
                    raise ValueError(f"header synonym {synonym!r} names both {by_key[key]} and {name}")
    return by_key


_FIELD_BY_KEY = _field_by_key(COLUMN_SYNONYMS)
_FALLBACK_BY_KEY = _field_by_key(FALLBACK_SYNONYMS)
if set(_FIELD_BY_KEY) & set(_FALLBACK_BY_KEY):  # a header is a field's name or a stand-in, never both
    raise ValueError(f"header synonyms both names and stand-ins: {sorted(set(_FIELD_BY_KEY) & set(_FALLBACK_BY_KEY))}")


def header_field(text: object) -> str | None:
    """The field a header cell names (« Organisme porteur » → "promoter"), or None."""
    return _FIELD_BY_KEY.get(header_key(text))


def fallback_field(text: object) -> str | None:
    """The field a header stands in for when the file has no column of its own names, or None."""
    return _FALLBACK_BY_KEY.get(header_key(text))


@dataclass
class HeaderMatch:
    """How one row reads as a header: which column holds which field, and what was left over."""

    fields: dict[str, int] = field(default_factory=dict)  # field -> column index (first one wins)
    labels: dict[int, str] = field(default_factory=dict)  # column index -> header text, every non-empty cell
    unknown: list[int] = field(default_factory=list)  # column indexes with a header nobody knows
    duplicates: list[tuple[str, int, int]] = field(default_factory=list)  # (field, used column, ignored column)
    stand_ins: list[tuple[str, int]] = field(default_factory=list)  # (field, column read under FALLBACK_SYNONYMS)

    @property
    def count(self) -> int:
        return len(self.fields)


def match_header(cells: tuple | list) -> HeaderMatch:
    """Read `cells` as a header row."""
    match = HeaderMatch()
    for index, cell in enumerate(cells):
        label = cell_text(cell)
        if label is None:
            continue
        match.labels[index] = label
        name = header_field(label)
        if name is None:
            match.unknown.append(index)
        elif name in match.fields:
            match.duplicates.append((name, match.fields[name], index))
        else:
            match.fields[name] = index
    for index in list(match.unknown):
        name = fallback_field(match.labels[index])
        if name is not None and name not in match.fields:
            match.fields[name] = index
            match.stand_ins.append((name, index))
            match.unknown.remove(index)
    return match


def is_header(match: HeaderMatch, minimum: int = 2) -> bool:
    """A row is the header when at least `minimum` of its cells name known columns (a title row
    such as « Projets 2019 » names none)."""
    return match.count >= minimum


# --- cell values -----------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")


def is_blank(value: Any) -> bool:
    """Nothing in the cell: None, NaN, or only spaces."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not _SPACES.sub("", value)


def clean_text(text: str) -> str:
    """`text` in NFKC form, without format characters (Unicode category Cf: bidi controls, zero-width
    spaces and joiners, soft hyphens, byte-order marks) nor control characters other than spaces."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if c.isspace() or unicodedata.category(c) not in ("Cf", "Cc"))


def cell_text(value: Any) -> str | None:
    """The cell as one line of clean text (`clean_text`, spaces of every kind collapsed), None when blank.

    Numbers typed in Excel come back as numbers: 2019.0 reads « 2019 », a date « 2019-04-01 ».
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return _SPACES.sub(" ", clean_text(str(value))).strip() or None


def _latin_look_alike(char: str) -> str:
    """The ASCII character `char` is drawn like, if any (Unicode's confusables), else `char`."""
    if char.isascii():
        return char
    homoglyphs = confusables.confusables_data.get(char) or ()
    ascii_forms = sorted(h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalnum())
    return ascii_forms[0] if ascii_forms else char


def skeleton(text: str) -> str:
    """`text` folded (no case, accents or punctuation: geo.names.fold) after cleaning, with each
    letter of another script that is drawn like a Latin letter or digit replaced by it. ASCII
    letters are kept as they are, so « Phase I » and « Phase 1 » stay two titles."""
    cleaned = unicodedata.normalize("NFD", clean_text(text))
    return fold("".join(_latin_look_alike(c) for c in cleaned))


FORMULA_STARTS = ("=", "+", "-", "@")


def looks_like_formula(text: str | None) -> bool:
    """A cell a spreadsheet would read as a formula (« =HYPERLINK(…) », « @SUM(…) », « +1 »)
    when data/projects.csv is opened in it."""
    return bool(text) and text.startswith(FORMULA_STARTS)


class Parsed(NamedTuple):
    """A cell's value, or the code of what is wrong with it (`value` is then None)."""

    value: Any
    error: str | None = None


# Currency marks around an amount: « $ », « $CA », « CAD », « CA$ ».
_CURRENCY = re.compile(r"(?:CA\s*\$|\$\s*CA\b|\bCAD\b|\$)", re.IGNORECASE)
_MINUS = "-\u2212\u2013"  # hyphen, minus sign, en dash: all seen as a leading minus
_NUMBER_CHARS = re.compile(r"^\d[\d\u00a0.,]*$|^[.,]\d+$")
_GROUP = "\u00a0"  # babel's fr_CA grouping symbol; every kind of space is turned into it


def _decimal(text: str) -> Decimal | None:
    """`text` (digits, spaces as \u00a0, commas, points) as a number, choosing how the separators are meant.

    - both « , » and « . »: the last one is the decimal mark (« 1,234.56 », « 1.234,56 »);
    - commas only: several, or one followed by exactly three digits with no spaces, group
      thousands (« 1,234,567 », « $105,000 »); otherwise the comma is the decimal mark
      (« 105 000,50 », « 35,5 »). Amounts have cents, never thousandths, so « 1,234 » is 1234;
    - points only: one point is a decimal point (« 105000.5 »), several group thousands (« 1.234.567 »).
    Babel (strict) then checks the grouping, so « 1 05 000 » or « 1,23,4 » are refused, not guessed.
    """
    commas, points = text.count(","), text.count(".")
    if commas and points:
        french = text.rfind(",") > text.rfind(".")
    elif commas:
        after = text.rsplit(",", 1)[1]
        french = not (commas > 1 or (len(after) == 3 and _GROUP not in text))
    elif points > 1:
        french, text = True, text.replace(".", _GROUP)
    else:
        french = False
    if french:
        text = text.replace(".", _GROUP)
        locale = "fr_CA"
    else:
        text = text.replace(_GROUP, ",")
        locale = "en_CA"
    try:
        return parse_decimal(text, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        return None


def parse_amount(value: Any) -> Parsed:
    """An amount in dollars from a cell: a number, or text such as « 105 000,00 $ » or « $1,234.56 ».

    Blank is unknown (NaN), never 0. Errors: "amount_not_number", "amount_negative", "amount_too_large".
    """
    if is_blank(value):
        return Parsed(math.nan)
    if isinstance(value, bool) or not isinstance(value, (str, Number, Decimal)):
        return Parsed(None, "amount_not_number")
    if isinstance(value, str):
        text = _SPACES.sub(_GROUP, _CURRENCY.sub(" ", value)).strip(_GROUP)
        negative = False
        if text[:1] in _MINUS:
            negative, text = True, text[1:].lstrip(_GROUP)
        elif text.startswith("(") and text.endswith(")"):  # accounting style for a negative
            negative, text = True, text[1:-1].strip(_GROUP)
        if not _NUMBER_CHARS.match(text):
            return Parsed(None, "amount_not_number")
        number = _decimal(text)
        if number is None:
            return Parsed(None, "amount_not_number")
        amount = -float(number) if negative else float(number)
    else:
        amount = float(value)
    if not math.isfinite(amount):
        return Parsed(None, "amount_not_number")
    if amount < 0:
        return Parsed(None, "amount_negative")
    if amount > MAX_AMOUNT:
        return Parsed(None, "amount_too_large")
    return Parsed(amount)


YEAR_RANGE = (2000, 2035)
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
_YEAR_SPAN = re.compile(r"^(\d{4})\s*[-\u2013\u2014/]\s*(\d{2}|\d{4})$")  # « 2019-2020 », « 2019–20 »
_ISO_DATE = re.compile(r"^(\d{4})-\d{2}-\d{2}")


def parse_year(value: Any) -> Parsed:
    """A year, or a fiscal-year span: value is (start, end) with end None for a single year.

    « 2019 », 2019, 2019.0, a date, « 2019-04-01 », « 2019-2020 » and « 2019-20 » are understood.
    Errors: "year_invalid", "year_out_of_range". Blank gives (None, None).
    """
    if is_blank(value):
        return Parsed((None, None))
    start = end = None
    if isinstance(value, (dt.date, dt.datetime)):
        start = value.year
    elif isinstance(value, bool):
        return Parsed(None, "year_invalid")
    elif isinstance(value, Number):
        if not (isinstance(value, int) or float(value).is_integer()):
            return Parsed(None, "year_invalid")
        start = int(value)
    else:
        text = cell_text(value) or ""
        if m := _YEAR.match(text):
            start = int(m.group(1))
        elif m := _YEAR_SPAN.match(text):
            start = int(m.group(1))
            tail = m.group(2)
            end = int(m.group(1)[:2] + tail) if len(tail) == 2 else int(tail)
            if end < start:
                return Parsed(None, "year_invalid")
        elif m := _ISO_DATE.match(text):
            start = int(m.group(1))
        else:
            return Parsed(None, "year_invalid")
    low, high = YEAR_RANGE
    if not all(low <= y <= high for y in (start, end) if y is not None):
        return Parsed(None, "year_out_of_range")
    return Parsed((start, end))


# Every word people write for a project's status, folded (geo.names.fold), → data.schema.PROJECT_STATUSES.
STATUS_WORDS: dict[str, str] = {
    "prevu": "planned", "prevue": "planned", "planifie": "planned", "a venir": "planned", "planned": "planned",
    "en cours": "ongoing", "en marche": "ongoing", "actif": "ongoing", "ongoing": "ongoing",
    "in progress": "ongoing", "underway": "ongoing", "active": "ongoing",
    "termine": "completed", "terminee": "completed", "complete": "completed", "completee": "completed",
    "realise": "completed", "acheve": "completed", "completed": "completed", "done": "completed",
    "abandonne": "abandoned", "abandonnee": "abandoned", "annule": "abandoned", "annulee": "abandoned",
    "abandoned": "abandoned", "cancelled": "abandoned", "canceled": "abandoned",
}


def parse_status(value: Any) -> Parsed:
    """A project's status (« Terminé », « en cours », « Completed »…) as a data.schema.PROJECT_STATUSES id.

    Blank is unknown (None), never « planned ». Error: "status_unknown" (the importer suggests the near word).
    """
    text = cell_text(value)
    if text is None:
        return Parsed(None)
    found = STATUS_WORDS.get(fold(text))
    return Parsed(found) if found else Parsed(None, "status_unknown")


_DAY_FIRST = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")  # « 30/06/2024 »: day first, as in Québec
_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_date(value: Any) -> Parsed:
    """A date as « YYYY-MM-DD » (or « YYYY-MM », « YYYY » when the file says no more): a spreadsheet date,
    « 2024-06-30 », « 2024-06 », « 2024 » or « 30/06/2024 ». Blank is None; error "date_invalid"."""
    if is_blank(value):
        return Parsed(None)
    if isinstance(value, (dt.date, dt.datetime)):
        return Parsed(value.strftime("%Y-%m-%d"))
    text = cell_text(value) or ""
    text = text.removesuffix(" 00:00:00")
    year = month = day = None
    if m := _ISO_PARTIAL.match(text):
        year, month, day = (int(g) if g else None for g in m.groups())
    elif m := _DAY_FIRST.match(text):
        day, month, year = (int(g) for g in m.groups())
    else:
        return Parsed(None, "date_invalid")
    low, high = YEAR_RANGE
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return Parsed(None, "date_invalid")
    if not low <= year <= high:
        return Parsed(None, "date_invalid")
    return Parsed("-".join([f"{year:04d}"] + [f"{part:02d}" for part in (month, day) if part is not None]))


def parse_count(value: Any, maximum: int) -> Parsed:
    """A whole number of people (« 1 234 », « 1,234 », 1234): blank is unknown (None), never 0.
    Errors: "count_invalid" (not a whole number, or negative), "count_too_large"."""
    if is_blank(value):
        return Parsed(None)
    if isinstance(value, bool):
        return Parsed(None, "count_invalid")
    if isinstance(value, Number):
        number = float(value)
    else:
        text = _SPACES.sub(_GROUP, cell_text(value) or "").strip(_GROUP)
        if not _NUMBER_CHARS.match(text) or (decimal := _decimal(text)) is None:
            return Parsed(None, "count_invalid")
        number = float(decimal)
    if not math.isfinite(number) or number < 0 or not number.is_integer():
        return Parsed(None, "count_invalid")
    if number > maximum:
        return Parsed(None, "count_too_large")
    return Parsed(int(number))


_COORDINATE = re.compile(r"^[+\-\u2212]?\d{1,3}(?:[.,]\d+)?$")


def parse_coordinate(value: Any) -> Parsed:
    """A decimal degree (« -68.52 », « -68,52 » or a number). Blank is None; error "coord_invalid"."""
    if is_blank(value):
        return Parsed(None)
    if isinstance(value, bool):
        return Parsed(None, "coord_invalid")
    if isinstance(value, Number):
        number = float(value)
    else:
        text = (cell_text(value) or "").replace(" ", "")
        if not _COORDINATE.match(text):
            return Parsed(None, "coord_invalid")
        number = float(text.replace(",", ".").replace("\u2212", "-"))
    if not math.isfinite(number) or abs(number) > 180:
        return Parsed(None, "coord_invalid")
    return Parsed(number)


# An address is checked by an RFC 3986 parser once any non-ASCII letter is percent-encoded (an
# address typed with accents, as browsers show them); characters RFC 3986 never allows, quotes and
# angle brackets first, are refused rather than encoded: they end an HTML attribute or a CSV cell.
_URL_FORBIDDEN = re.compile(r'[\x00-\x20\x7f-\x9f"<>\\^`{|}]')
_URL_VALIDATOR = (validators.Validator().allow_schemes("http", "https").require_presence_of("scheme", "host")
                  .check_validity_of("scheme", "host", "port", "path", "query", "fragment"))


def valid_reference(text: str, validator: validators.Validator):
    """`text` parsed as an RFC 3986 reference once its non-ASCII letters are percent-encoded, if
    `validator` accepts it; else None."""
    encoded = "".join(c if c.isascii() else "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in text)
    try:
        reference = rfc3986.uri_reference(encoded)
        validator.validate(reference)
    except (uri_errors.RFC3986Exception, ValueError):
        return None
    return reference


def is_http_url(text: str | None) -> bool:
    """An http(s) address with a host that an RFC 3986 parser accepts, with no space, quote,
    angle bracket or control character."""
    if not text or _URL_FORBIDDEN.search(text):
        return False
    reference = valid_reference(text, _URL_VALIDATOR)
    return reference is not None and reference.scheme.lower() in ("http", "https") and bool(reference.host)
