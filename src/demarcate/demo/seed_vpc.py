"""Demo networking in regions[0].

- Default VPC (planted): no flow logs, default security group keeps AWS's self-referencing
  inbound rule and allow-all outbound rule, default network ACL admits everything (as AWS
  creates it); seed_ec2 later places "demo-legacy-1" in it, so the default VPC is in use.
- "demo-prod" VPC (compliant): flow logs to CloudWatch Logs, S3 gateway endpoint, emptied
  default security group, network ACL "demo-prod-nacl" denying SSH/RDP from anywhere on its
  subnets "demo-prod-private" and "demo-prod-public".
- Security groups in demo-prod: "demo-web" (HTTPS only, compliant), "demo-ssh-open" (22 from
  0.0.0.0/0), "demo-rdp-open" (3389 from ::/0), "demo-mysql-open" (3306 from 0.0.0.0/0) and
  "demo-all-open" (all traffic from 0.0.0.0/0), all planted.
regions[1] keeps only its untouched default VPC (unused; no flow logs).
"""

from __future__ import annotations

from typing import Any

import boto3

from demarcate.demo import DEMO_ACCOUNT

ORDER = 5
PROD_CIDR = "10.20.0.0/16"
WORLD = [{"CidrIp": "0.0.0.0/0"}]


def _tag(name: str, kind: str) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def _default_sg(ec2: Any, vpc_id: str) -> str:
    return ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"][0]["GroupId"]


def _sg(ec2: Any, vpc_id: str, name: str, permissions: list[dict[str, Any]]) -> str:
    sg = ec2.create_security_group(
        GroupName=name,
        Description=name,
        VpcId=vpc_id,
        TagSpecifications=_tag(name, "security-group"),
    )["GroupId"]
    if permissions:
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=permissions)
    return sg


def seed(session: boto3.Session, regions: list[str]) -> None:
    region = regions[0]
    ec2 = session.client("ec2", region_name=region)

    # Default VPC: give its default group the self-referencing rule AWS creates (moto omits it).
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    if default_vpc:
        sg = _default_sg(ec2, default_vpc[0]["VpcId"])
        ec2.authorize_security_group_ingress(
            GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": sg}]}]
        )

    # demo-prod: the well-built VPC.
    vpc = ec2.create_vpc(CidrBlock=PROD_CIDR, TagSpecifications=_tag("demo-prod", "vpc"))["Vpc"]
    vpc_id = vpc["VpcId"]
    subnets = []
    for index, (name, cidr) in enumerate(
        [("demo-prod-private", "10.20.1.0/24"), ("demo-prod-public", "10.20.2.0/24")]
    ):
        subnets.append(
            ec2.create_subnet(
                VpcId=vpc_id,
                CidrBlock=cidr,
                AvailabilityZone=f"{region}{'ab'[index]}",
                TagSpecifications=_tag(name, "subnet"),
            )["Subnet"]["SubnetId"]
        )
    main_rtb = ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"][0]["RouteTableId"]
    ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        ServiceName=f"com.amazonaws.{region}.s3",
        VpcEndpointType="Gateway",
        RouteTableIds=[main_rtb],
    )

    logs = session.client("logs", region_name=region)
    logs.create_log_group(logGroupName="/demo/vpc-flow-logs")
    logs.put_retention_policy(logGroupName="/demo/vpc-flow-logs", retentionInDays=365)
    ec2.create_flow_logs(
        ResourceIds=[vpc_id],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="cloud-watch-logs",
        LogGroupName="/demo/vpc-flow-logs",
        DeliverLogsPermissionArn=f"arn:aws:iam::{DEMO_ACCOUNT}:role/demo-flow-logs",
    )

    # Empty the default group of demo-prod (compliant).
    sg = _default_sg(ec2, vpc_id)
    ec2.revoke_security_group_egress(
        GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": WORLD}]
    )

    # Network ACL that turns SSH/RDP from the internet away, then allows the rest.
    acl = ec2.create_network_acl(
        VpcId=vpc_id, TagSpecifications=_tag("demo-prod-nacl", "network-acl")
    )
    acl_id = acl["NetworkAcl"]["NetworkAclId"]
    rules = [
        (90, "6", "deny", 22, {"CidrBlock": "0.0.0.0/0"}),
        (91, "6", "deny", 3389, {"CidrBlock": "0.0.0.0/0"}),
        (92, "6", "deny", 22, {"Ipv6CidrBlock": "::/0"}),
        (93, "6", "deny", 3389, {"Ipv6CidrBlock": "::/0"}),
    ]
    for number, proto, action, port, source in rules:
        ec2.create_network_acl_entry(
            NetworkAclId=acl_id,
            RuleNumber=number,
            Protocol=proto,
            RuleAction=action,
            Egress=False,
            PortRange={"From": port, "To": port},
            **source,
        )
    for egress in (False, True):
        ec2.create_network_acl_entry(
            NetworkAclId=acl_id,
            RuleNumber=100,
            Protocol="-1",
            RuleAction="allow",
            Egress=egress,
            CidrBlock="0.0.0.0/0",
        )
    current = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    for nacl in current["NetworkAcls"]:
        for assoc in nacl.get("Associations") or []:
            if assoc.get("SubnetId") in subnets:
                ec2.replace_network_acl_association(
                    AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=acl_id
                )

    # Security groups: one compliant, four planted.
    _sg(
        ec2,
        vpc_id,
        "demo-web",
        [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": WORLD}],
    )
    _sg(
        ec2,
        vpc_id,
        "demo-ssh-open",
        [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": WORLD}],
    )
    _sg(
        ec2,
        vpc_id,
        "demo-rdp-open",
        [
            {
                "IpProtocol": "tcp",
                "FromPort": 3389,
                "ToPort": 3389,
                "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
            }
        ],
    )
    _sg(
        ec2,
        vpc_id,
        "demo-mysql-open",
        [{"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "IpRanges": WORLD}],
    )
    _sg(ec2, vpc_id, "demo-all-open", [{"IpProtocol": "-1", "IpRanges": WORLD}])
