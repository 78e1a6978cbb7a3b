"""`GET /lieu?q=…&lang=`: « Ma municipalité », a small page written on the server that works without any script.

The first paint of `/` sends its place search here (a plain GET form, `name="q"`), so a visitor on a slow phone
finds their town before the app has loaded. One place → 302 to the map's permalink of its MRC/TE or region.
Several → a list of links (« Saint-Jérôme → MRC La Rivière-du-Nord (Laurentides) »). None → a sentence that
says what was searched and what to try, with the nearest names (rapidfuzz) when some are near.

The query is read through `geo.places.clean_query` (a string of at most 100 characters, whatever was sent),
and the page is written by Jinja2 with autoescaping: whatever the query holds is shown as text.
"""
from __future__ import annotations

from flask import Flask, Response, redirect, request

from components.i18n import clean_lang, plural
from components.place_links import map_href, page_href, place_label, place_words
from components.urls import PLACES_PATH
from geo import places
from texts.catalogs import gettext
from web.page_frame import frame_template

PATH = PLACES_PATH
SHOWN = 20  # links on the page; the rest is counted (« … et 12 autres : précisez le nom »)
STYLESHEET = "/assets/style.css"

_PAGE = frame_template("""{% block main %}<h1>{{ heading }}</h1>
<form class="place-form" method="get" action="{{ action }}" role="search">
<label for="place-q" class="filter-label">{{ field }}</label>
<div class="place-form-row">
<input id="place-q" class="search" type="search" name="q" value="{{ query }}" maxlength="{{ max_query }}"
 autocomplete="off" spellcheck="false" enterkeyhint="search">
{% if lang == "en" %}<input type="hidden" name="lang" value="en">{% endif %}
<button type="submit" class="place-submit">{{ submit }}</button>
</div>
</form>
{% for sentence in sentences %}<p class="place-sentence">{{ sentence }}</p>
{% endfor %}{% if links %}{% if did_you_mean %}<p class="place-sentence">{{ did_you_mean }}</p>{% endif %}
<ul class="place-list">
{% for link in links %}<li><a class="place-link" href="{{ link.href }}">{{ link.label }}</a>
<a class="place-page-link" href="{{ link.page }}">{{ page_word }}</a></li>
{% endfor %}</ul>{% endif %}
{% if more %}<p class="place-sentence">{{ more }}</p>{% endif %}
<p><a href="{{ home }}">{{ back }}</a></p>{% endblock %}""")



def _links(found: tuple[places.Place, ...], lang: str) -> list[dict]:
    return [{"label": place_label(p, lang), "href": map_href(p, lang), "page": page_href(p, lang)} for p in found]


def page(query: object, lang: str) -> tuple[str | None, str]:
    """(address to redirect to, or None; the page's HTML) for what the visitor searched."""
    lang = clean_lang(lang)
    found = places.search(query, limit=SHOWN)
    target = found.single_target()
    if target is not None:
        return map_href(next(p for p in found.places if p.target == target), lang), ""
    sentences, links, did_you_mean, more = [], [], "", ""
    if not found.query:
        sentences.append(place_words("intro", lang))
    elif found.found:
        sentences.append(plural("places_found", found.total, lang, query=found.query))
        links = _links(found.places, lang)
        if found.total > len(found.places):
            more = plural("places_more", found.total - len(found.places), lang)
    else:
        sentences += [place_words("none", lang, query=found.query), place_words("try", lang)]
        # One suggestion per territory: « Rimouski » the town and Rimouski-Neigette lead to the same map.
        first_per_territory: dict[tuple[str, str], places.Place] = {}
        for place in found.suggestions:
            first_per_territory.setdefault(place.target, place)
        links = _links(tuple(first_per_territory.values()), lang)
        did_you_mean = place_words("did_you_mean", lang) if links else ""
    html = _PAGE.render(
        lang=lang, title=f"{place_words('page_title', lang)} — {gettext('ui.title', lang)}", stylesheet=STYLESHEET,
        home="/?lang=en" if lang == "en" else "/", site=gettext("ui.title", lang), heading=place_words("heading", lang),
        action=PATH, field=place_words("field", lang), query=found.query, max_query=places.MAX_QUERY,
        submit=place_words("submit", lang), sentences=sentences, links=links, did_you_mean=did_you_mean,
        page_word=place_words("page_link", lang), more=more, back=place_words("back", lang))
    return None, html


def register(server: Flask) -> None:
    """Attach GET /lieu to the Flask server (the Dash app's `server`)."""

    @server.get(PATH)
    def place_page() -> Response:
        location, html = page(request.args.get("q"), request.args.get("lang", ""))
        if location is not None:
            return redirect(location, code=302)
        return Response(html, mimetype="text/html")
