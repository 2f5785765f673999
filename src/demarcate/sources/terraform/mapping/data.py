"""RDS (instances, cluster members, clusters, parameter groups, snapshots), DynamoDB tables
and Secrets Manager secrets.

Defaults (AWS API / provider): DB instances and clusters are not public, not encrypted, keep
automated backups 1 day, are Single-AZ, have no deletion protection and no IAM database
authentication, export no logs; instances upgrade minor versions automatically. An instance
or cluster without a parameter group uses ``default.<family>``, whose TLS parameter carries
the engine default: off for MySQL, MariaDB, Aurora MySQL and SQL Server, on for RDS for
PostgreSQL 15 and later, off before; other cases stay unknown. DynamoDB tables use an AWS owned
key unless ``server_side_encryption`` is enabled, and have PITR and deletion protection off.
A secret rotates only with ``aws_secretsmanager_secret_rotation``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from demarcate.resources.dynamodb import DynamoTable
from demarcate.resources.rds import (
    TRACKED_PARAMETERS,
    DbCluster,
    DbInstance,
    DbParameterGroup,
    DbSnapshot,
    parameter_group_id,
)
from demarcate.resources.secretsmanager import SecretsManagerSecret
from demarcate.sources.terraform.mapping.base import (
    Builder,
    as_bool,
    as_int,
    as_list,
    as_str,
    as_strs,
    block,
    blocks,
    get,
    mapper,
    put,
)
from demarcate.sources.terraform.raw import RawResource
from demarcate.sources.terraform.values import UnknownValue, unknown_or


def family_of(engine: Any, version: Any) -> str | None:
    """The parameter group family of an engine and version (None when not derivable)."""
    if not isinstance(engine, str) or not isinstance(version, str) or not version:
        return None
    parts = version.split(".")
    if engine in ("postgres", "aurora-postgresql"):
        return f"{engine}{parts[0]}"
    if engine in ("mysql", "mariadb", "aurora-mysql") and len(parts) >= 2:
        return f"{engine}{parts[0]}.{parts[1]}"
    return None


def engine_defaults(engine: Any, version: Any, family: Any) -> dict[str, str] | None:
    """Tracked parameters' engine defaults; None when not known to demarcate."""
    text = family if isinstance(family, str) else family_of(engine, version)
    eng = engine if isinstance(engine, str) else ""
    if not eng and isinstance(text, str):
        eng = re.sub(r"[\d.]+$", "", text)
    if eng.startswith(("mysql", "mariadb", "aurora-mysql")) or eng == "aurora":
        return {"require_secure_transport": "0"}
    if eng.startswith("sqlserver"):
        return {"rds.force_ssl": "0"}
    if eng == "postgres" or (isinstance(text, str) and re.fullmatch(r"postgres\d+", text)):
        major = re.search(r"(\d+)", text or (version if isinstance(version, str) else "") or "")
        if major is None:
            return None
        return {"rds.force_ssl": "1" if int(major.group(1)) >= 15 else "0"}
    return None


def _parameters(raw: RawResource) -> Any:
    params = blocks(raw.attrs, "parameter")
    if isinstance(params, UnknownValue):
        return params
    out: dict[str, str] = {}
    for p in params:
        name, value = p.get("name"), p.get("value")
        if isinstance(name, UnknownValue):
            return name
        if name in TRACKED_PARAMETERS:
            if isinstance(value, UnknownValue):
                return value
            out[str(name)] = str(value)
    return out


