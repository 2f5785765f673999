"""EC2 checks, proven both ways on moto: security-group exposure, IMDSv2, public IPs, instance
profiles, Systems Manager management and patch windows, subnet ACLs, volume encryption, AMIs.

moto 5.2.5 lacks ssm:DescribeInstanceInformation; the managed/unmanaged cases answer that one
call through a botocore Stubber hooked to that operation only (moto serves every other call).
"""

from __future__ import annotations

import json
from typing import Any

import botocore.client
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from demarcate.checks.registry import Status

WORLD = [{"CidrIp": "0.0.0.0/0"}]
AMI = "ami-12345678"


class OperationStubber(Stubber):
    """A Stubber that answers one operation and lets every other call through to moto."""

    def __init__(self, client: Any, operation: str) -> None:
        super().__init__(client)
        event = client.meta.service_model.service_id.hyphenize()
        self._events = (
            f"before-parameter-build.{event}.{operation}",
            f"before-call.{event}.{operation}",
        )

    def activate(self) -> None:
        self.client.meta.events.register_first(
            self._events[0], self._assert_expected_params, unique_id=self._expected_params_event_id
        )
        self.client.meta.events.register(
            self._events[1], self._get_response_handler, unique_id=self._event_id
        )


def _deny(operation: str):
    original = botocore.client.BaseClient._make_api_call

    def fake(self, operation_name, api_params):
        if operation_name == operation:
            raise ClientError(
                {
                    "Error": {"Code": "AccessDeniedException", "Message": "denied"},
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                },
                operation_name,
            )
        return original(self, operation_name, api_params)

    return fake


def _tags(name: str, **extra: str) -> list[dict[str, Any]]:
    tags = [{"Key": "Name", "Value": name}] + [{"Key": k, "Value": v} for k, v in extra.items()]
    return [{"ResourceType": "instance", "Tags": tags}]


def _instance(session, name: str, **kwargs: Any) -> str:
    return session.client("ec2").run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        TagSpecifications=_tags(name, **kwargs.pop("tags", {})),
        **kwargs,
    )["Instances"][0]["InstanceId"]


def _private_subnet(session, cidr: str = "10.0.1.0/24") -> tuple[str, str]:
    ec2 = session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone="us-east-1a")["Subnet"][
        "SubnetId"
    ]
    return vpc, subnet


# ---- security groups -----------------------------------------------------------------------------


def _sg(session, vpc: str, name: str, perms: list[dict[str, Any]]) -> str:
    ec2 = session.client("ec2")
    sg = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    if perms:
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=perms)
    return sg


def _tcp(port: int, to: int | None = None, **sources: Any) -> dict[str, Any]:
    return {
        "IpProtocol": "tcp",
        "FromPort": port,
        "ToPort": to or port,
        **(sources or {"IpRanges": WORLD}),
    }


