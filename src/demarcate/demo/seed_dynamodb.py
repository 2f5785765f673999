"""Demo DynamoDB in regions[0]: "demo-orders" (compliant: PITR, customer-managed KMS key,
deletion protection) and "demo-sessions" (planted: AWS owned key, no PITR, no deletion
protection). A DynamoDB gateway endpoint goes into the "demo-prod" VPC (compliant); the default
VPC, in use by seed_ec2's instance, has none (planted). Without those seeds a small VPC of our
own and an interface in the default VPC stand in for them."""

from __future__ import annotations

from typing import Any

import boto3

ORDER = 30

KEY_SCHEMA = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def _vpc_named(ec2: Any, name: str) -> str | None:
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [name]}])["Vpcs"]
    return vpcs[0]["VpcId"] if vpcs else None


def _interface_in(ec2: Any, vpc_id: str, cidr: str | None) -> None:
    """Put one network interface in the VPC so it counts as in use."""
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    if subnets:
        subnet = subnets[0]["SubnetId"]
    else:
        subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr or "10.30.1.0/24")["Subnet"][
            "SubnetId"
        ]
    ec2.create_network_interface(SubnetId=subnet, Description="demo-dynamodb-client")


def _in_use(ec2: Any, vpc_id: str) -> bool:
    enis = ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    return bool(enis["NetworkInterfaces"])


def seed(session: boto3.Session, regions: list[str]) -> None:
    region = regions[0]
    ddb = session.client("dynamodb", region_name=region)
    kms = session.client("kms", region_name=region)
    ec2 = session.client("ec2", region_name=region)

    key = kms.create_key(Description="demo-dynamodb-orders", MultiRegion=False)["KeyMetadata"]
    kms.enable_key_rotation(KeyId=key["KeyId"])
    ddb.create_table(
        TableName="demo-orders",
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key["Arn"]},
        DeletionProtectionEnabled=True,
        **KEY_SCHEMA,
    )
    ddb.update_continuous_backups(
        TableName="demo-orders",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    ddb.create_table(TableName="demo-sessions", **KEY_SCHEMA)  # every default left as is

    # Gateway endpoint for DynamoDB in the well-built VPC.
    good_vpc = _vpc_named(ec2, "demo-prod")
    if good_vpc is None:
        good_vpc = ec2.create_vpc(
            CidrBlock="10.30.0.0/16",
            TagSpecifications=[
                {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "demo-data"}]}
            ],
        )["Vpc"]["VpcId"]
    if not _in_use(ec2, good_vpc):
        _interface_in(ec2, good_vpc, "10.30.1.0/24")
    main_tables = ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [good_vpc]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"]
    ec2.create_vpc_endpoint(
        VpcId=good_vpc,
        VpcEndpointType="Gateway",
        ServiceName=f"com.amazonaws.{region}.dynamodb",
        RouteTableIds=[t["RouteTableId"] for t in main_tables],
    )

    # The default VPC is the planted one: in use, no DynamoDB endpoint.
    default = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    if default and not _in_use(ec2, default[0]["VpcId"]):
        _interface_in(ec2, default[0]["VpcId"], None)
