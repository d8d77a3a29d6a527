"""`make serve` started for a test: a fresh PostgreSQL database, the demo, nginx on a free port.

Needs PostgreSQL (DATABASE_URL), Redis (REDIS_URL) and Debian's nginx; the tests skip without them.
The server runs in its own process group, as in a terminal, so Ctrl+C is a SIGINT to the group.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.server import PostgresDatabase, ServerOutput, free_port

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def requirements_missing() -> str | None:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return "the production shape runs on PostgreSQL (DATABASE_URL=postgres://...)"
    if not os.environ.get("REDIS_URL"):
        return "the production shape runs with Redis (REDIS_URL)"
    if not Path(NGINX).exists():
        return "Debian's nginx is not installed (apt-get install nginx)"
    return None


def production_env(workdir: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    tag = workdir.name.replace("-", "_")
    env.update(
        DJANGO_SETTINGS_MODULE="decide.settings.production",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(40),
        CENSUS_PEPPER="topology-test-pepper-" + "x" * 24,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on loopback: no TLS in front in this test, so no redirect and no Secure cookies.
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        DECIDE_REQUIRE_STAFF_MFA="0",
        MEDIA_ROOT=str(workdir / "media"),
        SERVE_RUN_DIR=str(workdir / "run"),
        WEB_CONCURRENCY="2",
        CACHE_PREFIX=tag,
        CHANNEL_PREFIX=tag,
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class Topology:
    url: str
    env: dict[str, str]
    process: subprocess.Popen[str]
    output: ServerOutput
    run_dir: Path

    def supervisorctl(self, *args: str) -> str:
        result = subprocess.run(
            [str(ROOT / ".venv/bin/supervisorctl"), "-c", str(self.run_dir / "supervisord.conf"), *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        return result.stdout

    def pid(self, program: str) -> int:
        return int(self.supervisorctl("pid", program).strip())

    def children(self, pid: int) -> list[int]:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def ws_ports(self) -> list[int]:
        conf = (self.run_dir / "nginx.conf").read_text()
        block = conf[conf.index("upstream decide_sockets") :]
        block = block[: block.index("}")]
        return [int(port) for port in re.findall(r"127\.0\.0\.1:(\d+)", block)]

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result.stdout


def established_connections(port: int) -> int:
    """Open TCP connections to a local port (nginx → uvicorn: one per live socket)."""
    out = subprocess.run(
        ["ss", "-Htn", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return len([line for line in out.splitlines() if line.strip()])


def get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - our own server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_healthy(topology: Topology, timeout: float = 150) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if topology.process.poll() is not None:
            raise RuntimeError(
                f"make serve exited with {topology.process.returncode}:\n{topology.output.text()[-5000:]}"
            )
        try:
            status, body = get(f"{topology.url}/healthz", timeout=10)
            last = body.decode(errors="replace")
            if status == 200:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last = str(exc)
        time.sleep(0.5)
    raise RuntimeError(f"/healthz never answered 200 through nginx (last: {last}):\n{topology.output.text()[-5000:]}")


def start(workdir: Path, database: PostgresDatabase) -> Topology:
    env = production_env(workdir, database.url)
    port = free_port()
    env["SERVE_PORT"] = str(port)
    for step in (["migrate", "--no-input", "-v0"], ["seed_demo"]):
        result = subprocess.run(
            [PYTHON, "manage.py", *step],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=400,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{step} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    output = ServerOutput()
    process = subprocess.Popen(
        ["make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a terminal's process group: Ctrl+C is SIGINT to all of it
    )
    threading.Thread(target=output.pump, args=(process.stdout,), daemon=True).start()
    topology = Topology(f"http://127.0.0.1:{port}", env, process, output, Path(env["SERVE_RUN_DIR"]))
    try:
        wait_healthy(topology)
    except Exception:
        stop(topology)
        raise
    return topology


def stop(topology: Topology, timeout: float = 60) -> int:
    """Ctrl+C, as a person would; returns how long everything took to stop, in seconds."""
    if topology.process.poll() is not None:
        return 0
    started = time.monotonic()
    os.killpg(topology.process.pid, signal.SIGINT)
    try:
        topology.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(topology.process.pid, signal.SIGKILL)
        topology.process.wait(timeout=10)
        raise
    return int(time.monotonic() - started)


@pytest.fixture(scope="module")
def topology() -> object:
    missing = requirements_missing()
    if missing:
        pytest.skip(missing)
    workdir = Path(tempfile.mkdtemp(prefix="serve_"))
    database = PostgresDatabase(os.environ["DATABASE_URL"])
    database.create()
    try:
        running = start(workdir, database)
        try:
            yield running
        finally:
            stop(running)
    finally:
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)
