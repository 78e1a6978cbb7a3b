"""The interface's words live in the catalogs (texts/locale), complete in both languages, with real plural
forms; no Python module writes a French sentence of the interface itself."""
from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

from texts import catalogs

ROOT = Path(__file__).resolve().parents[1]
# Modules whose French strings are not the interface's words, and why.
NOT_INTERFACE = {
    # words recognised in a coordinator's spreadsheet (matched, not shown), and the template's columns
    # and examples, which must be those same words
    "data/parsing.py": "input vocabulary", "web/templates.py": "input vocabulary", "geo/names.py": "input vocabulary",
    # messages for the operator who runs the build, the server or the curated files' checks (French, the
    # project's working language; never shown to a visitor)
    "geo/build.py": "operator", "geo/sources.py": "operator", "geo/lookup.py": "operator", "data/load.py": "operator",
    "data/schema.py": "operator", "web/startup.py": "operator", "web/health.py": "operator", "web/warmup.py": "operator",
    "web/plotly_bundle.py": "operator", "web/security.py": "operator", "serve.py": "operator", "config.py": "operator",
    # the synthetic demo data set (names that look real on purpose) and its command line
    "data/synthetic.py": "demo data",
    "web/request_guard.py": "operator", "offline/__main__.py": "operator", "geo/municipalities.py": "operator",
    "data/append.py": "operator", "web/public_url.py": "operator", "data/importer.py": "operator (command line) and input vocabulary",
    "publishing/__main__.py": "operator (command line)", "publishing/territory.py": "operator (an unknown Alliance id)",
    "publishing/export.py": "operator (the archive's command line)", "publishing/db.py": "operator (database unreachable)",
}
FRENCH = re.compile(r"[àâçéèêëîïôûùüÿœ]|\b(le|la|les|des|du|une|un|et|est|aux|pour|dans|sur|par)\b", re.I)


def _messages(lang: str) -> dict[str, object]:
    return {str(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in catalogs.catalog(lang) if m.id}


def test_every_message_is_in_both_languages_and_none_is_empty():
    fr, en = _messages("fr"), _messages("en")
    assert fr.keys() == en.keys(), {"fr only": sorted(fr.keys() - en.keys()), "en only": sorted(en.keys() - fr.keys())}
    empty = [(lang, key) for lang, table in (("fr", fr), ("en", en)) for key, value in table.items()
             if not value or (isinstance(value, tuple) and not all(value))]
    assert not empty


def test_no_message_writes_a_plural_with_parentheses():
    bad = [(lang, key) for lang in catalogs.LANGS for key, value in _messages(lang).items()
           if re.search(r"\w\((s|x|es|e|nt)\)", (" ".join(value) if isinstance(value, tuple) else value).replace("http(s)", ""))]
    assert not bad


def test_plural_messages_follow_each_language_rule():
    plural = [str(m.id[0]) for m in catalogs.catalog("fr") if m.id and isinstance(m.id, tuple)]
    assert plural, "no plural message: counts would read « projet(s) »"
    for msgid in plural:
        # French: 0 and 1 singular, English: only 1 (a word may be the same in both forms: « MRC »).
        assert catalogs.ngettext(msgid, 0, "fr") == catalogs.ngettext(msgid, 1, "fr"), msgid
        assert catalogs.ngettext(msgid, 0, "en") == catalogs.ngettext(msgid, 2, "en"), msgid
    # and for the counts that are words, the forms really differ
    assert catalogs.ngettext("plurals.n_projects", 1, "fr") != catalogs.ngettext("plurals.n_projects", 2, "fr")


def test_a_missing_message_raises_instead_of_showing_its_name():
    with pytest.raises(KeyError):
        catalogs.gettext("ui.no_such_message", "fr")
    with pytest.raises(KeyError):
        catalogs.Messages("ui")["no_such_message"]


LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}


def _string_constants(tree: ast.AST):
    """The module's string constants, less its docstrings and the messages it logs (those are for the
    operator who reads the server's log, in the project's working language, never shown to a visitor)."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in LOG_METHODS
                and isinstance(node.func.value, (ast.Attribute, ast.Name))
                and "log" in ast.unparse(node.func.value).lower()):
            skipped.update(id(arg) for arg in node.args)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            yield node


def test_no_french_sentence_of_the_interface_outside_the_catalogs():
    files = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    found = []
    for name in files:
        if name.startswith(("tests/", "bench/", "scripts/", "texts/")) or name in NOT_INTERFACE:
            continue
        for node in _string_constants(ast.parse((ROOT / name).read_text(encoding="utf-8"))):
            words = node.value.split()
            if len(words) >= 3 and FRENCH.search(node.value) and not node.value.startswith(("http", "SELECT")):
                found.append(f"{name}:{node.lineno}: {node.value[:70]!r}")
    assert not found, "\n".join(found)


def test_no_stylesheet_writes_words_of_its_own():
    """CSS `content` may draw a symbol or read an attribute the page wrote from the catalogs, never a sentence."""
    files = subprocess.run(["git", "ls-files", "*.css"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert files
    found = [f"{name}: {words}" for name in files
             for words in re.findall(r"""content:\s*(["'][^"']*["'])""", (ROOT / name).read_text(encoding="utf-8"))
             if len(re.findall(r"[^\W\d_]{2,}", words)) >= 2]
    assert not found, "\n".join(found)
