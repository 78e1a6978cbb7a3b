"""The publishing pages (/publier…): sign-in, invitation, upload, preview, submit, review, withdraw.

Server-written HTML (Jinja templates, escaped), French first and English (`?lang=en`), words from
the catalogs (`publish.*`). Security, all here:
- sign-in with Flask-Login; a session is bound to the user's credential epoch, so a new invitation
  (a password reset) ends it; the session is cleared and a new session id given at sign-in;
- the session cookie is HttpOnly, SameSite=Lax, Secure when CARTE_PUBLIC_URL is https, and sent
  only to /publier (the public pages never read or vary on it);
- CSRF on every form (Flask-WTF), checked before any write; a failed check is a 400;
- sign-in attempts limited per address (Flask-Limiter, CARTE_RATELIMIT_STORAGE);
- every answer under /publier is `Cache-Control: no-store`.
"""
from __future__ import annotations

import flask
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

import config
from publishing import accounts, db
from web.publish import routes

PREFIX = "/publier"


class _PublishingOnlySessions(SecureCookieSessionInterface):
    """Sessions exist under /publier only: elsewhere nothing is read or written, and no answer gets
    `Vary: Cookie`, so the public pages stay cacheable as before."""

    def open_session(self, app, request):
        if not request.path.startswith(PREFIX):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if not flask.request.path.startswith(PREFIX):
            return None
        return super().save_session(app, session, response)


def register(server: flask.Flask) -> None:
    """Migrate the database, then attach the publishing pages and their security to `server`."""
    db.migrate()
    server.secret_key = accounts.secret_key()
    server.session_interface = _PublishingOnlySessions()
    server.config.update(
        SESSION_COOKIE_NAME="carte_session",
        SESSION_COOKIE_PATH=PREFIX,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.get("public_url").strip().lower().startswith("https://"),
        REMEMBER_COOKIE_HTTPONLY=True,
        # Forms are checked by the blueprint (routes.check_csrf): Dash's own POSTs carry no form token.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=3600 * 8,
    )
    login = LoginManager()
    login.session_protection = "strong"
    login.login_view = "publish.sign_in"
    login.user_loader(routes.load_user)
    login.init_app(server)
    CSRFProtect(server)
    routes.limiter.init_app(server)
    server.register_blueprint(routes.blueprint, url_prefix=PREFIX)
