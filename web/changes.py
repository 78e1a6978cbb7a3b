"""« Ce qui a changé »: `GET /changements` and its Atom feeds (issue #26).

Every publication event, newest first: a version an operator approved (its difference is the one
publishing stored with the submission, so the public reads what the coordinator and the operator
saw) and a withdrawal, each an entry of its own. Below, the curations of the map's own files
(data/CHANGELOG.csv), so the page is never empty.

`/changements.atom` (all of Québec) and `/changements/region/<code>.atom` (one region's Alliances)
carry the same events, written by feedgen. An entry's id is the page's address with the event's
anchor (« …/changements#publication-lanaudiere-2 »): it never changes once published. Every
address starts with `web.public_url.root()`.

The page and the feeds read at most LIMIT events of each kind: the work per request is bounded
whatever the database holds.
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pandas as pd
from feedgen.feed import FeedGenerator
from flask import Flask, Response, abort, request
from sqlalchemy import func, select

from components import document
from components.i18n import clean_lang, money, plural, text
from data import load
from publishing import dataset as published
from publishing import db, territory
from publishing.db import Submission, Version, VersionRow, Withdrawal
from texts.catalogs import Messages, gettext
from web import public_url
from web.page_frame import frame_template

log = logging.getLogger(__name__)

PATH = "/changements"
FEED_PATH = "/changements.atom"
REGION_FEED_PATH = "/changements/region/<code>.atom"
STYLESHEET = "/assets/style.css"
LIMIT = 200  # events of each kind read per request (newest first)
FEED_ENTRIES = 50
QUEBEC_TIME = ZoneInfo("America/Montreal")  # the date a reader in Québec would write
WORDS = Messages("changes")


def _w(key: str, lang: str, **values) -> str:
    return text(WORDS, key, lang, **values)


@dataclass(frozen=True)
class Event:
    """One publication event: an approved version or a withdrawal."""

    kind: str  # "publication" or "withdrawal"
    alliance: territory.Alliance
    number: int  # the version approved or withdrawn
    when: dt.datetime  # aware, UTC
    mandataire: str
    difference: dict = field(default_factory=dict)  # publishing.difference, as stored with the submission
    projects: int = 0  # rows of the withdrawn version (withdrawals)

    @property
    def anchor(self) -> str:
        prefix = "publication" if self.kind == "publication" else "retrait"
        return f"{prefix}-{self.alliance.alliance_id}-{self.number}"

    def count(self, part: str) -> int:
        return len(self.difference.get(part) or [])


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite gives back naive datetimes; publishing writes UTC (db.now), so naive means UTC.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _alliance(alliance_id: str) -> territory.Alliance:
    known = territory.alliances()
    return known.get(alliance_id) or territory.Alliance(alliance_id, alliance_id, alliance_id, "", "")


def events(region_code: str | None = None, limit: int = LIMIT) -> list[Event]:
    """Approvals and withdrawals, newest first (at most `limit`), of one region's Alliances or all."""
    published.read_version()  # migrates the database on first use (a tool or a test without the app)
    ids = None
    if region_code is not None:
        ids = [a.alliance_id for a in territory.alliances().values() if a.region_code == region_code]
    found: list[Event] = []
    with db.session() as s:
        approved = (select(Version, Submission.difference).join(Submission, Submission.id == Version.submission_id)
                    .order_by(Version.created_at.desc(), Version.id.desc()).limit(limit))
        withdrawn = (select(Withdrawal.created_at, Version).join(Version, Version.id == Withdrawal.version_id)
                     .order_by(Withdrawal.created_at.desc(), Withdrawal.id.desc()).limit(limit))
        if ids is not None:
            approved = approved.where(Version.alliance_id.in_(ids))
            withdrawn = withdrawn.where(Version.alliance_id.in_(ids))
        for version, difference in s.execute(approved):
            found.append(Event("publication", _alliance(version.alliance_id), version.number, _utc(version.created_at),
                               version.mandataire, difference or {}))
        withdrawals = list(s.execute(withdrawn))
        sizes = dict(s.execute(select(VersionRow.version_id, func.count()).group_by(VersionRow.version_id)
                               .where(VersionRow.version_id.in_([v.id for _, v in withdrawals]))).all())
        for when, version in withdrawals:
            found.append(Event("withdrawal", _alliance(version.alliance_id), version.number, _utc(when),
                               version.mandataire, projects=int(sizes.get(version.id, 0))))
    found.sort(key=lambda e: e.when, reverse=True)
    return found[:limit]


