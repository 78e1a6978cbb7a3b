"""The read-only API: the page's data, with the page's filters, as JSON, CSV, XLSX or GeoJSON.

Routes (GET only, see docs/API.md; described in OpenAPI 3.1 by `web.openapi`, served at /api/openapi.json):
- /api/projects        the project table of the view (JSON paginated; CSV/XLSX whole);
- /api/territories     one row per territory of a level, sorted by a measure (also GeoJSON);
- /api/envelopes       the known envelopes and other amounts, never summed;
- /api/places          a municipality, MRC/TE or region found by name, with its MRC and the map's address;
- /api/datapackage.json, /api/datapackage.zip  the Frictionless description of the tables, and
                       the tables with it.

Every query parameter is hostile until cleaned. Lists keep only the ids the description lists
(unknown ids are dropped and echoed under "ignored"), text goes through `clean_text`; a malformed number
or an unknown level, measure or format is a 400 whose JSON message names the parameter. Totals come
from `data.metrics` with the same `Filters` the page builds, so the API and the page agree.
"""
from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from flask import Blueprint, Flask, Response, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from components import dataset as _dataset
from components.i18n import clean_lang, text
from components.map.scope import in_view
from components.place_links import map_href, page_href, place_label
from components.state import MAX_CHOICES, clean_text
from data import datapackage, export, geo_export, metrics
from data.metrics import Filters
from geo import places
from texts.catalogs import Messages
from web import openapi, public_url

log = logging.getLogger(__name__)

ERRORS = Messages("api_errors")
MAX_AGE = 300
MAX_ECHO = 50  # characters of a hostile value repeated back in "ignored" or in an error
MAX_IGNORED_PARAMETERS = 20
_INTEGER = re.compile(r"[0-9]{1,9}")  # then compared with the bounds of the description

blueprint = Blueprint("api", __name__, url_prefix="/api")


def error_message(key: str, args: MultiDict, **values) -> str:
    """An error message (catalog « api_errors.<key> ») in the language the query asks for (French unless
    lang=en, as everywhere), whether or not the rest of the query could be read."""
    return text(ERRORS, key, clean_lang(args.get("lang", "").strip()), **values)


class BadParameter(Exception):
    """A query parameter that cannot be cleaned into something meaningful: answered with a 400."""

    def __init__(self, parameter: str, message: str, allowed: tuple | None = None):
        super().__init__(message)
        self.parameter = parameter
        self.message = message
        self.allowed = allowed


@dataclass
class Query:
    """The cleaned query: what was used (`used`, echoed as "filters") and what was not (`ignored`).

    Enums, defaults, bounds and patterns are read from the OpenAPI description of the route
    (`web.openapi.parameters(path)`), so the description and the checks cannot disagree."""

    args: MultiDict
    path: str
    used: dict = field(default_factory=dict)
    ignored: dict = field(default_factory=dict)

    @property
    def spec(self) -> dict[str, dict]:
        return openapi.parameters(self.path)

    def _schema(self, name: str) -> dict:
        return self.spec[name]["schema"]

    def filters(self) -> dict:
        """The cleaned choices that select rows (what to show, not how: no format or paging)."""
        return {k: v for k, v in self.used.items() if k not in ("format", "page", "per_page")}

    def error(self, key: str, **values) -> str:
        """An error message (catalog « api_errors.<key> ») in the language the request asks for."""
        return error_message(key, self.args, **values)

    def choices(self, name: str) -> tuple[str, ...]:
        """Repeatable or comma-separated ids; those outside the description's enum are dropped and
        listed under "ignored" (lenient by design: a shared link with a stale id still works)."""
        unique: dict[str, None] = {}  # ordered set
        for raw in self.args.getlist(name):
            for part in raw.split(","):
                if part := part.strip():
                    unique[part] = None
            if len(unique) > MAX_CHOICES:
                raise BadParameter(name, self.error("too_many", name=name, limit=MAX_CHOICES))
        known = self._schema(name)["items"]["enum"]
        kept = tuple(v for v in unique if v in known)
        dropped = [_echo(v) for v in unique if v not in kept]
        if dropped:
            self.ignored[name] = dropped
        self.used[name] = list(kept)
        return kept

    def amount(self, name: str) -> float | None:
        raw = self.args.get(name, "").strip()
        if not raw:
            self.used[name] = None
            return None
        if not re.fullmatch(self._schema(name)["pattern"], raw):
            raise BadParameter(name, self.error("not_amount", name=name, value=_echo(raw)))
        value = float(raw)
        self.used[name] = value
        return value

    def integer(self, name: str) -> int:
        schema = self._schema(name)
        low, high = schema["minimum"], schema["maximum"]
        raw = self.args.get(name, "").strip()
        if not raw:
            self.used[name] = schema["default"]
            return schema["default"]
        if not _INTEGER.fullmatch(raw) or not low <= int(raw) <= high:
            raise BadParameter(name, self.error("not_integer", name=name, low=low, high=high, value=_echo(raw)))
        self.used[name] = int(raw)
        return int(raw)

    def one_of(self, name: str) -> str:
        """A word from the description's enum; anything else is a 400 that lists the allowed words."""
        schema = self._schema(name)
        allowed = tuple(schema["enum"])
        raw = self.args.get(name, "").strip()
        if not raw:
            self.used[name] = schema["default"]
            return schema["default"]
        if raw not in allowed:
            raise BadParameter(name, self.error("unknown_value", name=name, value=_echo(raw), allowed=", ".join(allowed)),
                               allowed)
        self.used[name] = raw
        return raw

    def lang(self) -> str:
        """Like the page: an unknown language falls back to French (and is reported)."""
        default = self._schema("lang")["default"]
        raw = self.args.get("lang", "").strip()
        lang = raw if raw in openapi.LANGS else default
        if raw and raw != lang:
            self.ignored["lang"] = [_echo(raw)]
        self.used["lang"] = lang
        return lang

    def text(self, name: str) -> str:
        value = clean_text(self.args.get(name))
        self.used[name] = value
        return value

    def unknown(self) -> None:
        """Parameters the description does not name for this route are listed under "ignored", so a
        typo (« regions ») is visible instead of silently returning everything."""
        names = [n for n in self.args.keys() if n not in self.spec]
        for name in names[:MAX_IGNORED_PARAMETERS]:
            self.ignored.setdefault(_echo(name), [_echo(v) for v in self.args.getlist(name)[:10]])


