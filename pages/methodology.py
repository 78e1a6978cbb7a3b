"""« Méthodologie » (/methodologie): how every number of the site is defined, counted and dated.

The frame and pieces it shares with the territory pages and sheets are in components/document.py.

What can be computed from the data is computed (the MRC whose population is estimated, the known
gaps, the Alliance territory changes), so the page cannot drift from the files it describes.
"""
from __future__ import annotations

from functools import lru_cache

import dash
import pandas as pd
from dash import html

from components.document import (
    GEO_REFERENCE_DIR,
    KINDS,
    METHODOLOGY_PATH,
    changelog,
    is_http,
    kind_label,
    page_frame,
    source_link,
    table,
)
from components.i18n import clean_lang, number, plural, text
from components.page_text import with_shared
from data import load
from data.schema import ENVELOPE_KINDS, REFERENCE_DIR
from geo import layers

PATH = METHODOLOGY_PATH


# ---------------------------------------------------------------- the methodology page

_TEXT = with_shared({  # this page's own words; the shared ones are in components/page_text.py
    "title": ("Méthodologie", "Methodology"),
    "page_title": ("Méthodologie — Carte des Alliances", "Methodology — Map of the Alliances"),
    "intro": ("Comment chaque chiffre de la carte et des pages de territoire est défini, compté et daté. "
              "Aucun jeu de données officiel par projet n'est publié : la carte ne montre que ce qu'une source "
              "publique documente, et chaque ligne renvoie à sa source.",
              "How every figure of the map and of the area pages is defined, counted and dated. No official "
              "per-project dataset is published: the map shows only what a public source documents, and every row "
              "links to its source."),
    "definitions": ("Définitions", "Definitions"),
    "def_envelope_term": ("Enveloppe ou montant de projet", "Envelope or project amount"),
    "def_envelope": ("Une enveloppe est l'argent réservé à une Alliance, à une sous-région ou à une MRC pour un cycle. "
                     "Le montant d'un projet est la part du FQIS accordée à ce projet précis. Une enveloppe finance "
                     "de nombreux projets : additionner l'enveloppe et ses projets compterait deux fois le même argent. "
                     "Seule la part du FQIS versée par les Alliances est retenue ; les fonds voisins (FARR, FRR, "
                     "Centraide, contributions des partenaires…) ne sont jamais comptés.",
                     "An envelope is money reserved for an Alliance, a sub-region or an MRC for one cycle. A project "
                     "amount is the FQIS share granted to that one project. One envelope funds many projects: adding "
                     "the envelope and its projects would count the same money twice. Only the FQIS share given "
                     "through the Alliances is kept; neighbouring funds (FARR, FRR, Centraide, partners' "
                     "contributions…) are never counted."),
    "def_committed_term": ("Engagé, pas versé", "Committed, not paid"),
    "def_committed": ("Les montants sont ceux que les sources annoncent ou accordent (montants engagés). Ce ne sont "
                      "pas des paiements : une somme peut être versée en plusieurs fois, réduite ou non dépensée, et "
                      "aucune source publique ne donne les sommes réellement versées.",
                      "Amounts are those the sources announce or grant (committed amounts). They are not payments: "
                      "a sum may be paid in instalments, reduced or left unspent, and no public source gives the "
                      "sums actually paid."),
    "def_place_term": ("Organisme porteur ou lieu servi", "Promoting organization or place served"),
    "def_place": ("Un projet est placé là où il sert, d'après sa source : la MRC ou la région dont la population en "
                  "profite. L'organisme porteur peut avoir son siège ailleurs ; son adresse ne sert pas à placer le "
                  "projet.",
                  "A project is placed where it serves, according to its source: the MRC or region whose people "
                  "benefit from it. The promoting organization may be based elsewhere; its address is not used to "
                  "place the project."),
    "def_nodata_term": ("Aucune donnée n'est pas zéro", "No data is not zero"),
    "def_nodata": ("Un montant inconnu reste vide, jamais 0. Un territoire sans projet connu n'a pas forcément rien "
                   "reçu. Un projet sans montant connu compte dans le nombre de projets, pas dans les montants.",
                   "An unknown amount stays empty, never 0. An area with no known project has not necessarily "
                   "received nothing. A project with no known amount counts in the number of projects, not in the "
                   "amounts."),
    "multi": ("Projets sur plusieurs territoires", "Projects spanning several areas"),
    "multi_rule": ("Un projet est compté une seule fois, dans le plus petit territoire qui contient tous les lieux "
                   "qu'il sert :",
                   "A project is counted once, in the smallest area that holds every place it serves:"),
    "multi_one": ("une seule MRC : il compte dans cette MRC (et dans sa région et son Alliance) ;",
                  "one MRC: it counts in that MRC (and in its region and Alliance);"),
    "multi_many": ("plusieurs MRC d'une même région, ou toute la région : il compte dans la région (et dans son "
                   "Alliance quand la région n'en a qu'une), jamais dans une MRC. Répartir l'argent entre les MRC "
                   "inventerait des chiffres qu'aucune source ne donne.",
                   "several MRC of one region, or the whole region: it counts in the region (and in its Alliance "
                   "when the region has only one), never in an MRC. Splitting the money among the MRC would invent "
                   "figures no source gives."),
    "multi_consequence": ("Les totaux des MRC d'une région font donc au plus le total de la région ; la différence est "
                          "l'argent des projets régionaux ou multi-MRC, montré comme tel sur chaque page de région.",
                          "So the MRC totals of a region add up to at most the region's total; the difference is the "
                          "money of region-wide or multi-MRC projects, shown as such on each region page."),
    "shares": ("Enveloppes par cycle et part documentée", "Envelopes by cycle and documented share"),
    "shares_rule": ("La carte montre les enveloppes d'un seul cycle à la fois : celui choisi dans les filtres, sinon "
                    "celui dont on connaît l'enveloppe du plus grand nombre de territoires au découpage affiché (la "
                    "légende et la phrase sous la carte le nomment). Les cycles ne s'additionnent jamais. Seules les "
                    "lignes de nature « enveloppe » comptent, et pour la transition 2023–2024 les lignes « transition », "
                    "qui sont l'argent de chaque Alliance pour cette année-là. Une région à plusieurs Alliances "
                    "(Nord-du-Québec) n'a d'enveloppe que si on connaît celle de chacune. L'enveloppe par habitant "
                    "est l'enveloppe divisée par la population 2021 du même territoire.",
                    "The map shows the envelopes of one cycle at a time: the one chosen in the filters, else the one "
                    "whose envelope is known for the most areas at the level shown (the legend and the sentence under "
                    "the map name it). Cycles are never added together. Only rows of kind « envelope » count, and "
                    "for the 2023–2024 transition the « transition » rows, which are each Alliance's money for that "
                    "year. A region with several Alliances (Nord-du-Québec) has an envelope only when each one's is "
                    "known. The envelope per inhabitant is the envelope divided by the 2021 population of the same "
                    "area."),
    "share_definition": ("La part documentée d'un territoire pour un cycle est le montant FQIS connu de ses projets de "
                         "ce cycle (comptés selon la règle multi-territoire ci-dessus) divisé par son enveloppe connue "
                         "du même cycle ; elle n'est montrée que si les deux sont connus. Elle répond à la question « "
                         "quelle part de l'argent des Alliances est publiée projet par projet ? », pas à « combien a "
                         "été dépensé ». Au-delà de 100 %, les sources ne concordent pas (enveloppe lue trop basse, "
                         "montant de projet qui inclut d'autres fonds, projet rangé dans un autre cycle) : la part est "
                         "montrée telle quelle, avec un avertissement. Pendant le PAGIEPS 2017–2023, l'Alliance de la "
                         "Montérégie couvrait aussi Brome-Missisquoi et La Haute-Yamaska : ses enveloppes de ce cycle "
                         "sont signalées, car elles ne correspondent pas exactement à la région dessinée.",
                         "The documented share of an area for a cycle is the known FQIS amount of its projects of that "
                         "cycle (counted by the multi-area rule above) divided by its known envelope of the same "
                         "cycle; it is shown only where both are known. It answers « how much of the Alliances' money "
                         "is published project by project? », not « how much was spent ». Above 100 %, the sources "
                         "disagree (an envelope read too low, a project amount that includes other funds, a project "
                         "placed in another cycle): the share is shown as it is, with a warning. During the PAGIEPS "
                         "2017–2023, the Montérégie Alliance also covered Brome-Missisquoi and La Haute-Yamaska: its "
                         "envelopes of that cycle are flagged, since they do not match the drawn region exactly."),
    "certainty": ("Ce qui est lu, ce qui est déduit", "What is read, what is inferred"),
    "certainty_rule": ("Chaque projet dit si son lien avec le FQIS est écrit par sa source (explicite) ou déduit du "
                       "contexte, et ce qui a été déduit plutôt que lu : MRC, municipalité, cycle, région ou montant. "
                       "La bulle de chaque point, le tableau des projets, les pages des territoires, les exports et "
                       "l'API le disent ; le filtre « Seulement les liens explicites » écarte les liens déduits.",
                       "Each project says whether its tie to the FQIS is written by its source (explicit) or inferred "
                       "from context, and what was inferred rather than read: MRC, municipality, cycle, region or "
                       "amount. Each point's hover, the project table, the area pages, the exports and the API say "
                       "so; the « Only explicit ties to the FQIS » filter leaves inferred ties out."),
    "per_capita": ("Montant par habitant et rang", "Amount per inhabitant and rank"),
    "per_capita_rule": ("Le montant par habitant est toujours le total connu d'un territoire divisé par la population "
                        "de ce même territoire ; on n'additionne ni ne fait jamais la moyenne de montants par habitant. "
                        "Le rang compare un territoire à ses pairs (les 17 régions ; les MRC de sa région et les 104 "
                        "MRC/TE) selon le montant par habitant, parmi les seuls territoires qui ont au moins un "
                        "montant connu : « 2e sur 5 territoires avec données ». Avec si peu de projets documentés, "
                        "un rang dit ce que nous savons, pas ce que chaque territoire a reçu.",
                        "The amount per inhabitant is always an area's known total divided by the population of that "
                        "same area; per-capita amounts are never added up or averaged. The rank compares an area "
                        "with its peers (the 17 regions; the MRC of its region and all 104 MRC/TE) by amount per "
                        "inhabitant, among only the areas with at least one known amount: « 2nd of 5 areas with "
                        "data ». With so few documented projects, a rank says what we know, not what each area "
                        "received."),
    "population": ("Population", "Population"),
    "population_rule": ("Population du Recensement de 2021 (Statistique Canada, tableau 98-10-0007-01), par division "
                        "de recensement. Là où une division de recensement contient plusieurs MRC ou territoires "
                        "équivalents, sa population est répartie selon les parts 2016 de l'Institut de la statistique "
                        "du Québec et marquée « estimée » :",
                        "Population from the 2021 Census (Statistics Canada, table 98-10-0007-01), by census "
                        "division. Where one census division holds several MRC or equivalent territories, its "
                        "population is split by the 2016 shares of the Institut de la statistique du Québec and "
                        "marked « estimated »:"),
    "census_division": ("division de recensement {cduid}", "census division {cduid}"),
    "alliances": ("Territoire des Alliances", "Territory of the Alliances"),
    "alliances_rule": ("Il y a 21 Alliances : une par région, sauf le Nord-du-Québec (trois : Baie-James, "
                       "Gouvernement de la nation crie, Administration régionale Kativik) et la Gaspésie–Îles-de-la-"
                       "Madeleine (deux). L'Alliance des Premières Nations sert 29 communautés non conventionnées ; "
                       "faute de liste publiée de ces communautés, son territoire n'est pas dessiné.",
                       "There are 21 Alliances: one per region, except Nord-du-Québec (three: Baie-James, Cree Nation "
                       "Government, Kativik Regional Government) and Gaspésie–Îles-de-la-Madeleine (two). The First "
                       "Nations Alliance serves 29 non-treaty communities; as no list of these communities is "
                       "published, its territory is not drawn."),
    "alliances_change": ("Les territoires des Alliances n'ont pas toujours suivi les régions d'aujourd'hui. Pendant le "
                         "PAGIEPS 2017–2023, l'Alliance de la Montérégie couvrait aussi Brome-Missisquoi et La "
                         "Haute-Yamaska (14 MRC et l'agglomération de Longueuil), aujourd'hui en Estrie : ses montants "
                         "de ce cycle ne correspondent donc pas exactement à la région actuelle.",
                         "Alliance territories have not always followed today's regions. During PAGIEPS 2017–2023 the "
                         "Montérégie Alliance also covered Brome-Missisquoi and La Haute-Yamaska (14 MRC and the "
                         "Longueuil agglomeration), now in Estrie: its amounts for that cycle therefore do not match "
                         "today's region exactly."),
    "col_alliance": ("Alliance", "Alliance"),
    "col_change": ("Changement", "Change"),
    "change_add": ("ajoutée à l'Alliance", "added to the Alliance"),
    "change_remove": ("retirée de l'Alliance", "removed from the Alliance"),
    "kinds": ("Natures de montant", "Kinds of amount"),
    "kinds_rule": ("Chaque montant a une nature. Les natures ne s'additionnent jamais entre elles, et les niveaux "
                   "se recoupent (une enveloppe provinciale contient les enveloppes régionales, une enveloppe "
                   "régionale celles de ses MRC) : on ne compare que des montants de même nature, de même niveau et "
                   "de même cycle. La mesure « enveloppes connues » de la carte ne lit que les enveloppes.",
                   "Every amount has a kind. Kinds are never added together, and levels overlap (a province-wide "
                   "envelope holds the regional ones, a regional envelope those of its MRC): only amounts of the "
                   "same kind, level and cycle are compared. The map's « known envelopes » measure reads envelopes "
                   "only."),
    "col_code": ("Code", "Code"),
    "col_meaning": ("Ce que c'est", "What it is"),
    "gaps": ("Lacunes connues", "Known gaps"),
    "gap_projects": ("Aucun jeu de données officiel par projet n'est publié. Environ 3 000 projets ont été financés "
                     "depuis 2018 ; {n} sont documentés ici, dont {known} avec une part FQIS connue.",
                     "No official per-project dataset is published. About 3,000 projects have been funded since "
                     "2018; {n} are documented here, {known} of them with a known FQIS share."),
    "gap_envelope": ("Enveloppe {cycle} de la région ou de l'Alliance non trouvée : {regions}.",
                     "{cycle} envelope of the region or Alliance not found: {regions}."),
    "gap_found": ("{what} : connu pour {regions_only} ({regions}).", "{what}: known for {regions_only} ({regions})."),
    "gap_nothing": ("Rien n'a été trouvé (ni montant, ni projet, ni priorité) pour : {alliances}.",
                    "Nothing was found (no amount, project or priority) for: {alliances}."),
    "gap_priorities": ("Priorités relevées avec une adresse pour {alliances} sur 21.",
                       "Priorities recorded with an address for {alliances} of 21."),
    "gap_dates": ("Date de la source non lue pour {rows}.", "Source date not read for {rows}."),
    "gap_more": ("Le détail, source par source, est dans data/README.md (« Lacunes connues »).",
                 "Details, source by source, are in data/README.md (« Lacunes connues »)."),
    "envelope_2024": ("Enveloppe 2024–2029", "2024–2029 envelope"),
    "operation_curate": ("Curation", "Curation"),
    "operation_schema": ("Changement de schéma", "Schema change"),
    "operation_add": ("Ajout", "Addition"),
    "count_added": ("lignes ajoutées : {n}", "rows added: {n}"),
    "count_duplicate": ("doublons fusionnés : {n}", "duplicates merged: {n}"),
    "count_dropped": ("lignes écartées : {n}", "rows dropped: {n}"),
    "transition_2023": ("Montant de transition 2023–2024", "2023–2024 transition amount"),
    "changes": ("Journal des modifications des données", "Log of data changes"),
    "changes_none": ("Le journal des modifications (data/CHANGELOG.csv) est introuvable.",
                     "The log of data changes (data/CHANGELOG.csv) is missing."),
    "col_date": ("Date", "Date"),
    "col_what": ("Modification", "Change"),
    "col_files": ("Fichiers", "Files"),
    "sources": ("Sources et licences", "Sources and licences"),
})


