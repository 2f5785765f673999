"""RDS checks: encryption, exposure, backups and failover, patching, IAM auth, TLS, logging.

Cluster members (Aurora, Multi-AZ DB clusters) take encryption, backups, deletion protection,
IAM authentication, log exports and the TLS parameter from their cluster: those checks run on
the DbCluster and return None for the member instances. Public access and automatic minor
version upgrades are per instance and are judged on every instance.
"""

from __future__ import annotations

from demarcate.checks.registry import (
    Remediation,
    Result,
    Unknown,
    check,
    failed,
    need,
    passed,
)
from demarcate.resources.base import Inventory
from demarcate.resources.rds import (
    DbCluster,
    DbInstance,
    DbParameterGroup,
    DbSnapshot,
    parameter_group_id,
)

MIN_BACKUP_RETENTION_DAYS = 7

# Engines that support IAM database authentication.
IAM_AUTH_ENGINES = ("mysql", "mariadb", "postgres", "aurora-mysql", "aurora-postgresql", "aurora")

TRUE_VALUES = frozenset({"1", "on", "true"})

# Which parameter forces TLS, by engine prefix (longest prefixes first).
TLS_PARAMETER: tuple[tuple[str, str], ...] = (
    ("aurora-postgresql", "rds.force_ssl"),
    ("aurora-mysql", "require_secure_transport"),
    ("aurora", "require_secure_transport"),  # Aurora MySQL 5.6-compatible
    ("postgres", "rds.force_ssl"),
    ("sqlserver", "rds.force_ssl"),
    ("mysql", "require_secure_transport"),
    ("mariadb", "require_secure_transport"),
)

# Log types worth exporting, by engine prefix (only used to make the failure actionable).
SUGGESTED_LOGS: tuple[tuple[str, str], ...] = (
    ("aurora-postgresql", "postgresql"),
    ("aurora-mysql", "audit, error, slowquery"),
    ("aurora", "audit, error, slowquery"),
    ("postgres", "postgresql, upgrade"),
    ("mysql", "audit, error, general, slowquery"),
    ("mariadb", "audit, error, general, slowquery"),
    ("sqlserver", "agent, error"),
    ("oracle", "alert, audit, listener, trace"),
    ("db2", "diag.log, notify.log"),
)


def _by_prefix(table: tuple[tuple[str, str], ...], engine: str) -> str | None:
    for prefix, value in table:
        if engine.startswith(prefix):
            return value
    return None


def _tls_parameter(engine: str) -> str | None:
    return _by_prefix(TLS_PARAMETER, engine)


def _member(inst: DbInstance) -> bool:
    """True when the instance belongs to a cluster (cluster-level settings judged there)."""
    return bool(need(inst, "cluster_id"))


def _group(res: DbInstance | DbCluster, kind: str, name: str, inv: Inventory) -> DbParameterGroup:
    groups = inv.derive(
        "rds-parameter-groups", lambda: {(g.id, g.region): g for g in inv.of(DbParameterGroup)}
    )
    group = groups.get((parameter_group_id(kind, name), res.region))
    if group is not None:
        return group
    raise Unknown(f"{res.label}: parameter group {name} was not collected")


def _tls_result(what: str, res: DbInstance | DbCluster, kind: str, inv: Inventory) -> Result | None:
    engine = need(res, "engine")
    param = _tls_parameter(engine)
    if param is None:
        return None  # Oracle / Db2 use options or client settings, not a parameter
    names = need(res, "parameter_group_names")
    if not names:
        raise Unknown(f"{res.label}: no parameter group reported")
    bad: list[str] = []
    for name in names:
        group = _group(res, kind, name, inv)
        params = need(group, "parameters")
        value = params.get(param)
        if value is None:
            bad.append(f"{param} is not set in parameter group {name}")
        elif value.strip().lower() not in TRUE_VALUES:
            bad.append(f"{param} is {value} in parameter group {name}")
    if bad:
        return failed(f"{what} {res.label} ({engine}): " + "; ".join(bad))
    return passed(
        f"{what} {res.label} ({engine}): {param} is on in parameter group {', '.join(names)}"
    )


