"""Collect EBS volumes (with AWS Backup coverage), own snapshots, and default encryption."""

from __future__ import annotations

from typing import Any

from botocore.parsers import ResponseParserError

from demarcate.resources.base import Inventory
from demarcate.resources.ebs import EbsEncryptionByDefault, EbsSnapshot, EbsVolume
from demarcate.sources.aws.collectors.vpc import tag_dict
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext, Outcome


def _unsupported(outcome: Outcome, action: str) -> str:
    """ListProtectedResources has no path parameter, so a bare 404 means the endpoint lacks
    the API (moto answers "Not yet implemented" in-process and an HTML 404 as a server)."""
    if outcome.code == "404":
        return f"{action} is not supported by this endpoint"
    return outcome.error or "no answer"


def _call(ctx: AwsContext, client: Any, method: str, action: str) -> Outcome:
    """ctx.call, plus: an emulator's HTML error page for an unimplemented EC2 action makes
    botocore raise ResponseParserError, which AwsContext.call does not catch."""
    try:
        return ctx.call(client, method)
    except ResponseParserError:
        return Outcome(
            error=f"{action} returned an unreadable response (not supported by this endpoint?)",
            code="ResponseParserError",
        )


@collector(
    service="ebs",
    scope="regional",
    resource_types=(EbsVolume.TYPE,),
    actions=("ec2:DescribeVolumes", "backup:ListProtectedResources"),
)
def volumes(ctx: AwsContext, region: str, inv: Inventory) -> None:
    ec2 = ctx.client("ec2", region)
    listed = ctx.paginate(ec2, "describe_volumes", "Volumes")
    if not listed.ok:
        inv.add_error(EbsVolume.TYPE, region, "ec2:DescribeVolumes", listed.error or "no answer")
        return
    if not listed.value:
        return
    protected = ctx.paginate(ctx.client("backup", region), "list_protected_resources", "Results")
    # Resource id (vol-…, i-…) -> (ARN, last backup time) of each resource with a recovery point.
    backups: dict[str, tuple[str, Any]] = {}
    if protected.ok:
        for item in protected.value:
            arn = str(item.get("ResourceArn") or "")
            backups[arn.rsplit("/", 1)[-1]] = (arn, item.get("LastBackupTime"))
    for raw in listed.value:
        volume_id = raw["VolumeId"]
        tags = tag_dict(raw.get("Tags"))
        attached = sorted(
            {a["InstanceId"] for a in raw.get("Attachments") or [] if a.get("InstanceId")}
        )
        encrypted = bool(raw.get("Encrypted"))
        vol = EbsVolume(
            id=volume_id,
            name=tags.get("Name") or None,
            arn=f"arn:aws:ec2:{region}:{inv.account}:volume/{volume_id}",
            region=region,
            tags=tags,
            state=raw.get("State"),
            size_gib=raw.get("Size"),
            volume_type=raw.get("VolumeType"),
            encrypted=encrypted,
            kms_key_id=(raw.get("KmsKeyId") or "") if encrypted else "",
            attached_instance_ids=attached,
        )
        if protected.ok:
            hits = [backups[r] for r in [volume_id, *attached] if r in backups]
            vol.backed_up = bool(hits)
            if hits:
                latest = max(hits, key=lambda h: (h[1] is not None, h[1] or 0))
                vol.backed_up_via, vol.last_backup_time = latest
        else:
            vol.mark_unknown(
                _unsupported(protected, "backup:ListProtectedResources"),
                "backed_up",
                "last_backup_time",
                "backed_up_via",
            )
        inv.add(vol)


@collector(
    service="ebs",
    scope="regional",
    resource_types=(EbsSnapshot.TYPE,),
    actions=("ec2:DescribeSnapshots", "ec2:DescribeSnapshotAttribute"),
)
def snapshots(ctx: AwsContext, region: str, inv: Inventory) -> None:
    ec2 = ctx.client("ec2", region)
    listed = ctx.paginate(ec2, "describe_snapshots", "Snapshots", OwnerIds=["self"])
    if not listed.ok:
        inv.add_error(
            EbsSnapshot.TYPE, region, "ec2:DescribeSnapshots", listed.error or "no answer"
        )
        return
    own = [
        s
        for s in listed.value
        if not inv.account
        or s.get("OwnerId") in (None, inv.account)  # some endpoints ignore OwnerIds
    ]

    def detail(raw: dict[str, Any]) -> None:
        snap_id = raw["SnapshotId"]
        tags = tag_dict(raw.get("Tags"))
        snap = EbsSnapshot(
            id=snap_id,
            name=tags.get("Name") or raw.get("Description") or None,
            arn=f"arn:aws:ec2:{region}::snapshot/{snap_id}",
            region=region,
            tags=tags,
            volume_id=raw.get("VolumeId"),
            state=raw.get("State"),
            encrypted=bool(raw.get("Encrypted")),
            kms_key_id=raw.get("KmsKeyId") or "",
            start_time=raw.get("StartTime"),
        )
        # Public/shared state is only in the attribute (DescribeSnapshots with
        # RestorableByUserIds=all would save calls, but emulators ignore that filter).
        attr = ctx.call(
            ec2,
            "describe_snapshot_attribute",
            SnapshotId=snap_id,
            Attribute="createVolumePermission",
        )
        if attr.ok:
            perms = attr.value.get("CreateVolumePermissions") or []
            snap.public = any(p.get("Group") == "all" for p in perms)
            snap.shared_with_accounts = sorted({p["UserId"] for p in perms if p.get("UserId")})
        else:
            snap.mark_unknown(attr.error or "", "public", "shared_with_accounts")
        inv.add(snap)

    ctx.map(detail, own)


@collector(
    service="ebs",
    scope="regional",
    resource_types=(EbsEncryptionByDefault.TYPE,),
    actions=("ec2:GetEbsEncryptionByDefault", "ec2:GetEbsDefaultKmsKeyId"),
)
def encryption_by_default(ctx: AwsContext, region: str, inv: Inventory) -> None:
    ec2 = ctx.client("ec2", region)
    setting = EbsEncryptionByDefault(
        id=f"ebs-encryption-by-default:{region}",
        name=f"EBS encryption by default ({region})",
        region=region,
    )
    enabled = _call(ctx, ec2, "get_ebs_encryption_by_default", "ec2:GetEbsEncryptionByDefault")
    if enabled.ok:
        setting.enabled = bool(enabled.value.get("EbsEncryptionByDefault"))
    else:
        setting.mark_unknown(enabled.error or "", "enabled")
    key = _call(ctx, ec2, "get_ebs_default_kms_key_id", "ec2:GetEbsDefaultKmsKeyId")
    if key.ok:
        setting.kms_key_id = key.value.get("KmsKeyId") or ""
    else:
        setting.mark_unknown(key.error or "", "kms_key_id")
    inv.add(setting)
