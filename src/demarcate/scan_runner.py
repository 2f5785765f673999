"""Run a whole scan (collect, check, assess, report) for the CLI and for tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3

from demarcate.assess import Assessment, assess
from demarcate.checks.registry import load_checks
from demarcate.engine import Finding, run_checks
from demarcate.model.loader import get_model
from demarcate.outputs.json_report import ScanInfo, build_report
from demarcate.resources.base import Inventory
from demarcate.sources.aws.scanner import ProgressFn, scan_account
from demarcate.sources.aws.session import AwsContext


@dataclass
class ScanOutcome:
    inventory: Inventory
    findings: list[Finding]
    assessment: Assessment
    report: dict[str, Any]


def run_live_scan(
    *,
    profile: str | None = None,
    endpoint_url: str | None = None,
    regions: list[str] | None = None,
    services: list[str] | None = None,
    workers: int = 16,
    max_attempts: int = 8,
    session: boto3.Session | None = None,
    source: str = "aws",
    progress: ProgressFn | None = None,
    attestations: dict[str, dict[str, str]] | None = None,
) -> ScanOutcome:
    ctx = AwsContext(
        profile=profile,
        endpoint_url=endpoint_url,
        max_workers=workers,
        max_attempts=max_attempts,
        session=session,
    )
    try:
        inv, meta = scan_account(ctx, regions=regions, services=services, progress=progress)
    finally:
        ctx.close()
    checks = load_checks()
    findings = run_checks(inv, checks)
    assessment = assess(get_model(), inv, findings, checks, attestations)
    info = ScanInfo(
        source=source,
        account=meta.account,
        regions=meta.regions,
        started=meta.started,
        finished=meta.finished,
        api_calls=meta.api_calls,
        api_calls_by_action=meta.calls_by_action,
        endpoint=ctx.endpoint_url,
    )
    return ScanOutcome(inv, findings, assessment, build_report(info, inv, assessment))


def run_demo_scan(
    progress: ProgressFn | None = None,
    regions: list[str] | None = None,
    services: list[str] | None = None,
    on_seeded: Callable[[], None] | None = None,
    attestations: dict[str, dict[str, str]] | None = None,
) -> ScanOutcome:
    """Seed the embedded moto account in-process and scan it like a real one."""
    from demarcate.demo import DEMO_REGIONS, demo_account

    chosen = regions or DEMO_REGIONS
    with demo_account(chosen) as session:
        if on_seeded:
            on_seeded()
        return run_live_scan(
            session=session,
            regions=chosen,
            services=services,
            workers=8,
            max_attempts=2,
            source="demo",
            progress=progress,
            attestations=attestations,
        )