def _logs_result(what: str, res: DbInstance | DbCluster) -> Result:
    engine = need(res, "engine")
    exports = need(res, "enabled_cloudwatch_logs_exports")
    if exports:
        return passed(
            f"{what} {res.label}: exports {', '.join(sorted(exports))} logs to CloudWatch"
        )
    hint = _by_prefix(SUGGESTED_LOGS, engine)
    suffix = f" (for {engine} export {hint})" if hint else ""
    return failed(f"{what} {res.label}: no logs are exported to CloudWatch Logs{suffix}")


# --------------------------------------------------------------------------- instances


@check(
    id="rds-instance-storage-encrypted",
    title="RDS DB instances encrypt their storage at rest",
    duty="rds.data-encryption",
    severity="medium",
    resource_type=DbInstance,
    rationale=(
        "Unencrypted storage exposes data, automated backups, replicas and snapshots to anyone "
        "who obtains the underlying volumes or a copied snapshot; encryption cannot be turned on "
        "for an existing instance, only by restoring an encrypted copy."
    ),
    cis=("3.2.1",),
    fsbp=("RDS.3",),
    remediation=Remediation(
        console=(
            "RDS > Snapshots > take a snapshot of the instance > Actions > Copy snapshot with "
            "'Enable encryption' and a KMS key > Restore the encrypted copy, then switch clients "
            "to the new instance."
        ),
        cli=(
            "aws rds create-db-snapshot --db-instance-identifier <db> --db-snapshot-identifier s1; "
            "aws rds copy-db-snapshot --source-db-snapshot-identifier s1 "
            "--target-db-snapshot-identifier s1-enc --kms-key-id <key>; "
            "aws rds restore-db-instance-from-db-snapshot --db-instance-identifier <db>-enc "
            "--db-snapshot-identifier s1-enc"
        ),
        terraform=(
            'resource "aws_db_instance" "this" {\n'
            "  storage_encrypted = true\n"
            "  kms_key_id        = aws_kms_key.rds.arn\n}"
        ),
    ),
)
def instance_encrypted(inst: DbInstance, inv: Inventory) -> Result | None:
    if _member(inst):
        return None
    if need(inst, "storage_encrypted"):
        key = inst.kms_key_id or "the default key"
        return passed(f"DB instance {inst.label}: storage is encrypted with {key}")
    return failed(f"DB instance {inst.label}: storage is not encrypted")


@check(
    id="rds-instance-not-public",
    title="RDS DB instances are not publicly accessible",
    duty="rds.network-security",
    severity="critical",
    resource_type=DbInstance,
    rationale=(
        "A publicly accessible instance gets a public DNS name and IP; only security groups then "
        "stand between the database listener and the internet."
    ),
    cis=("3.2.3",),
    fsbp=("RDS.2",),
    remediation=Remediation(
        console="RDS > Databases > instance > Modify > Connectivity > Additional configuration > "
        "Not publicly accessible > Apply immediately.",
        cli="aws rds modify-db-instance --db-instance-identifier <db> --no-publicly-accessible "
        "--apply-immediately",
        terraform='resource "aws_db_instance" "this" {\n  publicly_accessible = false\n}',
    ),
)
def instance_not_public(inst: DbInstance, inv: Inventory) -> Result | None:
    if need(inst, "publicly_accessible"):
        return failed(f"DB instance {inst.label}: PubliclyAccessible is true")
    return passed(f"DB instance {inst.label}: not publicly accessible")


