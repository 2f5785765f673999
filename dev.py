#!/usr/bin/env python3
"""Bootstrap for a fresh machine that has only Python 3.11: venv, install, run.

    python3.11 dev.py demo   # set up, then scan the embedded demo account
    python3.11 dev.py test   # set up, then run the whole test suite
    python3.11 dev.py lint   # ruff check + format check
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".demarcate-installed"


def _fingerprint() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def setup() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python
        sys.exit(f"demarcate needs Python >= 3.11 (this is {sys.version.split()[0]})")
    if not PY.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _fingerprint():
        return
    print("installing demarcate and its dependencies (first run only)", flush=True)
    pip = [str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(_fingerprint())


def run(*args: str) -> int:
    return subprocess.run([str(BIN / args[0]), *args[1:]], cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    task = argv[0] if argv else "help"
    extra = argv[1:]
    if task in ("help", "-h", "--help"):
        print(__doc__)
        return 0
    setup()
    if task == "setup":
        return 0
    if task == "demo":
        return run("demarcate", "scan", "demo", *extra)
    if task == "test":
        rc = run("python", "-m", "pytest", "-n", "auto", "--dist", "loadfile", *extra)
        if rc == 5:  # pytest: no tests collected
            print("no tests collected")
            return 0
        return rc
    if task == "lint":
        return run("ruff", "check", "src", "tests", "bench") or run(
            "ruff", "format", "--check", "src", "tests", "bench"
        )
    print(f"unknown task {task!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
