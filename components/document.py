"""The frame and small pieces every printable document page shares (methodology, territory pages,
one-page sheets): navigation, language switch, a source line printed at the bottom, source links,
the labels of the envelope kinds and territory levels, plain tables, and the dated log of data
changes (data/CHANGELOG.csv).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
from dash import html

import geo
from components.i18n import t, text
from data import load
from geo import layers

METHODOLOGY_PATH = "/methodologie"
CHANGELOG_PATH = load.DATA_DIR / "CHANGELOG.csv"
GEO_REFERENCE_DIR = Path(geo.__file__).resolve().parent / "reference"
# One line per operation on a data file; `data.importer`'s « add » command appends lines with this header.
CHANGELOG_COLUMNS = ("date", "operation", "target_file", "rows_added", "rows_duplicate", "rows_dropped",
                     "source_url", "note")
SITE_TITLE = ("Carte des Alliances pour la solidarité", "Map of the Alliances pour la solidarité")
_HTTP = re.compile(r"^https?://", re.IGNORECASE)
_SITE = {"site": SITE_TITLE}

# Envelope kinds: the label shown next to every amount, and what the kind means (data/schema.py,
# data/README.md). A kind added to data.schema.ENVELOPE_KINDS without a line here fails a test.
KINDS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "envelope": (("Enveloppe", "Envelope"),
                 ("argent réservé à un territoire pour un cycle (enveloppe d'une Alliance, d'une sous-région ou d'une MRC)",
                  "money reserved for an area for one cycle (the envelope of an Alliance, a sub-region or an MRC)")),
    "call": (("Appel de projets", "Call for projects"),
             ("argent offert dans un appel de projets précis : une tranche d'une enveloppe, à une date donnée",
              "money offered in one call for projects: a slice of an envelope, at a given date")),
    "projects_announced": (("Projets annoncés", "Announced projects"),
                           ("somme annoncée pour un ensemble de projets retenus",
                            "total announced for a set of selected projects")),
    "transition": (("Transition", "Transition"),
                   ("financement de la prolongation d'une entente au-delà de la fin prévue de son plan "
                    "(surtout l'année 2023–2024)",
                    "funding of an agreement's extension past its plan's planned end (mostly the year 2023–2024)")),
    "balance": (("Solde", "Balance"),
                ("ce qui restait d'une enveloppe à un moment donné", "what remained of an envelope at a given time")),
    "cap": (("Plafond par projet", "Per-project cap"),
            ("aide maximale par projet : un plafond, pas de l'argent versé",
             "the most one project may receive: a ceiling, not money given")),
    "supplement": (("Supplément", "Supplement"),
                   ("montant supplémentaire ponctuel (p. ex. le soutien de janvier 2023 aux 21 mandataires)",
                    "a one-off add-on (e.g. the January 2023 support for the 21 mandataires)")),
}
LEVEL_LABELS = {"province": ("Québec", "Québec"), "alliance": ("Alliance", "Alliance"),
                "region": ("Région", "Region"), "sub_region": ("Sous-région", "Sub-region"), "mrc": ("MRC", "MRC")}

# Words shared by the territory pages and this one.
COMMON: dict[str, tuple[str, str]] = {
    "skip": ("Aller au contenu", "Skip to content"),
    "nav": ("Navigation", "Navigation"),
    "map": ("Carte", "Map"),
    "methodology": ("Méthodologie", "Methodology"),
    "language_switch": ("English", "Français"),
    "source_line": ("Source : {site}, page {path}{as_of}. Chaque montant et chaque projet renvoie à sa source publique. ",
                    "Source: {site}, page {path}{as_of}. Every amount and project links to its public source. "),
    "as_of": (" — données au {date}", " — data as of {date}"),
    "no_source": ("—", "—"),
}


def kind_label(kind: str, lang: str) -> str:
    labels = KINDS.get(kind)
    return (labels[0][1] if lang == "en" else labels[0][0]) if labels else str(kind)


def level_label(level: str, lang: str) -> str:
    labels = LEVEL_LABELS.get(level)
    return (labels[1] if lang == "en" else labels[0]) if labels else str(level)


def is_http(url) -> bool:
    return isinstance(url, str) and bool(_HTTP.match(url))


def source_link(url, date=None, lang: str = "fr"):
    """A link to a public source, named by its site (and date); only http(s) addresses become links.

    Anything else (« import:… », « synthetic:… ») is shown as plain text: Dash escapes it.
    """
    if not is_http(url):
        return html.Span(url if isinstance(url, str) and url else COMMON["no_source"][0], className="source-text")
    try:
        host = urlsplit(url).hostname or url
    except ValueError:  # a malformed address still gets its text, never a broken page
        host = url
    label = host.removeprefix("www.")
    if isinstance(date, str) and date:
        label += f", {date}"
    return html.A(label, href=url, className="source", rel="noopener noreferrer")


# ---------------------------------------------------------------- the dated log of data changes

@lru_cache(maxsize=1)
def changelog() -> pd.DataFrame:
    """data/CHANGELOG.csv, newest first. A missing file gives an empty table (the page says so)."""
    if not CHANGELOG_PATH.is_file():
        return pd.DataFrame(columns=list(CHANGELOG_COLUMNS))
    table = pd.read_csv(CHANGELOG_PATH, dtype=str, keep_default_na=False)
    return table.sort_values("date", ascending=False, kind="stable").reset_index(drop=True)


def data_as_of() -> str | None:
    """Date of the latest entry of the log of data changes."""
    log = changelog()
    return str(log.date.iloc[0]) if len(log) else None


# ---------------------------------------------------------------- page frame

def page_frame(lang: str, path: str, children: list, css: str = "", demo: bool = False) -> html.Div:
    """Header with navigation (hidden in print), the page's content, and a source line at the bottom.

    `path` is the page's own address without query: the language switch and the printed source
    line point to it. `demo`: the synthetic data set is shown, and the page says so at the top.
    """
    other = "fr" if lang == "en" else "en"
    switch = path + ("?lang=en" if other == "en" else "")
    map_link = "/?lang=en" if lang == "en" else "/"
    as_of = data_as_of()
    source = text(COMMON, "source_line", lang, site=text(_SITE, "site", lang), path=path,
                  as_of=text(COMMON, "as_of", lang, date=as_of) if as_of else "")
    return html.Div([
        html.A(text(COMMON, "skip", lang), href="#main", className="skip-link no-print"),
        html.Div(t("demo_banner", lang), className="demo-banner", role="alert") if demo else None,
        html.Header([
            html.P(html.A(text(_SITE, "site", lang), href=map_link), className="site-name"),
            html.Nav([
                html.A(text(COMMON, "map", lang), href=map_link, className="map-link"),
                html.A(text(COMMON, "methodology", lang), href=METHODOLOGY_PATH + ("?lang=en" if lang == "en" else "")),
                html.A(text(COMMON, "language_switch", lang), href=switch, lang=other, className="lang-switch"),
            ], **{"aria-label": text(COMMON, "nav", lang)}),
        ], className="page-header doc-header no-print"),
        html.Main([
            *children,
            # Inside <main>, not a <footer>: the page template already has the document's one footer
            # landmark, and every piece of content belongs to a landmark.
            html.Div([html.P(source), html.P(" · ".join(layers.attribution_lines()))], className="print-source"),
        ], id="main", className=f"doc-page {css}".strip()),
    ], className="page doc", lang=lang)



def table(headers: list[str], rows: list[list], numeric: set[int] = frozenset(), caption: str | None = None,
          css: str = "") -> html.Div:
    """A plain HTML table (in a box that scrolls sideways on a phone); `numeric` columns are right-aligned."""
    head = html.Thead(html.Tr([html.Th(h, scope="col", className="num" if i in numeric else None)
                               for i, h in enumerate(headers)]))
    body = html.Tbody([html.Tr([html.Td(cell, className="num" if i in numeric else None) for i, cell in enumerate(row)])
                       for row in rows])
    return html.Div(html.Table([html.Caption(caption) if caption else None, head, body],
                               className=f"doc-table {css}".strip()), className="table-wrap")
