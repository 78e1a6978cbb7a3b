"""Interface words in French (first) and English, and number formatting through Babel.

Every visible string goes through `t()` so the language switch can translate all of it; a test
checks that every key has both languages.
"""
from __future__ import annotations

from functools import lru_cache

import math

from babel.numbers import format_compact_currency

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
    "measure_envelope": ("Enveloppe connue", "Known envelope"),
    "measure_envelope_per_capita": ("Enveloppe par habitant", "Envelope per inhabitant"),
    "measure_documented_share": ("Part documentée de l'enveloppe", "Documented share of the envelope"),
    "measure_of_cycle": ("{measure} — {cycle}", "{measure} — {cycle}"),
    "envelope_cycle_default": (
        "Enveloppes du cycle {cycle}, celui dont on connaît le plus de territoires à ce découpage ({n} sur {total}). "
        "Choisissez un cycle dans les filtres pour en voir un autre ; les cycles ne s'additionnent jamais.",
        "Envelopes of the {cycle} cycle, the one with the most areas known at this level ({n} of {total}). "
        "Choose a cycle in the filters to see another; cycles are never added together."),
    "envelope_cycle_several": ("Plusieurs cycles sont choisis : la carte montre celui dont on connaît le plus de "
                               "territoires, {cycle}.",
                               "Several cycles are chosen: the map shows the one with the most areas known, {cycle}."),
    "share_rule": ("Part documentée : montant FQIS connu des projets du cycle ÷ enveloppe connue du même cycle et "
                   "du même territoire, seulement là où les deux sont connus.",
                   "Documented share: known FQIS amount of the cycle's projects ÷ known envelope of the same cycle "
                   "and area, only where both are known."),
    "hover_share_over": ("⚠ plus de 100 % : les sources ne concordent pas", "⚠ over 100 %: the sources disagree"),
    "hover_documented": ("Montant des projets du cycle", "Amount of the cycle's projects"),
    "hover_envelope_summed": ("somme des enveloppes de chacune de ses Alliances",
                              "sum of the envelopes of each of its Alliances"),
    "hover_envelope_disputed": ("⚠ les sources donnent des montants différents pour cette enveloppe (voir la page "
                                "du territoire)",
                                "⚠ the sources give different amounts for this envelope (see the area's page)"),
    "hover_territory_differs": ("⚠ pendant ce cycle, l'Alliance couvrait un autre territoire que celui dessiné",
                                "⚠ during this cycle, the Alliance covered another territory than the one drawn"),
    "differs_note": ("⚠ {names} : pendant ce cycle, l'Alliance couvrait un autre territoire que celui dessiné "
                     "(voir la méthodologie) ; son enveloppe ne correspond pas exactement à ce territoire.",
                     "⚠ {names}: during this cycle, the Alliance covered another territory than the one drawn "
                     "(see the methodology); its envelope does not match this territory exactly."),
    "explicit_only": ("Seulement les liens explicites avec le FQIS", "Only explicit ties to the FQIS"),
    "explicit_only_group": ("Certitude du lien avec le FQIS", "Certainty of the tie to the FQIS"),
    "hover_link_explicit": ("lien avec le FQIS : explicite (la source le dit)",
                            "tie to the FQIS: explicit (the source says so)"),
    "hover_link_inferred": ("lien avec le FQIS : déduit", "tie to the FQIS: inferred"),
    "inferred_mrc": ("MRC déduite", "MRC inferred"),
    "inferred_municipality": ("municipalité déduite", "municipality inferred"),
    "inferred_cycle": ("cycle déduit", "cycle inferred"),
    "inferred_region": ("région déduite", "region inferred"),
    "inferred_amount": ("montant déduit", "amount inferred"),
    "col_certainty": ("Ce qui est déduit", "What is inferred"),
    "certainty_all_read": ("rien : tout est lu dans la source", "nothing: all read in the source"),
    "basemap": ("Fond de carte en ligne", "Online basemap"),
    "language_switch": ("English", "Français"),
    "no_data": ("Aucune donnée connue (≠ zéro)", "No known data (≠ zero)"),
    "no_data_hover": ("aucune donnée connue", "no known data"),
    # Figures of the projects in view: always said to be those of the *known* projects, never the
    # program's (its published totals are in the program strip above the map).
    "fig_total": ("Montant des projets connus", "Amount of known projects"),
    "fig_projects": ("Projets connus", "Known projects"),
    "fig_promoters": ("Organismes porteurs", "Promoting organizations"),
    "fig_per_capita": ("Projets connus, par habitant", "Known projects, per inhabitant"),
    "fig_population": ("Population 2021 du territoire : {pop}", "2021 population of the area: {pop}"),
    "ranking": ("Classement des territoires", "Ranking of areas"),
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
    "upload_title": ("Votre fichier de projets", "Your project spreadsheet"),
    "upload_help": ("Déposez un tableur CSV ou Excel (au plus {size} Mo, {rows} lignes) : vos projets apparaissent "
                    "sur la carte, dans les chiffres et le tableau, dans ce navigateur seulement. Rien n'est "
                    "conservé sur le serveur ni envoyé ailleurs.",
                    "Drop a CSV or Excel spreadsheet (at most {size} MB, {rows} rows): your projects appear on the "
                    "map, figures and table, in this browser only. Nothing is kept on the server or sent anywhere."),
    "upload_drop": ("Glissez-déposez votre fichier ici, ou", "Drag and drop your file here, or"),
    "upload_browse": ("choisissez-le", "choose it"),
    "upload_template_xlsx": ("Modèle Excel à remplir", "Excel template"),
    "upload_template_csv": ("Modèle CSV", "CSV template"),
    "source_label": ("Données affichées", "Data shown"),
    "basemap_group": ("Fond de carte", "Basemap"),
    "source_public": ("Données publiques", "Public data"),
    "source_upload": ("Mon fichier", "My file"),
    "upload_unreadable": ("Ce fichier ne peut pas être lu. Déposez un fichier .csv ou .xlsx.",
                          "This file cannot be read. Please use a .csv or .xlsx file."),
    "upload_too_big": ("« {name} » dépasse la taille permise ({size} Mo).", "« {name} » is larger than allowed ({size} MB)."),
    "upload_summary": ("« {name} » : {read}, {valid}, {problems}.", "« {name} »: {read}, {valid}, {problems}."),
    "upload_errors": ("Lignes à corriger", "Rows to fix"),
    "upload_row": ("Ligne", "Row"),
    "upload_column": ("Colonne", "Column"),
    "upload_problem": ("Problème", "Problem"),
    "summary": ("{scope} : {projects}, pour un montant connu de {total}, soit {per_capita} par habitant "
                "(projets connus seulement).",
                "{scope}: {projects}, with a known amount of {total}, or {per_capita} per inhabitant "
                "(known projects only)."),
    "summary_quebec": ("Tout le Québec", "All of Québec"),
    "territory_table": ("Tableau des territoires (équivalent texte de la carte)", "Table of areas (text version of the map)"),
    "col_territory": ("Territoire", "Area"),
    "col_population": ("Population 2021", "2021 population"),
    "dropdown_search": ("Rechercher", "Search"),
    "dropdown_clear_search": ("Effacer la recherche", "Clear search"),
    "dropdown_clear_selection": ("Effacer la sélection", "Clear selection"),
    "dropdown_no_options_found": ("Aucun choix ne correspond", "No matching choice"),
    "dropdown_select_all": ("Tout sélectionner", "Select all"),
    "dropdown_deselect_all": ("Tout désélectionner", "Deselect all"),
    "methodology": ("Méthodologie", "Methodology"),
    "map_image": ("Image de la carte (PNG)", "Map image (PNG)"),
    "image_source": ("Carte des Alliances pour la solidarité — montants FQIS de sources publiques (voir le tableau).",
                     "Map of the Alliances pour la solidarité — FQIS amounts from public sources (see the table)."),
    "share": ("Lien vers cette vue", "Link to this view"),
    "copy": ("Copier le lien", "Copy the link"),
    "embed": ("Intégrer cette carte (code <iframe>)", "Embed this map (<iframe> code)"),
    "copy_embed": ("Copier le code", "Copy the code"),
    "download_projects_csv": ("Projets (CSV)", "Projects (CSV)"),
    "download_projects_xlsx": ("Projets (Excel)", "Projects (Excel)"),
    "download_territories_csv": ("Territoires (CSV)", "Areas (CSV)"),
    "download_territories_xlsx": ("Territoires (Excel)", "Areas (Excel)"),
    "download_upload_note": ("Téléchargements : les projets de votre fichier, tels qu'affichés (pas les données publiques).",
                             "Downloads: the projects of your file, as shown (not the public data)."),
    "ignored_parameters": ("Certains éléments du lien n'ont pas pu être lus et ont été ignorés : {names}.",
                           "Some parts of the link could not be read and were ignored: {names}."),
    "cluster_title": ("Projets regroupés", "Grouped projects"),
    "clustered_note": ("{n} projets dans la vue : trop pour les dessiner un à un, ils sont regroupés par secteur.",
                       "{n} projects in view: too many to draw one by one, they are grouped by area."),
    "table_show": ("Afficher le tableau des projets", "Show the project table"),
    "table_loading": ("Chargement du tableau…", "Loading the table…"),
    "table_load_error": ("Le tableau n'a pas pu être chargé. Réessayer", "The table could not be loaded. Try again"),
    "demo_banner": ("DÉMONSTRATION — données synthétiques, aucun de ces projets n'existe.",
                    "DEMO — synthetic data, none of these projects exist."),
    "skip_link": ("Aller au contenu", "Skip to content"),
}


