"""Message catalogs, read through Babel's gettext support.

Message ids are names (« ui.loading », « methodology.gap_projects »), not sentences: the French
catalog is the source text, the English one its translation, and neither is hidden in the code. A
name is a dotted path whose first part says which table it belongs to; `Messages("methodology")`
is that table seen as a read-only mapping `key → (French, English)`, which is what every page's
`text(table, key, lang)` reads.

`make build` compiles the catalogs (`pybabel compile -d texts/locale`); where the compiled file is
missing (a checkout that skipped the build), the .po file is read directly: slower to start, same words.

Workflow for a new message: add it to texts/locale/fr/LC_MESSAGES/messages.po, then
`make catalogs` (extracts the template from the French catalog and runs `pybabel update`, which adds
the message, untranslated, to every other language) and translate it in the English catalog;
tests/test_catalogs.py fails while a message is missing or empty in either language.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGS = ("fr", "en")
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
PROSE_DIR = Path(__file__).resolve().parent / "prose"


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def catalog(lang: str) -> Catalog:
    """The .po catalog of `lang` as Babel reads it (for the tests and the table views)."""
    with open(po_path(lang), "rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


@lru_cache(maxsize=None)
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of `lang` (gettext / ngettext); the .po read directly if not compiled."""
    compiled = po_path(lang).with_suffix(".mo")
    if compiled.is_file() and compiled.stat().st_mtime >= po_path(lang).stat().st_mtime:
        with open(compiled, "rb") as handle:
            return Translations(handle, domain=DOMAIN)
    from io import BytesIO

    from babel.messages.mofile import write_mo

    buffer = BytesIO()
    write_mo(buffer, catalog(lang))
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext(msgid: str, lang: str) -> str:
    """The words of `msgid` in `lang`; a missing message raises (a test fails, not a page that shows a name)."""
    found = translations(_lang(lang)).gettext(msgid)
    if found == msgid:
        raise KeyError(f"message {msgid!r} is missing from the {_lang(lang)} catalog")
    return found


def ngettext(msgid: str, n: int, lang: str) -> str:
    """The plural form of `msgid` that fits `n` in `lang` (French: 0 and 1 singular; English: 1 only)."""
    found = translations(_lang(lang)).ngettext(msgid, msgid, n)
    if found == msgid:
        raise KeyError(f"plural message {msgid!r} is missing from the {_lang(lang)} catalog")
    return found


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "fr"


@lru_cache(maxsize=None)
def _keys(prefix: str) -> tuple[str, ...]:
    start = prefix + "."
    return tuple(str(m.id)[len(start):] for m in catalog("fr")
                 if m.id and isinstance(m.id, str) and m.id.startswith(start))


class Messages(Mapping):
    """The messages named `prefix.*`, as a mapping key → (French, English)."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __getitem__(self, key: str) -> tuple[str, str]:
        msgid = f"{self.prefix}.{key}"
        try:
            return gettext(msgid, "fr"), gettext(msgid, "en")
        except KeyError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(_keys(self.prefix))

    def __len__(self) -> int:
        return len(_keys(self.prefix))

    def __repr__(self) -> str:
        return f"Messages({self.prefix!r})"


def prose(name: str, lang: str) -> str:
    """A long text in Markdown (texts/prose/<lang>/<name>.md), French where no English one exists."""
    path = PROSE_DIR / _lang(lang) / f"{name}.md"
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def _plural_keys(prefix: str) -> tuple[str, ...]:
    start = prefix + "."
    return tuple(str(m.id[0])[len(start):] for m in catalog("fr")
                 if m.id and isinstance(m.id, tuple) and str(m.id[0]).startswith(start))


class PluralMessages(Mapping):
    """The plural messages named `prefix.*`, as a mapping key → ((French one, other), (English one, other))."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __getitem__(self, key: str) -> tuple[tuple[str, str], tuple[str, str]]:
        msgid = f"{self.prefix}.{key}"
        try:
            return tuple((ngettext(msgid, 1, lang), ngettext(msgid, 2, lang)) for lang in LANGS)
        except KeyError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(_plural_keys(self.prefix))

    def __len__(self) -> int:
        return len(_plural_keys(self.prefix))
