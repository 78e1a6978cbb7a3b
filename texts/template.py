"""`python -m texts.template`: writes texts/messages.pot, the template of every message, from the French
catalog (French is the source language: a message exists once it has its French words).

`make catalogs` then runs `pybabel update`, which adds each new message, untranslated, to the other
languages' catalogs and drops the ones gone from the French catalog.
"""
from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from texts.catalogs import LOCALE_DIR, catalog

TEMPLATE = LOCALE_DIR.parent / "messages.pot"


def write_template() -> int:
    template = Catalog(project="Carte des Alliances", charset="utf-8")
    for message in catalog("fr"):
        if message.id:
            template.add(message.id, "" if isinstance(message.id, str) else ("", ""),
                         auto_comments=message.auto_comments)
    with open(TEMPLATE, "wb") as handle:
        write_po(handle, template, width=0, sort_output=True, no_location=True)
    return len(template)


if __name__ == "__main__":
    print(f"{TEMPLATE}: {write_template()} messages")
