"""« À propos des données »: sources, licences, definitions, population vintage and known gaps."""
from __future__ import annotations

from dash import html

from geo import layers

_TEXT = {
    "fr": {
        "title": "À propos des données",
        "sections": [
            ("Ce que montre la carte",
             "Les montants du Fonds québécois d'initiatives sociales (FQIS) versés par les 21 Alliances pour la "
             "solidarité : l'enveloppe réservée à chaque territoire et les projets financés dont une source publique "
             "donne le montant. Aucun jeu de données officiel par projet n'est publié : la carte ne montre que ce qui "
             "est documenté, et chaque ligne du tableau renvoie à sa source."),
            ("Enveloppe ou montant de projet",
             "Une enveloppe est l'argent réservé à une Alliance ou à un territoire pour un cycle ; un montant de projet "
             "est ce qu'un projet a reçu. Les montants annoncés pour un ensemble de projets, les soldes et les plafonds "
             "sont d'autres choses encore : ces catégories ne sont jamais additionnées entre elles."),
            ("Projets sur plusieurs territoires",
             "Un projet est compté une seule fois, dans le plus petit territoire qui contient tous les lieux qu'il sert : "
             "une MRC, sinon la région. Les projets régionaux ou multi-MRC ne sont donc pas répartis entre les MRC."),
            ("Montant par habitant",
             "Toujours le total d'un territoire divisé par sa population, jamais une somme de montants par habitant. "
             "Population : Recensement de 2021 (Statistique Canada). Là où une division de recensement contient plusieurs "
             "MRC, la population de chaque MRC est estimée selon les parts 2016 de l'ISQ."),
            ("Aucune donnée n'est pas zéro",
             "Un territoire gris n'a reçu aucun projet connu de nous ; cela ne veut pas dire qu'il n'a rien reçu. "
             "Un projet sans montant connu compte dans le nombre de projets, pas dans les montants."),
            ("Ce qui manque",
             "Environ 3 000 projets ont été financés depuis 2018 ; seule une petite partie est documentée ici. "
             "Les enveloppes 2019–2023 de plusieurs régions n'ont pas été trouvées. Le territoire de l'Alliance des "
             "Premières Nations (29 communautés non conventionnées) n'est pas dessiné, faute de liste des communautés."),
        ],
        "sources": "Sources et licences",
    },
    "en": {
        "title": "About the data",
        "sections": [
            ("What the map shows",
             "Money from the Fonds québécois d'initiatives sociales (FQIS) given through the 21 Alliances pour la "
             "solidarité: the envelope reserved for each area and the funded projects whose amount a public source "
             "states. No official per-project dataset is published: the map shows only what is documented, and every "
             "row of the table links to its source."),
            ("Envelope or project amount",
             "An envelope is money reserved for an Alliance or an area for one cycle; a project amount is what one "
             "project received. Amounts announced for a set of projects, balances and caps are yet other things: these "
             "kinds are never added together."),
            ("Projects spanning several areas",
             "A project counts once, in the smallest area holding every place it serves: an MRC, otherwise the region. "
             "Region-wide or multi-MRC projects are not split among MRC."),
            ("Amount per inhabitant",
             "Always an area's total divided by its population, never a sum of per-capita amounts. Population: 2021 "
             "Census (Statistics Canada). Where one census division holds several MRC, each MRC's population is "
             "estimated from 2016 ISQ shares."),
            ("No data is not zero",
             "A grey area has no project known to us; that does not mean it received nothing. A project with no known "
             "amount counts in the number of projects, not in the amounts."),
            ("What is missing",
             "About 3,000 projects have been funded since 2018; only a small share is documented here. 2019–2023 "
             "envelopes were not found for several regions. The First Nations Alliance's territory (29 non-treaty "
             "communities) is not drawn, for want of a list of the communities."),
        ],
        "sources": "Sources and licences",
    },
}


def panel(lang: str) -> html.Section:
    text = _TEXT["en" if lang == "en" else "fr"]
    sections = [html.Div([html.H3(title), html.P(body)]) for title, body in text["sections"]]
    sources = html.Ul([html.Li(line) for line in layers.attribution_lines()])
    return html.Section([
        html.Details([html.Summary(html.H2(text["title"])), *sections, html.H3(text["sources"]), sources], open=False),
    ], id="about", className="about")
