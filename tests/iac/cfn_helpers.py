"""Shared helpers for the CloudFormation tests: load a fixture, run the checks, pick findings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from demarcate.engine import Finding, run_checks
from demarcate.resources.base import Inventory, Resource
from demarcate.sources.cloudformation import load_template
from demarcate.sources.iac.errors import IacParseError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "cloudformation"
ACCOUNT = "111122223333"
REGION = "us-east-1"


@dataclass
class CfnScan:
    path: Path
    resources: list[Resource]
    errors: list[IacParseError]
    findings: list[Finding]

    def resource(self, name: str) -> Resource:
        hits = [r for r in self.resources if name in (r.id, r.name)]
        assert len(hits) == 1, f"{name}: {len(hits)} resources"
        return hits[0]

    def find(self, check_id: str, name: str) -> list[Finding]:
        return [
            f
            for f in self.findings
            if f.check_id == check_id and name in (f.resource_name, f.resource_id, f.resource_arn)
        ]

    def one(self, check_id: str, name: str) -> Finding:
        hits = self.find(check_id, name)
        assert len(hits) == 1, f"{check_id}/{name}: {len(hits)} findings {hits}"
        return hits[0]


def scan_file(path: Path, parameters: dict[str, str] | None = None) -> CfnScan:
    given = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, **(parameters or {})}
    resources, errors = load_template(path, given)
    inv = Inventory(source="cloudformation", account=ACCOUNT)
    for res in resources:
        inv.add(res)
    return CfnScan(path, resources, errors, run_checks(inv, skip_live_only=True))


def scan_fixture(name: str, fmt: str = "yaml", parameters: dict[str, str] | None = None) -> CfnScan:
    return scan_file(FIXTURES / f"{name}.{fmt}", parameters)


def line_of(path: Path, logical_id: str) -> int:
    """1-based line of the ``LogicalId:`` key in the Resources section of a fixture."""
    if path.suffix == ".json":
        pattern = re.compile(rf'^    "{re.escape(logical_id)}": ')
    else:
        pattern = re.compile(rf"^  {re.escape(logical_id)}:\s*$")
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        if pattern.match(text):
            return number
    raise AssertionError(f"{logical_id} not found in {path}")
