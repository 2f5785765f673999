"""DynamoDB checks, proven both ways on moto."""

from __future__ import annotations

import botocore.client
from botocore.exceptions import ClientError

from demarcate.checks.registry import Status
from demarcate.resources.dynamodb import DynamoTable

SCHEMA = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def _good_table(session, name: str = "orders") -> str:
    key = session.client("kms").create_key(Description="ddb", MultiRegion=False)["KeyMetadata"]
    ddb = session.client("dynamodb")
    ddb.create_table(
        TableName=name,
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key["Arn"]},
        DeletionProtectionEnabled=True,
        **SCHEMA,
    )
    ddb.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    return name


def _bad_table(session, name: str = "sessions") -> str:
    session.client("dynamodb").create_table(TableName=name, **SCHEMA)
    return name


def test_pitr(aws, scan):
    good, bad = _good_table(aws), _bad_table(aws)
    result = scan(aws, services=["dynamodb"])
    assert result.one("dynamodb-table-pitr-enabled", good).status is Status.PASS
    ko = result.one("dynamodb-table-pitr-enabled", bad)
    assert ko.status is Status.FAIL
    assert ko.evidence == "table sessions: point-in-time recovery is disabled"
    assert ko.compliance["aws_fsbp"] == ["DynamoDB.2"]


def test_deletion_protection(aws, scan):
    good, bad = _good_table(aws), _bad_table(aws)
    result = scan(aws, services=["dynamodb"])
    assert result.one("dynamodb-table-deletion-protection", good).status is Status.PASS
    ko = result.one("dynamodb-table-deletion-protection", bad)
    assert ko.status is Status.FAIL
    assert ko.evidence == "table sessions: deletion protection is disabled"


def test_cmk_encryption(aws, scan):
    good, bad = _good_table(aws), _bad_table(aws)
    result = scan(aws, services=["dynamodb"])
    ok = result.one("dynamodb-table-cmk-encryption", good)
    assert ok.status is Status.PASS
    assert "customer-managed key arn:aws:kms:us-east-1:" in ok.evidence
    ko = result.one("dynamodb-table-cmk-encryption", bad)
    assert ko.status is Status.FAIL
    assert ko.evidence == (
        "table sessions: encrypted with an AWS owned key, not a customer-managed key"
    )
    assert ko.severity == "low"
    table = result.inv.find(DynamoTable, bad)
    assert table is not None and table.sse_type == "AWS_OWNED" and table.kms_key_arn == ""


def test_aws_managed_key_fails(aws, scan, monkeypatch):
    """moto creates the aws/dynamodb key as CUSTOMER-managed; a real DescribeKey says AWS."""
    name = "managed"
    aws.client("dynamodb").create_table(
        TableName=name, SSESpecification={"Enabled": True, "SSEType": "KMS"}, **SCHEMA
    )
    original = botocore.client.BaseClient._make_api_call

    def aws_managed(self, operation_name, api_params):
        response = original(self, operation_name, api_params)
        if operation_name == "DescribeKey":
            response["KeyMetadata"]["KeyManager"] = "AWS"
        return response

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", aws_managed)
    result = scan(aws, services=["dynamodb"])
    ko = result.one("dynamodb-table-cmk-encryption", name)
    assert ko.status is Status.FAIL
    assert "encrypted with the AWS managed key" in ko.evidence
    assert result.meta.calls_by_action["kms:DescribeKey"] == 1


def _vpc_in_use(ec2, cidr: str, endpoint: bool) -> str:
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace("0.0/16", "1.0/24"))["Subnet"]
    ec2.create_network_interface(SubnetId=subnet["SubnetId"])
    if endpoint:
        rtb = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])[
            "RouteTables"
        ][0]["RouteTableId"]
        ec2.create_vpc_endpoint(
            VpcId=vpc,
            VpcEndpointType="Gateway",
            ServiceName="com.amazonaws.us-east-1.dynamodb",
            RouteTableIds=[rtb],
        )
    return vpc


def test_vpc_endpoint_where_tables_exist(aws, scan):
    _bad_table(aws)
    ec2 = aws.client("ec2")
    with_ep = _vpc_in_use(ec2, "10.1.0.0/16", endpoint=True)
    without = _vpc_in_use(ec2, "10.2.0.0/16", endpoint=False)
    idle = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    result = scan(aws, services=["dynamodb", "vpc"])
    ok = result.one("dynamodb-vpc-endpoint", with_ep)
    assert ok.status is Status.PASS
    assert "has a com.amazonaws.us-east-1.dynamodb endpoint" in ok.evidence
    ko = result.one("dynamodb-vpc-endpoint", without)
    assert ko.status is Status.FAIL
    assert ko.evidence == (
        f"VPC {without}: in use but no com.amazonaws.us-east-1.dynamodb endpoint although "
        "us-east-1 has 1 DynamoDB table(s)"
    )
    assert not [f for f in result.for_check("dynamodb-vpc-endpoint") if idle in f.resource_id]


def test_vpc_endpoint_not_judged_without_tables(aws, scan):
    _vpc_in_use(aws.client("ec2"), "10.2.0.0/16", endpoint=False)
    result = scan(aws, services=["dynamodb", "vpc"])
    assert result.for_check("dynamodb-vpc-endpoint") == []


def _deny(monkeypatch, operation: str) -> None:
    original = botocore.client.BaseClient._make_api_call

    def deny(self, operation_name, api_params):
        if operation_name == operation:
            raise ClientError(
                {
                    "Error": {"Code": "AccessDeniedException", "Message": "no"},
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                },
                operation_name,
            )
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", deny)


def test_denied_continuous_backups_is_unknown(aws, scan, monkeypatch):
    good = _good_table(aws)
    _deny(monkeypatch, "DescribeContinuousBackups")
    result = scan(aws, services=["dynamodb"])
    finding = result.one("dynamodb-table-pitr-enabled", good)
    assert finding.status is Status.UNKNOWN
    assert "dynamodb:DescribeContinuousBackups denied" in finding.evidence
    assert result.one("dynamodb-table-deletion-protection", good).status is Status.PASS


def test_denied_describe_key_is_unknown(aws, scan, monkeypatch):
    good = _good_table(aws)
    _deny(monkeypatch, "DescribeKey")
    result = scan(aws, services=["dynamodb"])
    finding = result.one("dynamodb-table-cmk-encryption", good)
    assert finding.status is Status.UNKNOWN
    assert "kms:DescribeKey denied" in finding.evidence


def test_denied_listing_makes_endpoint_check_unknown(aws, scan, monkeypatch):
    _bad_table(aws)
    vpc = _vpc_in_use(aws.client("ec2"), "10.2.0.0/16", endpoint=False)
    _deny(monkeypatch, "ListTables")
    result = scan(aws, services=["dynamodb", "vpc"])
    listing = result.for_check("dynamodb-table-pitr-enabled")
    assert [f.status for f in listing] == [Status.UNKNOWN]
    assert "dynamodb:ListTables denied" in listing[0].evidence
    endpoint = result.one("dynamodb-vpc-endpoint", vpc)
    assert endpoint.status is Status.UNKNOWN
    assert "dynamodb:ListTables denied" in endpoint.evidence
