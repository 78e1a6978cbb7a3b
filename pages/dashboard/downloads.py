"""The downloads under the table: the public data through /api/…, or the visitor's file as on screen.

With the public data the four links are plain GET addresses of the API (shareable, cacheable).
A visitor's file is only in their browser, so with « Mon fichier » on screen the links become
buttons: the dashboard's download callback re-validates the rows from the store, applies the
view's filters, and sends the same tables the API would (data/export.py), built from those rows.
"""
from __future__ import annotations

from dash import dcc, html

from components.dataset import Dataset
from components.i18n import t
from components.map.scope import in_view
from data import export, metrics

UPLOAD_DOWNLOAD = "upload-download"  # pattern-matching id type of the buttons
FILES = (("projects_csv", "download_projects_csv"), ("projects_csv-fr", "download_projects_csv_fr"),
         ("projects_xlsx", "download_projects_xlsx"), ("territories_csv", "download_territories_csv"),
         ("territories_csv-fr", "download_territories_csv_fr"), ("territories_xlsx", "download_territories_xlsx"))


def upload_buttons(lang: str) -> list:
    """The download block when the visitor's file is on screen: what they export is said plainly."""
    return [html.P(t("download_upload_note", lang), className="download-note"),
            *[html.Button(t(label, lang), id={"type": UPLOAD_DOWNLOAD, "file": kind}, n_clicks=0,
                          className="download link-button") for kind, label in FILES]]


def upload_file(kind: str, data: Dataset, view, file_name: str) -> dict:
    """dcc.Download's payload for `kind` ("projects_csv"…): the view's projects or territories of
    `data`, the table the API sends for the public data."""
    if kind not in dict(FILES):
        raise ValueError(f"unknown download {kind!r}")
    chosen = metrics.filter_projects(data.projects, view.effective_filters())
    what, fmt = kind.split("_")
    if what == "projects":
        table, sheet = export.project_table(chosen, view.lang), export.sheet_name("projects", view.lang)
        stem = "projets"
    else:
        # one cycle's envelopes, as on the page and in the API
        cycle = metrics.choose_envelope_cycle(data.envelopes, view.level, view.effective_filters().cycles)
        mask = metrics.filter_mask(data.projects, view.effective_filters())
        agg = metrics.aggregate(data.projects, view.level, data.envelopes, envelope_cycle=cycle, mask=mask)
        # The territories the filters keep, as on screen and in the API.
        agg = export.ranked_territories(in_view(agg, view.level, view.effective_filters()), view.measure)
        table = export.territory_table(agg, view.level, view.lang, envelope_cycle=cycle)
        sheet = export.sheet_name("territories", view.lang)
        stem = f"territoires-{view.level}"
    base = file_name.rsplit(".", 1)[0][:60] or "fichier"
    writers = {"csv": (export.to_csv_bytes, "csv"), "csv-fr": (export.to_french_csv_bytes, "excel-fr.csv")}
    write, extension = writers.get(fmt, (lambda frame: export.to_xlsx_bytes(frame, sheet), "xlsx"))
    name = f"{stem}-{base}.{extension}"
    body = write(table)
    return dcc.send_bytes(body, name)
