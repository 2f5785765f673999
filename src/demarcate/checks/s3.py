"""S3 checks: public access is blocked (account and bucket), no ACL grant or policy opens a
bucket to everyone or lets other accounts rewrite its access, objects are encrypted (with KMS),
requests need TLS, versions are kept (with MFA delete and lifecycle rules), data is replicated
to another region and requests are logged.

ACL and policy exposure is judged *in effect*: a public grant that IgnorePublicAcls or disabled
ACLs neutralise, or a public statement that RestrictPublicBuckets neutralises, passes with the
neutraliser named (the Block Public Access checks keep the neutraliser itself in place).
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from demarcate.checks.registry import (
    Remediation,
    Result,
    Unknown,
    check,
    failed,
    need,
    passed,
)
from demarcate.policies import as_list, is_restricted_by_condition, statements
from demarcate.resources.base import Inventory
from demarcate.resources.s3 import PAB_FLAGS, S3AccountPublicAccessBlock, S3Bucket

_PAB_CLI_ARGS = (
    "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"
)


def _names(attrs: list[str]) -> str:
    lookup = dict(PAB_FLAGS)
    return ", ".join(lookup[a] for a in attrs)


# ---- Block Public Access ------------------------------------------------------------------------


@check(
    id="s3-account-public-access-block",
    title="S3 Block Public Access is on for the whole account",
    duty="s3.bucket-policies-acls",
    severity="high",
    resource_type=S3AccountPublicAccessBlock,
    rationale=(
        "The account-level setting overrides every bucket: with all four options on, no ACL or "
        "bucket policy (existing or future) can make a bucket public by mistake."
    ),
    cis=("3.1.4",),
    fsbp=("S3.1",),
    remediation=Remediation(
        console=(
            "S3 > Block Public Access settings for this account > Edit: tick Block all public "
            "access > Save changes."
        ),
        cli=(
            "aws s3control put-public-access-block --account-id <account-id> "
            f"--public-access-block-configuration {_PAB_CLI_ARGS}"
        ),
        terraform=(
            'resource "aws_s3_account_public_access_block" "this" {\n'
            "  block_public_acls       = true\n  ignore_public_acls      = true\n"
            "  block_public_policy     = true\n  restrict_public_buckets = true\n}"
        ),
    ),
)
def account_public_access_block(block: S3AccountPublicAccessBlock, inv: Inventory) -> Result | None:
    account = block.account or block.id.rsplit(":", 1)[-1]
    if need(block, "configured") is False:
        return failed(f"account {account}: no account-level S3 public access block is configured")
    off = [attr for attr, _ in PAB_FLAGS if need(block, attr) is False]
    if off:
        return failed(f"account {account}: {_names(off)} off at account level")
    return passed(f"account {account}: all four account-level public access block settings are on")


@check(
    id="s3-bucket-public-access-block",
    title="S3 buckets have every Block Public Access setting on",
    duty="s3.bucket-policies-acls",
    severity="high",
    resource_type=S3Bucket,
    rationale=(
        "Block Public Access stops new public ACLs and policies and neutralises existing ones. "
        "A setting on at the account level counts for every bucket."
    ),
    cis=("3.1.4",),
    fsbp=("S3.8",),
    remediation=Remediation(
        console="S3 > bucket > Permissions > Block public access (bucket settings) > Edit: tick Block all public access.",
        cli=(
            "aws s3api put-public-access-block --bucket <bucket> "
            f"--public-access-block-configuration {_PAB_CLI_ARGS}"
        ),
        terraform=(
            'resource "aws_s3_bucket_public_access_block" "this" {\n'
            "  bucket                  = aws_s3_bucket.this.id\n"
            "  block_public_acls       = true\n  ignore_public_acls      = true\n"
            "  block_public_policy     = true\n  restrict_public_buckets = true\n}"
        ),
    ),
)
def bucket_public_access_block(bucket: S3Bucket, inv: Inventory) -> Result | None:
    off: list[str] = []
    unknown: dict[str, list[str]] = {}  # reason -> settings it leaves unknown
    levels: set[str] = set()
    for attr, _ in PAB_FLAGS:
        on, where = bucket.effective_flag(inv, attr)
        if on is None:
            unknown.setdefault(where, []).append(attr)
        elif on:
            levels.add(where)
        else:
            off.append(attr)
    if off:
        return failed(f"bucket {bucket.label}: {_names(off)} off at both bucket and account level")
    if unknown:
        why = "; ".join(
            f"cannot tell {_names(attrs)}: {reason}" for reason, attrs in unknown.items()
        )
        raise Unknown(f"bucket {bucket.label}: {why}")
    where = " and ".join(sorted(levels))
    return passed(
        f"bucket {bucket.label}: all four public access block settings are on ({where} level)"
    )


# ---- ACLs and bucket policies -------------------------------------------------------------------


@check(
    id="s3-bucket-no-public-acl-grants",
    title="S3 bucket ACLs grant nothing to AllUsers or AuthenticatedUsers",
    duty="s3.bucket-policies-acls",
    severity="critical",
    resource_type=S3Bucket,
    rationale=(
        "An ACL grant to AllUsers lets anyone on the internet list or write the bucket; "
        "AuthenticatedUsers means any AWS account, not just yours."
    ),
    fsbp=("S3.2", "S3.3"),
    remediation=Remediation(
        console=(
            "S3 > bucket > Permissions > Object Ownership > Edit: Bucket owner enforced (disables "
            "ACLs); or Access control list > Edit: remove Everyone / Authenticated users grants."
        ),
        cli=(
            "aws s3api put-bucket-ownership-controls --bucket <bucket> --ownership-controls "
            "'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'  # or: aws s3api put-bucket-acl "
            "--bucket <bucket> --acl private"
        ),
        terraform=(
            'resource "aws_s3_bucket_ownership_controls" "this" {\n'
            "  bucket = aws_s3_bucket.this.id\n"
            '  rule {\n    object_ownership = "BucketOwnerEnforced"\n  }\n}'
        ),
    ),
)
def no_public_acl_grants(bucket: S3Bucket, inv: Inventory) -> Result | None:
    public, why = bucket.acl_exposure(inv)
    if public is None:
        raise Unknown(f"bucket {bucket.label}: {why}")
    if public:
        return failed(f"bucket {bucket.label}: {why}")
    return passed(f"bucket {bucket.label}: {why}")


@check(
    id="s3-bucket-policy-not-public",
    title="S3 bucket policies do not allow any principal without a condition",
    duty="s3.bucket-policies-acls",
    severity="critical",
    resource_type=S3Bucket,
    rationale=(
        "A bucket policy statement with Principal '*' and no restricting condition opens the "
        "bucket to anyone, unless RestrictPublicBuckets is on."
    ),
    cis=("2.21",),
    fsbp=("S3.2", "S3.3"),
    remediation=Remediation(
        console=(
            'S3 > bucket > Permissions > Bucket policy > Edit: replace Principal "*" with named '
            "accounts or roles, or add a condition such as aws:PrincipalOrgID / aws:SourceVpce."
        ),
        cli='aws s3api put-bucket-policy --bucket <bucket> --policy file://policy.json  # no open "*" principal',
        terraform=(
            'resource "aws_s3_bucket_policy" "this" {\n  bucket = aws_s3_bucket.this.id\n'
            '  policy = data.aws_iam_policy_document.bucket.json  # principals named, not "*"\n}'
        ),
    ),
)
def policy_not_public(bucket: S3Bucket, inv: Inventory) -> Result | None:
    public, why = bucket.policy_exposure(inv)
    if public is None:
        raise Unknown(f"bucket {bucket.label}: {why}")
    if public:
        actions = sorted(
            {a for s in bucket.public_policy_statements() or [] for a in _actions_text(s)}
        )
        return failed(f"bucket {bucket.label}: {why} ({', '.join(actions)})")
    return passed(f"bucket {bucket.label}: {why}")


def _actions_text(stmt: dict[str, Any]) -> list[str]:
    if "NotAction" in stmt:
        return [f"all but {', '.join(str(a) for a in as_list(stmt['NotAction']))}"]
    return [str(a) for a in as_list(stmt.get("Action"))]


# Actions Security Hub S3.6 forbids granting to other accounts: they let them rewrite access.
_ACCESS_CHANGING = (
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:PutEncryptionConfiguration",
    "s3:PutObjectAcl",
)


def _aws_principals(stmt: dict[str, Any]) -> list[str]:
    principal = stmt.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, dict):
        return [str(p) for p in as_list(principal.get("AWS"))]
    return []


def _principal_account(principal: str) -> str | None:
    if principal.isdigit():
        return principal
    parts = principal.split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" else None


def _granted(stmt: dict[str, Any], action: str) -> bool:
    act = action.lower()
    if "NotAction" in stmt:
        return not any(fnmatchcase(act, str(p).lower()) for p in as_list(stmt["NotAction"]))
    return any(fnmatchcase(act, str(p).lower()) for p in as_list(stmt.get("Action")))


@check(
    id="s3-bucket-policy-no-cross-account-admin",
    title="S3 bucket policies do not let other accounts change the bucket's access or encryption",
    duty="s3.bucket-policies-acls",
    severity="high",
    resource_type=S3Bucket,
    rationale=(
        "Another account allowed to put the bucket policy or ACLs, or the encryption settings, "
        "can take over or lock you out of the bucket."
    ),
    fsbp=("S3.6",),
    remediation=Remediation(
        console=(
            "S3 > bucket > Permissions > Bucket policy > Edit: remove s3:PutBucketPolicy, "
            "s3:PutBucketAcl, s3:PutObjectAcl, s3:DeleteBucketPolicy and "
            "s3:PutEncryptionConfiguration (and s3:* wildcards) from statements for other accounts."
        ),
        cli="aws s3api put-bucket-policy --bucket <bucket> --policy file://policy.json  # data actions only for other accounts",
        terraform=(
            'data "aws_iam_policy_document" "bucket" {\n  statement {\n'
            '    principals {\n      type        = "AWS"\n'
            '      identifiers = ["arn:aws:iam::<partner-account>:root"]\n    }\n'
            '    actions   = ["s3:GetObject"]  # never s3:* or s3:PutBucketPolicy\n'
            '    resources = ["${aws_s3_bucket.this.arn}/*"]\n  }\n}'
        ),
    ),
)
def policy_no_cross_account_admin(bucket: S3Bucket, inv: Inventory) -> Result | None:
    policy = need(bucket, "policy")
    own = bucket.account or inv.account
    offending: list[str] = []
    for stmt in statements(policy):
        if stmt.get("Effect") != "Allow":
            continue
        who: list[str] = []
        for principal in _aws_principals(stmt):
            if principal in ("*", "arn:aws:iam::*:root"):
                if not is_restricted_by_condition(stmt):
                    who.append("any account")
                continue
            account = _principal_account(principal)
            if account is None:
                continue
            if own is None:
                raise Unknown(f"bucket {bucket.label}: the bucket's own account is not known")
            if account != own:
                who.append(f"account {account}")
        if not who:
            continue
        granted = [a for a in _ACCESS_CHANGING if _granted(stmt, a)]
        if granted:
            sid = stmt.get("Sid") or "(no Sid)"
            offending.append(
                f"statement {sid} lets {', '.join(sorted(set(who)))} {', '.join(granted)}"
            )
    if offending:
        return failed(f"bucket {bucket.label}: {'; '.join(offending)}")
    return passed(
        f"bucket {bucket.label}: no statement lets another account change its policy, ACLs or encryption"
    )


@check(
    id="s3-bucket-acls-disabled",
    title="S3 buckets disable ACLs (Object Ownership: bucket owner enforced)",
    duty="s3.bucket-policies-acls",
    severity="medium",
    resource_type=S3Bucket,
    rationale=(
        "With ACLs disabled, access is governed by policies alone and no object or bucket ACL "
        "can quietly grant access to others."
    ),
    fsbp=("S3.12",),
    remediation=Remediation(
        console="S3 > bucket > Permissions > Object Ownership > Edit: ACLs disabled (Bucket owner enforced).",
        cli=(
            "aws s3api put-bucket-ownership-controls --bucket <bucket> --ownership-controls "
            "'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'"
        ),
        terraform=(
            'resource "aws_s3_bucket_ownership_controls" "this" {\n'
            "  bucket = aws_s3_bucket.this.id\n"
            '  rule {\n    object_ownership = "BucketOwnerEnforced"\n  }\n}'
        ),
    ),
)
def acls_disabled(bucket: S3Bucket, inv: Inventory) -> Result | None:
    ownership = need(bucket, "ownership_controls")
    if ownership == "BucketOwnerEnforced":
        return passed(f"bucket {bucket.label}: ACLs are disabled (BucketOwnerEnforced)")
    if not ownership:
        return failed(f"bucket {bucket.label}: no Object Ownership setting, so ACLs are in effect")
    return failed(f"bucket {bucket.label}: Object Ownership is {ownership}, so ACLs are in effect")


# ---- encryption ---------------------------------------------------------------------------------

_ALGORITHMS = {"AES256": "SSE-S3", "aws:kms": "SSE-KMS", "aws:kms:dsse": "DSSE-KMS"}


# Default encryption with a customer KMS key: the fix for both encryption checks.
_SSE_KMS_CLI = (
    "aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration "
    '\'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"<key-arn>"},"BucketKeyEnabled":true}]}\''
)
_SSE_KMS_TERRAFORM = (
    'resource "aws_s3_bucket_server_side_encryption_configuration" "this" {\n'
    "  bucket = aws_s3_bucket.this.id\n  rule {\n"
    "    apply_server_side_encryption_by_default {\n"
    '      sse_algorithm     = "aws:kms"\n      kms_master_key_id = aws_kms_key.s3.arn\n'
    "    }\n    bucket_key_enabled = true\n  }\n}"
)


@check(
    id="s3-bucket-default-encryption",
    title="S3 buckets encrypt new objects by default",
    duty="s3.data-encryption",
    severity="medium",
    resource_type=S3Bucket,
    rationale="Default encryption makes every new object encrypted at rest without relying on each writer.",
    remediation=Remediation(
        console="S3 > bucket > Properties > Default encryption > Edit: SSE-KMS (or SSE-S3) > Save.",
        cli=_SSE_KMS_CLI,
        terraform=_SSE_KMS_TERRAFORM,
    ),
)
def default_encryption(bucket: S3Bucket, inv: Inventory) -> Result | None:
    algorithm = need(bucket, "encryption_algorithm")
    if not algorithm:
        return failed(f"bucket {bucket.label}: no default encryption is configured")
    kind = _ALGORITHMS.get(algorithm, algorithm)
    return passed(f"bucket {bucket.label}: default encryption is {algorithm} ({kind})")


@check(
    id="s3-bucket-kms-encryption",
    title="S3 buckets encrypt by default with a KMS key",
    duty="s3.data-encryption",
    severity="low",
    resource_type=S3Bucket,
    rationale=(
        "SSE-KMS adds a key policy you control and a CloudTrail record of every decrypt, which "
        "S3-managed keys (SSE-S3) do not."
    ),
    remediation=Remediation(
        console="S3 > bucket > Properties > Default encryption > Edit: Server-side encryption with AWS KMS keys (SSE-KMS), choose your key, Bucket Key enabled.",
        cli=_SSE_KMS_CLI,
        terraform=_SSE_KMS_TERRAFORM,
    ),
)
def kms_encryption(bucket: S3Bucket, inv: Inventory) -> Result | None:
    algorithm = need(bucket, "encryption_algorithm")
    if algorithm in ("aws:kms", "aws:kms:dsse"):
        key = bucket.kms_key_id or "the AWS managed key aws/s3"
        return passed(f"bucket {bucket.label}: default encryption is {algorithm} with {key}")
    if not algorithm:
        return failed(f"bucket {bucket.label}: no default encryption is configured")
    return failed(
        f"bucket {bucket.label}: default encryption is {algorithm} "
        f"({_ALGORITHMS.get(algorithm, algorithm)}), not a KMS key"
    )


# ---- TLS ----------------------------------------------------------------------------------------


def _denies_plain_http(stmt: dict[str, Any], bucket: S3Bucket) -> bool:
    if stmt.get("Effect") != "Deny":
        return False
    principal = stmt.get("Principal")
    if not (
        principal == "*" or (isinstance(principal, dict) and "*" in as_list(principal.get("AWS")))
    ):
        return False
    if not any(str(a).lower() in ("*", "s3:*") for a in as_list(stmt.get("Action"))):
        return False
    partition = bucket.arn.split(":")[1] if bucket.arn else "aws"
    object_arn = f"arn:{partition}:s3:::{bucket.id}/any-object"
    if not any(fnmatchcase(object_arn, str(r)) for r in as_list(stmt.get("Resource"))):
        return False
    for operator, conditions in (stmt.get("Condition") or {}).items():
        if str(operator).lower() not in ("bool", "boolifexists") or not isinstance(
            conditions, dict
        ):
            continue
        for key, value in conditions.items():
            if key.lower() == "aws:securetransport" and any(
                str(v).lower() == "false" for v in as_list(value)
            ):
                return True
    return False


@check(
    id="s3-bucket-tls-only",
    title="S3 bucket policies deny requests that do not use TLS",
    duty="s3.tls-in-transit",
    severity="medium",
    resource_type=S3Bucket,
    rationale=(
        "S3 accepts plain HTTP unless the bucket policy denies requests where "
        "aws:SecureTransport is false; without it, data and credentials can cross networks unencrypted."
    ),
    cis=("3.1.1",),
    fsbp=("S3.5",),
    remediation=Remediation(
        console=(
            'S3 > bucket > Permissions > Bucket policy > Edit: add {"Sid":"DenyInsecureTransport",'
            '"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::<bucket>",'
            '"arn:aws:s3:::<bucket>/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}.'
        ),
        cli="aws s3api put-bucket-policy --bucket <bucket> --policy file://policy.json  # with the DenyInsecureTransport statement",
        terraform=(
            'data "aws_iam_policy_document" "bucket" {\n  statement {\n'
            '    sid     = "DenyInsecureTransport"\n    effect  = "Deny"\n'
            '    actions = ["s3:*"]\n'
            '    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]\n'
            '    principals {\n      type        = "*"\n      identifiers = ["*"]\n    }\n'
            '    condition {\n      test     = "Bool"\n      variable = "aws:SecureTransport"\n'
            '      values   = ["false"]\n    }\n  }\n}'
        ),
    ),
)
def tls_only(bucket: S3Bucket, inv: Inventory) -> Result | None:
    policy = need(bucket, "policy")
    if not policy:
        return failed(
            f"bucket {bucket.label}: no bucket policy, so plain-HTTP requests are allowed"
        )
    for stmt in statements(policy):
        if _denies_plain_http(stmt, bucket):
            sid = stmt.get("Sid") or "(no Sid)"
            return passed(
                f"bucket {bucket.label}: policy statement {sid} denies requests where aws:SecureTransport is false"
            )
    return failed(
        f"bucket {bucket.label}: no policy statement denies s3:* where aws:SecureTransport is false"
    )


# ---- versioning, MFA delete, lifecycle ----------------------------------------------------------


@check(
    id="s3-bucket-versioning",
    title="S3 buckets keep object versions",
    duty="s3.versioning-lifecycle",
    severity="medium",
    resource_type=S3Bucket,
    rationale="Versioning recovers objects that were overwritten or deleted by mistake or by ransomware.",
    securityhub=("S3.14",),
    remediation=Remediation(
        console="S3 > bucket > Properties > Bucket Versioning > Edit: Enable > Save changes.",
        cli="aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled",
        terraform=(
            'resource "aws_s3_bucket_versioning" "this" {\n  bucket = aws_s3_bucket.this.id\n'
            '  versioning_configuration {\n    status = "Enabled"\n  }\n}'
        ),
    ),
)
def versioning(bucket: S3Bucket, inv: Inventory) -> Result | None:
    status = need(bucket, "versioning")
    if status == "Enabled":
        return passed(f"bucket {bucket.label}: versioning is Enabled")
    if status == "Disabled":
        return failed(f"bucket {bucket.label}: versioning was never enabled")
    return failed(f"bucket {bucket.label}: versioning is {status}")


@check(
    id="s3-bucket-mfa-delete",
    title="S3 buckets require MFA to delete object versions",
    duty="s3.versioning-lifecycle",
    severity="low",
    resource_type=S3Bucket,
    rationale=(
        "MFA delete stops stolen credentials alone from permanently deleting versions or "
        "suspending versioning."
    ),
    cis=("3.1.2",),
    remediation=Remediation(
        console=(
            "Not possible in the console: the root user runs the CLI command with its MFA device "
            "(versioning must be enabled)."
        ),
        cli=(
            "aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration "
            "Status=Enabled,MFADelete=Enabled --mfa 'arn:aws:iam::<account-id>:mfa/root-account-mfa-device <code>'"
        ),
        terraform=(
            'resource "aws_s3_bucket_versioning" "this" {\n  bucket = aws_s3_bucket.this.id\n'
            '  mfa    = "${var.root_mfa_serial} ${var.mfa_code}"\n'
            '  versioning_configuration {\n    status     = "Enabled"\n    mfa_delete = "Enabled"\n  }\n}'
        ),
    ),
)
def mfa_delete(bucket: S3Bucket, inv: Inventory) -> Result | None:
    status = need(bucket, "versioning")
    if need(bucket, "mfa_delete"):
        return passed(f"bucket {bucket.label}: MFA delete is enabled")
    if status != "Enabled":
        return failed(
            f"bucket {bucket.label}: MFA delete is off (versioning is {status}, which it requires)"
        )
    return failed(f"bucket {bucket.label}: MFA delete is off")


@check(
    id="s3-bucket-lifecycle-rules",
    title="S3 buckets have an enabled lifecycle rule",
    duty="s3.versioning-lifecycle",
    severity="low",
    resource_type=S3Bucket,
    rationale=(
        "Lifecycle rules expire or archive data (and old versions) on schedule, so data is not "
        "kept longer than it should be and versioned buckets do not grow without bound."
    ),
    fsbp=("S3.13", "S3.10"),
    remediation=Remediation(
        console="S3 > bucket > Management > Lifecycle rules > Create lifecycle rule: expire or transition current and noncurrent versions.",
        cli=(
            "aws s3api put-bucket-lifecycle-configuration --bucket <bucket> --lifecycle-configuration "
            '\'{"Rules":[{"ID":"expire-old","Status":"Enabled","Filter":{},'
            '"NoncurrentVersionExpiration":{"NoncurrentDays":90},'
            '"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":7}}]}\''
        ),
        terraform=(
            'resource "aws_s3_bucket_lifecycle_configuration" "this" {\n'
            "  bucket = aws_s3_bucket.this.id\n  rule {\n"
            '    id     = "expire-old"\n    status = "Enabled"\n    filter {}\n'
            "    noncurrent_version_expiration {\n      noncurrent_days = 90\n    }\n  }\n}"
        ),
    ),
)
def lifecycle_rules(bucket: S3Bucket, inv: Inventory) -> Result | None:
    rules = need(bucket, "lifecycle_rules")
    enabled = [r for r in rules if r.get("status") == "Enabled"]
    if enabled:
        text = ", ".join(
            f"{r.get('id') or '(no id)'} ({', '.join(r.get('actions') or []) or 'no action'})"
            for r in enabled
        )
        return passed(f"bucket {bucket.label}: enabled lifecycle rule(s): {text}")
    if rules:
        ids = ", ".join(str(r.get("id") or "(no id)") for r in rules)
        return failed(f"bucket {bucket.label}: lifecycle rule(s) {ids} are all disabled")
    return failed(f"bucket {bucket.label}: no lifecycle rules are configured")


# ---- replication --------------------------------------------------------------------------------


def _enabled_replication(bucket: S3Bucket) -> list[dict[str, Any]]:
    return [r for r in bucket.replication_rules or [] if r.get("status") == "Enabled"]


def _replica_targets(inv: Inventory) -> set[str]:
    """Buckets of this account that another scanned bucket replicates into."""
    return inv.derive("s3-replica-targets", lambda: _find_replica_targets(inv))


def _find_replica_targets(inv: Inventory) -> set[str]:
    targets: set[str] = set()
    for other in inv.of(S3Bucket):
        for rule in _enabled_replication(other):
            if rule.get("destination_account") in ("", None, other.account):
                targets.add(str(rule.get("destination_bucket")))
    return targets


@check(
    id="s3-bucket-cross-region-replication",
    title="S3 buckets replicate their objects to another region",
    duty="s3.replication",
    severity="low",
    resource_type=S3Bucket,
    rationale="A copy in another region keeps data recoverable through a regional outage or loss.",
    securityhub=("S3.7",),
    remediation=Remediation(
        console=(
            "S3 > bucket > Management > Replication rules > Create replication rule: destination "
            "bucket in another region (versioning on both), IAM role for S3 replication."
        ),
        cli=(
            "aws s3api put-bucket-replication --bucket <bucket> --replication-configuration "
            '\'{"Role":"<replication-role-arn>","Rules":[{"ID":"crr","Priority":1,"Status":"Enabled",'
            '"Filter":{},"DeleteMarkerReplication":{"Status":"Disabled"},'
            '"Destination":{"Bucket":"arn:aws:s3:::<replica-bucket>"}}]}\''
        ),
        terraform=(
            'resource "aws_s3_bucket_replication_configuration" "this" {\n'
            "  bucket = aws_s3_bucket.this.id\n  role   = aws_iam_role.replication.arn\n"
            '  rule {\n    id     = "crr"\n    status = "Enabled"\n    filter {}\n'
            '    delete_marker_replication {\n      status = "Disabled"\n    }\n'
            "    destination {\n      bucket = aws_s3_bucket.replica.arn  # other region\n    }\n  }\n}"
        ),
    ),
)
def cross_region_replication(bucket: S3Bucket, inv: Inventory) -> Result | None:
    rules = need(bucket, "replication_rules")
    enabled = _enabled_replication(bucket)
    if not enabled:
        if bucket.id in _replica_targets(inv):
            return None  # this bucket is itself the replica of another bucket
        if rules:
            return failed(f"bucket {bucket.label}: its replication rules are all disabled")
        return failed(f"bucket {bucket.label}: no replication rules are configured")
    same: list[str] = []
    unknown: list[str] = []
    home = bucket.region
    if home == "global":
        raise Unknown(f"bucket {bucket.label}: {bucket.why_unknown('region')}")
    for rule in enabled:
        name = str(rule.get("destination_bucket"))
        dest = inv.find(S3Bucket, name)
        foreign = rule.get("destination_account") not in ("", None, bucket.account)
        if dest is None or foreign or dest.region == "global":
            unknown.append(name)
        elif dest.region != home:
            return passed(f"bucket {bucket.label} ({home}): replicates to {name} in {dest.region}")
        else:
            same.append(name)
    if unknown:
        raise Unknown(
            f"bucket {bucket.label}: replicates to {', '.join(unknown)}, whose region is not "
            "known (not among the scanned buckets)"
        )
    return failed(f"bucket {bucket.label}: replicates only within {home} (to {', '.join(same)})")


# ---- logging ------------------------------------------------------------------------------------


@check(
    id="s3-bucket-access-logging",
    title="S3 buckets have server access logging on",
    duty="s3.logging-monitoring",
    severity="medium",
    resource_type=S3Bucket,
    rationale="Server access logs record every request to the bucket for audits and investigations.",
    fsbp=("S3.9",),
    remediation=Remediation(
        console="S3 > bucket > Properties > Server access logging > Edit: Enable, choose a target bucket in the same region.",
        cli=(
            "aws s3api put-bucket-logging --bucket <bucket> --bucket-logging-status "
            '\'{"LoggingEnabled":{"TargetBucket":"<log-bucket>","TargetPrefix":"<bucket>/"}}\''
        ),
        terraform=(
            'resource "aws_s3_bucket_logging" "this" {\n  bucket        = aws_s3_bucket.this.id\n'
            '  target_bucket = aws_s3_bucket.access_logs.id\n  target_prefix = "${aws_s3_bucket.this.id}/"\n}'
        ),
    ),
)
def access_logging(bucket: S3Bucket, inv: Inventory) -> Result | None:
    if need(bucket, "logging_enabled"):
        return passed(
            f"bucket {bucket.label}: server access logs go to bucket {bucket.logging_target_bucket}"
        )
    return failed(f"bucket {bucket.label}: server access logging is off")