def title(**_) -> str:
    return _TEXT["page_title"][0]


def _t(key: str, lang: str, **values) -> str:
    return text(_TEXT, key, lang, **values)


def _section(heading: str, *children, anchor: str | None = None) -> html.Section:
    return html.Section([html.H2(heading), *children], id=anchor, className="doc-section")


def _estimated_population(lang: str) -> html.Ul:
    """The MRC whose 2021 population is estimated, grouped by the census division they share."""
    mrc = layers.territories("mrc")
    estimated = mrc[mrc.population_estimated.astype(str).str.lower() == "true"]
    items = []
    for cduid, group in estimated.groupby("cduid", sort=True):
        names = ", ".join(sorted(group.name))
        items.append(html.Li(f"{names} ({_t('census_division', lang, cduid=cduid)})"))
    return html.Ul(items)


def _territory_changes(lang: str) -> html.Div:
    changes = pd.read_csv(GEO_REFERENCE_DIR / "alliance_territory_changes.csv", dtype=str, keep_default_na=False)
    alliances = layers.territories("alliance")
    mrc_names = layers.territories("mrc").name
    name_column = "name_en" if lang == "en" else "name_fr"
    rows = [[row.cycle, alliances[name_column].get(row.alliance_id, row.alliance_id),
             mrc_names.get(row.mrc_id, row.mrc_id), _t(f"change_{row.change}", lang) if row.change in ("add", "remove")
             else row.change, source_link(row.source_url, lang=lang)]
            for row in changes.itertuples()]
    return table([_t(k, lang) for k in ("col_cycle", "col_alliance", "col_mrc", "col_change", "col_source")], rows)


