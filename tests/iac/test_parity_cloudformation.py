"""Parity: the embedded demo account scanned live (moto) and written as a CloudFormation
template (tests/fixtures/parity/cloudformation/demo.yaml) fail the same checks per resource.

Resources are matched by (type, name, region) — generated ids differ — and only names that are
unique on both sides are compared (several "default" security groups and unnamed network ACLs
exist live). Live-only checks are left out on both sides (IaC cannot hold their data). Every
other difference must be listed in :data:`EXCLUDED` with its reason; an exclusion that no
longer differs fails the test, so the list stays honest.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from demarcate.checks.registry import Status, load_checks
from demarcate.demo import DEMO_ACCOUNT
from demarcate.engine import Finding, run_checks
from demarcate.resources.base import Inventory
from demarcate.scan_runner import run_demo_scan
from demarcate.sources.cloudformation import load_template

TEMPLATE = Path(__file__).parents[1] / "fixtures" / "parity" / "cloudformation" / "demo.yaml"
REGION = "us-east-1"

_NO_SSE_DEFAULT = (
    "moto does not apply S3's default encryption: since January 2023 every new bucket is "
    "encrypted with SSE-S3, which the template's bucket (no BucketEncryption) gets; moto "
    "reports no encryption"
)
_NO_2023_ACL_DEFAULT = (
    "moto does not apply S3's April 2023 defaults for new buckets (Object Ownership "
    "BucketOwnerEnforced, ACLs disabled); the template's bucket, which sets no "
    "OwnershipControls, gets them"
)
_NO_2023_BPA_DEFAULT = (
    "moto does not apply S3's April 2023 default for new buckets (all four Block Public "
    "Access settings on); the template's bucket, which sets no "
    "PublicAccessBlockConfiguration, gets it"
)

# (resource type, name, check id) -> why the live demo and the template legitimately differ.
EXCLUDED: dict[tuple[str, str, str], str] = {
    **{
        ("s3.bucket", bucket, "s3-bucket-default-encryption"): _NO_SSE_DEFAULT
        for bucket in (
            "demo-scratch",
            "demo-public-assets",
            "demo-shared-reports",
            "demo-cloudtrail-open-logs",
            "demo-config-snapshots",
        )
    },
    ("s3.bucket", "demo-shared-reports", "s3-bucket-acls-disabled"): _NO_2023_ACL_DEFAULT,
    ("s3.bucket", "demo-config-snapshots", "s3-bucket-acls-disabled"): _NO_2023_ACL_DEFAULT,
    ("s3.bucket", "demo-config-snapshots", "s3-bucket-public-access-block"): _NO_2023_BPA_DEFAULT,
    ("rds.db_instance", "demo-legacy-mysql", "rds-instance-force-tls"): (
        "the instance uses its engine's default parameter group, whose values are not in the "
        "template (UNKNOWN from the template; moto reports its own default group)"
    ),
    ("ec2.instance", "demo-legacy-1", "ec2-instance-patch-window"): (
        "live, no maintenance window targets the instance (FAIL); a template cannot show "
        "that no window elsewhere patches it, so it stays UNKNOWN"
    ),
    ("ec2.instance", "demo-legacy-1", "ec2-instance-subnet-nacl-blocks-admin-ports"): (
        "the instance runs in the default VPC's default subnet, whose network ACL is not part "
        "of the template (UNKNOWN from the template)"
    ),
}

# Resources of the template with no counterpart of the same name live, and why.
TEMPLATE_ONLY: dict[tuple[str, str], str] = {
    ("vpc.security_group", "default"): "several live groups are named 'default' (ambiguous)",
    ("vpc.network_acl", "default"): "live default network ACLs carry no name",
    ("ebs.volume", "AppInstance:/dev/xvda"): "live instance root volumes carry no name",
    ("ebs.volume", "BastionInstance:/dev/xvda"): "live instance root volumes carry no name",
    ("ebs.volume", "LegacyInstance:/dev/xvda"): "live instance root volumes carry no name",
}


def _name(finding: Finding) -> str:
    name = finding.resource_name or finding.resource_id
    if finding.resource_type == "ecs.task_definition":
        name = re.sub(r":\d+$", "", name)  # live names carry the revision
    return name


def _failed_by_resource(findings: list[Finding]) -> tuple[dict, Counter]:
    live_only = {spec.id for spec in load_checks().values() if spec.live_only}
    failed: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    seen: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for f in findings:
        key = (f.resource_type, _name(f), f.region)
        seen[key].add(f.resource_id)
        if f.status is Status.FAIL and f.check_id not in live_only:
            failed[key].add(f.check_id)
    counts = Counter({key: len(ids) for key, ids in seen.items()})
    return failed, counts


@pytest.fixture(scope="module")
def live() -> tuple[dict, Counter]:
    outcome = run_demo_scan(regions=[REGION, "eu-west-1"])
    return _failed_by_resource(outcome.findings)


@pytest.fixture(scope="module")
def template() -> tuple[dict, Counter, list]:
    resources, errors = load_template(
        TEMPLATE, {"AWS::Region": REGION, "AWS::AccountId": DEMO_ACCOUNT}
    )
    inv = Inventory(source="cloudformation", account=DEMO_ACCOUNT)
    for res in resources:
        inv.add(res)
    failed, counts = _failed_by_resource(run_checks(inv, skip_live_only=True))
    return failed, counts, errors


def test_template_reads_cleanly(template: tuple[dict, Counter, list]) -> None:
    assert template[2] == []


def test_same_failed_checks_per_resource(live: tuple, template: tuple) -> None:
    live_failed, live_counts = live
    cfn_failed, cfn_counts, _ = template
    compared = []
    unmatched = []
    differences = []
    used_exclusions = set()
    for key, count in sorted(cfn_counts.items()):
        rtype, name, _region = key
        if count != 1 or live_counts.get(key, 0) != 1:
            unmatched.append((rtype, name))
            continue
        compared.append(key)
        got, want = cfn_failed.get(key, set()), live_failed.get(key, set())
        for check_id in sorted(got ^ want):
            if (rtype, name, check_id) in EXCLUDED:
                used_exclusions.add((rtype, name, check_id))
            else:
                side = "template only" if check_id in got else "live only"
                differences.append(f"{rtype} {name}: {check_id} fails on the {side} side")
    assert differences == [], "\n".join(differences)
    assert sorted(set(unmatched) - set(TEMPLATE_ONLY)) == []
    stale = sorted(set(EXCLUDED) - used_exclusions)
    assert stale == [], f"exclusions that no longer differ: {stale}"
    # The comparison covers every service of the demo that CloudFormation can express.
    types = {rtype for rtype, _, _ in compared}
    assert types >= {
        "s3.bucket",
        "vpc.vpc",
        "vpc.security_group",
        "vpc.network_acl",
        "ec2.instance",
        "ebs.volume",
        "rds.db_instance",
        "rds.db_cluster",
        "dynamodb.table",
        "lambda.function",
        "iam.role",
        "iam.user",
        "iam.policy",
        "kms.key",
        "cloudtrail.trail",
        "cloudtrail.account",
        "cloudwatch.log_group",
        "cloudwatch.alarm",
        "cloudwatch.monitoring",
        "elb.load_balancer",
        "cloudfront.distribution",
        "route53.hosted_zone",
        "ecs.cluster",
        "ecs.service",
        "ecs.task_definition",
        "ecr.repository",
        "secretsmanager.secret",
    }
    assert len(compared) >= 100


def test_resources_with_failures_on_both_sides(live: tuple, template: tuple) -> None:
    """The parity is not vacuous: planted misconfigurations fail on both sides."""
    live_failed, _ = live
    cfn_failed, _, _ = template
    for key in (
        ("s3.bucket", "demo-public-assets", "global"),
        ("vpc.security_group", "demo-all-open", REGION),
        ("lambda.function", "demo-legacy-webhook", REGION),
        ("rds.db_cluster", "demo-reporting", REGION),
        ("cloudwatch.monitoring", f"CloudWatch monitoring of account {DEMO_ACCOUNT}", "global"),
    ):
        region_key = key if key in cfn_failed else (key[0], key[1], REGION)
        assert cfn_failed.get(region_key), key
        assert live_failed.get(region_key), key
