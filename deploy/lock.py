"""The hashed dependency locks and the check that they match pyproject.toml.

pyproject.toml keeps version ranges (for people installing Decide as a package);
requirements.lock (runtime) and requirements-dev.lock (runtime + dev tools) pin every
package, transitive ones included, with the hashes of their files, so `make install`,
CI and a production host install exactly what was tested and refuse a file that
changed on the index. The locks are compiled by uv (`uv pip compile --generate-hashes
--universal`): one resolution valid on every platform for Python 3.11, in seconds
(pip-compile takes minutes here and resolves for the running platform only).

Each lock records a fingerprint of the dependency lists of pyproject.toml, so the
Makefile can tell a stale lock from a fresh one by content: file times are not
reliable after a `git clone`. Standard library only: it runs before anything is installed.

    python deploy/lock.py check            # exit 1 with a message when a lock is stale
    python deploy/lock.py compile          # recompile, keeping the current pins where the ranges allow
    python deploy/lock.py compile --upgrade
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
MARK = "# pyproject-dependencies-sha256: "
PYTHON_VERSION = "3.11"


def fingerprint() -> str:
    """Hash of what the locks are resolved from: requires-python and the dependency lists."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    relevant = {
        "requires-python": project.get("requires-python", ""),
        "dependencies": sorted(project.get("dependencies", [])),
        "optional-dependencies": {k: sorted(v) for k, v in project.get("optional-dependencies", {}).items()},
    }
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


def recorded(lock: Path) -> str | None:
    if not lock.exists():
        return None
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.startswith(MARK):
            return line[len(MARK) :].strip()
    return None


def check() -> int:
    expected = fingerprint()
    stale = [lock.name for lock in (RUNTIME_LOCK, DEV_LOCK) if recorded(lock) != expected]
    if stale:
        print(
            f"\n!! {', '.join(stale)} do(es) not match the dependencies in pyproject.toml.\n"
            "   Someone changed pyproject.toml without recompiling the lock. Run:\n"
            "     make lock      # add what pyproject.toml asks for, keep every other pin\n"
            "     make upgrade   # or: refresh every pin to the newest allowed by the ranges\n"
            "   then commit requirements.lock and requirements-dev.lock.\n",
            file=sys.stderr,
        )
        return 1
    return 0


def _compile(uv: str, output: Path, extra: list[str], upgrade: bool) -> None:
    command = [
        uv,
        "pip",
        "compile",
        str(PYPROJECT),
        "--generate-hashes",
        "--universal",
        "--python-version",
        PYTHON_VERSION,
        "--custom-compile-command",
        "make lock",
        "--quiet",
        "-o",
        str(output),
        *extra,
    ]
    if upgrade:
        command.append("--upgrade")
    subprocess.run(command, check=True, cwd=ROOT)  # noqa: S603 - our own fixed command line (uv pip compile)
    text = output.read_text(encoding="utf-8")
    output.write_text(f"{MARK}{fingerprint()}\n{text}", encoding="utf-8")


def compile_locks(*, upgrade: bool) -> int:
    uv = str(Path(sys.executable).parent / "uv")
    # Dev first (the superset), then runtime constrained to it: both locks pin the same versions.
    _compile(uv, DEV_LOCK, ["--extra", "dev"], upgrade)
    _compile(uv, RUNTIME_LOCK, ["--constraint", str(DEV_LOCK)], upgrade=False)
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:
        return check()
    if argv[:1] == ["compile"]:
        return compile_locks(upgrade="--upgrade" in argv)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
