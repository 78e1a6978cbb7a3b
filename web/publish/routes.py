"""The publishing pages. Every write goes through publishing.store (which checks who may do what)
and is journaled there; here: sign-in, forms, CSRF, the rate limit, and the HTML."""
from __future__ import annotations

import flask
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms import ValidationError

import config
from components import i18n
from data import export
from data.spreadsheet import MAX_FILE_BYTES, UnreadableFile
from geo import layers
from publishing import accounts, corrections, db, store, territory
from web.corrections.words import of as correction_words
from web.publish import preview, words

blueprint = Blueprint("publish", __name__, template_folder="templates", static_folder="static")
limiter = Limiter(key_func=get_remote_address, storage_uri=config.get("ratelimit_storage"), default_limits=[],
                  strategy="moving-window")
# Ten sign-in attempts a minute per address: a person who mistypes is never stopped, a guesser is.
SIGN_IN_LIMIT = "10 per minute"
# Stored column → the export column whose header names it.
_EXPORT_KEY = {"mrc_ids": "mrc_names", "cycle": "cycle_label", "themes": "theme_labels"}


class SignedInUser:
    """What Flask-Login keeps: the user's row, and an id that names her credential epoch, so that a
    new invitation (a password reset) ends every session opened before it."""

    is_authenticated, is_active, is_anonymous = True, True, False

    def __init__(self, user: db.User):
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.credential_epoch}"


def load_user(identifier: str):
    try:
        user_id, epoch = (int(part) for part in identifier.split(":"))
    except (ValueError, AttributeError):
        return None
    with db.session() as s:
        user = s.get(db.User, user_id)
    if user is None or user.credential_epoch != epoch or not user.password_hash:
        return None
    return SignedInUser(user)


def _lang() -> str:
    return "en" if (request.values.get("lang") or "") == "en" else "fr"


def _address() -> str:
    return request.remote_addr or ""


def _actor() -> store.Actor:
    return store.Actor(current_user.user, _address())


def _page(template: str, status: int = 200, **values):
    lang = _lang()
    body = render_template(f"publier/{template}", lang=lang, w=words.of(lang), user=getattr(current_user, "user", None),
                           csrf_token=generate_csrf, money=lambda v: i18n.money(v, lang),
                           p=lambda key, n: i18n.plural(key, n, lang), **values)
    return flask.Response(body, status, content_type="text/html; charset=utf-8")


def _back(endpoint: str, **values):
    if _lang() == "en":
        values["lang"] = "en"
    return redirect(url_for(endpoint, **values), 303)


# ---------------------------------------------------------------- every request of the blueprint

@blueprint.before_request
def check_csrf():
    """Every write needs the form's token (Flask-WTF); checked before anything reads the form."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError as error:
            raise CSRFError(str(error)) from None


@blueprint.after_request
def no_store(response: flask.Response) -> flask.Response:
    # Signed-in pages (and the sign-in page itself) are never kept by a browser or a proxy.
    response.headers["Cache-Control"] = "no-store"
    response.headers.pop("Expires", None)
    return response


@blueprint.errorhandler(CSRFError)
def csrf_failed(_error):
    return _page("message.html", 400, title=words.of(_lang())("csrf_title"), text=words.of(_lang())("csrf_text"))


@blueprint.errorhandler(store.Refused)
def refused(error: store.Refused):
    key = {403: "forbidden", 404: "not_found"}.get(error.status, "conflict")
    w = words.of(_lang())
    return _page("message.html", error.status, title=w(f"{key}_title"), text=w(f"{key}_text", detail=w(f"refused_{error.code}")))


def database_unreachable(error):
    # The public map keeps its data in memory; only what reads or writes the database waits.
    flask.current_app.logger.error("publication : %s", db.unreachable(error))
    w = words.of(_lang())
    response = _page("message.html", 503, title=w("database_title"), text=w("database_text"))
    response.headers["Retry-After"] = "60"
    return response


for _unreachable in db.UNREACHABLE:
    blueprint.register_error_handler(_unreachable, database_unreachable)


@blueprint.errorhandler(413)
def too_large(_error):
    w = words.of(_lang())
    return _page("message.html", 413, title=w("too_large_title"), text=w("too_large_text", mb=MAX_FILE_BYTES // 2**20))


@blueprint.errorhandler(429)
def slowed(_error):
    w = words.of(_lang())
    return _page("message.html", 429, title=w("slowed_title"), text=w("slowed_text"))


# ---------------------------------------------------------------- accounts

@blueprint.route("/connexion", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def sign_in():
    failed = False
    if request.method == "POST":
        with db.session() as s:
            user = accounts.authenticate(s, request.form.get("email", ""), request.form.get("password", ""), _address())
        if user is not None:
            # A new session at sign-in: whatever the browser carried before (a planted cookie) is dropped.
            flask.session.clear()
            login_user(SignedInUser(user))
            flask.session["sid"] = accounts.secrets.token_urlsafe(16)
            return _back("publish.home")
        failed = True  # the same answer for an unknown address and a wrong password
    return _page("sign_in.html", 401 if failed else 200, failed=failed)


@blueprint.post("/deconnexion")
def sign_out():
    logout_user()
    flask.session.clear()
    return _back("publish.sign_in")


@blueprint.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def invitation(token: str):
    w = words.of(_lang())
    with db.session() as s:
        try:
            _invitation, user = accounts.invitation_for(s, token[:500])
        except accounts.AccountError:
            return _page("message.html", 404, title=w("invitation_invalid_title"), text=w("invitation_invalid_text"))
        email = user.email
    problem = None
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("confirm", ""):
            problem = "mismatch"
        else:
            try:
                with db.session() as s:
                    accounts.accept(s, token, password, _address())
            except accounts.AccountError as error:
                problem = error.code
        if problem is None:
            return _back("publish.sign_in", done=1)
    return _page("invitation.html", 400 if problem else 200, email=email, problem=problem,
                 min_length=accounts.MIN_PASSWORD_LENGTH)


# ---------------------------------------------------------------- the workflow

@blueprint.get("/")
@login_required
def home():
    actor = _actor()
    with db.session() as s:
        if actor.is_operator:
            waiting = store.queue(s, actor)
            settings = {a: store.publish_without_review(s, a) for a in territory.alliances()}
            current = {v.alliance_id: v for v, _rows in store.current_versions(s)}
            return _page("operator.html", waiting=waiting, alliances=territory.alliances(), settings=settings,
                         current=current, **_reports(s, actor))
        alliance = territory.find_alliance(actor.user.alliance_id)
        submissions, versions = store.history(s, actor, alliance.alliance_id)
        current = store.current_version(s, alliance.alliance_id)
        reports = _reports(s, actor)
    return _page("coordinator.html", alliance=alliance, submissions=submissions, versions=versions, current=current,
                 **reports)


def _reports(s, actor: store.Actor) -> dict:
    """The reports from anyone (web/corrections) she may read, and their words, for the queue's template."""
    return {"reports": corrections.visible_to(s, actor), "c": correction_words(_lang()), "is_operator": actor.is_operator}


