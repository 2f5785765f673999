"""Collect S3: the account-level Block Public Access setting, and every bucket's access,
encryption, versioning, logging, lifecycle, replication, object lock and ownership settings.

ListBuckets answers for every region at once; each bucket's details are then read through a
client of its own region (one call per setting, buckets concurrently).
"""

from __future__ import annotations

from typing import Any

from demarcate.policies import parse_policy
from demarcate.resources.base import Inventory
from demarcate.resources.s3 import PAB_FLAGS, S3AccountPublicAccessBlock, S3Bucket
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext, Outcome

NO_PAB = "NoSuchPublicAccessBlockConfiguration"
PAB_ATTRS = tuple(attr for attr, _ in PAB_FLAGS)


_LIFECYCLE_ACTIONS = (
    ("Expiration", "expiration"),
    ("Transitions", "transition"),
    ("Transition", "transition"),
    ("NoncurrentVersionExpiration", "noncurrent_version_expiration"),
    ("NoncurrentVersionTransitions", "noncurrent_version_transition"),
    ("NoncurrentVersionTransition", "noncurrent_version_transition"),
    ("AbortIncompleteMultipartUpload", "abort_incomplete_multipart_upload"),
)


@collector(
    service="s3",
    scope="global",
    resource_types=(S3AccountPublicAccessBlock.TYPE,),
    actions=("s3:GetAccountPublicAccessBlock",),
)
def account_public_access_block(ctx: AwsContext, region: str, inv: Inventory) -> None:
    account = inv.account
    block = S3AccountPublicAccessBlock(
        id=f"s3-account-pab:{account}", name=f"account {account}", region="global"
    )
    if not account:
        block.mark_unknown("the account id is not known", "configured", *PAB_ATTRS)
        inv.add(block)
        return
    s3control = ctx.client("s3control", region)
    got = ctx.call(s3control, "get_public_access_block", absent=(NO_PAB,), AccountId=account)
    if got.absent:
        block.configured = False
        for attr in PAB_ATTRS:
            setattr(block, attr, False)
    elif got.ok:
        cfg = got.value.get("PublicAccessBlockConfiguration") or {}
        block.configured = True
        for attr, key in PAB_FLAGS:
            setattr(block, attr, bool(cfg.get(key, False)))
    else:
        block.mark_unknown(got.error or "no answer", "configured", *PAB_ATTRS)
    inv.add(block)


@collector(
    service="s3",
    scope="global",
    resource_types=(S3Bucket.TYPE,),
    actions=(
        "s3:ListAllMyBuckets",
        "s3:GetBucketLocation",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketAcl",
        "s3:GetBucketPolicy",
        "s3:GetEncryptionConfiguration",
        "s3:GetBucketVersioning",
        "s3:GetBucketLogging",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketOwnershipControls",
    ),
)
def buckets(ctx: AwsContext, region: str, inv: Inventory) -> None:
    s3 = ctx.client("s3", region)
    listed = ctx.paginate(s3, "list_buckets", "Buckets")
    if not listed.ok:
        inv.add_error(S3Bucket.TYPE, "global", "s3:ListAllMyBuckets", listed.error or "no answer")
        return
    partition = _partition(ctx, region)

    def detail(item: dict[str, Any]) -> None:
        name = item["Name"]
        bucket = S3Bucket(id=name, name=name, arn=f"arn:{partition}:s3:::{name}")
        home = item.get("BucketRegion")
        if not home:
            loc = ctx.call(s3, "get_bucket_location", Bucket=name)
            if loc.code == "NoSuchBucket":
                return  # deleted since the listing
            if loc.ok:
                home = _location_region(loc.value.get("LocationConstraint"))
            else:
                bucket.unknown["region"] = loc.error or "no answer"
        bucket.region = home or "global"
        # Unknown region: the listing region's client follows S3's redirects to the bucket.
        cli = ctx.client("s3", home or region)
        _public_access_block(ctx, cli, bucket)
        _acl(ctx, cli, bucket)
        _policy(ctx, cli, bucket)
        _encryption(ctx, cli, bucket)
        _versioning(ctx, cli, bucket)
        _logging(ctx, cli, bucket)
        _lifecycle(ctx, cli, bucket)
        _replication(ctx, cli, bucket)
        _object_lock(ctx, cli, bucket)
        _ownership(ctx, cli, bucket)
        inv.add(bucket)

    ctx.map(detail, listed.value)


