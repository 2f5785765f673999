"""S3 buckets: ``aws_s3_bucket`` with its provider-v4 split resources folded in, the legacy
(v3) inline blocks, and ``aws_s3_account_public_access_block``.

Defaults when the code says nothing (what the bucket then has):

* Block Public Access: off (no bucket-level configuration). S3 turns it on for buckets
  created since April 2023, but the code neither guarantees nor keeps it (older buckets,
  drift), so the code is judged without it, as Checkov and tfsec do.
* Object Ownership: none set ("" — ACLs in effect), for the same reason.
* Default encryption: SSE-S3 (``AES256``): since 5 January 2023 S3 encrypts every bucket,
  old ones included, and it cannot be turned off.
* Versioning "Disabled", MFA delete off, no logging, no lifecycle or replication rules,
  object lock off, no policy ({}), ACL private (no grants to others).
"""

from __future__ import annotations

from typing import Any

from demarcate.resources.s3 import (
    ALL_USERS_URI,
    AUTHENTICATED_USERS_URI,
    S3AccountPublicAccessBlock,
    S3Bucket,
)
from demarcate.sources.terraform.mapping.base import (
    Builder,
    as_bool,
    as_policy,
    as_str,
    block,
    blocks,
    get,
    mapper,
    put,
)
from demarcate.sources.terraform.raw import RawResource
from demarcate.sources.terraform.values import UnknownValue

LOG_DELIVERY_URI = "http://acs.amazonaws.com/groups/s3/LogDelivery"
OWNER = {"grantee_type": "CanonicalUser", "grantee_uri": "", "grantee_id": "owner"}


def canned_acl(acl: str) -> list[dict[str, Any]]:
    """The grants a canned ACL stands for."""
    grants = [{**OWNER, "permission": "FULL_CONTROL"}]

    def group(uri: str, permission: str) -> dict[str, Any]:
        return {
            "grantee_type": "Group",
            "grantee_uri": uri,
            "grantee_id": "",
            "permission": permission,
        }

    if acl == "public-read":
        grants.append(group(ALL_USERS_URI, "READ"))
    elif acl == "public-read-write":
        grants += [group(ALL_USERS_URI, "READ"), group(ALL_USERS_URI, "WRITE")]
    elif acl == "authenticated-read":
        grants.append(group(AUTHENTICATED_USERS_URI, "READ"))
    elif acl == "log-delivery-write":
        grants += [group(LOG_DELIVERY_URI, "WRITE"), group(LOG_DELIVERY_URI, "READ_ACP")]
    return grants


def _grants(raw_grants: list[dict[str, Any]]) -> Any:
    """``grant`` blocks (v3 inline: type/uri/id/permissions) or access_control_policy grants."""
    out = []
    for g in raw_grants:
        grantee = block(g, "grantee") if "grantee" in g else g
        if isinstance(grantee, UnknownValue):
            return grantee
        perms = g.get("permissions") if "permissions" in g else [g.get("permission")]
        if isinstance(perms, UnknownValue):
            return perms
        for perm in perms or []:
            kind = grantee.get("type")
            out.append(
                {
                    "grantee_type": {"Group": "Group", "CanonicalUser": "CanonicalUser"}.get(
                        str(kind), str(kind)
                    ),
                    "grantee_uri": grantee.get("uri") or "",
                    "grantee_id": grantee.get("id") or grantee.get("email_address") or "",
                    "permission": perm,
                }
            )
    return out


def _lifecycle_actions(rule: dict[str, Any]) -> list[str]:
    names = {
        "expiration": "expiration",
        "transition": "transition",
        "noncurrent_version_expiration": "noncurrent_version_expiration",
        "noncurrent_version_transition": "noncurrent_version_transition",
        "abort_incomplete_multipart_upload": "abort_incomplete_multipart_upload",
    }
    found = {label for key, label in names.items() if rule.get(key)}
    if rule.get("abort_incomplete_multipart_upload_days"):
        found.add("abort_incomplete_multipart_upload")
    return sorted(found)


