"""Demo ECR: "demo-app" scans on push with immutable tags (compliant); "demo-legacy" does
neither (planted)."""

from __future__ import annotations

import boto3

ORDER = 40


def seed(session: boto3.Session, regions: list[str]) -> None:
    ecr = session.client("ecr", region_name=regions[0])
    ecr.create_repository(
        repositoryName="demo-app",
        imageScanningConfiguration={"scanOnPush": True},
        imageTagMutability="IMMUTABLE",
        encryptionConfiguration={"encryptionType": "KMS"},
    )
    ecr.create_repository(
        repositoryName="demo-legacy",
        imageScanningConfiguration={"scanOnPush": False},
        imageTagMutability="MUTABLE",
    )
