"""RDS checks, proven both ways on moto: instances, clusters, parameter groups, snapshots."""

from __future__ import annotations

import botocore.client
from botocore.exceptions import ClientError

from demarcate.checks.registry import CHECKS, Status
from demarcate.engine import evaluate
from demarcate.resources.base import Inventory
from demarcate.resources.rds import DbInstance, DbParameterGroup

PASSWORD = "test-Passw0rd-not-real"


def _good_instance(session, name: str = "good-db") -> str:
    rds = session.client("rds")
    rds.create_db_parameter_group(
        DBParameterGroupName="pg-tls", DBParameterGroupFamily="postgres16", Description="tls"
    )
    rds.modify_db_parameter_group(
        DBParameterGroupName="pg-tls",
        Parameters=[
            {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}
        ],
    )
    rds.create_db_instance(
        DBInstanceIdentifier=name,
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="admin_user",
        MasterUserPassword=PASSWORD,
        StorageEncrypted=True,
        PubliclyAccessible=False,
        BackupRetentionPeriod=7,
        MultiAZ=True,
        DeletionProtection=True,
        AutoMinorVersionUpgrade=True,
        EnableIAMDatabaseAuthentication=True,
        DBParameterGroupName="pg-tls",
        EnableCloudwatchLogsExports=["postgresql"],
    )
    return name


def _bad_instance(session, name: str = "bad-db", **extra) -> str:
    session.client("rds").create_db_instance(
        DBInstanceIdentifier=name,
        Engine="mysql",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="admin",
        MasterUserPassword=PASSWORD,
        StorageEncrypted=False,
        PubliclyAccessible=True,
        BackupRetentionPeriod=extra.pop("BackupRetentionPeriod", 1),
        MultiAZ=False,
        DeletionProtection=False,
        AutoMinorVersionUpgrade=False,
        **extra,
    )
    return name


def _instances(aws, scan):
    good = _good_instance(aws)
    bad = _bad_instance(aws)
    return good, bad, scan(aws, services=["rds"])


def test_instance_encryption(aws, scan):
    good, bad, result = _instances(aws, scan)
    assert result.one("rds-instance-storage-encrypted", good).status is Status.PASS
    ko = result.one("rds-instance-storage-encrypted", bad)
    assert ko.status is Status.FAIL
    assert ko.evidence == "DB instance bad-db: storage is not encrypted"
    assert ko.compliance["cis"] == ["3.2.1"]


def test_instance_public_access(aws, scan):
    good, bad, result = _instances(aws, scan)
    ok = result.one("rds-instance-not-public", good)
    assert ok.status is Status.PASS
    ko = result.one("rds-instance-not-public", bad)
    assert ko.status is Status.FAIL
    assert ko.evidence == "DB instance bad-db: PubliclyAccessible is true"
    assert ko.severity == "critical"


def test_backup_retention(aws, scan):
    good, bad, _ = _instances(aws, scan)
    off = _bad_instance(aws, "no-backups", BackupRetentionPeriod=0)
    aws.client("rds").create_db_instance_read_replica(
        DBInstanceIdentifier="bad-db-replica", SourceDBInstanceIdentifier=bad
    )
    result = scan(aws, services=["rds"])
    replica = result.inv.find(DbInstance, "bad-db-replica")
    assert replica is not None and replica.replica_source == bad
    assert not [
        f for f in result.for_check("rds-instance-backup-retention") if "replica" in f.resource_id
    ]
    assert result.one("rds-instance-backup-retention", good).status is Status.PASS
    ko = result.one("rds-instance-backup-retention", bad)
    assert ko.status is Status.FAIL
    assert ko.evidence == "DB instance bad-db: backup retention is 1 day(s), below 7"
    zero = result.one("rds-instance-backup-retention", off)
    assert zero.status is Status.FAIL
    assert "automated backups are disabled" in zero.evidence


def test_multi_az_and_deletion_protection(aws, scan):
    good, bad, result = _instances(aws, scan)
    assert result.one("rds-instance-multi-az", good).status is Status.PASS
    assert result.one("rds-instance-multi-az", bad).evidence == (
        "DB instance bad-db: Single-AZ (MultiAZ is false)"
    )
    assert result.one("rds-instance-multi-az", bad).status is Status.FAIL
    assert result.one("rds-instance-deletion-protection", good).status is Status.PASS
    ko = result.one("rds-instance-deletion-protection", bad)
    assert ko.status is Status.FAIL
    assert "deletion protection is disabled" in ko.evidence