def text(table: dict[str, tuple[str, str]], key: str, lang: str, **values) -> str:
    """`table[key]` in `lang` (French for any unknown language), with {placeholders} filled.

    Page modules keep their own (fr, en) tables and look them up through this one function.
    """
    fr, en = table[key]
    chosen = en if lang == "en" else fr
    return chosen.format(**values) if values else chosen


def t(key: str, lang: str, **values) -> str:
    """The shared interface text of `key` in `lang`."""
    return text(TEXT, key, lang, **values)


def inferred_phrases(cell, lang: str) -> list[str]:
    """A project's `inferred` cell (« mrc;cycle ») → « MRC déduite », « cycle déduit »; a word
    without a phrase is kept as written, so nothing inferred goes unsaid."""
    return [t(f"inferred_{part}", lang) if f"inferred_{part}" in TEXT else part
            for part in str(cell or "").split(";") if part]


def percent(value, lang: str) -> str:
    """0.134 → « 13,4 % » (fr) or « 13.4% » (en); unknown → « — ». A share above zero but below
    0,05 % is « < 0,1 % », never « 0,0 % », which would read as nothing."""
    if not _missing(value) and 0 < value < 0.0005:
        return "< " + percent(0.001, lang)
    text = _format(value * 100 if not _missing(value) else value, lang, 1, currency=False)
    if text == "—":
        return text
    return text + ("%" if lang == "en" else "\u00a0%")


