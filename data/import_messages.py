"""The words of the spreadsheet importer, in French (default) and English.

Every message has both languages; `tests/test_importer.py` checks that they use the same
placeholders. Codes are stable: the app's upload can key on them.
"""
from __future__ import annotations

from typing import Any

from babel.numbers import format_currency

LANGS = ("fr", "en")

# (French, English) text of every message; `{placeholders}` are filled by `message()`.
MESSAGES: dict[str, tuple[str, str]] = {
    # the file as a whole (UnreadableFile, exit 2)
    "not_found": ("{file} : fichier introuvable.", "{file}: file not found."),
    "file_too_large": ("{file} : fichier trop volumineux ({size}, maximum {max}).",
                       "{file}: file too large ({size}, maximum {max})."),
    "empty_file": ("{file} : le fichier est vide.", "{file}: the file is empty."),
    "unsupported_type": ("{file} : type de fichier non pris en charge ; formats acceptés : CSV (.csv) et Excel (.xlsx).",
                         "{file}: unsupported file type; accepted formats: CSV (.csv) and Excel (.xlsx)."),
    "legacy_xls": ("{file} : l'ancien format Excel (.xls) n'est pas pris en charge ; enregistrez le classeur en .xlsx ou en CSV.",
                   "{file}: the old Excel format (.xls) is not supported; save the workbook as .xlsx or CSV."),
    "xlsx_unreadable": ("{file} : classeur Excel illisible ({detail}).", "{file}: unreadable Excel workbook ({detail})."),
    "xlsx_too_big": ("{file} : classeur refusé : décompressé, il ferait {size} (maximum {max}).",
                     "{file}: workbook refused: uncompressed it would be {size} (maximum {max})."),
    "xlsx_ratio": ("{file} : classeur refusé : taux de compression anormal ({ratio} pour 1, maximum {max}).",
                   "{file}: workbook refused: abnormal compression ratio ({ratio} to 1, maximum {max})."),
    "csv_binary": ("{file} : ce n'est pas un fichier texte CSV (un classeur Excel doit porter l'extension .xlsx).",
                   "{file}: not a CSV text file (an Excel workbook must have the .xlsx extension)."),
    "csv_encoding": ("{file} : encodage non reconnu ; enregistrez le fichier en CSV UTF-8 ou Windows-1252.",
                     "{file}: unknown encoding; save the file as CSV in UTF-8 or Windows-1252."),
    "csv_unreadable": ("{file} : CSV illisible ({detail}).", "{file}: unreadable CSV ({detail})."),
    "no_header": ("{file} : aucune ligne d'en-tête dans les {n} premières lignes ; il en faut une avec au moins deux "
                  "colonnes reconnues, par exemple « Nom du projet », « Organisme porteur », « MRC », « Montant accordé ».",
                  "{file}: no header row in the first {n} rows; one is needed with at least two known columns, "
                  "for example « Project name », « Promoter », « MRC », « Amount granted »."),
    "too_many_rows": ("{file} : trop de lignes (plus de {max}) ; découpez le fichier.",
                      "{file}: too many rows (more than {max}); split the file."),
    # whole-file problems once read (exit 1)
    "missing_column": ("colonne obligatoire absente : « {label} »", "required column missing: « {label} »"),
    "missing_title_description": ("colonne obligatoire absente : « {label} » (« {column} » décrit le projet : ce n'est pas son titre)",
                                  "required column missing: « {label} » (« {column} » describes the project: it is not its title)"),
    "missing_location_columns": ("aucune colonne de localisation : il faut une colonne MRC, Municipalité, Région ou Longitude et Latitude",
                                 "no location column: an MRC, Municipality, Region or Longitude and Latitude column is needed"),
    "missing_pair_column": ("colonne « {present} » sans colonne « {missing} »",
                            "column « {present} » without a « {missing} » column"),
    # one cell
    "formula_no_value": ("formule sans valeur enregistrée : ouvrez et enregistrez le classeur dans votre tableur, ou tapez la valeur",
                         "formula without a saved value: open and save the workbook in your spreadsheet program, or type the value"),
    "total_row": ("ligne de total : retirez-la (la carte calcule les totaux elle-même)",
                  "total row: remove it (the map computes totals itself)"),
    "title_missing": ("nom du projet manquant", "project name missing"),
    "promoter_missing": ("organisme porteur manquant", "promoter missing"),
    "text_too_long": ("texte trop long ({length} caractères, maximum {max})",
                      "text too long ({length} characters, maximum {max})"),
    "amount_not_number": ("montant illisible : « {value} »", "unreadable amount: « {value} »"),
    "amount_negative": ("montant négatif : « {value} »", "negative amount: « {value} »"),
    "amount_too_large": ("montant invraisemblable (plus de {max}) : « {value} »",
                         "implausible amount (more than {max}): « {value} »"),
    "year_invalid": ("année illisible : « {value} »", "unreadable year: « {value} »"),
    "year_out_of_range": ("année hors des bornes {low}–{high} : « {value} »", "year outside {low}–{high}: « {value} »"),
    "end_before_start": ("l'année de fin ({end}) précède l'année de début ({start})",
                         "the end year ({end}) is before the start year ({start})"),
    "coord_invalid": ("coordonnée illisible (degrés décimaux attendus, ex. -68,52) : « {value} »",
                      "unreadable coordinate (decimal degrees expected, e.g. -68.52): « {value} »"),
    "coord_pair": ("« {present} » sans « {missing} » : il faut les deux", "« {present} » without « {missing} »: both are needed"),
    "coord_swapped": ("longitude et latitude semblent inversées ({lon}, {lat})",
                      "longitude and latitude look swapped ({lon}, {lat})"),
    "point_outside": ("le point ({lon}, {lat}) n'est pas au Québec", "the point ({lon}, {lat}) is not in Québec"),
    "point_mismatch": ("le point ({lon}, {lat}) est dans la MRC {found}, pas dans {given}",
                       "the point ({lon}, {lat}) is in the MRC {found}, not in {given}"),
    "mrc_unknown": ("MRC inconnue : « {value} »", "unknown MRC: « {value} »"),
    "mrc_ambiguous": ("MRC ambiguë : « {value} » peut désigner {options}", "ambiguous MRC: « {value} » may mean {options}"),
    "mrc_is_municipality": ("MRC inconnue : « {value} » ; s'agit-il de la municipalité de la MRC {mrc} ?",
                            "unknown MRC: « {value} »; is it the municipality in the MRC {mrc}?"),
    "mrcs_several_regions": ("ces MRC sont dans des régions différentes ({regions}) : une ligne par région",
                             "these MRC are in different regions ({regions}): one row per region"),
    "regional_without_region": ("projet régional (« {value} ») : indiquez la région",
                                "regional project (« {value} »): give the region"),
    "region_unknown": ("région inconnue : « {value} »", "unknown region: « {value} »"),
    "region_mismatch": ("la région « {value} » ne correspond pas à la MRC {mrc} (région {expected})",
                        "the region « {value} » does not match the MRC {mrc} (region {expected})"),
    "municipality_unplaced": ("municipalité « {value} » absente du Répertoire des municipalités du Québec : indiquez sa MRC (colonne « MRC »)",
                              "municipality « {value} » is not in Québec's Répertoire des municipalités: give its MRC (« MRC » column)"),
    "municipality_ambiguous": ("plusieurs municipalités s'appellent « {value} » : MRC {options} ; indiquez la MRC (colonne « MRC ») ou la région",
                               "several municipalities are called « {value} »: MRC {options}; give the MRC (« MRC » column) or the region"),
    "municipality_mismatch": ("la municipalité « {value} » est dans la MRC {found}, pas dans {given}",
                              "the municipality « {value} » is in the MRC {found}, not in {given}"),
    "no_location": ("aucune localisation : indiquez la MRC, la municipalité, la région ou les coordonnées",
                    "no location: give the MRC, the municipality, the region or the coordinates"),
    # warnings
    "unknown_columns": ("colonnes ignorées (non reconnues) : {columns}", "ignored columns (not recognised): {columns}"),
    "duplicate_column": ("deux colonnes pour la même information : « {used} » est lue, « {ignored} » est ignorée",
                         "two columns for the same information: « {used} » is read, « {ignored} » is ignored"),
    "stand_in_column": ("« {column} » est lue comme « {label} », faute d'une colonne « {label} » : vérifiez que c'est bien le montant accordé",
                        "« {column} » is read as « {label} », for want of a « {label} » column: check that it is the amount granted"),
    "columns_beyond_limit": ("les colonnes au-delà de la {max}e sont ignorées", "columns beyond the {max}th are ignored"),
    "other_sheets": ("seule la feuille « {sheet} » est lue (le classeur en compte {count})",
                     "only the sheet « {sheet} » is read (the workbook has {count})"),
    "no_rows": ("aucune ligne de projet sous l'en-tête", "no project rows below the header"),
    "municipality_region_only": ("municipalité « {value} » absente du Répertoire des municipalités du Québec : le projet est placé à l'échelle de la région",
                                 "municipality « {value} » is not in Québec's Répertoire des municipalités: the project is placed at the region level"),
    "source_not_url": ("source qui n'est pas une adresse web, gardée en note : « {value} »",
                       "source that is not a web address, kept as a note: « {value} »"),
    "amount_above_total": ("le montant FQIS ({amount}) dépasse le coût total ({total})",
                           "the FQIS amount ({amount}) exceeds the total cost ({total})"),
    "schema": ("{detail}", "{detail}"),
}
REPORT_WORDS: dict[str, tuple[str, str]] = {
    "file": ("Fichier", "File"),
    "sheet": ("feuille", "sheet"),
    "header_at": ("en-tête à la ligne", "header on row"),
    "summary": ("{read} ligne(s) lue(s), {valid} valide(s), {rejected} rejetée(s).",
                "{read} row(s) read, {valid} valid, {rejected} rejected."),
    "errors": ("Erreurs", "Errors"),
    "warnings": ("Avertissements", "Warnings"),
    "row": ("ligne", "row"),
    "column": ("colonne", "column"),
    "all_valid": ("Toutes les lignes sont valides.", "Every row is valid."),
    "or": (" ou ", " or "),
}
# The `add` command's words. Counted words have their singular and plural forms: (fr one, fr many,
# en one, en many); French uses the singular for 0 and 1, English for 1 only.
ADD_WORDS: dict[str, tuple[str, str]] = {
    "bad_url": ("--source-url : « {value} » n'est pas une adresse web http(s)",
                "--source-url: « {value} » is not an http(s) web address"),
    "bad_date": ("--source-date : « {value} » n'est pas une date AAAA, AAAA-MM ou AAAA-MM-JJ",
                 "--source-date: « {value} » is not a date YYYY, YYYY-MM or YYYY-MM-DD"),
    "dry_run": ("Simulation (--dry-run) : rien n'est écrit.", "Dry run (--dry-run): nothing is written."),
    "target": ("Ajout à {target} (source : {url})", "Adding to {target} (source: {url})"),
    "added": ("{count} :", "{count}:"),
    "would_add": ("{count} à ajouter :", "{count} to add:"),
    "none_added": ("Aucun projet ajouté.", "No project added."),
    "duplicates": ("{count}, non ajoutés :", "{count}, not added:"),
    "duplicate_existing": ("ligne {row} : « {title} » est déjà dans {target} ({id})",
                           "row {row}: « {title} » is already in {target} ({id})"),
    "duplicate_upload": ("ligne {row} : « {title} » répète la ligne {first} du fichier",
                         "row {row}: « {title} » repeats row {first} of the file"),
    "rejected": ("{count} (voir les erreurs ci-dessus), non ajoutées.", "{count} (see the errors above), not added."),
    "logged": ("Journal : une ligne ajoutée à {log}.", "Log: one line added to {log}."),
}
COUNTED: dict[str, tuple[str, str, str, str]] = {
    "project_added": ("projet ajouté", "projets ajoutés", "project added", "projects added"),
    "project": ("projet", "projets", "project", "projects"),
    "duplicate": ("doublon", "doublons", "duplicate", "duplicates"),
    "row_rejected": ("ligne rejetée", "lignes rejetées", "row rejected", "rows rejected"),
}
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "title": ("Nom du projet", "Project name"),
    "promoter": ("Organisme porteur", "Promoter"),
    "mrc": ("MRC", "MRC"),
    "municipality": ("Municipalité", "Municipality"),
    "region": ("Région", "Region"),
    "amount": ("Montant accordé", "Amount granted"),
    "total_cost": ("Coût total", "Total cost"),
    "priority": ("Priorité", "Priority"),
    "start_year": ("Année", "Year"),
    "end_year": ("Année de fin", "End year"),
    "lon": ("Longitude", "Longitude"),
    "lat": ("Latitude", "Latitude"),
    "source": ("Source", "Source"),
}