def test_auto_minor_version_upgrade(aws, scan):
    good, bad, result = _instances(aws, scan)
    assert result.one("rds-instance-auto-minor-version-upgrade", good).status is Status.PASS
    ko = result.one("rds-instance-auto-minor-version-upgrade", bad)
    assert ko.status is Status.FAIL
    assert "auto minor version upgrade is disabled" in ko.evidence
    assert ko.duty_id == "rds.database-configuration"
    inst = result.inv.find(DbInstance, bad)
    assert inst is not None and inst.auto_minor_version_upgrade is False
    assert inst.multi_az is False


def test_iam_authentication(aws, scan):
    good, bad, result = _instances(aws, scan)
    assert result.one("rds-instance-iam-authentication", good).status is Status.PASS
    ko = result.one("rds-instance-iam-authentication", bad)
    assert ko.status is Status.FAIL
    assert ko.evidence == "DB instance bad-db: IAM database authentication is disabled"


def test_force_tls_parameter(aws, scan):
    good, bad, _ = _instances(aws, scan)
    rds = aws.client("rds")
    rds.create_db_parameter_group(
        DBParameterGroupName="mysql-off", DBParameterGroupFamily="mysql8.0", Description="off"
    )
    rds.modify_db_parameter_group(
        DBParameterGroupName="mysql-off",
        Parameters=[
            {
                "ParameterName": "require_secure_transport",
                "ParameterValue": "OFF",
                "ApplyMethod": "immediate",
            }
        ],
    )
    off = _bad_instance(aws, "explicit-off", DBParameterGroupName="mysql-off")
    result = scan(aws, services=["rds"])
    ok = result.one("rds-instance-force-tls", good)
    assert ok.status is Status.PASS
    assert "rds.force_ssl is on in parameter group pg-tls" in ok.evidence
    ko = result.one("rds-instance-force-tls", bad)
    assert ko.status is Status.FAIL
    assert "require_secure_transport is not set in parameter group default." in ko.evidence
    explicit = result.one("rds-instance-force-tls", off)
    assert explicit.status is Status.FAIL
    assert "require_secure_transport is OFF in parameter group mysql-off" in explicit.evidence


def test_force_tls_engine_default_counts():
    """A default group whose engine default forces TLS (PostgreSQL 15+) passes; Oracle is skipped."""
    spec = CHECKS["rds-instance-force-tls"]
    inv = Inventory(account="123456789012")
    inst = DbInstance(
        id="pg17",
        region="us-east-1",
        engine="postgres",
        cluster_id="",
        parameter_group_names=["default.postgres17"],
    )
    inv.add(inst)
    inv.add(
        DbParameterGroup(
            id="instance:default.postgres17",
            name="default.postgres17",
            region="us-east-1",
            kind="instance",
            parameters={"rds.force_ssl": "1"},
        )
    )
    assert evaluate(spec, inst, inv).status is Status.PASS
    other_region = DbInstance(
        id="pg-eu",
        region="eu-west-1",
        engine="postgres",
        cluster_id="",
        parameter_group_names=["default.postgres17"],
    )
    res = evaluate(spec, other_region, inv)
    assert res.status is Status.UNKNOWN
    assert "parameter group default.postgres17 was not collected" in res.evidence
    oracle = DbInstance(id="ora", engine="oracle-ee", cluster_id="", parameter_group_names=["x"])
    assert evaluate(spec, oracle, inv) is None


def test_log_exports(aws, scan):
    good, bad, result = _instances(aws, scan)
    ok = result.one("rds-instance-log-exports", good)
    assert ok.status is Status.PASS
    assert "postgresql" in ok.evidence
    ko = result.one("rds-instance-log-exports", bad)
    assert ko.status is Status.FAIL
    assert "no logs are exported to CloudWatch Logs" in ko.evidence


