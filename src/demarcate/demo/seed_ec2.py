"""Demo EC2 in regions[0] (networks come from seed_vpc).

- AMIs: "demo-app-ami" (private, encrypted snapshot; compliant) and "demo-public-ami"
  (launch permission for everyone; planted).
- "demo-app-1" (compliant): demo-prod private subnet, IMDSv2 required, instance profile
  "demo-app-profile", no public IP, encrypted root volume, tag "Patch Group=prod" targeted by
  maintenance window "demo-weekly-patching" whose task runs AWS-RunPatchBaseline.
- "demo-bastion" (mixed): demo-prod public subnet with a public IP behind "demo-prod-nacl"
  (SSH/RDP from anywhere denied: compliant), IMDSv2, instance profile; the public IP is planted.
- "demo-legacy-1" (planted): default VPC, IMDSv1 allowed, public IP, no instance profile,
  unencrypted root volume, no patch window, subnet ACL open to the world.
- moto backs every registered AMI with an unencrypted snapshot whatever the mapping says, so
  the two AMI snapshots also show up as unencrypted snapshots (an extra planted finding).
- Systems Manager registration: moto 5.2.5 lacks ssm:DescribeInstanceInformation, so the
  "managed by Systems Manager" check is UNKNOWN in the demo (tests prove it with a Stubber).
"""

from __future__ import annotations

import json
from typing import Any

import boto3

ORDER = 20
MANAGED_POLICY = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"


def _tags(name: str, kind: str, **extra: str) -> list[dict[str, Any]]:
    tags = [{"Key": "Name", "Value": name}] + [{"Key": k, "Value": v} for k, v in extra.items()]
    return [{"ResourceType": kind, "Tags": tags}]


def _by_name(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    for item in items:
        if {"Key": "Name", "Value": name} in (item.get("Tags") or []):
            return item
    raise LookupError(name)


def _profile(session: boto3.Session) -> str:
    iam = session.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName="demo-app-instance", AssumeRolePolicyDocument=json.dumps(trust))
    iam.attach_role_policy(RoleName="demo-app-instance", PolicyArn=MANAGED_POLICY)
    iam.create_instance_profile(InstanceProfileName="demo-app-profile")
    iam.add_role_to_instance_profile(
        InstanceProfileName="demo-app-profile", RoleName="demo-app-instance"
    )
    return "demo-app-profile"


def seed(session: boto3.Session, regions: list[str]) -> None:
    region = regions[0]
    ec2 = session.client("ec2", region_name=region)
    root = [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": True}}]

    image = ec2.register_image(
        Name="demo-app-ami", RootDeviceName="/dev/xvda", BlockDeviceMappings=root
    )["ImageId"]
    public = ec2.register_image(
        Name="demo-public-ami", RootDeviceName="/dev/xvda", BlockDeviceMappings=root
    )["ImageId"]
    ec2.modify_image_attribute(ImageId=public, LaunchPermission={"Add": [{"Group": "all"}]})

    profile = _profile(session)
    subnets = ec2.describe_subnets(Filters=[{"Name": "tag:Name", "Values": ["demo-prod-*"]}])[
        "Subnets"
    ]
    private = _by_name(subnets, "demo-prod-private")["SubnetId"]
    public_subnet = _by_name(subnets, "demo-prod-public")["SubnetId"]
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["demo-web"]}])
    web = groups["SecurityGroups"][0]["GroupId"]
    imdsv2 = {"HttpTokens": "required", "HttpEndpoint": "enabled"}

    ec2.run_instances(
        ImageId=image,
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        SubnetId=private,
        SecurityGroupIds=[web],
        IamInstanceProfile={"Name": profile},
        MetadataOptions=imdsv2,
        BlockDeviceMappings=root,
        TagSpecifications=_tags("demo-app-1", "instance", **{"Patch Group": "prod"}),
    )
    ec2.run_instances(
        ImageId=image,
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        NetworkInterfaces=[
            {
                "DeviceIndex": 0,
                "SubnetId": public_subnet,
                "Groups": [web],
                "AssociatePublicIpAddress": True,
            }
        ],
        IamInstanceProfile={"Name": profile},
        MetadataOptions=imdsv2,
        BlockDeviceMappings=root,
        TagSpecifications=_tags("demo-bastion", "instance", **{"Patch Group": "prod"}),
    )
    # Default VPC, default subnet: public IP, IMDSv1, no profile, unencrypted root volume.
    ec2.run_instances(
        ImageId=image,
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
        BlockDeviceMappings=[
            {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": False}}
        ],
        TagSpecifications=_tags("demo-legacy-1", "instance"),
    )

    ssm = session.client("ssm", region_name=region)
    window = ssm.create_maintenance_window(
        Name="demo-weekly-patching",
        Schedule="cron(0 3 ? * SUN *)",
        Duration=3,
        Cutoff=1,
        AllowUnassociatedTargets=False,
    )["WindowId"]
    target = ssm.register_target_with_maintenance_window(
        WindowId=window,
        ResourceType="INSTANCE",
        Targets=[{"Key": "tag:Patch Group", "Values": ["prod"]}],
    )["WindowTargetId"]
    ssm.register_task_with_maintenance_window(
        WindowId=window,
        Targets=[{"Key": "WindowTargetIds", "Values": [target]}],
        TaskArn="AWS-RunPatchBaseline",
        TaskType="RUN_COMMAND",
        MaxConcurrency="1",
        MaxErrors="1",
        TaskInvocationParameters={"RunCommand": {"Parameters": {"Operation": ["Install"]}}},
    )
