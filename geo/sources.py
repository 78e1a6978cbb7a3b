"""The official files the map layers are built from, and where each one is published.

The project never carries copies of these files: `python -m geo.build` reads them from a source
folder (by default `../shared/geo`) so that a newer official release is a drop-in replacement.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class SourceError(Exception):
    """A source file is missing or unreadable; the message names the file and what to do."""


@dataclass(frozen=True)
class SourceFile:
    key: str
    filename: str
    what: str
    published_at: str
    attribution: str
    on_map: bool = True  # False: used by the importer only, not credited under the map
    attribution_en: str = ""  # the same credit on the English pages (Statistics Canada's own English wording)


SOURCES: dict[str, SourceFile] = {
    s.key: s
    for s in (
        SourceFile(
            "mrc",
            "mrc104_mern_1m.geojson",
            "104 MRC/TE boundaries (MERN 1:1 000 000)",
            "Gouvernement du Québec, Données Québec, « Découpages administratifs » "
            "(https://www.donneesquebec.ca/recherche/dataset/decoupages-administratifs)",
            "Limites des MRC : Gouvernement du Québec (MERN, 1/1 000 000), CC BY 4.0.",
            attribution_en="MRC boundaries: Gouvernement du Québec (MERN, 1:1,000,000), CC BY 4.0.",
        ),
        SourceFile(
            "cd",
            "cd98_statcan_2016_cartographic.geojson",
            "98 census divisions clipped to the shoreline (land mask)",
            "Statistique Canada, fichiers des limites cartographiques du recensement "
            "(https://www12.statcan.gc.ca/census-recensement/2021/geo/sip-pis/boundary-limites/index2021-fra.cfm)",
            "Trait de côte adapté de Statistique Canada, Fichiers des limites du Recensement de 2016. "
            "Ceci ne constitue pas une approbation de ce produit par Statistique Canada.",
            attribution_en="Shoreline adapted from Statistics Canada, Boundary Files, 2016 Census. "
            "This does not constitute an endorsement by Statistics Canada of this product.",
        ),
        SourceFile(
            "population",
            "cd_population_2021.csv",
            "2021 Census population by census division",
            "Statistique Canada, tableau 98-10-0007-01 "
            "(https://www150.statcan.gc.ca/t1/tbl1/fr/tv.action?pid=9810000701)",
            "Population : Statistique Canada, Recensement de 2021, tableau 98-10-0007-01 "
            "(Licence du gouvernement ouvert – Canada) ; parts 2016 par MRC : Institut de la statistique du Québec.",
            attribution_en="Population: Statistics Canada, 2021 Census, table 98-10-0007-01 "
            "(Open Government Licence – Canada); 2016 shares by MRC: Institut de la statistique du Québec.",
        ),
        SourceFile(
            "municipalities",
            "municipalities_mamh_2023.csv",
            "the 1 130 local municipalities and their MRC (MAMH, Répertoire des municipalités)",
            "Gouvernement du Québec, ministère des Affaires municipales et de l'Habitation, "
            "« Répertoire des municipalités du Québec » (https://www.donneesquebec.ca/recherche/dataset/repertoire-des-municipalites-du-quebec)",
            "Municipalités et leur MRC : Gouvernement du Québec, MAMH, Répertoire des municipalités du Québec.",
            on_map=False,
            attribution_en="Municipalities and their MRC: Gouvernement du Québec, MAMH, "
            "Répertoire des municipalités du Québec.",
        ),
    )
}


def source_path(folder: Path, key: str) -> Path:
    """Path of source `key` in `folder`, or SourceError naming the file and where it is published."""
    source = SOURCES[key]
    path = Path(folder) / source.filename
    if not path.is_file():
        raise SourceError(
            f"fichier source manquant : {path} ({source.what}). "
            f"Publié par : {source.published_at}. "
            "Indiquez un autre dossier avec --sources ou CARTE_GEO_SOURCES."
        )
    return path


def attributions() -> list[str]:
    """One attribution line per source of the map layers, shown under the map and in exports."""
    return [s.attribution for s in SOURCES.values() if s.on_map]


def english_attribution(line: str) -> str:
    """The English wording of a (French) attribution line; a line no source knows is returned as it is."""
    return next((s.attribution_en for s in SOURCES.values() if s.attribution == line and s.attribution_en), line)
