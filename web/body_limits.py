"""Which addresses take a request body, how large, and how long its sender may take: one table.

`web/offload.py` reads a body in the connection's greenlet before the app sees the request, so it
must know, before reading a byte, whether the route wants one. The route is found in Flask's own
URL map (so a route another module registers is known without a line here), then:

- a route that accepts no POST, PUT or PATCH takes no body: one is refused at once (413);
- a route listed in BODY_LIMITS takes up to its `max_bytes`, sent within its `seconds`;
- any other route that accepts POST/PUT/PATCH (a sign-in form, a CSRF-protected form) takes up to
  FORM_LIMIT, which is enough for a form and nothing more.

A route that takes a file (an upload under /publier…) adds one line to BODY_LIMITS, keyed by its
URL rule exactly as it was registered (`"/publier/<int:version>/fichier"`).
"""
from __future__ import annotations

from dataclasses import dataclass

from web.security import MAX_REQUEST_BYTES


@dataclass(frozen=True)
class BodyLimit:
    max_bytes: int  # 413 above it, announced or read
    seconds: float  # the whole body must have arrived within this time (408 after)


BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# A form: a few fields and a CSRF token. Anything larger goes in BODY_LIMITS with its reason.
FORM_LIMIT = BodyLimit(max_bytes=64 * 1024, seconds=30)

BODY_LIMITS: dict[str, BodyLimit] = {
    # Dash's callbacks. The largest is a coordinator's spreadsheet sent base64-encoded by the upload
    # control (web/security.MAX_REQUEST_BYTES); 120 s lets it through at about 1 Mbit/s.
    "/_dash-update-component": BodyLimit(max_bytes=MAX_REQUEST_BYTES, seconds=120),
    # « Signaler une erreur » (web/corrections): 4 000 characters of text, a link, an address, the page
    # and the project; at worst 4 bytes a character, 3 once percent-encoded: about 60 kB. Nothing larger.
    "/signaler": BodyLimit(max_bytes=64 * 1024, seconds=30),
}

# Below these rates a sender is holding the connection, not sending: 408 (see web/offload.py).
MIN_BYTES_PER_SECOND = 16 * 1024  # averaged from the start, after GRACE_SECONDS
GRACE_SECONDS = 5.0
IDLE_SECONDS = 10.0  # longest silence between two pieces of a body


def limit_for(rule: str | None, methods: frozenset[str] | set[str] | None) -> BodyLimit | None:
    """The body `rule` (a Flask URL rule, None when no route matched) may take, or None: no body."""
    if rule is None or not (set(methods or ()) & BODY_METHODS):
        return None
    return BODY_LIMITS.get(rule, FORM_LIMIT)
