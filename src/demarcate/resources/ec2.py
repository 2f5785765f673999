"""Amazon EC2: instances (with their Systems Manager status) and the account's own AMIs."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from demarcate.resources.base import Resource


class Ec2Instance(Resource):
    TYPE: ClassVar[str] = "ec2.instance"
    SERVICE: ClassVar[str] = "ec2"

    state: str | None = None  # pending | running | stopping | stopped
    instance_type: str | None = None
    platform: str | None = None  # "windows" or "linux/unix"
    image_id: str | None = None
    launch_time: datetime | None = None
    imds_http_tokens: str | None = None  # "required" (IMDSv2 only) | "optional"
    imds_endpoint: str | None = None  # "enabled" | "disabled"
    public_ips: list[str] | None = None  # public IPv4 addresses on any interface; [] = none
    iam_instance_profile_arn: str | None = None  # "" when the instance has no profile
    vpc_id: str | None = None
    subnet_id: str | None = None
    security_group_ids: list[str] | None = None
    root_volume_id: str | None = None
    volume_ids: list[str] | None = None  # every EBS volume attached, root included
    # Systems Manager
    ssm_managed: bool | None = None  # registered with Systems Manager (DescribeInstanceInformation)
    ssm_ping_status: str | None = None  # Online | ConnectionLost | Inactive; "" when unmanaged
    in_patch_window: bool | None = None  # targeted by a maintenance window's patch task
    patch_windows: list[str] | None = None  # names of those windows

    @property
    def has_instance_profile(self) -> bool | None:
        if self.iam_instance_profile_arn is None:
            return None
        return bool(self.iam_instance_profile_arn)


class Ec2Image(Resource):
    """An AMI the account owns."""

    TYPE: ClassVar[str] = "ec2.image"
    SERVICE: ClassVar[str] = "ec2"

    state: str | None = None
    public: bool | None = None  # launch permission for group "all"
    snapshot_ids: list[str] | None = None
    encrypted: bool | None = None  # every EBS block device of the image is encrypted
    creation_date: str | None = None