@check(
    id="rds-instance-backup-retention",
    title=f"RDS DB instances keep automated backups for at least {MIN_BACKUP_RETENTION_DAYS} days",
    duty="rds.backup-strategy",
    severity="medium",
    resource_type=DbInstance,
    rationale=(
        "AWS runs the backups, but the retention period is the customer's choice; with 0 days "
        "there is no point-in-time recovery, and short windows miss problems found late."
    ),
    fsbp=("RDS.11",),
    remediation=Remediation(
        console="RDS > Databases > instance > Modify > Backup > Backup retention period: 7 days "
        "or more > Apply immediately.",
        cli="aws rds modify-db-instance --db-instance-identifier <db> --backup-retention-period 7 "
        "--apply-immediately",
        terraform='resource "aws_db_instance" "this" {\n  backup_retention_period = 7\n}',
    ),
)
def instance_backup_retention(inst: DbInstance, inv: Inventory) -> Result | None:
    if _member(inst) or inst.replica_source:
        return None  # replicas are restored from their source's backups
    days = need(inst, "backup_retention_period")
    if days >= MIN_BACKUP_RETENTION_DAYS:
        return passed(f"DB instance {inst.label}: automated backups kept {days} days")
    if days == 0:
        return failed(
            f"DB instance {inst.label}: automated backups are disabled (retention 0 days)"
        )
    return failed(
        f"DB instance {inst.label}: backup retention is {days} day(s), "
        f"below {MIN_BACKUP_RETENTION_DAYS}"
    )


@check(
    id="rds-instance-multi-az",
    title="RDS DB instances run Multi-AZ",
    duty="rds.backup-strategy",
    severity="medium",
    resource_type=DbInstance,
    rationale=(
        "AWS fails over to a standby automatically only for Multi-AZ deployments; a Single-AZ "
        "instance is down for the whole of an AZ or host outage and the customer must restore it."
    ),
    cis=("3.2.4",),
    fsbp=("RDS.5",),
    remediation=Remediation(
        console="RDS > Databases > instance > Modify > Availability & durability > Create a "
        "standby instance > Apply (during the maintenance window or immediately).",
        cli="aws rds modify-db-instance --db-instance-identifier <db> --multi-az --apply-immediately",
        terraform='resource "aws_db_instance" "this" {\n  multi_az = true\n}',
    ),
)
def instance_multi_az(inst: DbInstance, inv: Inventory) -> Result | None:
    if _member(inst):
        return None
    if need(inst, "multi_az"):
        return passed(f"DB instance {inst.label}: Multi-AZ is enabled")
    return failed(f"DB instance {inst.label}: Single-AZ (MultiAZ is false)")


@check(
    id="rds-instance-deletion-protection",
    title="RDS DB instances have deletion protection enabled",
    duty="rds.backup-strategy",
    severity="low",
    resource_type=DbInstance,
    rationale="Deletion protection stops an accidental or malicious delete of a production database.",
    fsbp=("RDS.8",),
    remediation=Remediation(
        console="RDS > Databases > instance > Modify > Deletion protection: enable > Apply immediately.",
        cli="aws rds modify-db-instance --db-instance-identifier <db> --deletion-protection "
        "--apply-immediately",
        terraform='resource "aws_db_instance" "this" {\n  deletion_protection = true\n}',
    ),
)
def instance_deletion_protection(inst: DbInstance, inv: Inventory) -> Result | None:
    if _member(inst):
        return None
    if need(inst, "deletion_protection"):
        return passed(f"DB instance {inst.label}: deletion protection is enabled")
    return failed(f"DB instance {inst.label}: deletion protection is disabled")


@check(
    id="rds-instance-auto-minor-version-upgrade",
    title="RDS DB instances apply minor engine versions automatically",
    duty="rds.database-configuration",
    severity="high",
    resource_type=DbInstance,
    rationale=(
        "With automatic minor version upgrade on, AWS applies engine security patches in the "
        "maintenance window; with it off, patching the engine is the customer's job."
    ),
    cis=("3.2.2",),
    fsbp=("RDS.13",),
    remediation=Remediation(
        console="RDS > Databases > instance > Modify > Maintenance > Enable auto minor version "
        "upgrade > Apply immediately.",
        cli="aws rds modify-db-instance --db-instance-identifier <db> "
        "--auto-minor-version-upgrade --apply-immediately",
        terraform='resource "aws_db_instance" "this" {\n  auto_minor_version_upgrade = true\n}',
    ),
)
def instance_auto_minor_upgrade(inst: DbInstance, inv: Inventory) -> Result | None:
    if need(inst, "auto_minor_version_upgrade"):
        return passed(f"DB instance {inst.label}: auto minor version upgrade is enabled")
    engine = " ".join(x for x in (inst.engine, inst.engine_version) if x) or "engine"
    return failed(
        f"DB instance {inst.label}: auto minor version upgrade is disabled "
        f"({engine} minor patches are left to the customer)"
    )


