"""Normalising territory names so that people's spellings meet the official ones.

Coordinators write « MRC DE LA MATANIE », « Matane », « matanie » or « La Matanie »; all must
meet one MRC. A name that could mean two things is *not* resolved: a wrong guess on a public
map is worse than an honest "not found".
"""
from __future__ import annotations

import re
import unicodedata

# Prefixes people put before an MRC/TE name. Longest first so that « mrc de la » wins over « mrc de ».
_PREFIXES = (
    "municipalite regionale de comte de la ",
    "municipalite regionale de comte des ",
    "municipalite regionale de comte du ",
    "municipalite regionale de comte de ",
    "municipalite regionale de comte d ",
    "territoire equivalent de la ",
    "territoire equivalent de ",
    "agglomeration de la ",
    "agglomeration de ",
    "ville de la ",
    "ville de ",
    "mrc de la ",
    "mrc des ",
    "mrc du ",
    "mrc de ",
    "mrc d ",
    "mrc l ",
    "mrc ",
    "te de ",
    "te ",
)
# A leading article is dropped on both sides of a comparison: « MRC des Appalaches » means
# « Les Appalaches », « MRC du Granit » means « Le Granit ».
_ARTICLES = re.compile(r"^(?:les|la|le|l|des|du|de|d) ")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def strip_accents(text: str) -> str:
    """« Îles-de-la-Madeleine » → « Iles-de-la-Madeleine » (also folds œ → oe)."""
    text = text.replace("œ", "oe").replace("Œ", "OE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower case, no accents, every run of punctuation, hyphens, apostrophes or spaces → one space."""
    return _NON_ALNUM.sub(" ", strip_accents(str(text)).lower()).strip()


# « St-Georges », « Ste-Marie »: the abbreviations people type for Saint and Sainte.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def name_key(text: str) -> str:
    """The comparison key of a territory name: folded, abbreviations expanded, prefix and leading article removed."""
    key = " ".join(_ABBREVIATIONS.get(word, word) for word in fold(text).split())
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix):]
            break
    return _ARTICLES.sub("", key, count=1)


def slugify(text: str) -> str:
    """Stable, URL-safe identifier made from a name: « Rimouski-Neigette » → « rimouski-neigette »."""
    return fold(text).replace(" ", "-")
