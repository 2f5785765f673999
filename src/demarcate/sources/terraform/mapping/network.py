"""VPC, security groups, network ACLs, EC2 instances, AMIs and EBS from Terraform.

What the code cannot say stays unknown; what AWS or the provider does when an argument is
absent is applied and documented here:

* ``aws_security_group`` keeps only the rules in the code (Terraform removes AWS's default
  allow-all egress rule), inline and from ``aws_security_group_rule`` /
  ``aws_vpc_security_group_{ingress,egress}_rule``. ``aws_default_security_group`` and
  ``aws_default_network_acl`` likewise hold exactly the rules declared. Default groups and ACLs
  of VPCs the code does not manage that way are not invented.
* A VPC is in use when a resource of the code places a network interface in one of its
  subnets (instances, interfaces, Lambda VPC config, load balancers, ECS services, NAT
  gateways, interface endpoints, DB subnet groups); an instance without ``subnet_id`` lands in
  the region's default VPC.
* Instances: ``metadata_options.http_tokens`` absent = ``optional`` and ``http_endpoint`` =
  ``enabled`` (the EC2 API defaults; an AMI flagged ``imds_support = v2.0`` or an account-level
  default can require tokens, neither is visible from the instance's code). A public IP comes
  from ``associate_public_ip_address``, else from the subnet's ``map_public_ip_on_launch``
  (default ``false``; ``true`` for default subnets), or from an ``aws_eip``.
* EBS volumes (and root / EBS block devices): ``encrypted`` absent = encrypted when the code
  turns on ``aws_ebs_encryption_by_default`` in that region, else not; an explicit value wins.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from demarcate.resources.ebs import EbsEncryptionByDefault, EbsSnapshot, EbsVolume
from demarcate.resources.ec2 import Ec2Image, Ec2Instance
from demarcate.resources.vpc import (
    NetworkAcl,
    NetworkAclEntry,
    SecurityGroup,
    SecurityGroupRule,
    Vpc,
    normalize_protocol,
)
from demarcate.sources.terraform.mapping.base import (
    Builder,
    as_bool,
    as_int,
    as_list,
    as_str,
    as_strs,
    block,
    blocks,
    get,
    mapper,
    put,
)
from demarcate.sources.terraform.raw import RawResource
from demarcate.sources.terraform.values import UnknownValue, first_unknown, unknown_or

PATCH_DOCUMENTS = frozenset(
    {
        "AWS-RunPatchBaseline",
        "AWS-RunPatchBaselineAssociation",
        "AWS-RunPatchBaselineWithHooks",
        "AWS-PatchInstanceWithRollback",
        "AWS-PatchAsgInstance",
        "AWS-InstallWindowsUpdates",
        "AWS-InstallMissingWindowsUpdates",
        "AWS-ApplyPatchBaseline",
    }
)
VPC_TYPES = ("aws_vpc", "aws_default_vpc")
SUBNET_TYPES = ("aws_subnet", "aws_default_subnet")
NACL_TYPES = ("aws_network_acl", "aws_default_network_acl")
SG_TYPES = ("aws_security_group", "aws_default_security_group")
PUBLIC_IP_LAUNCH = "<public IP assigned at launch>"


def _region(raw: RawResource) -> str | None:
    return raw.region if isinstance(raw.region, str) else None


def _name_tag(raw: RawResource) -> str | None:
    """The Name tag, when the code sets it to text."""
    tags = raw.attrs.get("tags")
    name = tags.get("Name") if isinstance(tags, dict) else None
    return name if isinstance(name, str) else None


class Net:
    """Subnet → VPC resolution and default-VPC placement, shared by the mappers below."""

    def __init__(self, b: Builder) -> None:
        self.b = b
        self.default_vpcs: dict[str | None, RawResource] = {}
        for raw in b.of("aws_default_vpc"):
            self.default_vpcs.setdefault(_region(raw), raw)

    def default_subnet_token(self, region: str | None) -> str | None:
        vpc = self.default_vpcs.get(region)
        return f"{vpc.address}:default-subnet" if vpc else None

    def subnet(self, value: Any) -> RawResource | None:
        return self.b.find(value, *SUBNET_TYPES)

    def vpc_of_subnet(self, value: Any, region: str | None) -> tuple[RawResource | None, bool]:
        """(VPC raw, resolved?) for a subnet reference (None value: the default subnet)."""
        if value is None:
            vpc = self.default_vpcs.get(region)
            return vpc, vpc is not None
        raw = self.subnet(value)
        if raw is None:
            token = str(value)
            for vpc in self.default_vpcs.values():
                if token == f"{vpc.address}:default-subnet":
                    return vpc, True
            return None, False
        if raw.type == "aws_default_subnet":
            vpc = self.default_vpcs.get(_region(raw))
            return vpc, vpc is not None
        return self.b.find(raw.attrs.get("vpc_id"), *VPC_TYPES), True

    def vpc_by_default_child(self, value: Any, attr: str) -> RawResource | None:
        for vpc in self.b.of(*VPC_TYPES):
            if value == f"{vpc.address}.{attr}":
                return vpc
        return None


# ---- security groups ------------------------------------------------------------------------


def _rule(
    protocol: Any, from_port: Any, to_port: Any, **peers: Any
) -> SecurityGroupRule | UnknownValue:
    for value in (protocol, from_port, to_port, *peers.values()):
        unknown = value if isinstance(value, UnknownValue) else first_unknown(value)
        if unknown is not None:
            return unknown
    proto = normalize_protocol(protocol if protocol is not None else "-1")
    everything = proto == "-1"
    return SecurityGroupRule(
        protocol=proto,
        from_port=None if everything or from_port is None else int(from_port),
        to_port=None if everything or to_port is None else int(to_port),
        cidrs=[str(c) for c in peers.get("cidrs") or []],
        ipv6_cidrs=[str(c) for c in peers.get("ipv6_cidrs") or []],
        source_groups=[str(c) for c in peers.get("source_groups") or []],
        prefix_lists=[str(c) for c in peers.get("prefix_lists") or []],
    )


def _inline_rule(item: dict[str, Any], own_id: str) -> SecurityGroupRule | UnknownValue:
    groups = as_list(item.get("security_groups"))
    if isinstance(groups, UnknownValue):
        return groups
    self_ref = as_bool(item.get("self"), False)
    if isinstance(self_ref, UnknownValue):
        return self_ref
    return _rule(
        item.get("protocol"),
        item.get("from_port"),
        item.get("to_port"),
        cidrs=as_list(item.get("cidr_blocks")),
        ipv6_cidrs=as_list(item.get("ipv6_cidr_blocks")),
        source_groups=groups + ([own_id] if self_ref else []),
        prefix_lists=as_list(item.get("prefix_list_ids")),
    )


def _map_security_groups(b: Builder, net: Net) -> None:
    groups: dict[str, SecurityGroup] = {}
    rules: dict[str, dict[str, list[Any]]] = {}
    for raw in b.of(*SG_TYPES):
        default = raw.type == "aws_default_security_group"
        group_name = "default" if default else raw.attrs.get("name")
        if group_name is None and "name_prefix" not in raw.attrs:
            group_name = UnknownValue("the group name is generated by Terraform (terraform-…)")
        elif group_name is None:
            group_name = UnknownValue("the group name is generated from name_prefix")
        label = _name_tag(raw)
        vpc_id = get(raw.attrs, "vpc_id")
        sg = b.new(
            SecurityGroup,
            raw,
            raw.address,
            name=label or (group_name if isinstance(group_name, str) else raw.address),
            group_name=group_name,
            description=as_str(raw.attrs.get("description"), "Managed by Terraform"),
            vpc_id=vpc_id
            if vpc_id is not None
            else (
                net.default_vpcs[_region(raw)].address
                if _region(raw) in net.default_vpcs
                else UnknownValue("the group is in the region's default VPC")
            ),
            is_default_group=default,
        )
        sg.unknown["network_interface_ids"] = (
            "which interfaces use the group is known only at run time"
        )
        groups[raw.address] = sg
        lists: dict[str, list[Any]] = {"ingress": [], "egress": []}
        for direction in ("ingress", "egress"):
            items = blocks(raw.attrs, direction)
            if isinstance(items, UnknownValue):
                lists[direction].append(items)
                continue
            for item in items:
                lists[direction].append(_inline_rule(item, raw.address))
        rules[raw.address] = lists

    for raw in b.of("aws_security_group_rule"):
        target = b.find(raw.attrs.get("security_group_id"), *SG_TYPES)
        rule_type = raw.attrs.get("type")
        if target is None or rule_type not in ("ingress", "egress"):
            _lost(raw, rules, "security_group_id" if target is None else "type")
            continue
        self_ref = as_bool(raw.attrs.get("self"), False)
        source = raw.attrs.get("source_security_group_id")
        peers = [] if source is None else [source]
        if self_ref is True:
            peers.append(target.address)
        rules[target.address][rule_type].append(
            _rule(
                raw.attrs.get("protocol"),
                raw.attrs.get("from_port"),
                raw.attrs.get("to_port"),
                cidrs=as_list(raw.attrs.get("cidr_blocks")),
                ipv6_cidrs=as_list(raw.attrs.get("ipv6_cidr_blocks")),
                source_groups=peers,
                prefix_lists=as_list(raw.attrs.get("prefix_list_ids")),
            )
        )
    for kind, direction in (
        ("aws_vpc_security_group_ingress_rule", "ingress"),
        ("aws_vpc_security_group_egress_rule", "egress"),
    ):
        for raw in b.of(kind):
            target = b.find(raw.attrs.get("security_group_id"), *SG_TYPES)
            if target is None:
                _lost(raw, rules, "security_group_id", direction)
                continue
            a = raw.attrs
            rules[target.address][direction].append(
                _rule(
                    a.get("ip_protocol"),
                    a.get("from_port"),
                    a.get("to_port"),
                    cidrs=[a["cidr_ipv4"]] if a.get("cidr_ipv4") is not None else [],
                    ipv6_cidrs=[a["cidr_ipv6"]] if a.get("cidr_ipv6") is not None else [],
                    source_groups=[a["referenced_security_group_id"]]
                    if a.get("referenced_security_group_id") is not None
                    else [],
                    prefix_lists=[a["prefix_list_id"]]
                    if a.get("prefix_list_id") is not None
                    else [],
                )
            )
    for address, sg in groups.items():
        for direction in ("ingress", "egress"):
            items = rules[address][direction]
            unknown = next((r for r in items if isinstance(r, UnknownValue)), None)
            put(sg, direction, unknown if unknown is not None else items)
    _unmanaged_default_groups(b, groups)


def _unmanaged_default_groups(b: Builder, groups: dict[str, SecurityGroup]) -> None:
    """The default security group AWS creates with every new VPC, when no
    ``aws_default_security_group`` takes it over: it keeps AWS's rules (all traffic from its
    own members in, everything out), which is what the code deploys."""
    managed = set()
    for raw in b.of("aws_default_security_group"):
        vpc = b.find(raw.attrs.get("vpc_id"), *VPC_TYPES)
        if vpc is not None:
            managed.add(vpc.address)
        elif isinstance(raw.attrs.get("vpc_id"), UnknownValue):
            return  # it may manage any of them: claim none
    for vpc in b.of("aws_vpc"):
        if vpc.address in managed:
            continue
        sg_id = f"{vpc.address}:default-security-group"
        ipv6 = vpc.attrs.get("assign_generated_ipv6_cidr_block") is True
        sg = b.new(
            SecurityGroup,
            vpc,
            sg_id,
            name="default",
            group_name="default",
            description=(
                "created by AWS with the VPC and not managed in the code "
                "(aws_default_security_group would manage it)"
            ),
            vpc_id=vpc.address,
            is_default_group=True,
            primary=False,
        )
        sg.unknown["network_interface_ids"] = (
            "which interfaces use the group is known only at run time"
        )
        sg.ingress = [SecurityGroupRule(protocol="-1", source_groups=[sg_id])]
        sg.egress = [
            SecurityGroupRule(
                protocol="-1", cidrs=["0.0.0.0/0"], ipv6_cidrs=["::/0"] if ipv6 else []
            )
        ]
        groups[sg_id] = sg


def _lost(
    raw: RawResource,
    rules: dict[str, dict[str, list[Any]]],
    attr: str,
    direction: str | None = None,
) -> None:
    """A rule whose group cannot be told: every group may have it (their rules are unknown)."""
    value = raw.attrs.get(attr)
    if not isinstance(value, UnknownValue):
        return  # names a group outside the code: not ours to judge
    reason = UnknownValue(f"rule {raw.address} targets a group that is not known: {value.reason}")
    for lists in rules.values():
        for d in (direction,) if direction else ("ingress", "egress"):
            lists[d].append(reason)


# ---- network ACLs ---------------------------------------------------------------------------


def _acl_entry(
    item: dict[str, Any], egress: bool, number_key: str, action_key: str
) -> NetworkAclEntry | UnknownValue:
    unknown = first_unknown(item)
    if unknown is not None:
        return unknown
    proto = normalize_protocol(item.get("protocol", "-1"))
    everything = proto == "-1"
    return NetworkAclEntry(
        rule_number=int(item.get(number_key) or 0),
        egress=egress,
        action=str(item.get(action_key) or "deny").lower(),
        protocol=proto,
        from_port=None if everything or item.get("from_port") is None else int(item["from_port"]),
        to_port=None if everything or item.get("to_port") is None else int(item["to_port"]),
        cidr=item.get("cidr_block") or None,
        ipv6_cidr=item.get("ipv6_cidr_block") or None,
    )


def _map_nacls(b: Builder, net: Net) -> None:
    acls: dict[str, NetworkAcl] = {}
    entries: dict[str, list[Any]] = {}
    subnets: dict[str, list[Any]] = {}
    claimed: set[str] = set()
    vpc_of: dict[str, RawResource | None] = {}
    for raw in b.of(*NACL_TYPES):
        default = raw.type == "aws_default_network_acl"
        vpc = (
            net.vpc_by_default_child(
                raw.attrs.get("default_network_acl_id"), "default_network_acl_id"
            )
            if default
            else b.find(raw.attrs.get("vpc_id"), *VPC_TYPES)
        )
        vpc_of[raw.address] = vpc
        acl = b.new(
            NetworkAcl,
            raw,
            raw.address,
            name=_name_tag(raw),
            vpc_id=vpc.address
            if vpc
            else get(raw.attrs, "vpc_id", UnknownValue("the ACL's VPC is not in the code")),
            is_default=default,
        )
        acls[raw.address] = acl
        entries[raw.address] = []
        for direction in ("ingress", "egress"):
            items = blocks(raw.attrs, direction)
            if isinstance(items, UnknownValue):
                entries[raw.address].append(items)
                continue
            for item in items:
                entries[raw.address].append(
                    _acl_entry(item, direction == "egress", "rule_no", "action")
                )
        ids = as_list(raw.attrs.get("subnet_ids"))
        subnets[raw.address] = [ids] if isinstance(ids, UnknownValue) else list(ids)
        if not default and not isinstance(ids, UnknownValue):
            claimed.update(str(s) for s in ids)
    for raw in b.of("aws_network_acl_rule"):
        target = b.find(raw.attrs.get("network_acl_id"), *NACL_TYPES)
        if target is None:
            continue
        item = dict(raw.attrs)
        egress = as_bool(item.get("egress"), False)
        entry = (
            egress
            if isinstance(egress, UnknownValue)
            else _acl_entry(item, egress, "rule_number", "rule_action")
        )
        entries[target.address].append(entry)
    for raw in b.of("aws_network_acl_association"):
        target = b.find(raw.attrs.get("network_acl_id"), *NACL_TYPES)
        if target is not None:
            subnets[target.address].append(raw.attrs.get("subnet_id"))
            if isinstance(raw.attrs.get("subnet_id"), str):
                claimed.add(raw.attrs["subnet_id"])
    # A default ACL covers every subnet of its VPC that no other ACL claims.
    for raw in b.of("aws_default_network_acl"):
        vpc = vpc_of.get(raw.address)
        if vpc is None:
            continue
        for sub in b.of(*SUBNET_TYPES):
            if sub.address in claimed:
                continue
            owner, _ = net.vpc_of_subnet(sub.address, _region(sub))
            if owner is vpc:
                subnets[raw.address].append(sub.address)
        if vpc.type == "aws_default_vpc":
            token = f"{vpc.address}:default-subnet"
            if token not in claimed:
                subnets[raw.address].append(token)
    for address, acl in acls.items():
        found = entries[address]
        unknown = next((e for e in found if isinstance(e, UnknownValue)), None)
        put(acl, "entries", unknown if unknown is not None else found)
        ids = subnets[address]
        unknown = next((s for s in ids if isinstance(s, UnknownValue)), None)
        put(acl, "subnet_ids", unknown if unknown is not None else sorted({str(s) for s in ids}))


# ---- placements (is a VPC in use?) ---------------------------------------------------------


def _placements(b: Builder) -> list[tuple[RawResource, Any]]:
    """(resource, subnet reference) for every network interface the code places; subnet
    None = the region's default subnet."""
    out: list[tuple[RawResource, Any]] = []
    eni_subnet = {raw.address: raw.attrs.get("subnet_id") for raw in b.of("aws_network_interface")}
    for raw in b.of("aws_instance"):
        subnet = raw.attrs.get("subnet_id")
        if subnet is None:
            nics = blocks(raw.attrs, "network_interface")
            if isinstance(nics, list) and nics:
                nic = b.find(nics[0].get("network_interface_id"), "aws_network_interface")
                subnet = (
                    eni_subnet.get(nic.address)
                    if nic
                    else UnknownValue("interface outside the code")
                )
        out.append((raw, subnet))
    for raw in b.of("aws_network_interface", "aws_nat_gateway"):
        out.append((raw, raw.attrs.get("subnet_id")))
    for raw in b.of("aws_lambda_function"):
        cfg = block(raw.attrs, "vpc_config")
        if isinstance(cfg, UnknownValue):
            out.append((raw, cfg))
        elif cfg:
            ids = as_list(cfg.get("subnet_ids"))
            out.extend((raw, s) for s in ([ids] if isinstance(ids, UnknownValue) else ids))
    for raw in b.of("aws_lb", "aws_alb", "aws_elb"):
        ids = as_list(raw.attrs.get("subnets"))
        if isinstance(ids, UnknownValue):
            out.append((raw, ids))
            continue
        mappings = blocks(raw.attrs, "subnet_mapping")
        for mapping in mappings if isinstance(mappings, list) else []:
            ids.append(mapping.get("subnet_id"))
        if not ids and raw.type == "aws_elb":
            out.append((raw, None))
        out.extend((raw, s) for s in ids)
    for raw in b.of("aws_ecs_service"):
        cfg = block(raw.attrs, "network_configuration")
        if isinstance(cfg, dict) and cfg:
            ids = as_list(cfg.get("subnets"))
            out.extend((raw, s) for s in ([ids] if isinstance(ids, UnknownValue) else ids))
    for raw in b.of("aws_vpc_endpoint"):
        if str(raw.attrs.get("vpc_endpoint_type", "Gateway")) == "Interface":
            ids = as_list(raw.attrs.get("subnet_ids"))
            out.extend((raw, s) for s in ([ids] if isinstance(ids, UnknownValue) else ids))
    groups = {g.address: g for g in b.of("aws_db_subnet_group")}
    for raw in b.of("aws_db_instance", "aws_rds_cluster_instance"):
        group = b.find(raw.attrs.get("db_subnet_group_name"), "aws_db_subnet_group")
        if raw.attrs.get("db_subnet_group_name") is None and raw.type == "aws_db_instance":
            out.append((raw, None))
        elif group is not None:
            ids = as_list(groups[group.address].attrs.get("subnet_ids"))
            out.extend((raw, s) for s in ([ids] if isinstance(ids, UnknownValue) else ids))
    return out