class _Groups:
    def __init__(self, b: Builder) -> None:
        self.b = b
        self.made: dict[tuple[str, str, Any], DbParameterGroup] = {}

    def declared(self) -> None:
        for kind, rtype in (
            ("instance", "aws_db_parameter_group"),
            ("cluster", "aws_rds_cluster_parameter_group"),
        ):
            for raw in self.b.of(rtype):
                name = self.b.ident(raw, "name")
                family = raw.attrs.get("family")
                params = _parameters(raw)
                if isinstance(params, dict):
                    defaults = engine_defaults(None, None, family)
                    if defaults is not None:
                        params = {**defaults, **params}  # unset parameters keep the engine default
                    elif (
                        isinstance(family, str)
                        and family.startswith("aurora-postgresql")
                        and "rds.force_ssl" not in params
                    ):
                        params = UnknownValue(
                            f"the {family} engine default of rds.force_ssl is not known to demarcate"
                        )
                group = self.b.new(
                    DbParameterGroup,
                    raw,
                    parameter_group_id(kind, str(name)),
                    name=name,
                    arn=self.b.known_arn(raw),
                    kind=kind,
                    family=as_str(family),
                    parameters=params,
                )
                self.made[(kind, str(name), group.region)] = group

    def names(self, raw: RawResource, kind: str, attr: str, engine: Any, version: Any) -> Any:
        value = raw.attrs.get(attr)
        if isinstance(value, UnknownValue):
            return value
        if value is not None:
            return [str(value)]
        family = family_of(engine, version)
        name = f"default.{family or engine}"
        key = (kind, name, raw.region if isinstance(raw.region, str) else "global")
        if key not in self.made:
            defaults = engine_defaults(engine, version, family)
            engine_label = " ".join(str(x) for x in (engine, version) if x)
            self.made[key] = self.b.new(
                DbParameterGroup,
                raw,
                parameter_group_id(kind, name),
                name=name,
                primary=False,
                kind=kind,
                family=family or UnknownValue("the engine version is not pinned"),
                parameters=defaults
                if defaults is not None
                else UnknownValue(f"the engine default TLS setting of {engine_label} is not known"),
            )
            self.made[key].tags = None
        return [name]


