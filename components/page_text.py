"""Interface text shared by the document pages (territory pages, one-page sheets, comparison,
presentation mode, methodology): each (French, English) wording written once.

A page module keeps its own table for the words only it uses and looks words up there first,
then here (`with_shared`): a word changed here changes on every page that shows it.
"""
from __future__ import annotations

from collections import ChainMap

SHARED: dict[str, tuple[str, str]] = {
    "back_to_map": ("Retour à la carte", "Back to the map"),
    "col_amount": ("Montant", "Amount"),
    "col_cycle": ("Cycle", "Cycle"),
    "col_fqis": ("Montant FQIS", "FQIS amount"),
    "col_kind": ("Nature", "Kind"),
    "col_mrc": ("MRC", "MRC"),
    "col_period": ("Période", "Period"),
    "col_promoter": ("Organisme porteur", "Promoting organization"),
    "col_source": ("Source", "Source"),
    "col_territory": ("Territoire", "Area"),
    "col_title": ("Projet", "Project"),
    "col_years": ("Années", "Years"),
    "envelopes": ("Enveloppes et montants publiés, par cycle", "Envelopes and published amounts, by cycle"),
    "envelopes_none": ("Aucun montant publié connu pour ce territoire.", "No published amount known for this area."),
    "mandataire": ("mandataire : {name}", "managing body: {name}"),
    "no_data_note": ("Aucune donnée connue n'est pas zéro : ce territoire a pu recevoir de l'argent "
                     "qu'aucune source lue ne documente.",
                     "No known data is not zero: this area may have received money that no source we read documents."),
    "per_capita": ("Par habitant", "Per inhabitant"),
    "population": ("Population 2021", "2021 population"),
    "population_estimated": ("Population 2021 (estimée)", "2021 population (estimated)"),
    "projects": ("Projets", "Projects"),
    "projects_none": ("Aucun projet connu pour ce territoire.", "No known project for this area."),
    "promoters": ("Organismes porteurs", "Promoting organizations"),
    "region_kicker": ("Région administrative {code}", "Administrative region {code}"),
    "total": ("Montant FQIS connu", "Known FQIS amount"),
    "unknown_empty": ("L'adresse ne nomme aucun territoire.", "The address names no area."),
    "unknown_mrc": ("Aucune MRC ne porte l'identifiant « {value} ».", "No MRC has the id « {value} »."),
    "unknown_region": ("Aucune région ne porte le code « {value} ».", "No region has the code « {value} »."),
    "unknown_title": ("Territoire inconnu", "Unknown area"),
    "unranked": ("non classé : aucun montant connu", "not ranked: no known amount"),
}


def with_shared(own: dict[str, tuple[str, str]]) -> ChainMap:
    """A page's text table: its own words first, then the shared ones."""
    return ChainMap(own, SHARED)
