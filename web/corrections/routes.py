"""The routes of /signaler (see the package's docstring): the form, the post, the thank-you page."""
from __future__ import annotations

import logging
import re
from urllib.parse import urlencode

import flask
from flask import Blueprint, abort, redirect, render_template, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from components.i18n import clean_lang, number
from components.urls import REPORT_PATH
from publishing import corrections, db, territory
from web import body_limits
from web.corrections import form as checks
from web.corrections.words import of as words
from web.publish.routes import limiter

log = logging.getLogger(__name__)
PATH = REPORT_PATH
THANKS_PATH = "/signaler/merci"
# One person reports a few rows in a minute; a script sending dozens is slowed down.
POST_LIMIT = "10 per minute"
HONEYPOT = "site_web"
TOKEN_FIELD = "jeton"
TOKEN_SALT = "carte-signaler"
TOKEN_SECONDS = 8 * 3600  # a form left open over a working day still sends
_TERRITORY_PAGE = re.compile(r"^/(?:fiche/)?(region|mrc)/([^/?#]+)")

blueprint = Blueprint("corrections", __name__, template_folder="templates")


def _lang() -> str:
    return clean_lang(request.values.get("lang"))


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(flask.current_app.secret_key, salt=TOKEN_SALT)


def _token_ok(token: object) -> bool:
    if not isinstance(token, str) or len(token) > 200:
        return False
    try:
        _signer().loads(token, max_age=TOKEN_SECONDS)
    except BadSignature:  # also SignatureExpired
        return False
    return True


# ---------------------------------------------------------------- what the public data say

def _projects():
    from components import dataset  # the public data of this worker (curated + published)

    return dataset.current().projects


def _alliance_of(page: str, project_id: str | None) -> str | None:
    """The Alliance a report concerns, when the server can tell: the project's, else that of the
    territory page (a region with one Alliance, an MRC in one Alliance today). Never guessed further."""
    if project_id is not None:
        value = _projects().at[project_id, "alliance_id"]
        return str(value) if isinstance(value, str) and value else None
    found = _TERRITORY_PAGE.match(page)
    if found is None:
        return None
    level, key = found.groups()
    if level == "region":
        ids = {a.alliance_id for a in territory.alliances().values() if a.region_code == key.zfill(2)}
    else:
        from geo import layers

        membership = layers.alliance_membership()
        ids = set(membership.alliance_id[(membership.cycle == "") & (membership.mrc_id == key)])
    return ids.pop() if len(ids) == 1 else None


def _project_title(project_id: str | None) -> str | None:
    return None if project_id is None else str(_projects().at[project_id, "title"])


# ---------------------------------------------------------------- pages

def _page(template: str, status: int = 200, **values) -> flask.Response:
    lang = _lang()
    other = "fr" if lang == "en" else "en"
    body = render_template(f"signaler/{template}", lang=lang, other=other, w=words(lang), **values)
    return flask.Response(body, status, content_type="text/html; charset=utf-8")


def _message(status: int, key: str, link: str | None = None, **values) -> flask.Response:
    w = words(_lang())
    return _page("message.html", status, title=w(f"{key}_title"), text=w(f"{key}_text", **values),
                 home=_query("/", lang=_lang()), link=link)


def _query(path: str, **values) -> str:
    kept = {k: v for k, v in values.items() if v and not (k == "lang" and v == "fr")}
    return path + ("?" + urlencode(kept) if kept else "")


def _form(values: dict[str, str], problems: dict[str, str], status: int, project_id: str | None) -> flask.Response:
    lang = _lang()
    return _page("form.html", status, values=values, problems=problems, token=_signer().dumps("signaler"),
                 max_text=number(checks.MAX_TEXT, lang),
                 project_title=_project_title(project_id), limits={"texte": checks.MAX_TEXT, "source": checks.MAX_LINK,
                                                                   "contact": checks.MAX_CONTACT},
                 honeypot=HONEYPOT, token_field=TOKEN_FIELD, action=PATH,
                 other_href=_query(PATH, page=values.get("page"), projet=values.get("projet"),
                                   lang="en" if lang == "fr" else "fr"),
                 back=values.get("page") if "page" not in problems else "/")


@blueprint.before_request
def bound_the_body():
    """The body limit of web/body_limits.py, also where no gevent front read the body first."""
    if request.method == "POST":
        limit = body_limits.BODY_LIMITS[PATH].max_bytes
        if (request.content_length or 0) > limit:
            abort(413)
        request.max_content_length = limit  # a chunked body without a length stops there too


@blueprint.after_request
def not_kept(response: flask.Response) -> flask.Response:
    # The form holds a dated token and what was typed: never kept by a browser or a proxy.
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.errorhandler(413)
def too_large(_error):
    return _message(413, "too_large", chars=number(checks.MAX_TEXT, _lang()))


@blueprint.errorhandler(429)
def slowed(_error):
    return _message(429, "slowed")


@blueprint.get(PATH)
def show_form():
    lang = _lang()
    page, project_id, problems = checks.page_and_project(request.args.get("page"), request.args.get("projet"),
                                                         _projects().index)
    if problems:
        key = "bad_page" if "page" in problems else "bad_project"
        return _message(400, key, link=_query(PATH, lang=lang))
    return _form({"page": page, "projet": project_id or ""}, {}, 200, project_id)


@blueprint.post(PATH)
@limiter.limit(POST_LIMIT, methods=["POST"])
def send():
    lang = _lang()
    if request.form.get(HONEYPOT):
        # A person never sees this field: answered as a person would be, stored nowhere.
        log.warning("signalement ignoré : champ piège rempli (adresse %s)", request.remote_addr)
        return redirect(_query(THANKS_PATH, page=checks.local_page(request.form.get("page")) or "/", lang=lang), 303)
    projects = _projects()
    checked = checks.check(request.form, projects.index, _alliance_of, lang)
    if not _token_ok(request.form.get(TOKEN_FIELD)):
        checked.problems["jeton"] = "token"
    if checked.problems:
        shown_project = checked.values["projet"] if "projet" not in checked.problems else None
        return _form(checked.values, checked.problems, 400, shown_project or None)
    try:
        with db.session() as s:
            corrections.record(s, checked.report, request.remote_addr or "")
    except db.UNREACHABLE as error:
        # The map keeps serving from memory; the report waits for the database, in the visitor's own form.
        log.error("signalement : %s", db.unreachable(error))
        response = _form(checked.values, {"base": "database"}, 503, checked.report.project_id)
        response.headers["Retry-After"] = "60"
        return response
    return redirect(_query(THANKS_PATH, page=checked.report.page, lang=lang), 303)


@blueprint.get(THANKS_PATH)
def thanks():
    lang = _lang()
    back = checks.local_page(request.args.get("page")) or "/"
    return _page("thanks.html", back=back, again=_query(PATH, page=back, lang=lang))