@check(
    id="rds-instance-iam-authentication",
    title="RDS DB instances have IAM database authentication enabled",
    duty="rds.database-level-security",
    severity="medium",
    resource_type=DbInstance,
    rationale=(
        "IAM authentication replaces long-lived database passwords with short-lived tokens tied "
        "to IAM identities, so access is granted and revoked in one place."
    ),
    fsbp=("RDS.10",),
    remediation=Remediation(
        console="RDS > Databases > instance > Modify > Database authentication > Password and "
        "IAM database authentication > Apply immediately.",
        cli="aws rds modify-db-instance --db-instance-identifier <db> "
        "--enable-iam-database-authentication --apply-immediately",
        terraform='resource "aws_db_instance" "this" {\n'
        "  iam_database_authentication_enabled = true\n}",
    ),
)
def instance_iam_auth(inst: DbInstance, inv: Inventory) -> Result | None:
    engine = need(inst, "engine")
    if _member(inst) or not engine.startswith(IAM_AUTH_ENGINES):
        return None
    if need(inst, "iam_database_authentication_enabled"):
        return passed(f"DB instance {inst.label}: IAM database authentication is enabled")
    return failed(f"DB instance {inst.label}: IAM database authentication is disabled")


@check(
    id="rds-instance-force-tls",
    title="RDS DB instances reject unencrypted client connections",
    duty="rds.ssl-tls",
    severity="medium",
    resource_type=DbInstance,
    rationale=(
        "RDS offers TLS but accepts plaintext connections unless the parameter group forces TLS "
        "(rds.force_ssl=1 for PostgreSQL/SQL Server, require_secure_transport=ON for "
        "MySQL/MariaDB); credentials and data then cross the network in clear."
    ),
    fsbp=("RDS.41", "RDS.44"),
    remediation=Remediation(
        console=(
            "RDS > Parameter groups > Create a custom group for the engine family > Edit: "
            "rds.force_ssl = 1 (PostgreSQL, SQL Server) or require_secure_transport = ON "
            "(MySQL, MariaDB) > Databases > instance > Modify > DB parameter group."
        ),
        cli=(
            "aws rds modify-db-parameter-group --db-parameter-group-name <group> --parameters "
            '"ParameterName=rds.force_ssl,ParameterValue=1,ApplyMethod=pending-reboot"  '
            "# MySQL/MariaDB: ParameterName=require_secure_transport,ParameterValue=ON"
        ),
        terraform=(
            'resource "aws_db_parameter_group" "this" {\n'
            '  family = "postgres16"\n'
            '  parameter {\n    name  = "rds.force_ssl"\n    value = "1"\n  }\n}'
        ),
    ),
)
def instance_force_tls(inst: DbInstance, inv: Inventory) -> Result | None:
    if _member(inst):
        return None
    return _tls_result("DB instance", inst, "instance", inv)


@check(
    id="rds-instance-log-exports",
    title="RDS DB instances publish database logs to CloudWatch Logs",
    duty="rds.parameter-groups",
    severity="medium",
    resource_type=DbInstance,
    rationale=(
        "Exported logs survive the instance, can be retained and alarmed on; without them "
        "failed logins and errors are only visible on the instance for a short time."
    ),
    fsbp=("RDS.9", "RDS.36", "RDS.40", "RDS.42"),
    remediation=Remediation(
        console="RDS > Databases > instance > Modify > Log exports: tick the engine's logs "
        "(e.g. postgresql, or audit/error/general/slowquery) > Apply immediately.",
        cli="aws rds modify-db-instance --db-instance-identifier <db> --cloudwatch-logs-export-"
        'configuration \'{"EnableLogTypes":["postgresql","upgrade"]}\' --apply-immediately',
        terraform='resource "aws_db_instance" "this" {\n'
        '  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]\n}',
    ),
)
def instance_log_exports(inst: DbInstance, inv: Inventory) -> Result | None:
    if _member(inst):
        return None
    return _logs_result("DB instance", inst)


