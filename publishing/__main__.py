"""Operators' command line.

    python -m publishing invite --alliance 14 --email coordonnatrice@example.org
    python -m publishing invite-operator --email operateur@example.org
    python -m publishing migrate
    python -m publishing export --out DIR
    python -m publishing import-archive DIR

`invite` and `invite-operator` print a one-time link (valid 7 days) to pass to the person: the app
sends no mail. Inviting someone again resets her password.

`export` writes every published version of every Alliance as CSV with its provenance (withdrawn ones
too, marked so); `import-archive` writes such an archive back into an empty database
(publishing/export.py says what the files hold).
"""
from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from publishing import accounts, db, export, territory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m publishing", description="Publication des Alliances : comptes.")
    commands = parser.add_subparsers(dest="command", required=True)
    coordinator = commands.add_parser("invite", help="inviter un·e coordonnateur·rice d'une Alliance (lien à usage unique)")
    coordinator.add_argument("--alliance", required=True, help="identifiant de l'Alliance (lanaudiere) ou code de région (14)")
    coordinator.add_argument("--email", required=True)
    operator = commands.add_parser("invite-operator", help="inviter un·e opérateur·rice (lien à usage unique)")
    operator.add_argument("--email", required=True)
    commands.add_parser("migrate", help="créer ou mettre à jour la base de données")
    archive = commands.add_parser("export", help="écrire toutes les versions publiées en CSV, avec leur provenance")
    archive.add_argument("--out", required=True, type=Path, help="dossier de l'archive (créé au besoin)")
    restore = commands.add_parser("import-archive", help="réimporter une archive écrite par export dans une base vide")
    restore.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except db.UNREACHABLE as error:
        print(f"Refusé : {db.unreachable(error)}", file=sys.stderr)
        return 3


def _run(args: argparse.Namespace) -> int:
    db.migrate()
    if args.command == "migrate":
        print(f"Base à jour : {db.engine().url.render_as_string(hide_password=True)}")
        return 0
    if args.command in ("export", "import-archive"):
        return _archive(args)
    by = f"ligne de commande ({getpass.getuser()})"
    try:
        with db.session() as s:
            if args.command == "invite":
                token = accounts.invite(s, args.email, "coordinator", args.alliance, by)
            else:
                token = accounts.invite(s, args.email, "operator", None, by)
    except (accounts.AccountError, territory.UnknownAlliance) as error:
        print(f"Refusé : {error}", file=sys.stderr)
        return 2
    print(f"Lien d'invitation pour {args.email.strip().lower()} (valide {accounts.INVITATION_DAYS} jours, une seule fois) :")
    print(accounts.invitation_url(token))
    print("Aucun courriel n'est envoyé : transmettez ce lien vous-même.")
    return 0


def _archive(args: argparse.Namespace) -> int:
    try:
        if args.command == "export":
            counts = export.write_archive(args.out)
            where = args.out
        else:
            counts = export.import_archive(args.directory, by=f"ligne de commande ({getpass.getuser()})")
            where = db.engine().url.render_as_string(hide_password=True)
    except export.ArchiveError as error:
        print(f"Refusé : {error}", file=sys.stderr)
        return 2
    print(f"{counts['versions']} version(s), {counts['rows']} projet(s), {counts['people']} personne(s) : {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
