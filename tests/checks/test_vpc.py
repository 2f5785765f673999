"""VPC checks, proven both ways on moto: default security groups, network ACLs, flow logs,
default VPC use and S3 endpoints."""

from __future__ import annotations

from typing import Any

import botocore.client
from botocore.exceptions import ClientError

from demarcate.checks.registry import Status

SERVICES = ["vpc"]
WORLD = [{"CidrIp": "0.0.0.0/0"}]


def _vpc(session, name: str, cidr: str = "10.0.0.0/16") -> str:
    ec2 = session.client("ec2")
    return ec2.create_vpc(
        CidrBlock=cidr,
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}],
    )["Vpc"]["VpcId"]


def _subnet(session, vpc_id: str, cidr: str) -> str:
    return session.client("ec2").create_subnet(
        VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone="us-east-1a"
    )["Subnet"]["SubnetId"]


def _default_sg(session, vpc_id: str) -> str:
    return session.client("ec2").describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"][0]["GroupId"]


def _default_vpc(session) -> str:
    vpcs = session.client("ec2").describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])[
        "Vpcs"
    ]
    return vpcs[0]["VpcId"]


def _deny(operation: str):
    original = botocore.client.BaseClient._make_api_call

    def fake(self, operation_name, api_params):
        if operation_name == operation:
            raise ClientError(
                {
                    "Error": {"Code": "UnauthorizedOperation", "Message": "denied"},
                    "ResponseMetadata": {"HTTPStatusCode": 403},
                },
                operation_name,
            )
        return original(self, operation_name, api_params)

    return fake


# ---- default security group -------------------------------------------------------------------


def test_default_security_group_closed_passes_and_open_fails(aws, scan):
    ec2 = aws.client("ec2")
    closed_vpc = _vpc(aws, "closed")
    open_vpc = _vpc(aws, "open", "10.1.0.0/16")
    closed = _default_sg(aws, closed_vpc)
    ec2.revoke_security_group_egress(
        GroupId=closed, IpPermissions=[{"IpProtocol": "-1", "IpRanges": WORLD}]
    )
    opened = _default_sg(aws, open_vpc)
    ec2.authorize_security_group_ingress(
        GroupId=opened,
        IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": opened}]}],
    )
    custom = ec2.create_security_group(GroupName="app", Description="app", VpcId=open_vpc)[
        "GroupId"
    ]

    result = scan(aws, services=SERVICES)
    ok = result.one("vpc-default-security-group-closed", closed)
    assert ok.status is Status.PASS
    assert (
        ok.evidence
        == f"default security group {closed} of VPC {closed_vpc}: no inbound or outbound rules"
    )
    ko = result.one("vpc-default-security-group-closed", opened)
    assert ko.status is Status.FAIL
    assert ko.duty_id == "vpc.security-groups"
    assert ko.evidence == (
        f"default security group {opened} of VPC {open_vpc} (not attached): allows all traffic "
        f"from {opened} inbound; all traffic to 0.0.0.0/0 outbound"
    )
    assert not [
        f for f in result.for_check("vpc-default-security-group-closed") if custom in f.resource_id
    ]


# ---- network ACLs -------------------------------------------------------------------------------


def _acl(session, vpc_id: str, entries: list[tuple[int, str, str, dict[str, Any]]]) -> str:
    ec2 = session.client("ec2")
    acl = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    for number, proto, action, extra in entries:
        ec2.create_network_acl_entry(
            NetworkAclId=acl,
            RuleNumber=number,
            Protocol=proto,
            RuleAction=action,
            Egress=False,
            **extra,
        )
    return acl


