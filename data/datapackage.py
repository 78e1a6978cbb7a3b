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
from dataclasses import dataclass, replace
from functools import lru_cache

import pandas as pd

from data import export, follow_up
from data.schema import REFERENCE_DIR
from texts.catalogs import Messages, gettext

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
CHANGELOG = REFERENCE_DIR.parent / "CHANGELOG.csv"
MISSING = [""]  # an unknown value is an empty cell, never 0

_FIELD_NOTES = Messages("datapackage_field")  # a field's own sentence, after its headers (the follow-up)
_TYPES = {"text": "string", "money": "number", "percent": "number", "integer": "integer", "year": "integer",
          "flag": "boolean"}
POPULATION_URL = "https://www150.statcan.gc.ca/t1/tbl1/fr/tv.action?pid=9810000701"
PROGRAMME_URL = "https://www.mtess.gouv.qc.ca/grands-dossiers/alliances/index.asp"
OGL_CANADA_URL = "https://open.canada.ca/fr/licence-du-gouvernement-ouvert-canada"


def _words(name: str, lang: str = "fr", **values) -> str:
    """The data package's words (catalog messages « datapackage.* ») in `lang`."""
    words = gettext(f"datapackage.{name}", lang)
    return words.format(**values) if values else words


def population_source(lang: str = "fr") -> dict:
    return {"title": _words("population_source", lang), "path": POPULATION_URL}


def programme_source(lang: str = "fr") -> dict:
    return {"title": _words("programme_source", lang), "path": PROGRAMME_URL}


def ogl_canada(lang: str = "fr") -> dict:
    return {"name": "OGL-Canada-2.0", "title": _words("licence_title", lang), "path": OGL_CANADA_URL}


@dataclass(frozen=True)
class Table:
    """One downloadable table: its file name, what it is, its columns and its rows (with headers)."""

    name: str  # the resource name and the file stem (« projets »)
    title: str
    description: str
    fields: tuple[export.Field, ...]
    frame: pd.DataFrame  # as `export.*_table` returns it: headers in `lang`
    url: str | None = None  # where the API serves the same file; None in the zip (the file is beside it)
    last_modified: str | None = None  # AAAA-MM-JJ of the table's last change; None when unknown (the demo)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


@lru_cache(maxsize=1)
def data_date() -> str:
    """The date of the data: the last change recorded in data/CHANGELOG.csv (AAAA-MM-JJ)."""
    dates = pd.read_csv(CHANGELOG, dtype=str, usecols=["date"]).date.dropna()
    return max(dates)


@lru_cache(maxsize=1)
def _curated_changes() -> dict[str, str]:
    """Each curated file's last change in data/CHANGELOG.csv (« data/projects.csv » → AAAA-MM-JJ); a line may
    name several files (« a; b »)."""
    table = pd.read_csv(CHANGELOG, dtype=str, usecols=["date", "target_file"], keep_default_na=False)
    last: dict[str, str] = {}
    for date, targets in zip(table.date, table.target_file):
        for target in (t.strip() for t in targets.split(";")):
            if target and date:
                last[target] = max(last.get(target, date), date)
    return last


def _projects_changed(projects: pd.DataFrame) -> str | None:
    """The projects' last change: data/projects.csv's in the changelog, or the newest approved publication
    among the projects (`published_on`), whichever is later."""
    dates = [_curated_changes().get("data/projects.csv")]
    if "published_on" in projects.columns:
        published = projects["published_on"].dropna()
        dates.append(str(published.max()) if len(published) else None)
    known = [d for d in dates if d]
    return max(known) if known else None


def _last_changes(projects: pd.DataFrame) -> dict[str, str | None]:
    """Per table kind: projects, envelopes, and the territories (made of both and of the reference files)."""
    curated = _curated_changes()
    projects_day = _projects_changed(projects)
    envelopes_day = curated.get("data/envelopes.csv")
    references = [d for f, d in curated.items() if f.startswith("data/reference/")]
    everything = [d for d in (projects_day, envelopes_day, *references) if d]
    return {"projects": projects_day, "envelopes": envelopes_day, "territories": max(everything) if everything else None}