def _map_vpcs(b: Builder, net: Net) -> dict[str, Vpc]:
    flows: dict[str, list[str]] = defaultdict(list)
    for raw in b.of("aws_flow_log"):
        target = b.find(raw.attrs.get("vpc_id"), *VPC_TYPES)
        if target is not None:
            flows[target.address].append(raw.address)
    endpoints: dict[str, list[Any]] = defaultdict(list)
    for raw in b.of("aws_vpc_endpoint"):
        target = b.find(raw.attrs.get("vpc_id"), *VPC_TYPES)
        if target is not None:
            endpoints[target.address].append(raw.attrs.get("service_name"))
    used: dict[str, list[RawResource]] = defaultdict(list)
    unresolved: list[str] = []
    for raw, subnet in _placements(b):
        if isinstance(subnet, UnknownValue):
            unresolved.append(f"{raw.address}: {subnet.reason}")
            continue
        vpc, resolved = net.vpc_of_subnet(subnet, _region(raw))
        if vpc is not None:
            used[vpc.address].append(raw)
        elif not resolved:
            unresolved.append(f"{raw.address} uses subnet {subnet or 'default'} outside the code")
    out: dict[str, Vpc] = {}
    for raw in b.of(*VPC_TYPES):
        services = endpoints.get(raw.address, [])
        model = b.new(
            Vpc,
            raw,
            raw.address,
            name=_name_tag(raw),
            is_default=raw.type == "aws_default_vpc",
            cidr=as_str(raw.attrs.get("cidr_block")),
            state="available",
            flow_log_ids=flows.get(raw.address, []),
            flow_logs_enabled=bool(flows.get(raw.address)),
            endpoint_services=unknown_or(services, lambda v: sorted(str(s) for s in v)),
        )
        users = used.get(raw.address, [])
        if users:
            model.in_use = True
            model.network_interface_count = len(users)
            model.instance_ids = sorted({u.address for u in users if u.type == "aws_instance"})
        elif unresolved:
            reason = "placement of " + "; ".join(unresolved[:3])
            for f in ("in_use", "network_interface_count", "instance_ids"):
                model.unknown[f] = reason
        else:
            model.in_use, model.network_interface_count, model.instance_ids = False, 0, []
        out[raw.address] = model
    return out