def message(code: str, lang: str = "fr", **params: Any) -> str:
    """The text of message `code` in `lang` ("fr" or "en"); unused parameters are ignored."""
    return MESSAGES[code][LANGS.index(lang)].format(**params)


def word(key: str, lang: str) -> str:
    """A word of the readable report (REPORT_WORDS)."""
    return REPORT_WORDS[key][LANGS.index(lang)]


def label(field: str, lang: str) -> str:
    """The standard header of a field, for messages about a column the file lacks."""
    return FIELD_LABELS[field][LANGS.index(lang)]


def size_text(n: int, lang: str) -> str:
    """A file size in megabytes: « 5,0 Mo » or « 5.0 MB »."""
    text = f"{n / 1_000_000:.1f}"
    return (text.replace(".", ",") + " Mo") if lang == "fr" else (text + " MB")


def money_text(amount: float, lang: str) -> str:
    """Whole dollars in the reader's convention: « 50 000 000 $ » or « $50,000,000 »."""
    locale, pattern = ("fr_CA", "#,##0\u00a0¤") if lang == "fr" else ("en_CA", "¤#,##0")
    return format_currency(amount, "CAD", locale=locale, format=pattern, currency_digits=False)



def add_word(key: str, lang: str, **params: Any) -> str:
    """A sentence of the `add` command's report (ADD_WORDS)."""
    return ADD_WORDS[key][LANGS.index(lang)].format(**params)


def counted(n: int, key: str, lang: str) -> str:
    """« 1 projet ajouté », « 2 projets ajoutés », « 0 doublon »; « 1 duplicate », « 0 duplicates »."""
    fr_one, fr_many, en_one, en_many = COUNTED[key]
    if lang == "fr":
        return f"{n} {fr_one if n < 2 else fr_many}"
    return f"{n} {en_one if n == 1 else en_many}"
