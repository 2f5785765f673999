"""AWS CloudTrail: trails and the account-level view of them.

``Trail`` is one trail, collected once (in its home region). ``CloudTrailAccount`` is an
account singleton: the subject of checks about the account as a whole ("is there at least one
multi-region trail?"). Its presence in an inventory also says that trails were collected, so a
missing trail means "none", not "not looked at". An IaC source that models trails should add
one ``CloudTrailAccount`` as well.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from demarcate.resources.base import Resource

ALL_BUCKETS = "*"  # scope value in s3_data_events_* meaning "every S3 bucket"


class Trail(Resource):
    TYPE: ClassVar[str] = "cloudtrail.trail"
    SERVICE: ClassVar[str] = "cloudtrail"

    home_region: str | None = None
    owner_account: str | None = (
        None  # account in the trail ARN (org trails: the management account)
    )
    multi_region: bool | None = None
    organization_trail: bool | None = None
    is_logging: bool | None = None
    include_global_events: bool | None = None
    log_file_validation: bool | None = None
    kms_encrypted: bool | None = None
    kms_key_id: str | None = None
    s3_bucket_name: str | None = None
    cloudwatch_logs_enabled: bool | None = None
    cloudwatch_logs_log_group_arn: str | None = None
    cloudwatch_logs_role_arn: str | None = None
    # Live only: when CloudTrail last delivered to CloudWatch Logs (None: unknown or never).
    latest_cloudwatch_delivery_time: datetime | None = None
    latest_cloudwatch_delivery_error: str | None = None
    # Management events recorded: "All", "ReadOnly", "WriteOnly" or "None".
    management_events_read_write: str | None = None
    # S3 object-level (data) events: bucket scopes recorded for read / write events;
    # "*" = every bucket, otherwise "bucket" or "bucket/prefix". [] = none.
    s3_data_events_read: list[str] | None = None
    s3_data_events_write: list[str] | None = None

    @property
    def log_group_name(self) -> str | None:
        """Name of the CloudWatch Logs group from its ARN (…:log-group:NAME[:*])."""
        arn = self.cloudwatch_logs_log_group_arn
        if not arn or ":log-group:" not in arn:
            return None
        name = arn.split(":log-group:", 1)[1]
        return name[:-2] if name.endswith(":*") else name

    @property
    def log_group_region(self) -> str | None:
        arn = self.cloudwatch_logs_log_group_arn
        parts = arn.split(":") if arn else []
        return parts[3] if len(parts) > 4 and parts[3] else None


class CloudTrailAccount(Resource):
    """Account singleton (region "global") for account-wide CloudTrail checks."""

    TYPE: ClassVar[str] = "cloudtrail.account"
    SERVICE: ClassVar[str] = "cloudtrail"
