"""AWS::S3::Bucket (+ AWS::S3::BucketPolicy folded in) -> S3Bucket.

Defaults are what AWS applies to a new bucket when the property is absent:

* PublicAccessBlockConfiguration absent: all four settings on (S3 default for new buckets
  since April 2023); present: each flag it omits is false.
* OwnershipControls absent: BucketOwnerEnforced, ACLs disabled (default since April 2023).
* BucketEncryption absent: SSE-S3 / AES256 (every new bucket since January 2023).
* AccessControl absent: Private (owner FULL_CONTROL only).
* VersioningConfiguration absent: never enabled ("Disabled"); MFA delete cannot be set through
  CloudFormation at all (only the root user, through the API), so it is off.
* LoggingConfiguration present: logging on (to DestinationBucketName, or the bucket itself when
  omitted); absent: off. No Lifecycle/ReplicationConfiguration: no rules. ObjectLockEnabled
  absent: false. No AWS::S3::BucketPolicy: no policy.
"""

from __future__ import annotations

from typing import Any

from demarcate.resources.s3 import (
    ALL_USERS_URI,
    AUTHENTICATED_USERS_URI,
    PAB_FLAGS,
    S3Bucket,
)
from demarcate.sources.cloudformation.intrinsics import Unresolved
from demarcate.sources.cloudformation.stack import (
    LogicalResource,
    Props,
    Stack,
    assign,
    folder,
    primary,
    tags_of,
    to_bool,
    to_policy,
    to_str,
    to_word,
)

LOG_DELIVERY_URI = "http://acs.amazonaws.com/groups/s3/LogDelivery"
OWNER = "<bucket owner>"


def _grant(uri: str, permission: str) -> dict[str, Any]:
    return {"grantee_type": "Group", "grantee_uri": uri, "grantee_id": "", "permission": permission}


_OWNER_GRANT = {
    "grantee_type": "CanonicalUser",
    "grantee_uri": "",
    "grantee_id": OWNER,
    "permission": "FULL_CONTROL",
}
# Canned ACL -> grants besides the owner's FULL_CONTROL.
CANNED_ACLS: dict[str, list[dict[str, Any]]] = {
    "Private": [],
    "PublicRead": [_grant(ALL_USERS_URI, "READ")],
    "PublicReadWrite": [_grant(ALL_USERS_URI, "READ"), _grant(ALL_USERS_URI, "WRITE")],
    "AuthenticatedRead": [_grant(AUTHENTICATED_USERS_URI, "READ")],
    "LogDeliveryWrite": [_grant(LOG_DELIVERY_URI, "WRITE"), _grant(LOG_DELIVERY_URI, "READ_ACP")],
    "BucketOwnerRead": [],
    "BucketOwnerFullControl": [],
    "AwsExecRead": [],
}

_LIFECYCLE_ACTIONS = (
    (("ExpirationInDays", "ExpirationDate", "ExpiredObjectDeleteMarker"), "expiration"),
    (("Transitions", "Transition"), "transition"),
    (
        ("NoncurrentVersionExpiration", "NoncurrentVersionExpirationInDays"),
        "noncurrent_version_expiration",
    ),
    (
        ("NoncurrentVersionTransitions", "NoncurrentVersionTransition"),
        "noncurrent_version_transition",
    ),
    (("AbortIncompleteMultipartUpload",), "abort_incomplete_multipart_upload"),
)


@primary("AWS::S3::Bucket")
def bucket(stack: Stack, lr: LogicalResource, p: Props) -> S3Bucket:
    name = stack.key_of(lr.logical_id)
    res = S3Bucket(
        id=name,
        name=name,
        arn=f"arn:{stack.partition}:s3:::{name}",
        region=stack.region,
        tags=tags_of(p),
    )
    _public_access_block(res, p)
    _acl(res, p)
    _encryption(res, p)
    _versioning(res, p)
    _logging(res, p, name)
    _lifecycle(res, p)
    _replication(res, p)
    res.mfa_delete = False  # not settable through CloudFormation
    lock = to_bool(p.get("ObjectLockEnabled"), None)
    if lock is None:
        mode = to_word(p.sub("ObjectLockConfiguration").get("ObjectLockEnabled"))
        lock = mode == "Enabled" if isinstance(mode, str) else (mode if mode is not None else False)
    assign(res, "object_lock_enabled", lock)
    rules = p.sub("OwnershipControls").items("Rules")
    if isinstance(rules, Unresolved):
        assign(res, "ownership_controls", rules)
    elif not p.has("OwnershipControls") or not rules:
        res.ownership_controls = "BucketOwnerEnforced"
    else:
        assign(res, "ownership_controls", to_word(rules[0].get("ObjectOwnership"), ""))
    res.policy = {}
    return res