@blueprint.post("/televerser")
@login_required
def upload():
    actor = _actor()
    alliance_id = request.form.get("alliance", "") if actor.is_operator else actor.user.alliance_id
    if alliance_id not in territory.alliances():
        abort(404)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _page("message.html", 400, title=words.of(_lang())("no_file_title"), text=words.of(_lang())("no_file_text"))
    data = sent.stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        abort(413)
    from components.dataset import _curated_projects  # the curated rows, for « already known from a public source »

    try:
        with db.session() as s:
            draft = store.upload(s, actor, alliance_id, data, sent.filename[:255], _curated_projects(), _lang())
    except UnreadableFile as error:
        return _page("message.html", 400, title=words.of(_lang())("unreadable_title"), text=str(error))
    return _back("publish.submission", submission_id=draft.id)


@blueprint.get("/soumission/<int:submission_id>")
@login_required
def submission(submission_id: int):
    actor = _actor()
    with db.session() as s:
        found = store.submission_for(s, actor, submission_id)
        alliance = territory.find_alliance(found.alliance_id)
    names = layers.territories("mrc").name
    places = {r["row"]: ", ".join(str(names.get(m, m)) for m in (r.get("mrc_ids") or "").split(";") if m) or "—"
              for r in found.rows}
    headers = {f.key: f.header(_lang()) for f in export.PROJECT_FIELDS}
    # A changed field named as the downloads name it (« Montant FQIS »), not by its code name.
    field_label = lambda field: headers.get(_EXPORT_KEY.get(field, field), field)  # noqa: E731
    return _page("submission.html", submission=found, report=store.report_in(found.report, _lang()), alliance=alliance,
                 places=places, field_label=field_label,
                 shown=lambda value: "∅" if value is None else i18n.number(value, _lang()) if isinstance(value, float) else value,
                 map_html=preview.map_html(found.rows, alliance, _lang()), is_operator=actor.is_operator)


def _run(action, *args) -> None:
    """Run a store write as the signed-in user, in one transaction (the store checks who may)."""
    with db.session() as s:
        action(s, _actor(), *args)


# The workflow's writes on one submission or version: (address, endpoint, store action, the form
# field passed to it). After a decision on a submission she sees that submission; after a
# withdrawal, her home page.
_WRITES = (
    ("/soumission/<int:submission_id>/soumettre", "submit", store.submit, "note"),
    ("/soumission/<int:submission_id>/approuver", "approve", store.approve, None),
    ("/soumission/<int:submission_id>/renvoyer", "send_back", store.send_back, "message"),
    ("/version/<int:version_id>/retirer", "withdraw", store.withdraw, "reason"),
)


def _write_view(action, form_field: str | None):
    def view(**values):
        (key,) = values.values()
        _run(action, key, *((request.form.get(form_field, ""),) if form_field else ()))
        if "submission_id" in values:
            return _back("publish.submission", submission_id=key)
        return _back("publish.home")
    return login_required(view)


for _rule, _endpoint, _action, _field in _WRITES:
    blueprint.add_url_rule(_rule, _endpoint, _write_view(_action, _field), methods=["POST"])


@blueprint.post("/alliance/<alliance_id>/reglage")
@login_required
def setting(alliance_id: str):
    if alliance_id not in territory.alliances():
        abort(404)
    _run(store.set_publish_without_review, alliance_id, request.form.get("without_review") == "1")
    return _back("publish.home")


@blueprint.post("/signalement/<int:correction_id>/traite")
@login_required
def correction_treated(correction_id: int):
    """An operator marks a report treated (publishing.corrections checks that she is one, and journals it)."""
    with db.session() as s:
        corrections.mark_treated(s, _actor(), correction_id)
    return redirect(url_for("publish.home", **({"lang": "en"} if _lang() == "en" else {})) + "#signalements", 303)
