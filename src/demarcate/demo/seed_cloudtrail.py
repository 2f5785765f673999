"""Demo CloudTrail: a compliant multi-region trail "demo-org-trail" (log file validation, KMS,
CloudWatch Logs group with 1-year retention and KMS, S3 data events for every bucket) writing
to the private bucket "demo-cloudtrail-logs"; and a planted single-region "demo-legacy-trail"
without validation, KMS or CloudWatch Logs, writing to the public "demo-cloudtrail-open-logs".

The buckets come from the S3 seed (ORDER 15); they are created here only when missing (then the
private one gets server access logging and the open one a public-read policy)."""

from __future__ import annotations

import json
from typing import Any

import boto3
from botocore.exceptions import ClientError

from demarcate.demo import DEMO_ACCOUNT

ORDER = 50

TRAIL_LOG_GROUP = "demo-cloudtrail-logs"
GOOD_BUCKET = "demo-cloudtrail-logs"
OPEN_BUCKET = "demo-cloudtrail-open-logs"
ACCESS_LOG_BUCKET = "demo-cloudtrail-access-logs"


def _bucket_policy(bucket: str, public: bool) -> dict[str, Any]:
    stmts: list[dict[str, Any]] = [
        {
            "Sid": "CloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": f"arn:aws:s3:::{bucket}",
        },
        {
            "Sid": "CloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{DEMO_ACCOUNT}/*",
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
        },
    ]
    if public:
        stmts.append(
            {
                "Sid": "AnyoneMayRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        )
    return {"Version": "2012-10-17", "Statement": stmts}


def _ensure_bucket(s3: Any, name: str, region: str, *, public: bool) -> None:
    try:
        s3.head_bucket(Bucket=name)
        return  # made by the S3 seed; leave its settings alone
    except ClientError:
        pass
    kwargs: dict[str, Any] = {"Bucket": name}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**kwargs)
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(_bucket_policy(name, public)))
    if not public:
        try:
            s3.head_bucket(Bucket=ACCESS_LOG_BUCKET)
        except ClientError:
            s3.create_bucket(**{**kwargs, "Bucket": ACCESS_LOG_BUCKET})
            s3.put_bucket_policy(
                Bucket=ACCESS_LOG_BUCKET,
                Policy=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "S3ServerAccessLogs",
                                "Effect": "Allow",
                                "Principal": {"Service": "logging.s3.amazonaws.com"},
                                "Action": "s3:PutObject",
                                "Resource": f"arn:aws:s3:::{ACCESS_LOG_BUCKET}/*",
                                "Condition": {"StringEquals": {"aws:SourceAccount": DEMO_ACCOUNT}},
                            }
                        ],
                    }
                ),
            )
        s3.put_bucket_logging(
            Bucket=name,
            BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": ACCESS_LOG_BUCKET, "TargetPrefix": f"{name}/"}
            },
        )


def ensure_trail_log_group(session: boto3.Session, region: str) -> str:
    """The trail's log group (1-year retention, KMS); shared with the CloudWatch seed."""
    logs = session.client("logs", region_name=region)
    found = logs.describe_log_groups(logGroupNamePrefix=TRAIL_LOG_GROUP)["logGroups"]
    found = [g for g in found if g["logGroupName"] == TRAIL_LOG_GROUP]
    if not found:
        kms = session.client("kms", region_name=region)
        key = kms.create_key(Description="demo-cloudwatch-logs-key", MultiRegion=False)
        key_arn = key["KeyMetadata"]["Arn"]
        kms.enable_key_rotation(KeyId=key_arn)
        logs.create_log_group(logGroupName=TRAIL_LOG_GROUP, kmsKeyId=key_arn)
        logs.put_retention_policy(logGroupName=TRAIL_LOG_GROUP, retentionInDays=365)
        found = logs.describe_log_groups(logGroupNamePrefix=TRAIL_LOG_GROUP)["logGroups"]
    arn = found[0].get("logGroupArn") or found[0]["arn"]
    return arn if arn.endswith(":*") else f"{arn}:*"


def seed(session: boto3.Session, regions: list[str]) -> None:
    region = regions[0]
    s3 = session.client("s3", region_name=region)
    _ensure_bucket(s3, GOOD_BUCKET, region, public=False)
    _ensure_bucket(s3, OPEN_BUCKET, region, public=True)

    kms = session.client("kms", region_name=region)
    key_arn = kms.create_key(Description="demo-cloudtrail-key", MultiRegion=False)["KeyMetadata"][
        "Arn"
    ]
    kms.enable_key_rotation(KeyId=key_arn)
    log_group_arn = ensure_trail_log_group(session, region)
    iam = session.client("iam")
    role_arn = iam.create_role(
        RoleName="demo-cloudtrail-to-logs",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudtrail.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]["Arn"]

    ct = session.client("cloudtrail", region_name=region)
    ct.create_trail(
        Name="demo-org-trail",
        S3BucketName=GOOD_BUCKET,
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        KmsKeyId=key_arn,
        CloudWatchLogsLogGroupArn=log_group_arn,
        CloudWatchLogsRoleArn=role_arn,
    )
    ct.put_event_selectors(
        TrailName="demo-org-trail",
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            }
        ],
    )
    ct.start_logging(Name="demo-org-trail")

    # Planted: single-region, no validation, no KMS, no CloudWatch Logs, public bucket.
    # Also planted: it records only read management events, and a third trail is stopped.
    ct.create_trail(Name="demo-legacy-trail", S3BucketName=OPEN_BUCKET)
    ct.put_event_selectors(
        TrailName="demo-legacy-trail",
        EventSelectors=[{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}],
    )
    ct.start_logging(Name="demo-legacy-trail")
    ct.create_trail(
        Name="demo-stopped-trail", S3BucketName=GOOD_BUCKET, EnableLogFileValidation=True
    )