def percent_many(values, lang: str):
    import pandas as pd
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype="float64")
    return pd.Series([percent(v, lang) for v in series.to_numpy(dtype="float64", na_value=float("nan"))],
                     index=series.index, dtype=object)


def clean_lang(lang) -> str:
    """Only "en" switches to English; anything else (absent, repeated, forged) is French."""
    return "en" if lang == "en" else "fr"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: float | None, lang: str) -> str:
    """1234567 → « 1 234 567 $ » (fr) or « $1,234,567 » (en); unknown → « — »."""
    return _format(value, lang, 0, currency=True)


def money_compact(value: float | None, lang: str) -> str:
    """4100000 → « 4,1 M$ » (fr) or « $4.1M » (en), for tight spaces like bar labels."""
    if _missing(value):
        return "—"
    return format_compact_currency(value, "CAD", locale=LOCALES.get(lang, "fr_CA"), fraction_digits=1)


def money_cents(value: float | None, lang: str) -> str:
    """Amounts per inhabitant keep two decimals: « 28,40 $ »."""
    return _format(value, lang, 2, currency=True)


def number(value: float | int | None, lang: str) -> str:
    """8501833 → « 8 501 833 » (fr) or « 8,501,833 » (en)."""
    return _format(value, lang, 0, currency=False)