def _bucket_name(value: Any) -> str:
    text = str(value)
    return text.rsplit(":", 1)[-1] if text.startswith("arn:") else text


class _State:
    """Settings of one bucket as the fold proceeds (inline first, then split resources)."""

    def __init__(self, bucket: S3Bucket, raw: RawResource) -> None:
        self.bucket = bucket
        self.raw = raw


def _inline(b: Builder, raw: RawResource, bucket: S3Bucket) -> None:
    attrs = raw.attrs
    # ACL: v3 inline acl / grant; absent = private
    acl = get(attrs, "acl")
    grants = blocks(attrs, "grant")
    if isinstance(acl, UnknownValue):
        put(bucket, "acl_grants", acl)
    elif isinstance(grants, UnknownValue):
        put(bucket, "acl_grants", grants)
    elif grants:
        put(bucket, "acl_grants", _grants(grants))
    else:
        put(bucket, "acl_grants", canned_acl(str(acl or "private")))
    put(bucket, "policy", as_policy(get(attrs, "policy")))
    # Encryption: v3 inline block, else S3's default SSE-S3
    sse = block(attrs, "server_side_encryption_configuration")
    _apply_sse(bucket, sse, default=True)
    # Versioning (v3)
    ver = block(attrs, "versioning")
    if isinstance(ver, UnknownValue):
        put(bucket, "versioning", ver)
        put(bucket, "mfa_delete", ver)
    elif ver:
        enabled = as_bool(ver.get("enabled"), False)
        put(
            bucket,
            "versioning",
            enabled
            if isinstance(enabled, UnknownValue)
            else ("Enabled" if enabled else "Disabled"),
        )
        put(bucket, "mfa_delete", as_bool(ver.get("mfa_delete"), False))
    else:
        bucket.versioning, bucket.mfa_delete = "Disabled", False
    # Logging (v3)
    log = block(attrs, "logging")
    _apply_logging(bucket, log)
    # Lifecycle (v3 lifecycle_rule: id, enabled, …)
    rules = blocks(attrs, "lifecycle_rule")
    if isinstance(rules, UnknownValue):
        put(bucket, "lifecycle_rules", rules)
    else:
        put(
            bucket,
            "lifecycle_rules",
            [
                {
                    "id": r.get("id") or "",
                    "status": _status(as_bool(r.get("enabled"), False)),
                    "actions": _lifecycle_actions(r),
                }
                for r in rules
            ],
        )
    # Replication (v3 replication_configuration { rules { … } })
    rep = block(attrs, "replication_configuration")
    if isinstance(rep, UnknownValue):
        put(bucket, "replication_rules", rep)
    else:
        put(bucket, "replication_rules", _replication_rules(blocks(rep, "rules") if rep else []))
    # Object lock (v4 flag or v3 block)
    lock = get(attrs, "object_lock_enabled")
    if lock is None:
        cfg = block(attrs, "object_lock_configuration")
        lock = cfg if isinstance(cfg, UnknownValue) else cfg.get("object_lock_enabled") == "Enabled"
    put(bucket, "object_lock_enabled", as_bool(lock, False))
    # Bucket-level Block Public Access: off unless a public access block says otherwise
    for attr in (
        "block_public_acls",
        "ignore_public_acls",
        "block_public_policy",
        "restrict_public_buckets",
    ):
        setattr(bucket, attr, False)
    bucket.ownership_controls = ""


def _status(enabled: Any) -> Any:
    if isinstance(enabled, UnknownValue):
        return enabled
    return "Enabled" if enabled else "Disabled"


