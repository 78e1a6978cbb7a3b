"""« Part documentée de l'enveloppe » of one territory, per cycle: the envelope, the known amount of
the cycle's projects and their ratio, with the share of explicit ties alone. Shown by the territory
pages and, side by side, by the comparison."""
from __future__ import annotations

import pandas as pd
from dash import html

from components import dataset
from components.document import table
from components.i18n import money_cents, percent, text
from components.territory.facts import amount_text, reference_labels
from components.words.page_text import with_shared
from data import metrics
from geo import layers
from texts.catalogs import Messages

_TEXT = with_shared(Messages("territory"))


def _t(key: str, lang: str, **values) -> str:
    return text(_TEXT, key, lang, **values)


def documented_share_section(level: str, territory_id: str, lang: str, heading=html.H2,
                             css: str = "doc-section", shares: pd.DataFrame | None = None) -> html.Section:
    """Per cycle: the envelope, the known amount of the cycle's projects and their ratio, with the
    share of explicit ties alone; a share is shown only where both terms are known. Also used by
    the comparison page (with its own heading level and style, and the shares it computed)."""
    if shares is None:
        data = dataset.current()
        shares = metrics.documented_by_cycle(data.projects, data.envelopes, level, territory_id)
    children: list = [heading(_t("share_title", lang))]
    if not len(shares):
        children.append(html.P(_t("share_none", lang)))
        return html.Section(children, className=css, id=f"part-documentee-{territory_id}")
    cycles = reference_labels("cycles", lang)
    no_data = _t("no_data_short", lang)
    population = float(layers.territories(level).population_2021.astype(float).get(territory_id, float("nan")))
    body, warned = [], False
    for cycle_id, row in shares.iterrows():
        warnings = [_t("share_over", lang)] * bool(row.share_over) + [_t("share_differs", lang)] * bool(row.territory_differs)
        warned = warned or bool(warnings)
        body.append([cycles.get(cycle_id, cycle_id), amount_text(row.envelope, lang),
                     money_cents(row.envelope / population if population > 0 else None, lang),
                     amount_text(row.documented, lang),
                     no_data if pd.isna(row.documented_share) else percent(row.documented_share, lang),
                     no_data if pd.isna(row.explicit_share) else percent(row.explicit_share, lang),
                     html.Strong("⚠ " + " ; ".join(warnings)) if warnings else ""])
    keys = ["col_cycle", "col_envelope", "col_envelope_per_capita", "col_documented", "col_share", "col_explicit_share"]
    if warned:  # « À savoir » only when something is to be known: never a column of « — »
        keys.append("col_warning")
    else:
        body = [cells[:-1] for cells in body]
    children += [html.P(_t("share_intro", lang), className="note"),
                 table([_t(k, lang) for k in keys], body, numeric={1, 2, 3, 4, 5}, css="shares", lang=lang)]
    return html.Section(children, className=css, id=f"part-documentee-{territory_id}")
