"""Requests run in a small thread pool, so a gevent worker keeps answering /healthz meanwhile.

Under gunicorn's gevent worker (serve.py) every connection is a greenlet: a client that sends
its request slowly costs a greenlet, not a request slot. But greenlets take turns only when one
waits on the network, so a callback computing for half a second would also hold back the
worker's /healthz and every other connection. The app itself therefore runs in a few native
threads, as under gthread: Python's interpreter lets the worker's network loop run between them
every few milliseconds. Only the connections (reading requests, writing answers) and /healthz
stay in greenlets.

The request body is read in the connection's greenlet first (a slow sender waits there, not in a
thread) and the answer is collected whole in the thread (callback answers are small), so that a
thread never touches the gevent socket. Reading a body is bounded before a byte is read:

- the route is looked up in Flask's URL map first; where it takes no body (web/body_limits.py),
  one is refused at once (413) and never read;
- a body larger than its route's limit, announced or (chunked) as it arrives, is 413;
- a sender slower than body_limits.MIN_BYTES_PER_SECOND, silent for IDLE_SECONDS, or not done
  within its route's deadline gets 408;
- bodies are spooled to a temporary file past SPOOL_BYTES, so a stalled upload holds disk, not the
  worker's memory, and the bytes a worker holds for bodies still arriving are capped
  (BUFFER_BUDGET_BYTES): past it, 503 with Retry-After, at once.

Each refusal closes the connection without reading the rest (gevent would otherwise read and drop
whatever the client still sends, for as long as it sends it). Only `make serve` uses this
(serve.py's post_worker_init); `python app.py` and the tests call the app directly.
"""
from __future__ import annotations

import io
import logging
import tempfile
import time

from werkzeug.exceptions import HTTPException

from texts.catalogs import Messages
from web import body_limits
from web.body_limits import BodyLimit

log = logging.getLogger(__name__)

# Requests that answer at once stay in their greenlet; every other one (callbacks, the API, but also
# the page shell, Dash's layout and dependencies, compressed static files: all CPU work) goes to
# the threads. Measured under the load test: sending only callbacks and the API to the threads
# left the page loads in the greenlets and doubled p95.
DIRECT_PATHS = ("/healthz",)
THREADS = 4  # as many as gthread had: CPU-bound work gains nothing from more
MAX_BODY_BYTES = body_limits.BODY_LIMITS["/_dash-update-component"].max_bytes
CHUNK_BYTES = 64 * 1024
SPOOL_BYTES = 1024 * 1024  # a callback body is a few kilobytes; an uploaded file goes to disk
# Bodies still arriving, per worker (memory and spool files together): three of the largest.
BUFFER_BUDGET_BYTES = 3 * MAX_BODY_BYTES
RETRY_AFTER_SECONDS = 5


WORDS = Messages("body_refused")


class _Refusal(Exception):
    """A body refused before the app sees it: `status`, and the key of its words in WORDS."""

    def __init__(self, status: str, key: str, headers: tuple = ()):
        super().__init__(key)
        self.status, self.key, self.headers = status, key, headers


class Budget:
    """Bytes a worker may hold for bodies being received. Greenlets of one worker share one thread,
    and switch only while waiting on the network, so plain arithmetic is safe here."""

    def __init__(self, limit: int):
        self.limit, self.held = limit, 0

    def take(self, amount: int) -> bool:
        if self.held + amount > self.limit:
            return False
        self.held += amount
        return True

    def give_back(self, amount: int) -> None:
        self.held -= amount


def offload(app, threads: int = THREADS, budget: Budget | None = None):
    """`app` (a Flask WSGI app) run in a gevent thread pool of `threads` threads, /healthz excepted,
    with request bodies read under web/body_limits.py's rules."""
    from gevent.threadpool import ThreadPool  # imported here: only the gevent worker needs it

    pool = ThreadPool(threads)
    budget = budget or Budget(BUFFER_BUDGET_BYTES)

    def application(environ, start_response):
        raw = environ["wsgi.input"]
        if environ.get("PATH_INFO", "") in DIRECT_PATHS:  # answered in this greenlet; they take no body
            try:
                if _announced(environ) != 0:
                    raise _Refusal("413 Content Too Large", "none_taken")
            except _Refusal as refusal:
                return _refuse(environ, raw, start_response, refusal)
            return app(environ, start_response)
        try:
            body, held = _receive(app, environ, raw, budget)
        except _Refusal as refusal:
            return _refuse(environ, raw, start_response, refusal)
        try:
            environ["wsgi.input"] = body
            status, headers, chunks = pool.apply(_collect, (app, environ))
        finally:
            body.close()
            budget.give_back(held)
        start_response(status, headers)
        return chunks

    return application


