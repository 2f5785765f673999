"""Helpers for the IaC tests: scan fixtures, pick one finding, find a block's line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from demarcate.engine import Finding
from demarcate.sources.iac.scan import IacScanOutcome, run_iac_scan

FIXTURES = Path(__file__).parent.parent / "fixtures"
TERRAFORM = FIXTURES / "terraform"
PARITY = FIXTURES / "parity" / "terraform"


class IacResult:
    def __init__(self, outcome: IacScanOutcome) -> None:
        self.outcome = outcome
        self.findings: list[Finding] = outcome.findings
        self.errors = outcome.parse_errors
        self.inventory = outcome.inventory

    def for_check(self, check_id: str) -> list[Finding]:
        return [f for f in self.findings if f.check_id == check_id]

    def one(self, check_id: str, resource: str) -> Finding:
        """The single finding of ``check_id`` whose resource id or name is ``resource``."""
        hits = [
            f
            for f in self.for_check(check_id)
            if resource in (f.resource_id, f.resource_name, f.resource_arn)
        ]
        assert len(hits) == 1, f"{check_id}/{resource}: {len(hits)} findings: {hits}"
        return hits[0]

    def resource(self, type_id: str, key: str) -> Any:
        hits = [r for r in self.inventory.of_type(type_id) if key in (r.id, r.name)]
        assert len(hits) == 1, f"{type_id}/{key}: {hits}"
        return hits[0]


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        if needle in text:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def scan_iac(*paths: Path, **kwargs: Any) -> IacResult:
    return IacResult(run_iac_scan(list(paths), **kwargs))
