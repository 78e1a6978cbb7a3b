"""While its scripts load, a page says so in its own language, from the catalogs (web/loading_words.py)."""
from __future__ import annotations

import re

import pytest

from texts.catalogs import gettext
from web import loading_words

LOADING = re.compile(r'<div class="_dash-loading">\s*(.*?)\s*</div>', re.S)


@pytest.fixture()
def client():
    import app

    return app.app.server.test_client()


@pytest.mark.parametrize("path, lang", [("/methodologie", "fr"), ("/methodologie?lang=en", "en"),
                                        ("/region/05?lang=en", "en"), ("/?level=mrc", "fr"), ("/?lang=xx", "fr")])
def test_the_loading_words_are_the_pages_language(client, path, lang):
    page = client.get(path).get_data(as_text=True)
    (words,) = LOADING.findall(page)
    assert words == gettext("ui.loading", lang)
    assert "Loading..." not in page


def test_the_words_are_escaped_and_other_markup_left_alone(monkeypatch):
    monkeypatch.setattr(loading_words, "t", lambda key, lang: "<b>&</b>")
    assert loading_words.localised('<div class="_dash-loading">\n  Loading...\n</div>', "fr") == \
        '<div class="_dash-loading">&lt;b&gt;&amp;&lt;/b&gt;</div>'
    assert loading_words.localised("<div>autre chose</div>", "fr") == "<div>autre chose</div>"


def test_the_first_paint_says_in_its_language_that_the_interactive_map_is_coming(client):
    for path, lang in (("/", "fr"), ("/embed?lang=en", "en"), ("/embed", "fr")):
        page = client.get(path).get_data(as_text=True)
        assert f'data-loading="{gettext("ui.loading_interactive_map", lang)}"' in page, path
