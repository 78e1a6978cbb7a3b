"""Every « par habitant » says of what, and every rank says what it ranks (components/territory/measures.py)."""
from __future__ import annotations

import pandas as pd
import pytest

from components.territory.measures import rank_phrase


def test_a_rank_names_its_measure_and_its_peers():
    values = pd.Series({"01": 30.22, "06": 24.95, "14": 11.47, "09": None})
    assert rank_phrase(values, "01", "regions", "envelope_per_capita", "fr") == \
        "1re sur 3 régions avec données, pour l'enveloppe par habitant"
    assert rank_phrase(values, "14", "regions", "per_capita", "fr") == \
        "3e sur 3 régions avec données, pour le montant connu par habitant"
    assert rank_phrase(values, "06", "mrc", "per_capita", "en") == \
        "2nd of 3 MRC/TE with data, for the known amount per inhabitant"


def test_one_territory_ranked_is_the_only_one_and_none_is_not_ranked():
    alone = pd.Series({"01": 0.15, "02": None})
    assert rank_phrase(alone, "01", "regions", "per_capita", "fr") == \
        "seule région avec données, pour le montant connu par habitant"
    assert rank_phrase(alone, "01", "region_mrc", "per_capita", "fr", short=True) == "seule MRC/TE de la région avec données"
    assert rank_phrase(alone, "02", "regions", "envelope_per_capita", "fr") == \
        "non classé : aucune donnée connue pour l'enveloppe par habitant"


def test_an_unknown_measure_is_refused():
    with pytest.raises(ValueError, match="measure"):
        rank_phrase(pd.Series({"01": 1.0}), "01", "regions", "amount", "fr")
