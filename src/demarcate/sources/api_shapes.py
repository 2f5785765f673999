"""Pure translations from AWS API-shaped structures to parts of the normalized resources.

The live collectors read these shapes from boto3 responses; the IaC mappers build the same
shapes from Terraform and CloudFormation properties. Keeping them here (free of boto3) lets the
IaC scan load without the AWS SDK.
"""

from __future__ import annotations

import re
from typing import Any

from demarcate.resources.cloudfront import CfOrigin
from demarcate.resources.cloudtrail import ALL_BUCKETS
from demarcate.resources.vpc import (
    NetworkAclEntry,
    SecurityGroupRule,
    normalize_protocol,
)

# S3 REST endpoints (bucket.s3.amazonaws.com, bucket.s3.<region>.amazonaws.com,
# bucket.s3-<region>.amazonaws.com); website endpoints (s3-website) are custom origins.
S3_REST = re.compile(r"\.s3([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?$", re.IGNORECASE)
S3_OBJECT = "AWS::S3::Object"

# Classic Load Balancers fall back to this predefined policy when a secure listener has no
# SSL negotiation policy attached (Classic Load Balancer guide, "Update the SSL negotiation
# configuration").
CLASSIC_DEFAULT_POLICY = "ELBSecurityPolicy-2016-08"
CLASSIC_PROTOCOL_ATTRS = {
    "Protocol-SSLv3": "SSLv3",
    "Protocol-TLSv1": "TLSv1",
    "Protocol-TLSv1.1": "TLSv1.1",
    "Protocol-TLSv1.2": "TLSv1.2",
}


def api_items(block: dict[str, Any] | None) -> list[Any]:
    return list((block or {}).get("Items") or [])


def cloudfront_origin(raw: dict[str, Any]) -> CfOrigin:
    domain = str(raw.get("DomainName") or "")
    custom = raw.get("CustomOriginConfig")
    is_s3 = "S3OriginConfig" in raw or (
        custom is None and bool(S3_REST.search(domain)) and "s3-website" not in domain
    )
    origin = CfOrigin(
        id=str(raw.get("Id")),
        domain=domain,
        is_s3=is_s3,
        oac_id=raw.get("OriginAccessControlId") or "",
        oai=(raw.get("S3OriginConfig") or {}).get("OriginAccessIdentity") or "",
    )
    if custom is not None:
        origin.protocol_policy = custom.get("OriginProtocolPolicy") or ""
        origin.ssl_protocols = [str(p) for p in api_items(custom.get("OriginSslProtocols"))]
    return origin


def _port(value: Any) -> int | None:
    return None if value is None else int(value)


def sg_rules(permissions: list[dict[str, Any]] | None) -> list[SecurityGroupRule]:
    """EC2 IpPermissions -> normalized rules (one per protocol/port range)."""
    rules = []
    for perm in permissions or []:
        protocol = normalize_protocol(perm.get("IpProtocol", "-1"))
        all_traffic = protocol == "-1"
        rules.append(
            SecurityGroupRule(
                protocol=protocol,
                from_port=None if all_traffic else _port(perm.get("FromPort")),
                to_port=None if all_traffic else _port(perm.get("ToPort")),
                cidrs=[r["CidrIp"] for r in perm.get("IpRanges") or [] if "CidrIp" in r],
                ipv6_cidrs=[r["CidrIpv6"] for r in perm.get("Ipv6Ranges") or [] if "CidrIpv6" in r],
                source_groups=[
                    g["GroupId"] for g in perm.get("UserIdGroupPairs") or [] if "GroupId" in g
                ],
                prefix_lists=[
                    p["PrefixListId"]
                    for p in perm.get("PrefixListIds") or []
                    if "PrefixListId" in p
                ],
            )
        )
    return rules


def nacl_entries(entries: list[dict[str, Any]] | None) -> list[NetworkAclEntry]:
    out = []
    for raw in entries or []:
        protocol = normalize_protocol(raw.get("Protocol", "-1"))
        ports = raw.get("PortRange") or {}
        out.append(
            NetworkAclEntry(
                rule_number=int(raw.get("RuleNumber", 32767)),
                egress=bool(raw.get("Egress")),
                action=str(raw.get("RuleAction", "deny")).lower(),
                protocol=protocol,
                from_port=None if protocol == "-1" else _port(ports.get("From")),
                to_port=None if protocol == "-1" else _port(ports.get("To")),
                cidr=raw.get("CidrBlock"),
                ipv6_cidr=raw.get("Ipv6CidrBlock"),
            )
        )
    return out