# ---------------------------------------------------------------- the one number formatter
# Maps and tables format thousands of numbers per update; Babel's per-value formatting costs about
# 0.1 ms each. _format applies the locale's symbols (read from Babel once) with Python's own
# grouping, about a microsecond a value; every number on the page goes through it, so all agree.

@lru_cache(maxsize=None)
def _translation(lang: str) -> dict:
    """Python's « , » and « . » → the locale's group and decimal symbols (fr_CA: narrow no-break
    space and comma)."""
    from babel.numbers import get_decimal_symbol, get_group_symbol
    locale = LOCALES.get(lang, "fr_CA")
    return str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale)})


def _format(value, lang: str, decimals: int, currency: bool) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):  # None, pd.NA, NaT and other non-numbers: unknown
        return "—"
    if math.isnan(number):
        return "—"
    text = f"{number:,.{decimals}f}".translate(_translation(lang))
    if not currency:
        return text
    return "$" + text if lang == "en" else text + "\u00a0$"


def _many(values, lang: str, decimals: int, currency: bool):
    import pandas as pd
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype="float64")
    numbers = series.to_numpy(dtype="float64", na_value=float("nan"))
    return pd.Series([_format(v, lang, decimals, currency) for v in numbers], index=series.index, dtype=object)


def money_many(values, lang: str):
    """money() for a whole Series (same output, element by element)."""
    return _many(values, lang, 0, currency=True)


def money_cents_many(values, lang: str):
    return _many(values, lang, 2, currency=True)


def number_many(values, lang: str):
    return _many(values, lang, 0, currency=False)


# ---------------------------------------------------------------- plural forms
# Every text that holds a count, in one table: key → ((French one, other), (English one, other)).
# {n} is the count (formatted by `plural`); other placeholders are filled from its keyword arguments.
# The form is chosen by the language's CLDR plural rule through Babel (French: « 0 projet »,
# « 1 projet », « 2 projets »; English: « 0 projects », « 1 project »). Kept in one place so the
# move to gettext catalogs (ngettext) finds every entry.

