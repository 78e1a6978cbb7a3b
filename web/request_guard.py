"""Malformed or unknown requests get a 4xx answer and one log line, never a 500 and a traceback.

Dash answers 500, with a 3 kB traceback in the log, to a callback body that is not what its
renderer sends (`null`, `[]`, no `output`, inputs that are not a list, JSON nested a thousand
deep, an empty `pathname`) and to any unknown `/_dash-component-suites/…` path; and its
catch-all route answers every unknown address with the page shell and 200. Here, around Dash's
own views:

- `/_dash-update-component`: the work a body may cost is bounded by what it may hold. Its JSON
  values are counted before it is parsed (a C-speed scan of the bytes): above CALLBACK_NODES the
  body is refused (413) unless its callback is one that carries the visitor's own rows
  (ids.UPLOADED), which may hold up to OWN_ROWS_NODES, and then only as at most MAX_ROWS flat rows.
  The body is parsed once, here, and handed to Dash through Flask's JSON cache. It is then checked
  against the shape the renderer sends before Dash reads it (400 otherwise); an error a callback
  raises on values no browser sends (TypeError, ValueError…) is a 400 and one warning line, not a 500;
- `/_dash-component-suites/…`: a package or file Dash does not serve is a 404;
- `/_reload-hash` (Dash's hot reload, for development) answers 404: the app never runs with it;
- the catch-all: `/api/…`, `/layers/…`, `/_dash-…` and any address whose last part looks like a
  file name (`/.env`, `/wp-login.php`) are 404; an address that is no page gets the page shell
  with a 404 status, and Dash shows its « page introuvable » in it.
"""
from __future__ import annotations

import functools
import json
import logging
import re

import dash
import flask
from dash._pages import _path_to_page
from dash.exceptions import PreventUpdate
from werkzeug.exceptions import BadRequest, HTTPException, NotFound, RequestEntityTooLarge

from components import ids
from data.schema import PROJECT_COLUMNS
from data.spreadsheet import MAX_ROWS

log = logging.getLogger(__name__)

MAX_JSON_DEPTH = 64  # the renderer's bodies are a dozen levels deep (a figure's relayout data)
# JSON values in a callback body (counted as the « , », « { » and « [ » outside strings). The
# renderer's bodies hold a few hundred; the table's row requests and the largest filters (104 MRC)
# a few thousand. Parsing and walking this many costs a few milliseconds.
CALLBACK_NODES = 20_000
# The callbacks that carry a visitor's validated rows (the ids.UPLOADED store): MAX_ROWS rows of
# PROJECT_COLUMNS values each, plus the rest of a callback body.
OWN_ROWS_NODES = MAX_ROWS * (len(PROJECT_COLUMNS) + 2) + CALLBACK_NODES
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
# Errors a callback raises when a value has a type or size no control of the page can produce, and
# Dash's own CallbackException (inputs that do not match the callback's definition…).
_FORGED_VALUE_ERRORS = (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError, RecursionError,
                        dash.exceptions.CallbackException)
# Address prefixes that are never pages: below them, an unknown address is a plain 404.
NOT_PAGES = ("api/", "layers/", "_dash-", "assets/", "modele/")


class MalformedCallback(BadRequest):
    description = "Requête de callback mal formée."


class CallbackTooLarge(RequestEntityTooLarge):
    description = "Requête de callback trop volumineuse."


def register(server: flask.Flask, app: dash.Dash) -> None:
    """Wrap Dash's views on `server` (call once the app and its pages are set up)."""
    prefix = app.config.requests_pathname_prefix
    views = server.view_functions
    update, suites, reload_hash, catchall = (f"{prefix}_dash-update-component",
                                             f"{prefix}_dash-component-suites/<string:package_name>/<path:fingerprinted_path>",
                                             f"{prefix}_reload-hash", f"{prefix}<path:path>")
    views[update] = _guard_callback(views[update], app)
    views[suites] = _guard_suites(views[suites])
    views[reload_hash] = _not_found
    views[catchall] = _guard_catchall(views[catchall])


def _not_found(*_args, **_kwargs):
    raise NotFound()


def _guard_callback(view, app: dash.Dash):
    @functools.wraps(view)
    def guarded(*args, **kwargs):
        raw = flask.request.get_data(cache=True)
        nodes = json_nodes(raw, OWN_ROWS_NODES)
        if nodes > OWN_ROWS_NODES:
            log.warning("callback refusé (413) : plus de %d valeurs JSON", OWN_ROWS_NODES)
            raise CallbackTooLarge()
        body = _callback_body(raw)
        problem = _shape_problem(body, app.callback_map)  # read each time: Dash fills it at its first request
        if problem:
            log.warning("callback refusé (400) : %s", problem)
            raise MalformedCallback()
        if nodes > CALLBACK_NODES:
            problem = _own_rows_problem(body, app.callback_map, nodes)
            if problem:
                log.warning("callback %s refusé (413) : %d valeurs JSON, %s", body.get("output"), nodes, problem)
                raise CallbackTooLarge()
        # Dash reads the body with request.get_json(): the parsed body is handed on, not parsed again.
        flask.request._cached_json = (body, body)
        try:
            return view(*args, **kwargs)
        except (HTTPException, PreventUpdate):
            raise  # PreventUpdate (a CallbackException too) is Dash's 204 « nothing to change »
        except _FORGED_VALUE_ERRORS as error:
            # One line, not a traceback: values no control sends must not flood the log.
            log.warning("callback %s : valeur refusée (400) : %s: %.200s", body.get("output"), type(error).__name__, error)
            raise MalformedCallback() from None

    return guarded


