"""Long texts in Markdown (texts/prose) rendered as Dash components: the methodology page's words are
its Markdown files, the same sections and computed parts in each language."""
from __future__ import annotations

import re

import pytest
from dash import html

from components.words import prose
from pages import methodology
from tests.test_territory_page import of_type
from texts.catalogs import LANGS, PROSE_DIR

# Links into /methodologie (and the browser tests) point at these sections: they keep their anchors.
METHODOLOGY_ANCHORS = ["definitions", "multi-territoires", "par-habitant", "part-documentee", "certitude",
                       "population", "alliances", "natures", "lacunes", "journal", "sources"]


def test_each_language_has_the_same_sections_in_the_same_order_and_the_same_blocks():
    outlines = {lang: prose.outline("methodology", lang) for lang in LANGS}
    assert [anchor for anchor, _ in outlines["fr"]] == METHODOLOGY_ANCHORS
    assert outlines["en"] == outlines["fr"]  # the same anchors, each placing the same blocks


@pytest.mark.parametrize("lang", LANGS)
def test_every_block_the_markdown_places_is_one_the_page_computes_and_each_is_placed_once(lang):
    placed = [block for _, blocks in prose.outline("methodology", lang) for block in blocks]
    assert sorted(placed) == sorted(methodology.blocks(lang))


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_renders_its_markdown_sections_with_their_anchors(lang):
    page = methodology.layout(lang=lang)
    sections = [s for s in of_type(page, html.Section) if "doc-section" in (s.className or "")]
    assert [s.id for s in sections] == METHODOLOGY_ANCHORS
    assert all(isinstance(s.children[0], html.H2) and s.children[0].children for s in sections)
    (lead,) = [p for p in of_type(page, html.P) if getattr(p, "className", None) == "lead"]
    assert "".join(lead.children).strip()
    (definitions,) = of_type(page, html.Dl)
    assert definitions.className == "definitions"
    terms, bodies = of_type(definitions, html.Dt), of_type(definitions, html.Dd)
    assert len(terms) == len(bodies) == 4
    assert all(not str(body.children[0]).lstrip().startswith(":") for body in bodies)


def test_a_list_of_bold_terms_and_colons_is_a_definition_list():
    (dl,) = prose.render("- **Enveloppe** : l'argent réservé.\n- **Projet**: ce qu'un projet reçoit, *connu*.\n")
    assert isinstance(dl, html.Dl) and dl.className == "definitions"
    dt, dd, dt2, dd2 = dl.children
    assert dt.children == ["Enveloppe"] and dd.children == ["l'argent réservé."]
    assert dt2.children == ["Projet"] and dd2.children[0] == "ce qu'un projet reçoit, "
    assert isinstance(dd2.children[1], html.Em)


def test_any_other_list_stays_a_list_and_a_tight_item_holds_its_words_without_a_paragraph():
    (ul,) = prose.render("- **Enveloppe** : l'argent réservé ;\n- une seule MRC : il compte dans cette MRC.\n")
    assert isinstance(ul, html.Ul)
    first, second = ul.children
    assert isinstance(first.children[0], html.Strong) and second.children == ["une seule MRC\u00a0: il compte dans cette MRC."]


def test_no_line_starts_with_a_closing_guillemet_or_a_colon():
    (p,) = prose.render("Le rang : « 2e sur 5 territoires » ; 100 % ? Oui ! Ici: non.")
    assert p.children == ["Le rang\u00a0: «\u00a02e sur 5 territoires\u00a0»\u00a0; 100\u00a0%\u00a0? Oui\u00a0! Ici: non."]


def test_a_block_the_page_does_not_compute_is_named_with_its_file(monkeypatch):
    monkeypatch.setattr(prose, "prose", lambda name, lang: "# Titre\n\nIntro.\n\n## Une section {#une}\n\n{{tableau}}\n")
    with pytest.raises(KeyError, match=r"texts/prose/fr/essai\.md: \{\{tableau\}\}"):
        prose.document("essai", "fr", {"liste": html.Ul()})
    h1, lead, section = prose.document("essai", "fr", {"tableau": html.Table()})
    assert isinstance(h1, html.H1) and lead.className == "lead" and section.id == "une"
    assert isinstance(section.children[-1], html.Table)


def test_no_prose_writes_a_plural_in_parentheses():
    found = [(path.relative_to(PROSE_DIR).as_posix(), match.group())
             for path in sorted(PROSE_DIR.glob("*/*.md"))
             for match in re.finditer(r"\w+\((s|x|es|e|nt)\)", path.read_text(encoding="utf-8"))]
    assert found == []