# ---- EBS ------------------------------------------------------------------------------------


def _ebd_regions(b: Builder) -> dict[str | None, Any]:
    """Region -> EBS encryption by default as the code sets it."""
    out: dict[str | None, Any] = {}
    for raw in b.of("aws_ebs_encryption_by_default"):
        out[_region(raw)] = as_bool(raw.attrs.get("enabled"), True)  # provider default: true
    return out


def _encrypted(value: Any, region: str | None, ebd: dict[str | None, Any]) -> Any:
    if value is not None:
        return as_bool(value)
    on = ebd.get(region)
    return on is True  # absent: AWS encrypts only when encryption by default is on


def _map_ebs(b: Builder) -> dict[str, EbsVolume]:
    ebd = _ebd_regions(b)
    keys = {_region(r): r.attrs.get("key_arn") for r in b.of("aws_ebs_default_kms_key")}
    for raw in b.of("aws_ebs_encryption_by_default"):
        region = _region(raw) or "unknown-region"
        b.new(
            EbsEncryptionByDefault,
            raw,
            f"ebs-encryption-by-default:{region}",
            name=f"EBS encryption by default ({region})",
            enabled=ebd.get(_region(raw)),
            kms_key_id=as_str(keys.get(_region(raw)), "alias/aws/ebs"),
        )
    attachments: dict[str, list[str]] = defaultdict(list)
    for raw in b.of("aws_volume_attachment"):
        vol = b.find(raw.attrs.get("volume_id"), "aws_ebs_volume")
        inst = b.find(raw.attrs.get("instance_id"), "aws_instance")
        if vol is not None:
            attachments[vol.address].append(
                inst.address if inst else str(raw.attrs.get("instance_id"))
            )
    volumes: dict[str, EbsVolume] = {}
    for raw in b.of("aws_ebs_volume"):
        encrypted = _encrypted(raw.attrs.get("encrypted"), _region(raw), ebd)
        volume = b.new(
            EbsVolume,
            raw,
            raw.address,
            name=_name_tag(raw),
            state="in-use" if attachments.get(raw.address) else "available",
            size_gib=as_int(raw.attrs.get("size")),
            volume_type=as_str(raw.attrs.get("type"), "gp2"),  # provider default gp2
            encrypted=encrypted,
            kms_key_id=as_str(raw.attrs.get("kms_key_id"), "") if encrypted is True else "",
            attached_instance_ids=attachments.get(raw.address, []),
        )
        volume.unknown["backed_up"] = "AWS Backup recovery points exist only in a live account"
        volumes[raw.address] = volume
    for raw in b.of("aws_ebs_snapshot", "aws_ebs_snapshot_copy"):
        source = b.find(raw.attrs.get("volume_id"), "aws_ebs_volume")
        if raw.type == "aws_ebs_snapshot_copy":
            encrypted = as_bool(raw.attrs.get("encrypted"), False)
        elif source is not None:
            encrypted = volumes[source.address].encrypted
            if encrypted is None:
                encrypted = UnknownValue(volumes[source.address].why_unknown("encrypted"))
        else:
            encrypted = UnknownValue("the snapshot's volume is not in the code")
        perms = [
            p
            for p in b.of("aws_snapshot_create_volume_permission")
            if b.find(p.attrs.get("snapshot_id"), "aws_ebs_snapshot", "aws_ebs_snapshot_copy")
            is raw
        ]
        accounts = [p.attrs.get("account_id") for p in perms]
        unknown = first_unknown(accounts)
        label = _name_tag(raw)
        b.new(
            EbsSnapshot,
            raw,
            raw.address,
            name=label if label is not None else as_str(raw.attrs.get("description")),
            volume_id=source.address if source else as_str(raw.attrs.get("volume_id")),
            state="completed",
            encrypted=encrypted,
            kms_key_id=as_str(raw.attrs.get("kms_key_id"), ""),
            # "all" stands for the public group (createVolumePermission group=all)
            public=unknown if unknown is not None else "all" in accounts,
            shared_with_accounts=unknown
            if unknown is not None
            else sorted(a for a in accounts if a != "all"),
        )
    return volumes


