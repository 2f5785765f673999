"""Demo detection services: GuardDuty, an AWS Config recorder (all resource types, delivery
channel, recording), Security Hub and Inspector (EC2, ECR, Lambda) in the first region; none of
them in the second region (planted)."""

from __future__ import annotations

import json

import boto3

from demarcate.demo import DEMO_ACCOUNT

ORDER = 50

CONFIG_BUCKET = "demo-config-snapshots"


def seed(session: boto3.Session, regions: list[str]) -> None:
    region = regions[0]
    session.client("guardduty", region_name=region).create_detector(Enable=True)

    s3 = session.client("s3", region_name=region)
    kwargs = (
        {}
        if region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )
    s3.create_bucket(Bucket=CONFIG_BUCKET, **kwargs)
    role = session.client("iam").create_role(
        RoleName="demo-config-recorder",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "config.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    config = session.client("config", region_name=region)
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": role,
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": CONFIG_BUCKET})
    config.start_configuration_recorder(ConfigurationRecorderName="default")

    session.client("securityhub", region_name=region).enable_security_hub(
        EnableDefaultStandards=False
    )
    session.client("inspector2", region_name=region).enable(
        accountIds=[DEMO_ACCOUNT], resourceTypes=["EC2", "ECR", "LAMBDA"]
    )
