"""Roll findings up to duties and services: "your responsibility matrix".

For each service in use, AWS's duties are listed as inherited (with AWS's compliance programs
as the evidence) and the customer's duties carry a status rolled up from the findings:

- FAIL if any finding of the duty failed, else UNKNOWN if any could not be verified,
  else PASS if at least one passed;
- NOT_APPLICABLE when an automatable duty had nothing to judge in this estate;
- MANUAL for duties no API can prove: they need an attestation, never a silent pass.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from demarcate.checks.registry import SEVERITY_ORDER, CheckSpec, Status
from demarcate.engine import Finding
from demarcate.model.schema import Duty, Model, Service
from demarcate.ownership import Split, resolve
from demarcate.resources.base import RESOURCE_TYPES, Inventory

NOT_APPLICABLE = "NOT_APPLICABLE"
ROLLUP_ORDER = ("FAIL", "UNKNOWN", "PASS")


@dataclass
class DutyResult:
    duty: Duty
    owner: str
    status: str
    checks: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    failing_resources: list[str] = field(default_factory=list)
    unknown_reasons: list[str] = field(default_factory=list)
    worst_severity: str | None = None
    attestation: dict[str, str] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "duty_id": self.duty.id,
            "title": self.duty.title,
            "owner": self.owner,
            "domain": self.duty.domain,
            "api_verifiable": self.duty.api_verifiable,
            "status": self.status,
            "checks": self.checks,
            "counts": self.counts,
            "failing_resources": self.failing_resources,
            "unknown_reasons": self.unknown_reasons[:5],
            "worst_severity": self.worst_severity,
            "attestation": self.attestation,
        }


@dataclass
class ServiceResult:
    service: Service
    resources: int
    aws: list[Duty]
    customer: list[DutyResult]
    ownership: list[Split] = field(default_factory=list)

    @property
    def status_counts(self) -> dict[str, int]:
        return dict(Counter(d.status for d in self.customer))

    def as_dict(self, evidence: list[str]) -> dict[str, Any]:
        return {
            "service": self.service.id,
            "name": self.service.name,
            "category": self.service.category,
            "service_model": self.service.service_model,
            "kind": self.service.kind,
            "resources": self.resources,
            "aws_duties": [
                {
                    "duty_id": d.id,
                    "title": d.title,
                    "owner": "aws",
                    "status": "INHERITED",
                    "evidence": evidence,
                }
                for d in self.aws
            ],
            "customer_duties": [d.as_dict() for d in self.customer],
            "status_counts": self.status_counts,
            "ownership": [o.as_dict() for o in self.ownership],
        }


@dataclass
class Assessment:
    model: Model
    services: list[ServiceResult]
    findings: list[Finding]

    @property
    def evidence(self) -> list[str]:
        return [p.name for p in self.model.compliance_programs]

    def summary(self) -> dict[str, Any]:
        by_status = Counter(f.status.value for f in self.findings)
        failed = [f for f in self.findings if f.status is Status.FAIL]
        duties = [d for s in self.services for d in s.customer]
        return {
            "findings": len(self.findings),
            "by_status": {
                s.value: by_status.get(s.value, 0) for s in Status if s is not Status.MANUAL
            },
            "failed_by_severity": dict(
                sorted(
                    Counter(f.severity for f in failed).items(),
                    key=lambda kv: -SEVERITY_ORDER.get(kv[0], 0),
                )
            ),
            "unverified": by_status.get(Status.UNKNOWN.value, 0),
            "services_in_use": len(self.services),
            "customer_duties": dict(Counter(d.status for d in duties)),
        }

    def matrix_dicts(self) -> list[dict[str, Any]]:
        return [s.as_dict(self.evidence) for s in self.services]


def services_in_use(inv: Inventory, findings: list[Finding]) -> dict[str, int]:
    """Service id -> number of resources; services with findings count as in use."""
    counts: dict[str, int] = defaultdict(int)
    for type_id in inv.types():
        counts[RESOURCE_TYPES[type_id].SERVICE] += len(inv.of_type(type_id))
    for f in findings:
        counts.setdefault(f.service, 0)
    return dict(counts)


def rollup(duty: Duty, findings: list[Finding]) -> DutyResult:
    counts = Counter(f.status.value for f in findings)
    status = next((s for s in ROLLUP_ORDER if counts.get(s)), NOT_APPLICABLE)
    failing = sorted(
        {f.resource_name or f.resource_id for f in findings if f.status is Status.FAIL}
    )
    worst = max(
        (f.severity for f in findings if f.status is Status.FAIL),
        key=lambda s: SEVERITY_ORDER.get(s, 0),
        default=None,
    )
    reasons = sorted({f.evidence for f in findings if f.status is Status.UNKNOWN})
    return DutyResult(
        duty=duty,
        owner=duty.owner,
        status=status,
        checks=sorted({f.check_id for f in findings}),
        counts=dict(counts),
        failing_resources=failing,
        unknown_reasons=reasons,
        worst_severity=worst,
    )


def assess(
    model: Model,
    inv: Inventory,
    findings: list[Finding],
    checks: dict[str, CheckSpec] | None = None,
    attestations: dict[str, dict[str, str]] | None = None,
) -> Assessment:
    in_use = services_in_use(inv, findings)
    by_duty: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_duty[f.duty_id].append(f)
    checks_by_duty: dict[str, list[str]] = defaultdict(list)
    for spec in (checks or {}).values():
        checks_by_duty[spec.duty].append(spec.id)
    splits = resolve(model, inv)
    results: list[ServiceResult] = []
    for svc in model.services:
        if svc.id not in in_use:
            continue
        customer: list[DutyResult] = []
        for duty in svc.duties:
            if duty.owner == "aws":
                continue
            if duty.api_verifiable:
                res = rollup(duty, by_duty.get(duty.id, []))
                if not res.checks:
                    res.checks = sorted(checks_by_duty.get(duty.id, []))
            else:
                res = DutyResult(duty=duty, owner=duty.owner, status=Status.MANUAL.value)
            if attestations and duty.id in attestations:
                res.attestation = attestations[duty.id]
            customer.append(res)
        results.append(
            ServiceResult(
                svc,
                in_use[svc.id],
                svc.duties_of("aws"),
                customer,
                [o for o in splits if o.service.id == svc.id],
            )
        )
    return Assessment(model=model, services=results, findings=findings)
