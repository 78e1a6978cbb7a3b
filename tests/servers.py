"""Starting the app as its own process for tests that need a real server (browser, headers, start-up)."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(script: str, log_path: Path, probe: str = "/", timeout: float = 60, **env: str) -> Iterator[str]:
    """`python <script>` (app.py or serve.py) on a free loopback port, its output in `log_path`; yields
    its base URL once `probe` answers (any HTTP status counts: the tests judge the answer), and stops
    it afterwards. A server that exits or stays silent fails with its log."""
    port = free_port()
    environment = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), **env}
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, script], cwd=ROOT, env=environment, stdout=log,
                                   stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                urllib.request.urlopen(url + probe, timeout=2)
                break
            except urllib.error.HTTPError:
                break  # listening
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"{script} exited:\n{log_path.read_text()}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{script} did not answer within {timeout:.0f} s:\n{log_path.read_text()}") from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