# ---- EC2 ------------------------------------------------------------------------------------


def _patch_selectors(b: Builder) -> tuple[list[tuple[str, list[dict[str, Any]]]], list[str]]:
    """(window name, target selectors of its patch tasks) and doubts (unknown parts)."""
    targets: dict[str, Any] = {}
    for raw in b.of("aws_ssm_maintenance_window_target"):
        targets[raw.address] = (raw.attrs.get("window_id"), blocks(raw.attrs, "targets"))
    out: list[tuple[str, list[dict[str, Any]]]] = []
    doubts: list[str] = []
    for window in b.of("aws_ssm_maintenance_window"):
        enabled = as_bool(window.attrs.get("enabled"), True)
        if enabled is False:
            continue
        label = as_str(window.attrs.get("name"), window.address)
        selectors: list[dict[str, Any]] = []
        for task in b.of("aws_ssm_maintenance_window_task"):
            if b.find(task.attrs.get("window_id"), "aws_ssm_maintenance_window") is not window:
                continue
            arn = task.attrs.get("task_arn")
            if isinstance(arn, UnknownValue):
                doubts.append(f"task {task.address}: {arn.reason}")
                continue
            if str(arn).rsplit("/", 1)[-1] not in PATCH_DOCUMENTS:
                continue
            sels = blocks(task.attrs, "targets")
            if isinstance(sels, UnknownValue):
                doubts.append(f"targets of {task.address}: {sels.reason}")
                continue
            for sel in sels:
                if sel.get("key") == "WindowTargetIds":
                    ids = as_list(sel.get("values"))
                    if isinstance(ids, UnknownValue):
                        doubts.append(f"targets of {task.address}: {ids.reason}")
                        continue
                    for value in ids:
                        target = b.find(value, "aws_ssm_maintenance_window_target")
                        if target is None:
                            doubts.append(f"{task.address} targets {value}, not in the code")
                            continue
                        found = targets[target.address][1]
                        if isinstance(found, UnknownValue):
                            doubts.append(f"targets of {target.address}: {found.reason}")
                        else:
                            selectors.extend(found)
                else:
                    selectors.append(sel)
        if isinstance(label, str):
            out.append((label, selectors))
    return out, doubts


