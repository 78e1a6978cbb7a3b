"""A Dash server under test, run as a subprocess: free port, cold start, memory, guaranteed stop.

Used as a context manager so the process (and any child it forks) is killed on every way out:
normal end, exception, KeyboardInterrupt.
"""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
POLL_SECONDS = 0.05  # fine enough for a cold start of a few seconds, cheap for the CPU
STOP_GRACE_SECONDS = 10


class ServerError(RuntimeError):
    """The server exited or did not answer; the message ends with the tail of its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    started_at: float = 0.0  # time.perf_counter() just before the process was created

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> "Server":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.env, "PORT": str(self.port), "HOST": HOST}
        self._log = open(self.log_path, "w")
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(self.argv, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------ life cycle

    def wait_first_200(self, path: str = "/", timeout: float = 300.0) -> float:
        """Seconds from process creation to the first 200 answer on `path` (the cold start)."""
        deadline = self.started_at + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"{self.name} exited with status {self.process.returncode}{self.log_tail()}")
            if _status(HOST, self.port, path) == 200:
                return time.perf_counter() - self.started_at
            time.sleep(POLL_SECONDS)
        raise ServerError(f"{self.name} did not answer 200 on {path} within {timeout:.0f} s{self.log_tail()}")

    def stop(self) -> None:
        """Terminate the process and its children; kill whatever is still alive after a grace period."""
        if self.process is None:
            return
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        for proc in [self.process, *children]:
            try:
                proc.terminate()
            except (psutil.NoSuchProcess, ProcessLookupError):
                pass
        try:
            self.process.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_GRACE_SECONDS)
        for child in children:
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass
        self._log.close()
        self.process = None

    def check_alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            raise ServerError(f"{self.name} is no longer running{self.log_tail()}")

    # ------------------------------------------------------------ facts

    def memory(self) -> dict[str, float]:
        """RSS now and peak RSS (VmHWM) in MB, summed over the process and its children."""
        procs = [psutil.Process(self.process.pid)]
        procs += procs[0].children(recursive=True)
        rss = peak = 0
        for proc in procs:
            try:
                rss += proc.memory_info().rss
                peak += _peak_rss(proc.pid)
            except psutil.NoSuchProcess:
                pass
        return {"rss_mb": rss / 2**20, "peak_rss_mb": peak / 2**20}

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the process and its children.

        Per request, this is the server's own work, and it hardly moves when other programs
        compete for the cores, unlike wall time (the benchmark machine is not always quiet).
        """
        procs = [psutil.Process(self.process.pid)]
        procs += procs[0].children(recursive=True)
        total = 0.0
        for proc in procs:
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def log_tail(self, lines: int = 25) -> str:
        try:
            self._log.flush()
            text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return ""
        return f"\n--- last lines of {self.log_path} ---\n" + "\n".join(text)


def _status(host: str, port: int, path: str) -> int | None:
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        return None  # not listening yet
    finally:
        conn.close()


def _peak_rss(pid: int) -> int:
    """Linux's high-water mark of the resident set (bytes); 0 where /proc is not available."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
