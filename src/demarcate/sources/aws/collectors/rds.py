"""Collect RDS DB instances, DB clusters, the parameter groups they use, and manual snapshots.

Calls per region: one paginated listing each of instances and clusters; parameter groups are
read only when an instance or cluster uses them (one listing for their families, then every
page of DescribeDBParameters / DescribeDBClusterParameters per group in use, keeping the
tracked parameters with their effective value, engine defaults included). Snapshots: the
account's own manual instance and cluster snapshots, plus one attribute read each for
public/shared restore permissions. DocumentDB and Neptune, which the same APIs return, are
skipped.
"""

from __future__ import annotations

from typing import Any

from demarcate.resources.base import Inventory
from demarcate.resources.rds import (
    NON_RDS_ENGINES,
    TRACKED_PARAMETERS,
    DbCluster,
    DbInstance,
    DbParameterGroup,
    DbSnapshot,
    parameter_group_id,
)
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext


def _tags(raw: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t.get("Value", "") for t in raw.get("TagList") or [] if "Key" in t}


def _instance(raw: dict[str, Any], region: str) -> DbInstance:
    return DbInstance(
        id=raw["DBInstanceIdentifier"],
        name=raw["DBInstanceIdentifier"],
        arn=raw.get("DBInstanceArn"),
        region=region,
        tags=_tags(raw),
        engine=raw.get("Engine"),
        engine_version=raw.get("EngineVersion"),
        instance_class=raw.get("DBInstanceClass"),
        status=raw.get("DBInstanceStatus"),
        publicly_accessible=bool(raw.get("PubliclyAccessible", False)),
        storage_encrypted=bool(raw.get("StorageEncrypted", False)),
        kms_key_id=raw.get("KmsKeyId") or "",
        backup_retention_period=int(raw.get("BackupRetentionPeriod", 0) or 0),
        multi_az=bool(raw.get("MultiAZ", False)),
        deletion_protection=bool(raw.get("DeletionProtection", False)),
        auto_minor_version_upgrade=bool(raw.get("AutoMinorVersionUpgrade", False)),
        iam_database_authentication_enabled=bool(
            raw.get("IAMDatabaseAuthenticationEnabled", False)
        ),
        enabled_cloudwatch_logs_exports=list(raw.get("EnabledCloudwatchLogsExports") or []),
        parameter_group_names=[
            g["DBParameterGroupName"]
            for g in raw.get("DBParameterGroups") or []
            if g.get("DBParameterGroupName")
        ],
        ca_certificate=raw.get("CACertificateIdentifier"),
        cluster_id=raw.get("DBClusterIdentifier") or "",
        replica_source=raw.get("ReadReplicaSourceDBInstanceIdentifier")
        or raw.get("ReadReplicaSourceDBClusterIdentifier")
        or "",
        vpc_id=(raw.get("DBSubnetGroup") or {}).get("VpcId"),
    )


def _cluster(raw: dict[str, Any], region: str) -> DbCluster:
    group = raw.get("DBClusterParameterGroup")
    return DbCluster(
        id=raw["DBClusterIdentifier"],
        name=raw["DBClusterIdentifier"],
        arn=raw.get("DBClusterArn"),
        region=region,
        tags=_tags(raw),
        engine=raw.get("Engine"),
        engine_version=raw.get("EngineVersion"),
        engine_mode=raw.get("EngineMode"),
        status=raw.get("Status"),
        publicly_accessible=raw.get("PubliclyAccessible"),  # Multi-AZ DB clusters only
        storage_encrypted=bool(raw.get("StorageEncrypted", False)),
        kms_key_id=raw.get("KmsKeyId") or "",
        backup_retention_period=int(raw.get("BackupRetentionPeriod", 0) or 0),
        multi_az=bool(raw.get("MultiAZ", False)),
        deletion_protection=bool(raw.get("DeletionProtection", False)),
        # Aurora sets this per instance; the cluster field exists for Multi-AZ DB clusters and
        # newer Aurora APIs. Missing means AWS did not report it: unknown, not False.
        auto_minor_version_upgrade=raw.get("AutoMinorVersionUpgrade"),
        iam_database_authentication_enabled=bool(
            raw.get("IAMDatabaseAuthenticationEnabled", False)
        ),
        enabled_cloudwatch_logs_exports=list(raw.get("EnabledCloudwatchLogsExports") or []),
        parameter_group_names=[group] if group else [],
        members=[
            m["DBInstanceIdentifier"]
            for m in raw.get("DBClusterMembers") or []
            if m.get("DBInstanceIdentifier")
        ],
    )


