"""« Ma municipalité » on the map: a town typed in the search box or in the MRC list leads to its MRC in one tap.

The search box keeps searching projects; under it, the places whose name the text is (geo.places) are offered
as buttons, « Saint-Jérôme → MRC La Rivière-du-Nord (Laurentides) »; a tap sets the MRC (or region) filter,
which the permalink follows, and clears the text, which named a place, not a project. When neither a project
nor a place matches, a sentence says what was searched and what to try, with the nearest names.

Places are suggested as the visitor types: after a pause in typing (assets/place_suggest.js, one request per
pause, never one per key), the text goes to a store that this module answers, while the projects and the map
still follow the text only on Enter, as before. Enter answers at once.

The MRC list offers, for what is typed in it, the MRC of every matching municipality under the same words.
Everything the browser sends is cleaned first: a string of at most 100 characters, known ids only, a bounded
number of answers.
"""
from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components import ids
from components.i18n import clean_lang, plural
from components.own_file import upload
from components.place_links import place_label, place_words
from components.state import clean_choices, known_ids
from components.urls import PLACES_PATH
from data import metrics
from data.metrics import Filters
from geo import places
from geo.names import fold

PICK = "place-pick"  # pattern-matching id type of a place's button: {"type": PICK, "index": "mrc:<id>"}
SHOWN = 6  # buttons under the search box; the rest is one link away (/lieu lists them all)
MRC_OPTIONS = 20  # options of the MRC list for a typed name
MIN_CHARACTERS = 2  # « s » would list half of Québec
MRC_KINDS = ("municipality", "mrc")



def _target_key(place: places.Place) -> str:
    level, territory = place.target
    return f"{level}:{territory}"


def _buttons(found: tuple[places.Place, ...], lang: str) -> tuple[html.Ul, int]:
    """One button per territory (Laval the TE and Laval the city lead to the same MRC), at most SHOWN."""
    by_target: dict[str, places.Place] = {}
    for place in found:
        by_target.setdefault(_target_key(place), place)
    items = [html.Li(html.Button(place_label(place, lang), id={"type": PICK, "index": key}, n_clicks=0,
                                 className="place-pick", type="button"))
             for key, place in list(by_target.items())[:SHOWN]]
    return html.Ul(items, className="place-picks"), len(by_target)


def _all_places_link(query: str, lang: str, hidden: int) -> html.P:
    href = PLACES_PATH + "?" + urlencode({"q": query, **({"lang": "en"} if lang == "en" else {})})
    return html.P(html.A(plural("places_more_link", hidden, lang), href=href), className="place-note")


def results(text: object, lang: str, projects: pd.DataFrame | None) -> list:
    """What the place area under the search box shows for `text` (`projects`: the data searched, to tell
    « no project either » apart; None when unknown)."""
    lang = clean_lang(lang)
    query = places.clean_query(text)
    if len(query) < MIN_CHARACTERS:
        return []
    found = places.search(query, limit=places.MAX_LIMIT)
    if found.found:
        buttons, count = _buttons(found.places, lang)
        hidden = count - len(buttons.children) + (found.total - len(found.places))  # beyond MAX_LIMIT too
        return [html.P(place_words("pick", lang), className="place-note"), buttons,
                _all_places_link(query, lang, hidden) if hidden > 0 else None]
    if projects is not None and metrics.filter_mask(projects, Filters(text=query)).any():
        return []  # a project's words, not a place: the project search answers
    out = [html.P(place_words("map_none", lang, query=query), className="place-note"),
           html.P(place_words("map_try", lang), className="place-note")]
    if found.suggestions:
        buttons, _ = _buttons(found.suggestions, lang)
        out += [html.P(place_words("did_you_mean", lang), className="place-note"), buttons]
    return out


def slot(text: str, lang: str, projects: pd.DataFrame) -> html.Div:
    """The place area, drawn for the view's own text (a permalink with `q=`), and the store of the text typed."""
    return html.Div([dcc.Store(id=ids.PLACE_TYPED),
                     html.Div(results(text, lang, projects), id=ids.PLACE_RESULTS, className="place-results",
                              **{"aria-live": "polite"})])


def typed_text(typed: object) -> object:
    """The text of the store's {"text": …, "n": …} (the count makes each pause a change); anything else: None."""
    return typed.get("text") if isinstance(typed, dict) else None


