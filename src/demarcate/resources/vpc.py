"""Amazon VPC: VPCs, security groups, network ACLs and route tables.

Rules are normalized so a Terraform or CloudFormation parser can fill the same fields:
protocols are ``"-1"`` (all), ``"tcp"``, ``"udp"``, ``"icmp"``, ``"icmpv6"`` or the IANA number
as a string; a rule for all protocols covers every port (``from_port``/``to_port`` are None).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from demarcate.resources.base import Resource

WORLD_V4 = "0.0.0.0/0"
WORLD_V6 = "::/0"

_PROTOCOL_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"}


def normalize_protocol(value: object) -> str:
    """'6' -> 'tcp', 'TCP' -> 'tcp', -1 -> '-1'; unknown numbers stay as strings."""
    text = str(value).strip().lower()
    return _PROTOCOL_NAMES.get(text, text)


def _covers(
    protocol: str, from_port: int | None, to_port: int | None, proto: str, port: int
) -> bool:
    if protocol == "-1":
        return True
    if protocol != proto:
        return False
    if from_port is None or to_port is None:  # tcp/udp without ports never occurs; be safe
        return True
    if from_port == -1 and to_port == -1:
        return True
    return from_port <= port <= to_port


class SecurityGroupRule(BaseModel):
    """One inbound or outbound permission: a protocol/port range and every source it names."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    protocol: str  # "-1", "tcp", "udp", "icmp", …
    from_port: int | None = None  # None for all protocols
    to_port: int | None = None
    cidrs: list[str] = []
    ipv6_cidrs: list[str] = []
    source_groups: list[str] = []  # referenced security group ids
    prefix_lists: list[str] = []

    def covers(self, port: int, proto: str = "tcp") -> bool:
        return _covers(self.protocol, self.from_port, self.to_port, proto, port)

    @property
    def world_sources(self) -> list[str]:
        """The "anywhere" sources this rule names (0.0.0.0/0, ::/0)."""
        return [c for c in self.cidrs if c == WORLD_V4] + [
            c for c in self.ipv6_cidrs if c == WORLD_V6
        ]

    @property
    def ports_text(self) -> str:
        if self.protocol == "-1":
            return "all traffic"
        if self.from_port is None or (self.from_port == -1 and self.to_port == -1):
            return f"{self.protocol}/all"
        if self.from_port == self.to_port:
            return f"{self.protocol}/{self.from_port}"
        return f"{self.protocol}/{self.from_port}-{self.to_port}"


class NetworkAclEntry(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid")

    rule_number: int
    egress: bool
    action: str  # "allow" | "deny"
    protocol: str  # normalized like SecurityGroupRule.protocol
    from_port: int | None = None
    to_port: int | None = None
    cidr: str | None = None
    ipv6_cidr: str | None = None

    def covers(self, port: int, proto: str = "tcp") -> bool:
        return _covers(self.protocol, self.from_port, self.to_port, proto, port)


class RouteEntry(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid")

    destination: str  # CIDR, IPv6 CIDR or prefix-list id
    target: str  # local, igw-…, nat-…, pcx-…, vpce-…, tgw-…, eni-…
    state: str | None = None  # active | blackhole


class Vpc(Resource):
    TYPE: ClassVar[str] = "vpc.vpc"
    SERVICE: ClassVar[str] = "vpc"

    is_default: bool | None = None
    cidr: str | None = None
    state: str | None = None
    flow_logs_enabled: bool | None = None  # an ACTIVE flow log is attached to the VPC itself
    flow_log_ids: list[str] | None = None
    endpoint_services: list[str] | None = None  # e.g. "com.amazonaws.us-east-1.s3"
    in_use: bool | None = None  # any network interface lives in it
    network_interface_count: int | None = None
    instance_ids: list[str] | None = None  # instances with an interface in it


class SecurityGroup(Resource):
    TYPE: ClassVar[str] = "vpc.security_group"
    SERVICE: ClassVar[str] = "vpc"

    group_name: str | None = None
    description: str | None = None
    vpc_id: str | None = None
    is_default_group: bool | None = None  # the group named "default" every VPC gets
    ingress: list[SecurityGroupRule] | None = None
    egress: list[SecurityGroupRule] | None = None
    attached: bool | None = None  # used by any network interface
    network_interface_ids: list[str] | None = None

    def world_open(self, port: int | None, proto: str = "tcp") -> list[SecurityGroupRule]:
        """Inbound rules that admit ``port`` (or all traffic when port is None) from anywhere."""
        hits = []
        for rule in self.ingress or []:
            if not rule.world_sources:
                continue
            if (port is None and rule.protocol == "-1") or (
                port is not None and rule.covers(port, proto)
            ):
                hits.append(rule)
        return hits


class NetworkAcl(Resource):
    TYPE: ClassVar[str] = "vpc.network_acl"
    SERVICE: ClassVar[str] = "vpc"

    vpc_id: str | None = None
    is_default: bool | None = None
    subnet_ids: list[str] | None = None
    entries: list[NetworkAclEntry] | None = None

    def world_admits(self, port: int, proto: str = "tcp") -> NetworkAclEntry | None:
        """The inbound rule that lets ``port`` in from anywhere, or None.

        Entries are evaluated lowest rule number first; for a packet from an arbitrary
        internet address only rules whose source is 0.0.0.0/0 or ::/0 match for certain,
        so the first such rule covering the port decides.
        """
        ordered = sorted(
            (e for e in self.entries or [] if not e.egress), key=lambda e: e.rule_number
        )
        for family in ("v4", "v6"):
            for entry in ordered:
                world = entry.cidr == WORLD_V4 if family == "v4" else entry.ipv6_cidr == WORLD_V6
                if world and entry.covers(port, proto):
                    if entry.action == "allow":
                        return entry
                    break
        return None


class RouteTable(Resource):
    TYPE: ClassVar[str] = "vpc.route_table"
    SERVICE: ClassVar[str] = "vpc"

    vpc_id: str | None = None
    is_main: bool | None = None
    subnet_ids: list[str] | None = None
    routes: list[RouteEntry] | None = None