def test_nacl_admin_ports(aws, scan):
    vpc = _vpc(aws, "acls")
    world = {"CidrBlock": "0.0.0.0/0"}
    guarded = _acl(
        aws,
        vpc,
        [
            (90, "6", "deny", {**world, "PortRange": {"From": 22, "To": 22}}),
            (91, "6", "deny", {**world, "PortRange": {"From": 3389, "To": 3389}}),
            (100, "-1", "allow", world),
        ],
    )
    rdp_v6 = _acl(
        aws,
        vpc,
        [(100, "6", "allow", {"Ipv6CidrBlock": "::/0", "PortRange": {"From": 3389, "To": 3389}})],
    )
    # A deny for one network does not shut out the rest of the internet.
    narrow_deny = _acl(
        aws,
        vpc,
        [
            (
                50,
                "6",
                "deny",
                {"CidrBlock": "198.51.100.0/24", "PortRange": {"From": 22, "To": 22}},
            ),
            (100, "6", "allow", {**world, "PortRange": {"From": 0, "To": 1024}}),
        ],
    )
    # An allow numbered before the deny wins.
    allow_first = _acl(
        aws,
        vpc,
        [
            (10, "6", "allow", {**world, "PortRange": {"From": 22, "To": 22}}),
            (20, "6", "deny", {**world, "PortRange": {"From": 22, "To": 22}}),
        ],
    )
    office = _acl(
        aws,
        vpc,
        [(100, "6", "allow", {"CidrBlock": "203.0.113.0/24", "PortRange": {"From": 22, "To": 22}})],
    )

    result = scan(aws, services=SERVICES)
    check = "vpc-nacl-no-admin-ports-from-world"
    ok = result.one(check, guarded)
    assert ok.status is Status.PASS
    assert (
        ok.evidence
        == f"network ACL {guarded} (VPC {vpc}): SSH 22 and RDP 3389 are not admitted from 0.0.0.0/0 or ::/0"
    )
    assert result.one(check, office).status is Status.PASS
    ko = result.one(check, rdp_v6)
    assert ko.status is Status.FAIL
    assert (
        ko.evidence == f"network ACL {rdp_v6} (VPC {vpc}): rule 100 allows tcp from ::/0 (RDP 3389)"
    )
    assert ko.duty_id == "vpc.network-acls"
    narrow = result.one(check, narrow_deny)
    assert narrow.status is Status.FAIL
    assert narrow.evidence.endswith("rule 100 allows tcp from 0.0.0.0/0 (SSH 22)")
    first = result.one(check, allow_first)
    assert first.status is Status.FAIL
    assert "rule 10 allows tcp from 0.0.0.0/0 (SSH 22)" in first.evidence
    # The VPC's default ACL admits everything, as AWS creates it.
    default_acl = [
        f
        for f in result.for_check(check)
        if f.status is Status.FAIL and "default" in f.evidence and vpc in f.evidence
    ]
    assert len(default_acl) == 1
    assert default_acl[0].evidence.endswith(
        "rule 100 allows all traffic from 0.0.0.0/0 (SSH 22, RDP 3389)"
    )


# ---- flow logs ----------------------------------------------------------------------------------


def test_flow_logs(aws, scan):
    logged = _vpc(aws, "logged")
    silent = _vpc(aws, "silent", "10.1.0.0/16")
    aws.client("logs").create_log_group(logGroupName="flow")
    flow = aws.client("ec2").create_flow_logs(
        ResourceIds=[logged],
        ResourceType="VPC",
        TrafficType="ALL",
        LogGroupName="flow",
        DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow",
    )["FlowLogIds"][0]
    result = scan(aws, services=SERVICES)
    ok = result.one("vpc-flow-logs-enabled", logged)
    assert ok.status is Status.PASS
    assert ok.evidence == f"VPC logged ({logged}): flow log {flow} is active"
    ko = result.one("vpc-flow-logs-enabled", silent)
    assert ko.status is Status.FAIL
    assert ko.evidence == f"VPC silent ({silent}): no active flow log"
    default = _default_vpc(aws)
    assert result.one("vpc-flow-logs-enabled", default).evidence.endswith(
        "(default VPC): no active flow log"
    )


# ---- default VPC in use ---------------------------------------------------------------------------


def test_default_vpc_in_use_fails(aws, scan):
    default = _default_vpc(aws)
    custom = _vpc(aws, "custom")
    instance = aws.client("ec2").run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)[
        "Instances"
    ][0]["InstanceId"]
    result = scan(aws, services=SERVICES)
    ko = result.one("vpc-default-vpc-not-in-use", default)
    assert ko.status is Status.FAIL
    assert (
        ko.evidence == f"default VPC {default}: in use by 1 network interface, instances {instance}"
    )
    assert ko.duty_id == "vpc.network-segmentation"
    assert not [
        f for f in result.for_check("vpc-default-vpc-not-in-use") if custom in f.resource_id
    ]


