"""VPC, subnets, security groups (+ standalone rules), network ACLs (+ entries, subnet
associations), flow logs, VPC endpoints, EC2 instances (+ launch templates, EIPs, volume
attachments) and EBS volumes.

AWS defaults applied when a property is absent:

* every VPC gets a default security group (all traffic in from itself, all traffic out) and a
  default network ACL (allow all in and out, rule 100): AWS creates them and CloudFormation
  cannot remove their rules, so they are modelled (named ``default``) and can receive rules
  through ``!GetAtt Vpc.DefaultSecurityGroup`` / ``DefaultNetworkAcl``;
* a security group without ``SecurityGroupEgress`` keeps the default allow-all egress rule;
* a custom network ACL ends with the implicit deny rule 32767;
* subnets do not map public IPs unless ``MapPublicIpOnLaunch`` is true; an instance given no
  subnet lands in the default VPC's default subnet, which does;
* instance ``HttpEndpoint`` defaults to enabled; ``HttpTokens`` has no fixed default (it follows
  the AMI's ImdsSupport and the account's IMDS defaults), so it stays unknown;
* EBS ``Encrypted`` defaults to false (an account with EBS encryption by default encrypts the
  volume anyway; the template does not say so); ``VolumeType`` defaults to gp2.
"""

from __future__ import annotations

from typing import Any

from demarcate.resources.ebs import EbsVolume
from demarcate.resources.ec2 import Ec2Instance
from demarcate.resources.vpc import (
    NetworkAcl,
    NetworkAclEntry,
    SecurityGroup,
    SecurityGroupRule,
    Vpc,
)
from demarcate.sources.api_shapes import nacl_entries, sg_rules
from demarcate.sources.cloudformation.intrinsics import ResRef, Unresolved, first_unresolved
from demarcate.sources.cloudformation.stack import (
    LogicalResource,
    Props,
    Stack,
    assign,
    default_nacl_id,
    default_sg_id,
    finisher,
    folder,
    primary,
    tags_of,
    to_bool,
    to_int,
    to_str,
    to_str_list,
    to_word,
)

WORLD_ALL_EGRESS = SecurityGroupRule(protocol="-1", cidrs=["0.0.0.0/0"])
PUBLIC_IP = "<public IP assigned at launch>"
ROOT_DEVICES = ("/dev/xvda", "/dev/sda1", "/dev/sda", "xvda")
LAUNCH_TEMPLATE_VERSIONS = ("$Latest", "$Default", "1")


def _name(tags: dict[str, str] | None, fallback: str) -> str:
    return (tags or {}).get("Name") or fallback


# ---- VPC ------------------------------------------------------------------------------------------


@primary("AWS::EC2::VPC")
def vpc(stack: Stack, lr: LogicalResource, p: Props) -> list[Any]:
    key = stack.key_of(lr.logical_id)
    tags = tags_of(p)
    res = Vpc(id=key, name=_name(tags, key), region=stack.region, tags=tags)
    res.is_default = False  # CloudFormation cannot create a default VPC
    res.state = "available"
    cidr = p.get("CidrBlock")
    if cidr is None and p.has("Ipv4IpamPoolId"):
        cidr = Unresolved("the CIDR block is allocated from an IPAM pool")
    assign(res, "cidr", to_word(cidr))
    res.flow_logs_enabled, res.flow_log_ids, res.endpoint_services = False, [], []
    res.mark_unknown(
        "network interface count is known only after deployment", "network_interface_count"
    )
    default_sg = SecurityGroup(
        id=default_sg_id(lr.logical_id),
        name="default",
        region=stack.region,
        group_name="default",
        description="default VPC security group",
        vpc_id=key,
        is_default_group=True,
        ingress=[SecurityGroupRule(protocol="-1", source_groups=[default_sg_id(lr.logical_id)])],
        egress=[WORLD_ALL_EGRESS.model_copy()],
    )
    _attachment_unknown(default_sg)
    default_acl = NetworkAcl(
        id=default_nacl_id(lr.logical_id),
        name="default",
        region=stack.region,
        vpc_id=key,
        is_default=True,
        subnet_ids=[],
        entries=_default_acl_entries(),
    )
    stack.extra.setdefault("default_acls", {})[key] = default_acl
    stack.add(res, lr)
    stack.add(default_sg, lr, primary_of=False)
    stack.add(default_acl, lr, primary_of=False)
    return []


