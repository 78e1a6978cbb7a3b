"""Refuse to start on missing or invalid data, before the server listens.

`check_ready()` is called at the top of `app.create_app()`. It loads everything a page needs (the
map layers, then the curated tables) and turns the errors the loaders raise into one French
paragraph on stderr and a `SystemExit`, with no traceback: the person deploying reads which file is
wrong and why, and gunicorn (`preload_app`) stops before it binds its port.
"""
from __future__ import annotations

import json
import sys

import config
from data.schema import DataFileError
from geo import layers

# sysexits.h EX_CONFIG: the service is misconfigured. A supervisor can be told not to restart on it
# (systemd: RestartPreventExitStatus=78), since restarting cannot fix a data file.
EXIT_CODE = 78
# sysexits.h EX_UNAVAILABLE: the database does not answer. Unlike a bad file, restarting later may
# work (PostgreSQL was still starting), so a supervisor may keep trying.
EXIT_DATABASE = 69
MAX_PROBLEMS_SHOWN = 5


class NotReady(Exception):
    """One file is missing or invalid; `file` names it, the message says what is wrong."""

    def __init__(self, file: str, problem: str, remedy: str, subject: str = "Fichier en cause",
                 exit_code: int = EXIT_CODE):
        super().__init__(problem)
        self.file, self.problem, self.remedy = file, problem, remedy
        self.subject, self.exit_code = subject, exit_code

    def paragraph(self) -> str:
        return (f"Carte des Alliances : démarrage refusé, aucune page n'a été servie. "
                f"{self.subject} : {self.file}. Problème : {self.problem} {self.remedy}")


def _missing_layer(error: layers.LayersNotBuilt) -> str:
    """The path in a LayersNotBuilt message (« couche absente : PATH — lancez … »)."""
    return str(error).split(" — ")[0].removeprefix("couche absente : ")


def _check_layers() -> None:
    """Every file of the build folder that a page or a loader reads, opened once."""
    remedy = "Lancez « python -m geo.build » (ou « make build »), puis redémarrez."
    build = config.geo_build_dir()
    readers = [(f"{level}.csv", lambda level=level: layers.territories(level)) for level in layers.LEVELS]
    readers += [("alliance_mrc.csv", layers.alliance_membership), ("attribution.json", layers.attribution_lines),
                ("municipality.csv", layers.municipalities), ("mrc_land.fgb", layers.land_polygons_path)]
    for name, read in readers:
        try:
            read()
        except layers.LayersNotBuilt as error:
            raise NotReady(_missing_layer(error), f"fichier de couche absent (CARTE_BUILD_DIR = {config.build_dir()}).",
                           remedy) from None
        except (OSError, ValueError, KeyError) as error:
            raise NotReady(str(build / name), f"fichier de couche illisible ({error}).", remedy) from None
    for level in layers.LEVELS:
        try:
            path = layers.layer_path(level)
        except layers.LayersNotBuilt as error:
            raise NotReady(_missing_layer(error), "couche de carte absente.", remedy) from None
        try:
            with open(path, encoding="utf-8") as f:
                layer = json.load(f)
        except (OSError, ValueError) as error:
            raise NotReady(str(path), f"GeoJSON illisible ({error}).", remedy) from None
        if not isinstance(layer, dict) or layer.get("type") != "FeatureCollection" or not layer.get("features"):
            raise NotReady(str(path), "ce n'est pas une FeatureCollection non vide.", remedy)


def _check_database() -> None:
    """The publishing database answers and is migrated (the public data read its publications)."""
    from publishing import db

    try:
        db.migrate()
    except db.UNREACHABLE as error:
        setting, problem = str(db.unreachable(error)).split(" : ", 1)
        raise NotReady(setting, f"{problem}.", "Démarrez la base ou corrigez le réglage (docs/OPERATIONS.md), "
                       "puis redémarrez.", "Réglage en cause", EXIT_DATABASE) from None


def _check_dataset() -> None:
    from components import (
        dataset,  # imports pandas and the loaders; after the cheap layer checks
    )
    from components.i18n import plural

    try:
        dataset.current()
    except DataFileError as error:
        problems = error.problems
        files = sorted({p.file for p in problems})
        shown = " ; ".join(str(p) for p in problems[:MAX_PROBLEMS_SHOWN])
        more = (f" ; … et {plural('others', len(problems) - MAX_PROBLEMS_SHOWN, 'fr')}"
                if len(problems) > MAX_PROBLEMS_SHOWN else "")
        raise NotReady(", ".join(files), f"{plural('problems', len(problems), 'fr')} : {shown}{more}.",
                       "Corrigez le fichier (ligne 1 = en-tête), puis redémarrez.") from None
    except layers.LayersNotBuilt as error:  # a loader needs a layer the checks above did not open
        raise NotReady(_missing_layer(error), "fichier de couche absent.", "Lancez « make build », puis redémarrez.") from None


def check_ready() -> None:
    """Load the layers and the data once; on failure print one paragraph and exit with EXIT_CODE.

    Cheap when everything is already loaded (every loader caches per process), so it is safe to call
    again, e.g. from a test.
    """
    try:
        _check_layers()
        _check_database()
        _check_dataset()
    except NotReady as error:
        print(error.paragraph(), file=sys.stderr, flush=True)
        raise SystemExit(error.exit_code) from None
