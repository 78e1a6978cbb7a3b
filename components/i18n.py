"""Interface words in French (first) and English, and number formatting through Babel.

Every visible string goes through `t()` so the language switch can translate all of it; a test
checks that every key has both languages.
"""
from __future__ import annotations

import math

from babel.numbers import format_compact_currency, format_currency, format_decimal

LANGS = ("fr", "en")
LOCALES = {"fr": "fr_CA", "en": "en_CA"}

TEXT: dict[str, tuple[str, str]] = {
    "title": ("Carte des Alliances pour la solidarité", "Map of the Alliances pour la solidarité"),
    "subtitle": ("L'argent du Fonds québécois d'initiatives sociales (FQIS), région par région, MRC par MRC.",
                 "Money from the Fonds québécois d'initiatives sociales (FQIS), region by region, MRC by MRC."),
    "loading": ("Chargement de la carte…", "Loading the map…"),
    "filters": ("Filtres", "Filters"),
    "region": ("Région", "Region"),
    "mrc": ("MRC", "MRC"),
    "priority": ("Priorité", "Priority"),
    "mandataire": ("Mandataire", "Mandataire (managing body)"),
    "cycle": ("Cycle", "Cycle"),
    "amount_range": ("Montant FQIS du projet", "Project FQIS amount"),
    "search": ("Recherche (projet ou organisme)", "Search (project or organization)"),
    "search_placeholder": ("ex. : cuisine collective", "e.g. community kitchen"),
    "all": ("Toutes", "All"),
    "reset": ("Réinitialiser les filtres", "Reset filters"),
    "level": ("Découpage", "Areas"),
    "level_mrc": ("MRC", "MRC"),
    "level_region": ("Région", "Region"),
    "level_alliance": ("Alliance", "Alliance"),
    "measure": ("Mesure", "Measure"),
    "measure_amount": ("Montant FQIS des projets connus", "FQIS amount of known projects"),
    "measure_per_capita": ("Montant par habitant", "Amount per inhabitant"),
    "measure_count": ("Nombre de projets", "Number of projects"),
    "measure_envelope": ("Enveloppes connues (2024–2029)", "Known envelopes (2024–2029)"),
    "basemap": ("Fond de carte en ligne", "Online basemap"),
    "language_switch": ("English", "Français"),
    "no_data": ("Aucune donnée connue (≠ zéro)", "No known data (≠ zero)"),
    "no_data_hover": ("aucune donnée connue", "no known data"),
    "fig_total": ("Montant FQIS connu", "Known FQIS amount"),
    "fig_projects": ("Projets", "Projects"),
    "fig_promoters": ("Organismes porteurs", "Promoting organizations"),
    "fig_per_capita": ("Par habitant", "Per inhabitant"),
    "fig_unknown_amounts": ("{n} projet(s) sans montant connu", "{n} project(s) with no known amount"),
    "fig_population": ("Population 2021 du territoire : {pop}", "2021 population of the area: {pop}"),
    "ranking_title": ("Classement : {measure}", "Ranking: {measure}"),
    "ranking_no_data": ("{n} territoire(s) sans donnée connue ne sont pas classés.",
                        "{n} area(s) with no known data are not ranked."),
    "table_title": ("Projets de la vue", "Projects in view"),
    "col_title": ("Projet", "Project"),
    "col_promoter": ("Organisme porteur", "Promoting organization"),
    "col_mrc": ("MRC", "MRC"),
    "col_region": ("Région", "Region"),
    "col_amount": ("Montant FQIS", "FQIS amount"),
    "col_years": ("Années", "Years"),
    "col_priorities": ("Priorités", "Priorities"),
    "col_source": ("Source", "Source"),
    "source_link": ("source", "source"),
    "hover_amount": ("Montant FQIS", "FQIS amount"),
    "hover_unknown": ("inconnu", "unknown"),
    "hover_source": ("Source publique : oui (voir le tableau)", "Public source: yes (see the table)"),
    "hover_projects": ("Projets", "Projects"),
    "hover_per_capita": ("Par habitant", "Per inhabitant"),
    "hover_population": ("Population 2021", "2021 population"),
    "hover_envelope": ("Enveloppe connue", "Known envelope"),
    "hover_estimated": ("population estimée", "estimated population"),
    "precision_point": ("position exacte", "exact location"),
    "precision_municipality": ("position : centre de la MRC (municipalité connue)", "location: MRC centre (municipality known)"),
    "precision_mrc": ("position approximative : centre de la MRC", "approximate location: MRC centre"),
    "precision_region": ("position approximative : centre de la région", "approximate location: region centre"),
    "regional_note": ("{amount} de projets régionaux ou multi-MRC ne sont comptés qu'à l'échelle de la région.",
                      "{amount} of region-wide or multi-MRC projects are counted at region level only."),
    "selected": ("Territoire choisi sur la carte : {name} — cliquez de nouveau pour annuler.",
                 "Area chosen on the map: {name} — click again to clear."),
    "about_title": ("À propos des données", "About the data"),
    "theme_none": ("Priorité non précisée", "Priority not stated"),
    "legend_points": ("Points : projets, taille selon le montant, couleur selon la priorité.",
                      "Points: projects, sized by amount, coloured by priority."),
    "attribution": ("Sources", "Sources"),
    "demo_banner": ("DÉMONSTRATION — données synthétiques, aucun de ces projets n'existe.",
                    "DEMO — synthetic data, none of these projects exist."),
    "skip_link": ("Aller au contenu", "Skip to content"),
}


def t(key: str, lang: str, **values) -> str:
    """The text of `key` in `lang` (French for any unknown language), with {placeholders} filled."""
    fr, en = TEXT[key]
    text = en if lang == "en" else fr
    return text.format(**values) if values else text


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: float | None, lang: str) -> str:
    """1234567 → « 1 234 567 $ » (fr) or « $1,234,567 » (en); unknown → « — »."""
    if _missing(value):
        return "—"
    if lang == "en":
        return format_currency(round(value), "CAD", locale="en_CA", format="¤#,##0", currency_digits=False)
    return format_currency(round(value), "CAD", locale="fr_CA", format="#,##0\u00a0¤", currency_digits=False)


def money_compact(value: float | None, lang: str) -> str:
    """4100000 → « 4,1 M$ » (fr) or « $4.1M » (en), for tight spaces like bar labels."""
    if _missing(value):
        return "—"
    return format_compact_currency(value, "CAD", locale=LOCALES.get(lang, "fr_CA"), fraction_digits=1)


def money_cents(value: float | None, lang: str) -> str:
    """Amounts per inhabitant keep two decimals: « 28,40 $ »."""
    if _missing(value):
        return "—"
    if lang == "en":
        return format_currency(value, "CAD", locale="en_CA", format="¤#,##0.00", currency_digits=False)
    return format_currency(value, "CAD", locale="fr_CA", format="#,##0.00\u00a0¤", currency_digits=False)


def number(value: float | int | None, lang: str) -> str:
    if _missing(value):
        return "—"
    return format_decimal(value, locale=LOCALES.get(lang, "fr_CA"))