def _default_acl_entries() -> list[NetworkAclEntry]:
    out = []
    for egress in (False, True):
        out.append(
            NetworkAclEntry(
                rule_number=100, egress=egress, action="allow", protocol="-1", cidr="0.0.0.0/0"
            )
        )
        out.append(
            NetworkAclEntry(
                rule_number=32767, egress=egress, action="deny", protocol="-1", cidr="0.0.0.0/0"
            )
        )
    return out


def _attachment_unknown(sg: SecurityGroup) -> None:
    sg.mark_unknown(
        "which network interfaces use it is known only after deployment",
        "attached",
        "network_interface_ids",
    )


@primary("AWS::EC2::Subnet")
def subnet(stack: Stack, lr: LogicalResource, p: Props) -> None:
    stack.extra.setdefault("subnets", {})[lr.logical_id] = {
        "vpc": p.get("VpcId"),
        "public": to_bool(p.get("MapPublicIpOnLaunch"), False),
    }


def subnet_info(stack: Stack, subnet_id: Any) -> dict[str, Any] | None:
    if isinstance(subnet_id, ResRef):
        return stack.extra.get("subnets", {}).get(subnet_id.logical)
    return None


# ---- security groups ------------------------------------------------------------------------------


def _permission(rule: Props, direction: str) -> dict[str, Any] | Unresolved:
    """A CloudFormation rule block -> an EC2 IpPermissions entry."""
    protocol = to_word(rule.get("IpProtocol"))
    if protocol is None:
        return Unresolved("a rule has no IpProtocol")
    perm: dict[str, Any] = {"IpProtocol": protocol}
    for key in ("FromPort", "ToPort"):
        value = to_int(rule.get(key))
        if value is not None:
            perm[key] = value
    peer = "Destination" if direction == "egress" else "Source"
    cidr, cidr6 = to_word(rule.get("CidrIp")), to_word(rule.get("CidrIpv6"))
    group = rule.get(f"{peer}SecurityGroupId")
    group = to_str(rule.get(f"{peer}SecurityGroupName") if group is None else group)
    prefix = to_str(rule.get(f"{peer}PrefixListId"))
    if cidr is not None:
        perm["IpRanges"] = [{"CidrIp": cidr}]
    if cidr6 is not None:
        perm["Ipv6Ranges"] = [{"CidrIpv6": cidr6}]
    if group is not None:
        perm["UserIdGroupPairs"] = [{"GroupId": group}]
    if prefix is not None:
        perm["PrefixListIds"] = [{"PrefixListId": prefix}]
    bad = first_unresolved(perm)
    return bad if bad is not None else perm


def _rules(items: list[Props] | Unresolved, direction: str) -> list[SecurityGroupRule] | Unresolved:
    if isinstance(items, Unresolved):
        return items
    perms = []
    for item in items:
        perm = _permission(item, direction)
        if isinstance(perm, Unresolved):
            return perm
        perms.append(perm)
    return sg_rules(perms)


@primary("AWS::EC2::SecurityGroup")
def security_group(stack: Stack, lr: LogicalResource, p: Props) -> SecurityGroup:
    key = stack.key_of(lr.logical_id)
    tags = tags_of(p)
    group_name = stack.name_of(lr.logical_id)
    res = SecurityGroup(
        id=key,
        name=_name(tags, key),
        region=stack.region,
        tags=tags,
        group_name=group_name if isinstance(group_name, str) else key,
        is_default_group=False,  # the default group cannot be created, only referenced
    )
    assign(res, "description", to_str(p.get("GroupDescription")))
    assign(res, "vpc_id", to_str(p.get("VpcId"), ""))
    assign(res, "ingress", _rules(p.items("SecurityGroupIngress"), "ingress"))
    if p.has("SecurityGroupEgress"):
        assign(res, "egress", _rules(p.items("SecurityGroupEgress"), "egress"))
    elif p.has("SecurityGroupEgress") is None:
        assign(res, "egress", Unresolved(p.why("SecurityGroupEgress")))
    else:
        res.egress = [WORLD_ALL_EGRESS.model_copy()]  # the default rule stays
    _attachment_unknown(res)
    return res