def _kinds(lang: str) -> html.Div:
    i = 1 if lang == "en" else 0
    rows = [[kind_label(kind, lang), html.Code(kind), KINDS[kind][1][i] if kind in KINDS else ""]
            for kind in ENVELOPE_KINDS]
    return table([_t("col_kind", lang), _t("col_code", lang), _t("col_meaning", lang)], rows)


def _cycle_labels(lang: str) -> pd.Series:
    cycles = pd.read_csv(REFERENCE_DIR / "cycles.csv", dtype=str).set_index("cycle_id")
    return cycles["label_en" if lang == "en" else "label_fr"]


@lru_cache(maxsize=1)
def _curated() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The curated files as published (the demo switch replaces projects on the map, not here)."""
    return load.load_projects(), load.load_envelopes(), load.load_priorities()


def known_gaps(lang: str) -> list[str]:
    """The known gaps, each one sentence, computed from the curated files."""
    projects, envelopes, priorities = _curated()
    regions = layers.territories("region").region_name
    alliances = layers.territories("alliance")
    cycles = _cycle_labels(lang)
    # Region rows only: in Nord-du-Québec and Gaspésie–Îles-de-la-Madeleine one Alliance's amount is
    # not the region's (the regions with a single Alliance have their amounts at region level).
    whole = envelopes[envelopes.territory_level == "region"]

    def regions_with(kind: str, cycle: str) -> list[str]:
        rows = whole[(whole.kind == kind) & (whole.cycle == cycle)]
        return sorted(set(rows.region_code.dropna()))

    def names(codes) -> str:
        return ", ".join(regions[c] for c in codes)

    gaps = [_t("gap_projects", lang, n=number(len(projects), lang), known=number(projects.amount_fqis.notna().sum(), lang))]
    missing = [c for c in regions.index if c not in regions_with("envelope", "pagieps-2017-2023")]
    if missing:
        gaps.append(_t("gap_envelope", lang, cycle=cycles.get("pagieps-2017-2023", "2017–2023"), regions=names(missing)))
    for what, kind, cycle in (("envelope_2024", "envelope", "plan-2024-2029"),
                              ("transition_2023", "transition", "transition-2023-2024")):
        found = regions_with(kind, cycle)
        if len(found) < len(regions):
            gaps.append(_t("gap_found", lang, what=_t(what, lang), regions_only=plural("regions_only", len(found), lang),
                              regions=names(found)))
    seen = set(envelopes.alliance_id.dropna()) | set(projects.alliance_id.dropna()) | set(priorities.alliance_id)
    nothing = [a for a in alliances.index if a not in seen]
    if nothing:
        name_column = "name_en" if lang == "en" else "name_fr"
        gaps.append(_t("gap_nothing", lang, alliances="; ".join(alliances.loc[nothing, name_column])))
    gaps.append(_t("gap_priorities", lang, alliances=plural("n_alliances", priorities.alliance_id.nunique(), lang)))
    undated = int(envelopes.source_date.isna().sum() + projects.source_date.isna().sum())
    if undated:
        gaps.append(_t("gap_dates", lang, rows=plural("n_rows", undated, lang)))
    gaps.append(_t("gap_more", lang))
    return gaps


def _change_text(row, lang: str) -> list:
    """What an operation did, with its counts in the page's language; the note is written in French only."""
    operation = _t(f"operation_{row.operation}", lang) if f"operation_{row.operation}" in _TEXT else row.operation
    counts = [_t(key, lang, n=number(int(getattr(row, column)), lang))
              for column, key in (("rows_added", "count_added"), ("rows_duplicate", "count_duplicate"),
                                  ("rows_dropped", "count_dropped"))
              if str(getattr(row, column)).strip().isdigit()]
    separator = "; " if lang == "en" else " ; "
    summary = operation + (" — " + separator.join(counts) if counts else "") + (". " if row.note else "")
    note = html.Span(row.note, lang="fr") if lang == "en" else row.note
    return [summary, note]


