"""A Frictionless Data Package (v2) describing the downloadable tables, and a zip holding it with its CSVs.

The tables are the API's own CSV files (`export.to_csv_bytes` of `export.*_table`, unfiltered, in
French): the descriptor gives each column's type, unit and missing-value marker from the same
`export.Field` lists that name the columns, so a header renamed there is renamed here.

Pure pandas and the standard library: no Dash, no Flask (the routes are in `web.api`).
"""
from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from data import export
from data.schema import REFERENCE_DIR

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
CHANGELOG = REFERENCE_DIR.parent / "CHANGELOG.csv"
MISSING = [""]  # an unknown value is an empty cell, never 0

_TYPES = {"text": "string", "money": "number", "percent": "number", "integer": "integer", "year": "integer",
          "flag": "boolean"}
_FLAG_WORDS = {"fr": ("oui", "non"), "en": ("yes", "no")}

POPULATION_SOURCE = {
    "title": "Statistique Canada, Recensement de 2021, tableau 98-10-0007-01 (population)",
    "path": "https://www150.statcan.gc.ca/t1/tbl1/fr/tv.action?pid=9810000701",
}
PROGRAMME_SOURCE = {
    "title": "Ministère de l'Emploi et de la Solidarité sociale : les Alliances pour la solidarité",
    "path": "https://www.mtess.gouv.qc.ca/grands-dossiers/alliances/index.asp",
}
OGL_CANADA = {"name": "OGL-Canada-2.0", "title": "Licence du gouvernement ouvert – Canada",
              "path": "https://open.canada.ca/fr/licence-du-gouvernement-ouvert-canada"}


@dataclass(frozen=True)
class Table:
    """One downloadable table: its file name, what it is, its columns and its rows (with headers)."""

    name: str  # the resource name and the file stem (« projets »)
    title: str
    description: str
    fields: tuple[export.Field, ...]
    frame: pd.DataFrame  # as `export.*_table` returns it: headers in `lang`
    url: str | None = None  # where the API serves the same file; None in the zip (the file is beside it)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


@lru_cache(maxsize=1)
def data_date() -> str:
    """The date of the data: the last change recorded in data/CHANGELOG.csv (AAAA-MM-JJ)."""
    dates = pd.read_csv(CHANGELOG, dtype=str, usecols=["date"]).date.dropna()
    return max(dates)


def field_descriptor(f: export.Field, lang: str = "fr") -> dict:
    descriptor = {"name": f.header(lang), "type": _TYPES[f.kind], "description": f"{f.fr} / {f.en} (clé « {f.key} »)"}
    if f.kind == "money":
        descriptor["unit"] = "CAD"  # dollars canadiens ; point décimal
        descriptor["bareNumber"] = True
    elif f.kind == "percent":
        descriptor["unit"] = "%"  # 13.0 means 13 %
    elif f.kind == "year":
        descriptor["unit"] = "année"
    elif f.kind == "flag":
        yes, no = _FLAG_WORDS[lang]
        descriptor["trueValues"], descriptor["falseValues"] = [yes], [no]
    return descriptor


def resource(table: Table, lang: str = "fr") -> dict:
    descriptor = {
        "name": table.name,
        "path": table.url or table.filename,
        "title": table.title,
        "description": table.description,
        "format": "csv",
        "mediatype": "text/csv",
        # The files start with a byte-order mark so that Excel reads the accents right.
        "encoding": "utf-8-sig",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": "\"", "header": True},
        "schema": {"fields": [field_descriptor(f, lang) for f in table.fields], "missingValues": MISSING},
    }
    if table.name.startswith("territoires"):
        descriptor["sources"] = [POPULATION_SOURCE]
        descriptor["licenses"] = [OGL_CANADA]  # the population column
    return descriptor