@folder("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress")
def sg_rule(stack: Stack, lr: LogicalResource, p: Props) -> None:
    direction = "egress" if lr.type.endswith("Egress") else "ingress"
    ref = p.get("GroupId")
    if ref is None:
        ref = p.get("GroupName")
    target = stack.target(ref, SecurityGroup, "AWS::EC2::SecurityGroup")
    rules = _rules([p], direction)
    if isinstance(target, Unresolved):
        for res in stack.built(SecurityGroup):
            res.mark_unknown(
                f"rule {lr.logical_id} applies to a security group that is not known: "
                f"{target.reason}",
                direction,
            )
        return
    if target is None:
        return
    if isinstance(rules, Unresolved):
        target.mark_unknown(f"rule {lr.logical_id}: {rules.reason}", direction)
        return
    current = getattr(target, direction)
    if current is not None:
        current.extend(rules)


# ---- network ACLs ---------------------------------------------------------------------------------


@primary("AWS::EC2::NetworkAcl")
def network_acl(stack: Stack, lr: LogicalResource, p: Props) -> NetworkAcl:
    key = stack.key_of(lr.logical_id)
    tags = tags_of(p)
    res = NetworkAcl(id=key, name=_name(tags, key), region=stack.region, tags=tags)
    assign(res, "vpc_id", to_str(p.get("VpcId")))
    res.is_default = False
    res.subnet_ids = []
    res.entries = [
        NetworkAclEntry(
            rule_number=32767, egress=egress, action="deny", protocol="-1", cidr="0.0.0.0/0"
        )
        for egress in (False, True)
    ]
    return res


def _acl_target(stack: Stack, value: Any) -> NetworkAcl | Unresolved | None:
    return stack.target(value, NetworkAcl, "AWS::EC2::NetworkAcl")


@folder("AWS::EC2::NetworkAclEntry")
def nacl_entry(stack: Stack, lr: LogicalResource, p: Props) -> None:
    target = _acl_target(stack, p.get("NetworkAclId"))
    if isinstance(target, Unresolved):
        for res in stack.built(NetworkAcl):
            res.mark_unknown(
                f"entry {lr.logical_id} targets an unknown network ACL: {target.reason}", "entries"
            )
        return
    if target is None or target.entries is None:
        return
    ports = p.sub("PortRange")
    raw = {
        "RuleNumber": to_int(p.get("RuleNumber")),
        "Protocol": to_word(p.get("Protocol")),
        "RuleAction": to_word(p.get("RuleAction")),
        "Egress": to_bool(p.get("Egress"), False),
        "CidrBlock": to_word(p.get("CidrBlock")),
        "Ipv6CidrBlock": to_word(p.get("Ipv6CidrBlock")),
        "PortRange": {"From": to_int(ports.get("From")), "To": to_int(ports.get("To"))},
    }
    bad = first_unresolved(raw)
    if bad is not None:
        target.mark_unknown(f"entry {lr.logical_id}: {bad.reason}", "entries")
        return
    raw = {k: v for k, v in raw.items() if v is not None}
    target.entries.extend(nacl_entries([raw]))


@folder("AWS::EC2::SubnetNetworkAclAssociation")
def nacl_association(stack: Stack, lr: LogicalResource, p: Props) -> None:
    target = _acl_target(stack, p.get("NetworkAclId"))
    subnet_id = to_str(p.get("SubnetId"))
    if isinstance(subnet_id, Unresolved):
        # Any subnet of the template may be the one moved off its VPC's default ACL.
        stack.extra.setdefault("unknown_associations", []).append(
            f"association {lr.logical_id}: its subnet is not known: {subnet_id.reason}"
        )
    elif isinstance(subnet_id, str) and target is not None:
        # Associated with a custom ACL (known or not): no longer on the default ACL.
        stack.extra.setdefault("associated_subnets", set()).add(subnet_id)
    if isinstance(target, NetworkAcl) and isinstance(subnet_id, str):
        if target.subnet_ids is not None and subnet_id not in target.subnet_ids:
            target.subnet_ids.append(subnet_id)
    elif isinstance(target, NetworkAcl):
        target.mark_unknown(f"association {lr.logical_id}: subnet is not known", "subnet_ids")


