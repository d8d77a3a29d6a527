"""Issue 19: the hashed locks match pyproject.toml, and a change of its dependencies is caught
(by content: file times after a git clone say nothing)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_lock_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_lock", ROOT / "deploy" / "lock.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_locks_pin_every_package_with_hashes() -> None:
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / name).read_text()
        pins = [line for line in text.splitlines() if "==" in line and not line.startswith(("#", " "))]
        assert pins and all(line.endswith("\\") for line in pins), f"{name}: a pin without its hashes"
        assert text.count("--hash=sha256:") >= len(pins)
    assert "django==" in (ROOT / "requirements.lock").read_text().lower()
    assert "pytest==" not in (ROOT / "requirements.lock").read_text().lower()  # dev tools stay out of production
    assert "pytest==" in (ROOT / "requirements-dev.lock").read_text().lower()


def test_a_dependency_change_makes_the_check_fail_with_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = load_lock_module()
    for name in ("pyproject.toml", "requirements.lock", "requirements-dev.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    monkeypatch.setattr(lock, "PYPROJECT", tmp_path / "pyproject.toml")
    monkeypatch.setattr(lock, "RUNTIME_LOCK", tmp_path / "requirements.lock")
    monkeypatch.setattr(lock, "DEV_LOCK", tmp_path / "requirements-dev.lock")
    # Reformatting or other sections do not count; a new dependency does.
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n# a comment\n")
    assert lock.check() == 0, capsys.readouterr().err
    text = pyproject.read_text()
    pyproject.write_text(text.replace("dependencies = [\n", 'dependencies = [\n    "left-pad>=1",\n', 1))
    assert lock.check() == 1
    assert "make lock" in capsys.readouterr().err
