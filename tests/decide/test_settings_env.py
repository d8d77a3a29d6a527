"""Settings the README documents as environment variables are read from the environment (and checked)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _settings(env: dict[str, str], *names: str) -> subprocess.CompletedProcess[str]:
    code = "import decide.settings.base as s; print(" + ", ".join(f"s.{n}" for n in names) + ")"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_census_verification_settings_come_from_the_environment() -> None:
    names = ("CENSUS_VERIFY_RATE_USER", "CENSUS_VERIFY_RATE_IP", "CENSUS_VERIFY_SMS")
    defaults = _settings({}, *names)
    assert defaults.returncode == 0, defaults.stderr
    assert defaults.stdout.split() == ["5/h", "30/h", "False"]
    chosen = _settings(
        {"CENSUS_VERIFY_RATE_USER": "3/h", "CENSUS_VERIFY_RATE_IP": "100/10m", "CENSUS_VERIFY_SMS": "1"}, *names
    )
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.split() == ["3/h", "100/10m", "True"]


def test_a_malformed_rate_stops_start_up_with_its_name() -> None:
    broken = _settings({"CENSUS_VERIFY_RATE_IP": "lots"}, "CENSUS_VERIFY_RATE_IP")
    assert broken.returncode != 0
    assert "CENSUS_VERIFY_RATE_IP must be a rate" in broken.stderr