PLURALS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "n_projects": (("{n} projet", "{n} projets"), ("{n} project", "{n} projects")),
    "n_known_projects": (("{n} projet connu", "{n} projets connus"), ("{n} known project", "{n} known projects")),
    "unknown_amounts": (("{n} projet sans montant connu", "{n} projets sans montant connu"),
                        ("{n} project with no known amount", "{n} projects with no known amount")),
    "ranking_no_data": (("{n} territoire sans donnée connue n'est pas classé.",
                         "{n} territoires sans donnée connue ne sont pas classés."),
                        ("{n} area with no known data is not ranked.", "{n} areas with no known data are not ranked.")),
    "table_count": (("{n} projet dans la vue", "{n} projets dans la vue"),
                    ("{n} project in view", "{n} projects in view")),
    "rows_read": (("{n} ligne lue", "{n} lignes lues"), ("{n} row read", "{n} rows read")),
    "rows_valid": (("{n} valide", "{n} valides"), ("{n} valid", "{n} valid")),
    "problems": (("{n} problème", "{n} problèmes"), ("{n} problem", "{n} problems")),
    "other_amounts": (("{n} autre montant", "{n} autres montants"), ("{n} other amount", "{n} other amounts")),
    "other_themes": (("{n} autre thème", "{n} autres thèmes"), ("{n} other theme", "{n} other themes")),
    "other_projects": (("{n} autre projet", "{n} autres projets"), ("{n} other project", "{n} other projects")),
    "other_known_amounts": (("{n} autre montant connu", "{n} autres montants connus"),
                            ("{n} other known amount", "{n} other known amounts")),
    "regions_only": (("{n} région seulement", "{n} régions seulement"), ("{n} region only", "{n} regions only")),
    "n_alliances": (("{n} Alliance", "{n} Alliances"), ("{n} Alliance", "{n} Alliances")),
    "n_rows": (("{n} ligne", "{n} lignes"), ("{n} row", "{n} rows")),
    "others": (("{n} autre", "{n} autres"), ("{n} other", "{n} others")),
    "themes_word": (("thème", "thèmes"), ("theme", "themes")),
    "regional_projects": (("{n} projet régional ou multi-MRC", "{n} projets régionaux ou multi-MRC"),
                          ("{n} region-wide or multi-MRC project", "{n} region-wide or multi-MRC projects")),
    "multi_mrc_projects": (("{n} projet sur plusieurs MRC sert aussi cette MRC",
                            "{n} projets sur plusieurs MRC servent aussi cette MRC"),
                           ("{n} multi-MRC project also serves this MRC", "{n} multi-MRC projects also serve this MRC")),
    "counted_in_no_mrc": (("{n} projet, compté dans aucune MRC", "{n} projets, comptés dans aucune MRC"),
                          ("{n} project, counted in no MRC", "{n} projects, counted in no MRC")),
    # {noun} is the territory word for the same count (noun_region, noun_mrc, noun_alliance).
    "territories_with_envelope": (
        ("{n} {noun} sur {total} a une enveloppe {cycle} connue", "{n} {noun} sur {total} ont une enveloppe {cycle} connue"),
        ("{n} {noun} of {total} has a known {cycle} envelope", "{n} {noun} of {total} have a known {cycle} envelope")),
    "territories_with_data": (
        ("{n} {noun} sur {total} a une donnée connue", "{n} {noun} sur {total} ont une donnée connue"),
        ("{n} {noun} of {total} has known data", "{n} {noun} of {total} have known data")),
    "envelope_cycle_chosen": (("Enveloppes du cycle {cycle} : {n} territoire connu sur {total}.",
                               "Enveloppes du cycle {cycle} : {n} territoires connus sur {total}."),
                              ("Envelopes of the {cycle} cycle: {n} area known of {total}.",
                               "Envelopes of the {cycle} cycle: {n} areas known of {total}.")),
    "share_over_note": (("⚠ {n} territoire dépasse 100 % ({names}) : les sources ne concordent pas (enveloppe "
                         "publiée plus petite que les projets qu'on y rattache).",
                         "⚠ {n} territoires dépassent 100 % ({names}) : les sources ne concordent pas "
                         "(enveloppe publiée plus petite que les projets qu'on y rattache)."),
                        ("⚠ {n} area is over 100 % ({names}): the sources disagree (published envelope smaller "
                         "than the projects tied to it).",
                         "⚠ {n} areas are over 100 % ({names}): the sources disagree (published envelope "
                         "smaller than the projects tied to it).")),
    "noun_region": (("région", "régions"), ("region", "regions")),
    "noun_mrc": (("MRC", "MRC"), ("MRC", "MRCs")),
    "noun_alliance": (("Alliance", "Alliances"), ("Alliance", "Alliances")),
}


@lru_cache(maxsize=None)
def _locale(lang: str):
    from babel import Locale
    return Locale.parse(LOCALES.get(lang, "fr_CA"))


def plural_form(count, lang: str) -> str:
    """« one » or « other »: the CLDR category of `count` in `lang`, reduced to the two forms the
    interface writes (French « many », for round millions, takes the « other » form; an unknown
    count, the « other » form)."""
    try:
        value = abs(float(count))
    except (TypeError, ValueError):
        return "other"
    if value != value:  # NaN
        return "other"
    category = _locale(clean_lang(lang)).plural_form(int(value) if value.is_integer() else value)
    return "one" if category == "one" else "other"


def plural(key: str, count: float, lang: str, **values) -> str:
    """The text of `key` for `count` in `lang`, the count written as a number of the language."""
    fr, en = PLURALS[key]
    one, other = en if lang == "en" else fr
    chosen = one if plural_form(count, lang) == "one" else other
    return chosen.format(n=number(count, lang), **values)
