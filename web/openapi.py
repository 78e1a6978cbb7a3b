"""The OpenAPI 3.1 description of /api/*, written once, here, as Python data.

The routes (`web.api`) read their enums, defaults, bounds and patterns from `parameters()`, and list
as "ignored" whatever the description does not name, so what the description promises is what the
checks enforce. Column keys and types come from `data.export`'s field lists, the ids of the known
territories, themes and cycles from `components.state.known_ids()`: nothing is listed twice.

Lists of ids (`region`, `theme`…) and `lang` are lenient by design: an unknown id is dropped and
echoed under "ignored", an unknown language falls back to French. Their enums say which values
mean something; a value outside them is not an error.
"""
from __future__ import annotations

import copy
from functools import lru_cache

from components.state import View, known_ids
from data import export, metrics
from data.schema import ENVELOPE_KINDS
from geo import places
from texts.catalogs import gettext

FORMATS = ("json", "csv", "csv-fr", "xlsx")  # csv-fr: « ; » and decimal comma, for a French Excel
GEOJSON = "geojson"
LANGS = ("fr", "en")
DEFAULT_LEVEL = View.level  # the map's own defaults
DEFAULT_MEASURE = View.measure
# An amount in dollars as the API reads it: digits, an optional decimal point (no sign, no exponent,
# no thousands separator): 25000 or 25000.50.
LINKS = ("all", "explicit")  # link=explicit: only projects whose source states their tie to the FQIS
AMOUNT_PATTERN = r"^[0-9]{1,12}(\.[0-9]{0,6})?$"
MAX_PAGE = 10**9 - 1
MAX_PER_PAGE = 1000
DEFAULT_PER_PAGE = 100

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ERROR = {"$ref": "#/components/schemas/Error"}
_TYPES = {"text": ["string", "null"], "money": ["number", "null"], "percent": ["number", "null"],
          "integer": ["integer", "null"],
          "year": ["integer", "null"], "flag": ["boolean", "null"]}
# query parameter → kind of id known to components.state.known_ids
PROJECT_LISTS = {"region": "region", "mrc": "mrc", "theme": "theme", "mandataire": "alliance", "cycle": "cycle",
                 "status": "status"}
ENVELOPE_LISTS = {"region": "region", "mandataire": "alliance", "cycle": "cycle"}
PLACE_MATCHES = ("exact", "without_article", "prefix", "prefix_without_article", "word_prefix")  # geo.places' order



def _say(key: str, **values) -> str:
    """A sentence of the description (catalog « openapi.<key> »); the description is written in French."""
    words = gettext(f"openapi.{key}", "fr")
    return words.format(**values) if values else words


def _list_parameter(name: str, values) -> dict:
    return {
        "name": name, "in": "query", "required": False, "style": "form", "explode": True,
        "description": _say(f"list_{name}") + " " + _say("list_rule"),
        "schema": {"type": "array", "items": {"type": "string", "enum": sorted(values)}},
    }


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _format(formats: tuple[str, ...]) -> dict:
    return _query("format", {"type": "string", "enum": list(formats), "default": "json"},
                  _say("format", geojson=_say("format_geojson") if GEOJSON in formats else ""))


_LANG = _query("lang", {"type": "string", "default": "fr", "examples": list(LANGS)},
               _say("lang"))
_PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
           _say("page")),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
           _say("per_page")),
]


def _project_filters(ids: dict[str, frozenset[str]]) -> list[dict]:
    lists = [_list_parameter(name, ids[kind]) for name, kind in PROJECT_LISTS.items()]
    amounts = [_query(name, {"type": "string", "pattern": AMOUNT_PATTERN}, _say(name))
               for name in ("amount_min", "amount_max")]
    text = _query("q", {"type": "string"}, _say("q"))
    link = _query("link", {"type": "string", "enum": list(LINKS), "default": "all"}, _say("link"))
    return [*lists, *amounts, text, link]


def _row(fields: tuple[export.Field, ...]) -> dict:
    return {"type": "object", "additionalProperties": False, "required": [f.key for f in fields],
            "properties": {f.key: {"type": _TYPES[f.kind], "description": f.fr} for f in fields}}


def _file_responses(formats: tuple[str, ...], json_schema: str) -> dict:
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{json_schema}"}}}
    if "csv" in formats:
        content["text/csv"] = {"schema": {"type": "string"}}
    if "xlsx" in formats:
        content[XLSX] = {"schema": {"type": "string", "contentMediaType": XLSX}}
    if GEOJSON in formats:
        content["application/geo+json"] = {"schema": {"$ref": "#/components/schemas/TerritoryFeatures"}}
    return {
        "200": {"description": _say("response_rows"), "content": content,
                "headers": {"X-Ignored-Parameters": {
                    "description": _say("ignored_header"),
                    "schema": {"type": "string"}}}},
        **_errors(),
    }