@pytest.mark.parametrize(
    ("check_id", "perm", "evidence"),
    [
        ("ec2-sg-ssh-not-open-to-world", _tcp(22), "tcp/22 from 0.0.0.0/0 exposes SSH 22"),
        (
            "ec2-sg-ssh-not-open-to-world",
            _tcp(20, 25, Ipv6Ranges=[{"CidrIpv6": "::/0"}]),
            "tcp/20-25 from ::/0 exposes SSH 22",
        ),
        ("ec2-sg-rdp-not-open-to-world", _tcp(3389), "tcp/3389 from 0.0.0.0/0 exposes RDP 3389"),
        ("ec2-sg-cifs-not-open-to-world", _tcp(445), "tcp/445 from 0.0.0.0/0 exposes CIFS/SMB 445"),
        (
            "ec2-sg-db-ports-not-open-to-world",
            _tcp(5432),
            "tcp/5432 from 0.0.0.0/0 exposes PostgreSQL 5432",
        ),
        (
            "ec2-sg-db-ports-not-open-to-world",
            _tcp(6000, 6400),
            "tcp/6000-6400 from 0.0.0.0/0 exposes Redis 6379",
        ),
        (
            "ec2-sg-all-traffic-not-open-to-world",
            {"IpProtocol": "-1", "IpRanges": WORLD},
            "allows all traffic from 0.0.0.0/0",
        ),
        (
            "ec2-sg-all-traffic-not-open-to-world",
            _tcp(0, 65535),
            "allows tcp/0-65535 from 0.0.0.0/0",
        ),
    ],
)
def test_security_group_exposure(aws, scan, check_id, perm, evidence):
    vpc, _ = _private_subnet(aws)
    bad = _sg(aws, vpc, "exposed", [perm])
    good = _sg(
        aws,
        vpc,
        "guarded",
        [
            _tcp(443),
            _tcp(22, IpRanges=[{"CidrIp": "10.0.0.0/8"}]),
            _tcp(3306, UserIdGroupPairs=[{"GroupId": bad}]),
        ],
    )
    result = scan(aws, services=["vpc"])
    ko = result.one(check_id, bad)
    assert ko.status is Status.FAIL
    assert ko.evidence == f"security group exposed ({bad}) (not attached): {evidence}"
    assert ko.duty_id == "ec2.security-groups"
    ok = result.one(check_id, good)
    assert ok.status is Status.PASS
    assert ok.evidence.startswith(f"security group guarded ({good}): ")


def test_all_traffic_rule_fails_every_port_check(aws, scan):
    vpc, _ = _private_subnet(aws)
    sg = _sg(aws, vpc, "wide-open", [{"IpProtocol": "-1", "IpRanges": WORLD}])
    result = scan(aws, services=["vpc"])
    for check_id in (
        "ec2-sg-ssh-not-open-to-world",
        "ec2-sg-rdp-not-open-to-world",
        "ec2-sg-cifs-not-open-to-world",
        "ec2-sg-db-ports-not-open-to-world",
    ):
        assert result.one(check_id, sg).status is Status.FAIL, check_id
    db = result.one("ec2-sg-db-ports-not-open-to-world", sg)
    assert "all traffic from 0.0.0.0/0 exposes SQL Server 1433" in db.evidence
    assert "and 12 more" in db.evidence


def test_attached_group_says_so(aws, scan):
    vpc, subnet = _private_subnet(aws)
    sg = _sg(aws, vpc, "ssh", [_tcp(22)])
    _instance(aws, "box", SubnetId=subnet, SecurityGroupIds=[sg])
    result = scan(aws, services=["vpc"])
    ko = result.one("ec2-sg-ssh-not-open-to-world", sg)
    assert (
        ko.evidence
        == f"security group ssh ({sg}) (used by 1 network interface): tcp/22 from 0.0.0.0/0 exposes SSH 22"
    )


# ---- instance configuration ---------------------------------------------------------------------


def test_imdsv2_required(aws, scan):
    v2 = _instance(aws, "v2", MetadataOptions={"HttpTokens": "required"})
    v1 = _instance(aws, "v1", MetadataOptions={"HttpTokens": "optional"})
    off = _instance(aws, "off", MetadataOptions={"HttpEndpoint": "disabled"})
    result = scan(aws, services=["ec2"])
    ok = result.one("ec2-imdsv2-required", v2)
    assert ok.status is Status.PASS
    assert ok.evidence == f"instance v2 ({v2}): IMDSv2 is required (HttpTokens=required)"
    ko = result.one("ec2-imdsv2-required", v1)
    assert ko.status is Status.FAIL
    assert ko.evidence == f"instance v1 ({v1}): IMDSv1 is allowed (HttpTokens=optional)"
    assert ko.duty_id == "ec2.instance-configuration"
    assert result.one("ec2-imdsv2-required", off).status is Status.PASS


def test_terminated_instances_are_ignored(aws, scan):
    gone = _instance(aws, "gone", MetadataOptions={"HttpTokens": "optional"})
    aws.client("ec2").terminate_instances(InstanceIds=[gone])
    result = scan(aws, services=["ec2"])
    assert not [f for f in result.findings if gone in f.resource_id]


