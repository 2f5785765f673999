"""Collect EC2 instances (with their Systems Manager status) and the account's own AMIs.

Systems Manager: ``DescribeInstanceInformation`` tells which instances are managed (one
paginated call); maintenance windows, their targets and their tasks tell which instances a
patch task reaches (one call per window for targets and for tasks).
"""

from __future__ import annotations

from typing import Any

from demarcate.resources.base import Inventory
from demarcate.resources.ec2 import Ec2Image, Ec2Instance
from demarcate.sources.aws.collectors.vpc import reason, tag_dict
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext, Outcome

# Systems Manager documents that install patches when run from a maintenance window task.
PATCH_DOCUMENTS = frozenset(
    {
        "AWS-RunPatchBaseline",
        "AWS-RunPatchBaselineAssociation",
        "AWS-RunPatchBaselineWithHooks",
        "AWS-PatchInstanceWithRollback",
        "AWS-PatchAsgInstance",
        "AWS-InstallWindowsUpdates",
        "AWS-InstallMissingWindowsUpdates",
        "AWS-ApplyPatchBaseline",
    }
)
GONE_STATES = frozenset({"terminated", "shutting-down"})


@collector(
    service="ec2",
    scope="regional",
    resource_types=(Ec2Instance.TYPE,),
    actions=(
        "ec2:DescribeInstances",
        "ssm:DescribeInstanceInformation",
        "ssm:DescribeMaintenanceWindows",
        "ssm:DescribeMaintenanceWindowTargets",
        "ssm:DescribeMaintenanceWindowTasks",
    ),
)
def instances(ctx: AwsContext, region: str, inv: Inventory) -> None:
    ec2 = ctx.client("ec2", region)
    listed = ctx.paginate(ec2, "describe_instances", "Reservations")
    if not listed.ok:
        inv.add_error(
            Ec2Instance.TYPE, region, "ec2:DescribeInstances", listed.error or "no answer"
        )
        return
    raws = [
        i
        for reservation in listed.value
        for i in reservation.get("Instances") or []
        if (i.get("State") or {}).get("Name") not in GONE_STATES
    ]
    if not raws:
        return  # no instance: skip the Systems Manager calls
    found = [_instance(region, inv, raw) for raw in raws]

    ssm = ctx.client("ssm", region)
    _ssm_managed(ctx, ssm, found)
    _patch_windows(ctx, ssm, found)
    for inst in found:
        inv.add(inst)


def _instance(region: str, inv: Inventory, raw: dict[str, Any]) -> Ec2Instance:
    instance_id = raw["InstanceId"]
    tags = tag_dict(raw.get("Tags"))
    metadata = raw.get("MetadataOptions") or {}
    public = set()
    if raw.get("PublicIpAddress"):
        public.add(raw["PublicIpAddress"])
    for eni in raw.get("NetworkInterfaces") or []:
        ip = (eni.get("Association") or {}).get("PublicIp")
        if ip:
            public.add(ip)
    groups = {g["GroupId"] for g in raw.get("SecurityGroups") or [] if g.get("GroupId")}
    for eni in raw.get("NetworkInterfaces") or []:
        groups.update(g["GroupId"] for g in eni.get("Groups") or [] if g.get("GroupId"))
    volumes = []
    root_volume = ""
    for bdm in raw.get("BlockDeviceMappings") or []:
        vol = (bdm.get("Ebs") or {}).get("VolumeId")
        if vol:
            volumes.append(vol)
            if bdm.get("DeviceName") == raw.get("RootDeviceName"):
                root_volume = vol
    inst = Ec2Instance(
        id=instance_id,
        name=tags.get("Name") or None,
        arn=f"arn:aws:ec2:{region}:{inv.account}:instance/{instance_id}",
        region=region,
        tags=tags,
        state=(raw.get("State") or {}).get("Name"),
        instance_type=raw.get("InstanceType"),
        platform=raw.get("PlatformDetails") or raw.get("Platform") or None,
        image_id=raw.get("ImageId"),
        launch_time=raw.get("LaunchTime"),
        imds_http_tokens=metadata.get("HttpTokens"),
        imds_endpoint=metadata.get("HttpEndpoint"),
        public_ips=sorted(public),
        iam_instance_profile_arn=(raw.get("IamInstanceProfile") or {}).get("Arn") or "",
        vpc_id=raw.get("VpcId"),
        subnet_id=raw.get("SubnetId"),
        security_group_ids=sorted(groups),
        root_volume_id=root_volume,
        volume_ids=volumes,
    )
    if not metadata:
        inst.mark_unknown(
            "ec2:DescribeInstances returned no MetadataOptions", "imds_http_tokens", "imds_endpoint"
        )
    return inst


def _ssm_managed(ctx: AwsContext, ssm: Any, found: list[Ec2Instance]) -> None:
    info = ctx.paginate(ssm, "describe_instance_information", "InstanceInformationList")
    if not info.ok:
        for inst in found:
            inst.mark_unknown(
                reason(info, "ssm:DescribeInstanceInformation"), "ssm_managed", "ssm_ping_status"
            )
        return
    status = {i.get("InstanceId"): i.get("PingStatus") or "" for i in info.value}
    for inst in found:
        inst.ssm_managed = inst.id in status
        inst.ssm_ping_status = status.get(inst.id, "")