# --------------------------------------------------------------------------- clusters


@check(
    id="rds-cluster-storage-encrypted",
    title="RDS DB clusters encrypt their storage at rest",
    duty="rds.data-encryption",
    severity="medium",
    resource_type=DbCluster,
    rationale="Cluster storage, backups and snapshots are unencrypted unless the cluster is.",
    fsbp=("RDS.27",),
    remediation=Remediation(
        console="RDS > Snapshots > snapshot the cluster > Copy with encryption > Restore to a "
        "new encrypted cluster and move clients.",
        cli="aws rds create-db-cluster-snapshot --db-cluster-identifier <c> "
        "--db-cluster-snapshot-identifier s1; aws rds copy-db-cluster-snapshot "
        "--source-db-cluster-snapshot-identifier s1 --target-db-cluster-snapshot-identifier "
        "s1-enc --kms-key-id <key>; aws rds restore-db-cluster-from-snapshot ...",
        terraform='resource "aws_rds_cluster" "this" {\n'
        "  storage_encrypted = true\n  kms_key_id        = aws_kms_key.rds.arn\n}",
    ),
)
def cluster_encrypted(cluster: DbCluster, inv: Inventory) -> Result | None:
    if need(cluster, "storage_encrypted"):
        return passed(f"DB cluster {cluster.label}: storage is encrypted")
    return failed(f"DB cluster {cluster.label}: storage is not encrypted")


@check(
    id="rds-cluster-backup-retention",
    title=f"RDS DB clusters keep backups for at least {MIN_BACKUP_RETENTION_DAYS} days",
    duty="rds.backup-strategy",
    severity="medium",
    resource_type=DbCluster,
    rationale="The backup window bounds how far back a cluster can be restored.",
    remediation=Remediation(
        console="RDS > Databases > cluster > Modify > Backup retention period: 7 days or more.",
        cli="aws rds modify-db-cluster --db-cluster-identifier <c> --backup-retention-period 7 "
        "--apply-immediately",
        terraform='resource "aws_rds_cluster" "this" {\n  backup_retention_period = 7\n}',
    ),
)
def cluster_backup_retention(cluster: DbCluster, inv: Inventory) -> Result | None:
    days = need(cluster, "backup_retention_period")
    if days >= MIN_BACKUP_RETENTION_DAYS:
        return passed(f"DB cluster {cluster.label}: backups kept {days} days")
    return failed(
        f"DB cluster {cluster.label}: backup retention is {days} day(s), "
        f"below {MIN_BACKUP_RETENTION_DAYS}"
    )


@check(
    id="rds-cluster-multi-az",
    title="RDS DB clusters have instances in more than one Availability Zone",
    duty="rds.backup-strategy",
    severity="medium",
    resource_type=DbCluster,
    rationale=(
        "Aurora fails over to a replica in another AZ only if the customer created one; a "
        "cluster with a single AZ is down for the whole of an AZ outage."
    ),
    fsbp=("RDS.15",),
    remediation=Remediation(
        console="RDS > Databases > cluster > Actions > Add reader, in a different Availability Zone.",
        cli="aws rds create-db-instance --db-cluster-identifier <c> --db-instance-identifier "
        "<c>-reader --engine <engine> --db-instance-class <class> --availability-zone <other-az>",
        terraform='resource "aws_rds_cluster_instance" "reader" {\n'
        "  cluster_identifier = aws_rds_cluster.this.id\n"
        '  availability_zone  = "<other-az>"\n}',
    ),
)
def cluster_multi_az(cluster: DbCluster, inv: Inventory) -> Result | None:
    if (cluster.engine_mode or "") == "serverless":
        return None  # Aurora Serverless v1 places capacity itself
    if need(cluster, "multi_az"):
        return passed(f"DB cluster {cluster.label}: instances span several Availability Zones")
    return failed(f"DB cluster {cluster.label}: MultiAZ is false (no replica in another AZ)")