def _clusters(aws):
    rds = aws.client("rds")
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName="apg-tls",
        DBParameterGroupFamily="aurora-postgresql16",
        Description="tls",
    )
    rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName="apg-tls",
        Parameters=[
            {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}
        ],
    )
    rds.create_db_cluster(
        DBClusterIdentifier="good-cluster",
        Engine="aurora-postgresql",
        MasterUsername="admin_user",
        MasterUserPassword=PASSWORD,
        StorageEncrypted=True,
        BackupRetentionPeriod=7,
        DeletionProtection=True,
        AutoMinorVersionUpgrade=True,
        EnableIAMDatabaseAuthentication=True,
        DBClusterParameterGroupName="apg-tls",
        EnableCloudwatchLogsExports=["postgresql"],
    )
    for n, zone in (("1", "a"), ("2", "b")):
        rds.create_db_instance(
            DBInstanceIdentifier=f"good-cluster-{n}",
            DBClusterIdentifier="good-cluster",
            Engine="aurora-postgresql",
            DBInstanceClass="db.r6g.large",
            AvailabilityZone=f"us-east-1{zone}",
        )
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName="amy-plain",
        DBParameterGroupFamily="aurora-mysql8.0",
        Description="plain",
    )
    rds.create_db_cluster(
        DBClusterIdentifier="bad-cluster",
        Engine="aurora-mysql",
        MasterUsername="admin",
        MasterUserPassword=PASSWORD,
        StorageEncrypted=False,
        BackupRetentionPeriod=1,
        DeletionProtection=False,
        AutoMinorVersionUpgrade=False,
        DBClusterParameterGroupName="amy-plain",
    )
    rds.create_db_instance(
        DBInstanceIdentifier="bad-cluster-1",
        DBClusterIdentifier="bad-cluster",
        Engine="aurora-mysql",
        DBInstanceClass="db.r6g.large",
        PubliclyAccessible=True,
        AutoMinorVersionUpgrade=False,
    )


def test_cluster_checks_pass_and_fail(aws, scan):
    _clusters(aws)
    result = scan(aws, services=["rds"])
    expected = {
        "rds-cluster-storage-encrypted": "DB cluster bad-cluster: storage is not encrypted",
        "rds-cluster-backup-retention": "DB cluster bad-cluster: backup retention is 1 day(s), below 7",
        "rds-cluster-multi-az": "DB cluster bad-cluster: MultiAZ is false (no replica in another AZ)",
        "rds-cluster-deletion-protection": "DB cluster bad-cluster: deletion protection is disabled",
        "rds-cluster-auto-minor-version-upgrade": (
            "DB cluster bad-cluster: auto minor version upgrade is disabled"
        ),
        "rds-cluster-iam-authentication": (
            "DB cluster bad-cluster: IAM database authentication is disabled"
        ),
        "rds-cluster-force-tls": (
            "DB cluster bad-cluster (aurora-mysql): require_secure_transport is not set in "
            "parameter group amy-plain"
        ),
        "rds-cluster-log-exports": (
            "DB cluster bad-cluster: no logs are exported to CloudWatch Logs "
            "(for aurora-mysql export audit, error, slowquery)"
        ),
    }
    for check_id, evidence in expected.items():
        ok = result.one(check_id, "cluster:good-cluster")
        assert ok.status is Status.PASS, (check_id, ok.evidence)
        ko = result.one(check_id, "cluster:bad-cluster")
        assert ko.status is Status.FAIL, check_id
        assert ko.evidence == evidence


def test_cluster_members_skip_cluster_level_checks(aws, scan):
    _clusters(aws)
    result = scan(aws, services=["rds"])
    for check_id in (
        "rds-instance-storage-encrypted",
        "rds-instance-backup-retention",
        "rds-instance-multi-az",
        "rds-instance-deletion-protection",
        "rds-instance-iam-authentication",
        "rds-instance-force-tls",
        "rds-instance-log-exports",
    ):
        assert result.for_check(check_id) == [], check_id
    # Public access and auto minor upgrade are per instance, members included.
    assert result.one("rds-instance-not-public", "good-cluster-1").status is Status.PASS
    assert result.one("rds-instance-not-public", "bad-cluster-1").status is Status.FAIL
    member = result.one("rds-instance-auto-minor-version-upgrade", "bad-cluster-1")
    assert member.status is Status.FAIL
    assert "auto minor version upgrade is disabled" in member.evidence
    assert result.inv.find(DbInstance, "bad-cluster-1").cluster_id == "bad-cluster"


