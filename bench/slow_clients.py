"""Slow clients against a running server: does /healthz still answer while they trickle? (issue #19)

`--clients` connections send a request's headers (and then a body) at about 10 bytes a second,
never finishing within `--seconds`; meanwhile /healthz is asked every 0.5 s on a fresh connection
with a 2 s timeout (bench/health_probe.py), and its latency printed. Loopback only: the URL must be 127.0.0.1 or localhost.

    .venv/bin/python -m bench.slow_clients http://127.0.0.1:8050 --clients 50 --seconds 12
"""
from __future__ import annotations

import argparse
import socket
import threading
import time

from bench.health_probe import Probe, loopback, watch

BYTES_PER_SECOND = 10


def _trickle(host: str, port: int, clients: int, seconds: float, stop: threading.Event, opened: list,
             mode: str) -> None:
    """Open `clients` connections and feed each one byte every 1/BYTES_PER_SECOND s until `stop`:
    from the first byte of the headers (`mode` "headers"), or of the body once the headers are
    sent whole ("body")."""
    body = b"x" * 100_000
    request = (b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               b"X-Padding: " + b"a" * 60 + b"\r\nContent-Length: %d\r\n\r\n" % len(body)) + body
    sockets = []
    for _ in range(clients):
        s = socket.create_connection((host, port), timeout=5)
        s.setblocking(False)
        sockets.append(s)
    opened.extend(sockets)
    position = 0 if mode == "headers" else request.index(b"\r\n\r\n") + 4
    if position:
        for s in sockets:
            s.sendall(request[:position])
    deadline = time.monotonic() + seconds
    while not stop.is_set() and time.monotonic() < deadline:
        for s in sockets:
            try:
                s.send(request[position:position + 1])
            except (BlockingIOError, OSError):
                pass  # closed by the server, or its buffer full: either way it is not waiting on us
        position = min(position + 1, len(request) - 1)
        stop.wait(1 / BYTES_PER_SECOND)


def _still_open(sockets: list) -> int:
    open_count = 0
    for s in sockets:
        try:
            data = s.recv(1, socket.MSG_PEEK)
            open_count += data != b""  # b"" means the server closed it
        except BlockingIOError:
            open_count += 1
        except OSError:
            pass
    return open_count


def run(url: str, clients: int = 50, seconds: float = 12.0, mode: str = "headers") -> tuple[Probe, int]:
    """(what /healthz answered, slow connections the server still held at the end)."""
    if mode not in ("headers", "body"):
        raise ValueError(f"mode must be 'headers' or 'body', not {mode!r}")
    host, port = loopback(url)
    stop = threading.Event()
    opened: list = []
    trickler = threading.Thread(target=_trickle, args=(host, port, clients, seconds, stop, opened, mode), daemon=True)
    trickler.start()
    time.sleep(1.0)  # let every slow connection be accepted and start holding whatever it holds
    probe_stop = threading.Event()
    threading.Timer(seconds - 1.5, probe_stop.set).start()
    probe = watch(host, port, probe_stop, every=0.5)
    still_open = _still_open(opened)
    stop.set()
    trickler.join(timeout=5)
    for s in opened:
        s.close()
    return probe, still_open


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--mode", choices=("headers", "body"), default="headers")
    args = parser.parse_args()
    probe, still_open = run(args.url, args.clients, args.seconds, mode=args.mode)
    print(f"{probe.summary()} ; {still_open} clients lents encore connectés")


if __name__ == "__main__":
    main()
