"""Each of Québec's local municipalities and the MRC/TE it lies in, from the MAMH's Répertoire.

`python -m geo.build` calls `municipality_table` on the source file (`municipalities_mamh_2023.csv`
in the sources folder) and writes the result as `municipality.csv` in the build folder, where
`data.gazetteer` reads it. The source is never copied into the repository.

The source names the MRC of most municipalities (« MRC Le Val-Saint-François (420) »). The 52
cities and towns outside any MRC leave it empty: their territoire équivalent (TE) is then found
through the census division (`divrec`, « Gatineau (81) » is census division 2481). Three census
divisions hold more than one territory; there the TE is the one no MRC column names (Trois-Rivières
next to Les Chenaux, Saguenay next to Le Fjord-du-Saguenay), and in Nord-du-Québec (2499), where
Jamésie and Eeyou Istchee are both left, the Cree villages form Eeyou Istchee
(`TERRITORY_OF_TYPE`) and the other municipalities (the four enclosed towns and the Eeyou Istchee
Baie-James regional government) are in Jamésie. A municipality that still fits several
territories stops the build: a wrong placement on a public map is worse than no build.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from geo.names import name_key

COLUMNS = ("mcode", "munnom", "mdes", "regadm", "divrec", "mrc", "mpopul")
# The TE a kind of municipality makes up when its census division holds several TE.
TERRITORY_OF_TYPE = {"Village cri (Terre 1-B)": "eeyou-istchee"}

_CODE = re.compile(r"^(.*?)\s*\((\d+)\)\s*$")  # « Estrie (05) » → (« Estrie », « 05 »)


class MunicipalitySourceError(ValueError):
    """The source file lacks a column or names a territory the MRC layer does not have."""


def _name_and_code(text: str) -> tuple[str, str]:
    match = _CODE.match(text)
    return (match.group(1), match.group(2)) if match else (text.strip(), "")


def read_source(path: Path) -> pd.DataFrame:
    """The source rows, every cell as text; raises MunicipalitySourceError when a column is missing."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = set(COLUMNS) - set(table.columns)
    if missing:
        raise MunicipalitySourceError(f"colonnes absentes : {', '.join(sorted(missing))}")
    if table.empty:
        raise MunicipalitySourceError("aucune municipalité")
    return table


def municipality_table(source: pd.DataFrame, mrc: pd.DataFrame) -> pd.DataFrame:
    """One row per municipality: code, name, type, `mrc_id`, region code and population.

    `mrc` is the build's MRC table (columns mrc_id, name, former_name, cduid, region_code).
    """
    by_key: dict[str, set[str]] = {}
    for row in mrc.itertuples():
        for name in (row.name, row.former_name):
            if isinstance(name, str) and name:
                by_key.setdefault(name_key(name), set()).add(row.mrc_id)
    named = {name_key(_name_and_code(text)[0]) for text in source.mrc if text}
    named_ids = {mrc_id for key in named for mrc_id in by_key.get(key, ())}
    problems: list[str] = []
    rows = []
    for m in source.itertuples():
        mrc_ids = _territories(m, mrc, by_key, named_ids)
        if len(mrc_ids) != 1:
            what = "aucune MRC/TE" if not mrc_ids else f"plusieurs MRC/TE ({', '.join(sorted(mrc_ids))})"
            problems.append(f"{m.munnom} ({m.mcode}) : {what}")
            continue
        (mrc_id,) = mrc_ids
        region_code = _name_and_code(m.regadm)[1].zfill(2)
        if region_code != mrc.loc[mrc_id, "region_code"]:
            problems.append(f"{m.munnom} ({m.mcode}) : région {m.regadm}, mais {mrc_id} est en {mrc.loc[mrc_id, 'region_code']}")
            continue
        rows.append((m.mcode, m.munnom, m.mdes, mrc_id, region_code, int(m.mpopul) if m.mpopul.isdigit() else None))
    if problems:
        shown = " ; ".join(problems[:5]) + (f" ; … et {len(problems) - 5} autres" if len(problems) > 5 else "")
        raise MunicipalitySourceError(f"{len(problems)} municipalité(s) impossibles à placer : {shown}")
    table = pd.DataFrame(rows, columns=["mcode", "name", "type", "mrc_id", "region_code", "population"])
    table["population"] = table.population.astype("Int64")
    return table


def _territories(m, mrc: pd.DataFrame, by_key: dict[str, set[str]], named_ids: set[str]) -> set[str]:
    """The MRC/TE that fit one source row."""
    if m.mrc:
        return set(by_key.get(name_key(_name_and_code(m.mrc)[0]), ()))
    cd_code = _name_and_code(m.divrec)[1]
    in_cd = set(mrc.mrc_id[mrc.cduid == f"24{cd_code.zfill(2)}"])
    candidates = in_cd - named_ids or in_cd
    if len(candidates) > 1:
        same_name = candidates & by_key.get(name_key(m.munnom), set())
        by_type = candidates & {TERRITORY_OF_TYPE.get(m.mdes)}
        candidates = same_name or by_type or candidates - set(TERRITORY_OF_TYPE.values())
    return candidates