def _echo(value: str) -> str:
    value = str(value)
    return value if len(value) <= MAX_ECHO else value[:MAX_ECHO] + "…"


def _project_filters(query: Query) -> Filters:
    """The query → the `Filters` the page would build from the same choices."""
    lists = {name: query.choices(name) for name in openapi.PROJECT_LISTS}
    return Filters(
        regions=lists["region"], mrcs=lists["mrc"], themes=lists["theme"], alliances=lists["mandataire"],
        cycles=lists["cycle"], amount_min=query.amount("amount_min"), amount_max=query.amount("amount_max"),
        text=query.text("q"), explicit_only=query.one_of("link") == "explicit", statuses=lists["status"],
    )


def _paging(query: Query) -> tuple[int, int]:
    return query.integer("page"), query.integer("per_page")


def _page_of(frame: pd.DataFrame, page: int, per_page: int) -> tuple[pd.DataFrame, int]:
    pages = max(1, math.ceil(len(frame) / per_page))
    start = (page - 1) * per_page
    return frame.iloc[start:start + per_page], pages


def _json_rows(records: pd.DataFrame) -> list[dict]:
    """Rows as JSON objects; NaN and NA become null (pandas' writer knows every dtype)."""
    return json.loads(records.to_json(orient="records", force_ascii=False, double_precision=15))


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else float(value)


def _json(payload: dict, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, allow_nan=False)
    return Response(body, status=status, mimetype="application/json")


def _file(table: pd.DataFrame, fmt: str, stem: str, sheet: str) -> Response:
    if fmt == "csv":
        body, mimetype, name = export.to_csv_bytes(table), "text/csv", f"{stem}.csv"  # Flask adds the charset
    elif fmt == "csv-fr":  # for a French-language Excel: « ; » and decimal comma
        body, mimetype, name = export.to_french_csv_bytes(table), "text/csv", f"{stem}-excel-fr.csv"
    else:
        body = export.to_xlsx_bytes(table, sheet)
        mimetype, name = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{stem}.xlsx"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    return response


def _ignored_header(response: Response, query: Query) -> Response:
    """Files have no room for "ignored": its parameter names travel in a header instead."""
    if query.ignored:
        names = ",".join(n for n in query.ignored if n.isascii() and n.isprintable())
        response.headers["X-Ignored-Parameters"] = names[:500]
    return response


# ---------------------------------------------------------------- routes

