"""Collect VPCs, security groups, network ACLs and route tables of a region.

Seven list calls per region, made concurrently; no per-resource calls. Network interfaces
tell which VPCs and security groups are in use, flow logs and endpoints are joined per VPC.
"""

from __future__ import annotations

from typing import Any

from demarcate.resources.base import Inventory
from demarcate.resources.vpc import (
    NetworkAcl,
    RouteEntry,
    RouteTable,
    SecurityGroup,
    Vpc,
)
from demarcate.sources.api_shapes import nacl_entries, sg_rules
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext, Outcome


def tag_dict(tags: list[dict[str, Any]] | None) -> dict[str, str]:
    return {t["Key"]: t.get("Value", "") for t in tags or [] if "Key" in t}


def reason(outcome: Outcome, action: str) -> str:
    """The outcome's error, reworded when an emulator answered with an HTML error page."""
    error = outcome.error or "no answer"
    if outcome.code in ("500", "501") and "<html" in error.lower():
        return f"{action} is not supported by this endpoint (HTTP {outcome.code})"
    return error


def _route_target(route: dict[str, Any]) -> str:
    for key in (
        "GatewayId",
        "NatGatewayId",
        "TransitGatewayId",
        "VpcPeeringConnectionId",
        "NetworkInterfaceId",
        "InstanceId",
        "EgressOnlyInternetGatewayId",
        "LocalGatewayId",
        "CarrierGatewayId",
        "CoreNetworkArn",
    ):
        if route.get(key):
            return str(route[key])
    return "unknown"


LISTINGS: dict[str, tuple[str, str, dict[str, Any]]] = {
    # name: (client method, result key, kwargs)
    "vpcs": ("describe_vpcs", "Vpcs", {}),
    "security_groups": ("describe_security_groups", "SecurityGroups", {}),
    "network_acls": ("describe_network_acls", "NetworkAcls", {}),
    "route_tables": ("describe_route_tables", "RouteTables", {}),
    "flow_logs": ("describe_flow_logs", "FlowLogs", {}),
    "endpoints": ("describe_vpc_endpoints", "VpcEndpoints", {}),
    "enis": ("describe_network_interfaces", "NetworkInterfaces", {}),
}
ACTIONS = {
    "vpcs": "ec2:DescribeVpcs",
    "security_groups": "ec2:DescribeSecurityGroups",
    "network_acls": "ec2:DescribeNetworkAcls",
    "route_tables": "ec2:DescribeRouteTables",
    "flow_logs": "ec2:DescribeFlowLogs",
    "endpoints": "ec2:DescribeVpcEndpoints",
    "enis": "ec2:DescribeNetworkInterfaces",
}


@collector(
    service="vpc",
    scope="regional",
    resource_types=(Vpc.TYPE, SecurityGroup.TYPE, NetworkAcl.TYPE, RouteTable.TYPE),
    actions=tuple(ACTIONS.values()),
)
def network(ctx: AwsContext, region: str, inv: Inventory) -> None:
    ec2 = ctx.client("ec2", region)

    def fetch(name: str) -> tuple[str, Outcome]:
        method, key, kwargs = LISTINGS[name]
        return name, ctx.paginate(ec2, method, key, **kwargs)

    got: dict[str, Outcome] = dict(ctx.map(fetch, list(LISTINGS)))
    enis = got["enis"]
    eni_items: list[dict[str, Any]] = enis.value if enis.ok else []

    _vpcs(region, inv, got, eni_items)
    _security_groups(region, inv, got["security_groups"], enis, eni_items)
    _network_acls(region, inv, got["network_acls"])
    _route_tables(region, inv, got["route_tables"])


def _name(item: dict[str, Any]) -> tuple[dict[str, str], str | None]:
    tags = tag_dict(item.get("Tags") or item.get("TagSet"))
    return tags, tags.get("Name") or None