def _route_limit(app, environ) -> BodyLimit | None:
    """The body limit of the route this request is for (None: it takes no body)."""
    url_map = getattr(app, "url_map", None)
    if url_map is None:  # not a Flask app: only the callback route is known
        return body_limits.BODY_LIMITS.get(environ.get("PATH_INFO", ""))
    adapter = url_map.bind_to_environ(environ)
    try:
        rule, _ = adapter.match(return_rule=True)
    except HTTPException:  # unknown address, or a method the route does not take
        return None
    return body_limits.limit_for(rule.rule, rule.methods)


def _announced(environ) -> int | None:
    """The announced length; None for a chunked body; 0 when there is none."""
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise _Refusal("400 Bad Request", "bad_length") from None
    if length < 0:
        raise _Refusal("400 Bad Request", "bad_length")
    return length


def _receive(app, environ, raw, budget: Budget):
    """(the body as a file, bytes taken from the budget), or _Refusal."""
    length = _announced(environ)
    if length == 0:
        return io.BytesIO(), 0
    limit = _route_limit(app, environ)
    if limit is None:
        raise _Refusal("413 Content Too Large", "none_taken")
    if length is not None and length > limit.max_bytes:
        raise _Refusal("413 Content Too Large", "too_large")
    held = 0
    if length is not None:
        if not budget.take(length):
            raise _Refusal("503 Service Unavailable", "busy",
                           (("Retry-After", str(RETRY_AFTER_SECONDS)),))
        held = length
    try:
        body = _read(raw, length, limit, budget)
    except BaseException:
        budget.give_back(held)
        raise
    if length is None:  # chunked: _read took its bytes from the budget piece by piece
        held = body.tell()
    body.seek(0)
    environ["CONTENT_LENGTH"] = str(held)
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    return body, held


def _read(raw, length: int | None, limit: BodyLimit, budget: Budget):
    """The body read from `raw` (gevent's input) under `limit`'s size and time rules."""
    import gevent  # the gevent worker only

    body = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (handed on, closed by the caller)
    start = time.monotonic()
    received = taken = 0  # taken: what a chunked body took from the budget so far
    try:
        while length is None or received < length:
            want = CHUNK_BYTES if length is None else min(CHUNK_BYTES, length - received)
            now = time.monotonic()
            # The bytes up to received + want must come before the slowest acceptable average
            # reaches them, before the route's deadline, and without a long silence.
            rate_due = start + body_limits.GRACE_SECONDS + (received + want) / body_limits.MIN_BYTES_PER_SECOND
            wait = min(body_limits.IDLE_SECONDS, start + limit.seconds - now, rate_due - now)
            if wait <= 0:
                raise _Refusal("408 Request Timeout", "too_slow")
            try:
                with gevent.Timeout(wait):
                    piece = raw.read(want)
            except gevent.Timeout:
                raise _Refusal("408 Request Timeout", "too_slow") from None
            except Exception:  # noqa: BLE001 — the client left, or a malformed chunk (each server words it its own way)
                raise _Refusal("400 Bad Request", "incomplete") from None
            if not piece:
                if length is None:
                    break
                raise _Refusal("400 Bad Request", "incomplete")
            received += len(piece)
            if length is None:
                if received > limit.max_bytes:
                    raise _Refusal("413 Content Too Large", "too_large")
                if not budget.take(len(piece)):
                    raise _Refusal("503 Service Unavailable", "busy",
                                   (("Retry-After", str(RETRY_AFTER_SECONDS)),))
                taken += len(piece)
            body.write(piece)
    except BaseException:
        body.close()
        budget.give_back(taken)
        raise
    return body


def _refuse(environ, raw, start_response, refusal: _Refusal):
    """Answer `refusal` and close the connection without reading what the client still sends."""
    log.warning("corps refusé (%s) : %s %s", refusal.status.split()[0], environ.get("REQUEST_METHOD"),
                environ.get("PATH_INFO"))
    # Servers read and drop the rest of a body before the next request of a kept-alive connection,
    # for as long as the client sends it. gunicorn ignores a Connection header from the app (a
    # hop-by-hop header) but closes after a response it was told to force_close(); gevent's own
    # server skips its drain when the input is marked unusable.
    force_close = getattr(getattr(start_response, "__self__", None), "force_close", None)
    if callable(force_close):
        force_close()
    if hasattr(raw, "_chunked_input_error"):
        raw._chunked_input_error = True
    payload = ("\n".join(WORDS[refusal.key]) + "\n").encode("utf-8")  # the page's language is not known yet
    start_response(refusal.status, [("Content-Type", "text/plain; charset=utf-8"),
                                    ("Content-Length", str(len(payload))), ("Connection", "close"),
                                    ("Cache-Control", "no-store"), *refusal.headers])
    return [payload]


def _collect(app, environ) -> tuple[str, list, list[bytes]]:
    """Run the WSGI app in this thread and keep its whole answer."""
    answer: dict = {}
    chunks: list[bytes] = []

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, headers
        return chunks.append

    result = app(environ, start_response)
    try:
        chunks.extend(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return answer["status"], answer["headers"], chunks
