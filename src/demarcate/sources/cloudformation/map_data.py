"""RDS DB instances, DB clusters and parameter groups; DynamoDB tables.

Defaults applied when a property is absent (CloudFormation / RDS / DynamoDB documentation):
StorageEncrypted false (inherited from the source for snapshot restores and replicas, so then
unknown), BackupRetentionPeriod 1, MultiAZ false, DeletionProtection false,
AutoMinorVersionUpgrade true, EnableIAMDatabaseAuthentication false, no log exports, engine
mode "provisioned". PubliclyAccessible has no fixed default (it follows whether the subnets'
VPC has an internet gateway), so it stays unknown. Without DBParameterGroupName the engine's
default group applies, whose values are not in the template (unknown). A custom parameter group
that does not set the TLS parameter has the engine default for its family, where AWS
documents it (:data:`TLS_DEFAULTS`).

DynamoDB: BillingMode PROVISIONED, TableClass STANDARD, point-in-time recovery off, deletion
protection off, SSESpecification off = an AWS owned key; SSEEnabled without KMSMasterKeyId =
the AWS managed key aws/dynamodb.
"""

from __future__ import annotations

import re
from typing import Any

from demarcate.resources.dynamodb import DynamoTable
from demarcate.resources.rds import (
    TRACKED_PARAMETERS,
    DbCluster,
    DbInstance,
    DbParameterGroup,
    parameter_group_id,
)
from demarcate.sources.cloudformation.intrinsics import ResRef, Unresolved
from demarcate.sources.cloudformation.map_network import mark_subnets_in_use
from demarcate.sources.cloudformation.stack import (
    LogicalResource,
    Props,
    Stack,
    assign,
    finisher,
    primary,
    tags_of,
    to_bool,
    to_int,
    to_str,
    to_word,
    to_word_list,
    unknown_or,
)

# Engine default of the TLS-enforcing parameter by parameter group family (documented values);
# families not matched here have an unknown default.
TLS_DEFAULTS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^postgres(1[5-9]|[2-9]\d)$"), "rds.force_ssl", "1"),
    (re.compile(r"^postgres(9\.\d|1[0-4])$"), "rds.force_ssl", "0"),
    (re.compile(r"^mysql(5\.\d|8\.0)$"), "require_secure_transport", "0"),
    (re.compile(r"^mariadb"), "require_secure_transport", "0"),
    (re.compile(r"^aurora-mysql(5\.7|8\.0)$"), "require_secure_transport", "0"),
    (re.compile(r"^aurora5\.6$"), "require_secure_transport", "0"),
    (re.compile(r"^sqlserver"), "rds.force_ssl", "0"),
)
_TLS_PARAMETER_BY_FAMILY = (
    ("aurora-postgresql", "rds.force_ssl"),
    ("aurora-mysql", "require_secure_transport"),
    ("aurora", "require_secure_transport"),
    ("postgres", "rds.force_ssl"),
    ("sqlserver", "rds.force_ssl"),
    ("mysql", "require_secure_transport"),
    ("mariadb", "require_secure_transport"),
)
_DEFAULT_GROUP = (
    "no {prop}: the engine's default parameter group applies, and its values are not in "
    "the template"
)


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _any_present(p: Props, *keys: str) -> bool | Unresolved:
    """True when one of ``keys`` is set, else Unresolved when one may be, else False."""
    doubt: Unresolved | None = None
    for key in keys:
        present = p.presence(key)
        if present is True:
            return True
        if isinstance(present, Unresolved) and doubt is None:
            doubt = present
    return doubt if doubt is not None else False


def _inherited_encryption(restored: bool | Unresolved, otherwise: Any) -> Any:
    """StorageEncrypted when the template does not set it: a restore or replica inherits it
    from its source (unknown), anything else gets ``otherwise``."""
    if restored is True:
        return Unresolved("StorageEncrypted is not set: it is inherited from the source")
    if isinstance(restored, Unresolved):
        return Unresolved(
            "StorageEncrypted is not set and whether the database is restored from a snapshot "
            f"or another database (and inherits it) is not known: {restored.reason}"
        )
    return otherwise