def _public_access_block(res: S3Bucket, p: Props) -> None:
    present = p.has("PublicAccessBlockConfiguration")
    cfg = p.sub("PublicAccessBlockConfiguration")
    for attr, key in PAB_FLAGS:
        if present is None:
            assign(res, attr, Unresolved(p.why("PublicAccessBlockConfiguration")))
        elif not present:
            setattr(res, attr, True)  # S3 default for new buckets
        else:
            assign(res, attr, to_bool(cfg.get(key), False))


def _acl(res: S3Bucket, p: Props) -> None:
    canned = to_word(p.get("AccessControl"), "Private")
    if isinstance(canned, Unresolved):
        assign(res, "acl_grants", canned)
        return
    if canned not in CANNED_ACLS:
        res.mark_unknown(f"AccessControl {canned} is not a known canned ACL", "acl_grants")
        return
    res.acl_grants = [dict(_OWNER_GRANT)] + [dict(g) for g in CANNED_ACLS[canned]]


def _encryption(res: S3Bucket, p: Props) -> None:
    attrs = ("encryption_algorithm", "kms_key_id", "bucket_key_enabled")
    present = p.has("BucketEncryption")
    if present is None:
        for attr in attrs:
            assign(res, attr, Unresolved(p.why("BucketEncryption")))
        return
    if not present:
        res.encryption_algorithm, res.kms_key_id, res.bucket_key_enabled = "AES256", "", False
        return
    rules = p.sub("BucketEncryption").items("ServerSideEncryptionConfiguration")
    if isinstance(rules, Unresolved):
        for attr in attrs:
            assign(res, attr, rules)
        return
    rule = next((r for r in rules if r.has("ServerSideEncryptionByDefault") is not False), None)
    if rule is None:
        res.encryption_algorithm, res.kms_key_id, res.bucket_key_enabled = "AES256", "", False
        return
    default = rule.sub("ServerSideEncryptionByDefault")
    assign(res, "encryption_algorithm", to_word(default.get("SSEAlgorithm"), ""))
    assign(res, "kms_key_id", to_str(default.get("KMSMasterKeyID"), ""))
    assign(res, "bucket_key_enabled", to_bool(rule.get("BucketKeyEnabled"), False))


def _versioning(res: S3Bucket, p: Props) -> None:
    status = p.sub("VersioningConfiguration").get("Status")
    if p.has("VersioningConfiguration") is False:
        status = "Disabled"
    assign(res, "versioning", to_word(status, "Disabled"))


def _logging(res: S3Bucket, p: Props, own_name: str) -> None:
    present = p.has("LoggingConfiguration")
    block = p.sub("LoggingConfiguration")
    if present is None or block.reason is not None:  # unknown, or a block from a placeholder
        why = p.why("LoggingConfiguration") if block.reason is None else block.reason
        assign(res, "logging_enabled", Unresolved(why))
        assign(res, "logging_target_bucket", Unresolved(why))
    elif present:
        res.logging_enabled = True
        target = p.sub("LoggingConfiguration").get("DestinationBucketName", own_name)
        assign(res, "logging_target_bucket", to_str(target))
    else:
        res.logging_enabled, res.logging_target_bucket = False, ""


def _lifecycle(res: S3Bucket, p: Props) -> None:
    rules = p.sub("LifecycleConfiguration").items("Rules")
    if isinstance(rules, Unresolved):
        assign(res, "lifecycle_rules", rules)
        return
    out = []
    for rule in rules:
        actions = sorted(
            {label for keys, label in _LIFECYCLE_ACTIONS if any(rule.has(k) for k in keys)}
        )
        out.append(
            {
                "id": rule.get("Id", ""),
                "status": to_word(rule.get("Status"), ""),
                "actions": actions,
            }
        )
    assign(res, "lifecycle_rules", out)


def _replication(res: S3Bucket, p: Props) -> None:
    rules = p.sub("ReplicationConfiguration").items("Rules")
    if isinstance(rules, Unresolved):
        assign(res, "replication_rules", rules)
        return
    out = []
    for rule in rules:
        dest = rule.sub("Destination")
        target = to_str(dest.get("Bucket"), "")
        out.append(
            {
                "id": rule.get("Id", ""),
                "status": to_word(rule.get("Status"), ""),
                "destination_bucket": target.rsplit(":", 1)[-1]
                if isinstance(target, str)
                else target,
                "destination_account": to_str(dest.get("Account"), ""),
            }
        )
    assign(res, "replication_rules", out)


@folder("AWS::S3::BucketPolicy")
def bucket_policy(stack: Stack, lr: LogicalResource, p: Props) -> None:
    target = stack.target(p.get("Bucket"), S3Bucket, "AWS::S3::Bucket")
    doc = to_policy(p.get("PolicyDocument"))
    if isinstance(target, Unresolved):
        # Cannot tell which bucket it configures: every bucket's policy is in doubt.
        for res in stack.built(S3Bucket):
            res.mark_unknown(
                f"bucket policy {lr.logical_id} targets a bucket that is not known: "
                f"{target.reason}",
                "policy",
            )
        return
    if target is None:
        return  # a bucket outside this template
    assign(target, "policy", doc)