@mapper(order=30)
def map_rds(b: Builder) -> None:
    groups = _Groups(b)
    groups.declared()
    clusters: dict[str, DbCluster] = {}
    members: dict[str, list[RawResource]] = defaultdict(list)
    for raw in b.of("aws_rds_cluster_instance"):
        target = b.find(raw.attrs.get("cluster_identifier"), "aws_rds_cluster")
        if target is not None:
            members[target.address].append(raw)
    for raw in b.of("aws_rds_cluster"):
        a = raw.attrs
        ident = b.ident(raw, "cluster_identifier")
        engine = as_str(a.get("engine"), "aurora")
        mode = as_str(a.get("engine_mode"), "provisioned")
        mine = members.get(raw.address, [])
        multi: Any
        if a.get("db_cluster_instance_class") is not None:
            multi = True  # Multi-AZ DB cluster (non-Aurora): three instances in three AZs
        elif len(mine) < 2:
            multi = False
        else:
            zones = [m.attrs.get("availability_zone") for m in mine]
            if any(z is None or isinstance(z, UnknownValue) for z in zones):
                multi = UnknownValue(
                    "the Availability Zones of the cluster's instances are not in the code"
                )
            else:
                multi = len(set(zones)) > 1
        amvu = a.get("auto_minor_version_upgrade")
        if amvu is None and mine:
            flags = [as_bool(m.attrs.get("auto_minor_version_upgrade"), True) for m in mine]
            amvu = unknown_or(flags, all)
        cluster = b.new(
            DbCluster,
            raw,
            str(ident),
            name=ident,
            arn=b.known_arn(raw),
            engine=engine,
            engine_version=as_str(a.get("engine_version")),
            engine_mode=mode,
            status="available",
            publicly_accessible=as_bool(a.get("publicly_accessible"), False),
            storage_encrypted=as_bool(a.get("storage_encrypted"), mode == "serverless"),
            kms_key_id=as_str(a.get("kms_key_id"), ""),
            backup_retention_period=as_int(a.get("backup_retention_period"), 1),
            multi_az=multi,
            deletion_protection=as_bool(a.get("deletion_protection"), False),
            auto_minor_version_upgrade=as_bool(amvu, True),
            iam_database_authentication_enabled=as_bool(
                a.get("iam_database_authentication_enabled"), False
            ),
            enabled_cloudwatch_logs_exports=as_strs(a.get("enabled_cloudwatch_logs_exports")),
            parameter_group_names=groups.names(
                raw, "cluster", "db_cluster_parameter_group_name", engine, a.get("engine_version")
            ),
            members=[str(b.ident(m, "identifier")) for m in mine],
        )
        clusters[raw.address] = cluster
    for raw in b.of("aws_db_instance", "aws_rds_cluster_instance"):
        a = raw.attrs
        ident = b.ident(raw, "identifier")
        cluster_raw = (
            b.find(a.get("cluster_identifier"), "aws_rds_cluster")
            if raw.type == "aws_rds_cluster_instance"
            else None
        )
        parent = clusters.get(cluster_raw.address) if cluster_raw else None
        engine = as_str(a.get("engine"), parent.engine if parent else None)
        version = a.get("engine_version") or (parent.engine_version if parent else None)
        source = a.get("replicate_source_db")
        encrypted = as_bool(a.get("storage_encrypted"), False)
        inst = b.new(
            DbInstance,
            raw,
            str(ident),
            name=ident,
            arn=b.known_arn(raw),
            engine=engine if engine is not None else UnknownValue("the engine is not in the code"),
            engine_version=as_str(version),
            instance_class=as_str(a.get("instance_class")),
            status="available",
            publicly_accessible=as_bool(a.get("publicly_accessible"), False),
            storage_encrypted=encrypted,
            kms_key_id=as_str(a.get("kms_key_id"), "") if encrypted is True else "",
            backup_retention_period=as_int(a.get("backup_retention_period"), 0 if source else 1),
            multi_az=as_bool(a.get("multi_az"), False),
            deletion_protection=as_bool(a.get("deletion_protection"), False),
            auto_minor_version_upgrade=as_bool(a.get("auto_minor_version_upgrade"), True),
            iam_database_authentication_enabled=as_bool(
                a.get("iam_database_authentication_enabled"), False
            ),
            enabled_cloudwatch_logs_exports=as_strs(a.get("enabled_cloudwatch_logs_exports")),
            parameter_group_names=groups.names(
                raw,
                "instance",
                "db_parameter_group_name"
                if raw.type == "aws_rds_cluster_instance"
                else "parameter_group_name",
                engine,
                version,
            ),
            ca_certificate=as_str(a.get("ca_cert_identifier")),
            cluster_id=(parent.id if parent else as_str(a.get("cluster_identifier"), "")),
            replica_source=as_str(b.key_of(source, "aws_db_instance"), ""),
        )
        if raw.type == "aws_rds_cluster_instance" and parent is not None:
            for f in (
                "storage_encrypted",
                "kms_key_id",
                "backup_retention_period",
                "multi_az",
                "deletion_protection",
            ):
                setattr(inst, f, getattr(parent, f))
    for kind, rtype, key, source_key, source_type in (
        (
            "instance",
            "aws_db_snapshot",
            "db_snapshot_identifier",
            "db_instance_identifier",
            "aws_db_instance",
        ),
        (
            "cluster",
            "aws_db_cluster_snapshot",
            "db_cluster_snapshot_identifier",
            "db_cluster_identifier",
            "aws_rds_cluster",
        ),
    ):
        for raw in b.of(rtype):
            ident = b.ident(raw, key)
            source = b.find(raw.attrs.get(source_key), source_type)
            res = b.by_address.get(source.address) if source else None
            snap_encrypted: Any = getattr(res, "storage_encrypted", None) if res else None
            if snap_encrypted is None:
                snap_encrypted = UnknownValue("the snapshot's source database is not in the code")
            shared = as_strs(raw.attrs.get("shared_accounts"))
            b.new(
                DbSnapshot,
                raw,
                str(ident),
                name=ident,
                arn=b.known_arn(raw),
                kind=kind,
                snapshot_type="manual",
                source_id=res.id if res else as_str(raw.attrs.get(source_key)),
                engine=getattr(res, "engine", None) if res else None,
                encrypted=snap_encrypted,
                public=shared if isinstance(shared, UnknownValue) else "all" in shared,
                shared_with=shared
                if isinstance(shared, UnknownValue)
                else sorted(s for s in shared if s != "all"),
            )


