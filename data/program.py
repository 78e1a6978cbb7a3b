"""The program's scale: its published total for each cycle, and how much of it known projects document.

A cycle's published total is the largest province row of that cycle among the kinds that are its
envelopes (`envelope`, and `transition` for the one-year transition). The other province rows of
a cycle are parts of it or other things: the 138,8 M$ distributed to the regions is part of the
160,1 M$ of PAGIEPS mesure 11; the 2,3 M$ of January 2023 is a `supplement`, beside the 26,1 M$.

« Documented » is the sum of the known FQIS amounts of the projects of that cycle, over that
total. Projects of unknown amount add nothing and are counted apart: no data is not zero.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.schema import vocabulary

TRANSITION_CYCLE = "transition-2023-2024"
# The note of a rounded amount says how the source wrote it; « plus de 145 M$ » is a lower bound.
LOWER_BOUND_WORDS = ("plus de", "more than")


@dataclass(frozen=True)
class CycleTotal:
    cycle: str
    total: float
    at_least: bool  # the source gives a lower bound (« plus de 145 M$ »)
    source_url: str
    source_date: str | None
    documented: float | None  # None: no project of this cycle has a known amount
    n_projects: int
    n_with_amount: int

    @property
    def share(self) -> float | None:
        return None if self.documented is None or not self.total else self.documented / self.total


def envelope_kinds(cycle: str) -> tuple[str, ...]:
    return ("envelope", "transition") if cycle == TRANSITION_CYCLE else ("envelope",)


def _text(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def cycle_totals(envelopes: pd.DataFrame, projects: pd.DataFrame) -> list[CycleTotal]:
    """One CycleTotal per cycle with a published province total, in the order of cycles.csv."""
    from data.metrics import cycle_positions  # metrics reads the layers: only when totals are asked for

    province = envelopes[(envelopes.territory_level == "province") & envelopes.amount.notna()]
    # Each project's cycle as a position in cycles.csv and its amount as a float, read once: comparing
    # a million cycle strings for each cycle was most of the first page's time at that size.
    positions = cycle_positions(projects)
    every_amount = pd.to_numeric(projects.amount_fqis, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    out = []
    for position, cycle in enumerate(vocabulary("cycles")):
        rows = province[(province.cycle == cycle) & province.kind.isin(envelope_kinds(cycle))]
        if not len(rows):
            continue
        row = rows.loc[rows.amount.astype(float).idxmax()]
        note = (_text(row.get("note")) or "").lower()
        # The amounts of the cycle's projects only: copying their rows would cost memory at every size.
        mine = positions == position
        known = every_amount[mine]
        known = known[~np.isnan(known)]
        out.append(CycleTotal(
            cycle=cycle, total=float(row.amount), at_least=any(word in note for word in LOWER_BOUND_WORDS),
            source_url=str(row.source_url), source_date=_text(row.get("source_date")),
            documented=float(known.sum()) if len(known) else None,
            n_projects=int(mine.sum()), n_with_amount=len(known)))
    return out
