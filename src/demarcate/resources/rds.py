"""Amazon RDS: DB instances, Aurora / Multi-AZ DB clusters, manual snapshots, parameter groups.

``auto_minor_version_upgrade`` and ``multi_az`` are recorded exactly as AWS reports them: who
applies engine minor-version patches and who handles a failover depends on them (AWS with
auto minor upgrade on / Multi-AZ, the customer otherwise).

Members of a cluster (``cluster_id`` set) take storage encryption, backups, deletion
protection, IAM authentication, log exports and the TLS parameter from the cluster; checks
judge those settings on :class:`DbCluster` and skip them on the member instances.
"""

from __future__ import annotations

from typing import ClassVar

from demarcate.resources.base import Resource

# Engines DescribeDBInstances/DescribeDBClusters also return but that are not RDS databases.
NON_RDS_ENGINES = frozenset({"docdb", "neptune"})

# Parameters kept from a parameter group (the rest are not needed by any check).
TRACKED_PARAMETERS = frozenset(
    {
        "rds.force_ssl",
        "require_secure_transport",
        "ssl_min_protocol_version",
        "tls_version",
        "log_connections",
        "log_disconnections",
        "log_statement",
        "general_log",
        "slow_query_log",
        "log_output",
        "server_audit_logging",
        "server_audit_events",
        "pgaudit.log",
    }
)


class DbInstance(Resource):
    """id is the DB instance identifier."""

    TYPE: ClassVar[str] = "rds.db_instance"
    SERVICE: ClassVar[str] = "rds"

    engine: str | None = None  # postgres, mysql, mariadb, aurora-postgresql, sqlserver-se …
    engine_version: str | None = None
    instance_class: str | None = None
    status: str | None = None
    publicly_accessible: bool | None = None
    storage_encrypted: bool | None = None
    kms_key_id: str | None = None  # "" when not encrypted
    backup_retention_period: int | None = None  # days; 0 = automated backups off
    multi_az: bool | None = None
    deletion_protection: bool | None = None
    auto_minor_version_upgrade: bool | None = None
    iam_database_authentication_enabled: bool | None = None
    enabled_cloudwatch_logs_exports: list[str] | None = None
    parameter_group_names: list[str] | None = None
    ca_certificate: str | None = None
    cluster_id: str | None = None  # "" when the instance is not a cluster member
    replica_source: str | None = None  # source of a read replica; "" when not a replica
    vpc_id: str | None = None

    @property
    def in_cluster(self) -> bool:
        return bool(self.cluster_id)


class DbCluster(Resource):
    """An Aurora or Multi-AZ DB cluster; id is the DB cluster identifier."""

    TYPE: ClassVar[str] = "rds.db_cluster"
    SERVICE: ClassVar[str] = "rds"

    engine: str | None = None  # aurora-mysql, aurora-postgresql, mysql, postgres
    engine_version: str | None = None
    engine_mode: str | None = None  # provisioned, serverless …
    status: str | None = None
    publicly_accessible: bool | None = None  # Multi-AZ DB clusters only; Aurora: per instance
    storage_encrypted: bool | None = None
    kms_key_id: str | None = None
    backup_retention_period: int | None = None
    multi_az: bool | None = None
    deletion_protection: bool | None = None
    auto_minor_version_upgrade: bool | None = None
    iam_database_authentication_enabled: bool | None = None
    enabled_cloudwatch_logs_exports: list[str] | None = None
    parameter_group_names: list[str] | None = None  # the DB cluster parameter group
    members: list[str] | None = None  # member DB instance identifiers


class DbSnapshot(Resource):
    """A manual DB snapshot or DB cluster snapshot owned by the account; id is its identifier."""

    TYPE: ClassVar[str] = "rds.snapshot"
    SERVICE: ClassVar[str] = "rds"

    kind: str | None = None  # "instance" | "cluster"
    snapshot_type: str | None = None  # manual …
    source_id: str | None = None  # DB instance or cluster it was taken from
    engine: str | None = None
    encrypted: bool | None = None
    kms_key_id: str | None = None
    public: bool | None = None  # the "restore" attribute lists "all"
    shared_with: list[str] | None = None  # account ids in the "restore" attribute (not "all")


class DbParameterGroup(Resource):
    """A DB (instance) or DB cluster parameter group in use; id is ``<kind>:<name>``.

    ``parameters`` holds only :data:`TRACKED_PARAMETERS` that have a value, whether set by
    the user or the engine default. A tracked parameter missing from it has no value.
    """

    TYPE: ClassVar[str] = "rds.parameter_group"
    SERVICE: ClassVar[str] = "rds"

    kind: str | None = None  # "instance" | "cluster"
    family: str | None = None  # postgres16, mysql8.0, aurora-mysql8.0 …
    parameters: dict[str, str] | None = None

    @property
    def is_default(self) -> bool:
        return (self.name or "").startswith("default.")


def parameter_group_id(kind: str, name: str) -> str:
    return f"{kind}:{name}"
