"""S3 checks, proven both ways on moto.

moto gap: GetBucketVersioning never returns MFADelete (moto 5.2.5 accepts MFADelete=Enabled and
drops it), so the MFA-delete PASS case answers that one call with a real response shape
(validated by botocore's Stubber) through a before-call hook on the bucket's S3 client.
"""

from __future__ import annotations

import json
import time
from typing import Any

import botocore.client
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from demarcate.checks.registry import Status
from demarcate.demo import DEMO_ACCOUNT
from demarcate.resources.base import Inventory
from demarcate.resources.s3 import ALL_USERS_URI, S3AccountPublicAccessBlock, S3Bucket

ORIGINAL = botocore.client.BaseClient._make_api_call
SERVICES = ["s3"]
OTHER_ACCOUNT = "210987654321"
PAB_ON = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def _bucket(session, name: str, region: str = "us-east-1") -> Any:
    s3 = session.client("s3", region_name=region)
    kwargs: dict[str, Any] = {"Bucket": name}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**kwargs)
    return s3


def _policy(session, name: str, *stmts: dict[str, Any]) -> None:
    session.client("s3").put_bucket_policy(
        Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": list(stmts)})
    )


def _account_pab(session, **flags: bool) -> None:
    session.client("s3control").put_public_access_block(
        AccountId=DEMO_ACCOUNT, PublicAccessBlockConfiguration={**PAB_ON, **flags}
    )


