"""`make run` keeps its console for the logins: emails go to files in a git-ignored folder, and one line says where."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FILES = "django.core.mail.backends.filebased.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
# Added to the Makefile for the test: a prerequisite of `run` that reports the environment `run` gives its
# commands. Lines starting with "+" run even under `make -n`, which only prints the rest of the recipe.
PROBE = 'run: probe-email\nprobe-email:\n\t+@echo "EMAIL_BACKEND=$$EMAIL_BACKEND"\n'


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"EMAIL_BACKEND", "EMAIL_FILE_PATH", "MAKEFLAGS"}}
    env.update(values)
    return env


def _make_run_dry(tmp_path: Path, **env: str) -> list[str]:
    probe = tmp_path / "probe.mk"
    probe.write_text(PROBE)
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "-f", "Makefile", "-f", str(probe), "run"],
        cwd=ROOT,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def _where_line(lines: list[str]) -> str:
    (line,) = [line for line in lines if "are written to files in" in line]
    return line


@pytest.mark.parametrize(
    ("env", "backend"),
    [({}, FILES), ({"EMAIL_BACKEND": CONSOLE}, CONSOLE)],
    ids=["files-by-default", "environment-wins"],
)
def test_make_run_sends_emails_to_files_unless_the_environment_says_otherwise(
    tmp_path: Path, env: dict[str, str], backend: str
) -> None:
    lines = _make_run_dry(tmp_path, **env)
    assert f"EMAIL_BACKEND={backend}" in lines


@pytest.mark.parametrize(
    ("env", "printed"),
    [
        ({"EMAIL_BACKEND": FILES}, f"{ROOT}/sent-mail/"),
        ({"EMAIL_BACKEND": FILES, "EMAIL_FILE_PATH": "/srv/mail"}, "/srv/mail/"),
        ({"EMAIL_BACKEND": CONSOLE}, None),
    ],
    ids=["default-folder", "chosen-folder", "console"],
)
def test_one_line_after_the_logins_says_where_the_emails_are(
    tmp_path: Path, env: dict[str, str], printed: str | None
) -> None:
    lines = _make_run_dry(tmp_path)
    where = _where_line(lines)
    assert lines.index(where) == lines.index(".venv/bin/python manage.py demo_logins") + 1
    # The recipe line as the shell runs it, in the environment `make run` gives it.
    output = subprocess.run(
        ["sh", "-c", where], env=_env(**env), capture_output=True, text=True, timeout=10, check=True
    ).stdout
    if printed is None:
        assert output == ""
    else:
        assert output.count("\n") == 1 and f"files in {printed} " in output


def test_the_mail_folder_is_ignored_by_git() -> None:
    result = subprocess.run(
        ["git", "check-ignore", "-q", "sent-mail/20261201-101010-1.log"], cwd=ROOT, timeout=10, check=False
    )
    assert result.returncode == 0


def test_the_demo_settings_write_an_email_to_a_file_and_print_none_of_it(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "sendtestemail", "rosa@demo.decide"],
        cwd=ROOT,
        env=_env(DJANGO_SETTINGS_MODULE="decide.settings.dev", EMAIL_BACKEND=FILES, EMAIL_FILE_PATH=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "rosa@demo.decide" not in result.stdout + result.stderr
    (sent,) = tmp_path.glob("*.log")
    assert "To: rosa@demo.decide" in sent.read_text()
