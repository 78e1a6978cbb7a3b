"""What each « par habitant » and each rank of a territory measures, in words every document page shares.

« Par habitant » means two things on this site: the known amount of the projects per inhabitant,
and a cycle's envelope per inhabitant (the map's default measure). A page never says « par
habitant » alone: it says « montant connu par habitant » or « enveloppe par habitant », and a rank
says which of the two it ranks (« 1re sur 17 régions avec données, pour l'enveloppe par habitant »).
Shared by the territory pages, the one-page sheets and the comparison.
"""
from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from components.i18n import money_cents, number, percent, text
from components.territory.facts import amount_text, ordinal, rank_among, reference_labels
from texts.catalogs import Messages

_TEXT = Messages("measures")
MEASURES = ("per_capita", "envelope_per_capita")
# Peers a territory is ranked among (measures.peers_* and measures.peer_* name them): regions, all the
# MRC/TE of Québec, the MRC/TE of the territory's region. « région » and « MRC » are feminine in French.
PEERS = ("regions", "mrc", "region_mrc")


def tr(key: str, lang: str, **values) -> str:
    return text(_TEXT, key, lang, **values)


def label(measure: str, lang: str) -> str:
    """« Montant connu par habitant » or « Enveloppe par habitant »."""
    return tr(measure, lang)


def rank_phrase(values: pd.Series, territory_id: str, peers: str, measure: str, lang: str,
                short: bool = False) -> str:
    """« 2e sur 12 régions avec données, pour le montant connu par habitant »; with one territory
    ranked: « seule région avec données, pour … » (a rank « 1er sur 1 » says nothing); none: « non classé … ».
    `short`: without « pour … », for a rank printed right under the measure's own name (the sheet's figures)."""
    if peers not in PEERS or measure not in MEASURES:
        raise ValueError(f"peers must be one of {PEERS} and measure one of {MEASURES}, got {peers!r}, {measure!r}")
    rank, n = rank_among(values, territory_id)
    of = tr(f"{measure}_of", lang)
    suffix = "_short" if short else ""
    if rank is None:
        return tr("unranked" + suffix, lang, measure=of)
    if n == 1:
        return tr("rank_only" + suffix, lang, peer=tr(f"peer_{peers}", lang), measure=of)
    return tr("rank" + suffix, lang, ordinal=ordinal(rank, lang, feminine=True), n=number(n, lang),
              peers=tr(f"peers_{peers}", lang), measure=of)


class EnvelopeFacts(NamedTuple):
    """One territory's envelope in the cycle the map shows by default, in words."""
    cycle: str            # the cycle's label, « PAGIEPS 2017–2023 »
    envelope: str         # « 6 014 144 $ », or « — » when none is known
    per_capita: str       # « 30,22 $ »
    rank: str             # rank_phrase of the envelope per inhabitant
    share: str            # documented share of that envelope, « 0,5 % »
    known: bool           # an envelope of that cycle is known for this territory
    share_known: bool     # the documented share is known (an envelope and projects' amounts of the cycle)


def envelope_facts(agg: pd.DataFrame, territory_id: str, peers: str, lang: str,
                   rank_values: pd.Series | None = None, short: bool = False) -> EnvelopeFacts:
    """From `metrics.aggregate(…, envelopes)` rows (its cycle in `attrs["envelope_cycle"]`): the envelope,
    the envelope per inhabitant, its rank among `rank_values` (all of `agg` by default) and the share
    of that envelope that the cycle's known projects document."""
    row = agg.loc[territory_id]
    cycle_id = agg.attrs.get("envelope_cycle", "")
    values = agg.envelope_per_capita if rank_values is None else rank_values
    return EnvelopeFacts(
        cycle=str(reference_labels("cycles", lang).get(cycle_id, cycle_id)),
        envelope=amount_text(row.envelope, lang),
        per_capita=money_cents(row.envelope_per_capita, lang),
        rank=rank_phrase(values, territory_id, peers, "envelope_per_capita", lang, short),
        share=percent(row.documented_share, lang),
        known=not pd.isna(row.envelope),
        share_known=not pd.isna(row.documented_share))