@finisher
def default_acl_subnets(stack: Stack) -> None:
    """Template subnets with no custom ACL association use their VPC's default ACL."""
    associated = stack.extra.get("associated_subnets", set())
    acls = stack.extra.get("default_acls", {})
    doubts = stack.extra.get("unknown_associations", [])
    if doubts:
        for acl in acls.values():
            acl.mark_unknown(doubts[0], "subnet_ids")
        return
    for logical, info in stack.extra.get("subnets", {}).items():
        subnet_key = stack.key_of(logical)
        if subnet_key in associated:
            continue
        vpc_ref = info.get("vpc")
        acl = acls.get(str(vpc_ref)) if isinstance(vpc_ref, str) else None
        if acl is not None and acl.subnet_ids is not None:
            acl.subnet_ids.append(subnet_key)


# ---- flow logs and endpoints ------------------------------------------------------------------------


@folder("AWS::EC2::FlowLog")
def flow_log(stack: Stack, lr: LogicalResource, p: Props) -> None:
    kind = to_word(p.get("ResourceType"))
    ids = p.get("ResourceIds", p.get("ResourceId"))
    ids = to_str_list(ids, [])
    if isinstance(kind, Unresolved) or isinstance(ids, Unresolved):
        why = kind if isinstance(kind, Unresolved) else ids
        for res in stack.built(Vpc):
            if not res.flow_logs_enabled:
                res.mark_unknown(f"flow log {lr.logical_id}: {why.reason}", "flow_logs_enabled")
        return
    if kind != "VPC":
        return
    for value in ids:
        target = stack.target(value, Vpc, "AWS::EC2::VPC")
        if isinstance(target, Vpc):
            target.flow_logs_enabled = True
            target.unknown.pop("flow_logs_enabled", None)
            if target.flow_log_ids is not None:
                target.flow_log_ids.append(stack.key_of(lr.logical_id))


@folder("AWS::EC2::VPCEndpoint")
def vpc_endpoint(stack: Stack, lr: LogicalResource, p: Props) -> None:
    target = stack.target(p.get("VpcId"), Vpc, "AWS::EC2::VPC")
    if isinstance(target, Unresolved):
        stack.mark_all(
            Vpc,
            f"endpoint {lr.logical_id} is in a VPC that is not known: {target.reason}",
            "endpoint_services",
        )
        return
    if not isinstance(target, Vpc):
        return
    service = to_word(p.get("ServiceName"))
    if isinstance(service, Unresolved):
        target.mark_unknown(f"endpoint {lr.logical_id}: {service.reason}", "endpoint_services")
    elif service and target.endpoint_services is not None:
        target.endpoint_services.append(stack.same_region(service))
    kind = to_word(p.get("VpcEndpointType"), "Gateway")
    if kind in ("Interface", "GatewayLoadBalancer"):
        stack.extra.setdefault("vpcs_in_use", set()).add(target.id)


# ---- EC2 instances and EBS volumes ----------------------------------------------------------------


def _volume(stack: Stack, key: str, name: str, ebs: Props, instance: str | None) -> EbsVolume:
    vol = EbsVolume(id=key, name=name, region=stack.region)
    vol.state = "in-use" if instance else "available"
    assign(vol, "size_gib", to_int(ebs.get("VolumeSize", ebs.get("Size"))))
    assign(vol, "volume_type", to_word(ebs.get("VolumeType"), "gp2"))
    assign(vol, "encrypted", to_bool(ebs.get("Encrypted"), False))
    assign(vol, "kms_key_id", to_str(ebs.get("KmsKeyId"), ""))
    vol.attached_instance_ids = [instance] if instance else []
    vol.mark_unknown(
        "AWS Backup coverage is known only after deployment",
        "backed_up",
        "last_backup_time",
        "backed_up_via",
    )
    return vol