def descriptor(tables: list[Table], *, demo: bool = False, lang: str = "fr") -> dict:
    """The datapackage.json of `tables`; `demo` says loudly that the amounts are synthetic."""
    date = data_date()
    warning = " DONNÉES SYNTHÉTIQUES DE DÉMONSTRATION : aucun de ces projets n'existe." if demo else ""
    return {
        "$schema": PROFILE,
        "name": "carte-des-alliances-demo" if demo else "carte-des-alliances",
        "title": "Carte des Alliances pour la solidarité : projets, territoires et enveloppes du FQIS",
        "description": (
            "Les projets financés par le Fonds québécois d'initiatives sociales (FQIS) dans les Alliances pour la "
            "solidarité, les montants par territoire et les enveloppes relevées dans des sources publiques. Chaque "
            "projet et chaque enveloppe porte l'adresse de sa source (colonne « Source (adresse) »). Une cellule "
            "vide est une valeur inconnue, jamais zéro. Les montants ne sont que ceux que les sources publient : "
            f"« aucune donnée connue » n'est pas « aucun argent ». Données au {date}.{warning}"),
        "version": date,
        "created": f"{date}T00:00:00Z",
        "keywords": ["FQIS", "Alliances pour la solidarité", "Québec", "pauvreté", "MRC"],
        "sources": [PROGRAMME_SOURCE, POPULATION_SOURCE],
        "resources": [resource(t, lang) for t in tables],
    }


def zip_bytes(tables: list[Table], *, demo: bool = False) -> bytes:
    """datapackage.json with each table's CSV beside it (relative paths), in one zip."""
    local = [Table(t.name, t.title, t.description, t.fields, t.frame) for t in tables]  # no URL: files inside
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor(local, demo=demo), ensure_ascii=False, indent=1))
        for table in local:
            archive.writestr(table.filename, export.to_csv_bytes(table.frame))
    return buffer.getvalue()


_LEVEL_TITLES = {"mrc": "les 104 MRC et territoires équivalents", "region": "les 17 régions administratives",
                 "alliance": "les Alliances dessinées sur la carte"}


def tables(projects: pd.DataFrame, envelopes: pd.DataFrame, *, demo: bool = False,
           urls: dict[str, str] | None = None) -> list[Table]:
    """Every downloadable table, unfiltered, in French: projects, territories at each level, envelopes.

    `projects` is the table after `metrics.prepare_projects`; `urls` maps a table name to the API
    address serving the same CSV (for the descriptor served online; the zip has none)."""
    from data import metrics  # heavy; only needed here

    urls = urls or {}
    # Two project tables, as the map shows them: the 2010–2015 plan is never added to the later cycles.
    old_plan = metrics.Filters(cycles=metrics.SEPARATE_CYCLES)
    result = [Table("projets", "Projets", "Un projet par ligne, avec sa source (cycles 2017 et suivants, et cycle "
                    "inconnu ; les projets du plan 2010–2015 sont dans la table projets-pagsis-2010-2015).",
                    export.PROJECT_FIELDS, export.project_table(metrics.filter_projects(projects, metrics.Filters()), "fr"),
                    urls.get("projets")),
              Table("projets-pagsis-2010-2015", "Projets du PAGSIS 2010–2015",
                    "Les projets de l'ancien plan (avant les Alliances), un par ligne, avec sa source ; à ne pas "
                    "additionner aux projets des cycles suivants.", export.PROJECT_FIELDS,
                    export.project_table(metrics.filter_projects(projects, old_plan), "fr"),
                    urls.get("projets-pagsis-2010-2015"))]
    for level in metrics.LEVELS:
        # The envelope cycle the API's unfiltered CSV shows: the one with the most territories known.
        cycle = metrics.choose_envelope_cycle(envelopes, level)
        agg = metrics.aggregate(projects, level, envelopes, envelope_cycle=cycle)
        name = f"territoires-{level}"
        result.append(Table(
            name, f"Territoires ({level})",
            f"Une ligne par territoire : {_LEVEL_TITLES[level]}, avec la population 2021, les projets et les "
            f"montants connus. Le montant par habitant est le montant du territoire divisé par sa population.",
            export.territory_fields(level, cycle),
            export.territory_table(agg, level, "fr", demo=demo, envelope_cycle=cycle), urls.get(name)))
    result.append(Table("enveloppes", "Enveloppes et autres montants",
                        "Les enveloppes, appels de projets et autres montants relevés ; les natures et les niveaux "
                        "se recoupent : ne pas les additionner.", export.ENVELOPE_FIELDS,
                        export.envelope_table(envelopes, "fr"), urls.get("enveloppes")))
    return result