def _deny(monkeypatch, operation: str, service: str = "s3") -> None:
    def fake(self, operation_name, api_params):
        if operation_name == operation and self.meta.service_model.service_name == service:
            raise ClientError(
                {
                    "Error": {"Code": "AccessDenied", "Message": "Access Denied"},
                    "ResponseMetadata": {"HTTPStatusCode": 403},
                },
                operation_name,
            )
        return ORIGINAL(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", fake)


# ---- Block Public Access ------------------------------------------------------------------------


def test_account_public_access_block_absent_partial_and_on(aws, scan):
    absent = scan(aws, services=SERVICES).one("s3-account-public-access-block", DEMO_ACCOUNT)
    assert absent.status is Status.FAIL
    assert absent.evidence == (
        f"account {DEMO_ACCOUNT}: no account-level S3 public access block is configured"
    )
    assert absent.duty_id == "s3.bucket-policies-acls"

    _account_pab(aws, RestrictPublicBuckets=False)
    partial = scan(aws, services=SERVICES).one("s3-account-public-access-block", DEMO_ACCOUNT)
    assert partial.status is Status.FAIL
    assert partial.evidence == f"account {DEMO_ACCOUNT}: RestrictPublicBuckets off at account level"

    _account_pab(aws)
    on = scan(aws, services=SERVICES).one("s3-account-public-access-block", DEMO_ACCOUNT)
    assert on.status is Status.PASS
    assert "all four account-level public access block settings are on" in on.evidence


def test_bucket_public_access_block_bucket_and_account_level(aws, scan):
    _bucket(aws, "locked").put_public_access_block(
        Bucket="locked", PublicAccessBlockConfiguration=PAB_ON
    )
    _bucket(aws, "half").put_public_access_block(
        Bucket="half",
        PublicAccessBlockConfiguration={**PAB_ON, "IgnorePublicAcls": False},
    )
    _bucket(aws, "open")
    result = scan(aws, services=SERVICES)
    locked = result.one("s3-bucket-public-access-block", "locked")
    assert locked.status is Status.PASS
    assert locked.evidence == (
        "bucket locked: all four public access block settings are on (bucket level)"
    )
    half = result.one("s3-bucket-public-access-block", "half")
    assert half.status is Status.FAIL
    assert half.evidence == "bucket half: IgnorePublicAcls off at both bucket and account level"
    opened = result.one("s3-bucket-public-access-block", "open")
    assert opened.status is Status.FAIL
    assert "BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets" in (
        opened.evidence
    )

    _account_pab(aws)  # the account-level setting covers every bucket
    covered = scan(aws, services=SERVICES).one("s3-bucket-public-access-block", "open")
    assert covered.status is Status.PASS
    assert covered.evidence == (
        "bucket open: all four public access block settings are on (account level)"
    )


# ---- ACLs and bucket policies -------------------------------------------------------------------


def test_public_acl_grants_fail_private_passes(aws, scan):
    _bucket(aws, "private-acl")
    everyone = f'uri="{ALL_USERS_URI}"'  # moto's canned public-read-write grants READ only
    _bucket(aws, "public-acl").put_bucket_acl(
        Bucket="public-acl", GrantRead=everyone, GrantWrite=everyone
    )
    _bucket(aws, "authn-acl").put_bucket_acl(Bucket="authn-acl", ACL="authenticated-read")
    result = scan(aws, services=SERVICES)
    ok = result.one("s3-bucket-no-public-acl-grants", "private-acl")
    assert ok.status is Status.PASS
    assert ok.evidence == "bucket private-acl: no ACL grant to AllUsers or AuthenticatedUsers"
    bad = result.one("s3-bucket-no-public-acl-grants", "public-acl")
    assert bad.status is Status.FAIL
    assert bad.evidence == "bucket public-acl: ACL grants READ to AllUsers, WRITE to AllUsers"
    authn = result.one("s3-bucket-no-public-acl-grants", "authn-acl")
    assert authn.status is Status.FAIL
    assert authn.evidence == "bucket authn-acl: ACL grants READ to AuthenticatedUsers"
    assert result.inv.find(S3Bucket, "public-acl").is_public(result.inv) is True
    assert result.inv.find(S3Bucket, "private-acl").is_public(result.inv) is False


def test_public_acl_neutralised_by_ignore_public_acls(aws, scan):
    s3 = _bucket(aws, "ignored-acl")
    s3.put_bucket_acl(Bucket="ignored-acl", ACL="public-read")
    s3.put_public_access_block(
        Bucket="ignored-acl",
        PublicAccessBlockConfiguration={"IgnorePublicAcls": True},
    )
    _bucket(aws, "account-ignored").put_bucket_acl(Bucket="account-ignored", ACL="public-read")
    _account_pab(aws, BlockPublicAcls=False, BlockPublicPolicy=False, RestrictPublicBuckets=False)
    result = scan(aws, services=SERVICES)
    bucket_level = result.one("s3-bucket-no-public-acl-grants", "ignored-acl")
    assert bucket_level.status is Status.PASS
    assert bucket_level.evidence == (
        "bucket ignored-acl: ACL grants READ to AllUsers but IgnorePublicAcls (bucket level) "
        "neutralises it"
    )
    account_level = result.one("s3-bucket-no-public-acl-grants", "account-ignored")
    assert account_level.status is Status.PASS
    assert "IgnorePublicAcls (account level)" in account_level.evidence
    assert result.inv.find(S3Bucket, "account-ignored").is_public(result.inv) is False


def test_open_policy_fails_conditioned_and_service_principals_pass(aws, scan):
    _bucket(aws, "open-policy")
    _policy(
        aws,
        "open-policy",
        {
            "Sid": "AnyoneMayRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::open-policy/*",
        },
    )
    _bucket(aws, "org-policy")
    _policy(
        aws,
        "org-policy",
        {
            "Sid": "OrgOnly",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::org-policy/*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
        },
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::org-policy/*",
        },
    )
    _bucket(aws, "no-policy")
    result = scan(aws, services=SERVICES)
    bad = result.one("s3-bucket-policy-not-public", "open-policy")
    assert bad.status is Status.FAIL
    assert bad.evidence == (
        "bucket open-policy: policy statement(s) AnyoneMayRead allow any principal (s3:GetObject)"
    )
    assert bad.severity == "critical"
    org = result.one("s3-bucket-policy-not-public", "org-policy")
    assert org.status is Status.PASS
    assert org.evidence == "bucket org-policy: no policy statement allows any principal"
    assert result.one("s3-bucket-policy-not-public", "no-policy").status is Status.PASS
    assert result.inv.find(S3Bucket, "open-policy").is_public(result.inv) is True


def test_open_policy_neutralised_by_account_restrict_public_buckets(aws, scan):
    _bucket(aws, "restricted")
    _policy(
        aws,
        "restricted",
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::restricted/*",
        },
    )
    _account_pab(aws, BlockPublicPolicy=False)
    result = scan(aws, services=SERVICES)
    finding = result.one("s3-bucket-policy-not-public", "restricted")
    assert finding.status is Status.PASS
    assert finding.evidence == (
        "bucket restricted: policy statement(s) (no Sid) allow any principal but "
        "RestrictPublicBuckets (account level) neutralises it"
    )
    bucket = result.inv.find(S3Bucket, "restricted")
    assert bucket.is_public(result.inv) is False


def test_is_public_unknown_and_iac_without_account_block():
    """is_public is None while the data it needs is unknown; an IaC inventory without the
    account-level block is judged on the bucket alone."""
    live = Inventory(source="aws", account=DEMO_ACCOUNT)
    bucket = S3Bucket(
        id="b",
        acl_grants=[{"grantee_type": "Group", "grantee_uri": ALL_USERS_URI, "permission": "READ"}],
        policy={},
        ignore_public_acls=False,
        restrict_public_buckets=False,
    )
    live.add(bucket)
    assert bucket.is_public(live) is None  # the account-level block was not read
    assert "account-level public access block was not read" in bucket.public_reason(live)
    block = S3AccountPublicAccessBlock(id=f"s3-account-pab:{DEMO_ACCOUNT}")
    block.mark_unknown("s3:GetAccountPublicAccessBlock denied", "ignore_public_acls")
    live.add(block)
    assert bucket.is_public(live) is None
    assert "s3:GetAccountPublicAccessBlock denied" in bucket.public_reason(live)
    block.ignore_public_acls = True
    assert bucket.is_public(live) is False

    iac = Inventory(source="terraform")
    bucket2 = bucket.model_copy()
    iac.add(bucket2)
    assert bucket2.is_public(iac) is True
    unknown = S3Bucket(id="u", policy={}, ignore_public_acls=False, restrict_public_buckets=False)
    unknown.mark_unknown("s3:GetBucketAcl denied", "acl_grants")
    iac.add(unknown)
    assert unknown.is_public(iac) is None


def test_cross_account_policy_admin_fails_data_access_passes(aws, scan):
    _bucket(aws, "partner-admin")
    _policy(
        aws,
        "partner-admin",
        {
            "Sid": "PartnerAll",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::partner-admin", "arn:aws:s3:::partner-admin/*"],
        },
    )
    _bucket(aws, "partner-read")
    _policy(
        aws,
        "partner-read",
        {
            "Sid": "PartnerRead",
            "Effect": "Allow",
            "Principal": {"AWS": [OTHER_ACCOUNT]},
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::partner-read", "arn:aws:s3:::partner-read/*"],
        },
        {
            "Sid": "OwnAdmin",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{DEMO_ACCOUNT}:role/admin"},
            "Action": "s3:PutBucketPolicy",
            "Resource": "arn:aws:s3:::partner-read",
        },
    )
    result = scan(aws, services=SERVICES)
    bad = result.one("s3-bucket-policy-no-cross-account-admin", "partner-admin")
    assert bad.status is Status.FAIL
    assert bad.evidence == (
        f"bucket partner-admin: statement PartnerAll lets account {OTHER_ACCOUNT} "
        "s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutBucketPolicy, "
        "s3:PutEncryptionConfiguration, s3:PutObjectAcl"
    )
    ok = result.one("s3-bucket-policy-no-cross-account-admin", "partner-read")
    assert ok.status is Status.PASS
    assert "no statement lets another account" in ok.evidence


def test_acls_disabled_enforced_passes_object_writer_fails(aws, scan):
    _bucket(aws, "enforced").put_bucket_ownership_controls(
        Bucket="enforced",
        OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
    )
    _bucket(aws, "writer").put_bucket_ownership_controls(
        Bucket="writer", OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    _bucket(aws, "legacy")
    result = scan(aws, services=SERVICES)
    ok = result.one("s3-bucket-acls-disabled", "enforced")
    assert ok.status is Status.PASS
    assert ok.evidence == "bucket enforced: ACLs are disabled (BucketOwnerEnforced)"
    writer = result.one("s3-bucket-acls-disabled", "writer")
    assert writer.status is Status.FAIL
    assert (
        writer.evidence == "bucket writer: Object Ownership is ObjectWriter, so ACLs are in effect"
    )
    legacy = result.one("s3-bucket-acls-disabled", "legacy")
    assert legacy.status is Status.FAIL
    assert "no Object Ownership setting" in legacy.evidence


def test_acl_grant_ignored_when_acls_disabled(aws, scan):
    """With BucketOwnerEnforced, S3 ignores ACLs: a leftover public grant is not exposure."""
    s3 = _bucket(aws, "enforced-public")
    s3.put_bucket_acl(Bucket="enforced-public", ACL="public-read")
    s3.put_bucket_ownership_controls(
        Bucket="enforced-public",
        OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
    )
    finding = scan(aws, services=SERVICES).one("s3-bucket-no-public-acl-grants", "enforced-public")
    assert finding.status is Status.PASS
    assert "ACLs are disabled (BucketOwnerEnforced)" in finding.evidence


# ---- encryption ---------------------------------------------------------------------------------


def _sse(session, name: str, algorithm: str, key: str | None = None) -> None:
    default: dict[str, Any] = {"SSEAlgorithm": algorithm}
    if key:
        default["KMSMasterKeyID"] = key
    session.client("s3").put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": True}]
        },
    )


def test_default_and_kms_encryption(aws, scan):
    key = aws.client("kms").create_key(Description="s3", MultiRegion=False)["KeyMetadata"]["Arn"]
    _bucket(aws, "kms-bucket")
    _sse(aws, "kms-bucket", "aws:kms", key)
    _bucket(aws, "sse-s3-bucket")
    _sse(aws, "sse-s3-bucket", "AES256")
    _bucket(aws, "plain-bucket")
    result = scan(aws, services=SERVICES)

    assert result.one("s3-bucket-default-encryption", "kms-bucket").status is Status.PASS
    sse_s3 = result.one("s3-bucket-default-encryption", "sse-s3-bucket")
    assert sse_s3.status is Status.PASS
    assert sse_s3.evidence == "bucket sse-s3-bucket: default encryption is AES256 (SSE-S3)"
    plain = result.one("s3-bucket-default-encryption", "plain-bucket")
    assert plain.status is Status.FAIL
    assert plain.evidence == "bucket plain-bucket: no default encryption is configured"

    kms = result.one("s3-bucket-kms-encryption", "kms-bucket")
    assert kms.status is Status.PASS
    assert kms.evidence == f"bucket kms-bucket: default encryption is aws:kms with {key}"
    not_kms = result.one("s3-bucket-kms-encryption", "sse-s3-bucket")
    assert not_kms.status is Status.FAIL
    assert not_kms.evidence == (
        "bucket sse-s3-bucket: default encryption is AES256 (SSE-S3), not a KMS key"
    )
    assert not_kms.severity == "low"
    assert result.one("s3-bucket-kms-encryption", "plain-bucket").status is Status.FAIL
    bucket = result.inv.find(S3Bucket, "kms-bucket")
    assert bucket.kms_key_id == key and bucket.bucket_key_enabled is True


# ---- TLS ----------------------------------------------------------------------------------------


def _tls_statement(name: str, value: str = "false", action: str = "s3:*") -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": action,
        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": value}},
    }


def test_tls_only_policy(aws, scan):
    _bucket(aws, "tls-only")
    _policy(aws, "tls-only", _tls_statement("tls-only"))
    _bucket(aws, "wrong-value")
    _policy(aws, "wrong-value", _tls_statement("wrong-value", value="true"))
    _bucket(aws, "one-action")
    _policy(aws, "one-action", _tls_statement("one-action", action="s3:PutObject"))
    _bucket(aws, "no-policy")
    result = scan(aws, services=SERVICES)
    ok = result.one("s3-bucket-tls-only", "tls-only")
    assert ok.status is Status.PASS
    assert ok.evidence == (
        "bucket tls-only: policy statement DenyInsecureTransport denies requests where "
        "aws:SecureTransport is false"
    )
    for name in ("wrong-value", "one-action"):
        bad = result.one("s3-bucket-tls-only", name)
        assert bad.status is Status.FAIL
        assert bad.evidence == (
            f"bucket {name}: no policy statement denies s3:* where aws:SecureTransport is false"
        )
    none = result.one("s3-bucket-tls-only", "no-policy")
    assert none.status is Status.FAIL
    assert none.evidence == "bucket no-policy: no bucket policy, so plain-HTTP requests are allowed"
    assert none.duty_id == "s3.tls-in-transit"


# ---- versioning, MFA delete, lifecycle ----------------------------------------------------------


def test_versioning_enabled_suspended_never(aws, scan):
    _bucket(aws, "versioned").put_bucket_versioning(
        Bucket="versioned", VersioningConfiguration={"Status": "Enabled"}
    )
    s3 = _bucket(aws, "suspended")
    s3.put_bucket_versioning(Bucket="suspended", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_versioning(Bucket="suspended", VersioningConfiguration={"Status": "Suspended"})
    _bucket(aws, "never")
    result = scan(aws, services=SERVICES)
    ok = result.one("s3-bucket-versioning", "versioned")
    assert ok.status is Status.PASS
    assert ok.evidence == "bucket versioned: versioning is Enabled"
    suspended = result.one("s3-bucket-versioning", "suspended")
    assert suspended.status is Status.FAIL
    assert suspended.evidence == "bucket suspended: versioning is Suspended"
    never = result.one("s3-bucket-versioning", "never")
    assert never.status is Status.FAIL
    assert never.evidence == "bucket never: versioning was never enabled"


def test_mfa_delete_pass_via_stub_and_fail(aws, scan):
    """moto never returns MFADelete: the PASS case answers GetBucketVersioning for bucket
    "vault" (eu-west-1 client) with a real response shape; "plain" is read from moto."""
    _bucket(aws, "vault", region="eu-west-1").put_bucket_versioning(
        Bucket="vault", VersioningConfiguration={"Status": "Enabled"}
    )
    _bucket(aws, "plain").put_bucket_versioning(
        Bucket="plain", VersioningConfiguration={"Status": "Enabled"}
    )
    _bucket(aws, "unversioned")
    answer = {"Status": "Enabled", "MFADelete": "Enabled"}

    def prepare(ctx):
        cli = ctx.client("s3", "eu-west-1")
        Stubber(cli).add_response("get_bucket_versioning", answer, {"Bucket": "vault"})

        def versioning(**_):  # only "vault" lives in eu-west-1, so only it uses this client
            return AWSResponse(None, 200, {}, None), dict(answer)

        cli.meta.events.register_first("before-call.s3.GetBucketVersioning", versioning)

    result = scan(aws, services=SERVICES, prepare=prepare)
    ok = result.one("s3-bucket-mfa-delete", "vault")
    assert ok.status is Status.PASS
    assert ok.evidence == "bucket vault: MFA delete is enabled"
    off = result.one("s3-bucket-mfa-delete", "plain")
    assert off.status is Status.FAIL
    assert off.evidence == "bucket plain: MFA delete is off"
    unversioned = result.one("s3-bucket-mfa-delete", "unversioned")
    assert unversioned.status is Status.FAIL
    assert unversioned.evidence == (
        "bucket unversioned: MFA delete is off (versioning is Disabled, which it requires)"
    )


def test_lifecycle_rules(aws, scan):
    _bucket(aws, "tidy").put_bucket_lifecycle_configuration(
        Bucket="tidy",
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "expire",
                    "Status": "Enabled",
                    "Filter": {"Prefix": "tmp/"},
                    "Expiration": {"Days": 30},
                }
            ]
        },
    )
    _bucket(aws, "paused").put_bucket_lifecycle_configuration(
        Bucket="paused",
        LifecycleConfiguration={
            "Rules": [{"ID": "old", "Status": "Disabled", "Filter": {}, "Expiration": {"Days": 30}}]
        },
    )
    _bucket(aws, "forever")
    result = scan(aws, services=SERVICES)
    ok = result.one("s3-bucket-lifecycle-rules", "tidy")
    assert ok.status is Status.PASS
    assert ok.evidence == "bucket tidy: enabled lifecycle rule(s): expire (expiration)"
    paused = result.one("s3-bucket-lifecycle-rules", "paused")
    assert paused.status is Status.FAIL
    assert paused.evidence == "bucket paused: lifecycle rule(s) old are all disabled"
    forever = result.one("s3-bucket-lifecycle-rules", "forever")
    assert forever.status is Status.FAIL
    assert forever.evidence == "bucket forever: no lifecycle rules are configured"


# ---- replication --------------------------------------------------------------------------------


def _replicate(session, source: str, dest: str) -> None:
    session.client("s3").put_bucket_replication(
        Bucket=source,
        ReplicationConfiguration={
            "Role": f"arn:aws:iam::{DEMO_ACCOUNT}:role/replication",
            "Rules": [
                {
                    "ID": f"to-{dest}",
                    "Priority": 1,
                    "Status": "Enabled",
                    "Filter": {},
                    "DeleteMarkerReplication": {"Status": "Disabled"},
                    "Destination": {"Bucket": f"arn:aws:s3:::{dest}"},
                }
            ],
        },
    )


def test_cross_region_replication(aws, scan):
    for name, region in (
        ("primary", "us-east-1"),
        ("dr-copy", "eu-west-1"),
        ("local-src", "us-east-1"),
        ("local-copy", "us-east-1"),
        ("elsewhere-src", "us-east-1"),
    ):
        _bucket(aws, name, region).put_bucket_versioning(
            Bucket=name, VersioningConfiguration={"Status": "Enabled"}
        )
    _bucket(aws, "lonely")
    _replicate(aws, "primary", "dr-copy")
    _replicate(aws, "local-src", "local-copy")
    _replicate(aws, "elsewhere-src", "not-scanned-bucket")
    result = scan(aws, services=SERVICES)
    ok = result.one("s3-bucket-cross-region-replication", "primary")
    assert ok.status is Status.PASS
    assert ok.evidence == "bucket primary (us-east-1): replicates to dr-copy in eu-west-1"
    same = result.one("s3-bucket-cross-region-replication", "local-src")
    assert same.status is Status.FAIL
    assert same.evidence == "bucket local-src: replicates only within us-east-1 (to local-copy)"
    lonely = result.one("s3-bucket-cross-region-replication", "lonely")
    assert lonely.status is Status.FAIL
    assert lonely.evidence == "bucket lonely: no replication rules are configured"
    unknown = result.one("s3-bucket-cross-region-replication", "elsewhere-src")
    assert unknown.status is Status.UNKNOWN
    assert "not-scanned-bucket, whose region is not known" in unknown.evidence
    # replicas are not asked to replicate again
    replicas = [
        f
        for f in result.for_check("s3-bucket-cross-region-replication")
        if f.resource_name in ("dr-copy", "local-copy")
    ]
    assert replicas == []
    assert result.inv.find(S3Bucket, "dr-copy").region == "eu-west-1"


# ---- logging ------------------------------------------------------------------------------------


def test_access_logging(aws, scan):
    _bucket(aws, "access-logs")
    _policy(
        aws,
        "access-logs",
        {
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::access-logs/*",
        },
    )
    _bucket(aws, "logged").put_bucket_logging(
        Bucket="logged",
        BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": "access-logs", "TargetPrefix": "logged/"}
        },
    )
    _bucket(aws, "silent")
    result = scan(aws, services=SERVICES)
    ok = result.one("s3-bucket-access-logging", "logged")
    assert ok.status is Status.PASS
    assert ok.evidence == "bucket logged: server access logs go to bucket access-logs"
    bad = result.one("s3-bucket-access-logging", "silent")
    assert bad.status is Status.FAIL
    assert bad.evidence == "bucket silent: server access logging is off"
    assert bad.duty_id == "s3.logging-monitoring"


# ---- faults -------------------------------------------------------------------------------------


def test_denied_bucket_policy_is_unknown_not_pass(aws, scan, monkeypatch):
    _bucket(aws, "secret-policy")
    _deny(monkeypatch, "GetBucketPolicy")
    result = scan(aws, services=SERVICES)
    for check_id in (
        "s3-bucket-policy-not-public",
        "s3-bucket-tls-only",
        "s3-bucket-policy-no-cross-account-admin",
    ):
        finding = result.one(check_id, "secret-policy")
        assert finding.status is Status.UNKNOWN, check_id
        assert "s3:GetBucketPolicy denied" in finding.evidence
    bucket = result.inv.find(S3Bucket, "secret-policy")
    assert bucket.is_public(result.inv) is None
    # the rest of the bucket is still judged
    assert result.one("s3-bucket-versioning", "secret-policy").status is Status.FAIL


def test_denied_bucket_public_access_block_names_bucket_action(aws, scan, monkeypatch):
    _bucket(aws, "hidden-pab")
    _deny(monkeypatch, "GetPublicAccessBlock", service="s3")
    result = scan(aws, services=SERVICES)
    finding = result.one("s3-bucket-public-access-block", "hidden-pab")
    assert finding.status is Status.UNKNOWN
    assert "s3:GetBucketPublicAccessBlock denied" in finding.evidence
    account = result.one("s3-account-public-access-block", DEMO_ACCOUNT)
    assert account.status is Status.FAIL  # the s3control call was not denied


def test_denied_account_public_access_block_is_unknown(aws, scan, monkeypatch):
    _bucket(aws, "bare-bucket")
    _bucket(aws, "locked-bucket").put_public_access_block(
        Bucket="locked-bucket", PublicAccessBlockConfiguration=PAB_ON
    )
    _deny(monkeypatch, "GetPublicAccessBlock", service="s3control")
    result = scan(aws, services=SERVICES)
    account = result.one("s3-account-public-access-block", DEMO_ACCOUNT)
    assert account.status is Status.UNKNOWN
    assert "s3:GetAccountPublicAccessBlock denied" in account.evidence
    bucket = result.one("s3-bucket-public-access-block", "bare-bucket")
    assert bucket.status is Status.UNKNOWN  # off at bucket level, account level unknown
    assert bucket.evidence == (
        "bucket bare-bucket: cannot tell BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, "
        "RestrictPublicBuckets: s3:GetAccountPublicAccessBlock denied (AccessDenied): "
        "grant s3:GetAccountPublicAccessBlock to the scanning role"
    )
    assert result.one("s3-bucket-public-access-block", "locked-bucket").status is Status.PASS


def test_denied_listing_is_unknown(aws, scan, monkeypatch):
    _bucket(aws, "unlisted")
    _deny(monkeypatch, "ListBuckets")
    result = scan(aws, services=SERVICES)
    finding = result.one("s3-bucket-versioning", "s3.bucket:global")
    assert finding.status is Status.UNKNOWN
    assert "s3:ListAllMyBuckets denied" in finding.evidence
    assert [f for f in result.findings if f.resource_name == "unlisted"] == []


# ---- demo seed ----------------------------------------------------------------------------------


def test_demo_seed_plants_and_passes(aws, scan):
    from demarcate.demo import seed_s3

    started = time.monotonic()
    seed_s3.seed(aws, ["us-east-1", "eu-west-1"])
    assert time.monotonic() - started < 5
    result = scan(aws, services=SERVICES)
    secure = [f for f in result.findings if f.resource_name == "demo-secure-data"]
    not_passing = {f.check_id for f in secure if f.status is not Status.PASS}
    assert not_passing == {"s3-bucket-mfa-delete"}  # moto cannot express MFA delete
    expect_fail = {
        ("s3-account-public-access-block", DEMO_ACCOUNT),
        ("s3-bucket-no-public-acl-grants", "demo-public-assets"),
        ("s3-bucket-public-access-block", "demo-public-assets"),
        ("s3-bucket-policy-not-public", "demo-shared-reports"),
        ("s3-bucket-policy-no-cross-account-admin", "demo-shared-reports"),
        ("s3-bucket-default-encryption", "demo-scratch"),
        ("s3-bucket-versioning", "demo-scratch"),
        ("s3-bucket-access-logging", "demo-cloudtrail-open-logs"),
        ("s3-bucket-kms-encryption", "demo-access-logs"),
    }
    for check_id, resource in expect_fail:
        assert result.one(check_id, resource).status is Status.FAIL, (check_id, resource)
    inv = result.inv
    assert inv.find(S3Bucket, "demo-cloudtrail-open-logs").is_public(inv) is True
    trail_bucket = inv.find(S3Bucket, "demo-cloudtrail-logs")
    assert trail_bucket.is_public(inv) is False
    assert trail_bucket.logging_enabled is True
    assert all(f.status is not Status.UNKNOWN for f in result.findings)
