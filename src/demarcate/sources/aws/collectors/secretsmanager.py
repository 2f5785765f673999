"""Collect Secrets Manager secrets. ListSecrets returns rotation settings and dates, so no
per-secret call is needed."""

from __future__ import annotations

from typing import Any

from demarcate.resources.base import Inventory
from demarcate.resources.secretsmanager import SecretsManagerSecret
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext


def _secret(item: dict[str, Any], region: str) -> SecretsManagerSecret:
    rules = item.get("RotationRules") or {}
    days = rules.get("AutomaticallyAfterDays")
    return SecretsManagerSecret(
        id=str(item.get("ARN") or item["Name"]),
        name=item.get("Name"),
        arn=item.get("ARN"),
        region=region,
        tags={str(t.get("Key")): str(t.get("Value", "")) for t in item.get("Tags") or []},
        description=item.get("Description") or None,
        kms_key_id=item.get("KmsKeyId") or None,
        rotation_enabled=bool(item.get("RotationEnabled", False)),
        rotation_lambda_arn=item.get("RotationLambdaARN") or None,
        rotation_interval_days=int(days) if days else None,
        rotation_schedule=rules.get("ScheduleExpression") or None,
        created=item.get("CreatedDate"),
        last_rotated=item.get("LastRotatedDate"),
        last_changed=item.get("LastChangedDate"),
        last_accessed=item.get("LastAccessedDate"),
        owning_service=item.get("OwningService") or None,
        scheduled_for_deletion=item.get("DeletedDate") is not None,
    )


@collector(
    service="secretsmanager",
    scope="regional",
    resource_types=(SecretsManagerSecret.TYPE,),
    actions=("secretsmanager:ListSecrets",),
)
def secrets(ctx: AwsContext, region: str, inv: Inventory) -> None:
    sm = ctx.client("secretsmanager", region)
    listed = ctx.paginate(sm, "list_secrets", "SecretList")
    if not listed.ok:
        inv.add_error(
            SecretsManagerSecret.TYPE,
            region,
            "secretsmanager:ListSecrets",
            listed.error or "no answer",
        )
        return
    for item in listed.value:
        inv.add(_secret(item, region))
