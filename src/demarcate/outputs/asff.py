"""AWS Security Finding Format: a JSON list ready for Security Hub ``BatchImportFindings``.

Import it with, per batch of at most 100 findings of one region::

    aws securityhub batch-import-findings --region R --findings file://batch.json

Each finding is reported in its resource's region (account-wide, ``global`` findings in the
home region: us-east-1 when scanned, else the first scanned region), under the account's own
default product ``arn:aws:securityhub:<region>:<account>:product/<account>/default``. ``Id``
is stable across scans (account, region, check, resource), so re-importing updates a finding.

Compliance.Status: PASS → PASSED, FAIL → FAILED, UNKNOWN → WARNING (AWS: "some information
is missing"). Severity.Label follows Security Hub's convention for control findings: PASSED
findings are INFORMATIONAL; the check's own severity is kept in Severity.Original.
"""

from __future__ import annotations

import json
from typing import Any

from demarcate.outputs.common import (
    finding_hash,
    home_region,
    is_region,
    iso,
    parse_time,
    partition,
    truncate,
)
from demarcate.outputs.formats import output_format

SCHEMA_VERSION = "2018-10-08"
COMPLIANCE_STATUS = {"PASS": "PASSED", "FAIL": "FAILED", "UNKNOWN": "WARNING"}
UNKNOWN_ACCOUNT = "000000000000"
BATCH_LIMIT = 100  # BatchImportFindings takes at most 100 findings per call
TITLE_LIMIT, DESCRIPTION_LIMIT, TEXT_LIMIT, REQUIREMENTS_LIMIT = 256, 1024, 512, 32
FRAMEWORK_LABELS = {
    "cis": "CIS AWS Foundations Benchmark v7.0.0",
    "aws_fsbp": "AWS Foundational Security Best Practices v1.0.0",
    "securityhub": "AWS Security Hub control",
}
ACCOUNT_LEVEL = {
    "iam.account",
    "iam.access_analyzer",
    "cloudtrail.account",
    "cloudwatch.monitoring",
    "guardduty.status",
    "config.status",
    "inspector.status",
    "securityhub.status",
    "ebs.encryption_by_default",
}
RESOURCE_TYPES = {
    "s3.bucket": "AwsS3Bucket",
    "s3.account_public_access_block": "AwsS3AccountPublicAccessBlock",
    "vpc.security_group": "AwsEc2SecurityGroup",
    "vpc.vpc": "AwsEc2Vpc",
    "vpc.network_acl": "AwsEc2NetworkAcl",
    "ec2.instance": "AwsEc2Instance",
    "ebs.volume": "AwsEc2Volume",
    "rds.db_instance": "AwsRdsDbInstance",
    "rds.db_cluster": "AwsRdsDbCluster",
    "rds.snapshot": "AwsRdsDbSnapshot",
    "kms.key": "AwsKmsKey",
    "cloudtrail.trail": "AwsCloudTrailTrail",
    "iam.role": "AwsIamRole",
    "iam.user": "AwsIamUser",
    "iam.policy": "AwsIamPolicy",
    "ecs.task_definition": "AwsEcsTaskDefinition",
    "ecs.service": "AwsEcsService",
    "ecs.cluster": "AwsEcsCluster",
    "ecr.repository": "AwsEcrRepository",
    "lambda.function": "AwsLambdaFunction",
    "cloudfront.distribution": "AwsCloudFrontDistribution",
    "cloudwatch.alarm": "AwsCloudWatchAlarm",
    "dynamodb.table": "AwsDynamoDbTable",
    "secretsmanager.secret": "AwsSecretsManagerSecret",
    "route53.hosted_zone": "AwsRoute53HostedZone",
}


def resource_type(finding: dict[str, Any]) -> str:
    kind = finding["resource_type"]
    if kind in ACCOUNT_LEVEL:
        return "AwsAccount"
    arn = finding.get("resource_arn") or ""
    if kind == "elb.load_balancer":
        v2 = any(f"loadbalancer/{k}/" in arn for k in ("app", "net", "gwy"))
        return "AwsElbv2LoadBalancer" if v2 else "AwsElbLoadBalancer"
    if kind == "rds.snapshot" and ":cluster-snapshot:" in arn:
        return "AwsRdsDbClusterSnapshot"
    return RESOURCE_TYPES.get(kind, "Other")