def field_descriptor(f: export.Field, lang: str = "fr") -> dict:
    descriptor = {"name": f.header(lang), "type": _TYPES[f.kind],
                  "description": _words("field_description", lang, fr=f.fr, en=f.en, key=f.key)}
    if f.key in _FIELD_NOTES:  # what the header alone cannot say (the follow-up: who reports it, empty = unknown)
        descriptor["description"] += " — " + _FIELD_NOTES[f.key][1 if lang == "en" else 0]
    if f.key == "status" and f in export.PROJECT_FIELDS:
        descriptor["constraints"] = {"enum": list(follow_up.status_labels(lang).values())}
    elif f.key == "people_reached":
        descriptor["constraints"] = {"minimum": 0}
    if f.kind == "money":
        descriptor["unit"] = "CAD"  # dollars canadiens ; point décimal
        descriptor["bareNumber"] = True
    elif f.kind == "percent":
        descriptor["unit"] = "%"  # 13.0 means 13 %
    elif f.kind == "year":
        descriptor["unit"] = _words("unit_year", lang)
    elif f.kind == "flag":
        yes, no = export.flag_words(lang)
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
    if table.last_modified:
        descriptor["lastModified"] = table.last_modified  # a custom property (Frictionless allows them)
    if table.name.startswith("territoires"):
        descriptor["sources"] = [population_source(lang)]
        descriptor["licenses"] = [ogl_canada(lang)]  # the population column
    return descriptor


def descriptor(tables: list[Table], *, demo: bool = False, lang: str = "fr", data_version: int | None = None) -> dict:
    """The datapackage.json of `tables`; `demo` says loudly that the amounts are synthetic.

    `data_version` is the publishing data version the tables are (publishing.db.DataVersion: raised by
    every approval and withdrawal), so a reader knows whether two downloads hold the same data; None
    (the demo, a visitor's file) leaves it out rather than write a number that names nothing."""
    date = data_date()
    warning = _words("demo_warning", lang) if demo else ""
    described = {
        "$schema": PROFILE,
        "name": "carte-des-alliances-demo" if demo else "carte-des-alliances",
        "title": _words("title", lang),
        "description": _words("description", lang, date=date, warning=warning),
        "version": date,
        "created": f"{date}T00:00:00Z",
        "keywords": _words("keywords", lang).split(";"),
        "sources": [programme_source(lang), population_source(lang)],
        "resources": [resource(t, lang) for t in tables],
    }
    if data_version is not None:
        described["dataVersion"] = int(data_version)  # a custom property (Frictionless allows them)
    return described


def zip_bytes(tables: list[Table], *, demo: bool = False, lang: str = "fr", data_version: int | None = None) -> bytes:
    """datapackage.json with each table's CSV beside it (relative paths), in one zip."""
    local = [replace(t, url=None) for t in tables]  # no URL: the files are inside
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor(local, demo=demo, lang=lang, data_version=data_version), ensure_ascii=False, indent=1))
        for table in local:
            archive.writestr(table.filename, export.to_csv_bytes(table.frame))
    return buffer.getvalue()


def tables(projects: pd.DataFrame, envelopes: pd.DataFrame, *, demo: bool = False,
           urls: dict[str, str] | None = None, lang: str = "fr") -> list[Table]:
    """Every downloadable table, unfiltered, in `lang`: projects, territories at each level, envelopes.

    `projects` is the table after `metrics.prepare_projects`; `urls` maps a table name to the API
    address serving the same CSV (for the descriptor served online; the zip has none)."""
    from data import metrics  # heavy; only needed here

    urls = urls or {}
    # Synthetic demo amounts have no last change to name.
    changed = {} if demo else _last_changes(projects)
    # Two project tables, as the map shows them: the 2010–2015 plan is never added to the later cycles.
    old_plan = metrics.Filters(cycles=metrics.SEPARATE_CYCLES)
    result = [Table("projets", _words("projects_title", lang), _words("projects_description", lang),
                    export.PROJECT_FIELDS, export.project_table(metrics.filter_projects(projects, metrics.Filters()), lang),
                    urls.get("projets"), changed.get("projects")),
              Table("projets-pagsis-2010-2015", _words("old_plan_title", lang), _words("old_plan_description", lang),
                    export.PROJECT_FIELDS,
                    export.project_table(metrics.filter_projects(projects, old_plan), lang),
                    urls.get("projets-pagsis-2010-2015"), changed.get("projects"))]
    for level in metrics.LEVELS:
        # The envelope cycle the API's unfiltered CSV shows: the one with the most territories known.
        cycle = metrics.choose_envelope_cycle(envelopes, level)
        agg = metrics.aggregate(projects, level, envelopes, envelope_cycle=cycle)
        name = f"territoires-{level}"
        result.append(Table(
            name, _words("territories_title", lang, level=level),
            _words("territories_description", lang, territories=_words(f"territories_{level}", lang)),
            export.territory_fields(level, cycle),
            export.territory_table(agg, level, lang, demo=demo, envelope_cycle=cycle), urls.get(name),
            changed.get("territories")))
    result.append(Table("enveloppes", _words("envelopes_title", lang), _words("envelopes_description", lang),
                        export.ENVELOPE_FIELDS, export.envelope_table(envelopes, lang), urls.get("enveloppes"),
                        changed.get("envelopes")))
    return result