def _patch_windows(ctx: AwsContext, ssm: Any, found: list[Ec2Instance]) -> None:
    """Which instances an enabled maintenance window patches (by instance id or tag)."""
    windows = ctx.paginate(ssm, "describe_maintenance_windows", "WindowIdentities")
    if not windows.ok:
        for inst in found:
            inst.mark_unknown(windows.error or "", "in_patch_window", "patch_windows")
        return
    enabled = [w for w in windows.value if w.get("Enabled", True)]

    def detail(window: dict[str, Any]) -> tuple[dict[str, Any], Outcome, Outcome]:
        wid = window["WindowId"]
        targets = ctx.paginate(ssm, "describe_maintenance_window_targets", "Targets", WindowId=wid)
        tasks = ctx.paginate(ssm, "describe_maintenance_window_tasks", "Tasks", WindowId=wid)
        return window, targets, tasks

    # Per instance: names of windows that patch it, and reasons it might be patched unseen.
    patched_by: dict[str, list[str]] = {i.id: [] for i in found}
    doubts: list[str] = []
    for window, targets, tasks in ctx.map(detail, enabled):
        label = window.get("Name") or window["WindowId"]
        if not tasks.ok:
            doubts.append(f"tasks of window {label}: {tasks.error}")
            continue
        patch_tasks = [t for t in tasks.value if _is_patch_task(t)]
        if not patch_tasks:
            continue
        if not targets.ok:
            doubts.append(f"targets of window {label}: {targets.error}")
            continue
        by_target_id = {t["WindowTargetId"]: t.get("Targets") or [] for t in targets.value}
        selectors: list[dict[str, Any]] = []
        for task in patch_tasks:
            for sel in task.get("Targets") or []:
                if sel.get("Key") == "WindowTargetIds":
                    for target_id in sel.get("Values") or []:
                        selectors.extend(by_target_id.get(target_id, []))
                else:
                    selectors.append(sel)
        unresolved = False
        for inst in found:
            verdict = _selected(inst, selectors)
            if verdict is True:
                patched_by[inst.id].append(label)
            elif verdict is None:
                unresolved = True
        if unresolved:
            doubts.append(f"window {label} targets a resource group whose members are not read")
    for inst in found:
        names = sorted(set(patched_by[inst.id]))
        if names:
            inst.in_patch_window, inst.patch_windows = True, names
        elif doubts:
            inst.mark_unknown("; ".join(doubts), "in_patch_window", "patch_windows")
        else:
            inst.in_patch_window, inst.patch_windows = False, []


def _is_patch_task(task: dict[str, Any]) -> bool:
    arn = str(task.get("TaskArn") or "")
    return arn.rsplit("/", 1)[-1] in PATCH_DOCUMENTS


def _selected(inst: Ec2Instance, selectors: list[dict[str, Any]]) -> bool | None:
    """True if a selector picks the instance, None if one cannot be resolved, else False."""
    tags = inst.tags or {}
    unresolved = False
    for sel in selectors:
        key = str(sel.get("Key") or "")
        values = [str(v) for v in sel.get("Values") or []]
        if key == "InstanceIds" and ("*" in values or inst.id in values):
            return True
        if key.startswith("tag:") and tags.get(key[4:]) in values:
            return True
        if key == "tag-key" and any(v in tags for v in values):
            return True
        if key.startswith("resource-groups:"):
            unresolved = True
    return None if unresolved else False


@collector(
    service="ec2",
    scope="regional",
    resource_types=(Ec2Image.TYPE,),
    actions=("ec2:DescribeImages",),
)
def images(ctx: AwsContext, region: str, inv: Inventory) -> None:
    ec2 = ctx.client("ec2", region)
    listed = ctx.paginate(ec2, "describe_images", "Images", Owners=["self"])
    if not listed.ok:
        inv.add_error(Ec2Image.TYPE, region, "ec2:DescribeImages", listed.error or "no answer")
        return
    for raw in listed.value:
        if inv.account and raw.get("OwnerId") not in (None, inv.account):
            continue  # some endpoints ignore Owners=self
        image_id = raw["ImageId"]
        tags = tag_dict(raw.get("Tags"))
        ebs = [b["Ebs"] for b in raw.get("BlockDeviceMappings") or [] if b.get("Ebs")]
        inv.add(
            Ec2Image(
                id=image_id,
                name=raw.get("Name") or tags.get("Name") or None,
                arn=f"arn:aws:ec2:{region}::image/{image_id}",
                region=region,
                tags=tags,
                state=raw.get("State"),
                public=bool(raw.get("Public")),
                snapshot_ids=[e["SnapshotId"] for e in ebs if e.get("SnapshotId")],
                encrypted=all(bool(e.get("Encrypted")) for e in ebs) if ebs else None,
                creation_date=raw.get("CreationDate"),
            )
        )
