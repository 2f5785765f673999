"""Parity: the embedded demo account, scanned live (moto) and written as Terraform
(tests/fixtures/parity/terraform), fails the same checks on every resource present in both.

Resources are matched by what a human would call them (bucket/function/table name, the Name
tag, the key description …), since ids (vpc-…, sg-…) differ between the two; default VPCs,
their default security groups and network ACLs by region and VPC. Live-only checks are
skipped in IaC by design; the exclusions below need moto-only behaviour.

Resources only one side has (not compared, by design): moto's own creations with random
names (the aws/ebs default KMS key, "Auto-created snapshot for AMI …" snapshots, the
default_elb_… security group of the Classic load balancer, instance root volumes vol-…,
route tables, the default.mysql5.6 parameter group) and, on the Terraform side, the
instances' root volumes and the default parameter groups it derives.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from demarcate.checks.registry import Status, load_checks
from demarcate.resources.base import Inventory, Resource
from demarcate.scan_runner import ScanOutcome, run_demo_scan
from demarcate.sources.iac.scan import run_iac_scan

PROJECT = Path(__file__).parent.parent / "fixtures" / "parity" / "terraform"

# check id -> why its verdict may differ between moto and Terraform (for every resource)
EXCLUDED_CHECKS: dict[str, str] = {
    "s3-bucket-default-encryption": (
        "moto-only: moto leaves buckets without a default-encryption rule unencrypted, while AWS "
        "has applied SSE-S3 to every bucket since 2023-01-05 (the Terraform mapping uses AWS's "
        "behaviour), so buckets without a rule FAIL live and PASS in Terraform"
    ),
}
# (check id, resource key) -> reason, for single resources
EXCLUDED_PAIRS: dict[tuple[str, str], str] = {}


def _vpc_keys(inv: Inventory) -> dict[str, str]:
    out = {}
    for vpc in inv.of_type("vpc.vpc"):
        out[vpc.id] = (
            f"default-vpc@{vpc.region}" if getattr(vpc, "is_default", False) else str(vpc.name)
        )
    return out


def resource_key(res: Resource, vpcs: dict[str, str]) -> str:
    """A name both sources agree on."""
    kind = res.TYPE
    if kind == "vpc.vpc" and getattr(res, "is_default", False):
        return f"{kind}|default-vpc@{res.region}"
    if kind == "vpc.security_group" and getattr(res, "is_default_group", False):
        return f"{kind}|default@{vpcs.get(str(res.vpc_id), res.vpc_id)}@{res.region}"  # type: ignore[attr-defined]
    if kind == "vpc.network_acl" and getattr(res, "is_default", False):
        return f"{kind}|default@{vpcs.get(str(res.vpc_id), res.vpc_id)}@{res.region}"  # type: ignore[attr-defined]
    name = res.name or res.id
    if kind == "ecs.task_definition":
        name = name.split(":")[0]
    return f"{kind}|{name}@{res.region}"


def failing_by_resource(outcome: ScanOutcome, checked: set[str]) -> dict[str, set[str]]:
    """resource key -> FAILed check ids (for resources whose key is unique in the scan)."""
    inv = outcome.inventory
    vpcs = _vpc_keys(inv)
    keys: dict[tuple[str, str], str] = {}
    counts: Counter[str] = Counter()
    for res in inv:
        key = resource_key(res, vpcs)
        counts[key] += 1
        keys[(res.TYPE, res.arn or res.id)] = key
    out: dict[str, set[str]] = {k: set() for k, n in counts.items() if n == 1}
    for f in outcome.findings:
        if f.check_id not in checked:
            continue
        key = keys.get((f.resource_type, f.resource_id))
        if key in out and f.status is Status.FAIL:
            out[key].add(f.check_id)
    return out


@pytest.fixture(scope="module")
def live() -> ScanOutcome:
    return run_demo_scan()


@pytest.fixture(scope="module")
def terraform() -> Any:
    return run_iac_scan([PROJECT])


@pytest.fixture(scope="module")
def compared_checks() -> set[str]:
    return {c.id for c in load_checks().values() if not c.live_only} - set(EXCLUDED_CHECKS)


def test_project_parses_cleanly(terraform: Any) -> None:
    assert terraform.parse_errors == []
    assert terraform.warnings == []


def test_same_failing_checks_per_resource(
    live: ScanOutcome, terraform: Any, compared_checks: set[str]
) -> None:
    live_fails = failing_by_resource(live, compared_checks)
    tf_fails = failing_by_resource(terraform, compared_checks)
    common = sorted(set(live_fails) & set(tf_fails))
    assert len(common) >= 120, f"only {len(common)} resources matched: the key scheme is broken"
    mismatches = []
    for key in common:
        want = {c for c in live_fails[key] if (c, key) not in EXCLUDED_PAIRS}
        got = {c for c in tf_fails[key] if (c, key) not in EXCLUDED_PAIRS}
        if want != got:
            mismatches.append(
                f"{key}: live-only FAIL {sorted(want - got)}, terraform-only FAIL {sorted(got - want)}"
            )
    assert not mismatches, "\n".join(mismatches)


def test_every_failing_check_is_compared(
    live: ScanOutcome, terraform: Any, compared_checks: set[str]
) -> None:
    """Each check the demo plants a FAIL for (outside the exclusions) is exercised by parity."""
    live_fails = failing_by_resource(live, compared_checks)
    tf_fails = failing_by_resource(terraform, compared_checks)
    common = set(live_fails) & set(tf_fails)
    planted = {c for fails in live_fails.values() for c in fails}
    covered = {c for key in common for c in live_fails[key]}
    assert sorted(planted - covered) == []


def test_matched_resources_by_type(
    live: ScanOutcome, terraform: Any, compared_checks: set[str]
) -> None:
    live_fails = failing_by_resource(live, compared_checks)
    tf_fails = failing_by_resource(terraform, compared_checks)
    by_type: dict[str, int] = defaultdict(int)
    for key in set(live_fails) & set(tf_fails):
        by_type[key.split("|", 1)[0]] += 1
    # every service of the demo is represented
    for kind in (
        "s3.bucket",
        "iam.role",
        "kms.key",
        "vpc.security_group",
        "vpc.vpc",
        "vpc.network_acl",
        "ec2.instance",
        "ebs.volume",
        "rds.db_instance",
        "rds.db_cluster",
        "dynamodb.table",
        "lambda.function",
        "ecs.task_definition",
        "elb.load_balancer",
        "cloudfront.distribution",
        "route53.hosted_zone",
        "cloudtrail.trail",
        "cloudwatch.log_group",
        "cloudwatch.monitoring",
        "secretsmanager.secret",
        "ecr.repository",
    ):
        assert by_type.get(kind), f"no {kind} matched"
