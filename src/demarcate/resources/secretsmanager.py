"""AWS Secrets Manager secrets (metadata only; secret values are never read)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from demarcate.resources.base import Resource


class SecretsManagerSecret(Resource):
    TYPE: ClassVar[str] = "secretsmanager.secret"
    SERVICE: ClassVar[str] = "secretsmanager"

    description: str | None = None
    kms_key_id: str | None = None  # None with "kms_key_id" not in unknown = aws/secretsmanager key
    rotation_enabled: bool | None = None
    rotation_lambda_arn: str | None = None
    rotation_interval_days: int | None = None  # AutomaticallyAfterDays
    rotation_schedule: str | None = None  # ScheduleExpression
    created: datetime | None = None
    last_rotated: datetime | None = None  # None: never rotated (when rotation_enabled is known)
    last_changed: datetime | None = None
    last_accessed: datetime | None = None
    owning_service: str | None = None  # e.g. "rds" for RDS-managed master user secrets
    scheduled_for_deletion: bool | None = None