def test_unused_default_vpc_passes(aws, scan):
    default = _default_vpc(aws)
    result = scan(aws, services=SERVICES)
    ok = result.one("vpc-default-vpc-not-in-use", default)
    assert ok.status is Status.PASS
    assert ok.evidence == f"default VPC {default}: no network interfaces"


# ---- S3 endpoint ----------------------------------------------------------------------------------


def test_s3_endpoint_in_used_vpcs(aws, scan):
    ec2 = aws.client("ec2")
    with_ep = _vpc(aws, "with-endpoint")
    without = _vpc(aws, "without-endpoint", "10.1.0.0/16")
    idle = _vpc(aws, "idle", "10.2.0.0/16")
    for vpc, cidr in ((with_ep, "10.0.1.0/24"), (without, "10.1.1.0/24")):
        ec2.run_instances(
            ImageId="ami-12345678", MinCount=1, MaxCount=1, SubnetId=_subnet(aws, vpc, cidr)
        )
    ec2.create_vpc_endpoint(
        VpcId=with_ep, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Gateway"
    )
    ec2.create_vpc_endpoint(
        VpcId=without, ServiceName="com.amazonaws.us-east-1.dynamodb", VpcEndpointType="Gateway"
    )
    result = scan(aws, services=SERVICES)
    ok = result.one("vpc-s3-endpoint", with_ep)
    assert ok.status is Status.PASS
    assert ok.evidence == f"VPC with-endpoint ({with_ep}): endpoint for com.amazonaws.us-east-1.s3"
    ko = result.one("vpc-s3-endpoint", without)
    assert ko.status is Status.FAIL
    assert "no S3 endpoint" in ko.evidence
    assert not [f for f in result.for_check("vpc-s3-endpoint") if idle in f.resource_id]
    vpc = next(v for v in result.inv.of_type("vpc.vpc") if v.id == without)
    assert vpc.endpoint_services == ["com.amazonaws.us-east-1.dynamodb"]


# ---- faults ---------------------------------------------------------------------------------------


def test_denied_interface_listing_makes_usage_unknown(aws, scan, monkeypatch):
    """DescribeNetworkInterfaces denied: VPC use and SG attachment are unknown, not "unused"."""
    default = _default_vpc(aws)
    monkeypatch.setattr(
        botocore.client.BaseClient, "_make_api_call", _deny("DescribeNetworkInterfaces")
    )
    result = scan(aws, services=SERVICES)
    finding = result.one("vpc-default-vpc-not-in-use", default)
    assert finding.status is Status.UNKNOWN
    assert "ec2:DescribeNetworkInterfaces denied" in finding.evidence
    # Checks that do not need interfaces still judge.
    assert result.one("vpc-flow-logs-enabled", default).status is Status.FAIL


def test_denied_security_group_listing_is_unknown(aws, scan, monkeypatch):
    monkeypatch.setattr(
        botocore.client.BaseClient, "_make_api_call", _deny("DescribeSecurityGroups")
    )
    result = scan(aws, services=SERVICES)
    for check_id in ("vpc-default-security-group-closed", "ec2-sg-ssh-not-open-to-world"):
        findings = result.for_check(check_id)
        assert [f.status for f in findings] == [Status.UNKNOWN]
        assert findings[0].resource_id == "vpc.security_group:us-east-1"
        assert "ec2:DescribeSecurityGroups denied" in findings[0].evidence


def test_denied_flow_log_listing_is_unknown(aws, scan, monkeypatch):
    vpc = _vpc(aws, "opaque")
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", _deny("DescribeFlowLogs"))
    result = scan(aws, services=SERVICES)
    finding = result.one("vpc-flow-logs-enabled", vpc)
    assert finding.status is Status.UNKNOWN
    assert "ec2:DescribeFlowLogs denied" in finding.evidence
