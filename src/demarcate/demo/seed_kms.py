"""Demo KMS keys: one rotating key with a scoped policy (compliant), one key that does not
rotate, and one whose policy lets any principal use it (misconfigured)."""

from __future__ import annotations

import json

import boto3

from demarcate.demo import DEMO_ACCOUNT

ORDER = 10


def seed(session: boto3.Session, regions: list[str]) -> None:
    kms = session.client("kms", region_name=regions[0])
    good = kms.create_key(Description="demo-app-data", MultiRegion=False)["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=good)
    kms.create_key(Description="demo-legacy-no-rotation", MultiRegion=False)
    open_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Owner",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{DEMO_ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "AnyoneMayDecrypt",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["kms:Decrypt"],
                "Resource": "*",
            },
        ],
    }
    shared = kms.create_key(Description="demo-shared-open-policy", MultiRegion=False)
    key_id = shared["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key_id)
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(open_policy))
