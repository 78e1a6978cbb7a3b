"""The worker processes of a `serve.py` started by tests.servers.running, found by its port."""
from __future__ import annotations

from urllib.parse import urlsplit

import psutil


def worker_processes(url: str) -> list[psutil.Process]:
    """The gunicorn workers serving `url` (children of the master listening on its port)."""
    port = urlsplit(url).port
    for process in psutil.process_iter(["cmdline"]):
        try:
            if not any(part.endswith("serve.py") for part in process.info["cmdline"] or ()):
                continue
            if any(c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN
                   for c in process.net_connections(kind="tcp")) and process.children():
                return process.children()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    raise LookupError(f"no serve.py master listening on port {port}")


def rss_mib(processes: list[psutil.Process]) -> float:
    return sum(p.memory_info().rss for p in processes) / 2**20
