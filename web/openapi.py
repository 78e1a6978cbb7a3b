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

FORMATS = ("json", "csv", "xlsx")
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
PROJECT_LISTS = {"region": "region", "mrc": "mrc", "theme": "theme", "mandataire": "alliance", "cycle": "cycle"}
ENVELOPE_LISTS = {"region": "region", "mandataire": "alliance", "cycle": "cycle"}

_LIST_HELP = {
    "region": "Codes de région administrative (deux chiffres).",
    "mrc": "Identifiants de MRC/TE ; un projet est retenu s'il sert au moins une de ces MRC.",
    "theme": "Thèmes de data/reference/themes.csv.",
    "mandataire": "Identifiants d'Alliance (le filtre « Mandataire » de la page).",
    "cycle": "Cycles de data/reference/cycles.csv.",
    "kind": "Nature du montant (voir data/README.md).",
}


def _list_parameter(name: str, values) -> dict:
    return {
        "name": name, "in": "query", "required": False, "style": "form", "explode": True,
        "description": _LIST_HELP[name] + " Répéter le paramètre ou séparer par des virgules ; une liste vide veut "
                                          "dire « tout ». Un identifiant inconnu est retiré et listé dans « ignored » "
                                          "(ce n'est pas une erreur).",
        "schema": {"type": "array", "items": {"type": "string", "enum": sorted(values)}},
    }


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _format(formats: tuple[str, ...]) -> dict:
    return _query("format", {"type": "string", "enum": list(formats), "default": "json"},
                  "Format de la réponse : JSON (pour un programme), CSV (UTF-8 avec BOM, RFC 4180) ou XLSX "
                  "(pour un tableur)" + (", GeoJSON (RFC 7946, WGS 84, pour un SIG)" if GEOJSON in formats else "")
                  + ". Un CSV ou un XLSX contient toujours toutes les lignes filtrées.")


_LANG = _query("lang", {"type": "string", "default": "fr", "examples": list(LANGS)},
               "Langue des noms, étiquettes et en-têtes : fr ou en. Une autre valeur donne le français et est "
               "listée dans « ignored ».")
_PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
           "Page du JSON (une page au-delà de la dernière rend results: [])."),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
           "Lignes par page du JSON."),
]


def _project_filters(ids: dict[str, frozenset[str]]) -> list[dict]:
    lists = [_list_parameter(name, ids[kind]) for name, kind in PROJECT_LISTS.items()]
    amounts = [_query(name, {"type": "string", "pattern": AMOUNT_PATTERN},
                      f"Borne {'inférieure' if name == 'amount_min' else 'supérieure'} du montant FQIS du projet, "
                      "en dollars (chiffres, point décimal facultatif, comme 25000 ou 25000.50) ; une borne exclut "
                      "les projets de montant inconnu.")
               for name in ("amount_min", "amount_max")]
    text = _query("q", {"type": "string"},
                  "Recherche dans le titre et l'organisme porteur, sans égard aux accents (100 premiers caractères).")
    link = _query("link", {"type": "string", "enum": list(LINKS), "default": "all"},
                  "explicit : seulement les projets dont la source nomme le FQIS (lien explicite) ; all : tous, "
                  "y compris ceux dont le lien au FQIS est déduit.")
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
        "200": {"description": "Les lignes filtrées (format choisi par « format »).", "content": content,
                "headers": {"X-Ignored-Parameters": {
                    "description": "CSV, XLSX et GeoJSON : noms des paramètres reçus sans être utilisés.",
                    "schema": {"type": "string"}}}},
        **_errors(),
    }


def _errors() -> dict:
    return {
        "400": {"description": "Paramètre qu'on ne peut pas nettoyer ; le message le nomme.",
                "content": {"application/json": {"schema": _ERROR}}},
        "405": {"description": "Méthode autre que GET.", "content": {"application/json": {"schema": _ERROR}}},
        "500": {"description": "Erreur interne (consignée côté serveur ; jamais la trace).",
                "content": {"application/json": {"schema": _ERROR}}},
    }


_NULLABLE_NUMBER = {"type": ["number", "null"]}
_COMMON_PAGE = {
    "filters": {"type": "object", "description": "Les filtres tels qu'ils ont été appliqués, après nettoyage."},
    "ignored": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "description": "Ce qui a été reçu sans être utilisé, par paramètre."},
    "demo": {"type": "boolean", "description": "true quand le serveur montre le jeu synthétique."},
}
_PAGING_FIELDS = {"page": {"type": "integer"}, "per_page": {"type": "integer"}, "pages": {"type": "integer"}}