@primary("AWS::EC2::Volume")
def volume(stack: Stack, lr: LogicalResource, p: Props) -> EbsVolume:
    key = stack.key_of(lr.logical_id)
    tags = tags_of(p)
    vol = _volume(stack, key, _name(tags, key), p, None)
    vol.tags = tags
    return vol


def _launch_template(stack: Stack, p: Props) -> Props | Unresolved | None:
    """LaunchTemplateData of the instance's launch template, when it is a simple one."""
    spec = p.sub("LaunchTemplate")
    present = p.presence("LaunchTemplate")
    if isinstance(present, Unresolved):
        return Unresolved(
            f"whether the instance uses a launch template is not known: {present.reason}"
        )
    if not present:
        return None
    ref = spec.get("LaunchTemplateId", spec.get("LaunchTemplateName"))
    if isinstance(ref, Unresolved):
        return ref
    if isinstance(ref, ResRef):
        lt = stack.logical.get(ref.logical)
    else:
        lt = next(
            (
                x
                for x in stack.of_type("AWS::EC2::LaunchTemplate")
                if stack.name_of(x.logical_id) == ref
            ),
            None,
        )
    if lt is None or lt.type != "AWS::EC2::LaunchTemplate":
        return Unresolved("the launch template is not defined in this template")
    version = spec.get("Version")
    simple = (
        version is None
        or (
            isinstance(version, ResRef)
            and version.attr in ("LatestVersionNumber", "DefaultVersionNumber")
        )
        or (isinstance(version, (str, int)) and str(version) in LAUNCH_TEMPLATE_VERSIONS)
    )
    if not simple:
        return Unresolved(f"launch template version {version!r} cannot be told offline")
    return stack.props(lt).sub("LaunchTemplateData")


def _metadata(res: Ec2Instance, p: Props, lt: Props | Unresolved | None) -> None:
    attrs = ("imds_http_tokens", "imds_endpoint")
    own = p.presence("MetadataOptions")
    if isinstance(own, Unresolved):
        res.mark_unknown(f"MetadataOptions is not known: {own.reason}", *attrs)
        return
    opts = p.sub("MetadataOptions") if own else None
    if opts is None and isinstance(lt, Props):
        inherited = lt.presence("MetadataOptions")
        if isinstance(inherited, Unresolved):
            res.mark_unknown(
                f"the launch template's MetadataOptions is not known: {inherited.reason}", *attrs
            )
            return
        if inherited:
            opts = lt.sub("MetadataOptions")
    if opts is None and isinstance(lt, Unresolved):
        res.mark_unknown(f"metadata options come from a launch template: {lt.reason}", *attrs)
        return
    opts = opts or Props({})
    assign(res, "imds_endpoint", to_word(opts.get("HttpEndpoint"), "enabled"))
    tokens = to_word(opts.get("HttpTokens"))
    if tokens is None:
        tokens = Unresolved(
            "HttpTokens is not set: whether IMDSv2 is required then depends on the AMI's "
            "ImdsSupport and the account's IMDS defaults"
        )
    assign(res, "imds_http_tokens", tokens)


def _subnet_public(stack: Stack, subnet_id: Any) -> bool | Unresolved:
    if subnet_id is None:
        return True  # default subnet of the default VPC maps public IPs
    if isinstance(subnet_id, Unresolved):
        return subnet_id
    info = subnet_info(stack, subnet_id)
    if info is None:
        return Unresolved(
            f"subnet {subnet_id} is not in the template: whether it maps public IPs is not known"
        )
    public = info.get("public")
    return public if isinstance(public, (bool, Unresolved)) else False


