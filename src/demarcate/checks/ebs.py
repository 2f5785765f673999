"""EBS checks: encryption by default per region, encrypted volumes and snapshots, no public
snapshots, volumes covered by AWS Backup."""

from __future__ import annotations

from datetime import UTC, datetime

from demarcate.checks.registry import Remediation, Result, check, failed, need, passed
from demarcate.resources.base import Inventory
from demarcate.resources.ebs import EbsEncryptionByDefault, EbsSnapshot, EbsVolume

# A volume whose newest recovery point is older than this is no longer being backed up.
BACKUP_MAX_AGE_DAYS = 35
GONE_VOLUME_STATES = frozenset({"deleting", "deleted", "error"})


def _vol(vol: EbsVolume) -> str:
    return vol.id if vol.label == vol.id else f"{vol.label} ({vol.id})"


def _snap(snap: EbsSnapshot) -> str:
    return snap.id if snap.label == snap.id else f"{snap.id} ({snap.label})"


@check(
    id="ebs-encryption-by-default",
    title="EBS encryption by default is on in every region",
    duty="ebs.data-encryption",
    severity="medium",
    resource_type=EbsEncryptionByDefault,
    rationale=(
        "With encryption by default, every new volume and snapshot copy in the region is "
        "encrypted even when whoever launches it forgets to ask."
    ),
    cis=("6.1.1",),
    fsbp=("EC2.7",),
    remediation=Remediation(
        console="EC2 > Dashboard > Account attributes > Data protection and security > EBS encryption > Manage > Enable (per region).",
        cli="aws ec2 enable-ebs-encryption-by-default --region <region>",
        terraform='resource "aws_ebs_encryption_by_default" "this" {\n  enabled = true\n}',
    ),
)
def encryption_by_default(setting: EbsEncryptionByDefault, inv: Inventory) -> Result | None:
    if need(setting, "enabled"):
        key = setting.kms_key_id
        tail = f" (key {key})" if key else ""
        return passed(f"region {setting.region}: EBS encryption by default is on{tail}")
    return failed(f"region {setting.region}: EBS encryption by default is off")


@check(
    id="ebs-volume-encrypted",
    title="EBS volumes are encrypted at rest",
    duty="ebs.data-encryption",
    severity="medium",
    resource_type=EbsVolume,
    rationale="An unencrypted volume exposes its data to anyone who obtains a copy or snapshot of it.",
    fsbp=("EC2.3",),
    remediation=Remediation(
        console=(
            "EC2 > Volumes > the volume > Create snapshot; copy the snapshot with Encryption "
            "enabled; create a volume from the copy and swap it in; delete the old volume."
        ),
        cli=(
            "aws ec2 create-snapshot --volume-id <vol-id>\n"
            "aws ec2 copy-snapshot --source-snapshot-id <snap-id> --source-region <region> --encrypted\n"
            "aws ec2 create-volume --snapshot-id <encrypted-snap-id> --availability-zone <az> --encrypted"
        ),
        terraform=(
            'resource "aws_ebs_volume" "data" {\n'
            "  availability_zone = var.az\n"
            "  size              = 100\n"
            "  encrypted         = true\n"
            "  kms_key_id        = aws_kms_key.ebs.arn\n"
            "}"
        ),
    ),
)
def volume_encrypted(vol: EbsVolume, inv: Inventory) -> Result | None:
    if vol.state in GONE_VOLUME_STATES:
        return None
    if need(vol, "encrypted"):
        key = vol.kms_key_id
        return passed(f"volume {_vol(vol)}: encrypted" + (f" with {key}" if key else ""))
    where = ", ".join(vol.attached_instance_ids or []) or "no instance"
    return failed(f"volume {_vol(vol)}: not encrypted (attached to {where})")


@check(
    id="ebs-snapshot-encrypted",
    title="EBS snapshots are encrypted",
    duty="ebs.data-encryption",
    severity="medium",
    resource_type=EbsSnapshot,
    rationale="Snapshots hold a full copy of a volume; unencrypted ones can be shared or copied in the clear.",
    remediation=Remediation(
        console="EC2 > Snapshots > the snapshot > Actions > Copy snapshot > Encrypt this snapshot; then delete the unencrypted original.",
        cli=(
            "aws ec2 copy-snapshot --source-snapshot-id <snap-id> --source-region <region> "
            "--encrypted --kms-key-id <key-arn>\naws ec2 delete-snapshot --snapshot-id <snap-id>"
        ),
        terraform=(
            'resource "aws_ebs_snapshot_copy" "encrypted" {\n'
            "  source_snapshot_id = aws_ebs_snapshot.data.id\n"
            "  source_region      = var.region\n"
            "  encrypted          = true\n"
            "  kms_key_id         = aws_kms_key.ebs.arn\n"
            "}"
        ),
    ),
)
def snapshot_encrypted(snap: EbsSnapshot, inv: Inventory) -> Result | None:
    if need(snap, "encrypted"):
        return passed(f"snapshot {_snap(snap)}: encrypted")
    return failed(f"snapshot {_snap(snap)} of {snap.volume_id or 'unknown volume'}: not encrypted")


