"""Amazon DynamoDB tables: encryption at rest, point-in-time recovery, deletion protection."""

from __future__ import annotations

from typing import ClassVar

from demarcate.resources.base import Resource


class DynamoTable(Resource):
    """id is the table name (unique per region); arn is the table ARN."""

    TYPE: ClassVar[str] = "dynamodb.table"
    SERVICE: ClassVar[str] = "dynamodb"

    status: str | None = None  # ACTIVE, CREATING, UPDATING …
    billing_mode: str | None = None  # "PROVISIONED" | "PAY_PER_REQUEST"
    table_class: str | None = None  # STANDARD, STANDARD_INFREQUENT_ACCESS
    pitr_enabled: bool | None = None
    # "AWS_OWNED" (the default, no SSEDescription) | "KMS" (AWS managed aws/dynamodb or a CMK)
    sse_type: str | None = None
    sse_status: str | None = None  # ENABLED, UPDATING, INACCESSIBLE_ENCRYPTION_CREDENTIALS …
    kms_key_arn: str | None = None  # "" when the table uses an AWS owned key
    customer_managed_key: bool | None = None  # the KMS key is customer managed
    deletion_protection: bool | None = None
