"""« Données publiques / Mon fichier » on the pages a coordinator presents from (presentation mode,
and in time the sheets and the comparison), as on the dashboard.

The file she validated on the dashboard sits in the browser's session store (components/own_file/upload.py,
`ids.UPLOADED`, storage_type="session"); a page that puts a store with the same id in its layout reads
it back when it opens. The server keeps nothing: what the browser sends is validated again each
time (`upload.active_dataset`), and a page showing her file says so on screen and on paper.
"""
from __future__ import annotations

from dash import Input, Output, State, callback, dcc, html, no_update

from components import ids
from components.dataset import Dataset, current
from components.i18n import t, text
from components.own_file.upload import active_dataset
from texts.catalogs import Messages

_TEXT = Messages("own_data")


def tr(key: str, lang: str, **values) -> str:
    return text(_TEXT, key, lang, **values)


def _file_name(uploaded) -> str | None:
    if isinstance(uploaded, dict) and isinstance(uploaded.get("projects"), list) and uploaded["projects"]:
        name = uploaded.get("file")
        return name[-200:] if isinstance(name, str) and name else "—"
    return None


def options(uploaded, lang: str) -> list[dict]:
    """The two choices; « Mon fichier » (with its name) only when the session holds a file."""
    name = _file_name(uploaded)
    return [{"label": t("source_public", lang), "value": "public"},
            {"label": t("source_upload", lang) + (f" ({name})" if name else ""), "value": "upload",
             "disabled": name is None}]


def switch(radio_id: str, lang: str, class_name: str = "") -> html.Div:
    """The choice and the session store it reads. The choice starts on the public data; once the
    store is read (see `register`), « Mon fichier » is enabled and chosen if a file is there."""
    return html.Div([
        html.Span(t("source_label", lang), className="own-data-label", id=f"{radio_id}-label"),
        html.Div(dcc.RadioItems(id=radio_id, value="public", options=options(None, lang), inline=True,
                                className="own-data-choice"),
                 role="radiogroup", **{"aria-labelledby": f"{radio_id}-label"}),
        dcc.Store(id=ids.UPLOADED, storage_type="session"),
        dcc.Store(id=f"{radio_id}-lang", data=lang),
    ], className=f"own-data {class_name}".strip())


def offered(uploaded, lang) -> tuple[list[dict], str]:
    """(options, value) of the choice once the session's store is read: her file, if there is one,
    is offered and chosen — she came to present it."""
    choices = options(uploaded, "en" if lang == "en" else "fr")
    # No file: the value stays as the page drew it (« public »), so nothing that listens to it is
    # redrawn for nothing (the comparison would lose what its address said, e.g. an unknown id).
    return choices, no_update if choices[1]["disabled"] else "upload"


def register(radio_id: str, mark_id: str) -> None:
    """The two callbacks of a page's choice: it is offered from the session's store, and the mark
    (`mark_id`, a component with `children` and `hidden`) says when her data are shown."""
    callback(Output(radio_id, "options"), Output(radio_id, "value"), Input(ids.UPLOADED, "data"),
             State(f"{radio_id}-lang", "data"))(offered)

    @callback(Output(mark_id, "children"), Output(mark_id, "hidden"),
              Input(radio_id, "value"), Input(ids.UPLOADED, "data"), State(f"{radio_id}-lang", "data"))
    def show_mark(source, uploaded, lang):
        _, name = chosen(source, uploaded)
        return mark(name, "en" if lang == "en" else "fr"), name is None


def chosen(source, uploaded) -> tuple[Dataset, str | None]:
    """(the data to show, the name of her file or None for the public data). A store that does not
    pass validation falls back on the public data, and the page then says public data."""
    data = active_dataset(source, uploaded)
    if data is current():
        return data, None
    return data, _file_name(uploaded)


def mark(name: str | None, lang: str) -> str:
    """The words every screen and printout of her data shows (empty for the public data)."""
    if name is None:
        return ""
    return tr("mark_named", lang, name=name) if name != "—" else tr("mark", lang)
