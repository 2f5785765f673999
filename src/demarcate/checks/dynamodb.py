"""DynamoDB checks: point-in-time recovery, deletion protection, customer-managed keys, and a
gateway endpoint for DynamoDB in VPCs in use where the region has tables."""

from __future__ import annotations

from demarcate.checks.registry import (
    Remediation,
    Result,
    Unknown,
    check,
    failed,
    need,
    passed,
)
from demarcate.resources.base import Inventory
from demarcate.resources.dynamodb import DynamoTable
from demarcate.resources.vpc import Vpc


@check(
    id="dynamodb-table-pitr-enabled",
    title="DynamoDB tables have point-in-time recovery enabled",
    duty="dynamodb.backup-recovery",
    severity="medium",
    resource_type=DynamoTable,
    rationale=(
        "AWS runs the backup machinery, but point-in-time recovery is off until the customer "
        "enables it; without it a bad write or delete can only be undone from on-demand backups."
    ),
    fsbp=("DynamoDB.2",),
    remediation=Remediation(
        console="DynamoDB > Tables > table > Backups > Point-in-time recovery > Edit > Turn on.",
        cli="aws dynamodb update-continuous-backups --table-name <table> "
        "--point-in-time-recovery-specification PointInTimeRecoveryEnabled=true",
        terraform='resource "aws_dynamodb_table" "this" {\n'
        "  point_in_time_recovery {\n    enabled = true\n  }\n}",
    ),
)
def pitr_enabled(table: DynamoTable, inv: Inventory) -> Result | None:
    if need(table, "pitr_enabled"):
        return passed(f"table {table.label}: point-in-time recovery is enabled")
    return failed(f"table {table.label}: point-in-time recovery is disabled")


@check(
    id="dynamodb-table-deletion-protection",
    title="DynamoDB tables have deletion protection enabled",
    duty="dynamodb.backup-recovery",
    severity="medium",
    resource_type=DynamoTable,
    rationale="Deletion protection stops an accidental or malicious DeleteTable.",
    fsbp=("DynamoDB.6",),
    remediation=Remediation(
        console="DynamoDB > Tables > table > Additional settings > Deletion protection > Turn on.",
        cli="aws dynamodb update-table --table-name <table> --deletion-protection-enabled",
        terraform='resource "aws_dynamodb_table" "this" {\n  deletion_protection_enabled = true\n}',
    ),
)
def deletion_protection(table: DynamoTable, inv: Inventory) -> Result | None:
    if need(table, "deletion_protection"):
        return passed(f"table {table.label}: deletion protection is enabled")
    return failed(f"table {table.label}: deletion protection is disabled")


@check(
    id="dynamodb-table-cmk-encryption",
    title="DynamoDB tables are encrypted with a customer-managed KMS key",
    duty="dynamodb.data-encryption",
    severity="low",
    resource_type=DynamoTable,
    rationale=(
        "Every table is encrypted at rest; only a customer-managed key lets the customer control "
        "and audit who may decrypt the data, and revoke access by disabling the key."
    ),
    remediation=Remediation(
        console="DynamoDB > Tables > table > Additional settings > Encryption > Manage encryption "
        "> Stored in your account, and owned and managed by you > choose the KMS key.",
        cli="aws dynamodb update-table --table-name <table> --sse-specification "
        "Enabled=true,SSEType=KMS,KMSMasterKeyId=<key-arn>",
        terraform='resource "aws_dynamodb_table" "this" {\n'
        "  server_side_encryption {\n    enabled     = true\n"
        "    kms_key_arn = aws_kms_key.dynamodb.arn\n  }\n}",
    ),
)
def cmk_encryption(table: DynamoTable, inv: Inventory) -> Result | None:
    sse_type = need(table, "sse_type")
    if sse_type == "AWS_OWNED":
        return failed(
            f"table {table.label}: encrypted with an AWS owned key, not a customer-managed key"
        )
    key = table.kms_key_arn or "?"
    if need(table, "customer_managed_key"):
        return passed(f"table {table.label}: encrypted with customer-managed key {key}")
    return failed(f"table {table.label}: encrypted with the AWS managed key {key} (aws/dynamodb)")


@check(
    id="dynamodb-vpc-endpoint",
    title="VPCs in use reach DynamoDB through a VPC endpoint",
    duty="dynamodb.vpc-endpoints",
    severity="low",
    resource_type=Vpc,
    rationale=(
        "Where a region has DynamoDB tables, a gateway endpoint keeps traffic from workloads in "
        "the VPC to DynamoDB on the AWS network and lets endpoint and table policies restrict "
        "which tables and principals are reachable, instead of going out through NAT or an "
        "internet gateway."
    ),
    remediation=Remediation(
        console="VPC > Endpoints > Create endpoint > AWS services > com.amazonaws.<region>."
        "dynamodb (Gateway) > select the VPC and its route tables.",
        cli="aws ec2 create-vpc-endpoint --vpc-id <vpc> --vpc-endpoint-type Gateway "
        "--service-name com.amazonaws.<region>.dynamodb --route-table-ids <rtb-ids>",
        terraform='resource "aws_vpc_endpoint" "dynamodb" {\n'
        "  vpc_id            = aws_vpc.this.id\n"
        '  service_name      = "com.amazonaws.${var.region}.dynamodb"\n'
        '  vpc_endpoint_type = "Gateway"\n'
        "  route_table_ids   = [aws_route_table.private.id]\n}",
    ),
)
def vpc_endpoint(vpc: Vpc, inv: Inventory) -> Result | None:
    region = vpc.region
    tables = [t for t in inv.of(DynamoTable) if t.region == region]
    if not tables:
        failures = [e for e in inv.errors_for(DynamoTable.TYPE) if e.region == region]
        if failures:
            raise Unknown(f"{vpc.label}: DynamoDB tables in {region} unknown: {failures[0].reason}")
        return None  # no tables in this region: nothing to reach
    if not need(vpc, "in_use"):
        return None
    services = need(vpc, "endpoint_services")
    wanted = f"com.amazonaws.{region}.dynamodb"
    count = len(tables)
    what = f"default VPC {vpc.label}" if vpc.is_default else f"VPC {vpc.label}"
    if wanted in services:
        return passed(f"{what}: has a {wanted} endpoint ({count} table(s) in {region})")
    return failed(
        f"{what}: in use but no {wanted} endpoint although {region} has {count} DynamoDB table(s)"
    )
