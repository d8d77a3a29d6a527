"""Backups: a consistent PostgreSQL dump plus the media files, with a checksum manifest; restore
into an empty database.

pg_dump (Debian's postgresql-client) reads the whole database in one snapshot, so a backup taken
mid-poll holds each ballot with its participation or neither. The census pepper is a setting from
the environment, never a row: a dump holds only the keyed hashes, and a restored site needs the
same CENSUS_PEPPER in its environment to verify anyone (keep it apart from the backups).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from decide.refusals import Conflict, Invalid, Unavailable

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
TOOL_TIMEOUT_S = 3600  # a dump or restore of a large census is long, but never endless


def _database() -> dict[str, Any]:
    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        raise Invalid("Backups need PostgreSQL (DATABASE_URL=postgres://...); copy the SQLite file instead.")
    return database


def _libpq_env(database: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PGHOST=str(database.get("HOST") or "127.0.0.1"),
        PGPORT=str(database.get("PORT") or 5432),
        PGUSER=str(database.get("USER") or ""),
        PGDATABASE=str(database["NAME"]),
        PGCONNECT_TIMEOUT="10",
    )
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise Unavailable(f"{name} not found: install Debian's postgresql-client (apt-get install postgresql-client).")
    return found


def _major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    return int(match.group(1)) if match else 0


def check_client_version(tool: str) -> tuple[int, int]:
    """pg_dump must be at least the server's major version, or it refuses (or worse, misses things)."""
    client = _major(subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout)  # noqa: S603
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server = int(cursor.fetchone()[0]) // 10000
    if client < server:
        raise Unavailable(
            f"{Path(tool).name} {client} is older than the PostgreSQL {server} server: install a matching client."
        )
    return client, server


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup_create(*, destination: Path) -> Path:
    """Write database.dump, media.tar.gz and manifest.json into `destination` (which must not hold a backup)."""
    database = _database()
    pg_dump = _tool("pg_dump")
    client, server = check_client_version(pg_dump)
    destination.mkdir(parents=True, exist_ok=True)
    if (destination / MANIFEST).exists():
        raise Conflict(f"{destination} already holds a backup.")
    result = subprocess.run(  # noqa: S603 - pg_dump with our own arguments
        [pg_dump, "--format=custom", "--no-owner", "--no-privileges", "--file", str(destination / DUMP)],
        env=_libpq_env(database),
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        raise Unavailable(f"pg_dump failed: {result.stderr.strip()[-2000:]}")
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(destination / MEDIA, "w:gz") as archive:
        if media_root.exists():
            archive.add(media_root, arcname="media")
    manifest = {
        "created_at": datetime.now(UTC).isoformat(),
        "postgresql_server": server,
        "pg_dump": client,
        "database": database["NAME"],
        "files": {
            name: {"sha256": sha256(destination / name), "bytes": (destination / name).stat().st_size}
            for name in (DUMP, MEDIA)
        },
        "note": "The census pepper is not in this backup: restore with the same CENSUS_PEPPER in the environment.",
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return destination


def backup_verify(*, source: Path) -> dict[str, Any]:
    """The manifest, after checking every file against its checksum."""
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise Invalid(f"{source} has no readable {MANIFEST}: {exc}") from exc
    for name, expected in manifest["files"].items():
        path = source / name
        if not path.exists() or sha256(path) != expected["sha256"]:
            raise Invalid(f"{name} in {source} is missing or does not match its checksum: the backup is damaged.")
    return manifest


def backup_restore(*, source: Path) -> None:
    """Restore a verified backup into the configured database, which must be empty, and its media files."""
    database = _database()
    backup_verify(source=source)
    pg_restore = _tool("pg_restore")
    check_client_version(pg_restore)
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        tables = cursor.fetchone()[0]
    connections["default"].close()
    if tables:
        raise Conflict(f"The database {database['NAME']} is not empty ({tables} tables): restore into an empty one.")
    result = subprocess.run(  # noqa: S603 - pg_restore with our own arguments
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            str(database["NAME"]),
            str(source / DUMP),
        ],
        env=_libpq_env(database),
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        raise Unavailable(f"pg_restore failed: {result.stderr.strip()[-2000:]}")
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA, "r:gz") as archive:
        for member in archive.getmembers():
            if not member.name.startswith("media") or member.issym() or member.islnk():
                continue
            relative = Path(member.name).relative_to("media")
            target = (media_root / relative).resolve()
            if media_root.resolve() not in (target, *target.parents):
                raise Invalid(f"{member.name} in the media archive points outside MEDIA_ROOT.")
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
            elif member.isfile():
                target.parent.mkdir(parents=True, exist_ok=True)
                extracted = archive.extractfile(member)
                if extracted is not None:
                    with target.open("wb") as out:
                        shutil.copyfileobj(extracted, out)
