"""Collect DynamoDB tables: encryption key, point-in-time recovery, deletion protection.

Per table: DescribeTable and DescribeContinuousBackups. Whether a KMS key is customer managed
is read once per distinct key with kms:DescribeKey (a key in another account is always
customer managed: AWS managed keys live in the table's own account).
"""

from __future__ import annotations

from typing import Any

from demarcate.resources.base import Inventory
from demarcate.resources.dynamodb import DynamoTable
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext, Outcome


def _account_of(arn: str | None) -> str | None:
    parts = (arn or "").split(":")
    return parts[4] if len(parts) > 5 and parts[4] else None


@collector(
    service="dynamodb",
    scope="regional",
    resource_types=(DynamoTable.TYPE,),
    actions=(
        "dynamodb:ListTables",
        "dynamodb:DescribeTable",
        "dynamodb:DescribeContinuousBackups",
        "kms:DescribeKey",
    ),
)
def tables(ctx: AwsContext, region: str, inv: Inventory) -> None:
    ddb = ctx.client("dynamodb", region)
    listed = ctx.paginate(ddb, "list_tables", "TableNames")
    if not listed.ok:
        inv.add_error(DynamoTable.TYPE, region, "dynamodb:ListTables", listed.error or "no answer")
        return

    def detail(name: str) -> DynamoTable:
        table = DynamoTable(id=name, name=name, region=region)
        desc = ctx.call(ddb, "describe_table", TableName=name)
        if desc.ok:
            raw: dict[str, Any] = desc.value.get("Table", {})
            table.arn = raw.get("TableArn")
            table.status = raw.get("TableStatus")
            table.billing_mode = (raw.get("BillingModeSummary") or {}).get(
                "BillingMode", "PROVISIONED"
            )
            table.table_class = (raw.get("TableClassSummary") or {}).get("TableClass", "STANDARD")
            table.deletion_protection = bool(raw.get("DeletionProtectionEnabled", False))
            sse = raw.get("SSEDescription")
            if not sse:  # no SSEDescription: encrypted with an AWS owned key
                table.sse_type = "AWS_OWNED"
                table.sse_status = "ENABLED"
                table.kms_key_arn = ""
                table.customer_managed_key = False
            else:
                table.sse_type = sse.get("SSEType") or "KMS"
                table.sse_status = sse.get("Status")
                table.kms_key_arn = sse.get("KMSMasterKeyArn") or ""
        else:
            table.mark_unknown(
                desc.error or "",
                "status",
                "billing_mode",
                "table_class",
                "deletion_protection",
                "sse_type",
                "sse_status",
                "kms_key_arn",
                "customer_managed_key",
            )
        backups = ctx.call(ddb, "describe_continuous_backups", TableName=name)
        if backups.ok:
            pitr = (backups.value.get("ContinuousBackupsDescription") or {}).get(
                "PointInTimeRecoveryDescription"
            ) or {}
            table.pitr_enabled = pitr.get("PointInTimeRecoveryStatus") == "ENABLED"
        else:
            table.mark_unknown(backups.error or "", "pitr_enabled")
        return table

    found = ctx.map(detail, listed.value)

    # Which KMS keys are customer managed: one DescribeKey per distinct same-account key.
    to_describe = sorted(
        {
            t.kms_key_arn
            for t in found
            if t.kms_key_arn and _account_of(t.kms_key_arn) in (None, _account_of(t.arn))
        }
    )
    if to_describe:
        kms = ctx.client("kms", region)
        answers: dict[str, Outcome] = dict(
            zip(
                to_describe,
                ctx.map(lambda key: ctx.call(kms, "describe_key", KeyId=key), to_describe),
                strict=True,
            )
        )
    else:
        answers = {}
    for table in found:
        key = table.kms_key_arn
        if key:
            out = answers.get(key)
            if out is None:  # a key in another account
                table.customer_managed_key = True
            elif out.ok:
                manager = out.value.get("KeyMetadata", {}).get("KeyManager")
                table.customer_managed_key = manager == "CUSTOMER"
            else:
                table.mark_unknown(out.error or "", "customer_managed_key")
        inv.add(table)
