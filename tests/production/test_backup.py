"""Issue 19: back up mid-poll, restore into another (empty) database, and find the same bulletin,
counts and census hashes; the census pepper is never in the dump."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from tests.e2e.server import PostgresDatabase
from tests.factories import PollFactory, VerifiedUserFactory
from votes.models import Option
from votes.services import ballot_cast

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
BULLETIN = (
    "SELECT b.receipt_hash, o.label FROM votes_ballot b JOIN votes_ballotchoice c ON c.ballot_id = b.id "
    "JOIN votes_option o ON o.id = c.option_id ORDER BY 1, 2"
)
COUNTS = "SELECT (SELECT count(*) FROM votes_participation), (SELECT count(*) FROM votes_ballot)"
CENSUS = "SELECT document_hash FROM accounts_censusrecord ORDER BY 1"


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("backups are PostgreSQL dumps")


def url_of(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def read(url: str) -> dict[str, Any]:
    with psycopg.connect(url) as conn:
        return {
            "bulletin": conn.execute(BULLETIN).fetchall(),
            "counts": conn.execute(COUNTS).fetchone(),
            "census": conn.execute(CENSUS).fetchall(),
        }


def vote(poll: Any, index: int) -> None:
    option = Option.objects.filter(question__poll=poll).order_by("position")[index % 3]
    ballot_cast(poll=poll, voter=VerifiedUserFactory(), choices=[option], receipt_code=f"RECEIPT-{index:04d}-XYZ")


def test_backup_mid_poll_restores_the_same_bulletin_counts_and_census(tmp_path: Path) -> None:
    poll = PollFactory()
    for index in range(6):
        vote(poll, index)
    media = Path(settings.MEDIA_ROOT)
    source_url = url_of(connection.settings_dict["NAME"])
    before = read(source_url)
    assert len(before["bulletin"]) == 6 and before["counts"] == (6, 6)

    call_command("backup", str(tmp_path / "backup"))
    vote(poll, 99)  # the poll goes on after the backup: the restored copy is the moment of the dump

    target = PostgresDatabase(os.environ["DATABASE_URL"])
    target.create()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update(DATABASE_URL=target.url, MEDIA_ROOT=str(tmp_path / "restored-media"))
        restored = subprocess.run(
            [sys.executable, "manage.py", "restore", str(tmp_path / "backup")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert restored.returncode == 0, restored.stderr[-3000:]
        assert read(target.url) == before
        assert read(source_url)["counts"] == (7, 7)

        # A second restore into the same (now full) database is refused, not merged.
        again = subprocess.run(
            [sys.executable, "manage.py", "restore", str(tmp_path / "backup")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert again.returncode != 0 and "not empty" in again.stderr
    finally:
        target.drop()

    # The pepper stays in the environment: not in the dump's SQL, in any form.
    sql = subprocess.run(
        ["pg_restore", "-f", "-", str(tmp_path / "backup" / "database.dump")], capture_output=True, check=True
    ).stdout
    assert b"votes_ballot" in sql
    assert settings.CENSUS_PEPPER.encode() not in sql
    assert media is not None


def test_a_damaged_backup_is_refused_before_anything_is_restored(tmp_path: Path) -> None:
    call_command("backup", str(tmp_path / "backup"))
    dump = tmp_path / "backup" / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(tmp_path / "backup"))