def _field_label(name: str, lang: str) -> str:
    # Every field publishing.difference compares has its words (changes.field_*); a field added there
    # later shows its stored name until it gets them.
    return _w(f"field_{name}", lang) if f"field_{name}" in WORDS else name


def _counts(event: Event, lang: str) -> str:
    if event.kind == "withdrawal":
        return plural("changes_no_longer_public", event.projects, lang)
    return " · ".join(plural(f"changes_{part}", event.count(key), lang)
                      for part, key in (("added", "new"), ("changed", "changed"), ("removed", "removed")))


def _title(event: Event, lang: str) -> str:
    key = "published" if event.kind == "publication" else "withdrawn"
    return _w(key, lang, alliance=event.alliance.name(lang), number=event.number)


def _detail(event: Event, lang: str) -> dict:
    """The difference as lists of sentences (the page's « détail »)."""
    unknown = _w("amount_unknown", lang)
    diff = event.difference
    return {
        "added": [f"{r.get('title') or '—'} ({money(r['amount_fqis'], lang) if r.get('amount_fqis') is not None else unknown})"
                  for r in diff.get("new") or []],
        "changed": [_w("changed_fields", lang, title=r.get("title") or "—",
                       fields=", ".join(_field_label(f.get("field", ""), lang) for f in r.get("fields") or []))
                    for r in diff.get("changed") or []],
        "removed": [str(r.get("title") or "—") for r in diff.get("removed") or []],
    }


def _day(moment: dt.datetime) -> str:
    return moment.astimezone(QUEBEC_TIME).date().isoformat()


def _regions() -> dict[str, tuple[str, str]]:
    table = load.load_regions()
    return {str(code): (row.name_fr, row.name_en) for code, row in table.iterrows()}


def _curations() -> list[dict]:
    """data/CHANGELOG.csv, newest first; `line` is the row's place in the file, which only grows at
    its end: a stable anchor and feed id."""
    if not document.CHANGELOG_PATH.is_file():
        return []
    table = pd.read_csv(document.CHANGELOG_PATH, dtype=str, keep_default_na=False)
    table = table.sort_values("date", ascending=False, kind="stable")
    return [{"date": row.get("date", ""), "note": row.get("note", ""), "source": row.get("source_url", ""),
             "target": row.get("target_file", ""), "line": int(position) + 1} for position, row in table.iterrows()]


