"""`python -m offline export-presentation --region 14 [--file FILE] [--lang fr|en] --out DIR`

Writes the offline presentation of a region (or of all 17 with `--region all`) into DIR, from the
public data or from a coordinator's spreadsheet read by the same importer as
`python -m data.importer check`. Exit codes are the importer's: 0 everything valid and written;
1 rows of the file were rejected (they are listed; the presentations are written with the valid
rows, unless none is valid); 2 the file cannot be read.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from components.dataset import current
from data.import_messages import LANGS
from data.importer import import_file
from data.spreadsheet import UnreadableFile
from geo import layers
from offline.presentation import (
    OwnFile,
    dataset_from_projects,
    file_name,
    presentation_html,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m offline",
                                     description="Présentations hors ligne : un fichier HTML par région, "
                                                 "qui s'ouvre sans serveur ni réseau.")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export-presentation", help="écrire la présentation hors ligne d'une région")
    regions = sorted(layers.territories("region").index)
    export.add_argument("--region", required=True, choices=[*regions, "all"], metavar="CODE",
                        help="code de la région (01 à 17), ou « all » pour les 17")
    export.add_argument("--file", help="tableur de projets d'un·e coordonnateur·rice (.csv ou .xlsx) ; "
                                       "sans lui, les données publiques")
    export.add_argument("--lang", choices=LANGS, default="fr",
                        help="langue à l'ouverture (le fichier contient les deux ; fr par défaut)")
    export.add_argument("--out", required=True, help="dossier où écrire les fichiers (créé s'il manque)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    status, data, own_file = 0, current(), None
    if args.file:
        try:
            result = import_file(args.file, args.lang)
        except UnreadableFile as failure:
            print(str(failure), file=sys.stderr)
            return 2
        if not result.ok:
            print(result.report(), file=sys.stderr)
            status = 1
        if not result.rows_valid:
            return 1
        data, own_file = dataset_from_projects(result.projects), OwnFile(result.file_name)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    regions = sorted(layers.territories("region").index) if args.region == "all" else [args.region]
    for region in regions:
        path = out / file_name(region, args.lang)
        path.write_text(presentation_html(region, data, args.lang, own_file), encoding="utf-8")
        print(f"{path} ({path.stat().st_size / 1_000_000:.2f} Mo)")
    return status


if __name__ == "__main__":
    sys.exit(main())