def test_public_ip(aws, scan):
    public = _instance(aws, "public")  # default subnet: moto assigns a public IPv4
    _, subnet = _private_subnet(aws)
    private = _instance(aws, "private", SubnetId=subnet)
    result = scan(aws, services=["ec2"])
    ko = result.one("ec2-instance-no-public-ip", public)
    assert ko.status is Status.FAIL
    assert ko.evidence.startswith(f"instance public ({public}): public IPv4 ")
    ok = result.one("ec2-instance-no-public-ip", private)
    assert ok.status is Status.PASS
    assert ok.evidence == f"instance private ({private}): no public IPv4 address"


def test_instance_profile(aws, scan):
    iam = aws.client("iam")
    iam.create_role(
        RoleName="app",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )
    iam.create_instance_profile(InstanceProfileName="app-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app")
    with_role = _instance(aws, "with-role", IamInstanceProfile={"Name": "app-profile"})
    bare = _instance(aws, "bare")
    result = scan(aws, services=["ec2"])
    ok = result.one("ec2-instance-profile-attached", with_role)
    assert ok.status is Status.PASS
    assert ok.evidence == f"instance with-role ({with_role}): instance profile app-profile"
    ko = result.one("ec2-instance-profile-attached", bare)
    assert ko.status is Status.FAIL
    assert ko.evidence == f"instance bare ({bare}): no IAM instance profile"
    assert ko.duty_id == "ec2.iam-policies"


def test_public_and_private_amis(aws, scan):
    ec2 = aws.client("ec2")
    mapping = [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}}]
    private = ec2.register_image(
        Name="golden", RootDeviceName="/dev/xvda", BlockDeviceMappings=mapping
    )["ImageId"]
    shared = ec2.register_image(
        Name="leaky", RootDeviceName="/dev/xvda", BlockDeviceMappings=mapping
    )["ImageId"]
    ec2.modify_image_attribute(ImageId=shared, LaunchPermission={"Add": [{"Group": "all"}]})
    result = scan(aws, services=["ec2"])
    ok = result.one("ec2-ami-not-public", private)
    assert ok.status is Status.PASS
    assert ok.evidence == f"AMI golden ({private}): private"
    ko = result.one("ec2-ami-not-public", shared)
    assert ko.status is Status.FAIL
    assert ko.evidence == f"AMI leaky ({shared}): launch permission is public (group all)"


# ---- Systems Manager --------------------------------------------------------------------------


def test_ssm_managed_unknown_on_moto(aws, scan):
    """moto does not implement DescribeInstanceInformation: UNKNOWN naming the action."""
    box = _instance(aws, "box")
    result = scan(aws, services=["ec2"])
    finding = result.one("ec2-instance-ssm-managed", box)
    assert finding.status is Status.UNKNOWN
    assert (
        finding.evidence == "box: ssm:DescribeInstanceInformation is not supported by this endpoint"
    )


def test_ssm_managed_with_stubbed_instance_information(aws, scan):
    managed = _instance(aws, "managed")
    lost = _instance(aws, "lost")
    unmanaged = _instance(aws, "unmanaged")
    answer = {
        "InstanceInformationList": [
            {"InstanceId": managed, "PingStatus": "Online", "PlatformType": "Linux"},
            {"InstanceId": lost, "PingStatus": "ConnectionLost", "PlatformType": "Linux"},
        ]
    }

    def prepare(ctx):
        stub = OperationStubber(ctx.client("ssm", "us-east-1"), "DescribeInstanceInformation")
        stub.add_response("describe_instance_information", answer, {})
        stub.activate()

    result = scan(aws, services=["ec2"], prepare=prepare)
    ok = result.one("ec2-instance-ssm-managed", managed)
    assert ok.status is Status.PASS
    assert ok.evidence == f"instance managed ({managed}): managed by Systems Manager (ping Online)"
    assert ok.duty_id == "ec2.guest-os-patching"
    ko = result.one("ec2-instance-ssm-managed", unmanaged)
    assert ko.status is Status.FAIL
    assert ko.evidence == f"instance unmanaged ({unmanaged}): not registered with Systems Manager"
    gone = result.one("ec2-instance-ssm-managed", lost)
    assert gone.status is Status.FAIL
    assert "ping status ConnectionLost" in gone.evidence