@check(
    id="rds-cluster-deletion-protection",
    title="RDS DB clusters have deletion protection enabled",
    duty="rds.backup-strategy",
    severity="low",
    resource_type=DbCluster,
    rationale="Deletion protection stops an accidental or malicious delete of the cluster.",
    fsbp=("RDS.7",),
    remediation=Remediation(
        console="RDS > Databases > cluster > Modify > Deletion protection: enable.",
        cli="aws rds modify-db-cluster --db-cluster-identifier <c> --deletion-protection "
        "--apply-immediately",
        terraform='resource "aws_rds_cluster" "this" {\n  deletion_protection = true\n}',
    ),
)
def cluster_deletion_protection(cluster: DbCluster, inv: Inventory) -> Result | None:
    if need(cluster, "deletion_protection"):
        return passed(f"DB cluster {cluster.label}: deletion protection is enabled")
    return failed(f"DB cluster {cluster.label}: deletion protection is disabled")


@check(
    id="rds-cluster-auto-minor-version-upgrade",
    title="RDS DB clusters apply minor engine versions automatically",
    duty="rds.database-configuration",
    severity="medium",
    resource_type=DbCluster,
    rationale="Without automatic minor version upgrades, engine patching stays with the customer.",
    fsbp=("RDS.35",),
    remediation=Remediation(
        console="RDS > Databases > cluster > Modify > Maintenance > Enable auto minor version upgrade.",
        cli="aws rds modify-db-cluster --db-cluster-identifier <c> --auto-minor-version-upgrade "
        "--apply-immediately",
        terraform='resource "aws_rds_cluster_instance" "this" {\n'
        "  auto_minor_version_upgrade = true\n}",
    ),
)
def cluster_auto_minor_upgrade(cluster: DbCluster, inv: Inventory) -> Result | None:
    if need(cluster, "auto_minor_version_upgrade"):
        return passed(f"DB cluster {cluster.label}: auto minor version upgrade is enabled")
    return failed(f"DB cluster {cluster.label}: auto minor version upgrade is disabled")


@check(
    id="rds-cluster-iam-authentication",
    title="RDS DB clusters have IAM database authentication enabled",
    duty="rds.database-level-security",
    severity="medium",
    resource_type=DbCluster,
    rationale="IAM authentication replaces long-lived database passwords with short-lived tokens.",
    fsbp=("RDS.12",),
    remediation=Remediation(
        console="RDS > Databases > cluster > Modify > Database authentication > Password and IAM "
        "database authentication.",
        cli="aws rds modify-db-cluster --db-cluster-identifier <c> "
        "--enable-iam-database-authentication --apply-immediately",
        terraform='resource "aws_rds_cluster" "this" {\n'
        "  iam_database_authentication_enabled = true\n}",
    ),
)
def cluster_iam_auth(cluster: DbCluster, inv: Inventory) -> Result | None:
    engine = need(cluster, "engine")
    if not engine.startswith(IAM_AUTH_ENGINES):
        return None
    if need(cluster, "iam_database_authentication_enabled"):
        return passed(f"DB cluster {cluster.label}: IAM database authentication is enabled")
    return failed(f"DB cluster {cluster.label}: IAM database authentication is disabled")


@check(
    id="rds-cluster-force-tls",
    title="RDS DB clusters reject unencrypted client connections",
    duty="rds.ssl-tls",
    severity="medium",
    resource_type=DbCluster,
    rationale=(
        "The cluster parameter group decides whether plaintext connections are accepted "
        "(rds.force_ssl for Aurora PostgreSQL, require_secure_transport for Aurora MySQL)."
    ),
    remediation=Remediation(
        console="RDS > Parameter groups > custom DB cluster parameter group > Edit: "
        "rds.force_ssl = 1 or require_secure_transport = ON > attach it to the cluster (Modify).",
        cli="aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name <group> "
        '--parameters "ParameterName=require_secure_transport,ParameterValue=ON,'
        'ApplyMethod=immediate"',
        terraform=(
            'resource "aws_rds_cluster_parameter_group" "this" {\n'
            '  family = "aurora-mysql8.0"\n'
            '  parameter {\n    name  = "require_secure_transport"\n    value = "ON"\n  }\n}'
        ),
    ),
)
def cluster_force_tls(cluster: DbCluster, inv: Inventory) -> Result | None:
    return _tls_result("DB cluster", cluster, "cluster", inv)