def _requirements(comp: dict[str, list[str]]) -> list[str]:
    out = [f"{FRAMEWORK_LABELS[k]}/{i}" for k in FRAMEWORK_LABELS for i in comp.get(k, [])]
    return out[:REQUIREMENTS_LIMIT]


def asff_finding(finding: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    scan = report.get("scan") or {}
    account = finding.get("account") or scan.get("account") or UNKNOWN_ACCOUNT
    region = finding["region"] if is_region(finding["region"]) else home_region(report)
    when = iso(parse_time(scan.get("finished")))
    status = finding["status"]
    comp = finding.get("compliance") or {}
    rem = finding.get("remediation") or {}
    types = ["Software and Configuration Checks/AWS Security Best Practices"]
    if comp.get("cis"):
        types.append("Industry and Regulatory Standards/CIS AWS Foundations Benchmark")
    resource: dict[str, Any] = {
        "Type": resource_type(finding),
        "Id": finding.get("resource_arn") or finding["resource_id"],
        "Partition": partition(finding),
    }
    if is_region(finding["region"]):
        resource["Region"] = finding["region"]
    compliance: dict[str, Any] = {"Status": COMPLIANCE_STATUS.get(status, "NOT_AVAILABLE")}
    requirements = _requirements(comp)
    if requirements:
        compliance["RelatedRequirements"] = requirements
    product_fields = {
        "ProviderName": "demarcate",
        "ProviderVersion": scan.get("tool_version") or "unknown",
        "demarcate/CheckId": finding["check_id"],
        "demarcate/DutyId": finding["duty_id"],
        "demarcate/Service": finding["service"],
        "demarcate/Status": status,
        "demarcate/ResourceType": finding["resource_type"],
        "demarcate/ResourceName": finding.get("resource_name") or finding["resource_id"],
    }
    if account == UNKNOWN_ACCOUNT:
        product_fields["demarcate/AccountUnknown"] = "true"
    if not is_region(finding["region"]):
        product_fields["demarcate/Region"] = finding["region"]
    return {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": f"demarcate/{account}/{region}/{finding['check_id']}/{finding_hash(finding, report)}",
        "ProductArn": f"arn:aws:securityhub:{region}:{account}:product/{account}/default",
        "ProductName": "demarcate",
        "CompanyName": "demarcate",
        "GeneratorId": f"demarcate/{finding['check_id']}",
        "AwsAccountId": account,
        "Types": types,
        "FirstObservedAt": when,
        "LastObservedAt": when,
        "CreatedAt": when,
        "UpdatedAt": when,
        "Severity": {
            "Label": "INFORMATIONAL" if status == "PASS" else finding["severity"].upper(),
            "Original": finding["severity"],
        },
        "Title": truncate(finding["title"], TITLE_LIMIT),
        "Description": truncate(finding["evidence"] or finding["title"], DESCRIPTION_LIMIT),
        "Remediation": {
            "Recommendation": {"Text": truncate(rem.get("console") or finding["title"], TEXT_LIMIT)}
        },
        "ProductFields": {k: truncate(v, 2048) for k, v in product_fields.items()},
        "Resources": [resource],
        "Compliance": compliance,
        "RecordState": "ACTIVE",
    }


def asff_findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [asff_finding(f, report) for f in report.get("findings", [])]


def batches(findings: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Split into BatchImportFindings calls: one region each, at most 100 findings."""
    by_region: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        by_region.setdefault(f["ProductArn"].split(":")[3], []).append(f)
    return [
        group[i : i + BATCH_LIMIT]
        for group in by_region.values()
        for i in range(0, len(group), BATCH_LIMIT)
    ]


@output_format(
    "asff", extension="asff.json", description="AWS Security Finding Format (Security Hub)"
)
def render_asff(report: dict[str, Any]) -> str:
    return json.dumps(asff_findings(report), indent=2) + "\n"
