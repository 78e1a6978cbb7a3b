"""Requests run in a small thread pool, so a gevent worker keeps answering /healthz meanwhile.

Under gunicorn's gevent worker (serve.py) every connection is a greenlet: a client that sends
its request slowly costs a greenlet, not a request slot. But greenlets take turns only when one
waits on the network, so a callback computing for half a second would also hold back the
worker's /healthz and every other connection. The app itself therefore runs in a few native
threads, as under gthread: Python's interpreter lets the worker's network loop run between them
every few milliseconds. Only the connections (reading requests, writing answers) and /healthz
stay in greenlets.

The request body is read whole in the connection's greenlet first (a slow sender waits there, at
no cost) and the answer is collected whole in the thread (callback answers are small), so that a
thread never touches the gevent socket. Only `make serve` uses this (serve.py's post_worker_init);
`python app.py` and the tests call the app directly.
"""
from __future__ import annotations

import io

from web.security import MAX_REQUEST_BYTES

# Requests that answer at once stay in their greenlet; every other one (callbacks, the API, but also
# the page shell, Dash's layout and dependencies, compressed static files: all CPU work) goes to
# the threads. Measured under the load test: sending only callbacks and the API to the threads
# left the page loads in the greenlets and doubled p95.
DIRECT_PATHS = ("/healthz",)
THREADS = 4  # as many as gthread had: CPU-bound work gains nothing from more
MAX_BODY_BYTES = MAX_REQUEST_BYTES  # beyond it the app answers 413 without reading the body


def offload(app, threads: int = THREADS):
    """`app` (WSGI) run in a gevent thread pool of `threads` threads, /healthz excepted."""
    from gevent.threadpool import ThreadPool  # imported here: only the gevent worker needs it

    pool = ThreadPool(threads)

    def application(environ, start_response):
        if environ.get("PATH_INFO", "") in DIRECT_PATHS:
            return app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            return app(environ, start_response)  # refused by the app (413) before it reads the body
        environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].read(MAX_BODY_BYTES + 1))
        status, headers, chunks = pool.apply(_collect, (app, environ))
        start_response(status, headers)
        return chunks

    return application


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