def _changes(lang: str):
    log = changelog()
    if not len(log):
        return html.P(_t("changes_none", lang))
    rows = [[html.Span(row.date, className="nowrap"), _change_text(row, lang),
             row.target_file, source_link(row.source_url, lang=lang) if is_http(row.source_url) else row.source_url]
            for row in log.itertuples()]
    return table([_t(k, lang) for k in ("col_date", "col_what", "col_files", "col_source")], rows, css="changelog")


def layout(lang: str = "fr", **_) -> html.Div:
    """The methodology page, in French unless `?lang=en`."""
    lang = clean_lang(lang)
    definitions = html.Dl([
        item for term, body in (("def_envelope_term", "def_envelope"), ("def_committed_term", "def_committed"),
                                ("def_place_term", "def_place"), ("def_nodata_term", "def_nodata"))
        for item in (html.Dt(_t(term, lang)), html.Dd(_t(body, lang)))
    ], className="definitions")
    children = [
        html.H1(_t("title", lang)),
        html.P(_t("intro", lang), className="lead"),
        _section(_t("definitions", lang), definitions, anchor="definitions"),
        _section(_t("multi", lang), html.P(_t("multi_rule", lang)),
                 html.Ul([html.Li(_t("multi_one", lang)), html.Li(_t("multi_many", lang))]),
                 html.P(_t("multi_consequence", lang)), anchor="multi-territoires"),
        _section(_t("per_capita", lang), html.P(_t("per_capita_rule", lang)), anchor="par-habitant"),
        _section(_t("shares", lang), html.P(_t("shares_rule", lang)), html.P(_t("share_definition", lang)),
                 anchor="part-documentee"),
        _section(_t("certainty", lang), html.P(_t("certainty_rule", lang)), anchor="certitude"),
        _section(_t("population", lang), html.P(_t("population_rule", lang)), _estimated_population(lang),
                 anchor="population"),
        _section(_t("alliances", lang), html.P(_t("alliances_rule", lang)), html.P(_t("alliances_change", lang)),
                 _territory_changes(lang), anchor="alliances"),
        _section(_t("kinds", lang), html.P(_t("kinds_rule", lang)), _kinds(lang), anchor="natures"),
        _section(_t("gaps", lang), html.Ul([html.Li(g) for g in known_gaps(lang)]), anchor="lacunes"),
        _section(_t("changes", lang), _changes(lang), anchor="journal"),
        _section(_t("sources", lang), html.Ul([html.Li(line) for line in layers.attribution_lines()]), anchor="sources"),
    ]
    return page_frame(lang, PATH, children, css="methodology-page")


dash.register_page(__name__, path=PATH, layout=layout, title=title)