def _combine(kinds: set[str]) -> str:
    if "All" in kinds or {"ReadOnly", "WriteOnly"} <= kinds:
        return "All"
    if "ReadOnly" in kinds:
        return "ReadOnly"
    if "WriteOnly" in kinds:
        return "WriteOnly"
    return "None"


def _s3_scope(value: str) -> str | None:
    """'arn:aws:s3' / 'arn:aws:s3:::' -> '*'; 'arn:aws:s3:::bucket/prefix' -> 'bucket/prefix'."""
    parts = value.split(":", 5)
    if len(parts) < 3 or parts[2] != "s3":
        return None
    rest = parts[5] if len(parts) > 5 else ""
    rest = rest.rstrip("/")
    return rest or ALL_BUCKETS


def parse_basic_selectors(selectors: list[dict[str, Any]]) -> tuple[str, list[str], list[str]]:
    """(management read/write, S3 read scopes, S3 write scopes) from classic event selectors."""
    mgmt: set[str] = set()
    read: list[str] = []
    write: list[str] = []
    for sel in selectors:
        rw = sel.get("ReadWriteType") or "All"
        if sel.get("IncludeManagementEvents", True):
            mgmt.add(rw)
        for res in sel.get("DataResources") or []:
            if res.get("Type") != S3_OBJECT:
                continue
            for value in res.get("Values") or []:
                scope = _s3_scope(str(value))
                if scope is None:
                    continue
                if rw in ("All", "ReadOnly") and scope not in read:
                    read.append(scope)
                if rw in ("All", "WriteOnly") and scope not in write:
                    write.append(scope)
    return _combine(mgmt), read, write


def parse_advanced_selectors(
    selectors: list[dict[str, Any]],
) -> tuple[str, list[str], list[str]]:
    """The same triple from advanced event selectors.

    A data selector narrowed by anything but ``readOnly`` and ``resources.ARN`` StartsWith /
    Equals (e.g. by eventName, or NotStartsWith exclusions) does not count as "every bucket":
    its scope is recorded as ``"* (filtered by <field>)"``.
    """
    mgmt: set[str] = set()
    read: list[str] = []
    write: list[str] = []
    for sel in selectors:
        fields = {f.get("Field"): f for f in sel.get("FieldSelectors") or [] if f.get("Field")}
        category = fields.get("eventCategory", {}).get("Equals") or []
        ro = fields.get("readOnly", {}).get("Equals") or []
        kinds = ["All"]
        if ro == ["true"]:
            kinds = ["ReadOnly"]
        elif ro == ["false"]:
            kinds = ["WriteOnly"]
        if "Management" in category:
            mgmt.update(kinds)
            continue
        if "Data" not in category:
            continue
        if S3_OBJECT not in (fields.get("resources.type", {}).get("Equals") or []):
            continue
        arn_field = fields.get("resources.ARN")
        others = sorted(
            set(fields) - {"eventCategory", "readOnly", "resources.type", "resources.ARN"}
        )
        scopes: list[str]
        if others:
            scopes = [f"{ALL_BUCKETS} (filtered by {', '.join(others)})"]
        elif arn_field is None:
            scopes = [ALL_BUCKETS]
        elif set(arn_field) - {"Field", "StartsWith", "Equals"}:
            scopes = [f"{ALL_BUCKETS} (filtered by resources.ARN exclusions)"]
        else:
            values = list(arn_field.get("StartsWith") or []) + list(arn_field.get("Equals") or [])
            scopes = [s for s in (_s3_scope(str(v)) for v in values) if s]
        for kind in kinds:
            target = []
            if kind in ("All", "ReadOnly"):
                target.append(read)
            if kind in ("All", "WriteOnly"):
                target.append(write)
            for lst in target:
                lst.extend(s for s in scopes if s not in lst)
    return _combine(mgmt), read, write
