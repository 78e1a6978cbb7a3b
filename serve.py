"""Production serving with gunicorn: `make serve`, or `python serve.py`.

This file is gunicorn's configuration (`gunicorn -c serve.py app:server`); run directly, it starts
gunicorn with itself as configuration. Every value below can be overridden from the environment:
HOST, PORT and WORKERS here, anything else with gunicorn's own GUNICORN_CMD_ARGS
(e.g. `GUNICORN_CMD_ARGS="--worker-connections 2000 --timeout 60"`).

The app is loaded once in the master process before any worker is forked (`preload_app`):
- a missing or invalid data file stops the master before it binds its port (`app.create_app()`
  calls `web.startup.check_ready()`), with a one-paragraph message and exit status 78 (69 when the
  database does not answer: one line naming CARTE_DATABASE_URL and its host, never its password);
- the validated tables and layers are shared by the workers (copy-on-write), not loaded N times.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # gunicorn reads this file before it imports the app

import config as carte_config  # noqa: E402  (a module-level "config" would be read as gunicorn's -c setting)


def default_workers() -> int:
    """Gunicorn's usual rule: 2 × cores + 1 (cores this process may use, not the whole machine)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = multiprocessing.cpu_count()
    return 2 * cores + 1


def _setting(name: str, env: str) -> str:
    """A value of config.SETTINGS, or of the environment while the setting is not declared there."""
    return carte_config.get(name) if name in carte_config.SETTINGS else os.environ.get(env, "")


def _workers() -> int:
    raw = _setting("workers", "WORKERS").strip()
    if not raw or raw == "0":
        return default_workers()
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"WORKERS doit être un nombre entier de processus, pas {raw!r}.") from None
    if value < 1:
        raise SystemExit(f"WORKERS doit être au moins 1, pas {value}.")
    return value


wsgi_app = "app:server"
chdir = str(ROOT)
_host = carte_config.get("host")
bind = f"[{_host}]:{carte_config.get('port')}" if ":" in _host else f"{_host}:{carte_config.get('port')}"  # IPv6 in brackets
workers = _workers()
# gevent: each connection is a greenlet, so a client that sends its request slowly (or never
# finishes it) costs a few kilobytes, not one of a handful of request threads. With gthread, 50
# connections trickling 10 bytes a second left /healthz timing out (docs/OPERATIONS.md). Callbacks
# are CPU-bound pandas work: they run in a few threads beside the greenlets (post_worker_init),
# so a worker still answers /healthz and static files while one computes.
worker_class = "gevent"
worker_connections = 1000  # open connections per worker, slow ones included
preload_app = True
timeout = 30  # a callback takes well under a second; 30 s means a stuck worker, which is replaced
# The master replaces a worker silent for `timeout`. The worker's network loop keeps telling it it
# is alive while the threads compute, as gthread's main thread did; a slow client never silences it.
graceful_timeout = 20
# An idle kept-alive connection is a greenlet under gevent, not a thread: keep it long enough
# for a visitor's pause between two changes (the load test's are 1,5 to 4,5 s, plus waiting).
keepalive = 30
# Recycle workers now and then, so slow growth of a process (caches, fragmentation) cannot add up.
max_requests = 20_000
max_requests_jitter = 2_000
accesslog = "-"
errorlog = "-"
loglevel = "info"
proc_name = "carte-des-alliances"
# No runtime control socket ($HOME/.gunicorn/gunicorn.ctl): nothing here needs it, and two
# instances on one machine (a test beside a server) would fight over the same path.
control_socket_disable = True


def when_ready(server) -> None:
    """In the master, once the app is loaded and before any worker is forked: warm it, so every
    worker starts with Dash set up and the default pages computed (web/warmup.py)."""
    from app import app
    from web import public_url, warmup

    # Only the public address's Host is answered (Flask's TRUSTED_HOSTS, set before the fork).
    if not public_url.trust_public_host(app.server):
        server.log.warning("CARTE_PUBLIC_URL n'est pas réglée : les liens canoniques, Open Graph, sitemap.xml et "
                           "robots.txt reprennent l'en-tête Host de chaque requête (voir docs/OPERATIONS.md).")
    warmup.warm(app)


def post_worker_init(worker) -> None:
    """In each worker, once gevent is set up: the requests that compute go to a few threads, so
    the worker's other connections (health checks, static files) do not wait for them (web/offload.py).
    And the public data's version is checked every second in each worker, visited or not."""
    from components import dataset

    dataset.watch_publications()
    if "gevent" not in type(worker).__module__:
        return  # another worker class chosen with GUNICORN_CMD_ARGS: its own threads serve
    from web.offload import offload

    # The network loop needs the interpreter lock for every read and write, and the app's threads
    # hold it for up to the switch interval (5 ms by default) at a time: 1 ms lets it in sooner.
    sys.setswitchinterval(0.001)
    worker.wsgi = offload(worker.wsgi)


def main() -> None:
    from gunicorn.app.wsgiapp import run

    sys.argv = [sys.argv[0], "--config", str(ROOT / "serve.py")]
    run()


if __name__ == "__main__":
    main()