# ---- per-bucket readers -------------------------------------------------------------------------


def _partition(ctx: AwsContext, region: str) -> str:
    try:
        return str(ctx.session.get_partition_for_region(region))
    except Exception:  # an unknown region name (custom endpoint): assume the commercial one
        return "aws"


def _location_region(constraint: str | None) -> str:
    """GetBucketLocation's answer as a region (None/"" = us-east-1, legacy "EU" = eu-west-1)."""
    if not constraint:
        return "us-east-1"
    return "eu-west-1" if constraint == "EU" else constraint


def _error(out: Outcome) -> str:
    return out.error or "no answer"


def _public_access_block(ctx: AwsContext, cli: Any, bucket: S3Bucket) -> None:
    got = ctx.call(cli, "get_public_access_block", absent=(NO_PAB,), Bucket=bucket.id)
    if got.absent:
        for attr in PAB_ATTRS:
            setattr(bucket, attr, False)
    elif got.ok:
        cfg = got.value.get("PublicAccessBlockConfiguration") or {}
        for attr, key in PAB_FLAGS:
            setattr(bucket, attr, bool(cfg.get(key, False)))
    else:
        reason = _error(got)
        bucket.mark_unknown(reason, *PAB_ATTRS)


def _acl(ctx: AwsContext, cli: Any, bucket: S3Bucket) -> None:
    got = ctx.call(cli, "get_bucket_acl", Bucket=bucket.id)
    if not got.ok:
        bucket.mark_unknown(_error(got), "acl_grants")
        return
    grants = []
    for grant in got.value.get("Grants") or []:
        grantee = grant.get("Grantee") or {}
        grants.append(
            {
                "grantee_type": grantee.get("Type", ""),
                "grantee_uri": grantee.get("URI", ""),
                "grantee_id": grantee.get("ID") or grantee.get("EmailAddress") or "",
                "permission": grant.get("Permission", ""),
            }
        )
    bucket.acl_grants = grants


def _policy(ctx: AwsContext, cli: Any, bucket: S3Bucket) -> None:
    got = ctx.call(cli, "get_bucket_policy", absent=("NoSuchBucketPolicy",), Bucket=bucket.id)
    if got.absent:
        bucket.policy = {}
    elif got.ok:
        doc = parse_policy(got.value.get("Policy"))
        if doc is None:
            bucket.mark_unknown("the bucket policy is not valid JSON", "policy")
        else:
            bucket.policy = doc
    else:
        bucket.mark_unknown(_error(got), "policy")


