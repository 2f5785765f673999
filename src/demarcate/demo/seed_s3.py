"""Demo S3 buckets.

Compliant: "demo-secure-data" (Block Public Access on, ACLs disabled, SSE-KMS, TLS-only policy,
versioning, access logs to "demo-access-logs", a lifecycle rule, replication to
"demo-secure-data-replica" in the second region) and "demo-cloudtrail-logs" (the private,
access-logged bucket the CloudTrail seed points its trail at).

Planted: the account-level Block Public Access is left off; "demo-public-assets" has a
public-read ACL and no Block Public Access; "demo-shared-reports" has a policy open to "*" and
lets another account rewrite the bucket policy; "demo-scratch" has no default encryption,
versioning, logging or lifecycle rule; "demo-access-logs" uses SSE-S3 rather than KMS;
"demo-cloudtrail-open-logs" (for the CloudTrail seed) is public-read and not access-logged.

moto cannot express MFA delete: GetBucketVersioning never returns MFADelete, so every bucket
reads as MFA delete off (the compliant case is covered by a stubbed test instead).
"""

from __future__ import annotations

import json
from typing import Any

import boto3

from demarcate.demo import DEMO_ACCOUNT

ORDER = 15

SECURE = "demo-secure-data"
REPLICA = "demo-secure-data-replica"
ACCESS_LOGS = "demo-access-logs"
PUBLIC_ASSETS = "demo-public-assets"
SHARED_REPORTS = "demo-shared-reports"
SCRATCH = "demo-scratch"
TRAIL_LOGS = "demo-cloudtrail-logs"
TRAIL_OPEN_LOGS = "demo-cloudtrail-open-logs"
PARTNER_ACCOUNT = "210987654321"

_PAB_ON = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def _create(s3: Any, name: str, region: str) -> None:
    kwargs: dict[str, Any] = {"Bucket": name}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**kwargs)


def _deny_plain_http(name: str) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _policy(*stmts: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(stmts)})


def _sse_kms(key_arn: str) -> dict[str, Any]:
    return {
        "Rules": [
            {
                "ApplyServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "aws:kms",
                    "KMSMasterKeyID": key_arn,
                },
                "BucketKeyEnabled": True,
            }
        ]
    }


def _harden(s3: Any, name: str) -> None:
    """Block Public Access on and ACLs disabled."""
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=_PAB_ON)
    s3.put_bucket_ownership_controls(
        Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )


def _log_to_access_logs(s3: Any, name: str) -> None:
    s3.put_bucket_logging(
        Bucket=name,
        BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": ACCESS_LOGS, "TargetPrefix": f"{name}/"}
        },
    )


def _replication_role(session: boto3.Session) -> str:
    iam = session.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    return iam.create_role(
        RoleName="demo-s3-replication", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]


