"""Collect KMS keys: manager, state, rotation and key policy."""

from __future__ import annotations

from typing import Any

from demarcate.policies import parse_policy
from demarcate.resources.base import Inventory
from demarcate.resources.kms import KmsKey
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext


@collector(
    service="kms",
    scope="regional",
    resource_types=(KmsKey.TYPE,),
    actions=(
        "kms:ListKeys",
        "kms:DescribeKey",
        "kms:GetKeyRotationStatus",
        "kms:GetKeyPolicy",
    ),
)
def keys(ctx: AwsContext, region: str, inv: Inventory) -> None:
    kms = ctx.client("kms", region)
    listed = ctx.paginate(kms, "list_keys", "Keys")
    if not listed.ok:
        inv.add_error(KmsKey.TYPE, region, "kms:ListKeys", listed.error or "no answer")
        return

    def detail(item: dict[str, Any]) -> None:
        key_id = item["KeyId"]
        key = KmsKey(id=key_id, arn=item.get("KeyArn"), region=region)
        desc = ctx.call(kms, "describe_key", KeyId=key_id)
        if desc.ok:
            meta = desc.value["KeyMetadata"]
            key.key_manager = meta.get("KeyManager")
            key.key_state = meta.get("KeyState")
            key.key_spec = meta.get("KeySpec") or meta.get("CustomerMasterKeySpec")
            key.origin = meta.get("Origin")
            key.name = meta.get("Description") or None
        else:
            key.mark_unknown(desc.error or "", "key_manager", "key_state", "key_spec", "origin")
        # Rotation applies to customer-managed symmetric keys with KMS-generated material.
        if key.key_manager == "CUSTOMER" and key.key_spec == "SYMMETRIC_DEFAULT":
            rot = ctx.call(kms, "get_key_rotation_status", KeyId=key_id)
            if rot.ok:
                key.rotation_enabled = bool(rot.value.get("KeyRotationEnabled"))
            else:
                key.mark_unknown(rot.error or "", "rotation_enabled")
        if key.key_manager == "CUSTOMER":
            pol = ctx.call(kms, "get_key_policy", KeyId=key_id, PolicyName="default")
            if pol.ok:
                key.policy = parse_policy(pol.value.get("Policy"))
            else:
                key.mark_unknown(pol.error or "", "policy")
        inv.add(key)

    ctx.map(detail, listed.value)