@check(
    id="ebs-snapshot-not-public",
    title="EBS snapshots are not restorable by everyone",
    duty="ebs.snapshot-management",
    severity="critical",
    resource_type=EbsSnapshot,
    rationale="Any AWS account can create a volume from a public snapshot and read all of its data.",
    fsbp=("EC2.1",),
    remediation=Remediation(
        console="EC2 > Snapshots > the snapshot > Actions > Snapshot settings > Modify permissions > Private; and turn on Block public access for snapshots in the region.",
        cli=(
            "aws ec2 modify-snapshot-attribute --snapshot-id <snap-id> --attribute createVolumePermission "
            "--operation-type remove --group-names all\n"
            "aws ec2 enable-snapshot-block-public-access --state block-all-sharing"
        ),
        terraform=(
            'resource "aws_ebs_snapshot_block_public_access" "this" {\n'
            '  state = "block-all-sharing"\n'
            "}\n# and no aws_snapshot_create_volume_permission with group all"
        ),
    ),
)
def snapshot_not_public(snap: EbsSnapshot, inv: Inventory) -> Result | None:
    if need(snap, "public"):
        return failed(
            f"snapshot {_snap(snap)}: createVolumePermission includes group 'all' (public)"
        )
    shared = snap.shared_with_accounts or []
    tail = f"; shared with account(s) {', '.join(shared)}" if shared else ""
    return passed(f"snapshot {_snap(snap)}: not public{tail}")


@check(
    id="ebs-volume-backed-up",
    title="EBS volumes are protected by AWS Backup",
    duty="ebs.volume-backup-strategy",
    severity="low",
    resource_type=EbsVolume,
    live_only=True,
    rationale=(
        "A backup plan with retention is what lets you restore after deletion, corruption or "
        f"ransomware. A volume passes when it (or its instance) has an AWS Backup recovery point "
        f"newer than {BACKUP_MAX_AGE_DAYS} days."
    ),
    securityhub=("EC2.28",),
    remediation=Remediation(
        console=(
            "AWS Backup > Backup plans > Create backup plan (daily, retention as required) > "
            "Assign resources: by tag (e.g. backup=daily) or resource type EBS."
        ),
        cli=(
            "aws backup create-backup-plan --backup-plan file://plan.json\n"
            "aws backup create-backup-selection --backup-plan-id <plan-id> --backup-selection "
            '\'{"SelectionName":"ebs","IamRoleArn":"<role-arn>","Resources":["arn:aws:ec2:*:*:volume/*"]}\''
        ),
        terraform=(
            'resource "aws_backup_selection" "ebs" {\n'
            '  name         = "ebs"\n'
            "  plan_id      = aws_backup_plan.daily.id\n"
            "  iam_role_arn = aws_iam_role.backup.arn\n"
            '  resources    = ["arn:aws:ec2:*:*:volume/*"]\n'
            "}"
        ),
    ),
)
def volume_backed_up(vol: EbsVolume, inv: Inventory) -> Result | None:
    if vol.state in GONE_VOLUME_STATES:
        return None
    if not need(vol, "backed_up"):
        return failed(f"volume {_vol(vol)}: no AWS Backup recovery point for it or its instance")
    via = vol.backed_up_via or ""
    how = "" if via.endswith(f"/{vol.id}") else f" via {via.rsplit('/', 1)[-1]}"
    last = vol.last_backup_time
    if last is None:
        return passed(f"volume {_vol(vol)}: protected by AWS Backup{how}")
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    age = (datetime.now(UTC) - last).days
    when = last.strftime("%Y-%m-%d")
    if age > BACKUP_MAX_AGE_DAYS:
        return failed(
            f"volume {_vol(vol)}: newest AWS Backup recovery point{how} is from {when} ({age} days old)"
        )
    return passed(f"volume {_vol(vol)}: protected by AWS Backup{how}, last backup {when}")