def seed(session: boto3.Session, regions: list[str]) -> None:
    home = regions[0]
    other = next(
        (r for r in regions[1:] if r != home), "eu-west-1" if home != "eu-west-1" else "us-east-1"
    )
    s3 = session.client("s3", region_name=home)
    s3_other = session.client("s3", region_name=other)

    # Access-log target: private, S3 log delivery allowed, logs expire; SSE-S3 only (planted).
    _create(s3, ACCESS_LOGS, home)
    _harden(s3, ACCESS_LOGS)
    s3.put_bucket_policy(
        Bucket=ACCESS_LOGS,
        Policy=_policy(
            {
                "Sid": "S3ServerAccessLogs",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{ACCESS_LOGS}/*",
                "Condition": {"StringEquals": {"aws:SourceAccount": DEMO_ACCOUNT}},
            },
            _deny_plain_http(ACCESS_LOGS),
        ),
    )
    s3.put_bucket_encryption(
        Bucket=ACCESS_LOGS,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=ACCESS_LOGS,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "expire-logs",
                    "Status": "Enabled",
                    "Filter": {},
                    "Expiration": {"Days": 365},
                }
            ]
        },
    )

    # Compliant data bucket and its replica in the second region.
    kms = session.client("kms", region_name=home)
    key_arn = kms.create_key(Description="demo-s3-data-key", MultiRegion=False)["KeyMetadata"][
        "Arn"
    ]
    kms.enable_key_rotation(KeyId=key_arn)
    _create(s3, SECURE, home)
    _create(s3_other, REPLICA, other)
    for client, name in ((s3, SECURE), (s3_other, REPLICA)):
        _harden(client, name)
        client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        client.put_bucket_policy(Bucket=name, Policy=_policy(_deny_plain_http(name)))
    other_key = session.client("kms", region_name=other).create_key(
        Description="demo-s3-replica-key", MultiRegion=False
    )["KeyMetadata"]["Arn"]
    session.client("kms", region_name=other).enable_key_rotation(KeyId=other_key)
    for client, name, key in ((s3, SECURE, key_arn), (s3_other, REPLICA, other_key)):
        client.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration=_sse_kms(key))
    _log_to_access_logs(s3, SECURE)
    s3.put_bucket_lifecycle_configuration(
        Bucket=SECURE,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "tidy-versions",
                    "Status": "Enabled",
                    "Filter": {},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 90},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                }
            ]
        },
    )
    s3.put_bucket_replication(
        Bucket=SECURE,
        ReplicationConfiguration={
            "Role": _replication_role(session),
            "Rules": [
                {
                    "ID": "to-replica",
                    "Priority": 1,
                    "Status": "Enabled",
                    "Filter": {},
                    "DeleteMarkerReplication": {"Status": "Disabled"},
                    "Destination": {"Bucket": f"arn:aws:s3:::{REPLICA}"},
                }
            ],
        },
    )

    # Planted: public-read ACL, no Block Public Access, ACLs in effect.
    _create(s3, PUBLIC_ASSETS, home)
    s3.put_bucket_ownership_controls(
        Bucket=PUBLIC_ASSETS, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    s3.put_bucket_acl(Bucket=PUBLIC_ASSETS, ACL="public-read")

    # Planted: policy open to "*", and a partner account that may rewrite the bucket policy.
    _create(s3, SHARED_REPORTS, home)
    s3.put_bucket_policy(
        Bucket=SHARED_REPORTS,
        Policy=_policy(
            {
                "Sid": "AnyoneMayRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{SHARED_REPORTS}/*",
            },
            {
                "Sid": "PartnerAdmin",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{PARTNER_ACCOUNT}:root"},
                "Action": ["s3:GetObject", "s3:PutBucketPolicy"],
                "Resource": [f"arn:aws:s3:::{SHARED_REPORTS}", f"arn:aws:s3:::{SHARED_REPORTS}/*"],
            },
        ),
    )

    # Planted: no default encryption, versioning, logging or lifecycle.
    _create(s3, SCRATCH, home)
    _harden(s3, SCRATCH)

    # CloudTrail delivery bucket (the CloudTrail seed points demo-org-trail at it).
    _create(s3, TRAIL_LOGS, home)
    _harden(s3, TRAIL_LOGS)
    s3.put_bucket_policy(
        Bucket=TRAIL_LOGS,
        Policy=_policy(
            {
                "Sid": "CloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": f"arn:aws:s3:::{TRAIL_LOGS}",
            },
            {
                "Sid": "CloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{TRAIL_LOGS}/AWSLogs/{DEMO_ACCOUNT}/*",
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
            },
            _deny_plain_http(TRAIL_LOGS),
        ),
    )
    s3.put_bucket_versioning(Bucket=TRAIL_LOGS, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(Bucket=TRAIL_LOGS, ServerSideEncryptionConfiguration=_sse_kms(key_arn))
    _log_to_access_logs(s3, TRAIL_LOGS)

    # Planted for CloudTrail: a public-read trail bucket without access logging.
    _create(s3, TRAIL_OPEN_LOGS, home)
    s3.put_bucket_ownership_controls(
        Bucket=TRAIL_OPEN_LOGS, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    s3.put_bucket_acl(Bucket=TRAIL_OPEN_LOGS, ACL="public-read")
    s3.put_bucket_policy(
        Bucket=TRAIL_OPEN_LOGS,
        Policy=_policy(
            {
                "Sid": "CloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": f"arn:aws:s3:::{TRAIL_OPEN_LOGS}",
            },
            {
                "Sid": "CloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{TRAIL_OPEN_LOGS}/AWSLogs/{DEMO_ACCOUNT}/*",
            },
        ),
    )