def _window(session, name: str, targets: list[dict[str, Any]], document: str) -> str:
    ssm = session.client("ssm")
    window = ssm.create_maintenance_window(
        Name=name,
        Schedule="cron(0 3 ? * SUN *)",
        Duration=2,
        Cutoff=1,
        AllowUnassociatedTargets=False,
    )["WindowId"]
    target = ssm.register_target_with_maintenance_window(
        WindowId=window, ResourceType="INSTANCE", Targets=targets
    )["WindowTargetId"]
    ssm.register_task_with_maintenance_window(
        WindowId=window,
        Targets=[{"Key": "WindowTargetIds", "Values": [target]}],
        TaskArn=document,
        TaskType="RUN_COMMAND",
        MaxConcurrency="1",
        MaxErrors="1",
    )
    return window


def test_patch_window(aws, scan):
    by_tag = _instance(aws, "by-tag", tags={"Patch Group": "prod"})
    by_id = _instance(aws, "by-id")
    shell_only = _instance(aws, "shell-only")
    forgotten = _instance(aws, "forgotten")
    _window(aws, "weekly", [{"Key": "tag:Patch Group", "Values": ["prod"]}], "AWS-RunPatchBaseline")
    _window(aws, "nightly", [{"Key": "InstanceIds", "Values": [by_id]}], "AWS-RunPatchBaseline")
    _window(aws, "scripts", [{"Key": "InstanceIds", "Values": [shell_only]}], "AWS-RunShellScript")
    result = scan(aws, services=["ec2"])
    check = "ec2-instance-patch-window"
    ok = result.one(check, by_tag)
    assert ok.status is Status.PASS
    assert ok.evidence == f"instance by-tag ({by_tag}): patched by maintenance window weekly"
    assert result.one(check, by_id).evidence.endswith("patched by maintenance window nightly")
    for bare in (shell_only, forgotten):
        ko = result.one(check, bare)
        assert ko.status is Status.FAIL
        assert "no enabled maintenance window runs a patch task on it" in ko.evidence


def test_patch_window_unknown_when_tasks_denied(aws, scan, monkeypatch):
    box = _instance(aws, "box")
    _window(
        aws,
        "weekly",
        [{"Key": "InstanceIds", "Values": ["i-0000000000000000"]}],
        "AWS-RunPatchBaseline",
    )
    monkeypatch.setattr(
        botocore.client.BaseClient, "_make_api_call", _deny("DescribeMaintenanceWindowTasks")
    )
    result = scan(aws, services=["ec2"])
    finding = result.one("ec2-instance-patch-window", box)
    assert finding.status is Status.UNKNOWN
    assert "ssm:DescribeMaintenanceWindowTasks denied" in finding.evidence


# ---- subnet network ACL and volumes (need the vpc / ebs collectors too) ----------------------------