@blueprint.get("/projects")
def projects() -> Response:
    query = Query(request.args, "/api/projects")
    filters = _project_filters(query)
    lang, fmt = query.lang(), query.one_of("format")
    page, per_page = _paging(query)
    query.unknown()
    data = _dataset.current()
    chosen = metrics.filter_projects(data.projects, filters)
    if fmt != "json":
        return _ignored_header(_file(export.project_table(chosen, lang), fmt, "projets", export.sheet_name("projects", lang)), query)
    head = metrics.headline(chosen, filters)
    shown, pages = _page_of(chosen, page, per_page)
    return _json({
        "count": head.n_projects,
        "count_with_amount": head.n_with_amount,
        "total_amount": _number(head.total),
        "population": head.population,
        "per_capita": _number(head.per_capita),
        "page": page, "per_page": per_page, "pages": pages,
        "filters": query.filters(), "ignored": query.ignored, "demo": bool(data.demo),
        "results": _json_rows(export.project_records(shown, lang)),
    })


@blueprint.get("/territories")
def territories() -> Response:
    query = Query(request.args, "/api/territories")
    level = query.one_of("level")
    measure = query.one_of("measure")
    filters = _project_filters(query)
    lang, fmt = query.lang(), query.one_of("format")
    query.unknown()
    data = _dataset.current()
    mask = metrics.filter_mask(data.projects, filters)
    chosen = data.projects[mask]
    # One cycle's envelopes, as on the page: the chosen cycle, else the one with most territories known.
    cycle = metrics.choose_envelope_cycle(data.envelopes, level, filters.cycles)
    # The territories the filters keep (the MRC of the chosen regions…), as the page counts and ranks them.
    agg = export.ranked_territories(in_view(metrics.aggregate(data.projects, level, data.envelopes,
                                                              envelope_cycle=cycle, mask=mask), level, filters), measure)
    if fmt == openapi.GEOJSON:
        records = export.territory_records(agg, level, lang, demo=bool(data.demo))
        body = json.dumps(geo_export.territory_features(records, level), ensure_ascii=False, allow_nan=False)
        response = Response(body, mimetype="application/geo+json")
        response.headers["Content-Disposition"] = f"attachment; filename=territoires-{level}.geojson"
        return _ignored_header(response, query)
    if fmt != "json":
        table = export.territory_table(agg, level, lang, demo=bool(data.demo), envelope_cycle=cycle)
        return _ignored_header(_file(table, fmt, f"territoires-{level}", export.sheet_name("territories", lang)), query)
    head = metrics.headline(chosen, filters)
    regional_only = metrics.unattributed_by_region(data.projects, mask).amount.sum(min_count=1) if level == "mrc" \
        else np.nan
    return _json({
        "level": level, "measure": measure,
        "count": len(agg),
        "total_amount": _number(head.total),
        # At MRC level, region-wide and multi-MRC projects count in no MRC (see data.metrics).
        "amount_counted_at_region_only": _number(float(regional_only)),
        "envelope_cycle": cycle,
        "envelope_cycle_chosen": bool(filters.cycles),  # false: the cycle with the most territories known
        "filters": query.filters(), "ignored": query.ignored, "demo": bool(data.demo),
        "results": _json_rows(export.territory_records(agg, level, lang, demo=bool(data.demo))),
    })


@blueprint.get("/envelopes")
def envelopes() -> Response:
    query = Query(request.args, "/api/envelopes")
    regions, alliances, cycles, kinds = (query.choices(name) for name in ("region", "mandataire", "cycle", "kind"))
    lang, fmt = query.lang(), query.one_of("format")
    page, per_page = _paging(query)
    query.unknown()
    data = _dataset.current()
    rows = filter_envelopes(data.envelopes, regions, alliances, cycles, kinds)
    if fmt != "json":
        return _ignored_header(_file(export.envelope_table(rows, lang), fmt, "enveloppes", export.sheet_name("envelopes", lang)), query)
    shown, pages = _page_of(rows, page, per_page)
    # No total: kinds and levels overlap (an envelope contains its calls and its MRC's envelopes).
    return _json({
        "count": len(rows), "page": page, "per_page": per_page, "pages": pages,
        "filters": query.filters(), "ignored": query.ignored, "demo": bool(data.demo),
        "results": _json_rows(export.envelope_records(shown, lang)),
    })


def filter_envelopes(envelopes: pd.DataFrame, regions=(), alliances=(), cycles=(), kinds=()) -> pd.DataFrame:
    """Envelope rows matching every non-empty choice, in file order."""
    keep = pd.Series(True, index=envelopes.index)
    for column, wanted in (("region_code", regions), ("alliance_id", alliances), ("cycle", cycles), ("kind", kinds)):
        if wanted:
            keep &= envelopes[column].isin(wanted).fillna(False).astype(bool)
    return envelopes[keep]


