"""Request bodies under serve.py (gevent worker, web/offload.py): a route reads only the body it
takes, as fast as it must, within what a worker may hold (issue #27, finding 1).

One gunicorn with one worker for the module, on 127.0.0.1 only; every client here is bounded in
count and time and closes its sockets.
"""
from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlsplit

import pytest
from flask import Flask

from tests.serve_workers import rss_mib, worker_processes
from tests.servers import running
from web import body_limits, offload


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with running("serve.py", log, probe="/healthz", timeout=120, WORKERS="1") as url:
        yield url, log


def _connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1"
    return socket.create_connection((parts.hostname, parts.port), timeout=15)


def _status(sock: socket.socket, timeout: float = 15) -> int:
    sock.settimeout(timeout)
    head = b""
    while b"\r\n" not in head:
        piece = sock.recv(256)
        if not piece:
            raise ConnectionError(f"closed without an answer after {head!r}")
        head += piece
    return int(head.split()[1])


def _headers(method: str, path: str, **extra: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
             *(f"{k.replace('_', '-')}: {v}" for k, v in extra.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_a_body_sent_to_a_route_that_takes_none_is_refused_before_it_is_read(served):
    url, _ = served
    for path in ("/api/projects", "/une-page-inconnue", "/", "/healthz"):
        with _connect(url) as sock:
            started = time.monotonic()
            sock.sendall(_headers("GET", path, Content_Length="14000000"))  # and never a byte of it
            assert _status(sock, timeout=5) == 413, path
            assert time.monotonic() - started < 2


def test_a_chunked_body_stops_at_the_cap(served):
    url, _ = served
    piece = b"x" * 65536
    chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
    with _connect(url) as sock:
        sock.sendall(_headers("POST", "/_dash-update-component", Transfer_Encoding="chunked"))
        sent, status = 0, None
        started = time.monotonic()
        try:
            while sent < 4 * body_limits.BODY_LIMITS["/_dash-update-component"].max_bytes:
                sock.sendall(chunk)
                sent += len(piece)
        except OSError:  # the server answered and closed
            pass
        status = _status(sock)
    assert status == 413
    assert sent <= body_limits.BODY_LIMITS["/_dash-update-component"].max_bytes + 16 * 2**20
    assert time.monotonic() - started < 10


def test_a_body_that_stops_arriving_is_408_after_the_idle_time(served):
    url, _ = served
    with _connect(url) as sock:
        sock.sendall(_headers("POST", "/_dash-update-component", Content_Length="1000"))
        sock.sendall(b'{"output": ')
        started = time.monotonic()
        assert _status(sock, timeout=body_limits.IDLE_SECONDS + 10) == 408
        assert time.monotonic() - started < body_limits.IDLE_SECONDS + 3


def test_a_normal_callback_still_reaches_dash(served):
    url, _ = served
    body = b'{"output": "nothing-of-this-app.children"}'
    with _connect(url) as sock:
        sock.sendall(_headers("POST", "/_dash-update-component", Content_Length=str(len(body))) + body)
        assert _status(sock) == 400  # refused by the callback guard, past the body rules


def _stall(url: str, declared: int, sent: int, sockets: list, errors: list) -> None:
    try:
        sock = _connect(url)
        sockets.append(sock)
        sock.sendall(_headers("POST", "/_dash-update-component", Content_Length=str(declared)))
        block = b" " * 65536
        for _ in range(sent // len(block)):
            sock.sendall(block)
    except OSError as error:  # refused (503) and closed by the server: what the budget is for
        errors.append(error)


def test_twenty_stalled_bodies_hold_little_worker_memory_and_give_it_back(served):
    """20 connections announce 14 MiB, send 13 MiB and stop (the probe of issue #27 sent 80)."""
    url, _ = served
    workers = worker_processes(url)
    before = rss_mib(workers)
    sockets: list[socket.socket] = []
    errors: list = []
    threads = [threading.Thread(target=_stall, args=(url, 14 * 2**20, 13 * 2**20, sockets, errors), daemon=True)
               for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    time.sleep(1.0)
    during = rss_mib(workers)
    for sock in sockets:
        sock.close()
    time.sleep(2.0)
    after = rss_mib(workers)
    print(f"worker RSS: {before:.0f} MiB before, {during:.0f} MiB while stalled, {after:.0f} MiB after")
    assert during - before < 80
    assert after - before < 40


def test_a_form_route_another_module_registers_takes_a_small_body_and_no_more():
    server = Flask(__name__)
    server.add_url_rule("/publier/connexion", "sign_in", lambda: "", methods=["GET", "POST"])
    server.add_url_rule("/api/x", "x", lambda: "")

    def limit(path: str, method: str = "POST"):
        environ = {"PATH_INFO": path, "REQUEST_METHOD": method, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
                   "wsgi.url_scheme": "http", "HTTP_HOST": "127.0.0.1"}
        return offload._route_limit(server, environ)

    assert limit("/publier/connexion") == body_limits.FORM_LIMIT
    assert limit("/api/x") is None and limit("/api/x", "GET") is None and limit("/nowhere") is None
    body_limits.BODY_LIMITS["/publier/connexion"] = body_limits.BodyLimit(10, 1)
    try:
        assert limit("/publier/connexion") == body_limits.BodyLimit(10, 1)
    finally:
        del body_limits.BODY_LIMITS["/publier/connexion"]