@collector(
    service="rds",
    scope="regional",
    resource_types=(DbInstance.TYPE, DbCluster.TYPE, DbParameterGroup.TYPE),
    actions=(
        "rds:DescribeDBInstances",
        "rds:DescribeDBClusters",
        "rds:DescribeDBParameterGroups",
        "rds:DescribeDBParameters",
        "rds:DescribeDBClusterParameterGroups",
        "rds:DescribeDBClusterParameters",
    ),
)
def databases(ctx: AwsContext, region: str, inv: Inventory) -> None:
    rds = ctx.client("rds", region)
    used: dict[tuple[str, str], None] = {}  # (kind, name), insertion-ordered

    listed = ctx.paginate(rds, "describe_db_instances", "DBInstances")
    if listed.ok:
        for raw in listed.value:
            if raw.get("Engine") in NON_RDS_ENGINES:
                continue
            inst = _instance(raw, region)
            inv.add(inst)
            if not inst.in_cluster:  # members take TLS settings from the cluster group
                for name in inst.parameter_group_names or []:
                    used[("instance", name)] = None
    else:
        inv.add_error(
            DbInstance.TYPE, region, "rds:DescribeDBInstances", listed.error or "no answer"
        )

    clusters = ctx.paginate(rds, "describe_db_clusters", "DBClusters")
    if clusters.ok:
        for raw in clusters.value:
            if raw.get("Engine") in NON_RDS_ENGINES:
                continue
            cluster = _cluster(raw, region)
            inv.add(cluster)
            for name in cluster.parameter_group_names or []:
                used[("cluster", name)] = None
    else:
        inv.add_error(
            DbCluster.TYPE, region, "rds:DescribeDBClusters", clusters.error or "no answer"
        )

    if used:
        _parameter_groups(ctx, rds, region, inv, list(used))


def _parameter_groups(
    ctx: AwsContext, rds: Any, region: str, inv: Inventory, used: list[tuple[str, str]]
) -> None:
    families: dict[tuple[str, str], dict[str, Any]] = {}
    family_errors: dict[str, str] = {}
    kinds = {kind for kind, _ in used}
    if "instance" in kinds:
        groups = ctx.paginate(rds, "describe_db_parameter_groups", "DBParameterGroups")
        for g in groups.value or []:
            families[("instance", g["DBParameterGroupName"])] = g
        if not groups.ok:
            family_errors["instance"] = groups.error or ""
    if "cluster" in kinds:
        groups = ctx.paginate(
            rds, "describe_db_cluster_parameter_groups", "DBClusterParameterGroups"
        )
        for g in groups.value or []:
            families[("cluster", g["DBClusterParameterGroupName"])] = g
        if not groups.ok:
            family_errors["cluster"] = groups.error or ""

    def detail(item: tuple[str, str]) -> None:
        kind, name = item
        meta = families.get(item, {})
        group = DbParameterGroup(
            id=parameter_group_id(kind, name),
            name=name,
            arn=meta.get("DBParameterGroupArn") or meta.get("DBClusterParameterGroupArn"),
            region=region,
            kind=kind,
            family=meta.get("DBParameterGroupFamily"),
        )
        if kind in family_errors:
            group.mark_unknown(family_errors[kind], "family")
        if kind == "instance":
            out = ctx.paginate(
                rds, "describe_db_parameters", "Parameters", DBParameterGroupName=name
            )
        else:
            out = ctx.paginate(
                rds,
                "describe_db_cluster_parameters",
                "Parameters",
                DBClusterParameterGroupName=name,
            )
        if out.ok:
            group.parameters = {
                p["ParameterName"]: str(p["ParameterValue"])
                for p in out.value
                if p.get("ParameterName") in TRACKED_PARAMETERS
                and p.get("ParameterValue") not in (None, "")
            }
        else:
            group.mark_unknown(out.error or "", "parameters")
        inv.add(group)

    ctx.map(detail, used)