def test_snapshots_public_and_encrypted(aws, scan):
    good = _good_instance(aws)
    bad = _bad_instance(aws)
    rds = aws.client("rds")
    rds.create_db_snapshot(DBSnapshotIdentifier="private-enc", DBInstanceIdentifier=good)
    rds.create_db_snapshot(DBSnapshotIdentifier="public-plain", DBInstanceIdentifier=bad)
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="public-plain", AttributeName="restore", ValuesToAdd=["all"]
    )
    rds.create_db_snapshot(DBSnapshotIdentifier="shared-plain", DBInstanceIdentifier=bad)
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="shared-plain", AttributeName="restore", ValuesToAdd=["210987654321"]
    )
    _clusters(aws)
    rds.create_db_cluster_snapshot(
        DBClusterSnapshotIdentifier="cluster-plain", DBClusterIdentifier="bad-cluster"
    )
    result = scan(aws, services=["rds"])
    assert result.one("rds-snapshot-not-public", "private-enc").status is Status.PASS
    ko = result.one("rds-snapshot-not-public", "public-plain")
    assert ko.status is Status.FAIL
    assert ko.evidence == "snapshot public-plain: restore permission includes 'all' (public)"
    shared = result.one("rds-snapshot-not-public", "shared-plain")
    assert shared.status is Status.PASS
    assert "shared with 210987654321" in shared.evidence
    assert result.one("rds-snapshot-encrypted", "private-enc").status is Status.PASS
    enc = result.one("rds-snapshot-encrypted", "shared-plain")
    assert enc.status is Status.FAIL
    assert enc.evidence == "snapshot shared-plain: not encrypted (taken from bad-db)"
    cluster = result.one("rds-snapshot-encrypted", "cluster-plain")
    assert cluster.status is Status.FAIL
    assert cluster.evidence.startswith("cluster snapshot cluster-plain: not encrypted")
    assert result.one("rds-snapshot-not-public", "cluster-plain").status is Status.PASS


def _deny(monkeypatch, operation: str) -> None:
    original = botocore.client.BaseClient._make_api_call

    def deny(self, operation_name, api_params):
        if operation_name == operation:
            raise ClientError(
                {
                    "Error": {"Code": "AccessDenied", "Message": "no"},
                    "ResponseMetadata": {"HTTPStatusCode": 403},
                },
                operation_name,
            )
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", deny)


def test_denied_parameters_make_tls_unknown(aws, scan, monkeypatch):
    good = _good_instance(aws)
    _deny(monkeypatch, "DescribeDBParameters")
    result = scan(aws, services=["rds"])
    finding = result.one("rds-instance-force-tls", good)
    assert finding.status is Status.UNKNOWN
    assert "rds:DescribeDBParameters denied" in finding.evidence
    assert result.one("rds-instance-storage-encrypted", good).status is Status.PASS


def test_denied_snapshot_attributes_make_public_unknown(aws, scan, monkeypatch):
    bad = _bad_instance(aws)
    aws.client("rds").create_db_snapshot(DBSnapshotIdentifier="snap", DBInstanceIdentifier=bad)
    _deny(monkeypatch, "DescribeDBSnapshotAttributes")
    result = scan(aws, services=["rds"])
    finding = result.one("rds-snapshot-not-public", "snap")
    assert finding.status is Status.UNKNOWN
    assert "rds:DescribeDBSnapshotAttributes denied" in finding.evidence
    assert result.one("rds-snapshot-encrypted", "snap").status is Status.FAIL


def test_denied_instance_listing_is_unknown(aws, scan, monkeypatch):
    _good_instance(aws)
    _deny(monkeypatch, "DescribeDBInstances")
    result = scan(aws, services=["rds"])
    findings = result.for_check("rds-instance-not-public")
    assert [f.status for f in findings] == [Status.UNKNOWN]
    assert "rds:DescribeDBInstances denied" in findings[0].evidence
    assert findings[0].resource_id == "rds.db_instance:us-east-1"


def test_empty_account_yields_no_findings(aws, scan):
    result = scan(aws, services=["rds"])
    assert [f for f in result.findings if f.service == "rds"] == []
    assert result.inv.errors == []