@primary("AWS::RDS::DBInstance")
def db_instance(stack: Stack, lr: LogicalResource, p: Props) -> DbInstance:
    key = stack.key_of(lr.logical_id)
    res = DbInstance(id=key, name=key, region=stack.region, tags=tags_of(p))
    res.arn = stack.arn("rds", f"db:{key}")
    res.status = "available"
    assign(res, "engine", _lower(to_word(p.get("Engine"))))
    assign(res, "engine_version", to_word(p.get("EngineVersion")))
    assign(res, "instance_class", to_word(p.get("DBInstanceClass")))
    cluster = to_str(p.get("DBClusterIdentifier"), "")
    assign(res, "cluster_id", cluster)
    source = p.get("SourceDBInstanceIdentifier", p.get("SourceDBClusterIdentifier"))
    assign(res, "replica_source", to_str(source, ""))
    restored = (
        True
        if source is not None
        else _any_present(p, "DBSnapshotIdentifier", "DBClusterSnapshotIdentifier")
    )
    public = to_bool(p.get("PubliclyAccessible"))
    if public is None:
        public = Unresolved(
            "PubliclyAccessible is not set: the default depends on whether the subnets' VPC "
            "has an internet gateway"
        )
    assign(res, "publicly_accessible", public)
    encrypted = to_bool(p.get("StorageEncrypted"))
    if encrypted is None:
        encrypted = _inherited_encryption(restored, False)
    assign(res, "storage_encrypted", encrypted)
    assign(res, "kms_key_id", to_str(p.get("KmsKeyId"), ""))
    assign(res, "backup_retention_period", to_int(p.get("BackupRetentionPeriod"), 1))
    assign(res, "multi_az", to_bool(p.get("MultiAZ"), False))
    assign(res, "deletion_protection", to_bool(p.get("DeletionProtection"), False))
    assign(res, "auto_minor_version_upgrade", to_bool(p.get("AutoMinorVersionUpgrade"), True))
    assign(
        res,
        "iam_database_authentication_enabled",
        to_bool(p.get("EnableIAMDatabaseAuthentication"), False),
    )
    assign(
        res,
        "enabled_cloudwatch_logs_exports",
        to_word_list(p.get("EnableCloudwatchLogsExports"), []),
    )
    group = to_str(p.get("DBParameterGroupName"))
    if group is None:
        group = Unresolved(_DEFAULT_GROUP.format(prop="DBParameterGroupName"))
    assign(res, "parameter_group_names", [group])
    assign(res, "ca_certificate", to_word(p.get("CACertificateIdentifier")))
    subnet_group = p.get("DBSubnetGroupName")
    if isinstance(subnet_group, ResRef):
        mark_subnets_in_use(
            stack, stack.extra.get("db_subnet_groups", {}).get(subnet_group.logical)
        )
    return res


@primary("AWS::RDS::DBSubnetGroup")
def db_subnet_group(stack: Stack, lr: LogicalResource, p: Props) -> None:
    stack.extra.setdefault("db_subnet_groups", {})[lr.logical_id] = p.get("SubnetIds")


@primary("AWS::RDS::DBCluster")
def db_cluster(stack: Stack, lr: LogicalResource, p: Props) -> DbCluster:
    key = stack.key_of(lr.logical_id)
    res = DbCluster(id=key, name=key, region=stack.region, tags=tags_of(p))
    res.arn = stack.arn("rds", f"cluster:{key}")
    res.status = "available"
    assign(res, "engine", _lower(to_word(p.get("Engine"))))
    assign(res, "engine_version", to_word(p.get("EngineVersion")))
    mode = to_word(p.get("EngineMode"), "provisioned")
    assign(res, "engine_mode", mode)
    encrypted = to_bool(p.get("StorageEncrypted"))
    if encrypted is None:
        restored = _any_present(p, "SnapshotIdentifier", "SourceDBClusterIdentifier")
        # Aurora Serverless v1 is always encrypted.
        encrypted = _inherited_encryption(restored, unknown_or(mode, lambda m: m == "serverless"))
    assign(res, "storage_encrypted", encrypted)
    assign(res, "kms_key_id", to_str(p.get("KmsKeyId"), ""))
    assign(res, "backup_retention_period", to_int(p.get("BackupRetentionPeriod"), 1))
    assign(res, "deletion_protection", to_bool(p.get("DeletionProtection"), False))
    assign(
        res,
        "iam_database_authentication_enabled",
        to_bool(p.get("EnableIAMDatabaseAuthentication"), False),
    )
    assign(
        res,
        "enabled_cloudwatch_logs_exports",
        to_word_list(p.get("EnableCloudwatchLogsExports"), []),
    )
    group = to_str(p.get("DBClusterParameterGroupName"))
    if group is None:
        group = Unresolved(_DEFAULT_GROUP.format(prop="DBClusterParameterGroupName"))
    assign(res, "parameter_group_names", [group])
    public = to_bool(p.get("PubliclyAccessible"))
    if public is not None:
        assign(res, "publicly_accessible", public)
    # A Multi-AZ DB cluster (not Aurora): True, False or Unresolved.
    multi_az_cluster = p.presence("DBClusterInstanceClass")
    stack.extra.setdefault("clusters", {})[key] = {
        "multi_az_cluster": multi_az_cluster,
        "auto_minor": to_bool(p.get("AutoMinorVersionUpgrade")),
    }
    return res


