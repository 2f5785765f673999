"""Secrets Manager checks: secrets rotate automatically, and have actually rotated recently."""

from __future__ import annotations

from datetime import UTC, datetime

from demarcate.checks.registry import Remediation, Result, check, failed, need, passed
from demarcate.resources.base import Inventory
from demarcate.resources.secretsmanager import SecretsManagerSecret

MAX_ROTATION_AGE_DAYS = 90


def _days_since(when: datetime) -> int:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, (datetime.now(UTC) - when).days)


@check(
    id="secretsmanager-rotation-enabled",
    title="Secrets Manager secrets have automatic rotation enabled",
    duty="secretsmanager.secret-rotation",
    severity="medium",
    resource_type=SecretsManagerSecret,
    rationale="A secret that never changes stays valid wherever it has leaked; automatic "
    "rotation bounds that exposure without anyone having to remember.",
    remediation=Remediation(
        console="Secrets Manager > secret > Rotation > Edit rotation: turn on Automatic rotation, "
        "pick a schedule (e.g. every 30 days) and a rotation function (or managed rotation).",
        cli="aws secretsmanager rotate-secret --secret-id <name> --rotation-lambda-arn <arn> "
        "--rotation-rules AutomaticallyAfterDays=30",
        terraform='resource "aws_secretsmanager_secret_rotation" "this" {\n'
        "  secret_id           = aws_secretsmanager_secret.this.id\n"
        "  rotation_lambda_arn = aws_lambda_function.rotator.arn\n"
        "  rotation_rules {\n    automatically_after_days = 30\n  }\n}",
    ),
)
def rotation_enabled(secret: SecretsManagerSecret, inv: Inventory) -> Result | None:
    if secret.scheduled_for_deletion:
        return None
    if not need(secret, "rotation_enabled"):
        return failed(f"secret {secret.label}: automatic rotation is not enabled")
    if secret.rotation_interval_days:
        every = f"every {secret.rotation_interval_days} days"
    else:
        every = f"on schedule {secret.rotation_schedule or '(not reported)'}"
    return passed(f"secret {secret.label}: automatic rotation is enabled ({every})")


@check(
    id="secretsmanager-rotated-recently",
    title="Secrets Manager secrets were rotated within the last 90 days",
    duty="secretsmanager.secret-rotation",
    severity="medium",
    resource_type=SecretsManagerSecret,
    rationale="Rotation that is configured but failing, or a secret never rotated, leaves the "
    "same value valid for months.",
    live_only=True,
    remediation=Remediation(
        console="Secrets Manager > secret > Rotation: check the last rotation and the rotation "
        "function's CloudWatch logs; use Rotate secret immediately after fixing it.",
        cli="aws secretsmanager rotate-secret --secret-id <name>  # then: aws secretsmanager "
        "describe-secret --secret-id <name> --query LastRotatedDate",
        terraform='resource "aws_secretsmanager_secret_rotation" "this" {\n'
        "  secret_id = aws_secretsmanager_secret.this.id\n"
        "  rotation_rules {\n    automatically_after_days = 30  # <= 90\n  }\n}",
    ),
)
def rotated_recently(secret: SecretsManagerSecret, inv: Inventory) -> Result | None:
    if secret.scheduled_for_deletion:
        return None
    need(secret, "rotation_enabled")  # proves the secret's metadata was read
    if secret.last_rotated is not None:
        age = _days_since(secret.last_rotated)
        day = secret.last_rotated.strftime("%Y-%m-%d")
        if age > MAX_ROTATION_AGE_DAYS:
            return failed(
                f"secret {secret.label}: last rotated {day} ({age} days ago; limit {MAX_ROTATION_AGE_DAYS})"
            )
        return passed(f"secret {secret.label}: last rotated {day} ({age} days ago)")
    created = need(secret, "created")
    age = _days_since(created)
    if age > MAX_ROTATION_AGE_DAYS:
        return failed(
            f"secret {secret.label}: never rotated since it was created {created.strftime('%Y-%m-%d')} "
            f"({age} days ago; limit {MAX_ROTATION_AGE_DAYS})"
        )
    return passed(f"secret {secret.label}: created {age} days ago, not yet due for rotation")
