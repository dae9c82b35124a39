"""A throw-away PostgreSQL cluster that a benchmark may crash and restart at will.

    with PgCluster(port=54329) as pg:
        url = pg.url("rione_crash")   # postgres://postgres@127.0.0.1:54329/rione_crash
        pg.createdb("rione_crash")
        pg.kill_immediate()           # every server process gets SIGKILL: a crash
        pg.start()                    # crash recovery replays the WAL

The cluster lives in a temporary directory owned by the ``postgres`` user, is made with
``initdb`` and run with ``pg_ctl`` from ``/usr/lib/postgresql/15/bin`` (override with
``PG_BINDIR``), as ``postgres`` because the server refuses to run as root. It listens on
127.0.0.1 only, with durable settings (``fsync``, ``synchronous_commit``,
``full_page_writes`` on): a commit the server acknowledged must survive a crash. The
directory is removed on exit, also after an error or Ctrl-C.
"""

import atexit
import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

BINDIR = Path(os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin"))
DEFAULT_PORT = 54329
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
    "max_connections": "100",
    "shared_buffers": "64MB",
    # Recovery after a crash replays the WAL since the last checkpoint: keep it short.
    "checkpoint_timeout": "30s",
    "log_min_messages": "warning",
}


class ClusterError(RuntimeError):
    pass


