"""« Votre fichier »: a coordinator's own spreadsheet on the map, in this browser session only.

The file goes through the same importer as `python -m data.importer check` (data.importer). Its
valid rows are kept in the browser (a session store) and travel with each update; the server
keeps nothing: it validates them again every time (a browser can send anything), computes, forgets.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import threading

import cachetools
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from components import ids
from components.dataset import UPLOAD_KEY_PREFIX, Dataset, current, prepare_for_map
from components.i18n import number, plural, t
from data import schema
from data.importer import import_spreadsheet
from data.spreadsheet import MAX_FILE_BYTES, MAX_ROWS, UnreadableFile

MAX_ERRORS_SHOWN = 200
# Validated visitors' datasets kept by a worker, keyed by a hash of their content: a visitor moving
# the filters sends the same rows at every update. A 5 000-row dataset is about 10 MB prepared;
# what leaves this cache is freed (the view caches key on the hash, not on the dataset).
UPLOADED_DATASETS_KEPT = 4
_UPLOADED: cachetools.LRUCache = cachetools.LRUCache(UPLOADED_DATASETS_KEPT)
_UPLOADED_LOCK = threading.Lock()


def section(lang: str) -> html.Section:
    """The upload box, its report, and the switch between public data and the visitor's file."""
    return html.Section([
        html.H2(t("upload_title", lang)),
        html.P(t("upload_help", lang, size=number(MAX_FILE_BYTES // 1_000_000, lang), rows=number(MAX_ROWS, lang))),
        # No `accept` filter: the browser would drop other files silently; the importer says why instead.
        dcc.Upload(html.Div([t("upload_drop", lang), " ", html.Span(t("upload_browse", lang), className="link")]),
                   id=ids.UPLOAD, multiple=False, className="upload-box"),
        html.P([html.A(t("upload_template_xlsx", lang), href="/modele/projets.xlsx", download=""), " · ",
                html.A(t("upload_template_csv", lang), href="/modele/projets.csv", download="")]),
        html.Label(t("source_label", lang), htmlFor=ids.SOURCE, className="filter-label"),
        dcc.RadioItems(id=ids.SOURCE, value="public", className="radio source-switch", options=[
            {"label": t("source_public", lang), "value": "public"},
            {"label": t("source_upload", lang), "value": "upload", "disabled": True}]),
        html.Div(id=ids.UPLOAD_REPORT, className="upload-report", role="status", **{"aria-live": "polite"}),
        dcc.Store(id=ids.UPLOADED, storage_type="session"),
    ], className="upload-panel", id="upload")


def read_upload(contents, filename, lang: str) -> tuple[dict | None, list]:
    """dcc.Upload's data URL → (store payload or None, report children). Never raises."""
    if not isinstance(contents, str) or not isinstance(filename, str) or "," not in contents:
        return None, [html.P(t("upload_unreadable", lang), className="error")]
    filename = filename[-200:]
    encoded = contents.split(",", 1)[1]
    # Base64 is 4/3 of the file: refuse before decoding anything too large.
    if len(encoded) > MAX_FILE_BYTES * 4 // 3 + 4:
        return None, [html.P(t("upload_too_big", lang, name=filename, size=number(MAX_FILE_BYTES // 1_000_000, lang)),
                             className="error")]
    try:
        data = base64.b64decode(encoded, validate=True)
        result = import_spreadsheet(data, filename, lang)
    except (binascii.Error, ValueError) as error:
        message = str(error) if isinstance(error, UnreadableFile) else t("upload_unreadable", lang)
        return None, [html.P(message, className="error")]
    report = [html.P(t("upload_summary", lang, name=filename, read=plural("rows_read", result.rows_read, lang),
                       valid=plural("rows_valid", result.rows_valid, lang),
                       problems=plural("problems", len(result.errors), lang)))]
    if result.errors:
        rows = [html.Tr([html.Td("" if e.row is None else str(e.row)), html.Td(e.column or ""), html.Td(e.message)])
                for e in result.errors[:MAX_ERRORS_SHOWN]]
        # In a box of its own: a message quoting a long value wraps, and what still cannot fit
        # scrolls inside the box, never the whole page on a phone.
        report.append(html.Div(html.Table([
            html.Caption(t("upload_errors", lang)),
            html.Thead(html.Tr([html.Th(t("upload_row", lang)), html.Th(t("upload_column", lang)),
                                html.Th(t("upload_problem", lang))])),
            html.Tbody(rows)], className="errors"), className="errors-box"))
    if result.warnings:
        report.append(html.Ul([html.Li(w.describe(lang)) for w in result.warnings[:50]], className="warnings"))
    if not result.rows_valid:
        return None, report
    records = result.projects.astype(object).where(result.projects.notna(), None).to_dict("records")
    return {"file": filename, "projects": records}, report


def _uploaded_dataset(payload: str) -> Dataset | None:
    """Validated, prepared projects from the browser's store (cached by content); None if they do
    not pass the schema."""
    key = UPLOAD_KEY_PREFIX + hashlib.sha256(payload.encode()).hexdigest()
    with _UPLOADED_LOCK:
        if key in _UPLOADED:
            return _UPLOADED[key]
    data = _validated_dataset(payload, key)
    with _UPLOADED_LOCK:
        _UPLOADED[key] = data
    return data


def _validated_dataset(payload: str, key: str) -> Dataset | None:
    try:
        records = json.loads(payload)
        frame = pd.DataFrame(records, columns=list(schema.PROJECT_COLUMNS)).head(MAX_ROWS)
        validated = schema.validate(frame, schema.project_schema(), "upload")
    except (ValueError, TypeError, schema.DataFileError):
        return None
    if validated.empty:
        return None
    return Dataset(prepare_for_map(validated), current().envelopes, demo=False, key=key)


def active_dataset(source, uploaded) -> Dataset:
    """The public data, or the visitor's file when they chose it and it is valid."""
    if source != "upload" or not isinstance(uploaded, dict) or not isinstance(uploaded.get("projects"), list):
        return current()
    payload = json.dumps(uploaded["projects"][:MAX_ROWS], sort_keys=True, default=str)
    return _uploaded_dataset(payload) or current()


@callback(Output(ids.UPLOADED, "data"), Output(ids.UPLOAD_REPORT, "children"), Output(ids.SOURCE, "value"),
          Output(ids.SOURCE, "options"), Input(ids.UPLOAD, "contents"), State(ids.UPLOAD, "filename"),
          State(ids.LANG, "data"), prevent_initial_call=True)
def on_upload(contents, filename, lang):
    lang = "en" if lang == "en" else "fr"
    payload, report = read_upload(contents, filename, lang)
    options = [{"label": t("source_public", lang), "value": "public"},
               {"label": t("source_upload", lang) + (f" ({payload['file']})" if payload else ""), "value": "upload",
                "disabled": payload is None}]
    return payload, report, ("upload" if payload else "public"), options