def _schemas(levels_fields: dict[str, tuple[export.Field, ...]]) -> dict:
    territory_fields = levels_fields[DEFAULT_LEVEL]  # same keys and kinds at every level; headers differ
    return {
        "Error": {"type": "object", "required": ["error"], "properties": {
            "error": {"type": "string", "description": "Message en français."},
            "parameter": {"type": "string"}, "allowed": {"type": "array", "items": {"type": "string"}}}},
        "Project": _row(export.PROJECT_FIELDS),
        "Territory": _row(territory_fields),
        "Envelope": _row(export.ENVELOPE_FIELDS),
        "ProjectsPage": {"type": "object", "additionalProperties": False, "required": [
            "count", "count_with_amount", "total_amount", "population", "per_capita", *_PAGING_FIELDS,
            *_COMMON_PAGE, "results"], "properties": {
            "count": {"type": "integer"}, "count_with_amount": {"type": "integer"},
            "total_amount": {**_NULLABLE_NUMBER, "description": "null quand aucun montant n'est connu."},
            "population": {"type": ["integer", "null"]}, "per_capita": _NULLABLE_NUMBER,
            **_PAGING_FIELDS, **_COMMON_PAGE,
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Project"}}}},
        "TerritoriesTable": {"type": "object", "additionalProperties": False, "required": [
            "level", "measure", "count", "total_amount", "amount_counted_at_region_only", "envelope_cycle",
            "envelope_cycle_chosen", *_COMMON_PAGE, "results"], "properties": {
            "level": {"type": "string", "enum": list(metrics.LEVELS)},
            "measure": {"type": "string", "enum": list(metrics.MEASURES)},
            "count": {"type": "integer"}, "total_amount": _NULLABLE_NUMBER,
            "amount_counted_at_region_only": {**_NULLABLE_NUMBER, "description": (
                "Au niveau mrc : l'argent des projets régionaux ou multi-MRC, compté dans aucune MRC.")},
            "envelope_cycle": {"type": "string", "description": "Le cycle des enveloppes de la colonne envelope."},
            "envelope_cycle_chosen": {"type": "boolean", "description": (
                "true : le cycle choisi par le filtre cycle ; false : le cycle où le plus de territoires sont connus.")},
            **_COMMON_PAGE,
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Territory"}}}},
        "EnvelopesPage": {"type": "object", "additionalProperties": False, "required": [
            "count", *_PAGING_FIELDS, *_COMMON_PAGE, "results"], "properties": {
            "count": {"type": "integer"}, **_PAGING_FIELDS, **_COMMON_PAGE,
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Envelope"}}}},
        "TerritoryFeatures": {
            "type": "object", "required": ["type", "features"],
            "description": "FeatureCollection GeoJSON (RFC 7946, WGS 84) : la géométrie simplifiée que la carte "
                           "dessine, avec les colonnes du tableau des territoires en propriétés.",
            "properties": {
                "type": {"const": "FeatureCollection"},
                "features": {"type": "array", "items": {
                    "type": "object", "required": ["type", "id", "geometry", "properties"], "properties": {
                        "type": {"const": "Feature"}, "id": {"type": "string"},
                        "geometry": {"type": ["object", "null"], "required": ["type", "coordinates"], "properties": {
                            "type": {"enum": ["Polygon", "MultiPolygon"]}, "coordinates": {"type": "array"}}},
                        "properties": {"$ref": "#/components/schemas/Territory"}}}}}},
        "DataPackage": {"type": "object", "required": ["name", "resources"],
                        "description": "Descripteur Frictionless Data Package (v2)."},
    }


def _operations(ids: dict[str, frozenset[str]]) -> dict:
    project_filters = _project_filters(ids)
    envelope_filters = [_list_parameter(name, ids[kind]) for name, kind in ENVELOPE_LISTS.items()]
    envelope_filters.append(_list_parameter("kind", ENVELOPE_KINDS))
    level = _query("level", {"type": "string", "enum": list(metrics.LEVELS), "default": DEFAULT_LEVEL},
                   "Niveau des territoires : 104 MRC/TE, 17 régions ou les Alliances dessinées.")
    measure = _query("measure", {"type": "string", "enum": list(metrics.MEASURES), "default": DEFAULT_MEASURE},
                     "Mesure de tri : amount (montant connu), per_capita (par habitant), count (nombre de projets), "
                     "envelope (enveloppes connues du plan 2024–2029).")
    json_only = {"200": {"description": "JSON.", "content": {"application/json": {"schema": {"type": "object"}}}},
                 **_errors()}
    return {
        "/api/projects": {"get": {
            "operationId": "projects", "summary": "Les projets, filtrés comme la page.",
            "parameters": [*project_filters, _LANG, _format(FORMATS), *_PAGING],
            "responses": _file_responses(FORMATS, "ProjectsPage")}},
        "/api/territories": {"get": {
            "operationId": "territories", "summary": "Un territoire par ligne, trié par la mesure.",
            "parameters": [level, measure, *project_filters, _LANG, _format((*FORMATS, GEOJSON))],
            "responses": _file_responses((*FORMATS, GEOJSON), "TerritoriesTable")}},
        "/api/envelopes": {"get": {
            "operationId": "envelopes", "summary": "Les enveloppes et autres montants relevés (jamais additionnés).",
            "parameters": [*envelope_filters, _LANG, _format(FORMATS), *_PAGING],
            "responses": _file_responses(FORMATS, "EnvelopesPage")}},
        "/api/datapackage.json": {"get": {
            "operationId": "datapackage", "summary": "Le descripteur Frictionless des tableaux téléchargeables.",
            "parameters": [],
            "responses": {"200": {"description": "Data Package.", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/DataPackage"}}}}, **_errors()}}},
        "/api/datapackage.zip": {"get": {
            "operationId": "datapackage_zip", "summary": "Le Data Package et ses CSV, en un zip.",
            "parameters": [],
            "responses": {"200": {"description": "Archive zip.", "content": {"application/zip": {
                "schema": {"type": "string", "contentMediaType": "application/zip"}}}}, **_errors()}}},
        "/api/openapi.json": {"get": {
            "operationId": "openapi", "summary": "Cette description.", "parameters": [],
            "responses": json_only}},
    }


@lru_cache(maxsize=1)
def _description() -> dict:
    ids = known_ids()  # from the built layers and reference tables
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Carte des Alliances pour la solidarité — API en lecture seule",
            "version": "1",
            "description": "Les données de la carte, avec les filtres de la page, en JSON, CSV, XLSX ou GeoJSON. "
                           "Voir docs/API.md. Données publiques, sans témoin ni authentification.",
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
