"""Demo EBS in regions[0] (regions[1] keeps encryption by default off: planted).

- "demo-scratch" (planted): unencrypted volume, created before encryption by default is
  turned on; its snapshot "demo-scratch-snap" is unencrypted and public (planted).
- "demo-data" (compliant): encrypted volume; its snapshot "demo-data-snap" is encrypted and
  private.
- Encryption by default: on in regions[0] (compliant), off in regions[1] (planted).
- AWS Backup coverage: moto 5.2.5 implements neither backup selections nor
  ListProtectedResources, so no volume can be shown as backed up here; the demo reports the
  check UNKNOWN (tests prove PASS/FAIL with a botocore Stubber).
"""

from __future__ import annotations

import boto3

ORDER = 20


def _tags(name: str, kind: str) -> list[dict[str, object]]:
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def seed(session: boto3.Session, regions: list[str]) -> None:
    region = regions[0]
    ec2 = session.client("ec2", region_name=region)
    zone = f"{region}a"

    scratch = ec2.create_volume(
        AvailabilityZone=zone,
        Size=20,
        Encrypted=False,
        TagSpecifications=_tags("demo-scratch", "volume"),
    )["VolumeId"]
    leaked = ec2.create_snapshot(
        VolumeId=scratch,
        Description="demo-scratch-snap",
        TagSpecifications=_tags("demo-scratch-snap", "snapshot"),
    )["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=leaked,
        Attribute="createVolumePermission",
        OperationType="add",
        GroupNames=["all"],
    )

    ec2.enable_ebs_encryption_by_default()
    data = ec2.create_volume(
        AvailabilityZone=zone,
        Size=50,
        Encrypted=True,
        TagSpecifications=_tags("demo-data", "volume"),
    )["VolumeId"]
    ec2.create_snapshot(
        VolumeId=data,
        Description="demo-data-snap",
        TagSpecifications=_tags("demo-data-snap", "snapshot"),
    )
