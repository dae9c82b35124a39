"""gunicorn on 127.0.0.1 for the load scenarios, started and stopped by the harness.

    with Gunicorn(database_url, workers=2) as server:
        print(server.url, server.pid, server.worker_pids())

Production settings: ``DEBUG=0``, ``HTTPS=0`` (plain HTTP on the loopback, as behind a
local TLS proxy), a throwaway ``SECRET_KEY``, persistent database connections
(``CONN_MAX_AGE=600``: each worker keeps one backend, whose CPU the harness reads), one
trusted proxy (``TRUSTED_PROXY_COUNT=1``: the clients send their own X-Forwarded-For, as a
TLS proxy in front would), and the database task backend, so the receipt e-mail is a row
queued for a worker that the scenario does not run: no request waits for SMTP.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"TASKS_BACKEND", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "HTTPS": "0",
            "SECRET_KEY": "bench-" + secrets.token_hex(32),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CONN_MAX_AGE": "600",  # one backend per worker for the whole run
            "TRUSTED_PROXY_COUNT": "1",  # locust plays the proxy: X-Forwarded-For per user
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    env.update(extra)
    return env


class Gunicorn:
    """A gunicorn master with ``workers`` sync workers (or gthread with ``threads`` > 1)."""

    def __init__(
        self,
        database_url: str,
        workers: int = 2,
        *,
        threads: int = 1,
        port: int | None = None,
        log: Path | None = None,
        timeout: int = 60,
        env: dict[str, str] | None = None,
    ) -> None:
        self.database_url = database_url
        self.workers = workers
        self.threads = threads
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.timeout = timeout
        self.extra_env = env or {}
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def command(self) -> list[str]:
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        return [
            gunicorn,
            "rione.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--timeout",
            str(self.timeout),
            "--graceful-timeout",
            "10",
            "--backlog",
            "2048",
            "--no-control-socket",  # several servers may run side by side
        ]

    def start(self, wait: float = 60.0) -> Gunicorn:
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=server_env(self.database_url, **self.extra_env),
            stdout=out,
            stderr=subprocess.STDOUT if self.log else subprocess.DEVNULL,
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode} (log: {self.log})"
                )
            try:
                with urllib.request.urlopen(self.url + "/robots.txt", timeout=5) as response:
                    if response.status == 200 and len(self.worker_pids()) >= self.workers:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on {self.url} within {wait:.0f} s")

    def worker_pids(self) -> list[int]:
        """The pids of the master's children (its workers), read from /proc."""
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in children.read_text().split()]
        except FileNotFoundError:
            return []

    def stop(self, timeout: float = 20.0) -> int | None:
        """Graceful stop (SIGTERM), then SIGKILL; returns the exit code."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(5)

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