def _errors() -> dict:
    return {
        "400": {"description": _say("error_400"),
                "content": {"application/json": {"schema": _ERROR}}},
        "405": {"description": _say("error_405"), "content": {"application/json": {"schema": _ERROR}}},
        "500": {"description": _say("error_500"),
                "content": {"application/json": {"schema": _ERROR}}},
    }


_NULLABLE_NUMBER = {"type": ["number", "null"]}
_COMMON_PAGE = {
    "filters": {"type": "object", "description": _say("filters")},
    "ignored": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "description": _say("ignored")},
    "demo": {"type": "boolean", "description": _say("demo")},
}
_PAGING_FIELDS = {"page": {"type": "integer"}, "per_page": {"type": "integer"}, "pages": {"type": "integer"}}


def _schemas(levels_fields: dict[str, tuple[export.Field, ...]]) -> dict:
    territory_fields = levels_fields[DEFAULT_LEVEL]  # same keys and kinds at every level; headers differ
    return {
        "Error": {"type": "object", "required": ["error"], "properties": {
            "error": {"type": "string", "description": _say("error_message")},
            "parameter": {"type": "string"}, "allowed": {"type": "array", "items": {"type": "string"}}}},
        "Project": _row(export.PROJECT_FIELDS),
        "Territory": _row(territory_fields),
        "Envelope": _row(export.ENVELOPE_FIELDS),
        "ProjectsPage": {"type": "object", "additionalProperties": False, "required": [
            "count", "count_with_amount", "total_amount", "population", "per_capita", *_PAGING_FIELDS,
            *_COMMON_PAGE, "results"], "properties": {
            "count": {"type": "integer"}, "count_with_amount": {"type": "integer"},
            "total_amount": {**_NULLABLE_NUMBER, "description": _say("total_amount")},
            "population": {"type": ["integer", "null"]}, "per_capita": _NULLABLE_NUMBER,
            **_PAGING_FIELDS, **_COMMON_PAGE,
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Project"}}}},
        "TerritoriesTable": {"type": "object", "additionalProperties": False, "required": [
            "level", "measure", "count", "total_amount", "amount_counted_at_region_only", "envelope_cycle",
            "envelope_cycle_chosen", *_COMMON_PAGE, "results"], "properties": {
            "level": {"type": "string", "enum": list(metrics.LEVELS)},
            "measure": {"type": "string", "enum": list(metrics.MEASURES)},
            "count": {"type": "integer"}, "total_amount": _NULLABLE_NUMBER,
            "amount_counted_at_region_only": {**_NULLABLE_NUMBER, "description": _say("region_only")},
            "envelope_cycle": {"type": "string", "description": _say("envelope_cycle")},
            "envelope_cycle_chosen": {"type": "boolean", "description": _say("envelope_cycle_chosen")},
            **_COMMON_PAGE,
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Territory"}}}},
        "EnvelopesPage": {"type": "object", "additionalProperties": False, "required": [
            "count", *_PAGING_FIELDS, *_COMMON_PAGE, "results"], "properties": {
            "count": {"type": "integer"}, **_PAGING_FIELDS, **_COMMON_PAGE,
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Envelope"}}}},
        "TerritoryFeatures": {
            "type": "object", "required": ["type", "features"],
            "description": _say("features"),
            "properties": {
                "type": {"const": "FeatureCollection"},
                "features": {"type": "array", "items": {
                    "type": "object", "required": ["type", "id", "geometry", "properties"], "properties": {
                        "type": {"const": "Feature"}, "id": {"type": "string"},
                        "geometry": {"type": ["object", "null"], "required": ["type", "coordinates"], "properties": {
                            "type": {"enum": ["Polygon", "MultiPolygon"]}, "coordinates": {"type": "array"}}},
                        "properties": {"$ref": "#/components/schemas/Territory"}}}}}},
        "Place": _place_schema(),
        "PlacesPage": {"type": "object", "additionalProperties": False, "required": [
            "query", "count", "target", "results", "suggestions", "filters", "ignored"], "properties": {
            "query": {"type": "string", "description": _say("places_query")},
            "count": {"type": "integer", "description": _say("places_count")},
            "target": {"anyOf": [{"type": "null"}, {"type": "object", "required": ["level", "id", "map_url"],
                                                     "properties": {"level": {"enum": ["mrc", "region"]},
                                                                    "id": {"type": "string"},
                                                                    "map_url": {"type": "string"}}}],
                       "description": _say("places_target")},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Place"}},
            "suggestions": {"type": "array", "items": {"$ref": "#/components/schemas/Place"},
                            "description": _say("places_suggestions")},
            "filters": _COMMON_PAGE["filters"], "ignored": _COMMON_PAGE["ignored"]}},
        "DataPackage": {"type": "object", "required": ["name", "resources"],
                        "description": _say("datapackage_schema")},
    }


def _place_schema() -> dict:
    text, nullable_text = {"type": "string"}, {"type": ["string", "null"]}
    properties = {
        "kind": {"enum": list(places.KINDS)}, "name": text, "label": text,
        "match": {"enum": [*PLACE_MATCHES, None], "description": _say("places_match")},
        "municipality_type": nullable_text, "mcode": nullable_text, "population": {"type": ["integer", "null"]},
        "mrc_id": nullable_text, "mrc_name": nullable_text, "mrc_type": {"enum": ["MRC", "TE", None]},
        "region_code": text, "region_name": text, "map_url": text, "page_url": text,
    }
    return {"type": "object", "additionalProperties": False, "required": list(properties),
            "description": _say("places_place"), "properties": properties}


def _place_parameters() -> list[dict]:
    kind = {**_list_parameter("kind", places.KINDS), "description": _say("places_kind") + " " + _say("list_rule")}
    limit = _query("limit", {"type": "integer", "minimum": 1, "maximum": places.MAX_LIMIT,
                             "default": places.DEFAULT_LIMIT}, _say("places_limit"))
    return [_query("q", {"type": "string"}, _say("places_q")), kind, limit, _LANG]


def _operations(ids: dict[str, frozenset[str]]) -> dict:
    project_filters = _project_filters(ids)
    envelope_filters = [_list_parameter(name, ids[kind]) for name, kind in ENVELOPE_LISTS.items()]
    envelope_filters.append(_list_parameter("kind", ENVELOPE_KINDS))
    level = _query("level", {"type": "string", "enum": list(metrics.LEVELS), "default": DEFAULT_LEVEL},
                   _say("level"))
    measure = _query("measure", {"type": "string", "enum": list(metrics.MEASURES), "default": DEFAULT_MEASURE},
                     _say("measure"))
    json_only = {"200": {"description": _say("json"), "content": {"application/json": {"schema": {"type": "object"}}}},
                 **_errors()}
    return {
        "/api/projects": {"get": {
            "operationId": "projects", "summary": _say("projects"),
            "parameters": [*project_filters, _LANG, _format(FORMATS), *_PAGING],
            "responses": _file_responses(FORMATS, "ProjectsPage")}},
        "/api/territories": {"get": {
            "operationId": "territories", "summary": _say("territories"),
            "parameters": [level, measure, *project_filters, _LANG, _format((*FORMATS, GEOJSON))],
            "responses": _file_responses((*FORMATS, GEOJSON), "TerritoriesTable")}},
        "/api/envelopes": {"get": {
            "operationId": "envelopes", "summary": _say("envelopes"),
            "parameters": [*envelope_filters, _LANG, _format(FORMATS), *_PAGING],
            "responses": _file_responses(FORMATS, "EnvelopesPage")}},
        "/api/places": {"get": {
            "operationId": "places", "summary": _say("places"),
            "parameters": _place_parameters(),
            "responses": {"200": {"description": _say("places_response"), "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/PlacesPage"}}}}, **_errors()}}},
        "/api/datapackage.json": {"get": {
            "operationId": "datapackage", "summary": _say("datapackage"),
            "parameters": [_LANG],
            "responses": {"200": {"description": _say("datapackage_response"), "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/DataPackage"}}}}, **_errors()}}},
        "/api/datapackage.zip": {"get": {
            "operationId": "datapackage_zip", "summary": _say("datapackage_zip"),
            "parameters": [_LANG],
            "responses": {"200": {"description": _say("zip_response"), "content": {"application/zip": {
                "schema": {"type": "string", "contentMediaType": "application/zip"}}}}, **_errors()}}},
        "/api/openapi.json": {"get": {
            "operationId": "openapi", "summary": _say("itself"), "parameters": [],
            "responses": json_only}},
    }


@lru_cache(maxsize=1)
def _description() -> dict:
    ids = known_ids()  # from the built layers and reference tables
    return {
        "openapi": "3.1.0",
        "info": {
            "title": _say("title"),
            "version": "1",
            "description": _say("description"),
        },
        "paths": _operations(ids),
        "components": {"schemas": _schemas({level: export.territory_fields(level) for level in metrics.LEVELS})},
    }


def description() -> dict:
    """The whole description (a copy: callers may not change the one the routes read)."""
    return copy.deepcopy(_description())


@lru_cache(maxsize=None)
def parameters(path: str) -> dict[str, dict]:
    """The query parameters of `GET path` (e.g. "/api/territories"), by name, as in the description."""
    return {p["name"]: p for p in _description()["paths"][path]["get"]["parameters"]}