@check(
    id="rds-cluster-log-exports",
    title="RDS DB clusters publish database logs to CloudWatch Logs",
    duty="rds.parameter-groups",
    severity="medium",
    resource_type=DbCluster,
    rationale="Exported audit and error logs can be retained, searched and alarmed on.",
    fsbp=("RDS.34", "RDS.37"),
    remediation=Remediation(
        console="RDS > Databases > cluster > Modify > Log exports: tick audit/error/slowquery "
        "(Aurora MySQL) or postgresql (Aurora PostgreSQL).",
        cli="aws rds modify-db-cluster --db-cluster-identifier <c> --cloudwatch-logs-export-"
        'configuration \'{"EnableLogTypes":["audit","error"]}\' --apply-immediately',
        terraform='resource "aws_rds_cluster" "this" {\n'
        '  enabled_cloudwatch_logs_exports = ["audit", "error"]\n}',
    ),
)
def cluster_log_exports(cluster: DbCluster, inv: Inventory) -> Result | None:
    return _logs_result("DB cluster", cluster)


# --------------------------------------------------------------------------- snapshots


@check(
    id="rds-snapshot-not-public",
    title="RDS snapshots are not shared publicly",
    duty="rds.network-security",
    severity="critical",
    resource_type=DbSnapshot,
    rationale="Any AWS account can restore a public snapshot and read every row in it.",
    fsbp=("RDS.1",),
    remediation=Remediation(
        console="RDS > Snapshots > snapshot > Actions > Share snapshot > DB snapshot visibility: "
        "Private > Save.",
        cli="aws rds modify-db-snapshot-attribute --db-snapshot-identifier <snap> "
        "--attribute-name restore --values-to-remove all  "
        "# cluster: aws rds modify-db-cluster-snapshot-attribute",
        terraform=(
            "# Snapshots shared by console/CLI are not Terraform-managed; remove the 'all' "
            "restore permission with the CLI and keep\n"
            'resource "aws_db_snapshot" "this" {\n  shared_accounts = []\n}'
        ),
    ),
)
def snapshot_not_public(snap: DbSnapshot, inv: Inventory) -> Result | None:
    kind = "cluster snapshot" if snap.kind == "cluster" else "snapshot"
    if need(snap, "public"):
        return failed(f"{kind} {snap.label}: restore permission includes 'all' (public)")
    shared = snap.shared_with or []
    extra = f" (shared with {', '.join(shared)})" if shared else ""
    return passed(f"{kind} {snap.label}: not public{extra}")


@check(
    id="rds-snapshot-encrypted",
    title="RDS snapshots are encrypted at rest",
    duty="rds.data-encryption",
    severity="medium",
    resource_type=DbSnapshot,
    rationale="An unencrypted snapshot copied or shared elsewhere exposes the whole database.",
    fsbp=("RDS.4",),
    remediation=Remediation(
        console="RDS > Snapshots > snapshot > Actions > Copy snapshot > Enable encryption with a "
        "KMS key; delete the unencrypted original.",
        cli="aws rds copy-db-snapshot --source-db-snapshot-identifier <snap> "
        "--target-db-snapshot-identifier <snap>-enc --kms-key-id <key>; "
        "aws rds delete-db-snapshot --db-snapshot-identifier <snap>",
        terraform='resource "aws_db_snapshot_copy" "this" {\n'
        "  source_db_snapshot_identifier = aws_db_snapshot.this.db_snapshot_arn\n"
        "  kms_key_id                    = aws_kms_key.rds.arn\n}",
    ),
)
def snapshot_encrypted(snap: DbSnapshot, inv: Inventory) -> Result | None:
    kind = "cluster snapshot" if snap.kind == "cluster" else "snapshot"
    if need(snap, "encrypted"):
        return passed(f"{kind} {snap.label}: encrypted")
    return failed(f"{kind} {snap.label}: not encrypted (taken from {snap.source_id or '?'})")