def _replication_rules(rules: Any) -> Any:
    if isinstance(rules, UnknownValue):
        return rules
    out = []
    for rule in rules:
        dest = block(rule, "destination")
        if isinstance(dest, UnknownValue):
            return dest
        target = dest.get("bucket")
        if isinstance(target, UnknownValue):
            return target
        account = dest.get("account") or dest.get("account_id") or ""
        if isinstance(account, UnknownValue):
            return account
        status = rule.get("status")
        if isinstance(status, UnknownValue):
            return status
        out.append(
            {
                "id": rule.get("id") or "",
                "status": status or "Enabled",
                "destination_bucket": _bucket_name(target or ""),
                "destination_account": account,
            }
        )
    return out


def _apply_sse(bucket: S3Bucket, sse: Any, default: bool) -> None:
    fields = ("encryption_algorithm", "kms_key_id", "bucket_key_enabled")
    if isinstance(sse, UnknownValue):
        for f in fields:
            put(bucket, f, sse)
        return
    rules = blocks(sse, "rule") if sse else []
    if isinstance(rules, UnknownValue):
        for f in fields:
            put(bucket, f, rules)
        return
    for rule in rules:
        by_default = block(rule, "apply_server_side_encryption_by_default")
        if isinstance(by_default, UnknownValue):
            for f in fields:
                put(bucket, f, by_default)
            return
        if not by_default:
            continue
        algorithm = as_str(by_default.get("sse_algorithm"), "")
        put(bucket, "encryption_algorithm", algorithm)
        key = by_default.get("kms_master_key_id")
        if isinstance(algorithm, str) and algorithm.startswith("aws:kms"):
            put(bucket, "kms_key_id", as_str(key, ""))
        else:
            bucket.kms_key_id = ""
        put(bucket, "bucket_key_enabled", as_bool(rule.get("bucket_key_enabled"), False))
        return
    if default:
        # S3 applies SSE-S3 to every bucket without a default-encryption rule (since 2023-01-05).
        bucket.encryption_algorithm, bucket.kms_key_id, bucket.bucket_key_enabled = (
            "AES256",
            "",
            False,
        )


def _apply_logging(bucket: S3Bucket, log: Any) -> None:
    if isinstance(log, UnknownValue):
        put(bucket, "logging_enabled", log)
        put(bucket, "logging_target_bucket", log)
        return
    target = log.get("target_bucket") if log else None
    if isinstance(target, UnknownValue):
        bucket.logging_enabled = True  # a logging configuration exists; only its target is unknown
        put(bucket, "logging_target_bucket", target)
        return
    bucket.logging_enabled = bool(target)
    bucket.logging_target_bucket = _bucket_name(target) if target else ""