def _selected(
    raw: RawResource, tags: dict[str, str], selectors: list[dict[str, Any]]
) -> bool | None:
    unresolved = False
    for sel in selectors:
        key = str(sel.get("key") or "")
        values = as_list(sel.get("values"))
        if isinstance(values, UnknownValue):
            unresolved = True
            continue
        values = [str(v) for v in values]
        if key == "InstanceIds" and ("*" in values or raw.address in values):
            return True
        if key.startswith("tag:") and tags.get(key[4:]) in values:
            return True
        if key == "tag-key" and any(v in tags for v in values):
            return True
        if key.startswith("resource-groups:"):
            unresolved = True
    return None if unresolved else False


def _map_instances(b: Builder, net: Net, volumes: dict[str, EbsVolume]) -> None:
    ebd = _ebd_regions(b)
    windows, doubts = _patch_selectors(b)
    eips = {
        str(r.attrs.get("instance"))
        for r in b.of("aws_eip", "aws_eip_association")
        if r.attrs.get("instance") is not None
    }
    eips |= {
        str(r.attrs.get("instance_id"))
        for r in b.of("aws_eip_association")
        if r.attrs.get("instance_id") is not None
    }
    attached: dict[str, list[str]] = defaultdict(list)
    for raw in b.of("aws_volume_attachment"):
        inst = b.find(raw.attrs.get("instance_id"), "aws_instance")
        vol = b.find(raw.attrs.get("volume_id"), "aws_ebs_volume")
        if inst is not None:
            attached[inst.address].append(vol.address if vol else str(raw.attrs.get("volume_id")))
    for raw in b.of("aws_instance"):
        a = raw.attrs
        region = _region(raw)
        tags = (
            {str(k): str(v) for k, v in (a.get("tags") or {}).items()}
            if isinstance(a.get("tags"), dict)
            else {}
        )
        meta = block(a, "metadata_options")
        if isinstance(meta, UnknownValue):
            tokens: Any = meta
            endpoint: Any = meta
        else:
            tokens = as_str(meta.get("http_tokens"), "optional")
            endpoint = as_str(meta.get("http_endpoint"), "enabled")
        subnet_ref = a.get("subnet_id")
        if subnet_ref is None:
            nics = blocks(a, "network_interface")
            if isinstance(nics, list) and nics:
                nic = b.find(nics[0].get("network_interface_id"), "aws_network_interface")
                subnet_ref = (
                    nic.attrs.get("subnet_id")
                    if nic
                    else UnknownValue("network interface outside the code")
                )
        vpc, _ = (
            net.vpc_of_subnet(subnet_ref, region)
            if not isinstance(subnet_ref, UnknownValue)
            else (None, False)
        )
        subnet_raw = net.subnet(subnet_ref)
        if subnet_ref is None:
            subnet_id: Any = net.default_subnet_token(region) or UnknownValue(
                "the instance is in the region's default subnet, which the code does not manage"
            )
        elif subnet_raw is not None:
            subnet_id = subnet_raw.address
        else:
            subnet_id = subnet_ref
        # Public IPv4
        assoc = as_bool(a.get("associate_public_ip_address"))
        if raw.address in eips:
            public: Any = [PUBLIC_IP_LAUNCH]
        elif isinstance(assoc, UnknownValue):
            public = assoc
        elif assoc is not None:
            public = [PUBLIC_IP_LAUNCH] if assoc else []
        elif subnet_ref is None or (
            subnet_raw is not None and subnet_raw.type == "aws_default_subnet"
        ):
            public = [PUBLIC_IP_LAUNCH]  # default subnets map public IPs on launch
        elif subnet_raw is not None:
            mapped = as_bool(subnet_raw.attrs.get("map_public_ip_on_launch"), False)
            public = (
                mapped
                if isinstance(mapped, UnknownValue)
                else ([PUBLIC_IP_LAUNCH] if mapped else [])
            )
        else:
            public = UnknownValue(
                f"subnet {subnet_ref} is not in the code (does it map public IPs?)"
            )
        # Instance profile
        profile = a.get("iam_instance_profile")
        if profile is None:
            profile_arn: Any = ""
        elif isinstance(profile, UnknownValue):
            profile_arn = profile
        else:
            found = b.find(profile, "aws_iam_instance_profile")
            profile_arn = (
                b.ident(found, "arn")
                if found
                else profile
                if str(profile).startswith("arn:")
                else f"arn:aws:iam::{raw.account or b.account or '<account-id>'}:instance-profile/{profile}"
            )
        # Volumes: root and EBS block devices become volumes of their own
        volume_ids: list[str] = []
        devices: list[tuple[str, dict[str, Any]]] = []
        root = blocks(a, "root_block_device")
        ebs = blocks(a, "ebs_block_device")
        unknown_devices = (
            root
            if isinstance(root, UnknownValue)
            else ebs
            if isinstance(ebs, UnknownValue)
            else None
        )
        devices.append(("root", root[0] if isinstance(root, list) and root else {}))
        for dev in ebs if isinstance(ebs, list) else []:
            devices.append((str(dev.get("device_name") or "ebs"), dev))
        name = tags.get("Name")
        for label, dev in devices:
            encrypted = _encrypted(dev.get("encrypted"), region, ebd)
            volume = b.new(
                EbsVolume,
                raw,
                f"{raw.address}:{label}",
                primary=False,
                name=f"{name or raw.address} {label} volume",
                state="in-use",
                size_gib=as_int(dev.get("volume_size")),
                volume_type=as_str(dev.get("volume_type"), "gp2"),
                encrypted=encrypted,
                kms_key_id=as_str(dev.get("kms_key_id"), "") if encrypted is True else "",
                attached_instance_ids=[raw.address],
            )
            volume.tags = None
            volume.unknown["backed_up"] = "AWS Backup recovery points exist only in a live account"
            volume_ids.append(volume.id)
        volume_ids.extend(attached.get(raw.address, []))
        groups = as_list(a.get("vpc_security_group_ids"))
        instance = b.new(
            Ec2Instance,
            raw,
            raw.address,
            name=name,
            state="running",  # Terraform launches instances running
            instance_type=as_str(a.get("instance_type")),
            image_id=as_str(a.get("ami")),
            imds_http_tokens=tokens,
            imds_endpoint=endpoint,
            public_ips=public,
            iam_instance_profile_arn=profile_arn,
            vpc_id=vpc.address if vpc else UnknownValue("the instance's VPC is not in the code"),
            subnet_id=subnet_id,
            security_group_ids=groups
            if isinstance(groups, UnknownValue)
            else sorted(str(g) for g in groups),
            root_volume_id=f"{raw.address}:root",
            volume_ids=unknown_devices if unknown_devices is not None else volume_ids,
        )
        instance.unknown["ssm_managed"] = (
            "Systems Manager registration is known only in a live account"
        )
        instance.unknown["ssm_ping_status"] = instance.unknown["ssm_managed"]
        names = sorted({label for label, sels in windows if _selected(raw, tags, sels) is True})
        if names:
            instance.in_patch_window, instance.patch_windows = True, names
        elif doubts or any(_selected(raw, tags, sels) is None for _, sels in windows):
            why = "; ".join(doubts) or "a maintenance window targets a resource group"
            instance.unknown["in_patch_window"] = why
            instance.unknown["patch_windows"] = why
        else:
            instance.in_patch_window, instance.patch_windows = False, []


