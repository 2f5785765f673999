"""One registry of checks. A check is a plain function over one normalized resource.

    @check(
        id="s3-bucket-versioning",
        title="S3 buckets keep object versions",
        duty="s3.versioning-lifecycle",
        severity="medium",
        resource_type=S3Bucket,
        remediation=Remediation(console=..., cli=..., terraform=...),
        fsbp=("S3.14",),
    )
    def bucket_versioning(bucket: S3Bucket, inv: Inventory) -> Result | None:
        status = need(bucket, "versioning")     # raises Unknown when not collected
        if status == "Enabled":
            return passed(f"bucket {bucket.label}: versioning is Enabled")
        return failed(f"bucket {bucket.label}: versioning is {status or 'never enabled'}")

Checks make no AWS calls: collectors fetch, checks judge, so the same check serves live
resources and IaC. Returning ``None`` means the check does not apply to that resource.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, TypeVar

from demarcate.resources.base import Inventory, Resource

Severity = Literal["critical", "high", "medium", "low", "informational"]
SEVERITY_ORDER: dict[str, int] = {
    "critical": 4,
    "high": 3,
    "medium": 2,
    "low": 1,
    "informational": 0,
}


class Status(str, Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    UNKNOWN = "UNKNOWN"
    MANUAL = "MANUAL"


@dataclass(frozen=True)
class Result:
    status: Status
    evidence: str


class Unknown(Exception):
    """Raised by a check when an attribute it needs is unknown."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def passed(evidence: str) -> Result:
    return Result(Status.PASS, evidence)


def failed(evidence: str) -> Result:
    return Result(Status.FAIL, evidence)


def unknown(reason: str) -> Result:
    return Result(Status.UNKNOWN, reason)


def need(resource: Resource, attribute: str) -> Any:
    """The attribute's value, or raise :class:`Unknown` naming why it is not known."""
    value = resource.get_path(attribute)
    if value is None:
        raise Unknown(f"{resource.label}: {resource.why_unknown(attribute)}")
    return value


@dataclass(frozen=True)
class Remediation:
    console: str
    cli: str
    terraform: str


CheckFn = Callable[[Any, Inventory], Result | None]


@dataclass(frozen=True)
class CheckSpec:
    id: str
    title: str
    duty: str
    severity: Severity
    resource_type: str
    remediation: Remediation
    fn: CheckFn
    rationale: str = ""
    cis: tuple[str, ...] = ()
    fsbp: tuple[str, ...] = ()
    securityhub: tuple[str, ...] = ()
    live_only: bool = False
    references: tuple[str, ...] = field(default_factory=tuple)

    @property
    def service(self) -> str:
        return self.duty.split(".", 1)[0]


CHECKS: dict[str, CheckSpec] = {}
F = TypeVar("F", bound=CheckFn)


def check(
    *,
    id: str,
    title: str,
    duty: str,
    severity: Severity,
    resource_type: type[Resource],
    remediation: Remediation,
    rationale: str = "",
    cis: tuple[str, ...] = (),
    fsbp: tuple[str, ...] = (),
    securityhub: tuple[str, ...] = (),
    live_only: bool = False,
    references: tuple[str, ...] = (),
) -> Callable[[F], F]:
    """Register a check.

    ``cis``: CIS AWS Foundations v7.0.0 ids; ``fsbp``: AWS FSBP control ids; ``securityhub``:
    other Security Hub control ids (CIS/PCI/NIST-only); ``live_only``: needs data IaC cannot
    hold (credential report, detector status).
    """

    def wrap(fn: F) -> F:
        if id in CHECKS:
            raise ValueError(f"check {id} registered twice")
        CHECKS[id] = CheckSpec(
            id=id,
            title=title,
            duty=duty,
            severity=severity,
            resource_type=resource_type.TYPE,
            remediation=remediation,
            fn=fn,
            rationale=rationale,
            cis=tuple(cis),
            fsbp=tuple(fsbp),
            securityhub=tuple(securityhub),
            live_only=live_only,
            references=tuple(references),
        )
        return fn

    return wrap


def load_checks() -> dict[str, CheckSpec]:
    """Import every module of the ``checks`` package so their decorators run."""
    import demarcate.checks as pkg

    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.name not in ("registry",):
            importlib.import_module(f"{pkg.__name__}.{mod.name}")
    return CHECKS