_PAGE = frame_template("""{% block head %}<link rel="alternate" type="application/atom+xml" title="{{ feed_title }}" href="{{ feed }}">
<link rel="alternate" hreflang="{{ other_lang }}" href="{{ other_href }}">
<style>.changes-page code { overflow-wrap: anywhere; } .changes-page h2 { font-size: 1.2rem; margin: 1.6rem 0 .6rem; }
.changes-list h3 { font-size: 1rem; margin: 1rem 0 .3rem; } .changes-list p { margin: .3rem 0; }
.changes-list h4 { font-size: .95rem; margin: .6rem 0 .2rem; } .changes-list ul { margin: .2rem 0; }</style>
{% endblock %}
{% block main_class %} changes-page{% endblock %}
{% block main %}<h1>{{ heading }}</h1>
<p>{{ intro }}</p>
<p><a href="{{ feed }}" type="application/atom+xml">{{ feed_title }}</a> ·
<a href="{{ other_href }}" hreflang="{{ other_lang }}" lang="{{ other_lang }}">{{ other_language }}</a></p>
<details class="changes-region-feeds"><summary>{{ region_feeds }}</summary>
<ul>{% for r in regions %}<li><a href="{{ r.href }}" type="application/atom+xml">{{ r.name }}</a></li>{% endfor %}</ul>
</details>
<h2>{{ publications }}</h2>
{% if not events %}<p>{{ none_yet }}</p>{% endif %}
<ol class="changes-list">
{% for e in events %}<li id="{{ e.anchor }}" class="changes-entry changes-{{ e.kind }}">
<h3><time datetime="{{ e.iso }}">{{ e.day }}</time> — {{ e.title }}</h3>
<p class="changes-counts">{{ e.counts }}</p>
{% if e.detail and (e.detail.added or e.detail.changed or e.detail.removed) %}<details><summary>{{ difference }}</summary>
{% for heading, lines in ((added_heading, e.detail.added), (changed_heading, e.detail.changed), (removed_heading, e.detail.removed)) %}
{% if lines %}<h4>{{ heading }}</h4><ul>{% for line in lines %}<li>{{ line }}</li>{% endfor %}</ul>{% endif %}
{% endfor %}</details>{% endif %}
</li>
{% endfor %}</ol>
<h2>{{ curations_heading }}</h2>
<ol class="changes-list">
{% for c in curations %}<li id="curation-{{ c.line }}" class="changes-entry changes-curation">
<h3><time datetime="{{ c.date }}">{{ c.date }}</time> — <code>{{ c.target }}</code></h3>
<p lang="fr">{{ c.note }}</p>
{% if c.source %}<p>{{ source_word }} {% if c.source.startswith("http") %}<a href="{{ c.source }}">{{ c.source }}</a>{% else %}<code>{{ c.source }}</code>{% endif %}</p>{% endif %}
</li>
{% endfor %}</ol>
<p><a href="{{ home }}">{{ back }}</a></p>{% endblock %}""")


def _suffix(lang: str) -> str:
    return "?lang=en" if lang == "en" else ""


def page(lang: str) -> str:
    lang = clean_lang(lang)
    other = "fr" if lang == "en" else "en"
    shown = [{"anchor": e.anchor, "kind": e.kind, "iso": e.when.isoformat(), "day": _day(e.when), "title": _title(e, lang),
              "counts": _counts(e, lang), "detail": _detail(e, lang) if e.kind == "publication" else None}
             for e in events()]
    regions = [{"href": REGION_FEED_PATH.replace("<code>", code) + _suffix(lang), "name": names[0 if lang == "fr" else 1]}
               for code, names in _regions().items()]
    return _PAGE.render(
        lang=lang, title=f"{_w('page_title', lang)} — {gettext('ui.title', lang)}", stylesheet=STYLESHEET,
        feed=FEED_PATH + _suffix(lang), feed_title=_w("feed_all", lang), other_lang=other,
        other_href=PATH + _suffix(other), other_language=_w("other_language", lang),
        home="/" + _suffix(lang), site=gettext("ui.title", lang), heading=_w("page_title", lang), intro=_w("intro", lang),
        region_feeds=_w("region_feeds", lang), regions=regions, publications=_w("publications", lang),
        none_yet=_w("none", lang), events=shown, difference=_w("difference", lang), added_heading=_w("added_heading", lang),
        changed_heading=_w("changed_heading", lang), removed_heading=_w("removed_heading", lang),
        curations_heading=_w("curations", lang), curations=_curations(), source_word=_w("source", lang),
        back=_w("back", lang))