@mapper(order=30)
def map_dynamodb(b: Builder) -> None:
    for raw in b.of("aws_dynamodb_table"):
        a = raw.attrs
        name = b.ident(raw, "name")
        pitr = block(a, "point_in_time_recovery")
        sse = block(a, "server_side_encryption")
        fields: dict[str, Any] = {}
        if isinstance(sse, UnknownValue):
            fields = dict.fromkeys(("sse_type", "kms_key_arn", "customer_managed_key"), sse)
        elif as_bool(sse.get("enabled"), False) is True:
            key = as_str(sse.get("kms_key_arn"), "")
            if isinstance(key, UnknownValue):
                customer: Any = key
            elif not key or "alias/aws/" in key:
                customer = False
            elif b.find(key, "aws_kms_key", "aws_kms_external_key") is not None:
                customer = True
            else:
                customer = UnknownValue(
                    f"KMS key {key} is not in the code (customer managed or not?)"
                )
            fields = {"sse_type": "KMS", "kms_key_arn": key, "customer_managed_key": customer}
        else:
            enabled = as_bool(sse.get("enabled"), False)
            if isinstance(enabled, UnknownValue):
                fields = dict.fromkeys(("sse_type", "kms_key_arn", "customer_managed_key"), enabled)
            else:
                fields = {"sse_type": "AWS_OWNED", "kms_key_arn": "", "customer_managed_key": False}
        b.new(
            DynamoTable,
            raw,
            str(name),
            name=name,
            arn=b.known_arn(raw),
            status="ACTIVE",
            billing_mode=as_str(a.get("billing_mode"), "PROVISIONED"),
            table_class=as_str(a.get("table_class"), "STANDARD"),
            pitr_enabled=pitr
            if isinstance(pitr, UnknownValue)
            else as_bool(pitr.get("enabled"), False),
            sse_status="ENABLED",
            deletion_protection=as_bool(a.get("deletion_protection_enabled"), False),
            **fields,
        )


@mapper(order=30)
def map_secrets(b: Builder) -> None:
    rotations: dict[str, RawResource] = {}
    for raw in b.of("aws_secretsmanager_secret_rotation"):
        target = b.find(raw.attrs.get("secret_id"), "aws_secretsmanager_secret")
        if target is not None:
            rotations[target.address] = raw
    for raw in b.of("aws_secretsmanager_secret"):
        name = b.ident(raw, "name")
        rotation = rotations.get(raw.address)
        rules = block(rotation.attrs, "rotation_rules") if rotation else {}
        secret = b.new(
            SecretsManagerSecret,
            raw,
            str(name),
            name=name,
            arn=b.known_arn(raw),
            description=as_str(raw.attrs.get("description")),
            rotation_enabled=rotation is not None,
            rotation_lambda_arn=as_str(rotation.attrs.get("rotation_lambda_arn"))
            if rotation
            else None,
            rotation_interval_days=as_int(get(rules, "automatically_after_days"))
            if rules
            else None,
            rotation_schedule=as_str(get(rules, "schedule_expression")) if rules else None,
            scheduled_for_deletion=False,
        )
        kms = raw.attrs.get("kms_key_id")
        if kms is not None:
            put(secret, "kms_key_id", as_str(kms))
        for f in ("created", "last_rotated", "last_changed", "last_accessed"):
            secret.unknown[f] = "secret dates are known only in a live account"


__all__ = ["as_list", "engine_defaults", "family_of"]