@mapper(order=15)
def map_s3(b: Builder) -> None:
    buckets: dict[str, S3Bucket] = {}
    for raw in b.of("aws_s3_bucket"):
        name = raw.attrs.get("bucket")
        rid = name if isinstance(name, str) and name else raw.address
        bucket = b.new(S3Bucket, raw, rid, name=rid, arn=b.known_arn(raw))
        if isinstance(name, UnknownValue):
            bucket.unknown["name"] = name.reason
        _inline(b, raw, bucket)
        buckets[raw.address] = bucket

    def fold(child_type: str, fields: tuple[str, ...], apply: Any) -> None:
        grouped, lost = b.attached([child_type], "bucket", ["aws_s3_bucket"])
        for address, children in grouped.items():
            for child in children:
                apply(buckets[address], child.attrs)
        for child, reason in lost:
            for bucket in buckets.values():
                for f in fields:
                    bucket.unknown[f] = f"{child_type} {child.address} may apply: {reason}"
                    setattr(bucket, f, None)

    pab_fields = (
        "block_public_acls",
        "ignore_public_acls",
        "block_public_policy",
        "restrict_public_buckets",
    )

    def pab(bucket: S3Bucket, attrs: dict[str, Any]) -> None:
        for f in pab_fields:
            put(bucket, f, as_bool(attrs.get(f), False))  # provider default: false

    fold("aws_s3_bucket_public_access_block", pab_fields, pab)

    def ownership(bucket: S3Bucket, attrs: dict[str, Any]) -> None:
        rule = block(attrs, "rule")
        put(
            bucket,
            "ownership_controls",
            rule if isinstance(rule, UnknownValue) else as_str(rule.get("object_ownership"), ""),
        )

    fold("aws_s3_bucket_ownership_controls", ("ownership_controls",), ownership)

    def acl(bucket: S3Bucket, attrs: dict[str, Any]) -> None:
        policy = block(attrs, "access_control_policy")
        if isinstance(policy, UnknownValue):
            put(bucket, "acl_grants", policy)
        elif policy:
            grants = blocks(policy, "grant")
            put(
                bucket,
                "acl_grants",
                grants if isinstance(grants, UnknownValue) else _grants(grants),
            )
        else:
            canned = as_str(attrs.get("acl"), "private")
            put(
                bucket,
                "acl_grants",
                canned if isinstance(canned, UnknownValue) else canned_acl(canned),
            )

    fold("aws_s3_bucket_acl", ("acl_grants",), acl)
    fold(
        "aws_s3_bucket_policy",
        ("policy",),
        lambda bk, a: put(bk, "policy", as_policy(a.get("policy"))),
    )
    fold(
        "aws_s3_bucket_server_side_encryption_configuration",
        ("encryption_algorithm", "kms_key_id", "bucket_key_enabled"),
        lambda bk, a: _apply_sse(bk, a, default=False),
    )

    def versioning(bucket: S3Bucket, attrs: dict[str, Any]) -> None:
        cfg = block(attrs, "versioning_configuration")
        if isinstance(cfg, UnknownValue):
            put(bucket, "versioning", cfg)
            put(bucket, "mfa_delete", cfg)
            return
        put(bucket, "versioning", as_str(cfg.get("status"), "Disabled"))
        mfa = cfg.get("mfa_delete")
        put(bucket, "mfa_delete", mfa if isinstance(mfa, UnknownValue) else mfa == "Enabled")

    fold("aws_s3_bucket_versioning", ("versioning", "mfa_delete"), versioning)
    fold("aws_s3_bucket_logging", ("logging_enabled", "logging_target_bucket"), _apply_logging)

    def lifecycle(bucket: S3Bucket, attrs: dict[str, Any]) -> None:
        rules = blocks(attrs, "rule")
        if isinstance(rules, UnknownValue):
            put(bucket, "lifecycle_rules", rules)
            return
        put(
            bucket,
            "lifecycle_rules",
            [
                {
                    "id": r.get("id") or "",
                    "status": r.get("status") or "",
                    "actions": _lifecycle_actions(r),
                }
                for r in rules
            ],
        )

    fold("aws_s3_bucket_lifecycle_configuration", ("lifecycle_rules",), lifecycle)
    fold(
        "aws_s3_bucket_replication_configuration",
        ("replication_rules",),
        lambda bk, a: put(bk, "replication_rules", _replication_rules(blocks(a, "rule"))),
    )

    def lock(bucket: S3Bucket, attrs: dict[str, Any]) -> None:
        enabled = attrs.get("object_lock_enabled", "Enabled")
        put(
            bucket,
            "object_lock_enabled",
            enabled if isinstance(enabled, UnknownValue) else enabled != "Disabled",
        )

    fold("aws_s3_bucket_object_lock_configuration", ("object_lock_enabled",), lock)

    for raw in b.of("aws_s3_account_public_access_block"):
        account = raw.attrs.get("account_id") or raw.account or b.account
        acct = account if isinstance(account, str) else None
        block_res = b.new(
            S3AccountPublicAccessBlock,
            raw,
            f"s3-account-pab:{acct or raw.address}",
            name=f"account {acct}" if acct else raw.address,
            regional=False,
            configured=True,
        )
        if acct:
            block_res.account = acct
        for f in pab_fields:
            put(block_res, f, as_bool(raw.attrs.get(f), False))
