"""Run the registered checks over an inventory and produce one finding per resource × check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from demarcate.checks.registry import CheckSpec, Result, Status, Unknown, load_checks
from demarcate.resources.base import RESOURCE_TYPES, Inventory, Resource


@dataclass
class Finding:
    check_id: str
    title: str
    service: str
    duty_id: str
    status: Status
    severity: str
    resource_id: str
    resource_type: str
    region: str
    evidence: str
    remediation: dict[str, str]
    account: str | None = None
    resource_name: str | None = None
    resource_arn: str | None = None
    compliance: dict[str, list[str]] = field(default_factory=dict)
    location: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        # Built by hand: dataclasses.asdict deep-copies every value and dominated large scans.
        data = dict(self.__dict__)
        data["status"] = self.status.value
        data["remediation"] = dict(self.remediation)
        data["compliance"] = {k: list(v) for k, v in self.compliance.items()}
        if self.location is not None:
            data["location"] = dict(self.location)
        return data


def _location(res: Resource) -> dict[str, Any] | None:
    prov = res.provenance
    if prov.file is None:
        return None
    return {"file": prov.file, "line": prov.line, "module": prov.module}


def _finding(spec: CheckSpec, res: Resource, result: Result) -> Finding:
    return Finding(
        check_id=spec.id,
        title=spec.title,
        service=spec.service,
        duty_id=spec.duty,
        status=result.status,
        severity=spec.severity,
        resource_id=res.arn or res.id,
        resource_type=spec.resource_type,
        region=res.region,
        evidence=result.evidence,
        remediation={
            "console": spec.remediation.console,
            "cli": spec.remediation.cli,
            "terraform": spec.remediation.terraform,
        },
        account=res.account,
        resource_name=res.label,
        resource_arn=res.arn,
        compliance=_compliance(spec),
        location=_location(res),
    )


def _compliance(spec: CheckSpec) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if spec.cis:
        out["cis"] = list(spec.cis)
    if spec.fsbp:
        out["aws_fsbp"] = list(spec.fsbp)
    if spec.securityhub:
        out["securityhub"] = list(spec.securityhub)
    return out


def evaluate(spec: CheckSpec, res: Resource, inv: Inventory) -> Result | None:
    """One check on one resource; unknown data and check bugs become UNKNOWN, never PASS."""
    try:
        return spec.fn(res, inv)
    except Unknown as exc:
        return Result(Status.UNKNOWN, exc.reason)
    except Exception as exc:
        return Result(
            Status.UNKNOWN,
            f"check {spec.id} could not judge {res.label}: {type(exc).__name__}: {exc}",
        )


def run_checks(
    inv: Inventory,
    checks: dict[str, CheckSpec] | None = None,
    services: list[str] | None = None,
    skip_live_only: bool = False,
) -> list[Finding]:
    specs = checks if checks is not None else load_checks()
    findings: list[Finding] = []
    for spec in specs.values():
        if services and spec.service not in services:
            continue
        if skip_live_only and spec.live_only:
            continue
        for res in inv.of_type(spec.resource_type):
            result = evaluate(spec, res, inv)
            if result is not None:
                findings.append(_finding(spec, res, result))
        for err in inv.errors_for(spec.resource_type):
            findings.append(_collection_unknown(spec, err.region, err.reason, inv.account))
    return findings


def _collection_unknown(spec: CheckSpec, region: str, reason: str, account: str | None) -> Finding:
    cls = RESOURCE_TYPES.get(spec.resource_type)
    kind = cls.__name__ if cls else spec.resource_type
    return Finding(
        check_id=spec.id,
        title=spec.title,
        service=spec.service,
        duty_id=spec.duty,
        status=Status.UNKNOWN,
        severity=spec.severity,
        resource_id=f"{spec.resource_type}:{region}",
        resource_type=spec.resource_type,
        region=region,
        evidence=f"could not list {kind} resources in {region}: {reason}",
        remediation={
            "console": spec.remediation.console,
            "cli": spec.remediation.cli,
            "terraform": spec.remediation.terraform,
        },
        account=account,
        compliance=_compliance(spec),
    )
