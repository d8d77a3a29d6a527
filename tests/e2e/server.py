"""The demo server started the way `make run` starts it, in a throwaway copy of the state.

migrate → collectstatic → seed_demo → runserver --noreload, under decide.settings.dev, on a
free port, with its own SQLite file (or its own PostgreSQL database when DATABASE_URL is set),
so the browser journeys never touch the developer's db.sqlite3.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
START_TIMEOUT = 120.0


@dataclass(frozen=True)
class CensusPerson:
    document: str
    birth_date: str  # ISO, what a date input takes
    district_code: str
    gender: str


# Added to the demo census by the administrator's import command, so each journey that signs up and
# verifies a new citizen has a census person of its own (the demo keeps a single unbound one).
E2E_CENSUS = tuple(
    CensusPerson(
        f"9900{n:04d}", f"19{70 + n}-0{1 + n % 9}-1{n % 10}", ("130101", "130302")[n % 2], ("female", "male")[n % 2]
    )
    for n in range(1, 13)
)
# People of the offline journey: one registered at the officer desk, then the signers of a paper sheet.
OFFLINE_CENSUS = tuple(
    CensusPerson(
        f"9800{n:04d}", f"19{60 + n}-0{1 + n % 9}-2{n % 8}", ("130101", "130302")[n % 2], ("female", "male")[n % 2]
    )
    for n in range(1, 19)
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerOutput:
    """Everything the server printed, readable while it runs (emails go there: console backend)."""

    lines: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def text(self) -> str:
        with self.lock:
            return "".join(self.lines)

    def pump(self, stream: object) -> None:
        for line in iter(stream.readline, ""):  # type: ignore[attr-defined]
            with self.lock:
                self.lines.append(line)

    def wait_for(self, pattern: str, *, after: int = 0, timeout: float = 15.0) -> re.Match[str]:
        """The first match of pattern in output written after character offset `after`."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            match = regex.search(self.text(), after)
            if match:
                return match
            if time.monotonic() > deadline:
                tail = self.text()[after:][-3000:]
                raise AssertionError(f"server never printed /{pattern}/; its last output:\n{tail}")
            time.sleep(0.1)


class PostgresDatabase:
    """A fresh database on the DATABASE_URL server, created for the session and dropped after."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.name = f"e2e_{secrets.token_hex(4)}"
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))

    def _execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create(self) -> None:
        self._execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._execute(
            # The name is ours (e2e_ + hex), never user input.
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{self.name}' "  # noqa: S608
            "AND pid <> pg_backend_pid()"
        )
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}"')


@dataclass
class LiveServer:
    url: str
    output: ServerOutput
    process: subprocess.Popen[str]
    env: dict[str, str]

    def manage(self, *args: str) -> None:
        """A management command on the server's state, as cron or an operator would run it."""
        _run_step(list(args), self.env)

    def confirm_link(self, email: str, *, after: int = 0) -> str:
        """The email-confirmation link printed by the console email backend for `email`."""
        to = self.output.wait_for(rf"To: {re.escape(email)}\s", after=after)
        link = self.output.wait_for(r"(http://127\.0\.0\.1:\d+/accounts/confirm-email/[^\s]+)", after=to.start())
        return link.group(1)


def _run_step(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}")


def _wait_healthy(url: str, process: subprocess.Popen[str], output: ServerOutput) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{output.text()[-5000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"/healthz never answered 200:\n{output.text()[-5000:]}")


def server_env(workdir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="decide.settings.dev",
        PYTHONUNBUFFERED="1",  # the confirmation emails must reach the pipe as they are sent
        MEDIA_ROOT=str(workdir / "media"),
        BASE_URL="http://127.0.0.1",
    )
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env["SQLITE_PATH"] = str(workdir / "e2e.sqlite3")
    if env.get("REDIS_URL"):
        # Shared Redis: keep our cache keys and socket groups apart from other runs on it.
        tag = workdir.name.replace("-", "_")
        env["CACHE_PREFIX"] = tag
        env["CHANNEL_PREFIX"] = tag
    return env


def start_server() -> tuple[LiveServer, PostgresDatabase | None, tempfile.TemporaryDirectory[str]]:
    workdir = tempfile.TemporaryDirectory(prefix="e2e_")
    database: PostgresDatabase | None = None
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        database = PostgresDatabase(url)
        database.create()
    env = server_env(Path(workdir.name), database.url if database else None)
    census = Path(workdir.name) / "e2e-census.csv"
    census.write_text(
        "document_number,birth_date,district_code,gender\n"
        + "".join(f"{p.document},{p.birth_date},{p.district_code},{p.gender}\n" for p in E2E_CENSUS + OFFLINE_CENSUS)
    )
    try:
        for step in (
            ["migrate", "--no-input"],
            ["collectstatic", "--no-input", "--verbosity", "0"],
            ["seed_demo"],
            ["import_census", str(census), "--no-progress"],
        ):
            _run_step(step, env)
    except Exception:
        if database is not None:
            database.drop()
        workdir.cleanup()
        raise
    port = free_port()
    output = ServerOutput()
    # Like `make run`: the server and, beside it in the same process group, the task worker (emails,
    # notifications and SMS are sent by the worker, and /healthz wants its heartbeat).
    process = subprocess.Popen(
        [
            "/bin/sh",
            "-c",
            f'"{PYTHON}" manage.py worker --verbosity 0 & '
            f'exec "{PYTHON}" manage.py runserver 127.0.0.1:{port} --noreload',
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, stopped as a whole
    )
    threading.Thread(target=output.pump, args=(process.stdout,), daemon=True).start()
    server = LiveServer(url=f"http://127.0.0.1:{port}", output=output, process=process, env=env)
    try:
        _wait_healthy(server.url, process, output)
    except Exception:
        stop_server(server, database, workdir)
        raise
    return server, database, workdir


def stop_server(
    server: LiveServer, database: PostgresDatabase | None, workdir: tempfile.TemporaryDirectory[str]
) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)
    if database is not None:
        database.drop()
    workdir.cleanup()