def json_nodes(raw: bytes, limit: int) -> int:
    """How many values the JSON text `raw` holds, counted by its « , », « { » and « [ » outside
    strings (an empty container counts as one; enough to bound the work of parsing it).

    The bytes are first counted whole, strings included, in C: when that bound is under `limit`
    nothing more is done. Only above it are the strings removed (one regular-expression pass) and
    the structure counted exactly."""
    def count(data: bytes) -> int:
        return data.count(b",") + data.count(b"{") + data.count(b"[") + 1

    bound = count(raw)
    if bound <= limit:
        return bound
    return count(_JSON_STRING.sub(b"", raw))


def _own_rows_problem(body: dict, callback_map: dict, nodes: int) -> str | None:
    """Why a body of `nodes` values (more than CALLBACK_NODES) may not be: its callback carries no
    visitor's rows, they are not at most MAX_ROWS flat rows, or the rest of the body is larger than
    any other callback's; None when it may."""
    spec = callback_map.get(body.get("output"), {})
    if not any(d.get("id") == ids.UPLOADED and d.get("property") == "data"
               for key in ("inputs", "state") for d in spec.get(key, [])):
        return "ce callback ne porte pas de fichier de projets"
    in_rows = 0
    for item in body.get("inputs", []) + body.get("state", []):
        if not (isinstance(item, dict) and item.get("id") == ids.UPLOADED and item.get("property") == "data"):
            continue
        value = item.get("value")
        if value is None:
            continue
        rows = value.get("projects") if isinstance(value, dict) else None
        if not isinstance(rows, list) or len(rows) > MAX_ROWS:
            return f"plus de {MAX_ROWS} lignes, ou pas une liste de lignes"
        if not all(isinstance(row, dict) and not any(isinstance(v, (dict, list)) for v in row.values())
                   for row in rows):
            return "des lignes qui ne sont pas plates"
        in_rows += 1 + sum(max(len(row), 1) for row in rows)  # as json_nodes counts them
    if nodes - in_rows > CALLBACK_NODES:
        return f"plus de {CALLBACK_NODES} valeurs hors des lignes du fichier"
    return None


def _callback_body(raw: bytes):
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, or nested beyond what the decoder follows
        log.warning("callback refusé (400) : corps qui n'est pas du JSON lisible")
        raise MalformedCallback() from None


def _depth(value, limit: int) -> int:
    """How deep `value` nests, counted without recursion, stopping past `limit`."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _is_dependency(item) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("property"), str)
            and isinstance(item.get("id"), (str, dict)))


def _shape_problem(body, callback_map: dict) -> str | None:
    """Why `body` is not a callback request the renderer could send, or None."""
    if not isinstance(body, dict):
        return f"le corps est {type(body).__name__}, pas un objet"
    if _depth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        return f"JSON imbriqué sur plus de {MAX_JSON_DEPTH} niveaux"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "« output » absent ou inconnu"
    outputs = body.get("outputs")
    if not (_is_dependency(outputs) or (isinstance(outputs, list) and outputs and all(
            _is_dependency(o) or (isinstance(o, list) and all(_is_dependency(x) for x in o)) for o in outputs))):
        return "« outputs » mal formé"
    for key in ("inputs", "state"):
        items = body.get(key, [])
        if not isinstance(items, list):
            return f"« {key} » n'est pas une liste"
        for item in items:
            # pattern-matching inputs (ALL, MATCH) come as a list of dependencies
            group = item if isinstance(item, list) else [item]
            if not all(_is_dependency(d) for d in group):
                return f"« {key} » contient un élément mal formé"
            if any(d["property"] == "pathname" and "value" in d and not (
                    isinstance(d["value"], str) and d["value"].startswith("/")) for d in group):
                return "« pathname » qui n'est pas une adresse"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "« changedPropIds » mal formé"
    return None


def _guard_suites(view):
    @functools.wraps(view)
    def guarded(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except HTTPException:
            raise
        except Exception:  # Dash raises DependencyException, KeyError, OSError… for what it does not serve
            raise NotFound() from None

    return guarded


def _guard_catchall(view):
    @functools.wraps(view)
    def guarded(path: str = "", *args, **kwargs):
        last = path.rstrip("/").rsplit("/", 1)[-1]
        if path.startswith(NOT_PAGES) or "." in last:
            raise NotFound()
        response = flask.make_response(view(path, *args, **kwargs))
        page, _ = _path_to_page(path.strip("/"))
        if not page:
            response.status_code = 404  # the shell still loads, and Dash shows its page-not-found
        return response

    return guarded