def _encryption(ctx: AwsContext, cli: Any, bucket: S3Bucket) -> None:
    attrs = ("encryption_algorithm", "kms_key_id", "bucket_key_enabled")
    got = ctx.call(
        cli,
        "get_bucket_encryption",
        absent=("ServerSideEncryptionConfigurationNotFoundError",),
        Bucket=bucket.id,
    )
    if got.absent:
        bucket.encryption_algorithm, bucket.kms_key_id, bucket.bucket_key_enabled = "", "", False
        return
    if not got.ok:
        bucket.mark_unknown(_error(got), *attrs)
        return
    rules = (got.value.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    rule: dict[str, Any] = next(
        (r for r in rules if r.get("ApplyServerSideEncryptionByDefault")), {}
    )
    default = rule.get("ApplyServerSideEncryptionByDefault") or {}
    bucket.encryption_algorithm = default.get("SSEAlgorithm") or ""
    bucket.kms_key_id = default.get("KMSMasterKeyID") or ""
    bucket.bucket_key_enabled = bool(rule.get("BucketKeyEnabled"))


def _versioning(ctx: AwsContext, cli: Any, bucket: S3Bucket) -> None:
    got = ctx.call(cli, "get_bucket_versioning", Bucket=bucket.id)
    if not got.ok:
        bucket.mark_unknown(_error(got), "versioning", "mfa_delete")
        return
    bucket.versioning = got.value.get("Status") or "Disabled"
    bucket.mfa_delete = got.value.get("MFADelete") == "Enabled"


def _logging(ctx: AwsContext, cli: Any, bucket: S3Bucket) -> None:
    got = ctx.call(cli, "get_bucket_logging", Bucket=bucket.id)
    if not got.ok:
        bucket.mark_unknown(_error(got), "logging_enabled", "logging_target_bucket")
        return
    enabled = got.value.get("LoggingEnabled") or {}
    bucket.logging_enabled = bool(enabled.get("TargetBucket"))
    bucket.logging_target_bucket = enabled.get("TargetBucket") or ""


def _lifecycle(ctx: AwsContext, cli: Any, bucket: S3Bucket) -> None:
    got = ctx.call(
        cli,
        "get_bucket_lifecycle_configuration",
        absent=("NoSuchLifecycleConfiguration",),
        Bucket=bucket.id,
    )
    if got.absent:
        bucket.lifecycle_rules = []
        return
    if not got.ok:
        bucket.mark_unknown(_error(got), "lifecycle_rules")
        return
    rules = []
    for rule in got.value.get("Rules") or []:
        actions = sorted({label for key, label in _LIFECYCLE_ACTIONS if rule.get(key)})
        rules.append(
            {"id": rule.get("ID", ""), "status": rule.get("Status", ""), "actions": actions}
        )
    bucket.lifecycle_rules = rules


def _replication(ctx: AwsContext, cli: Any, bucket: S3Bucket) -> None:
    got = ctx.call(
        cli,
        "get_bucket_replication",
        absent=("ReplicationConfigurationNotFoundError",),
        Bucket=bucket.id,
    )
    if got.absent:
        bucket.replication_rules = []
        return
    if not got.ok:
        bucket.mark_unknown(_error(got), "replication_rules")
        return
    rules = []
    for rule in (got.value.get("ReplicationConfiguration") or {}).get("Rules") or []:
        dest = rule.get("Destination") or {}
        rules.append(
            {
                "id": rule.get("ID", ""),
                "status": rule.get("Status", ""),
                "destination_bucket": str(dest.get("Bucket", "")).rsplit(":", 1)[-1],
                "destination_account": dest.get("Account") or "",
            }
        )
    bucket.replication_rules = rules


def _object_lock(ctx: AwsContext, cli: Any, bucket: S3Bucket) -> None:
    got = ctx.call(
        cli,
        "get_object_lock_configuration",
        absent=("ObjectLockConfigurationNotFoundError",),
        Bucket=bucket.id,
    )
    if got.absent:
        bucket.object_lock_enabled = False
    elif got.ok:
        cfg = got.value.get("ObjectLockConfiguration") or {}
        bucket.object_lock_enabled = cfg.get("ObjectLockEnabled") == "Enabled"
    else:
        bucket.mark_unknown(_error(got), "object_lock_enabled")


def _ownership(ctx: AwsContext, cli: Any, bucket: S3Bucket) -> None:
    got = ctx.call(
        cli,
        "get_bucket_ownership_controls",
        absent=("OwnershipControlsNotFoundError",),
        Bucket=bucket.id,
    )
    if got.absent:
        bucket.ownership_controls = ""
    elif got.ok:
        rules = (got.value.get("OwnershipControls") or {}).get("Rules") or []
        bucket.ownership_controls = rules[0].get("ObjectOwnership", "") if rules else ""
    else:
        bucket.mark_unknown(_error(got), "ownership_controls")
