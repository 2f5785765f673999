"""EBS checks, proven both ways on moto: encryption by default, volume and snapshot
encryption, public snapshots, AWS Backup coverage.

moto 5.2.5 answers backup:ListProtectedResources with 404 "Not yet implemented" (and lacks
ec2:GetEbsDefaultKmsKeyId); coverage is proven by answering ListProtectedResources through a
botocore Stubber on the backup client (moto serves every EC2 call).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import botocore.client
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from demarcate.checks.registry import Status

ZONE = "us-east-1a"


def _volume(session, name: str, encrypted: bool) -> str:
    return session.client("ec2").create_volume(
        AvailabilityZone=ZONE,
        Size=8,
        Encrypted=encrypted,
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": name}]}],
    )["VolumeId"]


def _snapshot(session, volume: str, name: str) -> str:
    return session.client("ec2").create_snapshot(VolumeId=volume, Description=name)["SnapshotId"]


def _deny(operation: str):
    original = botocore.client.BaseClient._make_api_call

    def fake(self, operation_name, api_params):
        if operation_name == operation:
            raise ClientError(
                {
                    "Error": {"Code": "UnauthorizedOperation", "Message": "denied"},
                    "ResponseMetadata": {"HTTPStatusCode": 403},
                },
                operation_name,
            )
        return original(self, operation_name, api_params)

    return fake


def test_encryption_by_default_per_region(aws, scan):
    aws.client("ec2", region_name="us-east-1").enable_ebs_encryption_by_default()
    result = scan(aws, services=["ebs"], regions=["us-east-1", "eu-west-1"])
    ok = result.one("ebs-encryption-by-default", "ebs-encryption-by-default:us-east-1")
    assert ok.status is Status.PASS
    assert ok.evidence == "region us-east-1: EBS encryption by default is on"
    ko = result.one("ebs-encryption-by-default", "ebs-encryption-by-default:eu-west-1")
    assert ko.status is Status.FAIL
    assert ko.evidence == "region eu-west-1: EBS encryption by default is off"
    assert ko.duty_id == "ebs.data-encryption"


def test_denied_encryption_setting_is_unknown(aws, scan, monkeypatch):
    monkeypatch.setattr(
        botocore.client.BaseClient, "_make_api_call", _deny("GetEbsEncryptionByDefault")
    )
    result = scan(aws, services=["ebs"])
    finding = result.one("ebs-encryption-by-default", "ebs-encryption-by-default:us-east-1")
    assert finding.status is Status.UNKNOWN
    assert "ec2:GetEbsEncryptionByDefault denied" in finding.evidence


def test_volume_encryption(aws, scan):
    sealed = _volume(aws, "sealed", encrypted=True)
    plain = _volume(aws, "plain", encrypted=False)
    result = scan(aws, services=["ebs"])
    ok = result.one("ebs-volume-encrypted", sealed)
    assert ok.status is Status.PASS
    assert ok.evidence.startswith(f"volume sealed ({sealed}): encrypted with arn:aws:kms:")
    ko = result.one("ebs-volume-encrypted", plain)
    assert ko.status is Status.FAIL
    assert ko.evidence == f"volume plain ({plain}): not encrypted (attached to no instance)"


def test_snapshot_encryption_and_exposure(aws, scan):
    ec2 = aws.client("ec2")
    sealed = _snapshot(aws, _volume(aws, "sealed", encrypted=True), "nightly")
    plain = _snapshot(aws, _volume(aws, "plain", encrypted=False), "export")
    ec2.modify_snapshot_attribute(
        SnapshotId=plain,
        Attribute="createVolumePermission",
        OperationType="add",
        GroupNames=["all"],
    )
    ec2.modify_snapshot_attribute(
        SnapshotId=sealed,
        Attribute="createVolumePermission",
        OperationType="add",
        UserIds=["111122223333"],
    )
    result = scan(aws, services=["ebs"])
    ok = result.one("ebs-snapshot-encrypted", sealed)
    assert ok.status is Status.PASS
    assert ok.evidence == f"snapshot {sealed} (nightly): encrypted"
    ko = result.one("ebs-snapshot-encrypted", plain)
    assert ko.status is Status.FAIL
    assert ko.evidence.startswith(f"snapshot {plain} (export) of vol-")
    public = result.one("ebs-snapshot-not-public", plain)
    assert public.status is Status.FAIL
    assert public.evidence == (
        f"snapshot {plain} (export): createVolumePermission includes group 'all' (public)"
    )
    assert public.duty_id == "ebs.snapshot-management"
    private = result.one("ebs-snapshot-not-public", sealed)
    assert private.status is Status.PASS
    assert (
        private.evidence
        == f"snapshot {sealed} (nightly): not public; shared with account(s) 111122223333"
    )


def test_denied_snapshot_attribute_is_unknown(aws, scan, monkeypatch):
    snap = _snapshot(aws, _volume(aws, "plain", encrypted=False), "export")
    monkeypatch.setattr(
        botocore.client.BaseClient, "_make_api_call", _deny("DescribeSnapshotAttribute")
    )
    result = scan(aws, services=["ebs"])
    finding = result.one("ebs-snapshot-not-public", snap)
    assert finding.status is Status.UNKNOWN
    assert "ec2:DescribeSnapshotAttribute denied" in finding.evidence
    assert result.one("ebs-snapshot-encrypted", snap).status is Status.FAIL


def test_denied_volume_listing_is_unknown(aws, scan, monkeypatch):
    _volume(aws, "any", encrypted=True)
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", _deny("DescribeVolumes"))
    result = scan(aws, services=["ebs"])
    for check_id in ("ebs-volume-encrypted", "ebs-volume-backed-up"):
        findings = result.for_check(check_id)
        assert [f.status for f in findings] == [Status.UNKNOWN]
        assert findings[0].resource_id == "ebs.volume:us-east-1"
        assert "ec2:DescribeVolumes denied" in findings[0].evidence


# ---- AWS Backup -------------------------------------------------------------------------------


def test_backup_unknown_on_moto(aws, scan):
    vol = _volume(aws, "data", encrypted=True)
    result = scan(aws, services=["ebs"])
    finding = result.one("ebs-volume-backed-up", vol)
    assert finding.status is Status.UNKNOWN
    assert (
        finding.evidence == "data: backup:ListProtectedResources is not supported by this endpoint"
    )


def test_backup_coverage_with_stubbed_protected_resources(aws, scan):
    ec2 = aws.client("ec2")
    direct = _volume(aws, "direct", encrypted=True)
    stale = _volume(aws, "stale", encrypted=True)
    bare = _volume(aws, "bare", encrypted=True)
    instance = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0]
    root = instance["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    now = datetime.now(UTC)
    arn = "arn:aws:ec2:us-east-1:123456789012"
    answer = {
        "Results": [
            {
                "ResourceArn": f"{arn}:volume/{direct}",
                "ResourceType": "EBS",
                "LastBackupTime": now - timedelta(days=1),
            },
            {
                "ResourceArn": f"{arn}:volume/{stale}",
                "ResourceType": "EBS",
                "LastBackupTime": now - timedelta(days=90),
            },
            {
                "ResourceArn": f"{arn}:instance/{instance['InstanceId']}",
                "ResourceType": "EC2",
                "LastBackupTime": now - timedelta(days=2),
            },
        ]
    }

    def prepare(ctx):
        stub = Stubber(ctx.client("backup", "us-east-1"))
        stub.add_response("list_protected_resources", answer, {})
        stub.activate()

    result = scan(aws, services=["ebs"], prepare=prepare)
    check = "ebs-volume-backed-up"
    ok = result.one(check, direct)
    assert ok.status is Status.PASS
    assert ok.evidence == (
        f"volume direct ({direct}): protected by AWS Backup, last backup {(now - timedelta(days=1)):%Y-%m-%d}"
    )
    via = result.one(check, root)
    assert via.status is Status.PASS
    assert f"via {instance['InstanceId']}" in via.evidence
    old = result.one(check, stale)
    assert old.status is Status.FAIL
    assert "(90 days old)" in old.evidence
    ko = result.one(check, bare)
    assert ko.status is Status.FAIL
    assert (
        ko.evidence == f"volume bare ({bare}): no AWS Backup recovery point for it or its instance"
    )
    assert ko.duty_id == "ebs.volume-backup-strategy"
