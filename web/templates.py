"""/modele/projets.xlsx and .csv: the template coordinators fill in (the columns the importer reads)."""
from __future__ import annotations

import io

import pandas as pd
from flask import Flask, send_file

from data.export import to_csv_bytes, to_xlsx_bytes

TEMPLATE_COLUMNS = ["Nom du projet", "Organisme porteur", "MRC", "Municipalité", "Région", "Montant accordé",
                    "Coût total", "Priorité", "Année de début", "Année de fin", "Source",
                    # The follow-up (optional; left empty, it stays unknown): prévu, en cours, terminé, abandonné.
                    "Statut", "Date de fin réelle", "Personnes rejointes", "Lien du rapport"]
# Two rows that show the expected shapes; marked as examples so nobody mistakes them for data.
TEMPLATE_EXAMPLES = [
    ["EXEMPLE — Cuisine collective (à remplacer)", "Organisme porteur de l'exemple", "MRC de La Matanie", "Matane",
     "Bas-Saint-Laurent", "35 000 $", "52 000 $", "Sécurité alimentaire", 2024, 2026, "https://exemple.org/annonce",
     "terminé", "2026-06-30", 120, "https://exemple.org/rapport-d-activites"],
    ["EXEMPLE — Transport solidaire (à remplacer)", "Autre organisme de l'exemple", "", "Rimouski",
     "01", "12 500,50 $", "", "Transport et mobilité", 2025, "", "", "en cours", "", "", ""],
]


def template_frame() -> pd.DataFrame:
    return pd.DataFrame(TEMPLATE_EXAMPLES, columns=TEMPLATE_COLUMNS)


def register(server: Flask) -> None:
    @server.get("/modele/projets.<fmt>")
    def template(fmt: str):
        if fmt == "xlsx":
            body, mime = to_xlsx_bytes(template_frame(), "Projets"), \
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        elif fmt == "csv":
            body, mime = to_csv_bytes(template_frame()), "text/csv"  # Flask adds « ; charset=utf-8 »
        else:
            return ("", 404)
        return send_file(io.BytesIO(body), mimetype=mime, as_attachment=True, download_name=f"modele-projets.{fmt}")