@blueprint.get("/places")
def places_found() -> Response:
    query = Query(request.args, "/api/places")
    typed = query.text("q")
    kinds = query.choices("kind") or places.KINDS
    limit = query.integer("limit")
    lang = query.lang()
    query.unknown()
    found = places.search(typed, limit=limit, kinds=kinds)
    target = found.single_target()
    if target is not None:
        place = next(p for p in found.places if p.target == target)
        target = {"level": target[0], "id": target[1], "map_url": map_href(place, lang)}
    return _json({
        "query": found.query, "count": found.total, "target": target,
        "results": [_place_record(p, lang, s) for p, s in zip(found.places, found.scores)],
        "suggestions": [_place_record(p, lang, None) for p in found.suggestions],
        "filters": query.filters(), "ignored": query.ignored,
    })


def _place_record(place: places.Place, lang: str, score: int | None) -> dict:
    return {
        "kind": place.kind, "name": place.name, "label": place_label(place, lang),
        "match": None if score is None else openapi.PLACE_MATCHES[score],
        "municipality_type": place.municipality_type, "mcode": place.mcode, "population": place.population,
        "mrc_id": place.mrc_id, "mrc_name": place.mrc_name, "mrc_type": place.mrc_type,
        "region_code": place.region_code, "region_name": place.region_name,
        "map_url": map_href(place, lang), "page_url": page_href(place, lang),
    }


@blueprint.get("/openapi.json")
def openapi_description() -> Response:
    return _json(openapi.description())


_PACKAGE_URLS = {"projets": "projects", "enveloppes": "envelopes"}


def _package_tables(online: bool, lang: str) -> list[datapackage.Table]:
    """The downloadable tables; online, each resource points at the API address serving its CSV (in `lang`)."""
    data = _dataset.current()
    urls = None
    if online:
        root = public_url.root(request) + "/api/"
        tail = "&lang=en" if lang == "en" else ""
        urls = {name: f"{root}{route}?format=csv{tail}" for name, route in _PACKAGE_URLS.items()}
        urls["projets-pagsis-2010-2015"] = f"{root}projects?format=csv&cycle=pagsis-2010-2015{tail}"
        urls |= {f"territoires-{level}": f"{root}territories?level={level}&format=csv{tail}" for level in metrics.LEVELS}
    return datapackage.tables(data.projects, data.envelopes, demo=bool(data.demo), urls=urls, lang=lang)


def _data_version(data: _dataset.Dataset) -> int | None:
    """The publishing data version of the server's public data (its key is « public@N »); None otherwise."""
    name, _, number = data.key.partition("@")
    return int(number) if name == _dataset.PUBLIC_KEY and number.isdigit() else None


@blueprint.get("/datapackage.json")
def datapackage_descriptor() -> Response:
    query = Query(request.args, "/api/datapackage.json")
    lang = query.lang()
    query.unknown()
    data = _dataset.current()
    return _ignored_header(_json(datapackage.descriptor(_package_tables(True, lang), demo=bool(data.demo), lang=lang,
                                                        data_version=_data_version(data))), query)


@blueprint.get("/datapackage.zip")
def datapackage_zip() -> Response:
    query = Query(request.args, "/api/datapackage.zip")
    lang = query.lang()
    query.unknown()
    data = _dataset.current()
    body = datapackage.zip_bytes(_package_tables(False, lang), demo=bool(data.demo), lang=lang,
                                 data_version=_data_version(data))
    response = Response(body, mimetype="application/zip")
    response.headers["Content-Disposition"] = "attachment; filename=carte-des-alliances-datapackage.zip"
    return response


# ---------------------------------------------------------------- errors and headers

@blueprint.errorhandler(BadParameter)
def _bad_parameter(error: BadParameter):
    payload = {"error": error.message, "parameter": error.parameter}
    if error.allowed:
        payload["allowed"] = list(error.allowed)
    return _json(payload, 400)


@blueprint.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return _json({"error": error.description or error.name}, error.code or 500)


@blueprint.errorhandler(Exception)
def _unexpected(error: Exception):
    # Logged with its traceback for us; the visitor gets a short message, never the traceback.
    log.exception("erreur inattendue dans l'API : %s", request.full_path)
    return _json({"error": error_message("internal", request.args)}, 500)


@blueprint.after_request
def _headers(response: Response) -> Response:
    cacheable = response.status_code in (200, 400)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}" if cacheable else "no-store"
    if response.status_code == 200:
        # The data version (« public@3 »): an answer changes only when a publication changes the data,
        # so a client that sends it back gets 304 until then.
        response.set_etag(_dataset.current().key.replace("@", "-"))
        response.make_conditional(request)
    response.headers["Access-Control-Allow-Origin"] = "*"  # public, read-only data without credentials
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def register(server: Flask) -> None:
    """Attach the /api routes to the Flask server (the Dash app's `server`)."""
    server.register_blueprint(blueprint)