@primary("AWS::EC2::Instance")
def instance(stack: Stack, lr: LogicalResource, p: Props) -> list[Any]:
    key = stack.key_of(lr.logical_id)
    tags = tags_of(p)
    res = Ec2Instance(id=key, name=_name(tags, key), region=stack.region, tags=tags)
    res.state = "running"
    lt = _launch_template(stack, p)
    ltp = lt if isinstance(lt, Props) else Props({})

    def prop(name: str) -> Any:
        value = p.get(name)
        return ltp.get(name) if value is None else value

    assign(res, "instance_type", to_word(prop("InstanceType")))
    assign(res, "image_id", to_str(prop("ImageId")))
    _metadata(res, p, lt)
    # Network placement and public addresses.
    nics = p.items("NetworkInterfaces")
    if isinstance(nics, list) and not nics and isinstance(lt, Props):
        nics = ltp.items("NetworkInterfaces")
    groups: list[Any] = []
    public: list[Any] = []
    subnet_id: Any = None
    if isinstance(nics, Unresolved):
        res.mark_unknown(nics.reason, "public_ips", "subnet_id", "vpc_id", "security_group_ids")
    elif nics:
        for nic in nics:
            nic_subnet = to_str(nic.get("SubnetId"))
            if subnet_id is None:
                subnet_id = nic_subnet
            groups.append(to_str_list(nic.get("GroupSet"), []))
            assoc = to_bool(nic.get("AssociatePublicIpAddress"))
            public.append(_subnet_public(stack, nic_subnet) if assoc is None else assoc)
    else:
        subnet_id = to_str(p.get("SubnetId"))
        public.append(_subnet_public(stack, subnet_id))
    if not isinstance(nics, Unresolved):
        bad = first_unresolved(public)
        if bad is not None:
            res.mark_unknown(bad.reason, "public_ips")
        else:
            res.public_ips = [PUBLIC_IP] if any(public) else []
        assign(
            res,
            "subnet_id",
            subnet_id
            if subnet_id is not None
            else Unresolved(
                "no SubnetId: the instance lands in a default subnet of the default VPC"
            ),
        )
        info = subnet_info(stack, subnet_id)
        vpc_ref = info.get("vpc") if info else None
        assign(
            res,
            "vpc_id",
            to_str(vpc_ref)
            if vpc_ref is not None
            else Unresolved("the instance's VPC is not defined in this template"),
        )
        for name in ("SecurityGroupIds", "SecurityGroups"):
            groups.append(to_str_list(prop(name), []))
        bad = first_unresolved(groups)
        assign(
            res,
            "security_group_ids",
            bad if bad is not None else [g for part in groups for g in part],
        )
        if isinstance(vpc_ref, str):
            stack.extra.setdefault("vpcs_in_use", set()).add(str(vpc_ref))
            stack.extra.setdefault("vpc_instances", {}).setdefault(str(vpc_ref), []).append(key)
    profile = prop("IamInstanceProfile")
    if isinstance(profile, dict):  # launch template form {Arn | Name}
        profile = profile.get("Arn") if profile.get("Arn") is not None else profile.get("Name")
    profile = to_str(profile)
    if isinstance(profile, str) and profile and not profile.startswith("arn:"):
        profile = stack.arn("iam", f"instance-profile/{profile}", region=False)
    assign(res, "iam_instance_profile_arn", profile if profile is not None else "")
    # Systems Manager data exists only for a running instance.
    res.mark_unknown(
        "Systems Manager registration is known only after deployment",
        "ssm_managed",
        "ssm_ping_status",
    )
    res.mark_unknown(
        "no maintenance window in this template patches the instance (windows defined "
        "elsewhere cannot be seen)",
        "in_patch_window",
    )
    # Volumes created with the instance.
    volumes: list[EbsVolume] = []
    mappings = p.items("BlockDeviceMappings")
    if isinstance(mappings, list) and not mappings and isinstance(lt, Props):
        mappings = ltp.items("BlockDeviceMappings")
    if isinstance(mappings, Unresolved):
        res.mark_unknown(mappings.reason, "volume_ids")
    else:
        has_root = False
        for mapping in mappings:
            # An EBS block that may or may not be there still makes a volume: every setting
            # of it is then unknown (Props carries the reason), never a missing volume.
            if mapping.presence("Ebs") is False:
                continue
            device = to_str(mapping.get("DeviceName"), "?")
            device = device if isinstance(device, str) else "?"
            has_root = has_root or device in ROOT_DEVICES
            vol_key = f"{key}:{device}"
            volumes.append(_volume(stack, vol_key, vol_key, mapping.sub("Ebs"), key))
        if not has_root:
            root = EbsVolume(
                id=f"{key}:root",
                name=f"{key}:root",
                region=stack.region,
                state="in-use",
                attached_instance_ids=[key],
            )
            root.mark_unknown(
                "the root volume comes from the AMI's snapshot: its encryption is set by the "
                "AMI (or the account's EBS encryption by default), not by this template",
                "encrypted",
                "kms_key_id",
            )
            root.mark_unknown(
                "AWS Backup coverage is known only after deployment",
                "backed_up",
                "last_backup_time",
                "backed_up_via",
            )
            volumes.insert(0, root)
        res.volume_ids = [v.id for v in volumes]
        res.root_volume_id = volumes[0].id if volumes else ""
        attached = p.items("Volumes")
        for item in attached if isinstance(attached, list) else []:
            vol_ref = to_str(item.get("VolumeId"))
            if isinstance(vol_ref, str):
                res.volume_ids.append(vol_ref)
                stack.extra.setdefault("attachments", []).append((vol_ref, key))
    stack.add(res, lr)
    for vol in volumes:
        stack.add(vol, lr, primary_of=False)
    return []