def _parameter_group(stack: Stack, lr: LogicalResource, p: Props, kind: str) -> DbParameterGroup:
    key = stack.key_of(lr.logical_id)
    res = DbParameterGroup(
        id=parameter_group_id(kind, key), name=key, region=stack.region, kind=kind, tags=tags_of(p)
    )
    family = to_word(p.get("Family"))
    assign(res, "family", family)
    params = p.get("Parameters", {})
    if isinstance(params, Unresolved):
        assign(res, "parameters", params)
        return res
    if not isinstance(params, dict):
        res.mark_unknown("Parameters is not a map", "parameters")
        return res
    tracked: dict[str, Any] = {}
    for name, value in params.items():
        if name in TRACKED_PARAMETERS and value is not None:
            tracked[name] = to_word(value)
    tls_params = sorted({param for _, param in _TLS_PARAMETER_BY_FAMILY})
    if isinstance(family, Unresolved) and not any(param in tracked for param in tls_params):
        # Which TLS parameter applies, and its engine default, follow from the family.
        why = Unresolved(
            f"no TLS parameter ({', '.join(tls_params)}) is set and the family, whose engine "
            f"default applies, is not known: {family.reason}"
        )
        tracked.update(dict.fromkeys(tls_params, why))
    if isinstance(family, str):
        tls_param = next(
            (prm for pre, prm in _TLS_PARAMETER_BY_FAMILY if family.startswith(pre)), None
        )
        if tls_param is not None and tls_param not in tracked:
            default = next(
                (
                    v
                    for pattern, prm, v in TLS_DEFAULTS
                    if prm == tls_param and pattern.match(family)
                ),
                None,
            )
            if default is None:
                tracked[tls_param] = Unresolved(
                    f"{tls_param} is not set and the engine default for family {family} is "
                    "not known offline"
                )
            else:
                tracked[tls_param] = default
    assign(res, "parameters", tracked)
    return res


@primary("AWS::RDS::DBParameterGroup")
def db_parameter_group(stack: Stack, lr: LogicalResource, p: Props) -> DbParameterGroup:
    return _parameter_group(stack, lr, p, "instance")


@primary("AWS::RDS::DBClusterParameterGroup")
def db_cluster_parameter_group(stack: Stack, lr: LogicalResource, p: Props) -> DbParameterGroup:
    return _parameter_group(stack, lr, p, "cluster")