@callback(Output(ids.PLACE_RESULTS, "children"), Input(ids.SEARCH, "value"), Input(ids.PLACE_TYPED, "data"),
          State(ids.LANG, "data"), State(ids.SOURCE, "value"), State(ids.UPLOADED, "data"), prevent_initial_call=True)
def show_places(text, typed, lang, source, uploaded):
    if ctx.triggered_id == ids.PLACE_TYPED:
        text = typed_text(typed)
    return results(text, lang, upload.active_dataset(source, uploaded).projects)


def picked_filters(index: object) -> tuple[str, list[str], list[str]] | None:
    """A button's index (« mrc:la-riviere-du-nord », « region:05 ») → (level, regions, mrcs); None when forged."""
    if not isinstance(index, str) or len(index) > 100:
        return None
    level, _, territory = index.partition(":")
    if level == "mrc" and territory in known_ids()["mrc"]:
        return "mrc", [], [territory]
    if level == "region" and territory in known_ids()["region"]:
        return "region", [territory], []
    return None


@callback(Output(ids.LEVEL, "value", allow_duplicate=True), Output(ids.REGION, "value", allow_duplicate=True),
          Output(ids.MRC, "value", allow_duplicate=True), Output(ids.SEARCH, "value", allow_duplicate=True),
          Output(ids.SELECTED, "data", allow_duplicate=True),
          Input({"type": PICK, "index": ALL}, "n_clicks"), prevent_initial_call=True)
def pick_place(clicks):
    """A tap on a place: its MRC (or region) becomes the filter; the other territory filters are cleared so
    that the two cannot contradict each other (Saint-Jérôme with Estrie chosen would show nothing)."""
    triggered = ctx.triggered_id
    value = ctx.triggered[0].get("value") if ctx.triggered else None
    if not isinstance(triggered, dict) or not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise PreventUpdate  # buttons drawn anew (n_clicks 0) are not taps
    chosen = picked_filters(triggered.get("index"))
    if chosen is None:
        raise PreventUpdate
    level, regions, mrcs = chosen
    return (level if level == "mrc" else no_update), regions, mrcs, "", None


# After a tap, the map's panel comes into view: on a phone it is far above the search box. (Output: a prop nothing else
# writes; the callback only scrolls.)
clientside_callback(
    """function (clicks) {
        var tapped = (clicks || []).some(function (n) { return n > 0; });
        var map = document.getElementById('""" + ids.MAP + """');
        var panel = map && map.closest('section');
        if (tapped && panel && panel.getBoundingClientRect().top < 0) {
            panel.scrollIntoView({block: 'start'});
        }
        return window.dash_clientside.no_update;
    }""",
    Output(ids.PLACE_RESULTS, "title"), Input({"type": PICK, "index": ALL}, "n_clicks"), prevent_initial_call=True,
)


def mrc_options(search: object, chosen: object, lang: str, default: list[dict]) -> list[dict]:
    """The MRC list's options for what is typed in it: the MRC of each matching municipality or MRC, under the
    words « Saint-Jérôme → MRC La Rivière-du-Nord (Laurentides) », then the MRC whose label holds the words
    (its region's name), and the chosen MRC (still shown as chosen)."""
    query = places.clean_query(search)
    if len(query) < MIN_CHARACTERS:
        return default
    found = places.search(query, limit=MRC_OPTIONS, kinds=MRC_KINDS)
    options: dict[str, dict] = {}
    for place in found.places or found.suggestions:
        # `search` is what the list filters on in the browser: the typed words themselves, so that « St-Jérôme »
        # keeps « Saint-Jérôme → … » on screen.
        options.setdefault(place.mrc_id, {"label": place_label(place, lang), "value": place.mrc_id, "search": query})
    # As before: an MRC whose label holds the words (« Lanaudière » lists the MRC of Lanaudière).
    folded = fold(query)
    for option in default:
        if folded in fold(option["label"]):
            options.setdefault(option["value"], {**option, "search": query})
    by_id = {option["value"]: option for option in default}
    for mrc_id in clean_choices(chosen, "mrc"):
        options.setdefault(mrc_id, {**by_id[mrc_id], "search": query})
    return list(options.values())


@callback(Output(ids.MRC, "options"), Input(ids.MRC, "search_value"), State(ids.MRC, "value"), State(ids.LANG, "data"),
          prevent_initial_call=True)
def update_mrc_options(search, chosen, lang):
    from pages.dashboard import filter_options  # the page's own list (this module is imported by it)

    lang = clean_lang(lang)
    return mrc_options(search, chosen, lang, filter_options(lang)["mrc"])