def test_subnet_nacl_of_public_instances(aws, scan):
    ec2 = aws.client("ec2")
    exposed = _instance(aws, "exposed")  # default subnet, default ACL allows everything
    vpc, subnet = _private_subnet(aws)
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    for number, port in ((90, 22), (91, 3389)):
        ec2.create_network_acl_entry(
            NetworkAclId=acl,
            RuleNumber=number,
            Protocol="6",
            RuleAction="deny",
            Egress=False,
            CidrBlock="0.0.0.0/0",
            PortRange={"From": port, "To": port},
        )
    ec2.create_network_acl_entry(
        NetworkAclId=acl,
        RuleNumber=100,
        Protocol="-1",
        RuleAction="allow",
        Egress=False,
        CidrBlock="0.0.0.0/0",
    )
    current = ec2.describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet]}]
    )
    assoc = next(
        a["NetworkAclAssociationId"]
        for n in current["NetworkAcls"]
        for a in n["Associations"]
        if a["SubnetId"] == subnet
    )
    ec2.replace_network_acl_association(AssociationId=assoc, NetworkAclId=acl)
    guarded = _instance(
        aws,
        "guarded",
        NetworkInterfaces=[
            {"DeviceIndex": 0, "SubnetId": subnet, "AssociatePublicIpAddress": True}
        ],
    )
    private = _instance(aws, "private", SubnetId=subnet)

    result = scan(aws, services=["ec2", "vpc"])
    check = "ec2-instance-subnet-nacl-blocks-admin-ports"
    ok = result.one(check, guarded)
    assert ok.status is Status.PASS
    assert f"network ACL {acl} of {subnet} blocks SSH and RDP from anywhere" in ok.evidence
    ko = result.one(check, exposed)
    assert ko.status is Status.FAIL
    assert ko.evidence.endswith("rule 100 allows all traffic from 0.0.0.0/0 (SSH 22, RDP 3389)")
    assert ko.duty_id == "ec2.network-acls"
    assert not [f for f in result.for_check(check) if private in f.resource_id]

    # `--service ec2` also runs the collectors its checks need (the VPC one for ACLs).
    alone = scan(aws, services=["ec2"]).one(check, guarded)
    assert alone.status is Status.PASS


def test_acl_unknown_when_not_collected_never_pass():
    """Judged without the VPC collector's data, the ACL check is UNKNOWN, never a PASS."""
    from demarcate.checks.registry import load_checks
    from demarcate.engine import evaluate
    from demarcate.resources.base import Inventory
    from demarcate.resources.ec2 import Ec2Instance

    inv = Inventory(account="123456789012")
    instance = Ec2Instance(
        id="i-1",
        region="us-east-1",
        state="running",
        public_ips=["203.0.113.9"],
        subnet_id="subnet-1",
    )
    result = evaluate(load_checks()["ec2-instance-subnet-nacl-blocks-admin-ports"], instance, inv)
    assert result is not None and result.status is Status.UNKNOWN
    assert "was not collected" in result.evidence


def test_instance_volume_encryption(aws, scan):
    sealed = _instance(
        aws,
        "sealed",
        BlockDeviceMappings=[
            {"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8, "Encrypted": True}}
        ],
    )
    plain = _instance(aws, "plain")
    result = scan(aws, services=["ec2", "ebs"])
    ok = result.one("ec2-instance-volumes-encrypted", sealed)
    assert ok.status is Status.PASS
    assert ok.evidence == f"instance sealed ({sealed}): all 1 volume(s) encrypted"
    ko = result.one("ec2-instance-volumes-encrypted", plain)
    assert ko.status is Status.FAIL
    assert ko.evidence.startswith(f"instance plain ({plain}): unencrypted volume(s) vol-")
    assert ko.duty_id == "ec2.data-encryption"


# ---- faults ---------------------------------------------------------------------------------------


def test_denied_instance_listing_is_unknown(aws, scan, monkeypatch):
    _instance(aws, "box")
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", _deny("DescribeInstances"))
    result = scan(aws, services=["ec2"])
    for check_id in (
        "ec2-imdsv2-required",
        "ec2-instance-no-public-ip",
        "ec2-instance-ssm-managed",
    ):
        findings = result.for_check(check_id)
        assert [f.status for f in findings] == [Status.UNKNOWN]
        assert findings[0].resource_id == "ec2.instance:us-east-1"
        assert "ec2:DescribeInstances denied" in findings[0].evidence


def test_denied_image_listing_is_unknown(aws, scan, monkeypatch):
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", _deny("DescribeImages"))
    result = scan(aws, services=["ec2"])
    findings = result.for_check("ec2-ami-not-public")
    assert [f.status for f in findings] == [Status.UNKNOWN]
    assert "ec2:DescribeImages denied" in findings[0].evidence
