"""The environment a run needs: its own database (from a migrated template), Redis db 6, fixed secrets."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
BENCH_DB = "bench_decide"
TEMPLATE_DB = "bench_template"
BASELINE_TABLE = "bench_census_copy"
REDIS_DB = 6
# Fixed, not secret: the bench database is thrown away, and fixed values keep census hashes reproducible.
SECRET_KEY = "bench-secret-key-not-for-production-0123456789"  # noqa: S105
CENSUS_PEPPER = "bench-census-pepper-not-for-production-012345"


class SetupError(RuntimeError):
    pass


def required_urls() -> tuple[str, str]:
    database_url = os.environ.get("DATABASE_URL", "").strip()
    redis_url = os.environ.get("REDIS_URL", "").strip()
    missing = [name for name, value in (("DATABASE_URL", database_url), ("REDIS_URL", redis_url)) if not value]
    if missing:
        raise SetupError(
            f"{' and '.join(missing)} not set. The benchmarks measure the production set-up: PostgreSQL and Redis.\n"
            "Run e.g.  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres "
            "REDIS_URL=redis://127.0.0.1:6379/0 make bench-smoke\n"
            f"(the run creates its own databases {TEMPLATE_DB} and {BENCH_DB} and uses Redis db {REDIS_DB})."
        )
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SetupError("DATABASE_URL must point to PostgreSQL (postgres://...): the figures are about PostgreSQL.")
    return database_url, redis_url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def with_redis_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, ""))


def server_env(database_url: str, redis_url: str) -> dict[str, str]:
    """The environment of every Decide process of the run: production settings on loopback HTTP."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "decide.settings.production",
            "DATABASE_URL": with_database(database_url, BENCH_DB),
            "REDIS_URL": with_redis_db(redis_url, REDIS_DB),
            "SECRET_KEY": SECRET_KEY,
            "CENSUS_PEPPER": CENSUS_PEPPER,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback: no TLS to redirect to, cookies must travel without it.
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "CHANNEL_PREFIX": "bench",
            "CACHE_PREFIX": "bench",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _admin(database_url: str) -> psycopg.Connection:
    return psycopg.connect(database_url, autocommit=True)


def migrations_fingerprint() -> str:
    """What the template's schema depends on: every migration file of the project and the locked dependencies."""
    digest = hashlib.sha256()
    files = sorted(p for p in ROOT.glob("*/migrations/*.py") if ".venv" not in p.parts)
    files += [ROOT / "requirements.lock", ROOT / "requirements-dev.lock"]  # third-party apps' migrations
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return "decide-migrations:" + digest.hexdigest()


def prepare_database(database_url: str, env: dict[str, str], log: object = print) -> None:
    """Migrate the template unless its migrations are unchanged, then clone it into a fresh bench database.

    A `migrate` with nothing to apply still takes 20-45 s on the shared 2-core box (startup, the
    migration graph, post_migrate handlers); the template remembers the fingerprint of what it
    was migrated with (a comment on the database), so a repeated run skips it. A fresh template
    (CI) migrates in full: that cost shows in the "setting up" line of every run.
    """
    fingerprint = migrations_fingerprint()
    with _admin(database_url) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [TEMPLATE_DB]
        ).fetchone()
        if row is None:
            conn.execute(f'CREATE DATABASE "{TEMPLATE_DB}"')
    if row is not None and row[0] == fingerprint:
        log(f"{TEMPLATE_DB} is current (migrations unchanged): not migrated")  # type: ignore[operator]
    else:
        migrate_env = dict(env, DATABASE_URL=with_database(database_url, TEMPLATE_DB), PYTHONWARNINGS="ignore")
        log(f"migrating {TEMPLATE_DB} ...")  # type: ignore[operator]
        t0 = time.perf_counter()
        with _admin(database_url) as conn:  # a migrate that fails half-way leaves no fingerprint behind
            conn.execute(f'COMMENT ON DATABASE "{TEMPLATE_DB}" IS NULL')
        subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=migrate_env, check=True)
        with _admin(database_url) as conn:
            conn.execute(f"COMMENT ON DATABASE \"{TEMPLATE_DB}\" IS '{fingerprint}'")
        log(f"migrated {TEMPLATE_DB} in {time.perf_counter() - t0:.1f}s")  # type: ignore[operator]
    with _admin(database_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}" TEMPLATE "{TEMPLATE_DB}"')


def drop_database(database_url: str) -> None:
    with _admin(database_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def collectstatic(env: dict[str, str]) -> None:
    """Production serves hashed static names from the manifest; pages fail without it."""
    static_env = dict(env, PYTHONWARNINGS="ignore")
    for attempt in range(3):  # another checkout task (make run, e2e) may be writing the same folder right now
        done = subprocess.run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=static_env)
        if done.returncode == 0:
            return
        time.sleep(3 * (attempt + 1))
    raise SetupError("collectstatic failed three times; see the messages above")


def machine(database_url: str) -> dict[str, object]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_mb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_mb = int(line.split()[1]) // 1024
    except OSError:
        pass
    with _admin(database_url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "memory_mb": memory_mb,
        "python": platform.python_version(),
        "postgres": row[0] if row else "",
        "kernel": platform.release(),
    }