def feed(root: str, lang: str, region_code: str | None = None) -> bytes:
    """The Atom document of all of Québec's events (with the curations), or of one region's."""
    lang = clean_lang(lang)
    page_url = f"{root}{PATH}{_suffix(lang)}"
    anchor_base = f"{root}{PATH}"  # ids never carry the language: one event, one id
    fg = FeedGenerator()
    if region_code is None:
        self_path, title = FEED_PATH, _w("feed_title", lang)
    else:
        name = _regions()[region_code][0 if lang == "fr" else 1]
        self_path, title = REGION_FEED_PATH.replace("<code>", region_code), _w("feed_title_region", lang, region=name)
    fg.id(f"{root}{self_path}")
    fg.title(title)
    fg.author({"name": gettext("ui.title", lang)})
    fg.link(href=f"{root}{self_path}{_suffix(lang)}", rel="self", type="application/atom+xml")
    fg.link(href=page_url, rel="alternate", type="text/html")
    fg.language(lang)
    stamps: list[dt.datetime] = []
    for event in events(region_code, FEED_ENTRIES):
        entry = fg.add_entry(order="append")
        entry.id(f"{anchor_base}#{event.anchor}")
        entry.title(_title(event, lang))
        entry.updated(event.when)
        entry.published(event.when)
        entry.author({"name": event.mandataire or event.alliance.name(lang)})
        entry.link(href=f"{page_url}#{event.anchor}", rel="alternate", type="text/html")
        entry.summary(_counts(event, lang))
        stamps.append(event.when)
    if region_code is None:
        for curation in _curations()[:FEED_ENTRIES]:
            when = dt.datetime.fromisoformat(curation["date"]).replace(tzinfo=dt.UTC)
            entry = fg.add_entry(order="append")
            entry.id(f"{anchor_base}#curation-{curation['line']}")
            entry.title(_w("curation_title", lang, target=curation["target"]))
            entry.updated(when)
            entry.link(href=f"{page_url}#curation-{curation['line']}", rel="alternate", type="text/html")
            entry.summary(curation["note"])
            stamps.append(when)
    # A feed with nothing yet is still dated: the curated data's last change.
    curated_day = document.data_as_of()
    if not stamps and curated_day:
        stamps.append(dt.datetime.fromisoformat(curated_day).replace(tzinfo=dt.UTC))
    fg.updated(max(stamps) if stamps else dt.datetime.now(dt.UTC))
    return fg.atom_str(pretty=True)


def _atom(body: bytes) -> Response:
    response = Response(body, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


_UNAVAILABLE = frame_template("""{% block main %}<h1>{{ heading }}</h1>
<p>{{ sentence }}</p>
<p><a href="{{ home }}">{{ back }}</a></p>{% endblock %}""")


def _unavailable(lang: str, error: Exception) -> Response:
    """503 while the publications database does not answer (the map itself serves from memory)."""
    log.error("changements : %s", db.unreachable(error))
    lang = clean_lang(lang)
    body = _UNAVAILABLE.render(lang=lang, title=_w("page_title", lang), stylesheet=STYLESHEET, home="/" + _suffix(lang),
                               site=gettext("ui.title", lang), heading=_w("page_title", lang),
                               sentence=_w("database_unreachable", lang), back=_w("back", lang))
    response = Response(body, 503, mimetype="text/html")
    response.headers["Retry-After"] = "60"
    response.headers["Cache-Control"] = "no-store"
    return response


def _while_the_database_answers(view):
    """`view`, or the 503 page when the publications database does not answer."""
    @functools.wraps(view)
    def answered(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except db.UNREACHABLE as error:
            return _unavailable(request.args.get("lang", ""), error)
    return answered


def register(server: Flask) -> None:
    """Attach /changements and its feeds to the Flask server."""
    @server.get(PATH)
    @_while_the_database_answers
    def changes_page() -> Response:
        response = Response(page(request.args.get("lang", "")), mimetype="text/html")
        response.headers["Cache-Control"] = "public, max-age=60"
        return response

    @server.get(FEED_PATH)
    @_while_the_database_answers
    def changes_feed() -> Response:
        return _atom(feed(public_url.root(), request.args.get("lang", "")))

    @server.get(REGION_FEED_PATH)
    @_while_the_database_answers
    def changes_region_feed(code: str) -> Response:
        if code not in _regions():
            abort(404)
        return _atom(feed(public_url.root(), request.args.get("lang", ""), code))