def _map_images(b: Builder) -> None:
    public: dict[str, Any] = {}
    for raw in b.of("aws_ami_launch_permission"):
        target = b.find(
            raw.attrs.get("image_id"), "aws_ami", "aws_ami_copy", "aws_ami_from_instance"
        )
        if target is not None:
            group = raw.attrs.get("group")
            public[target.address] = (
                group
                if isinstance(group, UnknownValue)
                else (group == "all" or public.get(target.address) is True)
            )
    for raw in b.of("aws_ami", "aws_ami_copy", "aws_ami_from_instance"):
        devices = blocks(raw.attrs, "ebs_block_device")
        if isinstance(devices, UnknownValue):
            encrypted: Any = devices
            snaps: Any = devices
        else:
            flags = [as_bool(d.get("encrypted"), False) for d in devices]
            encrypted = unknown_or(flags, lambda v: all(v) if v else None)
            snaps = [str(d.get("snapshot_id")) for d in devices if d.get("snapshot_id") is not None]
        if raw.type == "aws_ami_copy":
            encrypted = as_bool(raw.attrs.get("encrypted"), False)
        image = b.new(
            Ec2Image,
            raw,
            raw.address,
            name=as_str(raw.attrs.get("name")),
            state="available",
            public=public.get(raw.address, False),
            snapshot_ids=snaps,
        )
        put(image, "encrypted", encrypted)


@mapper(order=20)
def map_network(b: Builder) -> None:
    net = Net(b)
    _map_vpcs(b, net)
    _map_security_groups(b, net)
    _map_nacls(b, net)
    volumes = _map_ebs(b)
    _map_instances(b, net, volumes)
    _map_images(b)


__all__ = ["as_strs", "map_network"]