def _as_user(user: str) -> list[str]:
    """The command prefix that runs a program as ``user`` when we are root."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser"):
        return ["runuser", "-u", user, "--"]
    if shutil.which("setpriv"):
        entry = pwd.getpwnam(user)
        return [
            "setpriv",
            f"--reuid={entry.pw_uid}",
            f"--regid={entry.pw_gid}",
            "--init-groups",
            "--",
        ]
    raise ClusterError("Running as root needs runuser or setpriv to start PostgreSQL as postgres.")


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs; a zombie (dead, not yet reaped by its parent) does not."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


class PgCluster:
    """initdb + pg_ctl in a temporary directory; ``kill_immediate`` and ``start`` crash it."""

    def __init__(
        self,
        *,
        port: int = DEFAULT_PORT,
        user: str = "postgres",
        bindir: Path = BINDIR,
        settings: dict[str, str] | None = None,
        keep: bool = False,
    ) -> None:
        self.port = port
        self.user = user
        self.bindir = bindir
        self.settings = {**SERVER_SETTINGS, **(settings or {})}
        self.keep = keep
        self.root: Path | None = None
        self.crashes = 0
        self.restarts: list[float] = []

    # Paths

    @property
    def datadir(self) -> Path:
        assert self.root is not None, "the cluster is not made yet"
        return self.root / "data"

    @property
    def logfile(self) -> Path:
        assert self.root is not None, "the cluster is not made yet"
        return self.root / "server.log"

    def url(self, dbname: str) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{dbname}"

    # Life cycle

    def __enter__(self) -> "PgCluster":
        atexit.register(self.destroy)
        try:
            self.initdb()
            self.start()
        except BaseException:
            self.destroy()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.destroy()
        atexit.unregister(self.destroy)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [*_as_user(self.user), *args]
        result = subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, check=False, timeout=120
        )
        if check and result.returncode != 0:
            raise ClusterError(
                f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
                f"{self.log_tail()}"
            )
        return result

    def initdb(self) -> None:
        if not (self.bindir / "initdb").exists():
            raise ClusterError(
                f"No initdb in {self.bindir}: install PostgreSQL 15 or set PG_BINDIR."
            )
        if not port_is_free(self.port):
            raise ClusterError(f"Port {self.port} is taken: choose another one with --pg-port.")
        self.root = Path(tempfile.mkdtemp(prefix="rione-pg-"))
        entry = pwd.getpwnam(self.user) if os.geteuid() == 0 else None
        if entry is not None:
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.datadir),
            "-U",
            self.user,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-instructions",
        )

    def _options(self) -> str:
        settings = {**self.settings, "port": str(self.port)}
        # The socket goes into our own directory, away from the system server's.
        settings["unix_socket_directories"] = str(self.root)
        return " ".join(f"-c {key}={value}" for key, value in settings.items())

    def start(self, *, timeout: int = 60) -> float:
        """Start the server and wait until it accepts connections; returns the seconds taken."""
        began = time.monotonic()
        self._clear_stale_locks()
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.datadir),
            "-o",
            self._options(),
            "-l",
            str(self.logfile),
            "-w",
            "-t",
            str(timeout),
            "start",
        )
        took = time.monotonic() - began
        self.restarts.append(took)
        return took

    def _clear_stale_locks(self) -> None:
        """Remove the lock files of a killed server whose process is dead or a zombie.

        The server refuses to start while the pid in its lock file exists, and a killed
        postmaster may linger as a zombie until the container's init reaps it.
        """
        assert self.root is not None
        pid = self.postmaster_pid()
        if pid is None or _alive(pid):
            return
        for lock in (self.datadir / "postmaster.pid", self.root / f".s.PGSQL.{self.port}.lock"):
            lock.unlink(missing_ok=True)

    def postmaster_pid(self) -> int | None:
        try:
            first = (self.datadir / "postmaster.pid").read_text().splitlines()[0]
        except (FileNotFoundError, IndexError):
            return None
        return int(first)

    def is_running(self) -> bool:
        pid = self.postmaster_pid()
        return pid is not None and _alive(pid)

    def kill_immediate(self, *, how: str = "sigkill", timeout: float = 30) -> None:
        """Crash the server: no shutdown checkpoint, open transactions are lost.

        ``sigkill`` sends SIGKILL to the postmaster and every backend at once (its process
        group), like a power cut for the processes; ``immediate`` is ``pg_ctl stop -m
        immediate`` (SIGQUIT: backends exit at once, recovery runs at the next start).
        """
        pid = self.postmaster_pid()
        if pid is None:
            raise ClusterError("The server is not running.")
        if how == "immediate":
            self._run(
                str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "stop"
            )
        elif how == "sigkill":
            try:
                pgid = os.getpgid(pid)
            except ProcessLookupError:
                pgid = None
            children = self._children(pid)
            if pgid is not None and pgid == pid:
                os.killpg(pgid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
            for child in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, signal.SIGKILL)
            self._wait_gone([pid, *children], timeout)
        else:
            raise ValueError(f"unknown way to kill: {how}")
        self.crashes += 1

    @staticmethod
    def _children(pid: int) -> list[int]:
        try:
            text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    @staticmethod
    def _wait_gone(pids: list[int], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for pid in pids:
            while time.monotonic() < deadline:
                if not _alive(pid):
                    break
                time.sleep(0.05)
            else:
                raise ClusterError(f"Process {pid} survived SIGKILL for {timeout}s.")

    def stop(self) -> None:
        if self.root is None or not self.is_running():
            return
        result = self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.datadir),
            "-m",
            "fast",
            "-w",
            "stop",
            check=False,
        )
        if result.returncode != 0 and self.is_running():
            self.kill_immediate(how="sigkill")

    def destroy(self) -> None:
        """Stop the server (crashing it if it will not stop) and remove its directory."""
        if self.root is None:
            return
        try:
            self.stop()
        finally:
            if not self.keep:
                shutil.rmtree(self.root, ignore_errors=True)
                self.root = None

    # Helpers

    def createdb(self, dbname: str) -> str:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
        return self.url(dbname)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.logfile.read_text(errors="replace")
        except (OSError, AssertionError):
            return ""
        return "\n--- server log ---\n" + "\n".join(text.splitlines()[-lines:])


if __name__ == "__main__":
    # Smoke test: make a cluster, write, crash it, restart it, read back, clean up.
    import psycopg

    with PgCluster() as pg:
        pg.createdb("smoke")
        with psycopg.connect(pg.url("smoke").replace("postgres://", "postgresql://")) as conn:
            conn.execute("CREATE TABLE t (n int)")
            conn.execute("INSERT INTO t VALUES (1)")
        pg.kill_immediate()
        print("killed; running:", pg.is_running())
        print(f"restarted in {pg.start():.2f}s")
        with psycopg.connect(pg.url("smoke")) as conn:
            print("rows after crash:", conn.execute("SELECT count(*) FROM t").fetchone())
        pg.kill_immediate(how="immediate")
        print(f"restarted in {pg.start():.2f}s")
        print("root:", pg.root)
    print("removed:", not Path(str(pg.root)).exists() if pg.root else True)