@folder("AWS::EC2::VolumeAttachment")
def volume_attachment(stack: Stack, lr: LogicalResource, p: Props) -> None:
    inst = stack.target(p.get("InstanceId"), Ec2Instance, "AWS::EC2::Instance")
    vol_ref = to_str(p.get("VolumeId"))
    if isinstance(inst, Ec2Instance) and isinstance(vol_ref, str):
        if inst.volume_ids is not None:
            inst.volume_ids.append(vol_ref)
        stack.extra.setdefault("attachments", []).append((vol_ref, inst.id))


@folder("AWS::EC2::EIP", "AWS::EC2::EIPAssociation")
def elastic_ip(stack: Stack, lr: LogicalResource, p: Props) -> None:
    inst = stack.target(p.get("InstanceId"), Ec2Instance, "AWS::EC2::Instance")
    if isinstance(inst, Unresolved):
        stack.mark_all(
            Ec2Instance,
            f"elastic IP {lr.logical_id} is associated with an instance that is not known: "
            f"{inst.reason}",
            "public_ips",
            only=lambda res: res.public_ips == [],
        )
    elif isinstance(inst, Ec2Instance):
        inst.public_ips = [PUBLIC_IP]
        inst.unknown.pop("public_ips", None)


@finisher
def attach_volumes(stack: Stack) -> None:
    for vol_ref, inst_id in stack.extra.get("attachments", []):
        vol = stack.target(
            ResRef(vol_ref, vol_ref) if vol_ref in stack.logical else vol_ref,
            EbsVolume,
            "AWS::EC2::Volume",
        )
        if isinstance(vol, EbsVolume):
            vol.state = "in-use"
            if vol.attached_instance_ids is not None and inst_id not in vol.attached_instance_ids:
                vol.attached_instance_ids.append(inst_id)


@finisher
def vpc_usage(stack: Stack) -> None:
    """A VPC is in use when a template resource places a network interface in it."""
    used = stack.extra.get("vpcs_in_use", set())
    subnets = stack.extra.get("subnets", {})
    for logical in stack.extra.get("subnets_in_use", set()):
        info = subnets.get(logical)
        if info and isinstance(info.get("vpc"), str):
            used.add(str(info["vpc"]))
    instances = stack.extra.get("vpc_instances", {})
    for res in stack.built(Vpc):
        res.instance_ids = list(instances.get(res.id, []))
        if res.id in used:
            res.in_use = True
        else:
            res.mark_unknown(
                "no resource of this template places a network interface in it (other stacks may)",
                "in_use",
            )


def mark_subnets_in_use(stack: Stack, subnet_ids: Any) -> None:
    """Record that a resource puts network interfaces into these subnets."""
    if isinstance(subnet_ids, Unresolved) or subnet_ids is None:
        return
    for value in subnet_ids if isinstance(subnet_ids, list) else [subnet_ids]:
        if isinstance(value, ResRef):
            stack.extra.setdefault("subnets_in_use", set()).add(value.logical)
