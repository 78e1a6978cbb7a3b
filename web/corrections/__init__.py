"""« Signaler une erreur ou un projet manquant »: `/signaler`, a public form without an account (issue #26).

Every project row (the map's table, the territory pages) and every territory page links here with
the page it is on and the project's id (`components.urls.report_href`). The form is plain HTML
written on the server (Jinja, autoescaped): it works without any script. A report lands in the
operators' queue (web/publish, publishing/corrections.py) with the page it came from.

Against abuse, all here:
- a hidden field (HONEYPOT) that a person never sees and a naive bot fills: such a post gets the
  very answer a person gets (so the bot learns nothing) and is NOT stored. Why not stored flagged:
  the queue is read by people, and a table filled by bots would cost them time and the database
  space for nothing; the server log keeps one line per caught post, so a wave of them is seen;
- a rate limit per address (Flask-Limiter, the publishing pages' limiter and storage): more than
  POST_LIMIT posts are refused with 429 and a sentence in the page's language;
- a body limit (web/body_limits.py, one line for PATH; checked here too, where no gevent front
  reads the body first: `python app.py` and the tests);
- a form token: Flask-WTF's CSRF token lives in the session, and this site opens sessions only
  under /publier (web/publish: the public pages set no cookie and stay cacheable). An anonymous
  report has no identity a forged cross-site post could borrow, so what CSRF protects is not at
  stake here; the form carries instead a signed, dated token (itsdangerous, the library Flask-WTF
  signs with): a post that did not come from a form this server wrote within TOKEN_SECONDS is
  shown the form again, with what was typed, to send once more.
"""
from __future__ import annotations

import flask


def register(server: flask.Flask) -> None:
    """Attach /signaler to `server`, after web.publish.register (its secret key and rate limiter)."""
    from web.corrections.routes import blueprint

    server.register_blueprint(blueprint)
