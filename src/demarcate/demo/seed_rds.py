"""Demo RDS: a hardened PostgreSQL instance and Aurora cluster (compliant), a neglected MySQL
instance and Aurora MySQL cluster (misconfigured), and manual snapshots: one private and
encrypted, one public, one unencrypted."""

from __future__ import annotations

import boto3

ORDER = 30
PASSWORD = "demo-Passw0rd-not-real"


def seed(session: boto3.Session, regions: list[str]) -> None:
    region = regions[0]
    rds = session.client("rds", region_name=region)
    kms = session.client("kms", region_name=region)
    key = kms.create_key(Description="demo-rds-storage", MultiRegion=False)["KeyMetadata"]["Arn"]

    # Compliant PostgreSQL instance: TLS forced by its own parameter group.
    rds.create_db_parameter_group(
        DBParameterGroupName="demo-postgres-tls",
        DBParameterGroupFamily="postgres16",
        Description="demo: force TLS",
    )
    rds.modify_db_parameter_group(
        DBParameterGroupName="demo-postgres-tls",
        Parameters=[
            {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}
        ],
    )
    rds.create_db_instance(
        DBInstanceIdentifier="demo-orders-db",
        Engine="postgres",
        EngineVersion="16.4",
        DBInstanceClass="db.t3.medium",
        AllocatedStorage=20,
        MasterUsername="orders_admin",
        MasterUserPassword=PASSWORD,
        StorageEncrypted=True,
        KmsKeyId=key,
        PubliclyAccessible=False,
        BackupRetentionPeriod=7,
        MultiAZ=True,
        DeletionProtection=True,
        AutoMinorVersionUpgrade=True,
        EnableIAMDatabaseAuthentication=True,
        DBParameterGroupName="demo-postgres-tls",
        EnableCloudwatchLogsExports=["postgresql", "upgrade"],
    )

    # Planted misconfiguration: everything a hurried launch leaves at its default or worse.
    rds.create_db_instance(
        DBInstanceIdentifier="demo-legacy-mysql",
        Engine="mysql",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="admin",
        MasterUserPassword=PASSWORD,
        StorageEncrypted=False,
        PubliclyAccessible=True,
        BackupRetentionPeriod=1,
        MultiAZ=False,
        DeletionProtection=False,
        AutoMinorVersionUpgrade=False,
        EnableIAMDatabaseAuthentication=False,
    )

    # Snapshots: private + encrypted (compliant), public, and private but unencrypted.
    rds.create_db_snapshot(
        DBSnapshotIdentifier="demo-orders-db-premigration", DBInstanceIdentifier="demo-orders-db"
    )
    rds.create_db_snapshot(
        DBSnapshotIdentifier="demo-legacy-mysql-shared", DBInstanceIdentifier="demo-legacy-mysql"
    )
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="demo-legacy-mysql-shared",
        AttributeName="restore",
        ValuesToAdd=["all"],
    )
    rds.create_db_snapshot(
        DBSnapshotIdentifier="demo-legacy-mysql-nightly", DBInstanceIdentifier="demo-legacy-mysql"
    )

    # Aurora: a compliant PostgreSQL cluster with a writer and a reader in another AZ …
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName="demo-aurora-pg-tls",
        DBParameterGroupFamily="aurora-postgresql16",
        Description="demo: force TLS",
    )
    rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName="demo-aurora-pg-tls",
        Parameters=[
            {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}
        ],
    )
    rds.create_db_cluster(
        DBClusterIdentifier="demo-analytics",
        Engine="aurora-postgresql",
        MasterUsername="analytics_admin",
        MasterUserPassword=PASSWORD,
        StorageEncrypted=True,
        KmsKeyId=key,
        BackupRetentionPeriod=14,
        DeletionProtection=True,
        AutoMinorVersionUpgrade=True,
        EnableIAMDatabaseAuthentication=True,
        DBClusterParameterGroupName="demo-aurora-pg-tls",
        EnableCloudwatchLogsExports=["postgresql"],
    )
    for suffix, zone in (("1", "a"), ("2", "b")):
        rds.create_db_instance(
            DBInstanceIdentifier=f"demo-analytics-{suffix}",
            DBClusterIdentifier="demo-analytics",
            Engine="aurora-postgresql",
            DBInstanceClass="db.r6g.large",
            AvailabilityZone=f"{region}{zone}",
            PubliclyAccessible=False,
            AutoMinorVersionUpgrade=True,
        )

    # … and a neglected Aurora MySQL cluster whose parameter group does not force TLS.
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName="demo-aurora-mysql-params",
        DBParameterGroupFamily="aurora-mysql8.0",
        Description="demo: TLS left optional",
    )
    rds.create_db_cluster(
        DBClusterIdentifier="demo-reporting",
        Engine="aurora-mysql",
        MasterUsername="admin",
        MasterUserPassword=PASSWORD,
        StorageEncrypted=False,
        BackupRetentionPeriod=1,
        DeletionProtection=False,
        AutoMinorVersionUpgrade=False,
        DBClusterParameterGroupName="demo-aurora-mysql-params",
    )
    rds.create_db_instance(
        DBInstanceIdentifier="demo-reporting-1",
        DBClusterIdentifier="demo-reporting",
        Engine="aurora-mysql",
        DBInstanceClass="db.r6g.large",
        PubliclyAccessible=True,
        AutoMinorVersionUpgrade=False,
    )