def _vpcs(
    region: str, inv: Inventory, got: dict[str, Outcome], eni_items: list[dict[str, Any]]
) -> None:
    listed = got["vpcs"]
    if not listed.ok:
        inv.add_error(Vpc.TYPE, region, ACTIONS["vpcs"], listed.error or "no answer")
        return
    flows, endpoints, enis = got["flow_logs"], got["endpoints"], got["enis"]
    for raw in listed.value:
        vpc_id = raw["VpcId"]
        tags, name = _name(raw)
        vpc = Vpc(
            id=vpc_id,
            name=name,
            arn=f"arn:aws:ec2:{region}:{raw.get('OwnerId', inv.account)}:vpc/{vpc_id}",
            region=region,
            tags=tags,
            is_default=bool(raw.get("IsDefault")),
            cidr=raw.get("CidrBlock"),
            state=raw.get("State"),
        )
        if flows.ok:
            ids = [
                f["FlowLogId"]
                for f in flows.value
                if f.get("ResourceId") == vpc_id and f.get("FlowLogStatus", "ACTIVE") == "ACTIVE"
            ]
            vpc.flow_log_ids = ids
            vpc.flow_logs_enabled = bool(ids)
        else:
            vpc.mark_unknown(flows.error or "", "flow_logs_enabled", "flow_log_ids")
        if endpoints.ok:
            vpc.endpoint_services = sorted(
                {
                    e["ServiceName"]
                    for e in endpoints.value
                    if e.get("VpcId") == vpc_id
                    and e.get("ServiceName")
                    and str(e.get("State", "available")).lower() == "available"
                }
            )
        else:
            vpc.mark_unknown(endpoints.error or "", "endpoint_services")
        if enis.ok:
            mine = [e for e in eni_items if e.get("VpcId") == vpc_id]
            vpc.network_interface_count = len(mine)
            vpc.in_use = bool(mine)
            vpc.instance_ids = sorted(
                {
                    e["Attachment"]["InstanceId"]
                    for e in mine
                    if (e.get("Attachment") or {}).get("InstanceId")
                }
            )
        else:
            vpc.mark_unknown(enis.error or "", "in_use", "network_interface_count", "instance_ids")
        inv.add(vpc)


def _security_groups(
    region: str,
    inv: Inventory,
    listed: Outcome,
    enis: Outcome,
    eni_items: list[dict[str, Any]],
) -> None:
    if not listed.ok:
        inv.add_error(
            SecurityGroup.TYPE, region, ACTIONS["security_groups"], listed.error or "no answer"
        )
        return
    users: dict[str, list[str]] = {}
    for eni in eni_items:
        for group in eni.get("Groups") or []:
            users.setdefault(group.get("GroupId", ""), []).append(eni["NetworkInterfaceId"])
    for raw in listed.value:
        group_id = raw["GroupId"]
        tags, tag_name = _name(raw)
        group_name = raw.get("GroupName")
        sg = SecurityGroup(
            id=group_id,
            name=tag_name or group_name,
            arn=raw.get("SecurityGroupArn")
            or f"arn:aws:ec2:{region}:{raw.get('OwnerId', inv.account)}:security-group/{group_id}",
            region=region,
            tags=tags,
            group_name=group_name,
            description=raw.get("Description"),
            vpc_id=raw.get("VpcId"),
            is_default_group=group_name == "default",
            ingress=sg_rules(raw.get("IpPermissions")),
            egress=sg_rules(raw.get("IpPermissionsEgress")),
        )
        if enis.ok:
            sg.network_interface_ids = sorted(users.get(group_id, []))
            sg.attached = bool(sg.network_interface_ids)
        else:
            sg.mark_unknown(enis.error or "", "attached", "network_interface_ids")
        inv.add(sg)


def _network_acls(region: str, inv: Inventory, listed: Outcome) -> None:
    if not listed.ok:
        inv.add_error(NetworkAcl.TYPE, region, ACTIONS["network_acls"], listed.error or "no answer")
        return
    for raw in listed.value:
        acl_id = raw["NetworkAclId"]
        tags, name = _name(raw)
        inv.add(
            NetworkAcl(
                id=acl_id,
                name=name,
                arn=f"arn:aws:ec2:{region}:{raw.get('OwnerId', inv.account)}:network-acl/{acl_id}",
                region=region,
                tags=tags,
                vpc_id=raw.get("VpcId"),
                is_default=bool(raw.get("IsDefault")),
                subnet_ids=sorted(
                    {a["SubnetId"] for a in raw.get("Associations") or [] if a.get("SubnetId")}
                ),
                entries=nacl_entries(raw.get("Entries")),
            )
        )


def _route_tables(region: str, inv: Inventory, listed: Outcome) -> None:
    if not listed.ok:
        inv.add_error(RouteTable.TYPE, region, ACTIONS["route_tables"], listed.error or "no answer")
        return
    for raw in listed.value:
        rtb_id = raw["RouteTableId"]
        tags, name = _name(raw)
        assocs = raw.get("Associations") or []
        inv.add(
            RouteTable(
                id=rtb_id,
                name=name,
                arn=f"arn:aws:ec2:{region}:{raw.get('OwnerId', inv.account)}:route-table/{rtb_id}",
                region=region,
                tags=tags,
                vpc_id=raw.get("VpcId"),
                is_main=any(a.get("Main") for a in assocs),
                subnet_ids=sorted({a["SubnetId"] for a in assocs if a.get("SubnetId")}),
                routes=[
                    RouteEntry(
                        destination=r.get("DestinationCidrBlock")
                        or r.get("DestinationIpv6CidrBlock")
                        or r.get("DestinationPrefixListId")
                        or "unknown",
                        target=_route_target(r),
                        state=r.get("State"),
                    )
                    for r in raw.get("Routes") or []
                ],
            )
        )