@finisher
def cluster_members(stack: Stack) -> None:
    info = stack.extra.get("clusters", {})
    instances = stack.built(DbInstance)
    # Instances whose cluster is not known may be members of any cluster.
    maybe = [i for i in instances if i.cluster_id is None and "cluster_id" in i.unknown]
    for cluster in stack.built(DbCluster):
        members = [i for i in instances if i.cluster_id == cluster.id]
        cluster.members = [m.id for m in members]
        meta = info.get(cluster.id, {})
        kind = meta.get("multi_az_cluster")
        doubt = (
            f"DB instance {maybe[0].label} may be a member: {maybe[0].unknown['cluster_id']}"
            if maybe
            else None
        )
        if kind is True:
            cluster.multi_az = True  # Multi-AZ DB clusters always span three AZs
        elif isinstance(kind, Unresolved):
            cluster.mark_unknown(
                f"whether it is a Multi-AZ DB cluster (DBClusterInstanceClass) is not known: "
                f"{kind.reason}",
                "multi_az",
            )
        elif not members:
            cluster.mark_unknown(
                doubt or "no DB instance of this cluster is defined in the template", "multi_az"
            )
        else:
            zones = [_zone(stack, m) for m in members]
            if len(members) > 1 and any(z is None for z in zones):
                cluster.mark_unknown(
                    "the cluster has several instances but not every one names its "
                    "Availability Zone",
                    "multi_az",
                )
            elif len(members) > 1 and len(set(zones)) > 1:
                cluster.multi_az = True
            elif doubt is not None:  # another instance, in another zone, may belong to it
                cluster.mark_unknown(doubt, "multi_az")
            else:
                cluster.multi_az = False
        auto_minor = meta.get("auto_minor")
        if auto_minor is None:
            values = [m.auto_minor_version_upgrade for m in members]
            auto_minor = all(v is True for v in values) if values else True
            if values and any(v is None for v in values):
                auto_minor = Unresolved("a member's AutoMinorVersionUpgrade is not known")
            elif auto_minor is True and doubt is not None:
                auto_minor = Unresolved(doubt)
        assign(cluster, "auto_minor_version_upgrade", auto_minor)


def _zone(stack: Stack, inst: DbInstance) -> str | None:
    for lr in stack.of_type("AWS::RDS::DBInstance"):
        if stack.by_logical.get(lr.logical_id) is inst:
            zone = stack.props(lr).get("AvailabilityZone")
            return zone if isinstance(zone, str) else None
    return None


# ---- DynamoDB -------------------------------------------------------------------------------------


@primary("AWS::DynamoDB::Table")
def dynamodb_table(stack: Stack, lr: LogicalResource, p: Props) -> DynamoTable:
    key = stack.key_of(lr.logical_id)
    res = DynamoTable(id=key, name=key, region=stack.region, tags=tags_of(p))
    res.arn = stack.arn("dynamodb", f"table/{key}")
    res.status = "ACTIVE"
    assign(res, "billing_mode", to_word(p.get("BillingMode"), "PROVISIONED"))
    assign(res, "table_class", to_word(p.get("TableClass"), "STANDARD"))
    pitr = p.sub("PointInTimeRecoverySpecification").get("PointInTimeRecoveryEnabled")
    assign(res, "pitr_enabled", to_bool(pitr, False))
    assign(res, "deletion_protection", to_bool(p.get("DeletionProtectionEnabled"), False))
    sse = p.sub("SSESpecification")
    enabled = to_bool(sse.get("SSEEnabled"), False)
    if isinstance(enabled, Unresolved):
        res.mark_unknown(
            enabled.reason, "sse_type", "sse_status", "kms_key_arn", "customer_managed_key"
        )
    elif not enabled:
        res.sse_type, res.sse_status, res.kms_key_arn = "AWS_OWNED", "", ""
        res.customer_managed_key = False
    else:
        res.sse_type, res.sse_status = "KMS", "ENABLED"
        key_ref = to_str(sse.get("KMSMasterKeyId"))
        assign(res, "kms_key_arn", key_ref if key_ref is not None else "")
        assign(res, "customer_managed_key", customer_managed(stack, key_ref, "aws/dynamodb"))
    return res


def customer_managed(stack: Stack, key_ref: Any, aws_alias: str) -> Any:
    """Whether a KMS key reference is a customer managed key (Unresolved when unknown)."""
    if key_ref is None:
        return False  # the AWS managed key
    if isinstance(key_ref, Unresolved):
        return key_ref
    if isinstance(key_ref, ResRef):
        lr = stack.logical.get(key_ref.logical)
        if lr is not None and lr.type in (
            "AWS::KMS::Key",
            "AWS::KMS::ReplicaKey",
            "AWS::KMS::Alias",
        ):
            return True
    text = str(key_ref)
    if text.startswith("alias/aws/") or text == aws_alias or ":alias/aws/" in text:
        return False
    return Unresolved(
        f"key {text} is not defined in this template: whether it is customer managed is not known"
    )
