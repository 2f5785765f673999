"""Read the packaged reference lists (control ids and titles) once."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from pathlib import Path


def _path(name: str) -> Path:
    return Path(str(resources.files("demarcate.compliance") / "data" / name))


@cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    with _path(name).open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def cis_controls() -> dict[str, dict[str, str]]:
    """CIS AWS Foundations Benchmark v7.0.0, by recommendation id."""
    return {r["id"]: r for r in _rows("cis_aws_foundations.csv")}


def fsbp_controls() -> dict[str, dict[str, str]]:
    """AWS Foundational Security Best Practices controls, by Security Hub id."""
    return {r["id"]: r for r in _rows("aws_fsbp.csv")}


def other_securityhub_controls() -> dict[str, dict[str, str]]:
    """Security Hub controls of these services that are not part of FSBP (CIS/PCI/NIST only)."""
    return {r["id"]: r for r in _rows("aws_securityhub_non_fsbp_in_scope.csv")}


CIS_VERSION = "7.0.0"
