"""/healthz asked again and again on fresh connections while something else loads the server."""
from __future__ import annotations

import http.client
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

PROBE_TIMEOUT = 2.0  # seconds a probe waits before counting as a failure


@dataclass
class Probe:
    """What /healthz answered while the load ran."""

    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.latencies_ms:
            return f"/healthz : aucune réponse ({len(self.failures)} échecs)"
        values = sorted(self.latencies_ms)
        p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
        failures = f" ({', '.join(self.failures[:3])})" if self.failures else ""
        return (f"/healthz : {len(values)} réponses, médiane {statistics.median(values):.1f} ms, "
                f"p95 {p95:.1f} ms, max {values[-1]:.1f} ms ; {len(self.failures)} échecs{failures}")


def loopback(url: str) -> tuple[str, int]:
    """(host, port) of `url`, refused unless it is this machine: these scripts load a server."""
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("Ce script ne vise que la boucle locale (127.0.0.1).")
    return parts.hostname, parts.port or 80


def watch(host: str, port: int, stop: threading.Event, every: float = 0.25) -> Probe:
    """Ask /healthz every `every` seconds until `stop` is set; each on a new connection."""
    probe = Probe()
    while not stop.is_set():
        started = time.perf_counter()
        connection = http.client.HTTPConnection(host, port, timeout=PROBE_TIMEOUT)
        try:
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                probe.latencies_ms.append((time.perf_counter() - started) * 1000)
            else:
                probe.failures.append(f"HTTP {response.status}")
        except OSError as exc:
            probe.failures.append(f"{type(exc).__name__} après {time.perf_counter() - started:.1f} s")
        finally:
            connection.close()
        stop.wait(every)
    return probe