def _restore_attribute(value: dict[str, Any], result_key: str, attrs_key: str) -> list[str]:
    for attr in (value.get(result_key) or {}).get(attrs_key) or []:
        if attr.get("AttributeName") == "restore":
            return [str(v) for v in attr.get("AttributeValues") or []]
    return []


@collector(
    service="rds",
    scope="regional",
    resource_types=(DbSnapshot.TYPE,),
    actions=(
        "rds:DescribeDBSnapshots",
        "rds:DescribeDBSnapshotAttributes",
        "rds:DescribeDBClusterSnapshots",
        "rds:DescribeDBClusterSnapshotAttributes",
    ),
)
def snapshots(ctx: AwsContext, region: str, inv: Inventory) -> None:
    rds = ctx.client("rds", region)
    found: list[tuple[DbSnapshot, dict[str, Any]]] = []

    listed = ctx.paginate(rds, "describe_db_snapshots", "DBSnapshots", SnapshotType="manual")
    if listed.ok:
        for raw in listed.value:
            if raw.get("Engine") in NON_RDS_ENGINES:
                continue
            snap = DbSnapshot(
                id=raw["DBSnapshotIdentifier"],
                name=raw["DBSnapshotIdentifier"],
                arn=raw.get("DBSnapshotArn"),
                region=region,
                tags=_tags(raw),
                kind="instance",
                snapshot_type=raw.get("SnapshotType"),
                source_id=raw.get("DBInstanceIdentifier"),
                engine=raw.get("Engine"),
                encrypted=bool(raw.get("Encrypted", False)),
                kms_key_id=raw.get("KmsKeyId") or "",
            )
            found.append((snap, raw))
    else:
        inv.add_error(
            DbSnapshot.TYPE, region, "rds:DescribeDBSnapshots", listed.error or "no answer"
        )

    clustered = ctx.paginate(
        rds, "describe_db_cluster_snapshots", "DBClusterSnapshots", SnapshotType="manual"
    )
    if clustered.ok:
        for raw in clustered.value:
            if raw.get("Engine") in NON_RDS_ENGINES:
                continue
            snap = DbSnapshot(
                id=raw["DBClusterSnapshotIdentifier"],
                name=raw["DBClusterSnapshotIdentifier"],
                arn=raw.get("DBClusterSnapshotArn"),
                region=region,
                tags=_tags(raw),
                kind="cluster",
                snapshot_type=raw.get("SnapshotType"),
                source_id=raw.get("DBClusterIdentifier"),
                engine=raw.get("Engine"),
                encrypted=bool(raw.get("StorageEncrypted", False)),
                kms_key_id=raw.get("KmsKeyId") or "",
            )
            found.append((snap, raw))
    else:
        inv.add_error(
            DbSnapshot.TYPE,
            region,
            "rds:DescribeDBClusterSnapshots",
            clustered.error or "no answer",
        )

    def detail(item: tuple[DbSnapshot, dict[str, Any]]) -> None:
        snap, _ = item
        if snap.kind == "instance":
            out = ctx.call(rds, "describe_db_snapshot_attributes", DBSnapshotIdentifier=snap.id)
            keys = ("DBSnapshotAttributesResult", "DBSnapshotAttributes")
        else:
            out = ctx.call(
                rds,
                "describe_db_cluster_snapshot_attributes",
                DBClusterSnapshotIdentifier=snap.id,
            )
            keys = ("DBClusterSnapshotAttributesResult", "DBClusterSnapshotAttributes")
        if out.ok:
            values = _restore_attribute(out.value, *keys)
            snap.public = "all" in values
            snap.shared_with = sorted(v for v in values if v != "all")
        else:
            snap.mark_unknown(out.error or "", "public", "shared_with")
        inv.add(snap)

    ctx.map(detail, found)
